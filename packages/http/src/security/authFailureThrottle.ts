import type { IncomingMessage } from 'node:http';
import type { Context, Next } from 'koa';
import { CatwalkError, isCatwalkError } from '@catwalk/core';

/** How many failed authentications a client IP may make: `failures` at once, refilled evenly over `perMs`. */
export interface AuthFailureLimit {
  readonly failures: number;
  readonly perMs: number;
}

/** The default: 20 failed attempts per minute per client IP. */
export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { failures: 20, perMs: 60_000 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** At most this many client IPs are tracked; beyond it the least recently failing ones are forgotten first. */
const MAX_TRACKED = 100_000;

/**
 * Throttles guessing of API keys and gateway tokens: one token bucket per client IP, in memory, that only
 * failed authentications drain. While an IP's bucket is empty every authentication attempt from it (right or
 * wrong) is refused with `rate_limited` before any lookup, so guessing costs a minute per `failures` tries.
 * Successful calls never touch the bucket, so legitimate traffic is not slowed. Buckets that refilled are
 * dropped on the next sweep; memory stays bounded by the IPs that failed recently (and by a hard cap).
 */
export class AuthFailureThrottle {
  readonly #limit: AuthFailureLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep: number;

  constructor(limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT, now: () => number = Date.now) {
    if (!(limit.failures >= 1) || !(limit.perMs > 0)) throw new Error('an auth failure limit needs failures >= 1 and perMs > 0');
    this.#limit = limit;
    this.#now = now;
    this.#lastSweep = now();
  }

  /**
   * Throws `rate_limited` (with `details.retryAfterSeconds`) when `ip` has no failed attempt left; otherwise
   * returns without taking anything.
   */
  assertAllowed(ip: string): void {
    const bucket = this.#buckets.get(ip);
    if (bucket === undefined) return;
    const tokens = this.#refilled(bucket, this.#now());
    if (tokens >= 1) return;
    throw new CatwalkError('rate_limited', 'Too many failed authentication attempts from this address. Retry later.', {
      // Rounded to whole milliseconds first so floating-point dust does not add a second.
      retryAfterSeconds: Math.max(1, Math.ceil(Math.round(((1 - tokens) * this.#limit.perMs) / this.#limit.failures) / 1000)),
    });
  }

  /** Counts one failed authentication from `ip`. */
  recordFailure(ip: string): void {
    const now = this.#now();
    this.#sweep(now);
    const bucket = this.#buckets.get(ip);
    const tokens = bucket === undefined ? this.#limit.failures : this.#refilled(bucket, now);
    // Re-inserted so the Map's order is least recently failing first (what the cap evicts).
    this.#buckets.delete(ip);
    if (this.#buckets.size >= MAX_TRACKED) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done !== true) this.#buckets.delete(oldest.value);
    }
    this.#buckets.set(ip, { tokens: Math.max(0, tokens - 1), updatedAt: now });
  }

  /** How many client IPs have a partly drained bucket (tests, metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(bucket: Bucket, now: number): number {
    return Math.min(this.#limit.failures, bucket.tokens + ((now - bucket.updatedAt) * this.#limit.failures) / this.#limit.perMs);
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < Math.max(1000, this.#limit.perMs)) return;
    this.#lastSweep = now;
    for (const [ip, bucket] of this.#buckets) if (this.#refilled(bucket, now) >= this.#limit.failures) this.#buckets.delete(ip);
  }
}

/**
 * The client IP a throttle is keyed by: the socket's peer address. `X-Forwarded-For` is deliberately ignored
 * (any client can set it); behind a reverse proxy every client then shares the proxy's bucket.
 */
export function clientIpOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

type Middleware = (ctx: Context, next: Next) => Promise<void>;

/**
 * Wraps the API-key authentication middleware: refuses a throttled IP with 429 before authenticating, and
 * counts an `unauthorized` failure of `authenticate` itself (not errors of the handlers behind it).
 */
export function throttleAuthFailures(authenticate: Middleware, throttle: AuthFailureThrottle): Middleware {
  return async function throttledAuthMiddleware(ctx: Context, next: Next): Promise<void> {
    const ip = clientIpOf(ctx.req);
    throttle.assertAllowed(ip);
    let authenticated = false;
    try {
      await authenticate(ctx, () => {
        authenticated = true;
        return next();
      });
    } catch (error) {
      if (!authenticated && isCatwalkError(error, 'unauthorized')) throttle.recordFailure(ip);
      throw error;
    }
  };
}
