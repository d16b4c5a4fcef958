import { isCatwalkError } from '../errors/index.js';
import type { Cipher, Logger, UnitOfWork } from '../ports/index.js';

/** Rotation tuning. */
export interface RotateCipherKeyInput {
  /** Credentials re-sealed per transaction (1–1000, default 100). */
  readonly batchSize?: number;
}

/** What a rotation did. */
export interface RotateCipherKeyOutput {
  /** The key everything is now sealed with. */
  readonly keyId: string;
  readonly resealed: number;
  readonly batches: number;
  /** Deployments whose credentials could not be opened (unknown key, tampered); left as they are. */
  readonly unreadable: readonly string[];
}

/**
 * Re-seals every credential bundle that is not under the cipher's current key, a batch per unit of work. Safe to
 * interrupt and rerun: a batch commits whole or not at all, and the next run picks up what is still under an old
 * key. Bundles that cannot be opened are reported, not destroyed.
 */
export class RotateCipherKey {
  constructor(private readonly deps: { readonly unitOfWork: UnitOfWork; readonly cipher: Cipher; readonly logger: Logger }) {}

  async execute(input: RotateCipherKeyInput = {}): Promise<RotateCipherKeyOutput> {
    const batchSize = Math.min(Math.max(Math.trunc(input.batchSize ?? 100), 1), 1000);
    const keyId = this.deps.cipher.currentKeyId;
    const unreadable = new Set<string>();
    let resealed = 0;
    let batches = 0;
    for (;;) {
      const outcome = await this.deps.unitOfWork.run(async ({ credentials }) => {
        // Ask for the batch plus everything known unreadable, which the repository keeps returning.
        const candidates = await credentials.listNotSealedWith(keyId, batchSize + unreadable.size);
        const batch = candidates.filter((item) => !unreadable.has(item.deploymentId)).slice(0, batchSize);
        let sealed = 0;
        for (const item of batch) {
          let plaintext: string;
          try {
            plaintext = await this.deps.cipher.open(item.box);
          } catch (error) {
            if (!isCatwalkError(error, 'decryption_failed')) throw error;
            unreadable.add(item.deploymentId);
            this.deps.logger.warn('credentials cannot be opened for re-sealing', { deploymentId: item.deploymentId, keyId: item.box.keyId });
            continue;
          }
          await credentials.put(item.deploymentId, await this.deps.cipher.seal(plaintext));
          sealed++;
        }
        return { seen: batch.length, sealed };
      });
      if (outcome.seen === 0) break;
      // Counted only after the batch committed, so an interrupted run never over-reports.
      resealed += outcome.sealed;
      batches++;
    }
    return { keyId, resealed, batches, unreadable: [...unreadable] };
  }
}
