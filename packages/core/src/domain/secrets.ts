import { CatwalkError } from '../errors/index.js';

/**
 * A sealed credential bundle as stored: which key sealed it, the 24-byte nonce and the ciphertext
 * (XSalsa20-Poly1305 in the tweetnacl adapter). Plaintext exists only inside a use case's stack frame.
 */
export interface SealedBox {
  readonly keyId: string;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Prefix of per-deployment access tokens (`cwt_` + 32 random bytes, base64url). */
export const ACCESS_TOKEN_PREFIX = 'cwt_';
/** Prefix of user API keys (`cwa_` + 32 random bytes, base64url). */
export const API_KEY_PREFIX = 'cwa_';
/** Random bytes behind every token. */
export const TOKEN_BYTES = 32;

const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` has the shape of an access token (cheap check before hashing). */
export function isAccessTokenFormat(value: string): boolean {
  return value.startsWith(ACCESS_TOKEN_PREFIX) && TOKEN_BODY.test(value.slice(ACCESS_TOKEN_PREFIX.length));
}

/** Whether `value` has the shape of an API key. */
export function isApiKeyFormat(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && TOKEN_BODY.test(value.slice(API_KEY_PREFIX.length));
}

/** The part of an API key shown in listings (`cwa_AbCd…`): enough to recognise, useless to attack. */
export function apiKeyDisplayPrefix(apiKey: string): string {
  return apiKey.slice(0, API_KEY_PREFIX.length + 6);
}

/** Key ids in a cipher key ring: short, printable, stored beside each box. */
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Validates a key id. */
export function parseKeyId(value: string): string {
  if (!KEY_ID.test(value)) {
    throw new CatwalkError('invalid_config', "Key ids are 1-32 characters of letters, digits, '-' and '_'.", { reason: 'bad key id' });
  }
  return value;
}
