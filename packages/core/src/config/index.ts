export { loadConfig, describeConfig, describeConfigMarkdown, redactConfig } from './loadConfig.js';
export type { CatwalkConfig, ConfigDefaults } from './loadConfig.js';
export { VARIABLES } from './variables.js';
export type { ConfigVariable, ConfigGroup, ConfigVariableName, LogLevel } from './variables.js';
export { SECRET_KEY_BYTES } from './values.js';
export type { SecretKey, SecretKeyRing } from './values.js';
export { decodeBase64, encodeBase64 } from './base64.js';
