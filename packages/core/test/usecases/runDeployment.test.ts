import { expect } from 'chai';
import { CatwalkError } from '../../src/errors/index.js';
import { INTERNAL_FAILURE_MESSAGE } from '../../src/usecases/index.js';
import { PLANTED_SECRET, createPending, createWorld } from './world.js';
import type { World } from './world.js';

describe('RunDeployment', () => {
  let world: World;

  beforeEach(() => {
    world = createWorld();
  });

  it('moves pending → deploying → running with the machine, its upstream and its tools', async () => {
    const { deployment } = await createPending(world);
    const result = await world.uc.runDeployment.execute({ deploymentId: deployment.id });
    expect(result.outcome).to.equal('running');
    const stored = world.store.deployments.get(deployment.id)!;
    expect(stored).to.deep.include({ status: 'running', machineId: 'machine-1', upstreamUrl: 'http://127.0.0.1:9/machine-1/mcp', errorMessage: null });
    expect(stored.tools.map((tool) => tool.name)).to.deep.equal(['echo']);
    const transitions = world.store.events.filter((event) => event.type === 'status_changed').map((event) => `${event.from}→${event.to}`);
    expect(transitions).to.deep.equal(['pending→deploying', 'deploying→running']);
    const progress = world.store.events.filter((event) => event.type === 'progress').map((event) => event.message);
    expect(progress).to.deep.equal(['deploying @example/mcp-server@1.2.3', 'waiting until healthy', 'listing tools']);
    const machine = world.orchestrator.machines.get('machine-1')!;
    expect(machine.spec?.env).to.deep.equal({ API_KEY: PLANTED_SECRET });
    expect(machine.spec?.package).to.deep.equal({ runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' });
    expect(world.logger.text()).not.to.contain(PLANTED_SECRET);
  });

  it('fails with the orchestrator\'s user-safe message and keeps the credentials for a retry', async () => {
    const { deployment } = await createPending(world);
    world.orchestrator.faults.failOn('deploy', new CatwalkError('orchestrator_failed', 'npx could not install the package.'), 1);
    const result = await world.uc.runDeployment.execute({ deploymentId: deployment.id });
    expect(result).to.deep.include({ outcome: 'failed', message: 'npx could not install the package.' });
    expect(world.store.deployments.get(deployment.id)).to.deep.include({ status: 'failed', errorMessage: 'npx could not install the package.' });
    expect(world.store.credentials.has(deployment.id)).to.equal(true);
    const retry = await world.uc.startDeployment.execute({ ownerId: 'user-1', deploymentId: deployment.id });
    expect((await retry.completion).outcome).to.equal('running');
  });

  it('hides unexpected errors behind a generic message and logs the real one', async () => {
    const { deployment } = await createPending(world);
    world.orchestrator.faults.failOn('deploy', new TypeError('ECONNRESET at 10.0.0.7 with token abc'));
    const result = await world.uc.runDeployment.execute({ deploymentId: deployment.id });
    expect(result).to.deep.include({ outcome: 'failed', message: INTERNAL_FAILURE_MESSAGE });
    expect(world.store.deployments.get(deployment.id)!.errorMessage).to.equal(INTERNAL_FAILURE_MESSAGE);
    expect(world.logger.at('error')[0]!.fields).to.deep.include({ deploymentId: deployment.id });
    expect(world.logger.text()).to.contain('ECONNRESET');
  });

  for (const step of ['waitUntilHealthy', 'listTools'] as const) {
    it(`fails and destroys the machine when ${step} fails`, async () => {
      const { deployment } = await createPending(world);
      world.orchestrator.faults.failOn(step, new CatwalkError('orchestrator_failed', `${step} failed`));
      const result = await world.uc.runDeployment.execute({ deploymentId: deployment.id });
      expect(result).to.deep.include({ outcome: 'failed', message: `${step} failed` });
      expect(world.store.deployments.get(deployment.id)!.machineId).to.equal('machine-1');
      expect(world.orchestrator.machines.size).to.equal(0);
    });
  }

  it('lets only one of two concurrent runs deploy', async () => {
    const { deployment } = await createPending(world);
    const results = await Promise.all([
      world.uc.runDeployment.execute({ deploymentId: deployment.id }),
      world.uc.runDeployment.execute({ deploymentId: deployment.id }),
    ]);
    expect(results.map((result) => result.outcome).sort()).to.deep.equal(['running', 'skipped']);
    expect(world.orchestrator.callsOf('deploy')).to.have.length(1);
  });

  it('skips what is not claimable and what does not exist', async () => {
    const { deployment } = await createPending(world);
    await world.uc.runDeployment.execute({ deploymentId: deployment.id });
    expect(await world.uc.runDeployment.execute({ deploymentId: deployment.id })).to.deep.equal({ outcome: 'skipped', reason: 'not_claimable' });
    expect(await world.uc.runDeployment.execute({ deploymentId: 'nope' })).to.deep.equal({ outcome: 'skipped', reason: 'not_found' });
    expect(await world.uc.runDeployment.execute({ deploymentId: 'x'.repeat(500) })).to.deep.equal({ outcome: 'skipped', reason: 'not_found' });
  });

  it('fails when credentials are gone or cannot be opened', async () => {
    const a = await createPending(world);
    world.store.credentials.delete(a.deployment.id);
    expect(await world.uc.runDeployment.execute({ deploymentId: a.deployment.id })).to.deep.include({ outcome: 'failed' });
    const b = await createPending(world);
    world.cipher.removeKey('k1');
    world.cipher.addKey({ id: 'k9', secret: 'other' });
    const result = await world.uc.runDeployment.execute({ deploymentId: b.deployment.id });
    expect(result).to.deep.include({ outcome: 'failed', message: 'Stored credentials could not be decrypted.' });
    expect(world.orchestrator.callsOf('deploy')).to.have.length(0);
  });

  it('survives a token rotation and a credentials update while it deploys', async () => {
    const { deployment } = await createPending(world);
    const gate = world.orchestrator.faults.hold('deploy');
    const run = world.uc.runDeployment.execute({ deploymentId: deployment.id });
    await new Promise((resolve) => setImmediate(resolve));
    const rotated = await world.uc.rotateAccessToken.execute({ ownerId: 'user-1', deploymentId: deployment.id });
    gate.release();
    const healthy = world.orchestrator.faults.hold('waitUntilHealthy');
    await new Promise((resolve) => setImmediate(resolve));
    await world.uc.updateCredentials.execute({ ownerId: 'user-1', deploymentId: deployment.id, credentials: { API_KEY: 'next' } });
    healthy.release();
    const result = await run;
    expect(result.outcome).to.equal('running');
    expect(world.store.deployments.get(deployment.id)).to.deep.include({ status: 'running', accessTokenHash: world.hasher.hash(rotated.accessToken), machineId: 'machine-1' });
  });

  it('takes down its machine when the deployment was deleted mid-deploy', async () => {
    const { deployment } = await createPending(world);
    const gate = world.orchestrator.faults.hold('deploy');
    const run = world.uc.runDeployment.execute({ deploymentId: deployment.id });
    await new Promise((resolve) => setImmediate(resolve));
    await world.deployments.delete(deployment.id);
    gate.release();
    expect(await run).to.deep.equal({ outcome: 'skipped', reason: 'conflict' });
    expect(world.orchestrator.machines.size).to.equal(0);
  });
});
