export {
  MAX_CREDENTIAL_BYTES,
  MAX_CREDENTIALS,
  BOOLEAN_VALUES,
  humanizeEnvName,
  toCredentialField,
  toCredentialFields,
  checkCredentialValue,
} from './fields.js';
export type { CredentialField, CredentialInputType, CredentialValueKind, ExcludedCredential, ValueProblem } from './fields.js';
export { buildCredentialForm, toJsonSchema, toValidator, needsValue } from './form.js';
export type { CredentialForm, CredentialJsonSchema, CredentialPropertySchema, CredentialValidator } from './form.js';
export { validateCredentials } from './validate.js';
export { isReservedEnvName, reservedEnvNameReason, RESERVED_ENV_NAMES, RESERVED_ENV_PREFIXES } from './reservedNames.js';
export { parseAbsoluteUrl, isWebUrl, WEB_URL_SCHEMES, CREDENTIAL_URL_SCHEMES } from './url.js';
export type { ParsedUrl } from './url.js';
