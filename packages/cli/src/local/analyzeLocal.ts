import { AnalyzeSource, ValidatePackage } from '@catwalk/core';
import type { AnalysisCache, CachedAnalysis, CatwalkConfig, Clock, McpConfig } from '@catwalk/core';
import { createAnalyzer, createPackageRegistry, createPinoLogger, createRepoSource } from '@catwalk/adapters';

/** A cache for one process: `analyze --local` never touches the database (a running service may hold it). */
class ProcessAnalysisCache implements AnalysisCache {
  readonly #entries = new Map<string, CachedAnalysis>();

  async get(key: string): Promise<CachedAnalysis | undefined> {
    return this.#entries.get(key);
  }

  async put(key: string, config: McpConfig, expiresAt: Date): Promise<void> {
    this.#entries.set(key, { config, storedAt: new Date(), expiresAt });
  }
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Runs the AnalyzeSource use case in this process with the real adapters (registries, sources, the static and
 * optional LLM analysers), no server and no database, and answers in the exact shape of `POST /api/analyze`.
 * Local directories are allowed here: the user analyses their own disk.
 */
export async function analyzeLocally(config: CatwalkConfig, source: string) {
  const logger = createPinoLogger(config.log.level === 'info' ? 'warn' : config.log.level);
  const registry = createPackageRegistry({ npm: { baseUrl: config.registries.npmUrl }, pypi: { baseUrl: config.registries.pypiUrl } });
  const repoSource = createRepoSource({
    allowLocal: true,
    githubBaseUrl: config.registries.githubApiUrl,
    ...(config.registries.githubToken === undefined ? {} : { githubToken: config.registries.githubToken }),
    npmRegistryUrl: config.registries.npmUrl,
    pypiBaseUrl: config.registries.pypiUrl,
  });
  const llm = config.analysis.llm;
  const analyzer = createAnalyzer(
    {
      ...(llm.anthropicApiKey === undefined ? {} : { anthropicApiKey: llm.anthropicApiKey }),
      ...(llm.openrouterApiKey === undefined ? {} : { openrouterApiKey: llm.openrouterApiKey }),
      ...(llm.model === undefined ? {} : { model: llm.model }),
      anthropicBaseUrl: llm.anthropicBaseUrl,
      openrouterBaseUrl: llm.openrouterBaseUrl,
    },
    { registry, logger },
  );
  const validatePackage = new ValidatePackage({ registry, clock: systemClock });
  const useCase = new AnalyzeSource({ repoSource, analyzer, cache: new ProcessAnalysisCache(), validatePackage, clock: systemClock, logger });
  const analysis = await useCase.execute({ source });
  return {
    source: analysis.source.key,
    cached: analysis.cached,
    config: analysis.config,
    form: { fields: analysis.form.fields, excluded: analysis.form.excluded, jsonSchema: analysis.form.jsonSchema },
  };
}
