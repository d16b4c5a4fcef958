import { CatwalkError, isCatwalkError } from '@catwalk/core';

/** SQLSTATE classes and codes that mean "the database is not there right now" (retryable). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN', 'ENETUNREACH']);
/** pg / pg-pool / TypeORM messages for a connection that is gone or never came (they carry no SQLSTATE). */
const UNAVAILABLE_MESSAGES = [
  'connection terminated',
  'timeout exceeded when trying to connect',
  'cannot use a pool after calling end',
  'client has encountered a connection error',
  'connection is not established',
  'cannot execute operation on',
  'query runner already released',
  'too many connections',
  'driver not connected',
];

/** The driver error behind a TypeORM `QueryFailedError` (or the error itself). */
function driverError(error: unknown): { code?: unknown; message?: unknown; errors?: unknown } {
  const outer = error as { driverError?: unknown };
  return ((outer?.driverError ?? error) ?? {}) as { code?: unknown; message?: unknown; errors?: unknown };
}

/** Whether `error` means the database cannot be reached (refused, dropped, shut down, timed out). */
export function isUnavailableError(error: unknown): boolean {
  const inner = driverError(error);
  const code = typeof inner.code === 'string' ? inner.code : '';
  if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNAVAILABLE_ERRNOS.has(code)) return true;
  if (Array.isArray(inner.errors) && inner.errors.some((nested) => isUnavailableError(nested))) return true; // AggregateError (IPv4+IPv6)
  const message = String(inner.message ?? (error as { message?: unknown })?.message ?? '').toLowerCase();
  if (UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
  // TypeORM's own "connection gone" errors: a backend terminated mid-transaction makes TypeORM release the query
  // runner, so the next query fails with QueryRunnerProviderAlreadyReleasedError rather than a driver error.
  const name = (error as { name?: unknown })?.name;
  return name === 'CannotExecuteNotConnectedError' || name === 'ConnectionIsNotSetError' || name === 'QueryRunnerProviderAlreadyReleasedError';
}

/**
 * Turns a driver error into a port error: unique violation → `conflict`, foreign-key violation → `not_found`,
 * malformed value → `invalid_input`, unreachable database → `storage_unavailable` (retryable). The driver's
 * message never becomes the user-facing message; it stays in `cause` for logs.
 */
export function translateDbError(error: unknown, operation: string): Error {
  if (isCatwalkError(error)) return error;
  const inner = driverError(error);
  const code = typeof inner.code === 'string' ? inner.code : '';
  const constraint = (inner as { constraint?: unknown }).constraint;
  const details = { operation, ...(typeof constraint === 'string' ? { constraint } : {}) };
  if (code === '23505') return new CatwalkError('conflict', 'That already exists.', details, { cause: error });
  if (code === '23503') return new CatwalkError('not_found', 'A record it refers to does not exist.', details, { cause: error });
  if (code === '40001' || code === '40P01') {
    return new CatwalkError('conflict', 'A concurrent change got in the way; try again.', details, { retryable: true, cause: error });
  }
  if (code === '22P02' || code === '23514' || code === '22001' || code === '23502') {
    return new CatwalkError('invalid_input', 'A value was not accepted by the database.', { ...details, issues: [] }, { cause: error });
  }
  if (isUnavailableError(error)) {
    return new CatwalkError('storage_unavailable', 'The database is unavailable; try again shortly.', details, { retryable: true, cause: error });
  }
  if (looksLikeDriverError(error)) return new Error(`Database operation ${operation} failed.`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** Whether `error` came from the driver or TypeORM (as opposed to the caller's own code inside a transaction). */
function looksLikeDriverError(error: unknown): boolean {
  const candidate = error as { driverError?: unknown; code?: unknown; severity?: unknown; name?: unknown };
  if (candidate === null || typeof candidate !== 'object') return false;
  if (candidate.driverError !== undefined || candidate.severity !== undefined) return true;
  if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return true;
  return typeof candidate.name === 'string' && (candidate.name === 'QueryFailedError' || candidate.name === 'TypeORMError' || candidate.name === 'DatabaseError');
}

/** Runs `work` and translates whatever the driver throws. */
export async function translated<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDbError(error, operation);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a deployment id (uuid column): anything else cannot exist, so callers answer "not found". */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
