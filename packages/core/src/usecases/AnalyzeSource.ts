import { isCatwalkError } from '../errors/index.js';
import type { CredentialForm } from '../credentials/index.js';
import { buildCredentialForm } from '../credentials/index.js';
import type { McpConfig } from '../domain/mcpConfig.js';
import { packageKey, parseSource } from '../domain/source.js';
import type { Source } from '../domain/source.js';
import type { AnalysisCache, Analyzer, Clock, Logger, RepoSource } from '../ports/index.js';
import type { ValidatePackage } from './ValidatePackage.js';

/** What to analyse: a source string (GitHub URL, `npm:…`, `pypi:…`, a bare package name, a local path). */
export interface AnalyzeSourceInput {
  readonly source: string;
  /** Skip the cache and analyse again (the result still refreshes the cache). */
  readonly refresh?: boolean | undefined;
}

/** The analysis and the credential form derived from it. */
export interface AnalyzeSourceOutput {
  /** The parsed source; a bare name comes back as the package source it was detected to be. */
  readonly source: Source;
  readonly config: McpConfig;
  readonly form: CredentialForm;
  /** Whether the config came from the cache. */
  readonly cached: boolean;
}

/** Ports AnalyzeSource needs. */
export interface AnalyzeSourceDeps {
  readonly repoSource: RepoSource;
  readonly analyzer: Analyzer;
  readonly cache: AnalysisCache;
  readonly validatePackage: ValidatePackage;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Tuning of AnalyzeSource. */
export interface AnalyzeSourceOptions {
  /** How long an analysis is reused (default 24 h). */
  readonly cacheTtlMs?: number;
}

const DAY = 24 * 60 * 60_000;

/**
 * Source string → MCP config + credential form. Stateless and cacheable: a cache that cannot be read or written
 * only logs a warning, so analysis works while the database is down. Local paths are never cached (their
 * content changes under the same key).
 */
export class AnalyzeSource {
  readonly #deps: AnalyzeSourceDeps;
  readonly #ttlMs: number;

  constructor(deps: AnalyzeSourceDeps, options: AnalyzeSourceOptions = {}) {
    this.#deps = deps;
    this.#ttlMs = options.cacheTtlMs ?? DAY;
  }

  /** @throws `invalid_source`/`invalid_repo_url`/`invalid_package_name`, `package_not_found`, `not_found`, `source_unavailable`, `analysis_failed`. */
  async execute(input: AnalyzeSourceInput): Promise<AnalyzeSourceOutput> {
    const source = await this.#resolve(parseSource(input.source));
    const cacheable = source.kind !== 'local';
    if (cacheable && input.refresh !== true) {
      const hit = await this.#cacheGet(source.key);
      if (hit !== undefined) return { source, config: hit, form: buildCredentialForm(hit.envVars), cached: true };
    }
    const snapshot = await this.#deps.repoSource.fetch(source);
    const config = await this.#deps.analyzer.analyze(snapshot);
    if (cacheable) await this.#cachePut(source.key, config);
    return { source, config, form: buildCredentialForm(config.envVars), cached: false };
  }

  /** A bare name becomes the npm or PyPI package it is (asking the registries through ValidatePackage). */
  async #resolve(source: Source): Promise<Source> {
    if (source.kind !== 'auto') return source;
    const validated = await this.#deps.validatePackage.execute({ runtime: 'auto', name: source.name, version: source.version });
    const pkg = { runtime: validated.package.runtime, name: validated.package.name, ...(source.version === undefined ? {} : { version: validated.package.version }) };
    return { kind: 'package', package: pkg, key: packageKey(pkg) };
  }

  async #cacheGet(key: string): Promise<McpConfig | undefined> {
    try {
      return (await this.#deps.cache.get(key))?.config;
    } catch (error) {
      this.#deps.logger.warn('analysis cache unreadable; analysing without it', { key, code: isCatwalkError(error) ? error.code : 'internal' });
      return undefined;
    }
  }

  async #cachePut(key: string, config: McpConfig): Promise<void> {
    try {
      await this.#deps.cache.put(key, config, new Date(this.#deps.clock.now().getTime() + this.#ttlMs));
    } catch (error) {
      this.#deps.logger.warn('analysis cache unwritable; result not cached', { key, code: isCatwalkError(error) ? error.code : 'internal' });
    }
  }
}
