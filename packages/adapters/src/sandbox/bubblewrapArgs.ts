import type { SandboxLimits } from '@catwalk/core';

/** Where a deployment's private directories appear inside its jail. */
export const JAIL_HOME = '/home/mcp';
export const JAIL_TMP = '/tmp';
/** The uid/gid a server runs as inside its jail (mapped from the control plane's uid by the user namespace). */
export const JAIL_UID = 1000;
/** Size of the jail's /dev/shm (a tmpfs: memory, so bounded). */
export const SHM_BYTES = 64 * 1024 * 1024;

/** A host directory the jail reads; `symlink` recreates a merged-/usr link (`/bin -> usr/bin`) instead of a bind. */
export type SystemEntry = { readonly kind: 'bind'; readonly path: string } | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

/** Everything the argv depends on, resolved on the host beforehand (so this module is pure and testable). */
export interface JailPlan {
  readonly bwrap: string;
  /** `prlimit` binary; undefined leaves rlimits as inherited (documented: then only the namespaces hold). */
  readonly prlimit?: string | undefined;
  /** `/usr`, `/bin`, `/lib*`, `/etc` and the runtime's prefix as found on this host. */
  readonly system: readonly SystemEntry[];
  /** Secret files inside bound system directories, hidden behind `/dev/null`. */
  readonly hiddenFiles: readonly string[];
  /** Secret directories inside bound system directories, hidden behind an empty tmpfs. */
  readonly hiddenDirs: readonly string[];
  /** `$CATWALK_HOME` when a bound directory contains it: masked by an empty tmpfs before anything is bound into it. */
  readonly maskHome?: string | undefined;
  /** Read-only binds `[hostSource, jailPath]` (a pre-installed package directory, a runtime outside /usr). */
  readonly readOnly: ReadonlyArray<readonly [string, string]>;
  /** The deployment's private home and temp dirs on the host (the only writable places). */
  readonly homeDir: string;
  readonly tmpDir: string;
  readonly network: 'shared' | 'none';
  readonly limits: SandboxLimits;
  readonly argv: readonly string[];
}

/**
 * Per-process rlimits. The process count is deliberately not one of them: RLIMIT_NPROC counts every process of
 * the host user (control plane and all jails) and is ignored for root; the jail's cgroup bounds it instead.
 */
function limitArgs(limits: SandboxLimits): string[] {
  const args: string[] = [];
  const both = (option: string, value: number | undefined): void => {
    if (value !== undefined) args.push(`--${option}=${Math.floor(value)}:${Math.floor(value)}`);
  };
  both('data', limits.memoryBytes);
  both('cpu', limits.cpuSeconds);
  both('fsize', limits.fileSizeBytes);
  both('nofile', limits.openFiles);
  // Core dumps of a server would hold its credentials; it has nowhere sensible to write them anyway.
  args.push('--core=0:0');
  return args;
}

/**
 * The argv of a jailed launch: `prlimit <limits> -- bwrap <options> -- <argv…>`. Each value is its own argv item
 * (no shell anywhere). Mount order matters, bwrap applies them in sequence: system read-only, secrets hidden,
 * `$CATWALK_HOME` masked, the private home/tmp, then package directories on top.
 *
 * Namespaces: user (so capabilities are per jail, and nested user namespaces are disabled), PID
 * (the server sees only its own processes), IPC, UTS, cgroup when possible, and network only with `network: none`.
 * The environment is NOT passed with `--setenv`: argv is world-readable in /proc, so credentials travel in the
 * spawned process's environment (readable only by the same uid), which the caller builds from scratch.
 */
export function bubblewrapArgv(plan: JailPlan): string[] {
  const bwrap: string[] = [
    plan.bwrap,
    '--unshare-user',
    '--uid',
    String(JAIL_UID),
    '--gid',
    String(JAIL_UID),
    '--disable-userns',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(plan.network === 'none' ? ['--unshare-net'] : []),
    '--hostname',
    'mcp',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
  ];
  for (const entry of plan.system) {
    if (entry.kind === 'bind') bwrap.push('--ro-bind', entry.path, entry.path);
    else bwrap.push('--symlink', entry.target, entry.path);
  }
  for (const file of plan.hiddenFiles) bwrap.push('--ro-bind', '/dev/null', file);
  for (const dir of plan.hiddenDirs) bwrap.push('--tmpfs', dir);
  // A fresh /proc (this PID namespace only) and a minimal /dev made read-only; /dev/shm stays, small and bounded.
  bwrap.push('--proc', '/proc', '--dev', '/dev', '--size', String(SHM_BYTES), '--tmpfs', '/dev/shm', '--remount-ro', '/dev');
  if (plan.maskHome !== undefined) bwrap.push('--tmpfs', plan.maskHome);
  bwrap.push('--bind', plan.homeDir, JAIL_HOME, '--bind', plan.tmpDir, JAIL_TMP);
  // Read-only paths last, so that one under /tmp on the host (a CATWALK_HOME in /tmp) is not hidden by the jail's /tmp.
  for (const [source, target] of plan.readOnly) bwrap.push('--ro-bind', source, target);
  // The root itself is bwrap's tmpfs: read-only, so the private home and /tmp really are the only writable places.
  bwrap.push('--remount-ro', '/', '--chdir', JAIL_HOME, '--', ...plan.argv);
  return plan.prlimit === undefined ? bwrap : [plan.prlimit, ...limitArgs(plan.limits), '--', ...bwrap];
}
