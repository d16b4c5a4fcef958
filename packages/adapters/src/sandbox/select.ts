import { CatwalkError, type CatwalkConfig, type Logger, type MultiuserPolicy, type Sandbox } from '@catwalk/core';
import { BubblewrapSandbox, type BubblewrapSandboxOptions } from './bubblewrap.js';
import { CgroupLimiter } from './cgroups.js';
import { NoSandbox } from './none.js';

/** The start-up warning of the `none` sandbox (stable: tests and docs quote it). */
export const UNSANDBOXED_WARNING =
  'CATWALK_SANDBOX=none: local MCP servers run WITHOUT a sandbox, as this Unix user; any of them can read CATWALK_HOME ' +
  "(the secret key, the database) and other deployments' credentials. Install bubblewrap and unset CATWALK_SANDBOX.";

/** How to fix a machine where bubblewrap does not work (part of the start-up error). */
export const SANDBOX_INSTALL_HINT =
  'Install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap) and make sure user namespaces ' +
  'are allowed (on Ubuntu 24.04 and later, AppArmor must allow bwrap), or opt out with CATWALK_SANDBOX=none ' +
  '(unconfined: every MCP server can read CATWALK_HOME; a second user is then refused unless ' +
  'CATWALK_ALLOW_UNSANDBOXED_MULTIUSER=1).';

/** The start-up warning when no writable cgroup hierarchy exists (stable: tests and docs quote it). */
export const RLIMITS_ONLY_WARNING =
  'No writable cgroup hierarchy: local deployments get per-process rlimits only (memory, open files, file size). ' +
  'The number of processes of a jail is not bounded and CATWALK_SANDBOX_CPUS has no effect; see docs/operations.md.';

/** Test and tuning knobs of {@link selectSandbox}; `limits` are merged over the configured ones. */
export interface SelectSandboxOptions extends Omit<BubblewrapSandboxOptions, 'home' | 'cgroups'> {
  /** Per-deployment cgroups: default `CgroupLimiter.detect()`; `null` uses none (only the rlimits hold). */
  readonly cgroups?: CgroupLimiter | null;
}

/**
 * Picks the sandbox of local deployments at start-up. `CATWALK_SANDBOX=none` → {@link NoSandbox} with a warning.
 * Otherwise (`auto`, the default, or `bubblewrap`) bubblewrap is probed with a trivial jailed command; when the
 * probe fails start-up fails with `invalid_config` saying how to install it or how to opt out. The cgroup
 * hierarchies are detected here too, and the log says once which per-deployment limits hold.
 */
export async function selectSandbox(config: CatwalkConfig, logger: Logger, options: SelectSandboxOptions = {}): Promise<Sandbox> {
  if (config.sandbox.mode === 'none') {
    logger.warn(UNSANDBOXED_WARNING, { sandbox: 'none', allowUnsandboxedMultiuser: config.sandbox.allowUnsandboxedMultiuser });
    return new NoSandbox({ home: config.home });
  }
  const { cgroups: given, ...rest } = options;
  const cgroups = given === undefined ? CgroupLimiter.detect() : (given ?? undefined);
  const limits = { ...config.sandbox.limits, ...options.limits };
  const sandbox = new BubblewrapSandbox({ home: config.home, ...rest, limits, cgroups });
  const probe = await sandbox.probe();
  if (!probe.ok) {
    throw new CatwalkError(
      'invalid_config',
      `Local deployments run in a bubblewrap sandbox, and it does not work on this machine (${probe.reason}). ${SANDBOX_INSTALL_HINT}`,
      { variable: 'CATWALK_SANDBOX', reason: probe.reason },
    );
  }
  logger.info('local deployments run in a bubblewrap sandbox', { bwrap: sandbox.bwrapPath });
  logLimits(logger, cgroups, limits);
  return sandbox;
}

/** Says once which per-deployment limits hold on this machine, and warns about configured ones that do not. */
function logLimits(logger: Logger, cgroups: CgroupLimiter | undefined, limits: { maxProcesses?: number; memoryBytes?: number; cpus?: number }): void {
  if (cgroups === undefined || cgroups.controllers.length === 0) {
    logger.warn(RLIMITS_ONLY_WARNING, { cgroups: 'none', ...(cgroups === undefined ? {} : { notes: cgroups.notes }) });
    return;
  }
  logger.info(`per-deployment resource limits: ${cgroups.describe()}`, {
    maxProcesses: cgroups.holds('pids') ? (limits.maxProcesses ?? 'unbounded') : 'not bounded',
    memoryBytes: cgroups.holds('memory') ? (limits.memoryBytes ?? 'unbounded') : 'per process only',
    cpus: cgroups.holds('cpu') ? (limits.cpus ?? 'no cap') : 'no cap',
  });
  const missing = [
    ...(cgroups.holds('pids') ? [] : ['the process count of a jail is not bounded (no pids controller)']),
    ...(cgroups.holds('memory') ? [] : ['memory is bounded per process only (no memory controller)']),
    ...(cgroups.holds('cpu') || limits.cpus === undefined ? [] : ['CATWALK_SANDBOX_CPUS has no effect (no cpu controller)']),
  ];
  if (missing.length > 0) logger.warn(`some per-deployment limits do not hold here: ${missing.join('; ')}`, { notes: cgroups.notes });
}

/**
 * The multi-user rule for CreateUser: only local deployments under the `none` sandbox are unconfined (remote
 * orchestrators isolate each deployment on its own machine).
 */
export function multiuserPolicyOf(config: CatwalkConfig, sandbox: Sandbox | undefined): MultiuserPolicy {
  const confined = config.orchestrator.kind !== 'local' || (sandbox?.confined ?? false);
  return { confined, allowUnsandboxedMultiuser: config.sandbox.allowUnsandboxedMultiuser };
}
