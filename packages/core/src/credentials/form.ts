import { z } from 'zod';
import type { EnvVarSpec } from '../domain/mcpConfig.js';
import type { CredentialField, ExcludedCredential } from './fields.js';
import {
  BOOLEAN_VALUES,
  MAX_CREDENTIAL_BYTES,
  NUMBER_PATTERN,
  checkCredentialValue,
  toCredentialFields,
} from './fields.js';
import { CREDENTIAL_URL_SCHEMES } from './url.js';

/** JSON Schema (2020-12) of one credential: always a string, since environment values are strings. */
export interface CredentialPropertySchema {
  readonly type: 'string';
  readonly title: string;
  readonly description?: string;
  readonly format?: 'uri';
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly default?: string;
  readonly writeOnly?: true;
  /** Characters, an upper bound; the real limit is `MAX_CREDENTIAL_BYTES` UTF-8 bytes. */
  readonly maxLength: number;
}

/** JSON Schema (2020-12) of a whole credential submission. */
export interface CredentialJsonSchema {
  readonly $schema: 'https://json-schema.org/draft/2020-12/schema';
  readonly type: 'object';
  readonly properties: Readonly<Record<string, CredentialPropertySchema>>;
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

/** The zod validator of a credential submission: env name → value, defaults applied, empty optionals dropped. */
export type CredentialValidator = z.ZodType<Record<string, string>, unknown>;

/**
 * What users are asked for before a deployment: one field per declared variable, the same as JSON Schema, and a
 * zod validator. All three are derived from the same field list. `validator` is not enumerable, so
 * `JSON.stringify(form)` (what the HTTP shell sends) holds only data.
 */
export interface CredentialForm {
  readonly fields: readonly CredentialField[];
  /** Declared variables that Catwalk never sets (they could hijack the process), with the reason. */
  readonly excluded: readonly ExcludedCredential[];
  readonly jsonSchema: CredentialJsonSchema;
  readonly validator: CredentialValidator;
}

/** Whether a field must get a value from the user (required and no default to fall back on). */
export function needsValue(field: CredentialField): boolean {
  return field.required && field.default === undefined;
}

function propertySchema(field: CredentialField): CredentialPropertySchema {
  const scheme = `^(?:${CREDENTIAL_URL_SCHEMES.map((s) => s.replace(/[+.]/g, '\\$&')).join('|')})://`;
  return {
    type: 'string',
    title: field.label,
    ...(field.help === '' ? {} : { description: field.help }),
    ...(field.kind === 'url' ? { format: 'uri' as const, pattern: scheme } : {}),
    ...(field.kind === 'choice' && field.choices !== undefined ? { enum: field.choices } : {}),
    ...(field.kind === 'boolean' ? { enum: BOOLEAN_VALUES } : {}),
    ...(field.kind === 'number' ? { pattern: NUMBER_PATTERN } : {}),
    ...(field.default === undefined ? {} : { default: field.default }),
    ...(field.secret ? { writeOnly: true as const } : {}),
    maxLength: MAX_CREDENTIAL_BYTES,
  };
}

/** JSON Schema of the fields. */
export function toJsonSchema(fields: readonly CredentialField[]): CredentialJsonSchema {
  const properties: Record<string, CredentialPropertySchema> = {};
  for (const field of fields) properties[field.name] = propertySchema(field);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties,
    required: fields.filter(needsValue).map((field) => field.name),
    additionalProperties: false,
  };
}

function fieldValidator(field: CredentialField): z.ZodType<string | undefined, unknown> {
  const required = `${field.name} is required`;
  const notText = `${field.name} must be a string`;
  const checked = z.string({ error: (issue) => (issue.input === undefined ? required : notText) }).superRefine((value, ctx) => {
    const problem = checkCredentialValue(field, value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem.message, params: { kind: problem.kind } });
  });
  // Empty means "not given": dropped for optional fields, the default used when there is one.
  const emptyAsAbsent = (value: unknown): unknown => (value === '' ? undefined : value);
  if (field.default !== undefined) return z.preprocess(emptyAsAbsent, checked.optional()).transform((v) => v ?? field.default);
  if (field.required) return z.preprocess(emptyAsAbsent, checked);
  return z.preprocess(emptyAsAbsent, checked.optional());
}

/** The zod validator of the fields (strict: undeclared names are refused). */
export function toValidator(fields: readonly CredentialField[]): CredentialValidator {
  const shape: Record<string, z.ZodType<string | undefined, unknown>> = {};
  for (const field of fields) shape[field.name] = fieldValidator(field);
  return z.strictObject(shape).transform((parsed) => {
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') values[name] = value;
    return values;
  });
}

/** Builds the credential form of a server's declared environment variables. */
export function buildCredentialForm(envVars: readonly EnvVarSpec[]): CredentialForm {
  const { fields, excluded } = toCredentialFields(envVars);
  const form: Omit<CredentialForm, 'validator'> = { fields, excluded, jsonSchema: toJsonSchema(fields) };
  return Object.defineProperty(form, 'validator', { value: toValidator(fields), enumerable: false }) as CredentialForm;
}
