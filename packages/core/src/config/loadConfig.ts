import { z } from 'zod';
import { CatwalkError } from '../errors/index.js';
import type { SecretKeyRing } from './values.js';
import type { ConfigVariable, ConfigVariableName, LogLevel } from './variables.js';
import { VARIABLES } from './variables.js';

/** The whole configuration, parsed once at start-up and frozen. Secrets are plain strings: never log this object. */
export interface CatwalkConfig {
  /** Data directory (CATWALK_HOME). */
  readonly home: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    /** Base URL of handed-out endpoints, without trailing slash. */
    readonly publicUrl: string;
    readonly adminApiKey?: string;
    readonly allowedOrigins: readonly string[];
  };
  readonly database: {
    /** Postgres URL; absent means the embedded PGlite database under `home`. */
    readonly url?: string;
    readonly poolSize: number;
    readonly statementTimeoutMs: number;
  };
  readonly secrets: {
    /** The configured key ring; absent means "generate or read `home`/secret.key". Key bytes are not frozen. */
    readonly keyRing?: SecretKeyRing;
  };
  readonly orchestrator: {
    readonly kind: 'local' | 'fly';
    readonly runnerImage?: string;
    readonly workerConcurrency: number;
    readonly reconcileIntervalSeconds: number;
  };
  readonly fly: {
    readonly apiToken?: string;
    readonly apiHostname: string;
    readonly org: string;
    readonly region?: string;
  };
  readonly analysis: {
    readonly cacheTtlSeconds: number;
    readonly allowLocalSources: boolean;
    readonly llm: {
      /** Which LLM analyser runs: Anthropic when its key is set, else OpenRouter when its key is set, else none. */
      readonly provider: 'anthropic' | 'openrouter' | 'none';
      readonly anthropicApiKey?: string;
      readonly openrouterApiKey?: string;
      readonly model?: string;
      readonly anthropicBaseUrl: string;
      readonly openrouterBaseUrl: string;
    };
  };
  readonly registries: {
    readonly npmUrl: string;
    readonly pypiUrl: string;
    /** The simple index pip installs from (`PYPI_INDEX_URL`, else `{pypiUrl}/simple`). */
    readonly pypiIndexUrl: string;
    /** Whether pip may build source distributions (`PYPI_ALLOW_SDISTS`, default false: wheels only). */
    readonly pypiAllowSdists: boolean;
    readonly mcpRegistryUrl: string;
    readonly glamaUrl: string;
    readonly githubApiUrl: string;
    readonly githubToken?: string;
  };
  readonly sandbox: {
    readonly mode: 'bubblewrap' | 'none' | 'auto';
    readonly allowUnsandboxedMultiuser: boolean;
    /** Per-deployment limits of the bubblewrap sandbox (core's `SandboxLimits`; what holds where: docs/operations.md). */
    readonly limits: {
      /** Processes and threads of the whole jail (cgroup). */
      readonly maxProcesses: number;
      /** Memory of the whole jail (cgroup) and of each process (RLIMIT_DATA), in bytes. */
      readonly memoryBytes: number;
      /** CPU rate of the whole jail in CPUs (cgroup); absent: no cap. */
      readonly cpus?: number;
    };
    /** Scheduling policy of every local MCP server (`batch`: SCHED_BATCH, see docs/operations.md). */
    readonly scheduling: 'batch' | 'normal';
  };
  readonly gateway: {
    readonly timeoutMs: number;
    /** MCP POSTs to in-process bridges on the gateway's own HTTP/1.1 fast lane (default true). */
    readonly fastLane: boolean;
  };
  readonly log: {
    readonly level: LogLevel;
  };
}

/** What the caller knows that core cannot read: the user's home directory (`os.homedir()`). */
export interface ConfigDefaults {
  /** The user's home directory; CATWALK_HOME defaults to `{home}/.catwalk`. */
  readonly home?: string;
}

type Shape = { [K in ConfigVariableName]: (typeof VARIABLES)[K]['schema'] };

