/**
 * Strict base64 decoding without Buffer (core has no Node APIs). Accepts the standard and the URL-safe alphabet
 * (not mixed), with or without `=` padding; refuses whitespace, misplaced padding, impossible lengths and
 * non-zero leftover bits, so every key has exactly one spelling.
 */

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function lookup(alphabet: string): Map<string, number> {
  return new Map([...alphabet].map((char, index) => [char, index]));
}
const STANDARD_VALUES = lookup(STANDARD);
const URL_SAFE_VALUES = lookup(URL_SAFE);

/** Decodes base64 (standard or base64url); `undefined` when the text is not strictly valid. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const body = text.replace(/={1,2}$/, '');
  const padding = text.length - body.length;
  if (padding > 0 && text.length % 4 !== 0) return undefined;
  if (body.length % 4 === 1) return undefined;
  const values = /[-_]/.test(body) ? URL_SAFE_VALUES : STANDARD_VALUES;
  const bytes = new Uint8Array(Math.floor((body.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (const char of body) {
    const value = values.get(char);
    if (value === undefined) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, else two spellings would decode to the same key.
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return bytes;
}

/** Encodes bytes as standard base64 with padding (for tests, docs and key generation hints). */
export function encodeBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const triple = (a << 16) | (b << 8) | c;
    text += STANDARD.charAt((triple >> 18) & 63) + STANDARD.charAt((triple >> 12) & 63);
    text += i + 1 < bytes.length ? STANDARD.charAt((triple >> 6) & 63) : '=';
    text += i + 2 < bytes.length ? STANDARD.charAt(triple & 63) : '=';
  }
  return text;
}
