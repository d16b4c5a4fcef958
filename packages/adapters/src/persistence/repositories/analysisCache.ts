import { LessThanOrEqual } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { mcpConfigSchema } from '@catwalk/core';
import type { AnalysisCache, CachedAnalysis, Clock, Logger, McpConfig } from '@catwalk/core';
import { AnalysisCacheEntity } from '../entities.js';

/** Default time an analysis stays fresh (callers pass `expiresAt`; this is what the shells use). */
export const DEFAULT_ANALYSIS_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * AnalysisCache in the `analysis_cache` table. It never throws: a database that cannot be read or written is a
 * miss (or a skipped write) with a warning, so analysis works while the database is down. Entries that no longer
 * parse as an McpConfig (an older format) are misses too.
 */
export class TypeOrmAnalysisCache implements AnalysisCache {
  constructor(
    private readonly manager: EntityManager,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<CachedAnalysis | undefined> {
    try {
      const row = await this.manager.findOneBy(AnalysisCacheEntity, { sourceKey: key });
      if (row === null || row.expiresAt.getTime() <= this.clock.now().getTime()) return undefined;
      const parsed = mcpConfigSchema.safeParse(row.data);
      if (!parsed.success) return undefined;
      return { config: parsed.data, storedAt: row.storedAt, expiresAt: row.expiresAt };
    } catch (error) {
      this.logger.warn('Analysis cache unavailable; analysing without it.', { operation: 'get', reason: errorName(error) });
      return undefined;
    }
  }

  async put(key: string, config: McpConfig, expiresAt: Date): Promise<void> {
    try {
      const now = this.clock.now();
      await this.manager.upsert(AnalysisCacheEntity, { sourceKey: key, data: config, storedAt: now, expiresAt }, { conflictPaths: ['sourceKey'] });
      // Expired rows are dead weight; the expires_at index makes this sweep cheap.
      await this.manager.delete(AnalysisCacheEntity, { expiresAt: LessThanOrEqual(now) });
    } catch (error) {
      this.logger.warn('Analysis cache unavailable; result not cached.', { operation: 'put', reason: errorName(error) });
    }
  }
}

/** A log-safe description of a failure: its class and SQLSTATE/errno, never the driver's message. */
function errorName(error: unknown): string {
  const candidate = error as { name?: unknown; code?: unknown; driverError?: { code?: unknown } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return `${typeof candidate?.name === 'string' ? candidate.name : 'Error'}${typeof code === 'string' ? ` ${code}` : ''}`;
}
