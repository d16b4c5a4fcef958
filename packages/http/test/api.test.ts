import { expect } from 'chai';
import { CatwalkError, RunDeployment } from '@catwalk/core';
import { SOURCE, deploymentBody, startHarness } from './support/harness.js';
import type { Exchange, Harness } from './support/harness.js';

function expectError(exchange: Exchange, status: number, code: string): void {
  expect(exchange.status, exchange.text).to.equal(status);
  expect(exchange.json).to.have.keys(['error', 'message', 'details']);
  expect(exchange.json.error).to.equal(code);
  expect(exchange.text).not.to.match(/at \w+ \(|node:internal|\.ts:\d+/);
}

describe('control-plane API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  async function createDeployment(key = h.adminKey): Promise<{ id: string; accessToken: string; body: Exchange['json'] }> {
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody(), key });
    expect(created.status, created.text).to.equal(201);
    return { id: created.json.deployment.id, accessToken: created.json.accessToken, body: created.json };
  }

  async function runToRunning(id: string): Promise<void> {
    const result = await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: id });
    expect(result.outcome).to.equal('running');
    h.server.app.deploymentChanged(id);
  }

  describe('system routes', () => {
    it('GET /health answers ok without a key', async () => {
      const res = await h.request('GET', '/health', { key: null });
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ status: 'ok' });
    });

    it('GET /ready checks the database and the orchestrator', async () => {
      const res = await h.request('GET', '/ready', { key: null });
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal({ status: 'ready', checks: { database: true, orchestrator: true } });
    });

    it('GET /ready answers 503 when the orchestrator fails', async () => {
      h.ports.orchestrator.faults.failOn('list', new CatwalkError('orchestrator_failed', 'down'));
      try {
        const res = await h.request('GET', '/ready', { key: null });
        expect(res.status).to.equal(503);
        expect(res.json.checks).to.deep.equal({ database: true, orchestrator: false });
      } finally {
        h.ports.orchestrator.faults.clear();
      }
    });

    it('GET /metrics serves Prometheus text with requests, gateway calls and deployments by status', async () => {
      await h.request('GET', '/api/deployments');
      await h.request('POST', '/mcp/nope', { key: null });
      const res = await h.request('GET', '/metrics', { key: null });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/text\/plain/);
      expect(res.text).to.include('catwalk_http_requests_total{method="GET",route="/api/deployments",status="200"}');
      expect(res.text).to.include('catwalk_gateway_requests_total{outcome="unauthorized",status="401"}');
      expect(res.text).to.match(/catwalk_deployments\{status="pending"\} \d+/);
    });

    it('GET /openapi.json documents every route from the zod schemas', async () => {
      const res = await h.request('GET', '/openapi.json', { key: null });
      expect(res.status).to.equal(200);
      expect(res.json.openapi).to.equal('3.1.0');
      const paths = Object.keys(res.json.paths);
      for (const route of h.server.app.routes) expect(paths).to.include(route.path.replace(/:(\w+)/g, '{$1}'));
      const create = res.json.paths['/api/deployments'].post;
      expect(create.requestBody.content['application/json'].schema.required).to.include.members(['name', 'source']);
      expect(create.requestBody.content['application/json'].schema.additionalProperties).to.equal(false);
      expect(res.json.paths['/api/catalog/search'].get.parameters.map((p: { name: string }) => p.name)).to.deep.equal(['q', 'limit']);
    });

    it('answers unknown routes and methods with the error shape', async () => {
      expectError(await h.request('GET', '/api/nothing'), 404, 'not_found');
      expectError(await h.request('PATCH', '/api/deployments'), 405, 'invalid_input');
    });
  });

  describe('authentication', () => {
    it('refuses a missing, malformed or unknown API key with 401 and WWW-Authenticate', async () => {
      for (const key of [null, 'nope', `cwa_${'A'.repeat(43)}`]) {
        const res = await h.request('GET', '/api/deployments', { key });
        expectError(res, 401, 'unauthorized');
        expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
      }
    });

    it('rate-limits per API key with 429 and Retry-After', async () => {
      const limited = await startHarness({ http: { rateLimit: { burst: 3, perSecond: 0.5 } } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await limited.request('GET', '/api/deployments')).status);
        expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
        const res = await limited.request('GET', '/api/deployments');
        expectError(res, 429, 'rate_limited');
        expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
        // Another key has its own bucket.
        expect((await limited.request('GET', '/api/deployments', { key: limited.userB.key })).status).to.equal(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('analysis and catalogue', () => {
    it('POST /api/analyze returns the config and the form without its validator', async () => {
      const res = await h.request('POST', '/api/analyze', { body: { source: SOURCE } });
      expect(res.status, res.text).to.equal(200);
      expect(res.json.source).to.equal(SOURCE);
      expect(res.json.config.package).to.deep.equal({ runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' });
      expect(res.json.form.fields.map((f: { name: string }) => f.name)).to.deep.equal(['API_KEY', 'REGION']);
      expect(res.json.form.jsonSchema.type).to.equal('object');
      expect(res.json.form).not.to.have.property('validator');
    });

    it('POST /api/analyze maps source errors to 400 and missing sources to 404', async () => {
      expectError(await h.request('POST', '/api/analyze', { body: { source: 'https://gitlab.com/a/b' } }), 400, 'invalid_repo_url');
      expectError(await h.request('POST', '/api/analyze', { body: { source: 'npm:@example/absent@1.0.0' } }), 404, 'not_found');
    });

    it('refuses local-directory sources over HTTP', async () => {
      expectError(await h.request('POST', '/api/analyze', { body: { source: '/etc' } }), 400, 'invalid_source');
      expectError(await h.request('POST', '/api/deployments', { body: deploymentBody({ source: './here' }) }), 400, 'invalid_source');
    });

    it('POST /api/forms returns the form only', async () => {
      const res = await h.request('POST', '/api/forms', { body: { source: SOURCE } });
      expect(res.status).to.equal(200);
      expect(res.json).to.have.keys(['fields', 'excluded', 'jsonSchema']);
    });

    it('POST /api/validate/package pins the version, 422 when it does not exist', async () => {
      const ok = await h.request('POST', '/api/validate/package', { body: { name: '@example/mcp-server' } });
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.json.package).to.deep.equal({ runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' });
      expect(ok.json.detectedRuntime).to.equal(true);
      expectError(await h.request('POST', '/api/validate/package', { body: { runtime: 'npm', name: 'absent-package' } }), 422, 'package_not_found');
      expectError(await h.request('POST', '/api/validate/package', { body: { runtime: 'npm', name: 'rm -rf /' } }), 400, 'invalid_package_name');
    });

    it('POST /api/validate/credentials answers the names, never the values', async () => {
      const ok = await h.request('POST', '/api/validate/credentials', { body: { source: SOURCE, credentials: { API_KEY: 'value-1' } } });
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.json).to.deep.equal({ valid: true, names: ['API_KEY', 'REGION'] });
      const missing = await h.request('POST', '/api/validate/credentials', { body: { source: SOURCE, credentials: {} } });
      expectError(missing, 400, 'missing_credentials');
      expect(missing.json.details.missing).to.deep.equal(['API_KEY']);
      expectError(await h.request('POST', '/api/validate/credentials', { body: { source: SOURCE, credentials: { API_KEY: 'x', LD_PRELOAD: '/x.so' } } }), 400, 'unknown_credential');
    });

    it('GET /api/catalog/search searches, 400 without a query, 502 when no catalogue answers', async () => {
      h.ports.catalog.add({ name: 'memory', description: 'Knowledge graph memory', packages: [], catalogs: ['mcp-registry'] });
      const res = await h.request('GET', '/api/catalog/search?q=memory&limit=5');
      expect(res.status, res.text).to.equal(200);
      expect(res.json.entries.map((e: { name: string }) => e.name)).to.include('memory');
      expectError(await h.request('GET', '/api/catalog/search'), 400, 'invalid_input');
      expectError(await h.request('GET', '/api/catalog/search?q=x&limit=1000'), 400, 'invalid_input');
      h.ports.catalog.faults.failOn('search', new CatwalkError('source_unavailable', 'No catalogue answered.', {}, { retryable: true }));
      try {
        expectError(await h.request('GET', '/api/catalog/search?q=nothing-cached'), 502, 'source_unavailable');
      } finally {
        h.ports.catalog.faults.clear();
      }
    });
  });

  describe('deployments', () => {
    it('POST /api/deployments answers 201 with endpoint, token once and snippets; GET never shows the token', async () => {
      const { id, accessToken, body } = await createDeployment();
      expect(accessToken).to.match(/^cwt_[A-Za-z0-9_-]{43}$/);
      expect(body.endpoint).to.equal(`${h.server.publicUrl}/mcp/${id}`);
      expect(body.deployment.status).to.equal('pending');
      expect(body.deployment.credentialNames).to.deep.equal(['API_KEY', 'REGION']);
      expect(body.snippets.claudeCode).to.equal(`claude mcp add --transport http example ${body.endpoint} --header 'Authorization: Bearer ${accessToken}'`);
      expect(body.snippets.mcpServers.example).to.deep.equal({ type: 'http', url: body.endpoint, headers: { Authorization: `Bearer ${accessToken}` } });
      const read = await h.request('GET', `/api/deployments/${id}`);
      expect(read.status).to.equal(200);
      expect(read.text).not.to.include(accessToken);
      expect(read.json).not.to.have.any.keys(['accessTokenHash', 'upstreamUrl', 'machineId', 'config', 'credentials']);
    });

    it('the worker deploys a new deployment by itself when the background loops run', async () => {
      const live = await startHarness({ background: true });
      try {
        const created = await live.request('POST', '/api/deployments', { body: deploymentBody() });
        expect(created.status).to.equal(201);
        let status = '';
        for (let i = 0; i < 200 && status !== 'running'; i++) {
          status = (await live.request('GET', `/api/deployments/${created.json.deployment.id}`)).json.status;
          if (status !== 'running') await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(status).to.equal('running');
      } finally {
        await live.close();
      }
    });

    it('POST /api/deployments stores nothing when validation fails', async () => {
      const before = (await h.ports.deployments.countByStatus()).pending;
      expectError(await h.request('POST', '/api/deployments', { body: deploymentBody({ credentials: {} }) }), 400, 'missing_credentials');
      expectError(await h.request('POST', '/api/deployments', { body: deploymentBody({ source: 'npm:absent-package@1.0.0' }) }), 404, 'not_found');
      expectError(await h.request('POST', '/api/deployments', { body: deploymentBody({ name: '' }) }), 400, 'invalid_input');
      expect((await h.ports.deployments.countByStatus()).pending).to.equal(before);
    });

    it('POST /api/deployments with a package override pins that version', async () => {
      const res = await h.request('POST', '/api/deployments', { body: deploymentBody({ package: { runtime: 'npm', name: '@example/mcp-server', version: '1.0.0' } }) });
      expect(res.status, res.text).to.equal(201);
      expect(res.json.deployment.package.version).to.equal('1.0.0');
    });

    it('GET /api/deployments lists own deployments with cursor pagination', async () => {
      for (let i = 0; i < 3; i++) await createDeployment(h.userB.key);
      const first = await h.request('GET', '/api/deployments?limit=2', { key: h.userB.key });
      expect(first.status).to.equal(200);
      expect(first.json.items).to.have.length(2);
      expect(first.json.nextCursor).to.be.a('string');
      const second = await h.request('GET', `/api/deployments?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`, { key: h.userB.key });
      expect(second.json.items).to.have.length(1);
      expect(second.json.nextCursor).to.equal(null);
      expectError(await h.request('GET', '/api/deployments?limit=0'), 400, 'invalid_input');
    });

    it('stop, start, redeploy follow the state machine', async () => {
      const { id } = await createDeployment();
      expectError(await h.request('POST', `/api/deployments/${id}/stop`), 409, 'invalid_transition');
      await runToRunning(id);
      const stopped = await h.request('POST', `/api/deployments/${id}/stop`);
      expect(stopped.status, stopped.text).to.equal(200);
      expect(stopped.json.status).to.equal('stopped');
      const started = await h.request('POST', `/api/deployments/${id}/start`, { body: {} });
      expect(started.status, started.text).to.equal(202);
      expect(started.json.status).to.equal('deploying');
      await waitForStatus(id, 'running');
      const redeployed = await h.request('POST', `/api/deployments/${id}/redeploy`);
      expect(redeployed.status).to.equal(202);
      await waitForStatus(id, 'running');
      expectError(await h.request('POST', `/api/deployments/${id}/start`), 409, 'invalid_transition');
    });

    it('maps an orchestrator failure on stop to 502', async () => {
      const { id } = await createDeployment();
      await runToRunning(id);
      h.ports.orchestrator.faults.failOn('stop', new CatwalkError('orchestrator_failed', 'The machine could not be stopped.'));
      try {
        expectError(await h.request('POST', `/api/deployments/${id}/stop`), 502, 'orchestrator_failed');
      } finally {
        h.ports.orchestrator.faults.clear();
      }
    });

    it('POST /api/deployments/:id/token rotates: a new token, shown once', async () => {
      const { id, accessToken } = await createDeployment();
      const rotated = await h.request('POST', `/api/deployments/${id}/token`);
      expect(rotated.status, rotated.text).to.equal(200);
      expect(rotated.json.accessToken).to.match(/^cwt_/).and.not.equal(accessToken);
      expect(rotated.json.snippets.claudeCode).to.include(rotated.json.accessToken);
    });

    it('PUT /api/deployments/:id/credentials validates and re-seals; a running deployment is redeployed', async () => {
      const { id } = await createDeployment();
      await runToRunning(id);
      expectError(await h.request('PUT', `/api/deployments/${id}/credentials`, { body: { credentials: {} } }), 400, 'missing_credentials');
      const updated = await h.request('PUT', `/api/deployments/${id}/credentials`, { body: { credentials: { API_KEY: 'new-value' } } });
      expect(updated.status, updated.text).to.equal(200);
      expect(updated.json.status).to.equal('deploying');
      expect(updated.text).not.to.include('new-value');
      await waitForStatus(id, 'running');
    });

    it('GET /api/deployments/:id/logs and /events', async () => {
      const { id } = await createDeployment();
      const noLogs = await h.request('GET', `/api/deployments/${id}/logs`);
      expect(noLogs.json).to.deep.equal({ lines: [] });
      await runToRunning(id);
      const logs = await h.request('GET', `/api/deployments/${id}/logs?tail=10`);
      expect(logs.status).to.equal(200);
      expect(logs.json.lines[0].line).to.match(/^starting @example\/mcp-server@1\.2\.3/);
      const events = await h.request('GET', `/api/deployments/${id}/events?limit=50`);
      expect(events.status).to.equal(200);
      expect(events.json.events.map((e: { type: string }) => e.type)).to.include.members(['created', 'status_changed']);
      expectError(await h.request('GET', `/api/deployments/${id}/logs?tail=0`), 400, 'invalid_input');
    });

    it('DELETE /api/deployments/:id destroys and deletes; then 404', async () => {
      const { id } = await createDeployment();
      await runToRunning(id);
      const deleted = await h.request('DELETE', `/api/deployments/${id}`);
      expect(deleted.status).to.equal(204);
      expect(deleted.text).to.equal('');
      expectError(await h.request('GET', `/api/deployments/${id}`), 404, 'not_found');
      expectError(await h.request('DELETE', `/api/deployments/${id}`), 404, 'not_found');
    });

    it('answers 404 for unknown ids on every deployment route', async () => {
      const id = '00000000-0000-4000-8000-00000000beef';
      for (const [method, path] of deploymentRoutes(id)) expectError(await h.request(method, path, method === 'PUT' ? { body: { credentials: { API_KEY: 'x' } } } : {}), 404, 'not_found');
    });
  });

  async function waitForStatus(id: string, status: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const res = await h.request('GET', `/api/deployments/${id}`);
      if (res.json.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`deployment ${id} never became ${status}`);
  }
});

/** Every owner-scoped route of one deployment id. */
export function deploymentRoutes(id: string): [string, string][] {
  return [
    ['GET', `/api/deployments/${id}`],
    ['POST', `/api/deployments/${id}/stop`],
    ['POST', `/api/deployments/${id}/start`],
    ['POST', `/api/deployments/${id}/redeploy`],
    ['POST', `/api/deployments/${id}/token`],
    ['PUT', `/api/deployments/${id}/credentials`],
    ['GET', `/api/deployments/${id}/logs`],
    ['GET', `/api/deployments/${id}/events`],
    ['DELETE', `/api/deployments/${id}`],
  ];
}
