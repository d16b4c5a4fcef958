import { isCatwalkError } from '@catwalk/core';
import type { ErrorDetails } from '@catwalk/core';
import { statusFor } from './statusTable.js';

/** The JSON every error response carries. `error` is a stable code, or `internal` for the unexpected. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details: ErrorDetails;
}

/** What an error becomes on the wire: a status, a body, and extra headers (Retry-After, WWW-Authenticate). */
export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

const INTERNAL: ErrorBody = { error: 'internal', message: 'Something went wrong on our side. Please try again later.', details: {} };

/**
 * Maps any thrown value to a response. Only CatwalkErrors keep their message and details (both user-safe by
 * contract); everything else becomes a bare `internal` 500, so no stack, driver message or vendor body leaks.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof RequestTimeoutError) {
    return { status: 503, body: { error: 'timeout', message: 'The request took too long. Try again later.', details: { timeoutMs: error.timeoutMs } }, headers: {} };
  }
  if (!isCatwalkError(error)) return { status: 500, body: INTERNAL, headers: {} };
  const headers: Record<string, string> = {};
  const retryAfter = error.details['retryAfterSeconds'];
  if (error.code === 'rate_limited' && typeof retryAfter === 'number') headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter)));
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="catwalk"';
  return { status: statusFor(error.code), body: { error: error.code, message: error.message, details: error.details }, headers };
}

/** Thrown when a control-plane request passes its time limit; answered 503 `{ error: 'timeout' }`. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`request took longer than ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}
