import { isAxiosError } from 'axios';
import { CatwalkError } from '@catwalk/core';

/** What a failed upstream call is about, for the user-safe message. */
export interface UpstreamContext {
  /** `GitHub`, `the npm registry`, `PyPI`. */
  readonly upstream: string;
  /** The canonical key of the source being fetched. */
  readonly source: string;
  /** What was not found, for a 404 (`repository`, `package`, `version`). */
  readonly notFound?: string;
}

/** Reads the rate-limit reset from GitHub-style headers (`x-ratelimit-reset`, `retry-after`). */
export function rateLimitDetails(headers: Record<string, unknown>, nowMs: number): { resetAt?: string; retryAfterSeconds?: number } {
  const reset = Number(headers['x-ratelimit-reset']);
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) {
    return { retryAfterSeconds: retryAfter, resetAt: new Date(nowMs + retryAfter * 1000).toISOString() };
  }
  if (Number.isFinite(reset) && reset > 0) {
    return { resetAt: new Date(reset * 1000).toISOString(), retryAfterSeconds: Math.max(0, Math.ceil(reset - nowMs / 1000)) };
  }
  return {};
}

/**
 * Translates an axios failure into a CatwalkError: 404 → `not_found`; 403/429 with rate-limit headers →
 * `source_unavailable` (retryable, with the reset time); other statuses, timeouts and network errors →
 * `source_unavailable`. The vendor body never reaches the message.
 */
export function translateHttpError(error: unknown, context: UpstreamContext, nowMs = Date.now()): CatwalkError {
  if (error instanceof CatwalkError) return error;
  if (!isAxiosError(error)) {
    return new CatwalkError('source_unavailable', `Could not read ${context.source} from ${context.upstream}.`, { source: context.source }, { retryable: true, cause: error });
  }
  const status = error.response?.status;
  if (status === 404 || status === 410) {
    const what = context.notFound ?? 'source';
    return new CatwalkError('not_found', `${context.upstream} has no such ${what}: ${context.source}.`, { source: context.source });
  }
  const headers = (error.response?.headers ?? {}) as Record<string, unknown>;
  const rateLimited = status === 429 || (status === 403 && (String(headers['x-ratelimit-remaining']) === '0' || headers['retry-after'] !== undefined));
  if (rateLimited) {
    const details = rateLimitDetails(headers, nowMs);
    const when = details.resetAt === undefined ? 'later' : `after ${details.resetAt}`;
    return new CatwalkError(
      'source_unavailable',
      `${context.upstream} rate limit reached; try again ${when}${context.upstream === 'GitHub' ? ' or set GITHUB_TOKEN' : ''}.`,
      { source: context.source, upstream: context.upstream, reason: 'rate_limited', ...details },
      { retryable: true },
    );
  }
  if (status === 401 || status === 403) {
    return new CatwalkError(
      'source_unavailable',
      `${context.upstream} refused access to ${context.source} (HTTP ${status}); check the configured token.`,
      { source: context.source, upstream: context.upstream, status },
    );
  }
  if (error.code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || /maxContentLength/i.test(error.message)) {
    return new CatwalkError('source_unavailable', `${context.source} is larger than the download limit.`, {
      source: context.source,
      reason: 'too_large',
    });
  }
  const reason = status === undefined ? (error.code ?? 'network error') : `HTTP ${status}`;
  return new CatwalkError(
    'source_unavailable',
    `${context.upstream} could not be reached for ${context.source} (${reason}); try again later.`,
    { source: context.source, upstream: context.upstream, ...(status === undefined ? {} : { status }) },
    { retryable: true },
  );
}
