import { z } from 'zod';
import type { CatalogEntry, CatalogResult, ServerCatalog } from '@catwalk/core';
import type { HttpLimits } from '../registry/http.js';
import { JsonApi } from '../registry/http.js';
import { checkQuery, clampLimit, safeRepositoryUrl, sourceOf } from './entries.js';

/** Options of the Glama catalogue. */
export interface GlamaCatalogOptions extends HttpLimits {
  /** Default `https://glama.ai`. */
  readonly baseUrl?: string;
  /** Glama API key (sent as `Authorization: Bearer …`); Glama may refuse anonymous search. Never logged. */
  readonly apiKey?: string;
}

/** The catalogue name used in `CatalogEntry.catalogs` and `degraded`. */
export const GLAMA_CATALOG = 'glama';

/**
 * Glama's documented list shape: `{ servers: [...], pageInfo: { endCursor, hasNextPage, ... } }`, each server with
 * `id`, `name`, `namespace`, `slug`, `description`, `repository: { url }`, `url`, `attributes`, `tools`.
 */
const serverSchema = z.looseObject({
  id: z.string().max(200),
  name: z.string().min(1).max(300),
  namespace: z.string().max(200).optional(),
  slug: z.string().max(200).optional(),
  description: z.string().max(4000).nullish(),
  repository: z.looseObject({ url: z.string().max(2000).nullish() }).nullish(),
  url: z.string().max(2000).optional(),
});
const pageSchema = z.looseObject({
  servers: z.array(z.unknown()).max(1000),
  pageInfo: z.looseObject({ endCursor: z.string().max(2000).nullish(), hasNextPage: z.boolean().optional() }).optional(),
});

/**
 * Glama's MCP directory (`GET {base}/api/mcp/v1/servers?query=&first=`). Glama lists repositories, not packages,
 * so its entries carry a `source` only when the repository is a GitHub URL Catwalk accepts.
 */
export class GlamaCatalog implements ServerCatalog {
  readonly #api: JsonApi;

  constructor(options: GlamaCatalogOptions = {}) {
    this.#api = new JsonApi(
      {
        baseUrl: options.baseUrl ?? 'https://glama.ai',
        maxBytes: options.maxBytes ?? 5 * 1024 * 1024,
        ...(options.apiKey === undefined ? {} : { headers: { Authorization: `Bearer ${options.apiKey}` } }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      },
      GLAMA_CATALOG,
      'source_unavailable',
      'catalog',
    );
  }

  async search(query: string, options: { limit: number }): Promise<CatalogResult> {
    const text = checkQuery(query);
    const limit = clampLimit(options.limit);
    const params: Record<string, string> = { first: String(limit) };
    if (text !== '') params['query'] = text;
    const answer = await this.#api.get('/api/mcp/v1/servers', pageSchema, { params });
    if (answer.kind === 'not_found') throw this.#api.unavailable('HTTP 404');
    const entries: CatalogEntry[] = [];
    for (const raw of answer.body.servers) {
      const server = serverSchema.safeParse(raw);
      if (!server.success) continue;
      const repositoryUrl = safeRepositoryUrl(server.data.repository?.url);
      const source = sourceOf([], repositoryUrl);
      entries.push({
        name: server.data.name,
        description: server.data.description ?? '',
        packages: [],
        catalogs: [GLAMA_CATALOG],
        ...(repositoryUrl === undefined ? {} : { repositoryUrl }),
        ...(source === undefined ? {} : { source }),
      });
      if (entries.length >= limit) break;
    }
    return { entries, degraded: [] };
  }
}
