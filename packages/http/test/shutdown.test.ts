import { expect } from 'chai';
import { RunDeployment } from '@catwalk/core';
import { deploymentBody, startHarness } from './support/harness.js';

describe('graceful shutdown', () => {
  it('stops accepting, lets the request in flight finish, then closes', async () => {
    const h = await startHarness();
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    const id: string = created.json.deployment.id;
    await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: id });
    const gate = h.ports.orchestrator.faults.hold('stop');
    const inFlight = h.request('POST', `/api/deployments/${id}/stop`);
    while (gate.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const closing = h.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // New connections are refused while the old request is still being served.
    let refused: unknown;
    await fetch(`${h.url}/health`).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(Error);
    gate.release();
    const stopped = await inFlight;
    expect(stopped.status).to.equal(200);
    expect(stopped.json.status).to.equal('stopped');
    await closing;
  });
});
