import { token } from './token.js';

/**
 * Per-deployment resource ceilings. Which ones hold depends on the adapter and the machine (see
 * docs/operations.md): the bubblewrap adapter applies them as rlimits with `prlimit`, which are per process
 * (memory, CPU time, file size, open files), except the process count, which Linux counts per Unix user.
 */
export interface SandboxLimits {
  /**
   * Most processes and threads (RLIMIT_NPROC). Linux counts them per Unix user on the host (the control plane and
   * every jail together) and does not enforce the limit when the control plane runs as root, so it is opt-in.
   */
  readonly maxProcesses?: number;
  /** Most writable private memory of each process, in bytes (RLIMIT_DATA: heap, not reserved address space). */
  readonly memoryBytes?: number;
  /** Most CPU time of each process, in seconds (RLIMIT_CPU); absent means unlimited (it is a total, not a rate). */
  readonly cpuSeconds?: number;
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
