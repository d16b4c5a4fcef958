import { CatwalkError } from '../errors/index.js';

/**
 * Whether local deployments run confined, and whether the operator accepts several users without it
 * (`CATWALK_SANDBOX`, `CATWALK_ALLOW_UNSANDBOXED_MULTIUSER`). Unconfined servers run as the control plane's Unix
 * user and can read every other deployment's credentials, so one user may not be exposed to another by default.
 */
export interface MultiuserPolicy {
  /** False when the `none` sandbox runs local deployments unconfined. */
  readonly confined: boolean;
  /** The operator's explicit opt-in to several users while unconfined. */
  readonly allowUnsandboxedMultiuser: boolean;
}

/** The message of the refusal (stable: docs and the CLI quote it). */
export const UNSANDBOXED_MULTIUSER_MESSAGE =
  'Local deployments run without a sandbox (CATWALK_SANDBOX=none), so one user could read another user\'s credentials: ' +
  'a second user is refused. Install bubblewrap (apt-get install bubblewrap) and unset CATWALK_SANDBOX, ' +
  'or accept the risk with CATWALK_ALLOW_UNSANDBOXED_MULTIUSER=1.';

/** Throws `forbidden` when adding a user to `existingUsers` users would expose them to each other unconfined. */
export function assertMayAddUser(policy: MultiuserPolicy, existingUsers: number): void {
  if (policy.confined || policy.allowUnsandboxedMultiuser || existingUsers < 1) return;
  throw new CatwalkError('forbidden', UNSANDBOXED_MULTIUSER_MESSAGE, { reason: 'unsandboxed_multiuser' });
}
