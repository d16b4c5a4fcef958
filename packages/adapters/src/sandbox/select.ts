import { CatwalkError, type CatwalkConfig, type Logger, type MultiuserPolicy, type Sandbox } from '@catwalk/core';
import { BubblewrapSandbox, type BubblewrapSandboxOptions } from './bubblewrap.js';
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

/** Test and tuning knobs of {@link selectSandbox}. */
export type SelectSandboxOptions = Omit<BubblewrapSandboxOptions, 'home'>;

/**
 * Picks the sandbox of local deployments at start-up. `CATWALK_SANDBOX=none` → {@link NoSandbox} with a warning.
 * Otherwise (`auto`, the default, or `bubblewrap`) bubblewrap is probed with a trivial jailed command; when the
 * probe fails start-up fails with `invalid_config` saying how to install it or how to opt out.
 */
export async function selectSandbox(config: CatwalkConfig, logger: Logger, options: SelectSandboxOptions = {}): Promise<Sandbox> {
  if (config.sandbox.mode === 'none') {
    logger.warn(UNSANDBOXED_WARNING, { sandbox: 'none', allowUnsandboxedMultiuser: config.sandbox.allowUnsandboxedMultiuser });
    return new NoSandbox({ home: config.home });
  }
  const sandbox = new BubblewrapSandbox({ home: config.home, ...options });
  const probe = await sandbox.probe();
  if (!probe.ok) {
    throw new CatwalkError(
      'invalid_config',
      `Local deployments run in a bubblewrap sandbox, and it does not work on this machine (${probe.reason}). ${SANDBOX_INSTALL_HINT}`,
      { variable: 'CATWALK_SANDBOX', reason: probe.reason },
    );
  }
  logger.info('local deployments run in a bubblewrap sandbox', { bwrap: sandbox.bwrapPath });
  return sandbox;
}

/**
 * The multi-user rule for CreateUser: only local deployments under the `none` sandbox are unconfined (remote
 * orchestrators isolate each deployment on its own machine).
 */
export function multiuserPolicyOf(config: CatwalkConfig, sandbox: Sandbox | undefined): MultiuserPolicy {
  const confined = config.orchestrator.kind !== 'local' || (sandbox?.confined ?? false);
  return { confined, allowUnsandboxedMultiuser: config.sandbox.allowUnsandboxedMultiuser };
}
