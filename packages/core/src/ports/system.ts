import { token } from './token.js';

/** Tells the time. Injected so tests control it (TTL caches, timestamps) without sleeping. */
export interface Clock {
  /** The current time. */
  now(): Date;
}
export const ClockToken = token<Clock>('Clock');

/** Makes identifiers (UUIDs in production). */
export interface Ids {
  /** A new unique id (a UUID v4 string in production). */
  newId(): string;
}
export const IdsToken = token<Ids>('Ids');

/** Makes unguessable secrets. */
export interface SecretGenerator {
  /** `bytes` cryptographically random bytes, base64url without padding. */
  randomToken(bytes: number): string;
}
export const SecretGeneratorToken = token<SecretGenerator>('SecretGenerator');

/** Hashes tokens for storage and compares them in constant time. */
export interface TokenHasher {
  /** SHA-256 of the token, lower-case hex. */
  hash(token: string): string;
  /** Whether `token` hashes to `expectedHash`, compared in constant time. */
  matches(token: string, expectedHash: string): boolean;
}
export const TokenHasherToken = token<TokenHasher>('TokenHasher');

/** Structured logging. Callers must never pass secrets; adapters also redact known secret keys. */
export interface Logger {
  /** Debug detail. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Normal operation. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something degraded but work went on (cache down, source partial). */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something failed. */
  error(message: string, fields?: Record<string, unknown>): void;
}
export const LoggerToken = token<Logger>('Logger');
