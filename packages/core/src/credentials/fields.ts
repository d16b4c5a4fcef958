import type { EnvVarFormat, EnvVarSpec } from '../domain/mcpConfig.js';
import { utf8ByteLength } from '../domain/text.js';
import { reservedEnvNameReason } from './reservedNames.js';
import { CREDENTIAL_URL_SCHEMES, WEB_URL_SCHEMES, parseAbsoluteUrl } from './url.js';

/** Largest credential value, in UTF-8 bytes. */
export const MAX_CREDENTIAL_BYTES = 8192;
/** Most credentials one deployment may have. */
export const MAX_CREDENTIALS = 64;
/** Spellings accepted for boolean credentials (what servers commonly parse). */
export const BOOLEAN_VALUES: readonly string[] = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'];

/** How a form shows a field. */
export type CredentialInputType = 'password' | 'url' | 'number' | 'checkbox' | 'select' | 'text';

/** What a value must look like, derived from the spec's format and name; the same rule the validators apply. */
export type CredentialValueKind = 'choice' | 'url' | 'number' | 'boolean' | 'string';

/** One field of a credential form: everything a UI and a validator need, derived from one `EnvVarSpec`. */
export interface CredentialField {
  /** The environment variable name. */
  readonly name: string;
  /** Human label derived from the name (`GITHUB_API_TOKEN` → "GitHub API token"). */
  readonly label: string;
  /** The spec's description (may be empty). */
  readonly help: string;
  /** How to show it. */
  readonly input: CredentialInputType;
  /** What a value must be. */
  readonly kind: CredentialValueKind;
  /** Whether a value must be supplied (a required field with a default is satisfied by the default). */
  readonly required: boolean;
  /** Whether the value is a secret (never shown back, `writeOnly` in the JSON Schema). */
  readonly secret: boolean;
  /** Used when no value is supplied. */
  readonly default?: string;
  /** The only values allowed, when the server declares them. */
  readonly choices?: readonly string[];
}

/** A declared variable that Catwalk will not set, and why (shown to the user instead of a field). */
export interface ExcludedCredential {
  readonly name: string;
  readonly reason: string;
}

const ACRONYMS: Readonly<Record<string, string>> = {
  API: 'API', URL: 'URL', URI: 'URI', ID: 'ID', DB: 'DB', AWS: 'AWS', GCP: 'GCP', SSH: 'SSH', HTTP: 'HTTP',
  HTTPS: 'HTTPS', JSON: 'JSON', SQL: 'SQL', LLM: 'LLM', MCP: 'MCP', AI: 'AI', TLS: 'TLS', SSL: 'SSL', IP: 'IP',
  JWT: 'JWT', PAT: 'PAT', OAUTH: 'OAuth', GITHUB: 'GitHub', GITLAB: 'GitLab', OPENAI: 'OpenAI', CA: 'CA',
  SMTP: 'SMTP', S3: 'S3', UI: 'UI', CLI: 'CLI', SDK: 'SDK',
};

/** `GITHUB_API_TOKEN` → "GitHub API token". */
export function humanizeEnvName(name: string): string {
  const words = name.split('_').filter((word) => word.length > 0);
  const shown = words.map((word, index) => {
    const acronym = ACRONYMS[word];
    if (acronym !== undefined) return acronym;
    const lower = word.toLowerCase();
    return index === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
  });
  return shown.length > 0 ? shown.join(' ') : name;
}

// Secrets by name, for specs whose analyser did not flag them: masking a non-secret costs little, showing a
// secret in clear text does not.
const SECRET_NAME = /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|APIKEY|API_KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)(?:_|$)/;
const URL_NAME = /(?:^|_)(?:URL|URI|ENDPOINT)$/;
const HOST_NAME = /(?:^|_)HOST$/;

function inferKind(spec: EnvVarSpec): CredentialValueKind {
  if (spec.choices !== undefined && spec.choices.length > 0) return 'choice';
  const format: EnvVarFormat | undefined = spec.format;
  if (format === 'url') return 'url';
  if (format === 'number') return 'number';
  if (format === 'boolean') return 'boolean';
  if (format !== undefined && format !== 'string') return 'string';
  if (URL_NAME.test(spec.name)) return 'url';
  // A *_HOST is a URL only when the server shows one (its default has a scheme); plain host names stay text.
  if (HOST_NAME.test(spec.name) && spec.default !== undefined && spec.default.includes('://')) return 'url';
  return 'string';
}

