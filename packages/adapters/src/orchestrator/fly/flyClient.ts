import axios, { type AxiosInstance } from 'axios';
import { CatwalkError } from '@catwalk/core';
import { KeyedTokenBucket, realFlyClock, type FlyClock } from './rateLimiter.js';

/** One request as the orchestrator logs it (never headers, so never the token). */
export interface FlyRequestRecord {
  readonly at: number;
  /** Rate-limit key: `<action>:<machine>`. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly attempt: number;
}

/** Options of the Machines API client. */
export interface FlyClientOptions {
  /** `FLY_API_TOKEN`. Sent as `Authorization: Bearer …`, never logged. */
  readonly token: string;
  /** `FLY_API_HOSTNAME` (default https://api.machines.dev). */
  readonly baseUrl?: string;
  readonly clock?: FlyClock;
  /** Attempts for 429/5xx/network errors (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay (default 500 ms), doubled per attempt, plus up to 50 % jitter. */
  readonly retryBaseMs?: number;
  /** Per-request timeout (default 75 s: a `wait` may hold 60 s). */
  readonly timeoutMs?: number;
  /** Rate limit per action per machine (default 1/s, burst 3). */
  readonly ratePerSecond?: number;
  readonly burst?: number;
  /** Called after every HTTP exchange (request log for operators and tests). */
  readonly onRequest?: (record: FlyRequestRecord) => void;
  readonly random?: () => number;
}

/** A Machines API answer the caller handles itself (404 on status, 408 on wait). */
export interface FlyResponse<T> {
  readonly status: number;
  readonly data: T;
}

/**
 * A small Machines API client: bearer auth, a token bucket per action and machine, retries with backoff and
 * jitter on 429/5xx (honouring Retry-After), and translation of the rest into user-safe CatwalkErrors.
 */
export class FlyClient {
  private readonly http: AxiosInstance;
  private readonly clock: FlyClock;
  private readonly limiter: KeyedTokenBucket;

  constructor(private readonly options: FlyClientOptions) {
    this.clock = options.clock ?? realFlyClock;
    this.limiter = new KeyedTokenBucket(this.clock, options.ratePerSecond ?? 1, options.burst ?? 3);
    this.http = axios.create({
      baseURL: options.baseUrl ?? 'https://api.machines.dev',
      timeout: options.timeoutMs ?? 75_000,
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      validateStatus: () => true,
      // Errors must never carry the request config (it holds the token) into logs: see `translate`.
      transitional: { clarifyTimeoutError: true },
    });
  }

  /**
   * Sends a request. `action` + `machine` key the rate limiter; statuses in `accept` are returned to the caller,
   * 429/5xx are retried, anything else becomes `orchestrator_failed`.
   */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: { action: string; machine?: string; body?: unknown; accept?: readonly number[]; timeoutMs?: number } ): Promise<FlyResponse<T>> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const key = `${options.action}:${options.machine ?? '-'}`;
      await this.limiter.take(key);
      let status: number;
      let data: unknown;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.http.request({
          method,
          url: path,
          data: options.body,
          ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        });
        status = response.status;
        data = response.data;
        const retryAfter = Number(response.headers['retry-after']);
        if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, 60_000);
      } catch (error) {
        this.options.onRequest?.({ at: this.clock.now(), key, method, path, status: 0, attempt });
        if (attempt >= maxAttempts) {
          throw new CatwalkError('orchestrator_failed', 'Fly.io could not be reached.', { retryable: true }, { retryable: true, cause: safeCause(error) });
        }
        await this.clock.sleep(this.backoff(attempt));
        continue;
      }
      this.options.onRequest?.({ at: this.clock.now(), key, method, path, status, attempt });
      if (status >= 200 && status < 300) return { status, data: data as T };
      if (options.accept?.includes(status)) return { status, data: data as T };
      if ((status === 429 || status >= 500) && attempt < maxAttempts) {
        await this.clock.sleep(retryAfterMs ?? this.backoff(attempt));
        continue;
      }
      throw translate(status, data);
    }
  }

  private backoff(attempt: number): number {
    const base = (this.options.retryBaseMs ?? 500) * 2 ** (attempt - 1);
    return Math.min(30_000, Math.round(base * (1 + 0.5 * (this.options.random ?? Math.random)())));
  }
}

/** Fly's `{error}` text, cut and stripped of anything that looks like a credential. */
function vendorReason(data: unknown): string {
  const text = typeof data === 'object' && data !== null && typeof (data as { error?: unknown }).error === 'string' ? (data as { error: string }).error : '';
  return text.replace(/(fo1_|fm2_|FlyV1 )[A-Za-z0-9_+/=.,-]*/g, '***').replace(/[^\x20-\x7e]/g, '').slice(0, 200);
}

/** Maps a Machines API failure to a user-safe error. */
export function translate(status: number, data: unknown): CatwalkError {
  const reason = vendorReason(data);
  const suffix = reason ? ` (Fly.io: ${reason})` : '';
  if (status === 401) return new CatwalkError('orchestrator_failed', 'Fly.io refused the API token (FLY_API_TOKEN).', { status });
  if (status === 412) return new CatwalkError('orchestrator_failed', `Fly.io has no capacity for this machine in the requested region${suffix}.`, { status, reason: 'capacity' });
  if (status === 403) return new CatwalkError('orchestrator_failed', `Fly.io refused: organization quota or permission exceeded${suffix}.`, { status, reason: 'quota' });
  if (status === 429) return new CatwalkError('orchestrator_failed', 'Fly.io rate limit: try again shortly.', { status }, { retryable: true });
  if (status >= 500) return new CatwalkError('orchestrator_failed', 'Fly.io failed to process the request; try again.', { status }, { retryable: true });
  return new CatwalkError('orchestrator_failed', `Fly.io rejected the request (HTTP ${status})${suffix}.`, { status });
}

/** Axios errors carry the request config (with the Authorization header): keep only the code. */
function safeCause(error: unknown): Error {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'network error';
  return new Error(code);
}
