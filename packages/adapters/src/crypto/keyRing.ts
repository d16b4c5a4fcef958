import { CatwalkError, KEY_ID } from '@catwalk/core';

/** Bytes of every secretbox key (XSalsa20-Poly1305). */
export const SECRET_KEY_BYTES = 32;

/** The environment variable holding the key ring in production. */
export const SECRET_KEYS_VARIABLE = 'CATWALK_SECRET_KEYS';

/** Cipher keys by id; `currentKeyId` seals, every key opens. */
export interface KeyRing {
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/;

/**
 * Parses `id:base64key,id2:base64key2,…` (first = current). Every key must decode to exactly 32 bytes and ids
 * must be unique. Errors are `invalid_config` naming `variable` and the entry's position; key material is never
 * echoed (not even a fragment), because error messages end up in logs.
 */
export function parseKeyRing(value: string, variable: string = SECRET_KEYS_VARIABLE): KeyRing {
  const fail = (reason: string, position?: number): never => {
    const where = position === undefined ? '' : ` (entry ${position})`;
    throw new CatwalkError('invalid_config', `${variable} is invalid${where}: ${reason}. Expected id:base64key[,id:base64key…] with 32-byte keys.`, {
      variable,
      ...(position === undefined ? {} : { entry: position }),
      reason,
    });
  };
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) fail('no keys');
  const keys = new Map<string, Uint8Array>();
  let currentKeyId = '';
  entries.forEach((entry, index) => {
    const position = index + 1;
    const colon = entry.indexOf(':');
    if (colon <= 0) fail('an entry has no key id', position);
    const id = entry.slice(0, colon);
    const material = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) fail("key ids are 1-32 characters of letters, digits, '-' and '_'", position);
    if (keys.has(id)) fail(`key id "${id}" appears twice`, position);
    if (!BASE64.test(material)) fail(`key "${id}" is not base64`, position);
    const bytes = new Uint8Array(Buffer.from(material, material.includes('-') || material.includes('_') ? 'base64url' : 'base64'));
    if (bytes.length !== SECRET_KEY_BYTES) fail(`key "${id}" is ${bytes.length} bytes, not ${SECRET_KEY_BYTES}`, position);
    keys.set(id, bytes);
    if (index === 0) currentKeyId = id;
  });
  return { currentKeyId, keys };
}

/** Formats one ring entry (`id:base64key`), the format of `CATWALK_SECRET_KEYS` and of the embedded key file. */
export function formatKeyEntry(id: string, key: Uint8Array): string {
  return `${id}:${Buffer.from(key).toString('base64')}`;
}
