import { expect } from 'chai';
import { Deployment, Reconcile, RunDeployment, type DeploymentStatus, type RunDeploymentInput, type RunDeploymentResult } from '@catwalk/core';
import { FakeOrchestrator, aDeploymentState, createFakePorts, type FakePorts } from '@catwalk/core/testing';
import { DeploymentWorker } from '../../src/worker/deploymentWorker.js';
import { ReconcileLoop } from '../../src/worker/reconcileLoop.js';

const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

async function seed(ports: FakePorts, count: number): Promise<string[]> {
  const seeded = ids.slice(0, count);
  for (const id of seeded) {
    await ports.deployments.insert(Deployment.fromState(aDeploymentState({ id, name: `d-${id.slice(-4)}`, status: 'pending' })));
    await ports.credentials.put(id, await ports.cipher.seal(JSON.stringify({ API_KEY: `key-${id}` })));
  }
  return seeded;
}

async function statuses(ports: FakePorts, list: string[]): Promise<DeploymentStatus[]> {
  return Promise.all(list.map(async (id) => (await ports.deployments.get(id))!.status));
}

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function runDeployment(ports: FakePorts, orchestrator = ports.orchestrator): RunDeployment {
  return new RunDeployment({ ...ports, orchestrator });
}

describe('DeploymentWorker', () => {
  it('runs pending deployments through RunDeployment with at most `concurrency` at once', async () => {
    const ports = createFakePorts();
    const list = await seed(ports, 10);
    const gate = ports.orchestrator.faults.hold('waitUntilHealthy');
    const real = runDeployment(ports);
    let active = 0;
    let peak = 0;
    const runner = {
      execute: async (input: RunDeploymentInput): Promise<RunDeploymentResult> => {
        active++;
        peak = Math.max(peak, active);
        try {
          return await real.execute(input);
        } finally {
          active--;
        }
      },
    };
    const worker = new DeploymentWorker(ports.deployments, runner, ports.logger, { concurrency: 4, pollIntervalMs: 10 });
    worker.start();
    await until(() => gate.waiting === 4 || active === 4);
    await new Promise((r) => setTimeout(r, 50)); // polls keep coming: still no fifth
    expect(worker.inFlight).to.equal(4);
    gate.release();
    await until(async () => (await statuses(ports, list)).every((s) => s === 'running'));
    expect(peak).to.equal(4);
    await worker.stop();
  });

  it('stops claiming on stop() and finishes the runs in flight first', async () => {
    const ports = createFakePorts();
    const list = await seed(ports, 6);
    const gate = ports.orchestrator.faults.hold('waitUntilHealthy');
    const worker = new DeploymentWorker(ports.deployments, runDeployment(ports), ports.logger, { concurrency: 2, pollIntervalMs: 10 });
    worker.start();
    await until(() => worker.inFlight === 2);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).to.equal(false);
    gate.release();
    await stopping;
    const final = await statuses(ports, list);
    expect(final.filter((s) => s === 'running')).to.have.length(2);
    expect(final.filter((s) => s === 'pending')).to.have.length(4);
  });

  it('marks a failing deployment failed with a user-safe message and keeps going', async () => {
    const ports = createFakePorts();
    const list = await seed(ports, 2);
    const worker = new DeploymentWorker(ports.deployments, runDeployment(ports), ports.logger, { pollIntervalMs: 10 });
    ports.orchestrator.faults.failOn('deploy', new Error('socket hang up: secret internals'), 1);
    worker.start();
    await until(async () => (await statuses(ports, list)).every((s) => s === 'running' || s === 'failed'));
    const states = await Promise.all(list.map((id) => ports.deployments.get(id)));
    const failed = states.find((d) => d!.status === 'failed')!;
    expect(failed.state.errorMessage).to.not.include('secret internals');
    expect(states.filter((d) => d!.status === 'running')).to.have.length(1);
    await worker.stop();
  });
});

describe('ReconcileLoop', () => {
  it('after the control plane is killed mid-deploy, every deployment ends running or failed (none stuck deploying)', async () => {
    const ports = createFakePorts();
    const list = await seed(ports, 5);
    // First life: deployments claimed and machines started, then the process dies before they are healthy.
    ports.orchestrator.faults.hold('waitUntilHealthy');
    const first = new DeploymentWorker(ports.deployments, runDeployment(ports), ports.logger, { concurrency: 3, pollIntervalMs: 10, stopGraceMs: 1 });
    first.start();
    await until(async () => (await statuses(ports, list)).filter((s) => s === 'deploying').length === 3);
    // "Kill": the worker is abandoned mid-run and a restarted local orchestrator knows no machine.
    await first.stop();
    const restarted = new FakeOrchestrator();
    const run = runDeployment(ports, restarted);
    const loop = new ReconcileLoop(new Reconcile({ ...ports, orchestrator: restarted, runDeployment: run }, { deployingLost: 'retry' }), ports.logger, { intervalMs: 20 });
    const report = await loop.start();
    expect(report!.redeployed).to.have.length(3);
    const second = new DeploymentWorker(ports.deployments, run, ports.logger, { pollIntervalMs: 10 });
    second.start();
    await until(async () => (await statuses(ports, list)).every((s) => s === 'running' || s === 'failed'));
    await second.stop();
    await loop.stop();
    expect(await statuses(ports, list)).to.not.include('deploying');
  });

  it('runs at start-up and then every interval, logging a failing run and going on', async () => {
    const ports = createFakePorts();
    let calls = 0;
    const loop = new ReconcileLoop(
      {
        execute: async () => {
          calls++;
          if (calls === 2) throw new Error('boom');
          return { checked: 0, failed: [], redeployed: [], orphans: [], destroyedOrphans: [], errors: [] };
        },
      },
      ports.logger,
      { intervalMs: 10 },
    );
    await loop.start();
    expect(calls).to.equal(1);
    await until(() => calls >= 3);
    await loop.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).to.equal(after);
  });
});
