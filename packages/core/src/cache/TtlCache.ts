import type { Clock } from '../ports/index.js';

/** How a TtlCache keeps values. */
export interface TtlCacheOptions<V> {
  /** Time source; expiry is computed from it, so tests move time instead of sleeping (no timers anywhere). */
  readonly clock: Clock;
  /** How long a positive value stays fresh, in milliseconds. */
  readonly positiveTtlMs: number;
  /** How long a negative value (e.g. "not found") stays fresh; usually much shorter. Defaults to positiveTtlMs. */
  readonly negativeTtlMs?: number;
  /** Whether a loaded value is negative. Defaults to "never". */
  readonly isNegative?: (value: V) => boolean;
  /** Upper bound on stored entries; the least recently used go first. Default 10,000. */
  readonly maxEntries?: number;
}

/** Counters of a cache, for metrics and tests. */
export interface TtlCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Loader calls started (one per flight, however many callers joined it). */
  readonly loads: number;
  /** Callers that joined a flight already in progress. */
  readonly joined: number;
  readonly evictions: number;
  readonly size: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/** Default bound on entries. */
export const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * A string-keyed TTL cache with single-flight loading.
 *
 * - Concurrent `get`s of one missing key share one in-flight load: the loader runs once.
 * - A load that throws is not cached: every caller of that flight gets the error, the next `get` loads again.
 * - Negative values (per `isNegative`) are kept for `negativeTtlMs` only.
 * - Bounded: past `maxEntries` the least recently used entry is evicted (Map insertion order, refreshed on hit).
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #flights = new Map<string, Promise<V>>();
  /** Bumped by `delete`/`clear` so a flight that started before an invalidation does not store a stale value. */
  readonly #generations = new Map<string, number>();
  #clearGeneration = 0;
  readonly #clock: Clock;
  readonly #positiveTtlMs: number;
  readonly #negativeTtlMs: number;
  readonly #isNegative: (value: V) => boolean;
  readonly #maxEntries: number;
  #stats = { hits: 0, misses: 0, loads: 0, joined: 0, evictions: 0 };

  constructor(options: TtlCacheOptions<V>) {
    if (!(options.positiveTtlMs >= 0)) throw new RangeError('positiveTtlMs must be >= 0');
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.#clock = options.clock;
    this.#positiveTtlMs = options.positiveTtlMs;
    this.#negativeTtlMs = options.negativeTtlMs ?? options.positiveTtlMs;
    this.#isNegative = options.isNegative ?? (() => false);
    this.#maxEntries = maxEntries;
  }

  /** The fresh value for `key`, else the result of `load` (shared with concurrent callers of the same key). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      if (entry.expiresAt > this.#clock.now().getTime()) {
        this.#stats.hits++;
        // Re-insert so Map order tracks recency (least recently used first).
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return Promise.resolve(entry.value);
      }
      this.#entries.delete(key);
    }
    this.#stats.misses++;
    const inFlight = this.#flights.get(key);
    if (inFlight !== undefined) {
      this.#stats.joined++;
      return inFlight;
    }
    return this.#startFlight(key, load);
  }

  /** The fresh value for `key` without loading, or undefined. Does not count as a use. */
  peek(key: string): V | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAt > this.#clock.now().getTime() ? entry.value : undefined;
  }

  /** Forgets `key`; a load already in flight still answers its callers but is not stored. */
  delete(key: string): void {
    this.#entries.delete(key);
    if (this.#flights.has(key)) this.#generations.set(key, (this.#generations.get(key) ?? 0) + 1);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#clearGeneration++;
  }

  /** Number of stored entries (expired ones not yet dropped included). */
  get size(): number {
    return this.#entries.size;
  }

  /** Counters since creation. */
  stats(): TtlCacheStats {
    return { ...this.#stats, size: this.#entries.size };
  }

  #startFlight(key: string, load: () => Promise<V>): Promise<V> {
    this.#stats.loads++;
    const generation = this.#generations.get(key) ?? 0;
    const clearGeneration = this.#clearGeneration;
    const flight = (async () => {
      try {
        const value = await load();
        const invalidated = (this.#generations.get(key) ?? 0) !== generation || this.#clearGeneration !== clearGeneration;
        if (!invalidated) this.#store(key, value);
        return value;
      } finally {
        this.#flights.delete(key);
        this.#generations.delete(key);
      }
    })();
    this.#flights.set(key, flight);
    return flight;
  }

  #store(key: string, value: V): void {
    const ttl = this.#isNegative(value) ? this.#negativeTtlMs : this.#positiveTtlMs;
    if (ttl <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#clock.now().getTime() + ttl });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
      this.#stats.evictions++;
    }
  }
}
