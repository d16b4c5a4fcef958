import { expect } from 'chai';
import { RunDeployment } from '@catwalk/core';
import { PLANTED_SECRET, deploymentBody, startHarness } from './support/harness.js';
import type { Harness } from './support/harness.js';

describe('secrets never leak', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('keeps planted credential values and tokens out of every log line and every later response', async () => {
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    const id: string = created.json.deployment.id;
    const firstToken: string = created.json.accessToken;
    const tokenResponses = new Set<string>([created.text]);
    await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: id });
    await h.request('POST', '/api/validate/credentials', { body: { source: 'npm:@example/mcp-server@1.2.3', credentials: { API_KEY: PLANTED_SECRET } } });
    await h.request('POST', '/api/validate/credentials', { body: { source: 'npm:@example/mcp-server@1.2.3', credentials: { API_KEY: PLANTED_SECRET, NODE_OPTIONS: PLANTED_SECRET } } });
    await h.request('PUT', `/api/deployments/${id}/credentials`, { body: { credentials: { API_KEY: PLANTED_SECRET, REGION: 'us' } } });
    await h.request('PUT', `/api/deployments/${id}/credentials`, { body: { credentials: { API_KEY: PLANTED_SECRET, UNKNOWN: PLANTED_SECRET } } });
    await h.request('GET', `/api/deployments/${id}`);
    await h.request('GET', '/api/deployments');
    await h.request('GET', `/api/deployments/${id}/logs`);
    await h.request('GET', `/api/deployments/${id}/events`);
    const rotated = await h.request('POST', `/api/deployments/${id}/token`);
    tokenResponses.add(rotated.text);
    const secondToken: string = rotated.json.accessToken;
    // Gateway calls with tokens in the header and in the query (the upstream is not reachable: 502 or 503).
    await fetch(`${h.url}/mcp/${id}?token=${firstToken}`, { method: 'POST', body: '{}' });
    await fetch(`${h.url}/mcp/${id}?token=${secondToken}`, { method: 'POST', body: '{}' });
    await fetch(`${h.url}/mcp/${id}`, { method: 'POST', headers: { authorization: `Bearer ${secondToken}` }, body: '{}' });
    // Errors with the API key and the token in odd places.
    await h.request('GET', `/api/nothing?token=${secondToken}`);
    await h.request('GET', `/api/deployments?cursor=${secondToken}`);
    await h.request('POST', '/api/analyze', { raw: `{"source": "${PLANTED_SECRET}"` });

    const logs = h.ports.logger.text();
    expect(h.ports.logger.entries.length).to.be.greaterThan(10);
    for (const secret of [PLANTED_SECRET, firstToken, secondToken, h.adminKey, h.userB.key]) {
      expect(logs, 'logs').not.to.include(secret);
      // The body of a secret (without its prefix) must not appear either.
      expect(logs, 'logs').not.to.include(secret.slice(4));
    }
    for (const response of h.responses) {
      if (tokenResponses.has(response)) continue;
      for (const secret of [PLANTED_SECRET, firstToken, secondToken, h.adminKey, h.userB.key]) expect(response).not.to.include(secret);
    }
  });
});
