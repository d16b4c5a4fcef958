import type { CatalogEntry, CatalogResult, ServerCatalog } from '../../ports/index.js';
import { FaultPlan } from './faults.js';

/** A catalogue over a fixed list: case-insensitive match on name and description, with a query log. */
export class InMemoryServerCatalog implements ServerCatalog {
  readonly queries: { query: string; limit: number }[] = [];
  readonly faults = new FaultPlan<'search'>();
  /** Catalogues reported as failed in every result (to exercise partial answers). */
  degraded: { catalog: string; reason: string }[] = [];
  readonly #entries: CatalogEntry[];

  constructor(entries: readonly CatalogEntry[] = []) {
    this.#entries = [...entries];
  }

  /** Adds an entry. */
  add(entry: CatalogEntry): void {
    this.#entries.push(entry);
  }

  async search(query: string, options: { limit: number }): Promise<CatalogResult> {
    this.queries.push({ query, limit: options.limit });
    await this.faults.check('search');
    const needle = query.trim().toLowerCase();
    const entries = this.#entries
      .filter((entry) => needle === '' || entry.name.toLowerCase().includes(needle) || entry.description.toLowerCase().includes(needle))
      .slice(0, options.limit);
    return { entries, degraded: [...this.degraded] };
  }
}
