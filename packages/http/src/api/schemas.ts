import { z } from 'zod';
import { DEPLOYMENT_STATUSES } from '@catwalk/core';

/**
 * The zod schemas of the API: request bodies and queries are strict (unknown fields refused), bounded, and the
 * same objects generate the OpenAPI document, so documentation and validation cannot drift apart.
 */

/** A source string: GitHub URL, `npm:<name>[@version]`, `pypi:<name>[==version]`, or a package name. */
export const sourceField = z.string().min(1).max(2048).describe('GitHub URL, npm:<name>[@version], pypi:<name>[==version], or a package name');

/** Credential values by environment variable name. Values are write-only: no response ever contains them. */
export const credentialsField = z
  .record(z.string().min(1).max(128), z.string().max(8192))
  .describe('Credential values by environment variable name (write-only)');

export const sourceBody = z.strictObject({ source: sourceField });

export const validatePackageBody = z.strictObject({
  runtime: z.enum(['npm', 'python', 'auto']).optional().describe('auto (default): ask npm and PyPI'),
  name: z.string().min(1).max(214),
  version: z.string().min(1).max(128).optional(),
});

export const validateCredentialsBody = z.strictObject({
  source: sourceField,
  credentials: credentialsField,
});

export const searchQuery = z.strictObject({
  q: z.string().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const packageField = z.strictObject({
  runtime: z.enum(['npm', 'python']),
  name: z.string().min(1).max(214),
  version: z.string().min(1).max(128).optional(),
});

export const createDeploymentBody = z.strictObject({
  name: z.string().min(1).max(100),
  source: sourceField,
  credentials: credentialsField.default({}),
  package: packageField.optional().describe('Overrides the analysed package (same server, another version)'),
  config: z.record(z.string(), z.unknown()).optional().describe('An MCP config to deploy instead of analysing the source (an edited analysis)'),
  args: z.array(z.string().max(1024)).max(64).optional().describe('Package arguments (argv after the package); default: the config’s'),
  network: z.enum(['shared', 'none']).optional().describe('`none` cuts a local deployment off the network (loopback only); default `shared`'),
});

export const updateCredentialsBody = z.strictObject({ credentials: credentialsField });

export const emptyBody = z.strictObject({}).optional();

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().min(1).max(200).optional(),
});

export const logsQuery = z.strictObject({ tail: z.coerce.number().int().min(1).max(10_000).optional() });
export const eventsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });
export const noQuery = z.strictObject({});

/** The error shape every failure answers with. */
export const errorResponse = z.object({
  error: z.string().describe('A stable error code (invalid_input, not_found, …) or internal'),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const toolView = z.object({ name: z.string(), description: z.string().optional() });

/** A deployment as the API shows it: never credentials, never the token or its hash, never the upstream. */
export const deploymentView = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  package: z.object({ runtime: z.enum(['npm', 'python']), name: z.string(), version: z.string() }),
  status: z.enum(DEPLOYMENT_STATUSES as [string, ...string[]]),
  endpoint: z.string().describe('The MCP endpoint (Streamable HTTP); send the access token as a Bearer token'),
  errorMessage: z.string().nullable(),
  tools: z.array(toolView),
  credentialNames: z.array(z.string()).describe('Names of the declared credentials (never values)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const snippetsView = z.object({
  claudeCode: z.string().describe('A `claude mcp add` command'),
  mcpServers: z.record(z.string(), z.unknown()).describe('An entry for an mcpServers JSON file'),
});

export const createdDeploymentView = z.object({
  deployment: deploymentView,
  endpoint: z.string(),
  accessToken: z.string().describe('Shown this once; only its hash is stored'),
  warnings: z.array(z.string()).optional().describe('Registry warnings (deprecated, yanked, not the latest version)'),
  snippets: snippetsView,
});

export const deploymentListView = z.object({ items: z.array(deploymentView), nextCursor: z.string().nullable() });
