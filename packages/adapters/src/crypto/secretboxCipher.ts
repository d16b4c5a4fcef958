import nacl from 'tweetnacl';
import { CatwalkError } from '@catwalk/core';
import type { Cipher, SealedBox } from '@catwalk/core';
import type { KeyRing } from './keyRing.js';

/**
 * Cipher over tweetnacl `secretbox` (XSalsa20-Poly1305) with a key ring: seals under the current key with a fresh
 * random 24-byte nonce, opens boxes of any key in the ring. Poly1305 authenticates the whole ciphertext, so a
 * flipped bit anywhere fails as a whole: there is never partial plaintext.
 */
export class SecretboxCipher implements Cipher {
  readonly #ring: KeyRing;

  constructor(ring: KeyRing) {
    if (!ring.keys.has(ring.currentKeyId)) throw new CatwalkError('invalid_config', 'The current cipher key is not in the key ring.', { reason: 'current key missing' });
    this.#ring = ring;
  }

  get currentKeyId(): string {
    return this.#ring.currentKeyId;
  }

  seal(plaintext: string): Promise<SealedBox> {
    const key = this.#ring.keys.get(this.#ring.currentKeyId)!;
    const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
    const ciphertext = nacl.secretbox(new Uint8Array(Buffer.from(plaintext, 'utf8')), nonce, key);
    return Promise.resolve({ keyId: this.#ring.currentKeyId, nonce, ciphertext });
  }

  open(box: SealedBox): Promise<string> {
    const failed = (reason: string): Promise<string> =>
      Promise.reject(new CatwalkError('decryption_failed', 'Stored credentials could not be decrypted.', { keyId: box.keyId, reason }));
    const key = this.#ring.keys.get(box.keyId);
    if (key === undefined) return failed('unknown key id');
    if (box.nonce.length !== nacl.secretbox.nonceLength || box.ciphertext.length < nacl.secretbox.overheadLength) return failed('malformed box');
    const opened = nacl.secretbox.open(box.ciphertext, box.nonce, key);
    if (opened === null) return failed('authentication failed');
    // Sealed text is always valid UTF-8; `fatal` turns anything else into a failure instead of replacement chars.
    try {
      return Promise.resolve(new TextDecoder('utf-8', { fatal: true }).decode(opened));
    } catch {
      return failed('authentication failed');
    }
  }
}
