import type { Context, Next } from 'koa';
import { CatwalkError } from '@catwalk/core';
import { RequestTimeoutError } from '../errors/errorBody.js';
import type { RateLimiter } from './rateLimiter.js';

/**
 * Refuses a request with `rate_limited` (429 + Retry-After) when its API key's bucket is empty. Runs after
 * authentication, keyed by the key id, so one noisy key cannot starve the others.
 */
export function rateLimit(limiter: RateLimiter) {
  return async function rateLimitMiddleware(ctx: Context, next: Next): Promise<void> {
    const key = ctx.state['apiKeyId'];
    if (typeof key === 'string') {
      const decision = limiter.take(key);
      if (!decision.allowed) {
        throw new CatwalkError('rate_limited', 'Too many requests for this API key. Slow down and retry later.', {
          retryAfterSeconds: Math.ceil(decision.retryAfterSeconds),
        });
      }
    }
    await next();
  };
}

/**
 * Bounds how long a control-plane request may take. A request that passes `timeoutMs` is answered
 * 503 `{ error: 'timeout' }`; the work it started is not cancelled (use cases are
 * safe to finish on their own), but the client is not kept waiting.
 */
export function requestTimeout(timeoutMs: number) {
  return async function requestTimeoutMiddleware(ctx: Context, next: Next): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeoutError(timeoutMs)), timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
