import { expect } from 'chai';
import { RunDeployment } from '@catwalk/core';
import { deploymentRoutes } from './api.test.js';
import { deploymentBody, startHarness } from './support/harness.js';
import type { Harness } from './support/harness.js';

describe('isolation between users', () => {
  let h: Harness;
  let id: string;
  let token: string;
  before(async () => {
    h = await startHarness();
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    id = created.json.deployment.id;
    token = created.json.accessToken;
    await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: id });
  });
  after(async () => {
    await h.close();
  });

  it("answers user B's every request on user A's deployment exactly like a missing one (404)", async () => {
    const missing = '00000000-0000-4000-8000-00000000dead';
    for (const [[method, path], [, missingPath]] of deploymentRoutes(id).map((route, i) => [route, deploymentRoutes(missing)[i]!] as const)) {
      const options = { key: h.userB.key, ...(method === 'PUT' ? { body: { credentials: { API_KEY: 'stolen' } } } : {}) };
      const foreign = await h.request(method, path, options);
      const absent = await h.request(method, missingPath, options);
      expect(foreign.status, `${method} ${path}`).to.equal(404);
      expect(foreign.json).to.deep.equal(absent.json);
    }
    // Nothing changed: still A's, still running, same token.
    const mine = await h.request('GET', `/api/deployments/${id}`);
    expect(mine.json.status).to.equal('running');
    expect((await h.request('GET', '/api/deployments', { key: h.userB.key })).json.items).to.deep.equal([]);
  });

  it("does not list A's deployments to B, and guessed ids find nothing", async () => {
    const list = await h.request('GET', '/api/deployments', { key: h.userB.key });
    expect(list.json.items.map((d: { id: string }) => d.id)).not.to.include(id);
    // The fake ids are sequential UUIDs: guess the neighbours.
    const n = Number.parseInt(id.slice(-12), 16);
    for (const guess of [n - 1, n, n + 1, n + 2].map((k) => `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`)) {
      expect((await h.request('GET', `/api/deployments/${guess}`, { key: h.userB.key })).status).to.equal(404);
    }
  });

  it("refuses B's own token at A's endpoint and A's token at an unknown one, with the same 401", async () => {
    const other = await h.request('POST', '/api/deployments', { body: deploymentBody(), key: h.userB.key });
    const otherToken: string = other.json.accessToken;
    const wrong = await fetch(`${h.url}/mcp/${id}`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/json' }, body: '{}' });
    const unknown = await fetch(`${h.url}/mcp/00000000-0000-4000-8000-00000000dead`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(await wrong.text()).to.equal(await unknown.text());
    expect(wrong.headers.get('www-authenticate')).to.equal(unknown.headers.get('www-authenticate'));
    // An API key is not an access token.
    const apiKeyAsToken = await fetch(`${h.url}/mcp/${id}`, { method: 'POST', headers: { authorization: `Bearer ${h.userB.key}` }, body: '{}' });
    expect(apiKeyAsToken.status).to.equal(401);
  });

  it('does not accept an access token as an API key', async () => {
    expect((await h.request('GET', '/api/deployments', { key: token })).status).to.equal(401);
  });
});
