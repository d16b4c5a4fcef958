import { appendFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CatwalkError } from '@catwalk/core';
import { CGROUP_CONTROLLERS, detectCgroups, enableV2Controller, type CgroupController, type CgroupDetectOptions, type CgroupPlacement } from './cgroupDetect.js';
import { descendantsOf } from './processTree.js';

/** What a deployment's group bounds: the whole jail, every process in it together. */
export interface CgroupLimits {
  readonly maxProcesses?: number | undefined;
  readonly memoryBytes?: number | undefined;
  /** CPU rate in CPUs (0.5 = half of one core per wall-clock second). */
  readonly cpus?: number | undefined;
}

/** Detection options plus the two operations tests of a fake hierarchy replace. */
export interface CgroupLimiterOptions extends CgroupDetectOptions {
  /** Removes a group directory (default `rmdir`, which cgroupfs allows once the group has no process). */
  readonly removeDir?: (path: string) => void;
  /** Kills a process still in a group being released (default SIGKILL). */
  readonly kill?: (pid: number) => void;
}

const CPU_PERIOD_US = 100_000;
/** The kernel refuses CFS quotas under 1 ms. */
const CPU_MIN_QUOTA_US = 1000;
const RELEASE_ATTEMPTS = 40;
const RELEASE_PAUSE_MS = 25;

