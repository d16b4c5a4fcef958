import { CatwalkError, TtlCache, isCatwalkError } from '@catwalk/core';
import type { CatalogEntry, CatalogResult, Clock, PackageRef, ServerCatalog } from '@catwalk/core';
import { canonicalRepositoryUrl, checkQuery, clampLimit } from './entries.js';

/** One catalogue inside the composite, with the name reported in `degraded`. */
export interface NamedCatalog {
  readonly name: string;
  readonly catalog: ServerCatalog;
}

/** Cache settings of the composite. */
export interface CompositeCatalogOptions {
  /** How long a complete answer is reused; default 60 s. */
  readonly ttlMs?: number;
  /** How long a degraded (partial) answer is reused, so a recovered catalogue is seen soon; default 5 s. */
  readonly degradedTtlMs?: number;
  /** Most queries kept; the oldest is dropped first. Default 500. */
  readonly maxEntries?: number;
}

/**
 * Asks every catalogue at once, merges and de-duplicates their entries (same repository URL, else same package),
 * and keeps answering when some are down: their names and a user-safe reason go to `degraded`. Only when every
 * catalogue fails does the search fail (`source_unavailable`). Answers are cached briefly per (query, limit) with
 * expiry driven by the Clock port, and concurrent identical searches share one upstream round.
 */
export class CompositeServerCatalog implements ServerCatalog {
  readonly #catalogs: readonly NamedCatalog[];
  readonly #cache: TtlCache<CatalogResult>;

  constructor(catalogs: readonly NamedCatalog[], clock: Clock, options: CompositeCatalogOptions = {}) {
    this.#catalogs = catalogs;
    // core's TtlCache: single-flight per key, failures never cached, degraded answers kept for the short TTL.
    this.#cache = new TtlCache<CatalogResult>({
      clock,
      positiveTtlMs: options.ttlMs ?? 60_000,
      negativeTtlMs: options.degradedTtlMs ?? 5_000,
      isNegative: (result) => result.degraded.length > 0,
      maxEntries: options.maxEntries ?? 500,
    });
  }

  async search(query: string, options: { limit: number }): Promise<CatalogResult> {
    const text = checkQuery(query);
    const limit = clampLimit(options.limit);
    return this.#cache.get(`${limit}\u0000${text.toLowerCase()}`, () => this.#searchAll(text, limit));
  }

  async #searchAll(query: string, limit: number): Promise<CatalogResult> {
    const settled = await Promise.allSettled(this.#catalogs.map(({ catalog }) => catalog.search(query, { limit })));
    const degraded: { catalog: string; reason: string }[] = [];
    const lists: CatalogEntry[][] = [];
    settled.forEach((outcome, i) => {
      const name = this.#catalogs[i]!.name;
      if (outcome.status === 'fulfilled') {
        lists.push([...outcome.value.entries]);
        degraded.push(...outcome.value.degraded);
      } else {
        degraded.push({ catalog: name, reason: reasonOf(outcome.reason) });
      }
    });
    if (lists.length === 0 && this.#catalogs.length > 0) {
      throw new CatwalkError('source_unavailable', 'No server catalogue could be reached; try again later.', { degraded }, { retryable: true });
    }
    return { entries: mergeEntries(lists).slice(0, limit), degraded };
  }
}

/** A user-safe reason: the CatwalkError's own reason (e.g. `HTTP 503`, `timed out`), never a vendor message. */
function reasonOf(error: unknown): string {
  if (isCatwalkError(error)) {
    const reason = error.details['reason'];
    return typeof reason === 'string' ? reason : error.code;
  }
  return 'unavailable';
}

function packageKey(pkg: PackageRef): string {
  return `${pkg.runtime}:${pkg.name}`;
}

/**
 * Merges lists in order (first catalogue's ranking first). Two entries are one server when they share a repository
 * URL (canonical form) or a package; the merged entry lists every catalogue and keeps the richest fields.
 */
export function mergeEntries(lists: readonly (readonly CatalogEntry[])[]): CatalogEntry[] {
  const merged: CatalogEntry[] = [];
  const byKey = new Map<string, number>();
  for (const list of lists) {
    for (const entry of list) {
      const keys = [
        ...(entry.repositoryUrl === undefined ? [] : [`repo:${canonicalRepositoryUrl(entry.repositoryUrl)}`]),
        ...entry.packages.map((pkg) => `pkg:${packageKey(pkg)}`),
      ];
      const index = keys.map((key) => byKey.get(key)).find((i) => i !== undefined);
      if (index === undefined) {
        merged.push(entry);
        for (const key of keys) byKey.set(key, merged.length - 1);
        continue;
      }
      const combined = combine(merged[index]!, entry);
      merged[index] = combined;
      for (const key of keys) byKey.set(key, index);
    }
  }
  return merged;
}

function combine(a: CatalogEntry, b: CatalogEntry): CatalogEntry {
  const packages = [...a.packages];
  for (const pkg of b.packages) if (!packages.some((p) => packageKey(p) === packageKey(pkg))) packages.push(pkg);
  const repositoryUrl = a.repositoryUrl ?? b.repositoryUrl;
  const config = a.config ?? b.config;
  // A package source beats a repository source: it is exactly what runs.
  const source = [a.source, b.source].find((s) => s !== undefined && !s.startsWith('https://')) ?? a.source ?? b.source;
  return {
    name: a.name,
    description: a.description.length >= b.description.length ? a.description : b.description,
    packages,
    catalogs: [...new Set([...a.catalogs, ...b.catalogs])],
    ...(repositoryUrl === undefined ? {} : { repositoryUrl }),
    ...(config === undefined ? {} : { config }),
    ...(source === undefined ? {} : { source }),
  };
}
