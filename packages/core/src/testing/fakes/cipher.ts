import { CatwalkError } from '../../errors/index.js';
import type { SealedBox } from '../../domain/secrets.js';
import type { Cipher } from '../../ports/index.js';
import { concatBytes, utf8Decode, utf8Encode } from './bytes.js';
import { sha256 } from './sha256.js';

/** One key of the fake ring: an id and any secret string. */
export interface FakeCipherKey {
  readonly id: string;
  readonly secret: string;
}

const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/**
 * A key-ring cipher with the real adapter's observable behaviour: boxes are unreadable (SHA-256 keystream XOR,
 * not security-grade), carry a 16-byte tag over key id + nonce + ciphertext, so an unknown key id or any flipped
 * bit fails with `decryption_failed` and never yields partial plaintext. Nonces are unique per seal.
 */
export class FakeCipher implements Cipher {
  readonly #keys = new Map<string, string>();
  #current: string;
  #nonceCounter = 0;
  /** Counts of seal/open calls (tests check nothing was sealed when validation failed). */
  readonly calls = { seal: 0, open: 0 };

  constructor(keys: readonly FakeCipherKey[] = [{ id: 'k1', secret: 'fake-key-one' }], currentKeyId?: string) {
    for (const key of keys) this.#keys.set(key.id, key.secret);
    const current = currentKeyId ?? keys[0]?.id;
    if (current === undefined || !this.#keys.has(current)) throw new Error('FakeCipher needs a current key in its ring');
    this.#current = current;
  }

  get currentKeyId(): string {
    return this.#current;
  }

  /** Adds a key and, unless `makeCurrent` is false, seals with it from now on (key rotation). */
  addKey(key: FakeCipherKey, makeCurrent = true): void {
    this.#keys.set(key.id, key.secret);
    if (makeCurrent) this.#current = key.id;
  }

  /** Drops a key from the ring (boxes under it no longer open). */
  removeKey(id: string): void {
    this.#keys.delete(id);
  }

  seal(plaintext: string): Promise<SealedBox> {
    this.calls.seal++;
    const secret = this.#keys.get(this.#current)!;
    const nonce = sha256(utf8Encode(`nonce:${this.#current}:${this.#nonceCounter++}`)).slice(0, NONCE_BYTES);
    const body = xorStream(utf8Encode(plaintext), secret, nonce);
    const tag = mac(secret, this.#current, nonce, body);
    return Promise.resolve({ keyId: this.#current, nonce, ciphertext: concatBytes(tag, body) });
  }

  open(box: SealedBox): Promise<string> {
    this.calls.open++;
    const secret = this.#keys.get(box.keyId);
    const failed = (reason: string): Promise<string> =>
      Promise.reject(new CatwalkError('decryption_failed', 'Stored credentials could not be decrypted.', { keyId: box.keyId, reason }));
    if (secret === undefined) return failed('unknown key id');
    if (box.nonce.length !== NONCE_BYTES || box.ciphertext.length < TAG_BYTES) return failed('malformed box');
    const tag = box.ciphertext.slice(0, TAG_BYTES);
    const body = box.ciphertext.slice(TAG_BYTES);
    const expected = mac(secret, box.keyId, box.nonce, body);
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= (tag[i] ?? 0) ^ (expected[i] ?? 0);
    if (diff !== 0) return failed('authentication failed');
    try {
      return Promise.resolve(utf8Decode(xorStream(body, secret, box.nonce)));
    } catch {
      return failed('authentication failed');
    }
  }
}

function xorStream(data: Uint8Array, secret: string, nonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let block = 0; block * 32 < data.length; block++) {
    const pad = sha256(concatBytes(utf8Encode(`stream:${secret}:${block}:`), nonce));
    for (let i = 0; i < 32 && block * 32 + i < data.length; i++) out[block * 32 + i] = data[block * 32 + i]! ^ pad[i]!;
  }
  return out;
}

function mac(secret: string, keyId: string, nonce: Uint8Array, body: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8Encode(`mac:${secret}:${keyId}:`), nonce, body)).slice(0, TAG_BYTES);
}
