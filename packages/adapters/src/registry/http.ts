import axios from 'axios';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import { CatwalkError } from '@catwalk/core';

/** Catwalk's version as sent in `User-Agent` (kept in step with the fixed lerna version). */
export const CATWALK_VERSION = '0.1.0';
/** The `User-Agent` every outbound registry/catalogue request carries, so operators can identify us. */
export const USER_AGENT = `catwalk/${CATWALK_VERSION}`;

/** Limits of one upstream JSON API. */
export interface HttpLimits {
  /** Socket inactivity timeout and, unless `deadlineMs` is set, the whole-response deadline. Default 10 s. */
  readonly timeoutMs?: number;
  /** Hard deadline for the whole exchange (headers and body), so a slow-drip body cannot hold us. */
  readonly deadlineMs?: number;
  /** Largest body accepted, in bytes; larger bodies are cut off while streaming. */
  readonly maxBytes?: number;
  /**
   * Host name resolution (defaults to the system resolver). Lets operators pin a registry host, and lets tests
   * produce DNS failures without sending a query anywhere.
   */
  readonly lookup?: AxiosRequestConfig['lookup'];
}

/** What a JSON GET answered: a parsed body, or 404. Anything else has already become a CatwalkError. */
export type JsonAnswer<T> = { readonly kind: 'ok'; readonly body: T } | { readonly kind: 'not_found' };

/** A small JSON-over-HTTP client bound to one upstream, translating every failure into one error code. */
export class JsonApi {
  readonly #http: AxiosInstance;
  readonly #deadlineMs: number;
  readonly #upstream: string;
  readonly #code: 'registry_unavailable' | 'source_unavailable';
  readonly #detailKey: string;

  /**
   * @param upstream name shown in `details` (`npm`, `pypi`, `mcp-registry`, `glama`)
   * @param code the error code failures become
   * @param detailKey the details key naming the upstream (`registry` or `catalog`)
   */
  constructor(
    options: { baseUrl: string; headers?: Record<string, string> } & HttpLimits,
    upstream: string,
    code: 'registry_unavailable' | 'source_unavailable',
    detailKey: 'registry' | 'catalog',
  ) {
    const timeout = options.timeoutMs ?? 10_000;
    this.#deadlineMs = options.deadlineMs ?? timeout;
    this.#upstream = upstream;
    this.#code = code;
    this.#detailKey = detailKey;
    this.#http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout,
      maxContentLength: options.maxBytes ?? 5 * 1024 * 1024,
      maxBodyLength: 0,
      maxRedirects: 3,
      // Keep the raw text: we parse and validate it ourselves so HTML or truncated JSON is a clean error.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Never turn a status into an exception: 404 is an answer, the rest is translated below.
      validateStatus: () => true,
      headers: { 'User-Agent': USER_AGENT, Accept: 'application/json', ...(options.headers ?? {}) },
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    });
  }

  /**
   * GETs `path` (already encoded) and validates the JSON body with `schema`.
   * @throws CatwalkError (the configured code, retryable) on network errors, timeouts, 5xx/unexpected statuses,
   *   oversized, non-JSON or wrongly shaped bodies. No vendor text reaches the message.
   */
  async get<S extends z.ZodType>(path: string, schema: S, options: { params?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<JsonAnswer<z.infer<S>>> {
    let status: number;
    let data: unknown;
    try {
      const response = await this.#http.get<string>(path, {
        signal: AbortSignal.timeout(this.#deadlineMs),
        ...(options.params === undefined ? {} : { params: options.params }),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      });
      status = response.status;
      data = response.data;
    } catch (error) {
      throw this.unavailable(describeTransportError(error), error);
    }
    if (status === 404 || status === 410) return { kind: 'not_found' };
    if (status < 200 || status >= 300) throw this.unavailable(`HTTP ${status}`, undefined, status);
    let json: unknown;
    try {
      json = JSON.parse(typeof data === 'string' ? data : '');
    } catch (error) {
      throw this.unavailable('malformed JSON body', error, status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw this.unavailable('unexpected response shape', parsed.error, status);
    return { kind: 'ok', body: parsed.data };
  }

  /** The error every failure of this upstream becomes. */
  unavailable(reason: string, cause?: unknown, status?: number): CatwalkError {
    const what = this.#detailKey === 'registry' ? `The ${this.#upstream} registry` : `The ${this.#upstream} catalogue`;
    return new CatwalkError(
      this.#code,
      `${what} is unavailable (${reason}); try again later.`,
      { [this.#detailKey]: this.#upstream, reason, ...(status === undefined ? {} : { status }) },
      { retryable: true, ...(cause === undefined ? {} : { cause }) },
    );
  }
}

/** A short, vendor-neutral description of why a request failed (no hostnames, no bodies). */
function describeTransportError(error: unknown): string {
  if (axios.isCancel(error)) return 'timed out';
  if (axios.isAxiosError(error)) {
    const code = error.code ?? '';
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') return 'timed out';
    if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/i.test(error.message)) return 'response too large';
    if (/maxContentLength/i.test(error.message)) return 'response too large';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return 'connection reset';
    if (code === 'ERR_FR_TOO_MANY_REDIRECTS') return 'too many redirects';
    return 'network error';
  }
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return 'network error';
}
