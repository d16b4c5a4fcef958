/**
 * Every expected failure of Catwalk has one stable string code. Shells map codes to statuses (HTTP) or exit codes
 * (CLI) with one table each; the code never changes once published, the message may.
 */
export const ERROR_CODES = {
  /** The source is not an allowed GitHub URL (https://github.com/{owner}/{repo}[/tree/{ref}/{path}]). */
  invalid_repo_url: 'invalid_repo_url',
  /** A source string is none of: GitHub URL, `npm:<name>[@version]`, `pypi:<name>[==version]`, a local path. */
  invalid_source: 'invalid_source',
  /** A package name or version does not follow the registry's syntax; nothing was sent anywhere. */
  invalid_package_name: 'invalid_package_name',
  /** The registry (npm or PyPI) has no such package, or no such version of it. */
  package_not_found: 'package_not_found',
  /** A registry could not be reached or answered nonsense; retryable. `details.registry` names it. */
  registry_unavailable: 'registry_unavailable',
  /** A catalogue or repository source could not be reached; retryable. */
  source_unavailable: 'source_unavailable',
  /** Required credentials were not supplied; `details.missing` lists their names. */
  missing_credentials: 'missing_credentials',
  /** A credential value is malformed (bad URL, not one of the choices, too long, bad format). */
  invalid_credential: 'invalid_credential',
  /** A credential name is not declared by the server's config, or is a name that could hijack the process. */
  unknown_credential: 'unknown_credential',
  /** Analysis could not produce a valid MCP config. */
  analysis_failed: 'analysis_failed',
  /** The operation needs an analysis (an MCP config) that does not exist yet. */
  analysis_required: 'analysis_required',
  /** Input failed validation at the edge (shape, type, bounds); `details.issues` says where. */
  invalid_input: 'invalid_input',
  /** A deployment status change that the state machine does not allow. */
  invalid_transition: 'invalid_transition',
  /** The thing does not exist, or is not the caller's (the two are indistinguishable on purpose). */
  not_found: 'not_found',
  /** No valid credential (API key or access token) was presented. */
  unauthorized: 'unauthorized',
  /** The caller is known but may not do this. */
  forbidden: 'forbidden',
  /** The change collides with the current state (duplicate name, concurrent update lost the race). */
  conflict: 'conflict',
  /** The deployment exists but is not running, so its endpoint cannot serve. */
  deployment_unavailable: 'deployment_unavailable',
  /** The orchestrator could not deploy, stop, start or destroy a machine; the message is user-safe. */
  orchestrator_failed: 'orchestrator_failed',
  /** The runtime a package needs (npx, uvx) is not installed where the orchestrator runs. */
  runtime_unavailable: 'runtime_unavailable',
  /** A sealed box could not be opened: unknown key id or tampered bytes. No plaintext is returned. */
  decryption_failed: 'decryption_failed',
  /** The database could not be reached. */
  storage_unavailable: 'storage_unavailable',
  /** Configuration (environment) is invalid; `details.variable` names the variable. */
  invalid_config: 'invalid_config',
  /** Too many requests; `details.retryAfterSeconds` says when to come back. */
  rate_limited: 'rate_limited',
  /** A body or value exceeded its size limit. */
  payload_too_large: 'payload_too_large',
  /** The MCP gateway could not reach the deployment's MCP server (down or restarting); retry shortly. */
  upstream_unavailable: 'upstream_unavailable',
  /** The deployment's MCP server did not answer the gateway in time; `details.timeoutMs` says how long it waited. */
  upstream_timeout: 'upstream_timeout',
} as const;

/** One of the stable error codes. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Whether a string is one of the stable error codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
