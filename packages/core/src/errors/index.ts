export { ERROR_CODES, isErrorCode } from './codes.js';
export type { ErrorCode } from './codes.js';
export { CatwalkError, isCatwalkError } from './CatwalkError.js';
export type { ErrorDetails } from './CatwalkError.js';
