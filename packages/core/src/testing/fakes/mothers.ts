import type { DeploymentState } from '../../domain/deployment.js';
import type { EnvVarSpec, McpConfig, McpConfigInput } from '../../domain/mcpConfig.js';
import { parseMcpConfig } from '../../domain/parseMcpConfig.js';
import type { ApiKeyRecord, User } from '../../domain/user.js';
import type { PackageInfo, Snapshot } from '../../ports/index.js';

/**
 * Object Mothers: valid test data with sensible defaults; override only what a test is about.
 */

/** An env var spec (required secret by default). */
export function anEnvVar(overrides: Partial<EnvVarSpec> = {}): EnvVarSpec {
  return { name: 'API_KEY', description: 'The API key', required: true, secret: true, ...overrides };
}

/** A valid McpConfig of an npm server with one required secret, parsed so defaults are the real ones. */
export function aMcpConfig(overrides: Partial<McpConfigInput> = {}): McpConfig {
  return parseMcpConfig({
    name: 'Example server',
    description: 'An example MCP server',
    package: { runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' },
    transport: 'stdio',
    envVars: [anEnvVar()],
    analyzers: ['static'],
    ...overrides,
  });
}

/** A stored deployment (pending, version 1) owned by `user-1`. */
export function aDeploymentState(overrides: Partial<DeploymentState> = {}): DeploymentState {
  const createdAt = overrides.createdAt ?? new Date('2026-01-01T00:00:00.000Z');
  return {
    id: 'dep-1',
    ownerId: 'user-1',
    name: 'example',
    source: 'npm:@example/mcp-server@1.2.3',
    package: { runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' },
    status: 'pending',
    machineId: null,
    config: aMcpConfig(),
    upstreamUrl: null,
    accessTokenHash: '0'.repeat(64),
    errorMessage: null,
    tools: [],
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...overrides,
  };
}

/** A user (role `user`). */
export function aUser(overrides: Partial<User> = {}): User {
  return { id: 'user-1', name: 'Ada', role: 'user', createdAt: new Date('2026-01-01T00:00:00.000Z'), ...overrides };
}

/** An unrevoked API key record of `user-1`. */
export function anApiKeyRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key-1',
    userId: 'user-1',
    prefix: 'cwa_AbCdEf',
    hash: 'a'.repeat(64),
    name: 'laptop',
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** A tiny snapshot of a source (a README and a package.json). */
export function aSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    key: 'npm:@example/mcp-server@1.2.3',
    origin: 'npm:@example/mcp-server@1.2.3',
    files: [
      { path: 'README.md', content: '# Example MCP server\nSet API_KEY.', size: 33 },
      { path: 'package.json', content: '{"name":"@example/mcp-server","version":"1.2.3"}', size: 48 },
    ],
    skipped: [],
    truncated: false,
    limits: { maxFiles: 200, maxFileBytes: 262144, maxTotalBytes: 2097152 },
    ...overrides,
  };
}

/** What a registry answers for `@example/mcp-server@1.2.3`. */
export function aPackageInfo(overrides: Partial<PackageInfo> = {}): PackageInfo {
  return { runtime: 'npm', name: '@example/mcp-server', version: '1.2.3', latestVersion: '1.2.3', ...overrides };
}
