import { ApiError } from './api.mjs';
import type { CredentialField, CredentialFormView } from './types.mjs';

/**
 * Client-side checks of a credential submission. They mirror core's `validateCredentials` and speak its messages,
 * so the user reads the same sentence whether the browser or the server caught the problem. The server stays
 * the authority: whatever it refuses is shown per field too (see {@link serverFieldErrors}).
 */

/** Largest value, in UTF-8 bytes (core's MAX_CREDENTIAL_BYTES). */
const MAX_CREDENTIAL_BYTES = 8192;

/** Problems found, by field name, plus a summary line for the form (core's `missing_credentials` message). */
export interface FormProblems {
  readonly byField: Map<string, string>;
  readonly summary: string | undefined;
}

/** Whether the user must type something (required and no default to fall back on): core's `needsValue`. */
export function needsValue(field: CredentialField): boolean {
  return field.required && field.default === undefined;
}

/** The URL schemes the server accepts, read back from the JSON Schema's `^(?:https|http|…)://` pattern. */
function schemesOf(pattern: string | undefined): string[] {
  const match = pattern === undefined ? null : /^\^\(\?:(.*)\):\/\/$/.exec(pattern);
  return match?.[1] === undefined ? ['http', 'https'] : match[1].split('|').map((scheme) => scheme.replace(/\\/g, ''));
}

function matches(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true; // An unreadable pattern is the server's to enforce.
  }
}

/** The message of one non-empty value that breaks its field's rule, or undefined. */
export function checkValue(field: CredentialField, value: string, form: CredentialFormView): string | undefined {
  const property = form.jsonSchema.properties[field.name];
  if (new TextEncoder().encode(value).length > MAX_CREDENTIAL_BYTES) {
    return `${field.name} is too long: values are at most ${MAX_CREDENTIAL_BYTES} bytes (UTF-8).`;
  }
  if (value.includes('\u0000')) return `${field.name} may not contain the NUL character.`;
  switch (field.kind) {
    case 'choice':
      return (field.choices ?? []).includes(value) ? undefined : `${field.name} must be one of: ${(field.choices ?? []).join(', ')}.`;
    case 'url': {
      const schemes = schemesOf(property?.pattern);
      const shaped = matches(property?.pattern, value) && /^[^\s]+:\/\/[^\s/?#]+/.test(value) && !/[^\x21-\x7e]/.test(value.split('/')[2] ?? '');
      return shaped ? undefined : `${field.name} must be an absolute URL such as https://host/path, with an ASCII host and one of the schemes ${schemes.join(', ')}.`;
    }
    case 'number':
      return matches(property?.pattern, value) ? undefined : `${field.name} must be a number such as 42 or 1.5.`;
    case 'boolean': {
      const allowed = property?.enum ?? ['true', 'false'];
      return allowed.includes(value) ? undefined : `${field.name} must be one of: ${allowed.join(', ')}.`;
    }
    case 'string':
      return undefined;
  }
}

/** Checks every field's value (empty = not given) the way the server will. */
export function validateForm(form: CredentialFormView, values: ReadonlyMap<string, string>): FormProblems {
  const byField = new Map<string, string>();
  const missing: string[] = [];
  for (const field of form.fields) {
    const value = values.get(field.name) ?? '';
    if (value === '') {
      if (needsValue(field)) {
        missing.push(field.name);
        byField.set(field.name, `${field.name} is required.`);
      }
      continue;
    }
    const problem = checkValue(field, value, form);
    if (problem !== undefined) byField.set(field.name, problem);
  }
  const summary =
    missing.length > 0
      ? `Missing required credential${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}.`
      : byField.size > 0
        ? 'Some values need fixing: see the fields marked below.'
        : undefined;
  return { byField, summary };
}

/**
 * Places a server refusal on the fields it names: `details.missing` (missing_credentials), `details.field`
 * (invalid_credential, payload_too_large), `details.unknown`, and zod's `details.issues` paths (`credentials.X`,
 * `name`, `source`). `name` and `source` are the form's own inputs.
 */
export function serverFieldErrors(error: ApiError, fieldNames: readonly string[]): Map<string, string> {
  const byField = new Map<string, string>();
  const known = new Set([...fieldNames, 'name', 'source']);
  const details = error.details;
  const missing = details['missing'];
  if (Array.isArray(missing)) for (const name of missing) if (typeof name === 'string' && known.has(name)) byField.set(name, `${name} is required.`);
  const field = details['field'];
  if (typeof field === 'string' && known.has(field)) byField.set(field, error.message);
  const issues = details['issues'];
  if (Array.isArray(issues)) {
    for (const issue of issues) {
      if (typeof issue !== 'object' || issue === null) continue;
      const { path, message } = issue as { path?: unknown; message?: unknown };
      if (typeof path !== 'string' || typeof message !== 'string') continue;
      const name = path.startsWith('credentials.') ? path.slice('credentials.'.length) : path;
      if (known.has(name)) byField.set(name, message);
    }
  }
  return byField;
}
