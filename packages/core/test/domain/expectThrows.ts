import { expect } from 'chai';
import { CatwalkError } from '../../src/errors/index.js';
import type { ErrorCode } from '../../src/errors/index.js';

/** Runs `fn`, asserts it throws a CatwalkError of `code`, and returns the error for more checks. */
export function expectThrows(fn: () => unknown, code: ErrorCode): CatwalkError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a CatwalkError ${code}, but nothing was thrown`).to.be.instanceOf(CatwalkError);
  const error = caught as CatwalkError;
  expect(error.code, error.message).to.equal(code);
  return error;
}

/** Whether `fn` throws nothing or only a CatwalkError (never a TypeError, RangeError, …). */
export function throwsOnlyCatwalkError(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    return error instanceof CatwalkError;
  }
}
