import { expect } from 'chai';
import { deploymentBody, startHarness } from './support/harness.js';
import type { Harness } from './support/harness.js';

describe('POST /api/deployments network option', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('stores network: none on the deployment and refuses anything but shared|none', async () => {
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody({ name: 'offline', network: 'none' }) });
    expect(created.status, created.text).to.equal(201);
    const stored = await h.ports.deployments.get(created.json.deployment.id);
    expect(stored?.state.config.network).to.equal('none');
    const bad = await h.request('POST', '/api/deployments', { body: deploymentBody({ name: 'odd', network: 'host' }) });
    expect(bad.status).to.equal(400);
    expect(bad.json.error).to.equal('invalid_input');
  });
});
