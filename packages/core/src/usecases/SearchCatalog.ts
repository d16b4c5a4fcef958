import { z } from 'zod';
import { TtlCache } from '../cache/index.js';
import { hasControlCharacter } from '../domain/text.js';
import { parseWith } from '../domain/validation.js';
import type { CatalogResult, Clock, ServerCatalog } from '../ports/index.js';

/** A catalogue query: free text (≤ 200 characters) and how many results (1–50, default 20). */
export interface SearchCatalogInput {
  readonly query: string;
  readonly limit?: number | undefined;
}

/** Cache tuning of SearchCatalog. */
export interface SearchCatalogOptions {
  /** How long a complete answer is reused (default 60 s). */
  readonly ttlMs?: number;
  /** How long an answer with a degraded catalogue is reused (default 5 s, so a recovered catalogue shows soon). */
  readonly degradedTtlMs?: number;
}

const inputSchema = z.object({
  query: z
    .string()
    .trim()
    .max(200, 'Queries are at most 200 characters')
    .refine((query) => !hasControlCharacter(query), 'Queries may not contain control characters'),
  limit: z.number().int().min(1).max(50).default(20),
});

/** Searches MCP servers in the catalogues, caching answers briefly (concurrent identical queries share one search). */
export class SearchCatalog {
  readonly #catalog: ServerCatalog;
  readonly #cache: TtlCache<CatalogResult>;

  constructor(deps: { readonly catalog: ServerCatalog; readonly clock: Clock }, options: SearchCatalogOptions = {}) {
    this.#catalog = deps.catalog;
    this.#cache = new TtlCache<CatalogResult>({
      clock: deps.clock,
      positiveTtlMs: options.ttlMs ?? 60_000,
      negativeTtlMs: options.degradedTtlMs ?? 5_000,
      isNegative: (result) => result.degraded.length > 0,
      maxEntries: 1_000,
    });
  }

  /** @throws `invalid_input`; `source_unavailable` when no catalogue could answer. */
  async execute(input: SearchCatalogInput): Promise<CatalogResult> {
    const { query, limit } = parseWith(inputSchema, input);
    return this.#cache.get(`${limit}:${query.toLowerCase()}`, () => this.#catalog.search(query, { limit }));
  }
}
