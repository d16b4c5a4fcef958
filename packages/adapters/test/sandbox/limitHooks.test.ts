import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { CatwalkError, type ConfinedLaunch, type DeploySpec, type Sandbox, type SandboxLaunch, type SandboxProbe } from '@catwalk/core';
import { LocalOrchestrator } from '../../src/orchestrator/local/localOrchestrator.js';
import { isAlive, waitUntil } from '../orchestrator/processTable.js';
import { JAIL_PROBE, JAIL_PROBE_PATHS, makeHome } from './support.js';

/** A sandbox that only records the resource-limit hooks (no jail): attach can be told to fail. */
class HookSandbox implements Sandbox {
  readonly name = 'hooks';
  readonly confined = true;
  readonly attached: number[] = [];
  released = 0;
  failAttach = false;

  async wrap(launch: SandboxLaunch): Promise<ConfinedLaunch> {
    return {
      argv: [...launch.argv],
      env: { ...launch.env },
      cwd: launch.cwd,
      attach: (pid) => {
        if (this.failAttach) throw new CatwalkError('orchestrator_failed', 'Could not place the MCP server in its resource-limit group (cgroup).');
        this.attached.push(pid);
      },
      release: async () => {
        this.released++;
      },
    };
  }

  async probe(): Promise<SandboxProbe> {
    return { ok: true };
  }
}

function spec(id: string): DeploySpec {
  return { deploymentId: id, package: { runtime: 'npm', name: 'jail-probe', version: '1.0.0' }, args: [], env: {}, transport: 'stdio', network: 'shared' };
}

describe('LocalOrchestrator: the sandbox\'s resource-limit hooks', function () {
  this.timeout(30_000);
  let home: string;
  let sandbox: HookSandbox;
  let orchestrator: LocalOrchestrator;

  beforeEach(() => {
    home = makeHome();
    sandbox = new HookSandbox();
    orchestrator = new LocalOrchestrator({
      home,
      preinstall: false,
      sandbox,
      restart: { initialDelayMs: 20, maxDelayMs: 50, maxCrashes: 3, crashWindowMs: 60_000, stopGraceMs: 1000 },
      launcher: async () => ({ command: process.execPath, args: [JAIL_PROBE], readOnlyPaths: JAIL_PROBE_PATHS }),
    });
  });
  afterEach(async () => {
    await orchestrator.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  it('attaches every spawned process at once, and releases the group on stop and on destroy', async () => {
    const handle = await orchestrator.deploy(spec('hooks-1'));
    await orchestrator.waitUntilHealthy(handle.machineId, 20_000);
    const first = orchestrator.pidOf(handle.machineId)!;
    expect(sandbox.attached).to.deep.equal([first]);
    await orchestrator.stop(handle.machineId);
    expect(sandbox.released).to.equal(1);
    await orchestrator.start(handle.machineId, spec('hooks-1'));
    await orchestrator.waitUntilHealthy(handle.machineId, 20_000);
    expect(sandbox.attached).to.deep.equal([first, orchestrator.pidOf(handle.machineId)!]);
    await orchestrator.destroy(handle.machineId);
    expect(sandbox.released).to.equal(2);
  });

  it('fails closed: a process that cannot be attached is killed, never becomes healthy, and the log says why', async () => {
    sandbox.failAttach = true;
    const handle = await orchestrator.deploy(spec('hooks-2'));
    const error = await orchestrator.waitUntilHealthy(handle.machineId, 10_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.have.property('code', 'orchestrator_failed');
    expect((await orchestrator.status(handle.machineId)).state).to.equal('failed');
    const logs = (await orchestrator.logs(handle.machineId, { tail: 50 })).map((l) => l.line);
    expect(logs.filter((l) => l.includes('could not start the server: Could not place the MCP server in its resource-limit group'))).to.have.length(3);
    expect(logs.some((l) => l.includes('SIGKILL'))).to.equal(false); // reported as a start failure, not as an exit
    expect(orchestrator.pidOf(handle.machineId)).to.equal(undefined);
    expect(sandbox.attached).to.deep.equal([]);
  });

  it('kills every refused process right away (SIGKILL to its process group)', async () => {
    sandbox.failAttach = true;
    const spawned: number[] = [];
    const attach = sandbox.wrap.bind(sandbox);
    sandbox.wrap = async (launch) => {
      const confined = await attach(launch);
      return { ...confined, attach: (pid) => (spawned.push(pid), confined.attach!(pid)) };
    };
    const handle = await orchestrator.deploy(spec('hooks-3'));
    await orchestrator.waitUntilHealthy(handle.machineId, 10_000).catch(() => undefined);
    expect(spawned.length).to.be.greaterThan(0);
    // SIGKILL went out synchronously with the refusal; the kernel finishes the processes within moments.
    await waitUntil(() => spawned.every((pid) => !isAlive(pid)), 2000);
  });
});
