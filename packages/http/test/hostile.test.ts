import { expect } from 'chai';
import { deploymentRoutes } from './api.test.js';
import { SOURCE, deploymentBody, startHarness } from './support/harness.js';
import type { Harness, RequestOptions } from './support/harness.js';

const MIB = 1024 * 1024;

/** Every API route that takes a body, with a valid body to mutate. */
function bodyRoutes(id: string): { method: string; path: string; valid: Record<string, unknown> }[] {
  return [
    { method: 'POST', path: '/api/analyze', valid: { source: SOURCE } },
    { method: 'POST', path: '/api/forms', valid: { source: SOURCE } },
    { method: 'POST', path: '/api/validate/package', valid: { name: '@example/mcp-server' } },
    { method: 'POST', path: '/api/validate/credentials', valid: { source: SOURCE, credentials: { API_KEY: 'x' } } },
    { method: 'POST', path: '/api/deployments', valid: deploymentBody() },
    { method: 'PUT', path: `/api/deployments/${id}/credentials`, valid: { credentials: { API_KEY: 'x' } } },
    { method: 'POST', path: `/api/deployments/${id}/stop`, valid: {} },
    { method: 'POST', path: `/api/deployments/${id}/start`, valid: {} },
    { method: 'POST', path: `/api/deployments/${id}/redeploy`, valid: {} },
    { method: 'POST', path: `/api/deployments/${id}/token`, valid: {} },
  ];
}

/** Hostile variants of a valid body: each must be refused with a 4xx and the error shape. */
function corpus(valid: Record<string, unknown>): { name: string; options: RequestOptions; status: number }[] {
  const firstKey = Object.keys(valid)[0];
  return [
    { name: 'malformed JSON', options: { raw: '{"source": "npm:x"' }, status: 400 },
    { name: 'JSON with trailing garbage', options: { raw: '{}{}' }, status: 400 },
    { name: 'a JSON array', options: { body: [valid] }, status: 400 },
    { name: 'a JSON string', options: { body: 'npm:x' }, status: 400 },
    { name: 'null', options: { raw: 'null' }, status: 400 },
    { name: 'an unknown field', options: { body: { ...valid, extra: 1 } }, status: 400 },
    { name: '__proto__ at the top', options: { raw: JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"isAdmin":true},') }, status: 400 },
    { name: 'nested __proto__', options: { raw: JSON.stringify({ ...valid, credentials: { API_KEY: 'x' } }).replace('"credentials":{', '"credentials":{"__proto__":{"polluted":true},') }, status: 400 },
    { name: 'constructor.prototype', options: { raw: JSON.stringify(valid).replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},') }, status: 400 },
    { name: 'a wrong type', options: { body: firstKey === undefined ? { x: 1 } : { ...valid, [firstKey]: 12345 } }, status: 400 },
    { name: 'a body over 1 MiB', options: { raw: `{"source":"${'a'.repeat(MIB + 10)}"}` }, status: 413 },
    { name: 'a non-JSON content type', options: { raw: 'source=npm:x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 400 },
    { name: 'control characters in a string', options: { body: firstKey === undefined ? { x: '\u0000' } : { ...valid, [firstKey]: 'npm:\u0000evil' } }, status: 400 },
  ];
}

describe('hostile input', () => {
  let h: Harness;
  let id: string;
  before(async () => {
    h = await startHarness({ http: { rateLimit: { burst: 10_000, perSecond: 10_000 } } });
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    id = created.json.deployment.id;
  });
  after(async () => {
    await h.close();
  });

  it('refuses every corpus entry on every body route with a 4xx, the error shape, and stores nothing', async () => {
    const snapshotBefore = JSON.stringify(await h.ports.deployments.countByStatus());
    const credentialsBefore = await h.ports.credentials.get(id);
    const failures: string[] = [];
    for (const route of bodyRoutes(id)) {
      for (const entry of corpus(route.valid)) {
        const res = await h.request(route.method, route.path, entry.options);
        const expectedStatus = entry.status;
        const shapeOk = res.json !== undefined && typeof res.json.error === 'string' && typeof res.json.message === 'string' && typeof res.json.details === 'object';
        if (res.status !== expectedStatus || !shapeOk) failures.push(`${route.method} ${route.path} ${entry.name}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).to.deep.equal([]);
    expect(JSON.stringify(await h.ports.deployments.countByStatus())).to.equal(snapshotBefore);
    expect(await h.ports.credentials.get(id)).to.deep.equal(credentialsBefore);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(({} as Record<string, unknown>)['isAdmin']).to.equal(undefined);
  });

  it('refuses bodies on routes that take none, and hostile queries', async () => {
    const other = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    const withBody = await h.request('DELETE', `/api/deployments/${other.json.deployment.id}`, { raw: '{"force":true}' });
    expect(withBody.status).to.equal(400);
    expect(withBody.json.error).to.equal('invalid_input');
    expect((await h.request('GET', `/api/deployments/${other.json.deployment.id}`)).status).to.equal(200);
    for (const query of ['?limit=abc', '?limit=-1', '?limit=1e9', '?__proto__=1', '?unknown=1', '?cursor=' + 'x'.repeat(500)]) {
      const res = await h.request('GET', `/api/deployments${query}`);
      expect(res.status, `${query}: ${res.text}`).to.equal(400);
      expect(res.json.error).to.equal('invalid_input');
    }
  });

  it('answers hostile ids like missing ones (404), never 500', async () => {
    for (const bad of ['..%2F..%2Fetc', '%00', 'x'.repeat(300), "1'%20OR%20'1'='1", '%E2%80%AE']) {
      for (const [method, path] of deploymentRoutes(bad)) {
        const res = await h.request(method, path, method === 'PUT' ? { body: { credentials: { API_KEY: 'x' } } } : {});
        expect(res.status, `${method} ${path}: ${res.text}`).to.equal(404);
      }
    }
  });

  it('closes the connection on an oversized chunked body without reading it all', async () => {
    const chunk = new Uint8Array(256 * 1024).fill(97);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 64 * MIB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${h.url}/api/analyze`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).to.equal(413);
    expect(((await response.json()) as { error: string }).error).to.equal('payload_too_large');
    expect(sent).to.be.lessThan(32 * MIB);
  });
});
