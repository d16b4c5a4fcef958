import axios, { isAxiosError } from 'axios';
import type { AxiosInstance } from 'axios';
import { CatwalkError } from '@catwalk/core';

/** A request ready to send: what `toRequest` functions build (pure, tested offline). */
export interface HttpRequestSpec {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/** A shared axios instance for LLM calls: long timeout, bounded answers, no redirects. */
export function llmHttpClient(timeoutMs = 120_000): AxiosInstance {
  return axios.create({ timeout: timeoutMs, maxContentLength: 8 * 1024 * 1024, maxRedirects: 0, validateStatus: () => true });
}

/** Sends a request; network failures become retryable `analysis_failed`. Returns status and parsed body. */
export async function send(http: AxiosInstance, spec: HttpRequestSpec, provider: string): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  try {
    const response = await http.post<unknown>(spec.url, spec.body, { headers: { ...spec.headers, 'content-type': 'application/json' } });
    return { status: response.status, body: response.data, headers: response.headers as Record<string, unknown> };
  } catch (error) {
    const reason = isAxiosError(error) ? (error.code ?? 'network error') : 'network error';
    throw new CatwalkError('analysis_failed', `The LLM provider (${provider}) could not be reached (${reason}).`, { provider, reason: 'unreachable' }, { retryable: true });
  }
}

/**
 * Translates a non-2xx provider answer. Only the provider's error `type` is kept (never its message, which may
 * echo the prompt or the key).
 */
export function providerError(provider: string, status: number, errorType: string | undefined, headers: Record<string, unknown> = {}): CatwalkError {
  const retryable = status === 429 || status === 529 || status >= 500;
  const retryAfter = Number(headers['retry-after']);
  const why =
    status === 401 || status === 403
      ? 'rejected the API key'
      : status === 429
        ? 'is rate limiting us'
        : status === 529 || status === 503
          ? 'is overloaded'
          : status >= 500
            ? 'failed'
            : 'refused the request';
  return new CatwalkError(
    'analysis_failed',
    `The LLM provider (${provider}) ${why} (HTTP ${status}).`,
    { provider, status, ...(errorType === undefined ? {} : { type: errorType.slice(0, 64) }), ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}) },
    { retryable },
  );
}
