import type { Clock, Ids, Logger, SecretGenerator, TokenHasher } from '../../ports/index.js';
import { base64UrlEncode, concatBytes, utf8Encode } from './bytes.js';
import { sha256, sha256Hex } from './sha256.js';

/** A clock tests set and move by hand; TTL caches and timestamps follow it without sleeping. */
export class FakeClock implements Clock {
  #now: number;

  constructor(start: Date | string | number = '2026-01-01T00:00:00.000Z') {
    this.#now = new Date(start).getTime();
  }

  /** The current fake time (a fresh Date each call, so callers cannot move the clock by mutating it). */
  now(): Date {
    return new Date(this.#now);
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** Jumps to `at`. */
  set(at: Date | string | number): void {
    this.#now = new Date(at).getTime();
  }
}

/** Ids `<prefix>-1`, `<prefix>-2`, … (or UUID-shaped ids with `uuid: true`), predictable in assertions. */
export class SequentialIds implements Ids {
  #next = 1;
  readonly #prefix: string;
  readonly #uuid: boolean;

  constructor(options: { prefix?: string; uuid?: boolean } = {}) {
    this.#prefix = options.prefix ?? 'id';
    this.#uuid = options.uuid ?? false;
  }

  newId(): string {
    const n = this.#next++;
    if (this.#uuid) return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    return `${this.#prefix}-${n}`;
  }
}

/**
 * Deterministic secrets: the n-th call returns the same bytes in every run (seeded SHA-256 stream), yet no two
 * calls repeat, and the output has the real shape (base64url, no padding, `bytes` long).
 */
export class FakeSecretGenerator implements SecretGenerator {
  #counter = 0;
  readonly #seed: string;
  /** Every token handed out, in order (tests read the one a use case generated). */
  readonly issued: string[] = [];

  constructor(seed = 'catwalk-fake-secrets') {
    this.#seed = seed;
  }

  randomToken(bytes: number): string {
    const call = this.#counter++;
    const blocks: Uint8Array[] = [];
    for (let block = 0; blocks.length * 32 < bytes; block++) blocks.push(sha256(utf8Encode(`${this.#seed}:${call}:${block}`)));
    const token = base64UrlEncode(concatBytes(...blocks).slice(0, bytes));
    this.issued.push(token);
    return token;
  }
}

/** The real algorithm (SHA-256, lower-case hex) in pure TS, with a constant-time comparison like the adapter. */
export class FakeTokenHasher implements TokenHasher {
  /** How many times `hash`/`matches` ran (tests check a malformed token is refused before hashing). */
  hashCount = 0;

  hash(token: string): string {
    this.hashCount++;
    return sha256Hex(token);
  }

  matches(token: string, expectedHash: string): boolean {
    const actual = this.hash(token);
    if (actual.length !== expectedHash.length) return false;
    let diff = 0;
    for (let i = 0; i < actual.length; i++) diff |= actual.charCodeAt(i) ^ expectedHash.charCodeAt(i);
    return diff === 0;
  }
}

/** One line a RecordingLogger received. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every entry so tests can assert warnings and scan for leaked secrets. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'error', message, fields });
  }

  /** Entries of one level. */
  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }

  /** Everything logged, serialised (to search for secrets that must not be there). */
  text(): string {
    return JSON.stringify(this.entries, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message } : value));
  }
}
