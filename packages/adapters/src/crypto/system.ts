import { hash as oneShotHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock, Ids, SecretGenerator, TokenHasher } from '@catwalk/core';

/** The wall clock. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** Random UUID v4 ids from node:crypto (no database extension needed). */
export class RandomUuidIds implements Ids {
  newId(): string {
    return randomUUID();
  }
}

/** Cryptographically random tokens, base64url without padding. */
export class RandomSecretGenerator implements SecretGenerator {
  randomToken(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 token hashes (lower-case hex), compared with `timingSafeEqual`. */
export class Sha256TokenHasher implements TokenHasher {
  hash(token: string): string {
    // The one-shot form (Node 20.12+) is about twice as fast as createHash: every API request hashes its key.
    return oneShotHash('sha256', token, 'hex');
  }

  matches(token: string, expectedHash: string): boolean {
    const actual = Buffer.from(this.hash(token), 'utf8');
    // A malformed expected hash can never match; the length check leaks only that it is malformed.
    if (!SHA256_HEX.test(expectedHash)) return false;
    return timingSafeEqual(actual, Buffer.from(expectedHash, 'utf8'));
  }
}
