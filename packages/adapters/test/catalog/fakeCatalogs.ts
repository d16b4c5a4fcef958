/**
 * Local fakes of the official MCP registry (`GET /v0.1/servers?search=&limit=&cursor=&version=`, entries wrapped as
 * `{ server, _meta }` with `metadata.nextCursor`) and Glama (`GET /api/mcp/v1/servers?query=&first=`, answering
 * `{ servers, pageInfo }`). Both serve CatalogEntry seeds translated into the vendor's own shapes.
 */
import type { CatalogEntry } from '@catwalk/core';
import type { FakeServer } from '../registry/fakeServers.js';
import { startFakeServer } from '../registry/fakeServers.js';

/** A seed entry as a `server.json` document (what publishers upload to the official registry). */
export function serverJsonOf(entry: CatalogEntry): Record<string, unknown> {
  return {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: entry.name,
    description: entry.description,
    version: entry.packages[0]?.version ?? '1.0.0',
    ...(entry.repositoryUrl === undefined ? {} : { repository: { url: entry.repositoryUrl, source: 'github' } }),
    packages: entry.packages.map((pkg) => ({
      registryType: pkg.runtime === 'npm' ? 'npm' : 'pypi',
      identifier: pkg.name,
      version: pkg.version ?? '1.0.0',
      transport: { type: 'stdio' },
      environmentVariables: [{ name: 'API_TOKEN', description: 'Token for the upstream API', isRequired: true, isSecret: true }],
    })),
  };
}

/** An official-registry list item around a server.json. */
export function registryItem(server: unknown, status = 'active'): Record<string, unknown> {
  return {
    server,
    _meta: {
      'io.modelcontextprotocol.registry/official': { status, publishedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', isLatest: true },
    },
  };
}

/** Fake official MCP registry. `extra` items are appended raw (to test deleted or malformed entries). */
export function startFakeMcpRegistry(seed: readonly CatalogEntry[], extra: readonly unknown[] = []): Promise<FakeServer> {
  const items: unknown[] = [...seed.map((entry) => registryItem(serverJsonOf(entry))), ...extra];
  return startFakeServer((url) => {
    if (url.pathname !== '/v0.1/servers') return undefined;
    const search = (url.searchParams.get('search') ?? '').toLowerCase();
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? '30'));
    const cursor = Number(url.searchParams.get('cursor') ?? '0');
    // The registry's search is a case-insensitive substring match on the server name.
    const matches = items.filter((item) => {
      const name = (item as { server?: { name?: unknown } }).server?.name;
      return typeof name !== 'string' || name.toLowerCase().includes(search);
    });
    const page = matches.slice(cursor, cursor + limit);
    const next = cursor + limit < matches.length ? String(cursor + limit) : undefined;
    return { status: 200, body: { servers: page, metadata: { count: page.length, ...(next === undefined ? {} : { nextCursor: next }) } } };
  });
}

/** A seed entry the way Glama lists servers. */
export function glamaServerOf(entry: CatalogEntry, index: number): Record<string, unknown> {
  const slug = entry.name.split('/').pop() ?? entry.name;
  return {
    id: `glama${index}`,
    name: entry.name,
    namespace: 'contract',
    slug,
    description: entry.description,
    attributes: ['hosting:local-only'],
    repository: entry.repositoryUrl === undefined ? null : { url: entry.repositoryUrl },
    spdxLicense: { name: 'MIT License', url: 'https://spdx.org/licenses/MIT.json' },
    tools: [],
    url: `https://glama.ai/mcp/servers/contract/${slug}`,
    environmentVariablesJsonSchema: null,
  };
}

/** Fake Glama MCP API; matches name or description, case-insensitively. */
export function startFakeGlama(seed: readonly CatalogEntry[], extra: readonly unknown[] = []): Promise<FakeServer> {
  const servers: unknown[] = [...seed.map(glamaServerOf), ...extra];
  return startFakeServer((url) => {
    if (url.pathname !== '/api/mcp/v1/servers') return undefined;
    const query = (url.searchParams.get('query') ?? '').toLowerCase();
    const first = Math.min(100, Number(url.searchParams.get('first') ?? '10'));
    const matches = servers.filter((server) => {
      const s = server as { name?: unknown; description?: unknown };
      return `${String(s.name)} ${String(s.description)}`.toLowerCase().includes(query);
    });
    const page = matches.slice(0, first);
    return {
      status: 200,
      body: { servers: page, pageInfo: { hasNextPage: matches.length > first, hasPreviousPage: false, startCursor: null, endCursor: page.length > 0 ? 'c1' : null } },
    };
  });
}