function writeLimits(version: 1 | 2, controller: CgroupController, dir: string, limits: CgroupLimits): void {
  const write = (file: string, value: string | number): void => writeFileSync(join(dir, file), String(value));
  const bytes = limits.memoryBytes === undefined ? undefined : Math.floor(limits.memoryBytes);
  const quota = limits.cpus === undefined ? undefined : Math.max(CPU_MIN_QUOTA_US, Math.round(limits.cpus * CPU_PERIOD_US));
  const processes = limits.maxProcesses === undefined ? 'max' : Math.floor(limits.maxProcesses);
  if (controller === 'pids') write('pids.max', processes);
  else if (version === 1 && controller === 'memory') {
    // memsw (memory + swap) must stay >= the memory limit at every step, so it is opened first and closed last.
    const memsw = existsSync(join(dir, 'memory.memsw.limit_in_bytes'));
    if (memsw) write('memory.memsw.limit_in_bytes', -1);
    write('memory.limit_in_bytes', bytes ?? -1);
    if (memsw && bytes !== undefined) write('memory.memsw.limit_in_bytes', bytes);
  } else if (controller === 'memory') {
    write('memory.max', bytes ?? 'max');
    // Without this a jail at its limit would swap instead of being stopped.
    if (existsSync(join(dir, 'memory.swap.max'))) write('memory.swap.max', bytes === undefined ? 'max' : 0);
  } else if (version === 1) {
    write('cpu.cfs_period_us', CPU_PERIOD_US);
    write('cpu.cfs_quota_us', quota ?? -1);
  } else write('cpu.max', `${quota ?? 'max'} ${CPU_PERIOD_US}`);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The resource-limit groups of one deployment (one directory per v1 hierarchy, or one v2 directory). `attach`
 * puts the jail's processes in them; `release` removes them once the jail is gone.
 */
export class JailCgroup {
  constructor(
    /** The group directories, `<parent>/<deploymentId>`. */
    readonly dirs: readonly string[],
    private readonly options: CgroupLimiterOptions = {},
  ) {}

  /**
   * Moves `pid` and every descendant it already has into the groups; synchronous, called right after spawn.
   *
   * The jail is spawned outside the group and attached a moment later, synchronously after spawn: in between the
   * `prlimit → bwrap` exec chain may already have forked (bwrap's PID-namespace init), normally before any server
   * code runs. Whatever ran meanwhile cannot leak: every process of a jail descends from its first process (orphans
   * are re-parented to the jail's PID-namespace init), a process forked by an attached one starts in the group, and
   * the tree is walked again until a walk finds nobody outside. Throws `orchestrator_failed` when a write fails
   * (the caller kills the process: fail closed).
   */
  attach(pid: number): void {
    const attached = new Set<number>();
    for (let round = 0; round < 100; round++) {
      // A process forked after its parent was attached is in every group already: only the others need a write.
      const inside = this.dirs.map((dir) => new Set(this.pidsOf(dir)));
      const fresh = [pid, ...descendantsOf(pid)].filter((p) => !attached.has(p) && !inside.every((set) => set.has(p)));
      if (fresh.length === 0) return;
      for (const member of fresh) {
        for (const dir of this.dirs) {
          try {
            appendFileSync(join(dir, 'cgroup.procs'), `${member}\n`);
          } catch (error) {
            // ESRCH: it exited meanwhile (the jail failing early is reported by its exit, not here).
            if (errorCode(error) === 'ESRCH') break;
            throw new CatwalkError('orchestrator_failed', 'Could not place the MCP server in its resource-limit group (cgroup).', { reason: errorCode(error) ?? 'error' }, { cause: error });
          }
        }
        attached.add(member);
      }
    }
    throw new CatwalkError('orchestrator_failed', 'The MCP server kept starting processes while it was being placed in its resource-limit group.');
  }

  /** The pids in the groups now (host pids). */
  pids(): number[] {
    return [...new Set(this.dirs.flatMap((dir) => this.pidsOf(dir)))];
  }

  private pidsOf(dir: string): number[] {
    try {
      return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
        .split('\n')
        .filter((line) => /^\d+$/.test(line))
        .map(Number);
    } catch {
      return []; // removed already
    }
  }

  /**
   * Removes the groups: a group can only be removed once empty, so a process still in it (one that outlived the
   * process-group kill) is killed and the removal retried briefly. Catwalk's parent directory goes too when no other
   * deployment uses it. Rejects with `orchestrator_failed` when a group stays.
   */
  async release(): Promise<void> {
    const removeDir = this.options.removeDir ?? rmdirSync;
    const kill = this.options.kill ?? ((pid: number) => process.kill(pid, 'SIGKILL'));
    for (const dir of this.dirs) {
      for (let attempt = 1; ; attempt++) {
        try {
          removeDir(dir);
          break;
        } catch (error) {
          if (errorCode(error) === 'ENOENT') break;
          if (attempt >= RELEASE_ATTEMPTS) throw new CatwalkError('orchestrator_failed', 'Could not remove the resource-limit group (cgroup) of a deployment.', {}, { cause: error });
        }
        this.killMembers(dir, kill);
        await sleep(RELEASE_PAUSE_MS);
      }
    }
    for (const parent of new Set(this.dirs.map((dir) => dirname(dir)))) {
      try {
        removeDir(parent);
      } catch {
        /* other deployments' groups are still there */
      }
    }
  }

  private killMembers(dir: string, kill: (pid: number) => void): void {
    // cgroup v2 (5.14+) kills the whole group at once, including processes forked while we read cgroup.procs.
    if (existsSync(join(dir, 'cgroup.kill'))) {
      try {
        writeFileSync(join(dir, 'cgroup.kill'), '1');
        return;
      } catch {
        /* fall back to one by one */
      }
    }
    for (const pid of this.pidsOf(dir)) {
      try {
        kill(pid);
      } catch {
        /* gone */
      }
    }
  }
}

/**
 * Per-deployment cgroups: process count, memory of the whole jail, CPU rate (see {@link detectCgroups} for where
 * they are created). Each controller is independent: whichever were found hold, the others do not (the start-up
 * log says which). Without any, only the per-process rlimits of `prlimit` hold.
 */
export class CgroupLimiter {
  constructor(
    readonly placements: readonly CgroupPlacement[],
    /** Why controllers are missing (from detection). */
    readonly notes: readonly string[] = [],
    private readonly options: CgroupLimiterOptions = {},
  ) {}

  /** Detects the hierarchies of this machine (creates nothing lasting; never throws). */
  static detect(options: CgroupLimiterOptions = {}): CgroupLimiter {
    const detection = detectCgroups(options);
    return new CgroupLimiter(detection.placements, detection.notes, options);
  }

  /** The controllers that hold. */
  get controllers(): CgroupController[] {
    return CGROUP_CONTROLLERS.filter((c) => this.holds(c));
  }

  holds(controller: CgroupController): boolean {
    return this.placements.some((p) => p.controller === controller);
  }

  /** What holds, for the start-up log: `cgroup v1: pids, memory, cpu`, `cgroup v2: pids, memory; cgroup v1: cpu`, `none`. */
  describe(): string {
    const parts = ([2, 1] as const).flatMap((version) => {
      const controllers = CGROUP_CONTROLLERS.filter((c) => this.placements.some((p) => p.controller === c && p.version === version));
      return controllers.length === 0 ? [] : [`cgroup v${version}: ${controllers.join(', ')}`];
    });
    return parts.length === 0 ? 'none' : parts.join('; ');
  }

  /**
   * Creates (or updates) a deployment's groups and writes its limits; a limit left undefined is written as
   * unlimited. Undefined when no controller holds. Throws `orchestrator_failed` when a group cannot be set up.
   */
  create(deploymentId: string, limits: CgroupLimits): JailCgroup | undefined {
    if (this.placements.length === 0) return undefined;
    const dirs = new Map<string, CgroupPlacement[]>();
    for (const placement of this.placements) dirs.set(placement.parent, [...(dirs.get(placement.parent) ?? []), placement]);
    for (const [parent, placements] of dirs) {
      const dir = join(parent, deploymentId);
      try {
        mkdirSync(parent, { recursive: true });
        // A v2 parent recreated after its last deployment was released needs its controllers enabled again.
        for (const p of placements) if (p.version === 2 && !enableV2Controller(parent, p.controller)) throw new Error(`cannot enable the ${p.controller} controller`);
        mkdirSync(dir, { recursive: true });
        for (const p of placements) writeLimits(p.version, p.controller, dir, limits);
      } catch (error) {
        throw new CatwalkError('orchestrator_failed', 'Could not set up the resource limits (cgroup) of the deployment.', { reason: errorCode(error) ?? 'error' }, { cause: error });
      }
    }
    return new JailCgroup([...dirs.keys()].map((parent) => join(parent, deploymentId)), this.options);
  }
}
