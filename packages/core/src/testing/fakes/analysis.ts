import { CatwalkError } from '../../errors/index.js';
import type { McpConfig } from '../../domain/mcpConfig.js';
import type { Source } from '../../domain/source.js';
import type { AnalysisCache, Analyzer, CachedAnalysis, Clock, RepoSource, Snapshot } from '../../ports/index.js';
import { FaultPlan } from './faults.js';

/** A repo source serving seeded snapshots by canonical source key; unknown keys are `not_found`. */
export class InMemoryRepoSource implements RepoSource {
  readonly fetched: Source[] = [];
  readonly faults = new FaultPlan<'fetch'>();
  readonly #snapshots = new Map<string, Snapshot>();

  constructor(snapshots: readonly Snapshot[] = []) {
    for (const snapshot of snapshots) this.add(snapshot);
  }

  /** Serves `snapshot` for sources whose key is `snapshot.key`. */
  add(snapshot: Snapshot): void {
    this.#snapshots.set(snapshot.key, snapshot);
  }

  async fetch(source: Source): Promise<Snapshot> {
    this.fetched.push(source);
    await this.faults.check('fetch');
    const snapshot = this.#snapshots.get(source.key);
    if (snapshot === undefined) throw new CatwalkError('not_found', 'No such repository or package.', { source: source.key });
    return snapshot;
  }
}

/** An analyzer that answers with scripted configs per snapshot key (or a fallback), logging every call. */
export class ScriptedAnalyzer implements Analyzer {
  readonly name = 'static' as const;
  readonly analyzed: Snapshot[] = [];
  readonly faults = new FaultPlan<'analyze'>();
  readonly #scripts = new Map<string, McpConfig | (() => McpConfig)>();
  #fallback: McpConfig | undefined;

  constructor(fallback?: McpConfig) {
    this.#fallback = fallback;
  }

  /** Answers `config` for snapshots with this key. */
  script(key: string, config: McpConfig | (() => McpConfig)): void {
    this.#scripts.set(key, config);
  }

  /** Answers `config` for any snapshot without its own script. */
  setFallback(config: McpConfig | undefined): void {
    this.#fallback = config;
  }

  async analyze(snapshot: Snapshot): Promise<McpConfig> {
    this.analyzed.push(snapshot);
    await this.faults.check('analyze');
    const scripted = this.#scripts.get(snapshot.key) ?? this.#fallback;
    if (scripted === undefined) throw new CatwalkError('analysis_failed', 'No MCP server could be identified in this source.', { source: snapshot.key });
    return typeof scripted === 'function' ? scripted() : scripted;
  }
}

/** An analysis cache in memory, expiring by the Clock port; `faults` make get/put fail like a database that is down. */
export class InMemoryAnalysisCache implements AnalysisCache {
  readonly faults = new FaultPlan<'get' | 'put'>();
  readonly #entries = new Map<string, CachedAnalysis>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many entries are stored (expired ones included). */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<CachedAnalysis | undefined> {
    await this.faults.check('get');
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt.getTime() <= this.#clock.now().getTime()) return undefined;
    return entry;
  }

  async put(key: string, config: McpConfig, expiresAt: Date): Promise<void> {
    await this.faults.check('put');
    this.#entries.set(key, { config, storedAt: this.#clock.now(), expiresAt });
  }
}
