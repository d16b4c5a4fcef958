/** Settings of a token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The verdict for one request: allowed, or refused with the seconds until one token is back. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * In-memory token buckets, one per key (an API key id). A full bucket is the same as no bucket, so buckets that
 * refilled are dropped on the next sweep and memory stays bounded by the keys active in the last moments.
 */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep: number;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
    this.#lastSweep = now();
  }

  /** Takes one token from `key`'s bucket if it has one. */
  take(key: string): RateDecision {
    const now = this.#now();
    this.#sweep(now);
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit.burst, updatedAt: now };
    bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#limit.perSecond);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: (1 - bucket.tokens) / this.#limit.perSecond };
  }

  /** How many keys hold a partly used bucket (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    const fullAfterMs = (this.#limit.burst / this.#limit.perSecond) * 1000;
    if (now - this.#lastSweep < Math.max(1000, fullAfterMs)) return;
    this.#lastSweep = now;
    for (const [key, bucket] of this.#buckets) if (now - bucket.updatedAt >= fullAfterMs) this.#buckets.delete(key);
  }
}