function buildSchema() {
  const shape = {} as Record<string, z.ZodType>;
  for (const [name, definition] of Object.entries(VARIABLES)) shape[name] = definition.schema;
  return z.object(shape as Shape).superRefine((env, ctx) => {
    if (env.CATWALK_ORCHESTRATOR === 'fly' && env.FLY_API_TOKEN === undefined) {
      ctx.addIssue({ code: 'custom', path: ['FLY_API_TOKEN'], message: 'is required when CATWALK_ORCHESTRATOR=fly' });
    }
  });
}

/** The one schema of Catwalk's environment (built once). */
const ENV_SCHEMA = buildSchema();

type ParsedEnv = z.output<typeof ENV_SCHEMA>;

function configError(variable: string, problem: string): CatwalkError {
  return new CatwalkError('invalid_config', `Invalid configuration: ${variable}: ${problem}.`, { variable, reason: problem });
}

function joinPath(base: string, child: string): string {
  const separator = /^[A-Za-z]:\\/.test(base) ? '\\' : '/';
  return base.endsWith('/') || base.endsWith('\\') ? `${base}${child}` : `${base}${separator}${child}`;
}

function defaultPublicUrl(host: string, port: number): string {
  // A wildcard bind is not an address a client can use; loopback is the honest default.
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

function resolveHome(env: ParsedEnv, defaults: ConfigDefaults): string {
  if (env.CATWALK_HOME !== undefined) return env.CATWALK_HOME;
  if (defaults.home === undefined || defaults.home === '') {
    throw configError('CATWALK_HOME', 'must be set: the home directory is unknown, so there is no default (~/.catwalk)');
  }
  return joinPath(defaults.home, '.catwalk');
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function deepFreeze<T>(value: T): T {
  // Typed arrays with elements cannot be frozen; key bytes stay as they are.
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

function toConfig(env: ParsedEnv, defaults: ConfigDefaults): CatwalkConfig {
  const port = env.CATWALK_PORT ?? env.PORT ?? 7420;
  const provider = env.ANTHROPIC_API_KEY !== undefined ? 'anthropic' : env.OPENROUTER_API_KEY !== undefined ? 'openrouter' : 'none';
  return {
    home: resolveHome(env, defaults),
    server: {
      host: env.CATWALK_HOST,
      port,
      publicUrl: env.CATWALK_PUBLIC_URL ?? defaultPublicUrl(env.CATWALK_HOST, port),
      ...optional('adminApiKey', env.CATWALK_ADMIN_API_KEY),
      allowedOrigins: [...env.CATWALK_ALLOWED_ORIGINS],
    },
    database: {
      ...optional('url', env.DATABASE_URL),
      poolSize: env.DB_POOL_SIZE,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    },
    secrets: { ...optional('keyRing', env.CATWALK_SECRET_KEYS) },
    orchestrator: {
      kind: env.CATWALK_ORCHESTRATOR,
      ...optional('runnerImage', env.CATWALK_RUNNER_IMAGE),
      workerConcurrency: env.CATWALK_WORKER_CONCURRENCY,
      reconcileIntervalSeconds: env.CATWALK_RECONCILE_INTERVAL,
    },
    fly: {
      ...optional('apiToken', env.FLY_API_TOKEN),
      apiHostname: env.FLY_API_HOSTNAME,
      org: env.FLY_ORG,
      ...optional('region', env.FLY_REGION),
    },
    analysis: {
      cacheTtlSeconds: env.CATWALK_ANALYSIS_TTL,
      allowLocalSources: env.CATWALK_ALLOW_LOCAL_SOURCES,
      llm: {
        provider,
        ...optional('anthropicApiKey', env.ANTHROPIC_API_KEY),
        ...optional('openrouterApiKey', env.OPENROUTER_API_KEY),
        ...optional('model', env.CATWALK_LLM_MODEL),
        anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
        openrouterBaseUrl: env.OPENROUTER_BASE_URL,
      },
    },
    registries: {
      npmUrl: env.NPM_REGISTRY_URL,
      pypiUrl: env.PYPI_URL,
      pypiIndexUrl: env.PYPI_INDEX_URL ?? `${env.PYPI_URL}/simple`,
      pypiAllowSdists: env.PYPI_ALLOW_SDISTS,
      mcpRegistryUrl: env.MCP_REGISTRY_URL,
      glamaUrl: env.GLAMA_URL,
      githubApiUrl: env.GITHUB_API_URL,
      ...optional('githubToken', env.GITHUB_TOKEN),
    },
    sandbox: {
      mode: env.CATWALK_SANDBOX,
      allowUnsandboxedMultiuser: env.CATWALK_ALLOW_UNSANDBOXED_MULTIUSER,
      limits: {
        maxProcesses: env.CATWALK_SANDBOX_MAX_PROCESSES,
        memoryBytes: env.CATWALK_SANDBOX_MEMORY_MB * 1024 * 1024,
        ...optional('cpus', env.CATWALK_SANDBOX_CPUS),
      },
      scheduling: env.CATWALK_SANDBOX_SCHEDULING,
    },
    gateway: { timeoutMs: env.CATWALK_GATEWAY_TIMEOUT_MS, fastLane: env.CATWALK_GATEWAY_FAST_LANE },
    log: { level: env.CATWALK_LOG_LEVEL },
  };
}

/**
 * Parses Catwalk's configuration from an environment (pass `process.env` in the shells) in one pass of one zod
 * schema. The first problem becomes `invalid_config` with `details.variable` naming the variable; messages say
 * what is allowed and never repeat the value. Variables Catwalk does not know are ignored.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = {}, defaults: ConfigDefaults = {}): CatwalkConfig {
  const known: Record<string, unknown> = {};
  for (const name of Object.keys(VARIABLES)) {
    if (Object.prototype.hasOwnProperty.call(env, name)) known[name] = env[name];
  }
  const result = ENV_SCHEMA.safeParse(known);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw configError(variable, issue?.message ?? 'is invalid');
  }
  return deepFreeze(toConfig(result.data, defaults));
}

/** Every variable Catwalk reads with its group, description, default and whether it is secret (for docs). */
export function describeConfig(): readonly ConfigVariable[] {
  return Object.entries(VARIABLES).map(([name, definition]) => ({ name, ...definition.doc }));
}

/** The documentation table of `describeConfig()` as Markdown. */
export function describeConfigMarkdown(): string {
  const rows = describeConfig().map(
    (v) => `| \`${v.name}\` | ${v.group} | ${v.default === undefined ? '' : `\`${v.default}\``} | ${v.secret ? 'yes' : ''} | ${v.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| variable | group | default | secret | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

const REDACTED = '[redacted]';

/** A copy of the config safe to log: every secret replaced by `[redacted]`, key bytes dropped. */
export function redactConfig(config: CatwalkConfig): unknown {
  const hide = (value: string | undefined): string | undefined => (value === undefined ? undefined : REDACTED);
  return {
    ...config,
    server: { ...config.server, adminApiKey: hide(config.server.adminApiKey) },
    database: { ...config.database, url: hide(config.database.url) },
    secrets: {
      keyRing:
        config.secrets.keyRing === undefined
          ? undefined
          : { currentKeyId: config.secrets.keyRing.currentKeyId, keys: config.secrets.keyRing.keys.map((k) => ({ id: k.id, key: REDACTED })) },
    },
    fly: { ...config.fly, apiToken: hide(config.fly.apiToken) },
    analysis: {
      ...config.analysis,
      llm: { ...config.analysis.llm, anthropicApiKey: hide(config.analysis.llm.anthropicApiKey), openrouterApiKey: hide(config.analysis.llm.openrouterApiKey) },
    },
    registries: { ...config.registries, githubToken: hide(config.registries.githubToken) },
  };
}
