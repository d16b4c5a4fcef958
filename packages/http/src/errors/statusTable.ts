import type { ErrorCode } from '@catwalk/core';

/**
 * The one table from error code to HTTP status. Every code has a row (the type makes a missing row a compile
 * error), so a new code cannot silently become a 500.
 */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_repo_url: 400,
  invalid_source: 400,
  invalid_package_name: 400,
  invalid_input: 400,
  missing_credentials: 400,
  invalid_credential: 400,
  unknown_credential: 400,
  invalid_config: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  package_not_found: 422,
  analysis_failed: 422,
  analysis_required: 422,
  rate_limited: 429,
  registry_unavailable: 502,
  source_unavailable: 502,
  orchestrator_failed: 502,
  upstream_unavailable: 502,
  upstream_timeout: 504,
  runtime_unavailable: 503,
  deployment_unavailable: 503,
  storage_unavailable: 503,
  decryption_failed: 500,
};

/** The status for `code`. */
export function statusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}
