import { token } from './token.js';

/**
 * Per-deployment resource ceilings. Which ones hold depends on the adapter and the machine (see
 * docs/operations.md): the bubblewrap adapter puts each jail in its own cgroup where the machine has a writable
 * hierarchy (process count, memory and CPU rate of the whole jail) and sets per-process rlimits with `prlimit`
 * (memory, CPU time, file size, open files) everywhere.
 */
export interface SandboxLimits {
  /**
   * Most processes and threads of the whole jail together (the cgroup `pids` controller). Not bounded where no
   * writable cgroup hierarchy exists: RLIMIT_NPROC would count every process of the host user, not the jail.
   */
  readonly maxProcesses?: number;
  /**
   * Most memory, in bytes: of the whole jail together through the cgroup `memory` controller (the kernel's OOM
   * killer stops a process of the jail beyond it, swap included), and of each process as RLIMIT_DATA everywhere.
   */
  readonly memoryBytes?: number;
  /** Most CPU time of each process, in seconds (RLIMIT_CPU); absent means unlimited (it is a total, not a rate). */
  readonly cpuSeconds?: number;
  /** CPU rate of the whole jail, in CPUs (0.5 = half a core), through the cgroup `cpu` controller; absent: no cap. */
  readonly cpus?: number;
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE). */
  readonly fileSizeBytes?: number;
  /** Most open files per process (RLIMIT_NOFILE). */
  readonly openFiles?: number;
}

/** A launch as the orchestrator built it, before confinement. */
export interface SandboxLaunch {
  /** Program and arguments (`argv[0]` is the program, an absolute path); never a shell string. */
  readonly argv: readonly string[];
  /** The whole environment of the server: its credentials plus PATH, HOME, LANG, TMPDIR. */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory on the host (the deployment's home). */
  readonly cwd: string;
  /** The deployment: its private directory is `$CATWALK_HOME/deployments/<deploymentId>`. */
  readonly deploymentId: string;
  /** `shared`: the host's network (most servers call APIs); `none`: loopback only. */
  readonly network: 'shared' | 'none';
  /**
   * Host paths the program needs to read (its pre-installed package directory, a runtime outside the system
   * directories). Mounted read-only at the same path; must not contain `$CATWALK_HOME` itself.
   */
  readonly readOnlyPaths?: readonly string[];
  readonly limits?: SandboxLimits;
}

/** What to spawn instead: the confined program, its environment and working directory (all host-side values). */
export interface ConfinedLaunch {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /**
   * Places the spawned process (and whatever it started already) in the deployment's resource-limit group. The
   * caller calls it synchronously right after spawning, on every (re)start; it throws `orchestrator_failed` when
   * that fails, and the caller must then kill the process (fail closed).
   */
  readonly attach?: (pid: number) => void;
  /** Removes the deployment's resource-limit group; called once the process is gone (stop, destroy). */
  readonly release?: () => Promise<void>;
}

/** The outcome of a sandbox self-test. */
export type SandboxProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Confines the MCP servers of local deployments. `wrap` turns a launch into a confined one (argv arrays only);
 * `probe` runs a trivial command the way `wrap` would, so a broken sandbox fails at start-up, not at the first
 * deployment. `confined` is false only for the explicit `none` adapter.
 */
export interface Sandbox {
  readonly name: string;
  readonly confined: boolean;
  /** Confines a launch; creates the deployment's private directories. Throws `orchestrator_failed` (user-safe). */
  wrap(launch: SandboxLaunch): Promise<ConfinedLaunch>;
  /** Runs a trivial confined command; never throws. */
  probe(): Promise<SandboxProbe>;
}
export const SandboxToken = token<Sandbox>('Sandbox');
