import type { ErrorCode } from './codes.js';

/** Structured, user-safe context of an error (names, limits, ids; never secrets or vendor bodies). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error type for expected failures. `code` is stable, `message` is safe to show a user, `details` is
 * structured context. Unexpected failures are plain Errors and are reported as `internal` by the shells.
 */
export class CatwalkError extends Error {
  override readonly name = 'CatwalkError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** Whether trying again later may succeed (registries down, storage down, rate limits). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
    this.retryable = options.retryable ?? false;
  }

  /** The shape the shells answer with: `{ error, message, details }`. */
  toJSON(): { error: ErrorCode; message: string; details: ErrorDetails } {
    return { error: this.code, message: this.message, details: this.details };
  }
}

/** Whether `error` is a CatwalkError, optionally of one code. */
export function isCatwalkError(error: unknown, code?: ErrorCode): error is CatwalkError {
  return error instanceof CatwalkError && (code === undefined || error.code === code);
}
