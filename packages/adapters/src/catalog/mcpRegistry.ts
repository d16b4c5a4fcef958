import { z } from 'zod';
import { readServerJson, serverJsonSchema } from '@catwalk/core';
import type { CatalogEntry, CatalogResult, McpConfig, PackageRef, ServerCatalog, ServerJson } from '@catwalk/core';
import type { HttpLimits } from '../registry/http.js';
import { JsonApi } from '../registry/http.js';
import { checkQuery, clampLimit, packageRefOf, safeRepositoryUrl, sourceOf } from './entries.js';

/** Options of the official MCP registry catalogue. */
export interface McpRegistryCatalogOptions extends HttpLimits {
  /** Default `https://registry.modelcontextprotocol.io`. */
  readonly baseUrl?: string;
}

/** The catalogue name used in `CatalogEntry.catalogs` and `degraded`. */
export const MCP_REGISTRY_CATALOG = 'mcp-registry';
const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';

// The page envelope is checked strictly; each server is checked on its own so one bad entry does not sink a page.
const pageSchema = z.looseObject({
  servers: z.array(z.looseObject({ server: z.unknown(), _meta: z.record(z.string(), z.unknown()).optional() })).max(1000),
  metadata: z.looseObject({ nextCursor: z.string().max(2000).nullish(), count: z.number().optional() }).optional(),
});
const officialMetaSchema = z.looseObject({ status: z.string().max(64).optional() });

/**
 * The official MCP registry (`GET {base}/v0.1/servers?search=&limit=&version=latest`). Entries arrive wrapped as
 * `{ server, _meta }` where `server` is a `server.json`; an entry with a runnable npm/PyPI package yields a ready
 * `config` (imported with `readServerJson`) and a `source` like `npm:@x/y@1.2.3`. Deleted servers are skipped.
 */
export class McpRegistryCatalog implements ServerCatalog {
  readonly #api: JsonApi;

  constructor(options: McpRegistryCatalogOptions = {}) {
    this.#api = new JsonApi(
      {
        baseUrl: options.baseUrl ?? 'https://registry.modelcontextprotocol.io',
        maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      },
      MCP_REGISTRY_CATALOG,
      'source_unavailable',
      'catalog',
    );
  }

  async search(query: string, options: { limit: number }): Promise<CatalogResult> {
    const text = checkQuery(query);
    const limit = clampLimit(options.limit);
    const params: Record<string, string> = { limit: String(limit), version: 'latest' };
    if (text !== '') params['search'] = text;
    const answer = await this.#api.get('/v0.1/servers', pageSchema, { params });
    if (answer.kind === 'not_found') throw this.#api.unavailable('HTTP 404');
    const entries: CatalogEntry[] = [];
    for (const item of answer.body.servers) {
      const status = officialMetaSchema.safeParse(item._meta?.[OFFICIAL_META] ?? {});
      if (status.success && status.data.status === 'deleted') continue;
      const server = serverJsonSchema.safeParse(item.server);
      if (!server.success) continue;
      entries.push(toEntry(server.data, item.server));
      if (entries.length >= limit) break;
    }
    return { entries, degraded: [] };
  }
}

function toEntry(server: ServerJson, raw: unknown): CatalogEntry {
  const packages: PackageRef[] = [];
  for (const pkg of server.packages ?? []) {
    const ref = packageRefOf(pkg.registryType, pkg.identifier, pkg.version);
    if (ref !== undefined && !packages.some((p) => p.runtime === ref.runtime && p.name === ref.name)) packages.push(ref);
  }
  const repositoryUrl = safeRepositoryUrl(server.repository?.url);
  const config = importQuietly(raw);
  const source = sourceOf(packages, repositoryUrl);
  return {
    name: server.name,
    description: server.description,
    packages,
    catalogs: [MCP_REGISTRY_CATALOG],
    ...(repositoryUrl === undefined ? {} : { repositoryUrl }),
    ...(config === undefined ? {} : { config }),
    ...(source === undefined ? {} : { source }),
  };
}

/** A config only for entries that name a runnable package; a server.json that fails import just has none. */
function importQuietly(raw: unknown): McpConfig | undefined {
  try {
    const imported = readServerJson(raw);
    return imported.config.package === null ? undefined : imported.config;
  } catch {
    return undefined;
  }
}
