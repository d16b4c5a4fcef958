import { CatwalkError, isCatwalkError } from '../errors/index.js';
import type { Deployment } from '../domain/deployment.js';
import { ACCESS_TOKEN_PREFIX, TOKEN_BYTES } from '../domain/secrets.js';
import type { SealedBox } from '../domain/secrets.js';
import { hasControlCharacter } from '../domain/text.js';
import type { Cipher, DeploymentRepository, Logger, SecretGenerator } from '../ports/index.js';

/** The message a user sees when an unexpected (non-Catwalk) error failed their deployment. */
export const INTERNAL_FAILURE_MESSAGE = 'deployment failed: internal error';

/** Longest id accepted from outside; anything longer cannot exist and is answered like a missing one. */
const MAX_ID_LENGTH = 128;

/** Whether an id from outside is worth a lookup (bounded, printable). */
export function isPlausibleId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH && !hasControlCharacter(id);
}

/** The `not_found` every owner-scoped lookup answers, for a missing deployment and for someone else's alike. */
export function deploymentNotFound(): CatwalkError {
  return new CatwalkError('not_found', 'Deployment not found.', {});
}

/** Loads a deployment of `ownerId`; another owner's deployment is `not_found`, exactly like a missing one. */
export async function loadOwned(deployments: DeploymentRepository, ownerId: string, deploymentId: string): Promise<Deployment> {
  if (!isPlausibleId(deploymentId)) throw deploymentNotFound();
  const deployment = await deployments.get(deploymentId);
  if (deployment === undefined || deployment.state.ownerId !== ownerId) throw deploymentNotFound();
  return deployment;
}

/**
 * Loads, changes and saves a deployment, retrying a few times when a concurrent save (the worker's progress)
 * won the compare-and-set. `change` must be safe to run again on a fresh copy.
 */
export async function updateOwned(
  deployments: DeploymentRepository,
  ownerId: string,
  deploymentId: string,
  change: (deployment: Deployment) => void,
  attempts = 3,
): Promise<Deployment> {
  for (let attempt = 1; ; attempt++) {
    const deployment = await loadOwned(deployments, ownerId, deploymentId);
    change(deployment);
    try {
      await deployments.save(deployment);
      return deployment;
    } catch (error) {
      if (!isCatwalkError(error, 'conflict') || attempt >= attempts) throw error;
    }
  }
}

/** A new access token (`cwt_` + 32 random bytes, base64url): shown once, stored only as a hash. */
export function newAccessToken(secrets: SecretGenerator): string {
  return ACCESS_TOKEN_PREFIX + secrets.randomToken(TOKEN_BYTES);
}

/** Seals credential values as one JSON bundle. */
export function sealCredentials(cipher: Cipher, values: Readonly<Record<string, string>>): Promise<SealedBox> {
  return cipher.seal(JSON.stringify(values));
}

/** Opens a bundle sealed by `sealCredentials`; anything that is not a flat string map is `decryption_failed`. */
export async function openCredentials(cipher: Cipher, box: SealedBox): Promise<Record<string, string>> {
  const plaintext = await cipher.open(box);
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new CatwalkError('decryption_failed', 'Stored credentials could not be read.', { keyId: box.keyId, reason: 'not a credential bundle' });
  }
  // Rebuild without a prototype so keys such as __proto__ stay plain data.
  return Object.assign(Object.create(null) as Record<string, string>, parsed);
}

/**
 * What a user may read about a failure: a CatwalkError's message (written to be user-safe); anything else is a
 * generic message, while the real error goes to the log for operators.
 */
export function userSafeMessage(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  if (isCatwalkError(error)) return error.message;
  logger.error('unexpected error', { ...context, error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return INTERNAL_FAILURE_MESSAGE;
}

