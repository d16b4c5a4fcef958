import { z } from 'zod';
import { parseAbsoluteUrl } from '../credentials/url.js';
import { isApiKeyFormat, KEY_ID } from '../domain/secrets.js';
import { hasControlCharacter } from '../domain/text.js';
import { decodeBase64 } from './base64.js';

/**
 * Parsers of single environment values, each wrapped into a zod schema. A parser throws `ValueRefused` with a
 * message that says what is allowed; messages never contain the value (it may be a secret).
 */
export class ValueRefused extends Error {}

/** Empty or whitespace-only values count as unset (`FOO=` in an env file). Values are trimmed. */
function present(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Wraps a parser into a zod schema over an optional env value, with a fallback when it is unset. */
export function envValue<T>(parse: (raw: string) => T): z.ZodType<T | undefined, unknown>;
export function envValue<T>(parse: (raw: string) => T, fallback: T): z.ZodType<T, unknown>;
export function envValue<T>(parse: (raw: string) => T, fallback?: T): z.ZodType<T | undefined, unknown> {
  return z.preprocess(present, z.string({ error: 'must be text' }).optional()).transform((raw, ctx) => {
    if (raw === undefined) return fallback;
    try {
      return parse(raw);
    } catch (error) {
      if (!(error instanceof ValueRefused)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });
}

/** Printable text up to `max` characters, optionally matching `pattern` (described by `allowed`). */
export function text(max: number, pattern?: RegExp, allowed?: string): (raw: string) => string {
  return (raw) => {
    if (raw.length > max) throw new ValueRefused(`must be at most ${max} characters`);
    if (hasControlCharacter(raw)) throw new ValueRefused('may not contain control characters');
    if (pattern !== undefined && !pattern.test(raw)) throw new ValueRefused(`must be ${allowed ?? 'well formed'}`);
    return raw;
  };
}

/** A whole number in [min, max]. */
export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= min && value <= max)) throw new ValueRefused(`must be a whole number from ${min} to ${max}`);
    return value;
  };
}

/** A decimal number in [min, max] (`0.5`, `2`, `1.25`). */
export function decimal(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = /^[0-9]{1,9}(\.[0-9]{1,6})?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= min && value <= max)) throw new ValueRefused(`must be a number from ${min} to ${max}, such as 0.5 or 2`);
    return value;
  };
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
/** 1/true/yes/on or 0/false/no/off, any case. */
export function boolean(raw: string): boolean {
  const lower = raw.toLowerCase();
  if (TRUE.includes(lower)) return true;
  if (FALSE.includes(lower)) return false;
  throw new ValueRefused('must be one of 1, true, yes, on, 0, false, no, off');
}

/** One of a fixed list (case-sensitive). */
export function oneOf<const T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw) => {
    const found = values.find((value) => value === raw);
    if (found === undefined) throw new ValueRefused(`must be one of ${values.join(', ')}`);
    return found;
  };
}

/** An http(s) base URL without credentials, query or fragment; the trailing slash is removed. */
export function webUrl(raw: string): string {
  const url = parseAbsoluteUrl(raw);
  if (url === undefined || (url.scheme !== 'http' && url.scheme !== 'https') || url.hasUserinfo || /[?#]/.test(url.rest)) {
    throw new ValueRefused('must be an http:// or https:// URL without user name, query or fragment, such as https://example.com');
  }
  return raw.replace(/\/+$/, '');
}

/** A `postgres://` or `postgresql://` connection URL (it may hold a password, so it is never echoed). */
export function postgresUrl(raw: string): string {
  const url = parseAbsoluteUrl(raw);
  if (url === undefined || (url.scheme !== 'postgres' && url.scheme !== 'postgresql')) {
    throw new ValueRefused('must be a postgres:// or postgresql:// URL, such as postgresql://user:password@host:5432/catwalk');
  }
  return raw;
}

/** An absolute directory path (POSIX `/…` or Windows `C:\…`). */
export function absolutePath(raw: string): string {
  if (raw.length > 4096 || hasControlCharacter(raw)) throw new ValueRefused('must be a path of at most 4096 characters without control characters');
  if (!raw.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(raw)) throw new ValueRefused('must be an absolute path, such as /var/lib/catwalk');
  return raw;
}

/** A user API key in Catwalk's format. */
export function apiKey(raw: string): string {
  if (!isApiKeyFormat(raw)) throw new ValueRefused('must be a Catwalk API key: cwa_ followed by 43 base64url characters');
  return raw;
}

/** A comma-separated list of origins (`scheme://host[:port]`, no path). */
export function origins(raw: string): readonly string[] {
  const list = raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  for (const origin of list) {
    const url = parseAbsoluteUrl(origin);
    if (url === undefined || (url.scheme !== 'http' && url.scheme !== 'https') || url.hasUserinfo || url.rest !== '') {
      throw new ValueRefused('must be a comma-separated list of origins such as https://console.example.com,http://localhost:5173');
    }
  }
  return list;
}

/** One key of the cipher key ring. `key` is exactly 32 bytes. */
export interface SecretKey {
  readonly id: string;
  readonly key: Uint8Array;
}

/** The cipher key ring: the first key seals, every key opens. */
export interface SecretKeyRing {
  readonly currentKeyId: string;
  readonly keys: readonly SecretKey[];
}

/** Size of every cipher key. */
export const SECRET_KEY_BYTES = 32;

/** `id:base64key,…` → key ring. Errors say which entry is wrong, never its key. */
export function secretKeys(raw: string): SecretKeyRing {
  const entries = raw.split(',').map((entry) => entry.trim());
  const keys: SecretKey[] = [];
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) {
      throw new ValueRefused(`${where} must be id:base64key, the id 1-32 characters of letters, digits, '-' and '_'`);
    }
    if (keys.some((key) => key.id === id)) throw new ValueRefused(`${where} repeats the key id ${id}; ids must be unique`);
    const key = decodeBase64(entry.slice(colon + 1));
    if (key === undefined) throw new ValueRefused(`the key of ${where} (id ${id}) is not valid base64`);
    if (key.length !== SECRET_KEY_BYTES) {
      throw new ValueRefused(`the key of ${where} (id ${id}) decodes to ${key.length} bytes; keys must be exactly ${SECRET_KEY_BYTES} bytes`);
    }
    keys.push({ id, key });
  });
  const first = keys[0];
  if (first === undefined) throw new ValueRefused('must list at least one id:base64key');
  return { currentKeyId: first.id, keys };
}
