export { utf8ByteLength, hasControlCharacter, quoteForMessage } from './text.js';
export { parseRepoUrl } from './repoRef.js';
export type { RepoRef } from './repoRef.js';
export {
  RUNTIMES,
  NPM_NAME_RULE,
  PYPI_NAME_RULE,
  NPM_VERSION_RULE,
  PYPI_VERSION_RULE,
  parseNpmName,
  parsePypiName,
  normalizePypiName,
  isExactNpmVersion,
  isExactPypiVersion,
  parseNpmVersion,
  parsePypiVersion,
  parsePackageRef,
  parseNpmSpec,
  parsePypiSpec,
  formatPackageSpec,
} from './packageRef.js';
export type { Runtime, PackageRef, ResolvedPackage } from './packageRef.js';
export { SOURCE_GRAMMAR, parseSource, packageKey } from './source.js';
export type { Source } from './source.js';
export {
  ENV_NAME,
  ANALYZER_NAMES,
  envVarFormatSchema,
  envVarSpecSchema,
  toolSpecSchema,
  confidenceSchema,
  evidenceSchema,
  runtimeSchema,
  packageArgsSchema,
  mcpConfigSchema,
} from './mcpConfig.js';
export type { AnalyzerName, EnvVarFormat, EnvVarSpec, ToolSpec, Confidence, Evidence, McpConfig, McpConfigInput } from './mcpConfig.js';
export { parseMcpConfig } from './parseMcpConfig.js';
export { toInputIssues, parseWith } from './validation.js';
export type { InputIssue } from './validation.js';
export {
  ACCESS_TOKEN_PREFIX,
  API_KEY_PREFIX,
  TOKEN_BYTES,
  KEY_ID,
  isAccessTokenFormat,
  isApiKeyFormat,
  apiKeyDisplayPrefix,
  parseKeyId,
} from './secrets.js';
export type { SealedBox } from './secrets.js';
export { DEPLOYMENT_STATUSES, TRANSITIONS, canTransition, Deployment } from './deployment.js';
export type { DeploymentStatus, DeploymentEventType, DeploymentEvent, DeploymentState } from './deployment.js';
export type { User, ApiKeyRecord } from './user.js';
