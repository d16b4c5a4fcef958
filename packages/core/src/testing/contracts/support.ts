import { expect } from 'chai';
import { isCatwalkError } from '../../errors/index.js';
import type { ErrorCode } from '../../errors/index.js';

/** Awaits `promise` and asserts it rejects with a CatwalkError of `code`; returns the error for more checks. */
export async function expectCatwalkError(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a CatwalkError ${code}, but nothing was thrown`).to.not.equal(undefined);
  expect(isCatwalkError(caught), `expected a CatwalkError ${code}, got ${String(caught)}`).to.equal(true);
  expect((caught as { code: string }).code).to.equal(code);
  return caught as Error;
}

let uuidCounter = 0;
const runTag = Math.floor(Math.random() * 0xffffffff)
  .toString(16)
  .padStart(8, '0');

/**
 * A fresh UUID-shaped id (v4 layout). Contract suites use UUIDs because real stores may type id columns as uuid;
 * the random run tag keeps ids of concurrent runs apart.
 */
export function contractUuid(): string {
  uuidCounter++;
  return `${runTag}-0000-4000-8000-${uuidCounter.toString(16).padStart(12, '0')}`;
}

/** Plain array of a byte sequence (Buffer and Uint8Array compare equal this way). */
export function bytesOf(value: Uint8Array): number[] {
  return Array.from(value);
}
