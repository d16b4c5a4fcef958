import { expect } from 'chai';
import { CatwalkError } from '../../src/errors/index.js';
import { Reconcile } from '../../src/usecases/index.js';
import type { ReconcileOptions } from '../../src/usecases/index.js';
import { createPending, createRunning, createWorld } from './world.js';
import type { World } from './world.js';

describe('Reconcile', () => {
  let world: World;
  const reconcile = (options: ReconcileOptions = {}) => new Reconcile({ ...world, runDeployment: world.uc.runDeployment }, options).execute();

  beforeEach(() => {
    world = createWorld();
  });

  it('leaves healthy deployments alone', async () => {
    await createRunning(world);
    await createPending(world);
    const report = await reconcile();
    expect(report).to.deep.include({ checked: 2, failed: [], redeployed: [], orphans: [], errors: [] });
  });

  it('fails running rows whose machine is gone or crashed, or restarts them when configured', async () => {
    const gone = await createRunning(world);
    const crashed = await createRunning(world);
    world.orchestrator.setState('machine-1', 'gone');
    world.orchestrator.setState('machine-2', 'failed', 'exit code 1');
    const report = await reconcile();
    expect(report.failed).to.deep.equal([gone.deployment.id, crashed.deployment.id]);
    expect(world.store.deployments.get(gone.deployment.id)!.errorMessage).to.equal("The deployment's machine is gone.");
    expect(world.store.deployments.get(crashed.deployment.id)!.errorMessage).to.equal('The server crashed: exit code 1');

    const restart = await createRunning(world);
    world.orchestrator.setState('machine-3', 'gone');
    const second = await reconcile({ runningLost: 'restart' });
    expect(second.redeployed).to.deep.equal([restart.deployment.id]);
    expect(world.store.deployments.get(restart.deployment.id)).to.deep.include({ status: 'running', machineId: 'machine-4' });
  });

  it('fails or retries deploying rows whose machine is gone or that stalled without one', async () => {
    const lost = await createPending(world);
    const held = world.orchestrator.faults.hold('waitUntilHealthy');
    const run = world.uc.runDeployment.execute({ deploymentId: lost.deployment.id });
    await new Promise((resolve) => setImmediate(resolve));
    world.orchestrator.setState('machine-1', 'gone');
    const stalled = await createPending(world);
    const row = (await world.deployments.get(stalled.deployment.id))!;
    row.startDeploying(world.clock.now());
    await world.deployments.save(row);

    expect((await reconcile()).failed).to.deep.equal([lost.deployment.id]);
    // The worker that lost its machine wakes up, fails, and finds the row already failed: it does nothing.
    held.release();
    expect((await run).outcome).to.equal('skipped');
    expect(world.store.deployments.get(lost.deployment.id)!.status).to.equal('failed');

    world.clock.advance(11 * 60_000);
    const report = await reconcile({ deployingLost: 'retry' });
    expect(report.redeployed).to.deep.equal([stalled.deployment.id]);
    expect(world.store.deployments.get(stalled.deployment.id)!.status).to.equal('running');
  });

  it('reports orphan machines, destroys them when configured, and spares a deploying row\'s new machine', async () => {
    await createRunning(world);
    const orphan = world.orchestrator.addMachine('deleted-long-ago');
    const pending = await createPending(world);
    const held = world.orchestrator.faults.hold('waitUntilHealthy');
    const run = world.uc.runDeployment.execute({ deploymentId: pending.deployment.id });
    await new Promise((resolve) => setImmediate(resolve));
    const report = await reconcile();
    expect(report.orphans).to.deep.equal([orphan.machineId]);
    expect(report.destroyedOrphans).to.deep.equal([]);
    world.orchestrator.faults.failOn('destroy', new CatwalkError('orchestrator_failed', 'busy'), 1);
    expect((await reconcile({ destroyOrphans: true })).errors).to.deep.equal([{ machineId: orphan.machineId, message: 'busy' }]);
    expect((await reconcile({ destroyOrphans: true })).destroyedOrphans).to.deep.equal([orphan.machineId]);
    held.release();
    expect((await run).outcome).to.equal('running');
  });

  it('skips orphan detection when it could not read every row', async () => {
    await createRunning(world);
    world.orchestrator.addMachine('x');
    const report = await reconcile({ maxRows: 1, destroyOrphans: true });
    expect(report.orphans).to.deep.equal([]);
    expect(report.errors).to.have.length(1);
  });
});
