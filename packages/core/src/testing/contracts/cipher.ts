import { expect } from 'chai';
import type { SealedBox } from '../../domain/secrets.js';
import type { Cipher } from '../../ports/index.js';
import { utf8Encode } from '../fakes/bytes.js';
import { bytesOf, expectCatwalkError } from './support.js';

/** Makes a cipher; `rotated` (optional) makes a pair where `after` has a new current key and still holds the old. */
export interface CipherContractOptions {
  readonly makeRotated?: () => Promise<{ before: Cipher; after: Cipher }>;
}

/** Whether `haystack` contains the byte sequence `needle`. */
function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function flipBit(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ (1 << bit);
  return copy;
}

/**
 * The Cipher contract: round trips, fresh nonces, unreadable boxes, and `decryption_failed` (never partial
 * plaintext) for an unknown key id or any flipped bit of nonce or ciphertext.
 */
export function describeCipherContract(name: string, makeCipher: () => Cipher | Promise<Cipher>, options: CipherContractOptions = {}): void {
  describe(`Cipher contract: ${name}`, () => {
    let cipher: Cipher;
    beforeEach(async () => {
      cipher = await makeCipher();
    });

    it('opens what it sealed, for empty, ASCII, Unicode and large plaintexts', async () => {
      for (const plaintext of ['', 'sk-live-123', '{"API_KEY":"välüe 🔑","X":"y"}', 'x'.repeat(100_000)]) {
        const box = await cipher.seal(plaintext);
        expect(await cipher.open(box)).to.equal(plaintext);
      }
    });

    it('seals under the current key with a fresh 24-byte nonce each time', async () => {
      const a = await cipher.seal('same secret');
      const b = await cipher.seal('same secret');
      expect(a.keyId).to.equal(cipher.currentKeyId);
      expect(a.nonce.length).to.equal(24);
      expect(bytesOf(a.nonce)).to.not.deep.equal(bytesOf(b.nonce));
      expect(bytesOf(a.ciphertext)).to.not.deep.equal(bytesOf(b.ciphertext));
    });

    it('never stores the plaintext bytes in the box', async () => {
      const secret = 'PLAINTEXT-MARKER-ghp_abcdefghijklmnop';
      const box = await cipher.seal(secret);
      expect(containsBytes(box.ciphertext, utf8Encode(secret))).to.equal(false);
      expect(containsBytes(box.ciphertext, utf8Encode('PLAINTEXT-MARKER'))).to.equal(false);
    });

    it('refuses an unknown key id with decryption_failed', async () => {
      const box = await cipher.seal('secret');
      await expectCatwalkError(cipher.open({ ...box, keyId: `${box.keyId}x` }), 'decryption_failed');
      await expectCatwalkError(cipher.open({ ...box, keyId: 'never-heard-of-it' }), 'decryption_failed');
    });

    it('refuses a flipped bit anywhere in the nonce with decryption_failed', async () => {
      const box = await cipher.seal('secret value');
      for (const index of [0, 11, 23]) {
        await expectCatwalkError(cipher.open({ ...box, nonce: flipBit(box.nonce, index, index % 8) }), 'decryption_failed');
      }
    });

    it('refuses a flipped bit anywhere in the ciphertext with decryption_failed', async () => {
      const box = await cipher.seal('secret value that is long enough to have a middle');
      const last = box.ciphertext.length - 1;
      for (const index of [0, Math.floor(last / 2), last]) {
        await expectCatwalkError(cipher.open({ ...box, ciphertext: flipBit(box.ciphertext, index, 7) }), 'decryption_failed');
      }
    });

    it('refuses truncated, extended and malformed boxes with decryption_failed', async () => {
      const box = await cipher.seal('secret');
      const cases: SealedBox[] = [
        { ...box, ciphertext: box.ciphertext.slice(0, -1) },
        { ...box, ciphertext: new Uint8Array([...box.ciphertext, 0]) },
        { ...box, ciphertext: new Uint8Array(0) },
        { ...box, nonce: box.nonce.slice(0, 23) },
        { ...box, nonce: new Uint8Array(0) },
      ];
      for (const tampered of cases) await expectCatwalkError(cipher.open(tampered), 'decryption_failed');
    });

    if (options.makeRotated !== undefined) {
      const makeRotated = options.makeRotated;
      it('after rotation seals under the new key and still opens boxes of the old one', async () => {
        const { before, after } = await makeRotated();
        expect(after.currentKeyId).to.not.equal(before.currentKeyId);
        const old = await before.seal('sealed before rotation');
        expect(await after.open(old)).to.equal('sealed before rotation');
        const fresh = await after.seal('sealed after rotation');
        expect(fresh.keyId).to.equal(after.currentKeyId);
        await expectCatwalkError(before.open(fresh), 'decryption_failed');
      });
    }
  });
}
