import type { EnvVarSpec } from '../domain/mcpConfig.js';
import { quoteForMessage } from '../domain/text.js';
import { CatwalkError } from '../errors/index.js';
import type { CredentialField } from './fields.js';
import { MAX_CREDENTIALS, checkCredentialValue, toCredentialFields } from './fields.js';
import { needsValue } from './form.js';
import { reservedEnvNameReason } from './reservedNames.js';

// Keys that would reach an object's prototype if anything downstream copied the submission naively.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Names that look like environment variables are shown as they are; anything else quoted and truncated.
function shownName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name) ? name : quoteForMessage(name);
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads the submission's own data properties into a null-prototype map, refusing accessors (a getter could
 * answer differently on each read) and prototype keys.
 */
function ownValues(submitted: object): Map<string, unknown> {
  const names = Object.keys(submitted);
  if (names.length > MAX_CREDENTIALS) {
    throw new CatwalkError('payload_too_large', `Too many credentials: at most ${MAX_CREDENTIALS} may be given.`, {
      limit: MAX_CREDENTIALS,
      count: names.length,
    });
  }
  const values = new Map<string, unknown>();
  for (const name of names) {
    if (PROTOTYPE_KEYS.has(name)) {
      throw new CatwalkError('unknown_credential', `${shownName(name)} is not a credential name: names are environment variable names such as API_KEY.`, {
        unknown: [shownName(name)],
        reason: 'reserved object key',
      });
    }
    const descriptor = Object.getOwnPropertyDescriptor(submitted, name);
    values.set(name, descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined);
  }
  return values;
}

function refuseReserved(values: Map<string, unknown>): void {
  for (const name of values.keys()) {
    const reason = reservedEnvNameReason(name);
    if (reason !== undefined) {
      throw new CatwalkError('unknown_credential', `${shownName(name)} may never be set as a credential: ${reason}.`, {
        unknown: [shownName(name)],
        reason,
      });
    }
  }
}

function refuseUnknown(values: Map<string, unknown>, byName: Map<string, CredentialField>): void {
  const unknown = [...values.keys()].filter((name) => !byName.has(name)).sort();
  if (unknown.length === 0) return;
  const declared = [...byName.keys()];
  throw new CatwalkError(
    'unknown_credential',
    `Unknown credential${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => shownName(n)).join(', ')}: ` +
      (declared.length === 0 ? 'this server declares no credentials.' : `this server accepts ${declared.join(', ')}.`),
    { unknown: unknown.map((n) => shownName(n)), allowed: declared },
  );
}

/**
 * Validates a credential submission against a server's declared environment variables and returns the values to
 * set: defaults applied, empty optional values dropped.
 *
 * Refuses, in this order: a submission that is not a plain object (`invalid_input`); more than `MAX_CREDENTIALS`
 * names (`payload_too_large`); prototype keys and names that could hijack the process even when declared
 * (`unknown_credential`, see `isReservedEnvName`); undeclared names (`unknown_credential`, `details.unknown`); a
 * value that is not a string, holds NUL, is too long (`payload_too_large`) or breaks its field's rule (URL, choice,
 * number, boolean) (`invalid_credential`, `details.field`); and finally required values that are missing
 * (`missing_credentials`, `details.missing`). Messages name the field and what is allowed, never the value.
 */
export function validateCredentials(envVars: readonly EnvVarSpec[], submitted: unknown): Record<string, string> {
  if (!isPlainObject(submitted)) {
    throw new CatwalkError('invalid_input', 'Credentials must be an object of names to string values, such as {"API_KEY": "…"}.', {
      reason: 'not an object',
    });
  }
  const values = ownValues(submitted);
  refuseReserved(values);
  const { fields } = toCredentialFields(envVars);
  const byName = new Map(fields.map((field) => [field.name, field]));
  refuseUnknown(values, byName);

  const result: Record<string, string> = {};
  const missing: string[] = [];
  for (const field of fields) {
    const value = values.get(field.name);
    if (value !== undefined && typeof value !== 'string') {
      throw new CatwalkError('invalid_credential', `${field.name} must be a string.`, { field: field.name, reason: 'not a string' });
    }
    if (value === undefined || value === '') {
      if (field.default !== undefined) result[field.name] = field.default;
      else if (needsValue(field)) missing.push(field.name);
      continue;
    }
    const problem = checkCredentialValue(field, value);
    if (problem !== undefined) {
      throw new CatwalkError(problem.kind === 'too_large' ? 'payload_too_large' : 'invalid_credential', `${problem.message}.`, {
        field: field.name,
        reason: problem.message,
      });
    }
    result[field.name] = value;
  }
  if (missing.length > 0) {
    throw new CatwalkError('missing_credentials', `Missing required credential${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}.`, {
      missing,
    });
  }
  return result;
}
