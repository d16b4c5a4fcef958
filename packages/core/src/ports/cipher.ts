import type { SealedBox } from '../domain/secrets.js';
import { token } from './token.js';

/**
 * Seals and opens secrets with a key ring: one current key for sealing, older keys kept for opening, so keys
 * can be rotated without downtime.
 */
export interface Cipher {
  /** Id of the key new boxes are sealed with. */
  readonly currentKeyId: string;
  /** Seals `plaintext` under the current key with a fresh random nonce. */
  seal(plaintext: string): Promise<SealedBox>;
  /**
   * Opens a box sealed under any key of the ring.
   * @throws CatwalkError `decryption_failed` for an unknown key id or tampered bytes; never partial plaintext.
   */
  open(box: SealedBox): Promise<string>;
}
export const CipherToken = token<Cipher>('Cipher');
