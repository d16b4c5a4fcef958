import type { z } from 'zod';
import { absolutePath, apiKey, boolean, decimal, envValue, integer, oneOf, origins, postgresUrl, secretKeys, text, webUrl } from './values.js';

/** The groups of `CatwalkConfig`, used to order the documentation. */
export type ConfigGroup =
  | 'server'
  | 'database'
  | 'secrets'
  | 'orchestrator'
  | 'fly'
  | 'analysis'
  | 'registries'
  | 'sandbox'
  | 'gateway'
  | 'log';

/** Documentation of one environment variable (what `describeConfig` returns). */
export interface ConfigVariable {
  readonly name: string;
  readonly group: ConfigGroup;
  readonly description: string;
  /** The default as text, when there is a fixed one. */
  readonly default?: string;
  /** Whether the value is a secret (never logged, never echoed in errors). */
  readonly secret: boolean;
}

interface Definition<S extends z.ZodType> {
  readonly doc: Omit<ConfigVariable, 'name'>;
  readonly schema: S;
}

function define<S extends z.ZodType>(
  group: ConfigGroup,
  description: string,
  schema: S,
  options: { default?: string | number | boolean; secret?: boolean } = {},
): Definition<S> {
  return {
    schema,
    doc: {
      group,
      description,
      secret: options.secret ?? false,
      ...(options.default === undefined ? {} : { default: String(options.default) }),
    },
  };
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/;
const FLY_ORG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FLY_REGION = /^[a-z0-9]{2,10}$/;
const IMAGE_REF = /^[a-z0-9][a-z0-9._/:@-]*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const DEFAULT_PORT = 7420;

/**
 * Every environment variable Catwalk reads, with its parser and its documentation: the one source of the config
 * schema and of the operations docs. Unset and empty values mean "use the default".
 */
export const VARIABLES = {
  /** Data directory (embedded database, generated key, package cache, per-deployment dirs). Absolute path. */
  CATWALK_HOME: define('server', 'Data directory: embedded database, generated cipher key, package cache. Absolute path; default ~/.catwalk.', envValue(absolutePath)),
  /** Interface the HTTP service binds to. */
  CATWALK_HOST: define('server', 'Interface the HTTP service listens on.', envValue(text(253, HOST, 'a host name or IP address'), '127.0.0.1'), { default: '127.0.0.1' }),
  /** Port of the HTTP service; wins over PORT. */
  CATWALK_PORT: define('server', 'Port of the HTTP service (0 picks a free port). Wins over PORT.', envValue(integer(0, 65535)), { default: DEFAULT_PORT }),
  /** Port of the HTTP service when CATWALK_PORT is unset (the convention of hosting platforms). */
  PORT: define('server', 'Port of the HTTP service when CATWALK_PORT is unset (hosting platforms set it).', envValue(integer(0, 65535))),
  /** Base URL of the endpoints handed out to users; default http://{host}:{port}. */
  CATWALK_PUBLIC_URL: define('server', 'Base URL of the endpoints handed to users (behind a proxy, its public URL). Default http://{host}:{port}.', envValue(webUrl)),
  /** An API key (cwa_…) that is always accepted as the admin's. */
  CATWALK_ADMIN_API_KEY: define('server', 'An admin API key (cwa_ + 43 base64url characters) accepted at start-up instead of generating one.', envValue(apiKey), { secret: true }),
  /** Browser origins allowed to call the API (CORS). */
  CATWALK_ALLOWED_ORIGINS: define('server', 'Comma-separated browser origins allowed to call the API (CORS). Default: none.', envValue(origins, [] as readonly string[])),
  /** Postgres connection URL; unset means the embedded PGlite database under CATWALK_HOME. */
  DATABASE_URL: define('database', 'Postgres connection URL (postgres:// or postgresql://). Unset: embedded PGlite under CATWALK_HOME.', envValue(postgresUrl), { secret: true }),
  /** Connections in the Postgres pool. */
  DB_POOL_SIZE: define('database', 'Connections in the Postgres pool (1-100).', envValue(integer(1, 100), 10), { default: 10 }),
  /** Postgres statement timeout in milliseconds (0 disables it). */
  DB_STATEMENT_TIMEOUT_MS: define('database', 'Postgres statement timeout in milliseconds (0 disables it).', envValue(integer(0, 3_600_000), 30_000), { default: 30_000 }),
  /** Cipher key ring `id:base64key,…`; the first key seals, all keys open. */
  CATWALK_SECRET_KEYS: define(
    'secrets',
    'Cipher key ring: id:base64key,… (each key exactly 32 bytes); the first seals, all open. Unset: a key generated into CATWALK_HOME/secret.key.',
    envValue(secretKeys),
    { secret: true },
  ),
  /** Where deployments run. */
  CATWALK_ORCHESTRATOR: define('orchestrator', 'Where deployments run: local (child processes) or fly (Fly.io Machines).', envValue(oneOf(['local', 'fly'] as const), 'local'), { default: 'local' }),
  /** Image Fly machines boot (its entrypoint is `catwalk bridge`). */
  CATWALK_RUNNER_IMAGE: define('orchestrator', 'Runner image Fly machines boot (entrypoint `catwalk bridge`), e.g. registry.fly.io/catwalk-runner:0.1.0.', envValue(text(512, IMAGE_REF, 'a container image reference'))),
  /** Deployments the worker starts at the same time. */
  CATWALK_WORKER_CONCURRENCY: define('orchestrator', 'Deployments the worker starts at the same time (1-64).', envValue(integer(1, 64), 4), { default: 4 }),
  /** Seconds between reconciler passes. */
  CATWALK_RECONCILE_INTERVAL: define('orchestrator', 'Seconds between reconciler passes (1-86400).', envValue(integer(1, 86_400), 30), { default: 30 }),
  /** Fly.io API token; required when CATWALK_ORCHESTRATOR=fly. */
  FLY_API_TOKEN: define('fly', 'Fly.io API token; required when CATWALK_ORCHESTRATOR=fly.', envValue(text(8192)), { secret: true }),
  /** Fly Machines API base URL. */
  FLY_API_HOSTNAME: define('fly', 'Fly Machines API base URL.', envValue(webUrl, 'https://api.machines.dev'), { default: 'https://api.machines.dev' }),
  /** Fly organisation slug new apps are created in. */
  FLY_ORG: define('fly', 'Fly.io organisation slug that deployment apps are created in.', envValue(text(63, FLY_ORG, 'a Fly organisation slug'), 'personal'), { default: 'personal' }),
  /** Fly region of new machines; unset lets Fly choose. */
  FLY_REGION: define('fly', 'Fly.io region of new machines (e.g. ams); unset lets Fly choose.', envValue(text(10, FLY_REGION, 'a Fly region code such as ams'))),
  /** Seconds an analysis stays cached. */
  CATWALK_ANALYSIS_TTL: define('analysis', 'Seconds an analysis stays cached (0 disables the cache).', envValue(integer(0, 31_536_000), 86_400), { default: 86_400 }),
  /** Whether the HTTP API accepts local-directory sources. */
  CATWALK_ALLOW_LOCAL_SOURCES: define('analysis', 'Let the HTTP API analyse local directories (never for a server others can reach).', envValue(boolean, false), { default: false }),
  /** Anthropic API key; turns the Claude analyser on. */
  ANTHROPIC_API_KEY: define('analysis', 'Anthropic API key; turns the Claude analyser on.', envValue(text(1024)), { secret: true }),
  /** OpenRouter API key; turns the LLM analyser on through OpenRouter (when no Anthropic key). */
  OPENROUTER_API_KEY: define('analysis', 'OpenRouter API key; turns the LLM analyser on through OpenRouter when no Anthropic key is set.', envValue(text(1024)), { secret: true }),
  /** Model the LLM analyser asks; unset uses the adapter's default. */
  CATWALK_LLM_MODEL: define('analysis', "Model the LLM analyser asks; unset uses the adapter's default.", envValue(text(200, MODEL_NAME, 'a model name such as claude-sonnet-4-5'))),
  /** Anthropic API base URL. */
  ANTHROPIC_BASE_URL: define('analysis', 'Anthropic API base URL.', envValue(webUrl, 'https://api.anthropic.com'), { default: 'https://api.anthropic.com' }),
  /** OpenRouter API base URL. */
  OPENROUTER_BASE_URL: define('analysis', 'OpenRouter API base URL.', envValue(webUrl, 'https://openrouter.ai/api/v1'), { default: 'https://openrouter.ai/api/v1' }),
  /** GitHub token for reading repositories (higher rate limit, private repos). */
  GITHUB_TOKEN: define('registries', 'GitHub token for reading repositories (higher rate limits, private repositories).', envValue(text(1024)), { secret: true }),
  /** GitHub REST API base URL (GitHub Enterprise: https://host/api/v3). */
  GITHUB_API_URL: define('registries', 'GitHub REST API base URL (GitHub Enterprise: https://host/api/v3).', envValue(webUrl, 'https://api.github.com'), { default: 'https://api.github.com' }),
  /** npm registry base URL (mirrors and private registries work). */
  NPM_REGISTRY_URL: define('registries', 'npm registry base URL (mirrors and private registries work).', envValue(webUrl, 'https://registry.npmjs.org'), { default: 'https://registry.npmjs.org' }),
  /** PyPI base URL (JSON API at /pypi/{name}/json). */
  PYPI_URL: define('registries', 'PyPI base URL (JSON API at /pypi/{name}/json).', envValue(webUrl, 'https://pypi.org'), { default: 'https://pypi.org' }),
  /** PEP 503 simple index local deployments install Python packages from; unset: PYPI_URL + /simple. */
  PYPI_INDEX_URL: define(
    'registries',
    'PEP 503 simple index that local deployments install Python packages from (pip --index-url). Default: PYPI_URL + /simple (https://pypi.org/simple).',
    envValue(webUrl),
  ),
  /** Let pip build source distributions for local deployments (their build code runs outside the jail). */
  PYPI_ALLOW_SDISTS: define(
    'registries',
    'Let local deployments install Python packages from source distributions too. Building one runs its setup code outside the jail with the control plane\'s rights; default: wheels only.',
    envValue(boolean, false),
    { default: false },
  ),
  /** Official MCP registry base URL. */
  MCP_REGISTRY_URL: define('registries', 'Official MCP registry base URL.', envValue(webUrl, 'https://registry.modelcontextprotocol.io'), { default: 'https://registry.modelcontextprotocol.io' }),
  /** Glama base URL (catalogue search). */
  GLAMA_URL: define('registries', 'Glama base URL (catalogue search).', envValue(webUrl, 'https://glama.ai'), { default: 'https://glama.ai' }),
  /** How local deployments are confined. */
  CATWALK_SANDBOX: define('sandbox', 'How local deployments are confined: bubblewrap, none, or auto (bubblewrap when it works here).', envValue(oneOf(['bubblewrap', 'none', 'auto'] as const), 'auto'), { default: 'auto' }),
  /** Allow a second user while deployments run unconfined. */
  CATWALK_ALLOW_UNSANDBOXED_MULTIUSER: define('sandbox', 'Allow more than one user while local deployments run unconfined (CATWALK_SANDBOX=none).', envValue(boolean, false), { default: false }),
  /** Processes and threads of one local deployment's jail together (cgroup pids controller). */
  CATWALK_SANDBOX_MAX_PROCESSES: define(
    'sandbox',
    'Most processes and threads of one local deployment, its whole jail together (8-4194304). Holds where a cgroup pids controller is writable.',
    envValue(integer(8, 4_194_304), 256),
    { default: 256 },
  ),
  /** Memory of one local deployment's jail together (cgroup memory controller), and of each of its processes. */
  CATWALK_SANDBOX_MEMORY_MB: define(
    'sandbox',
    'Most memory of one local deployment in MiB (32-4194304): its whole jail where a cgroup memory controller is writable, and each process (RLIMIT_DATA) everywhere.',
    envValue(integer(32, 4_194_304), 1024),
    { default: 1024 },
  ),
  /** CPU rate cap of one local deployment (cgroup cpu controller); unset means no cap. */
  CATWALK_SANDBOX_CPUS: define(
    'sandbox',
    'CPU rate cap of one local deployment in CPUs (0.01-1024, e.g. 0.5 or 2). Unset: no cap. Holds where a cgroup cpu controller is writable.',
    envValue(decimal(0.01, 1024)),
  ),
  /** Linux scheduling policy of local deployments' MCP servers. */
  CATWALK_SANDBOX_SCHEDULING: define(
    'sandbox',
    "Linux scheduling policy of local deployments' MCP servers: batch (SCHED_BATCH, set with chrt: a server that wakes up does not preempt the control plane in the middle of a request; it still gets its fair share of CPU) or normal.",
    envValue(oneOf(['batch', 'normal'] as const), 'batch'),
    { default: 'batch' },
  ),
  /** Longest a proxied MCP request may take, in milliseconds. */
  CATWALK_GATEWAY_TIMEOUT_MS: define('gateway', 'Longest a proxied MCP request may take, in milliseconds (1000-3600000).', envValue(integer(1000, 3_600_000), 300_000), { default: 300_000 }),
  /** Whether MCP POSTs to local deployments take the gateway's own HTTP/1.1 fast lane. */
  CATWALK_GATEWAY_FAST_LANE: define(
    'gateway',
    "Serve MCP POSTs to local deployments on the gateway's own HTTP/1.1 fast lane (true/false); false: node:http serves every request.",
    envValue(boolean, true),
    { default: true },
  ),
  /** Log level. */
  CATWALK_LOG_LEVEL: define('log', `Log level: ${LOG_LEVELS.join(', ')}.`, envValue(oneOf(LOG_LEVELS), 'info'), { default: 'info' }),
};

/** Log levels (pino's). */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The name of one variable Catwalk reads. */
export type ConfigVariableName = keyof typeof VARIABLES;