const INPUT_BY_KIND: Readonly<Record<CredentialValueKind, CredentialInputType>> = {
  choice: 'select',
  url: 'url',
  number: 'number',
  boolean: 'checkbox',
  string: 'text',
};

/** Builds the form field of one spec. */
export function toCredentialField(spec: EnvVarSpec): CredentialField {
  const kind = inferKind(spec);
  const secret = spec.secret || SECRET_NAME.test(spec.name);
  const input: CredentialInputType = secret && kind !== 'choice' ? 'password' : INPUT_BY_KIND[kind];
  return {
    name: spec.name,
    label: humanizeEnvName(spec.name),
    help: spec.description,
    input,
    kind,
    required: spec.required,
    secret,
    ...(spec.default === undefined ? {} : { default: spec.default }),
    ...(kind === 'choice' && spec.choices !== undefined ? { choices: [...spec.choices] } : {}),
  };
}

/**
 * The fields of a list of specs: duplicates collapse to the first, and names Catwalk never sets
 * (see `isReservedEnvName`) are set aside with their reason.
 */
export function toCredentialFields(envVars: readonly EnvVarSpec[]): { fields: CredentialField[]; excluded: ExcludedCredential[] } {
  const seen = new Set<string>();
  const fields: CredentialField[] = [];
  const excluded: ExcludedCredential[] = [];
  for (const spec of envVars) {
    if (seen.has(spec.name)) continue;
    seen.add(spec.name);
    const reason = reservedEnvNameReason(spec.name);
    if (reason === undefined) fields.push(toCredentialField(spec));
    else excluded.push({ name: spec.name, reason: `${spec.name} is never set by Catwalk: ${reason}` });
  }
  return { fields, excluded };
}

/** Why a value was refused: `too_large` maps to `payload_too_large`, everything else to `invalid_credential`. */
export interface ValueProblem {
  readonly kind: 'too_large' | 'invalid';
  /** User-facing: what is wrong and what is allowed. Never contains the value. */
  readonly message: string;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Checks one non-empty value against its field: the single rule used by `validateCredentials`, the zod validator
 * and (as far as JSON Schema can say it) the JSON Schema.
 */
export function checkCredentialValue(field: CredentialField, value: string): ValueProblem | undefined {
  if (utf8ByteLength(value) > MAX_CREDENTIAL_BYTES) {
    return { kind: 'too_large', message: `${field.name} is too long: values are at most ${MAX_CREDENTIAL_BYTES} bytes (UTF-8)` };
  }
  if (value.includes('\u0000')) {
    return { kind: 'invalid', message: `${field.name} may not contain the NUL character` };
  }
  switch (field.kind) {
    case 'choice':
      return (field.choices ?? []).includes(value)
        ? undefined
        : { kind: 'invalid', message: `${field.name} must be one of: ${(field.choices ?? []).join(', ')}` };
    case 'url': {
      const url = parseAbsoluteUrl(value, { allowHostList: true });
      // Several hosts are a database connection-string feature (MongoDB), never part of a web URL.
      const hostsFit = url !== undefined && (url.hosts.length === 1 || !WEB_URL_SCHEMES.includes(url.scheme));
      return url !== undefined && hostsFit && CREDENTIAL_URL_SCHEMES.includes(url.scheme)
        ? undefined
        : {
            kind: 'invalid',
            message:
              `${field.name} must be an absolute URL such as https://host/path, with an ASCII host and one of the ` +
              `schemes ${CREDENTIAL_URL_SCHEMES.join(', ')}`,
          };
    }
    case 'number':
      return NUMBER.test(value) ? undefined : { kind: 'invalid', message: `${field.name} must be a number such as 42 or 1.5` };
    case 'boolean':
      return BOOLEAN_VALUES.includes(value)
        ? undefined
        : { kind: 'invalid', message: `${field.name} must be one of: ${BOOLEAN_VALUES.join(', ')}` };
    case 'string':
      return undefined;
  }
}

/** The regex behind number values, as JSON Schema `pattern` text. */
export const NUMBER_PATTERN = NUMBER.source;
