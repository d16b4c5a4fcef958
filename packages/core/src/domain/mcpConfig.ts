import { z } from 'zod';

/** Environment variable names a server may declare: upper-case POSIX style. */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The analysers that can produce a finding. `server.json` and `user` are sources of facts, not heuristics. */
export const ANALYZER_NAMES = ['static', 'claude', 'server.json', 'catalog', 'user'] as const;
export type AnalyzerName = (typeof ANALYZER_NAMES)[number];

export const envVarFormatSchema = z.enum(['string', 'number', 'boolean', 'filepath', 'url']);
/** Value format of an env var; mirrors the MCP registry's `format`, plus `url` for URL-ish values. */
export type EnvVarFormat = z.infer<typeof envVarFormatSchema>;

/**
 * One environment variable a server reads. Aligned with the MCP registry's `server.json`
 * `environmentVariables` (isRequired, isSecret, format, default, choices), so import and export are lossless.
 */
export const envVarSpecSchema = z.object({
  name: z.string().max(128).regex(ENV_NAME, 'Env var names are upper case letters, digits and _ and do not start with a digit'),
  description: z.string().max(2000).default(''),
  required: z.boolean().default(false),
  secret: z.boolean().default(false),
  default: z.string().max(8192).optional(),
  format: envVarFormatSchema.optional(),
  choices: z.array(z.string().max(512)).max(100).optional(),
});
export type EnvVarSpec = z.infer<typeof envVarSpecSchema>;

/** One tool an MCP server offers. */
export const toolSpecSchema = z.object({
  name: z.string().min(1).max(128),
  description: z.string().max(4000).optional(),
  inputSchema: z.record(z.string(), z.unknown()).optional(),
});
export type ToolSpec = z.infer<typeof toolSpecSchema>;

export const confidenceSchema = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof confidenceSchema>;

/** Why an analyser believes a field: the file and line it read, and the snippet there. */
export const evidenceSchema = z.object({
  /** Which field of the config this supports: `package`, `runtime`, `env.GITHUB_TOKEN`, `tool.search`, … */
  field: z.string().max(200),
  file: z.string().max(1000),
  line: z.number().int().positive().optional(),
  snippet: z.string().max(500).optional(),
  analyzer: z.enum(ANALYZER_NAMES),
  confidence: confidenceSchema,
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const runtimeSchema = z.enum(['npm', 'python']);

/** Package arguments (server.json `packageArguments`): passed as argv after the package, never through a shell. */
export const packageArgsSchema = z
  .array(
    z
      .string()
      .max(4096)
      .refine((arg) => !arg.includes('\u0000'), 'Arguments may not contain NUL'),
  )
  .max(64);

/**
 * The analysis result: what runs and what the user is asked for. `package` is null when no analyser could
 * name a package (unknown is a valid answer; deploying then needs the user to name one).
 */
export const mcpConfigSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(4000).default(''),
  package: z
    .object({
      runtime: runtimeSchema,
      name: z.string().min(1).max(214),
      version: z.string().max(256).optional(),
    })
    .nullable(),
  transport: z.enum(['stdio', 'streamable-http']).default('stdio'),
  envVars: z.array(envVarSpecSchema).max(64).default([]),
  args: packageArgsSchema.default([]),
  /** Local deployments: `none` runs the server without network (loopback only); absent means `shared`. */
  network: z.enum(['shared', 'none']).optional(),
  tools: z.array(toolSpecSchema).max(500).default([]),
  resources: z.array(z.object({ uri: z.string().max(2000), name: z.string().max(200).optional() })).max(500).default([]),
  prompts: z.array(z.object({ name: z.string().max(200), description: z.string().max(2000).optional() })).max(500).default([]),
  evidence: z.array(evidenceSchema).max(2000).default([]),
  analyzers: z.array(z.enum(ANALYZER_NAMES)).default([]),
  /** Set when the source is not an MCP server at all ("no MCP server found"), with the reason. */
  notMcpServer: z.string().max(500).optional(),
});
export type McpConfig = z.infer<typeof mcpConfigSchema>;
/** What an analyser may hand in: defaults are filled by `parseMcpConfig`. */
export type McpConfigInput = z.input<typeof mcpConfigSchema>;
