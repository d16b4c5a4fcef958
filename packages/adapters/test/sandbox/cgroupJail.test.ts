import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploySpec, SandboxLimits } from '@catwalk/core';
import { LocalOrchestrator } from '../../src/orchestrator/local/localOrchestrator.js';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { CgroupLimiter } from '../../src/sandbox/cgroups.js';
import type { CgroupController } from '../../src/sandbox/cgroupDetect.js';
import { connectClient, textOf } from '../bridge/helpers.js';
import { JAIL_PROBE, JAIL_PROBE_PATHS, makeHome } from './support.js';

/** A name no other run uses: everything this file creates lives under it and is removed at the end. */
const GROUP = `catwalk-test-${process.pid}-${Date.now()}`;

function spec(id: string): DeploySpec {
  return { deploymentId: id, package: { runtime: 'npm', name: 'jail-probe', version: '1.0.0' }, args: [], env: {}, transport: 'stdio', network: 'shared' };
}

function pidsIn(dir: string): number[] {
  return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Runs `/bin/true` on the host (outside every jail); resolves to its exit code. */
function runTrue(): Promise<number | string> {
  return new Promise((resolve) => execFile('/bin/true', (error) => resolve(error === null ? 0 : ((error as NodeJS.ErrnoException).code ?? 'error'))));
}

/** Removes whatever a failed test left under GROUP (processes are killed first: a group is removable once empty). */
function sweep(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) sweep(join(dir, entry.name));
  for (const pid of existsSync(join(dir, 'cgroup.procs')) ? pidsIn(dir) : []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (let attempt = 0; attempt < 50 && existsSync(dir); attempt++) {
    try {
      rmdirSync(dir);
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

describe('per-deployment cgroups (this machine\'s real hierarchy, jail-probe fixture)', function () {
  this.timeout(60_000);
  let limiter: CgroupLimiter;
  let home: string;
  let orchestrator: LocalOrchestrator | undefined;

  before(function () {
    limiter = CgroupLimiter.detect({ groupName: GROUP });
    if (!limiter.holds('pids') || !limiter.holds('memory')) {
      // Visible in the output: these tests must run on the development machine and CI (cgroup v1 writable there).
      console.log(`      (skipped: no writable cgroup hierarchy with pids and memory here: ${limiter.describe()}; ${limiter.notes.join('; ') || 'nothing found'})`);
      this.skip();
    }
  });
  beforeEach(() => {
    home = makeHome();
  });
  afterEach(async () => {
    await orchestrator?.shutdown();
    orchestrator = undefined;
    rmSync(home, { recursive: true, force: true });
  });
  after(() => {
    for (const placement of limiter?.placements ?? []) sweep(placement.parent);
  });

  function start(limits: SandboxLimits): LocalOrchestrator {
    orchestrator = new LocalOrchestrator({
      home,
      preinstall: false,
      sandbox: new BubblewrapSandbox({ home, limits, cgroups: limiter }),
      restart: { initialDelayMs: 20, maxDelayMs: 100, maxCrashes: 5, crashWindowMs: 60_000, stopGraceMs: 1000 },
      launcher: async () => ({ command: process.execPath, args: [JAIL_PROBE], readOnlyPaths: JAIL_PROBE_PATHS }),
    });
    return orchestrator;
  }

  const groupOf = (controller: CgroupController, id: string): string => join(limiter.placements.find((p) => p.controller === controller)!.parent, id);

  async function deployed(o: LocalOrchestrator, id: string) {
    const handle = await o.deploy(spec(id));
    await o.waitUntilHealthy(handle.machineId, 20_000);
    const { client } = await connectClient(handle.upstreamUrl);
    const call = async (name: string, args: Record<string, unknown> = {}) =>
      JSON.parse(textOf(await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 }))) as { ok: boolean; value?: unknown };
    return { handle, client, call, pid: o.pidOf(handle.machineId)! };
  }

  it('the probe joins and leaves a group of its own', async () => {
    expect(await new BubblewrapSandbox({ home, cgroups: limiter }).probe()).to.deep.equal({ ok: true });
    for (const placement of limiter.placements) expect(existsSync(placement.parent), placement.parent).to.equal(false);
  });

  it('bounds the processes of a jail (max 16): starting 50 sleeps fails beyond it, the control plane is unaffected', async () => {
    const o = start({ maxProcesses: 16 });
    const jail = await deployed(o, 'cg-pids');
    const dir = groupOf('pids', 'cg-pids');
    expect(readFileSync(join(dir, 'pids.max'), 'utf8').trim()).to.equal('16');
    expect(pidsIn(dir)).to.include(jail.pid);
    const outcome = (await jail.call('spawn_many', { count: 50, seconds: 10 })).value as { started: number; failed: number; codes: string[] };
    expect(outcome.failed).to.be.greaterThan(0);
    expect(outcome.started).to.be.lessThan(16);
    expect(outcome.codes).to.include('EAGAIN');
    expect(Number(readFileSync(join(dir, 'pids.current'), 'utf8'))).to.be.at.most(16);
    // While the jail sits at its limit (its sleeps still run), the host starts 30 processes at once.
    expect(await Promise.all(Array.from({ length: 30 }, runTrue))).to.deep.equal(Array(30).fill(0));
    // The server itself keeps answering.
    expect((await jail.call('whoami')).ok).to.equal(true);
    await jail.client.close();
  });

  it('kills (OOM) a jail process beyond the memory of the whole jail while another deployment keeps running', async () => {
    const o = start({ memoryBytes: 256 * 1024 * 1024 });
    const a = await deployed(o, 'cg-mem-a');
    const b = await deployed(o, 'cg-mem-b');
    const dir = groupOf('memory', 'cg-mem-a');
    const limitFile = existsSync(join(dir, 'memory.max')) ? 'memory.max' : 'memory.limit_in_bytes';
    expect(Number(readFileSync(join(dir, limitFile), 'utf8'))).to.equal(256 * 1024 * 1024);
    // Four processes of ~140 MiB: each is under the per-process RLIMIT_DATA (256 MiB), together they are not.
    const outcomes = (await a.call('spawn_hogs', { count: 4, mb: 96 })).value as string[];
    expect(outcomes).to.include('SIGKILL');
    const events = readFileSync(join(dir, existsSync(join(dir, 'memory.events')) ? 'memory.events' : 'memory.oom_control'), 'utf8');
    expect(Number(/oom_kill (\d+)/.exec(events)?.[1])).to.be.greaterThan(0);
    // The other deployment never noticed; its group is its own.
    expect((await b.call('whoami')).ok).to.equal(true);
    expect(readFileSync(join(groupOf('memory', 'cg-mem-b'), existsSync(join(dir, 'memory.events')) ? 'memory.events' : 'memory.oom_control'), 'utf8')).to.match(/oom_kill 0/);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('gives two deployments separate groups; stop and destroy remove them, the last one removes the parent', async () => {
    const o = start({ maxProcesses: 64, cpus: 0.5 });
    const a = await deployed(o, 'cg-a');
    const b = await deployed(o, 'cg-b');
    await Promise.all([a.client.close(), b.client.close()]);
    for (const { controller } of limiter.placements) {
      expect(pidsIn(groupOf(controller, 'cg-a'))).to.include(a.pid).and.not.include(b.pid);
      expect(pidsIn(groupOf(controller, 'cg-b'))).to.include(b.pid).and.not.include(a.pid);
    }
    if (limiter.holds('cpu')) {
      const cpu = groupOf('cpu', 'cg-a');
      const quota = existsSync(join(cpu, 'cpu.max')) ? readFileSync(join(cpu, 'cpu.max'), 'utf8').trim() : readFileSync(join(cpu, 'cpu.cfs_quota_us'), 'utf8').trim();
      expect(quota).to.be.oneOf(['50000', '50000 100000']);
    }
    await o.stop(a.handle.machineId);
    for (const { controller } of limiter.placements) expect(existsSync(groupOf(controller, 'cg-a'))).to.equal(false);
    // Started again: a new group, with the new process in it.
    await o.start(a.handle.machineId, spec('cg-a'));
    await o.waitUntilHealthy(a.handle.machineId, 20_000);
    expect(pidsIn(groupOf('pids', 'cg-a'))).to.include(o.pidOf(a.handle.machineId)!);
    await o.destroy(a.handle.machineId);
    for (const { controller } of limiter.placements) expect(existsSync(groupOf(controller, 'cg-a'))).to.equal(false);
    expect(existsSync(groupOf('pids', 'cg-b'))).to.equal(true);
    await o.destroy(b.handle.machineId);
    for (const placement of limiter.placements) expect(existsSync(placement.parent), placement.parent).to.equal(false);
  });
});
