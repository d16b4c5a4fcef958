import type { McpConfig } from '../domain/mcpConfig.js';
import type { AnalyzerName } from '../domain/mcpConfig.js';
import type { Source } from '../domain/source.js';
import { token } from './token.js';

/** One file of a snapshot, as text (binary files are skipped and listed in `skipped`). */
export interface SnapshotFile {
  /** Path relative to the snapshot root, `/`-separated, never absolute, never containing `..`. */
  readonly path: string;
  readonly content: string;
  /** Size in bytes of the original file (content may be truncated to the per-file limit). */
  readonly size: number;
  readonly truncated?: boolean;
}

/** The limits a source applied, reported so analysers and users know what was not read. */
export interface SnapshotLimits {
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

/** A bounded, read-only copy of what a source holds: README, manifests, source files. */
export interface Snapshot {
  /** Canonical key of the source (cache key). */
  readonly key: string;
  /** Human-readable origin (URL, `npm:name@version`, path). */
  readonly origin: string;
  readonly files: readonly SnapshotFile[];
  /** Files not included and why (`binary`, `too_large`, `limit`, `symlink`, `unsafe_path`). */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  /** Whether a limit cut the snapshot short. */
  readonly truncated: boolean;
  readonly limits: SnapshotLimits;
  /** A package the source itself names with certainty (an npm tarball is that package at that version). */
  readonly knownPackage?: { readonly runtime: 'npm' | 'python'; readonly name: string; readonly version?: string };
}

/** Fetches a bounded snapshot of a source (GitHub repository, npm tarball, PyPI sdist, local directory). */
export interface RepoSource {
  /**
   * @throws CatwalkError `not_found` (no such repository/package), `source_unavailable` (unreachable, rate
   * limited; retryable), `invalid_source` (a kind this source does not serve, such as a local path over HTTP).
   */
  fetch(source: Source): Promise<Snapshot>;
}
export const RepoSourceToken = token<RepoSource>('RepoSource');

/** Turns a snapshot into an MCP config. Unknown is a valid answer; a guess is not. */
export interface Analyzer {
  readonly name: AnalyzerName | 'composite';
  /** @throws CatwalkError `analysis_failed` when nothing valid can be produced. */
  analyze(snapshot: Snapshot): Promise<McpConfig>;
}
export const AnalyzerToken = token<Analyzer>('Analyzer');

/** A cached analysis with its expiry. */
export interface CachedAnalysis {
  readonly config: McpConfig;
  readonly storedAt: Date;
  readonly expiresAt: Date;
}

/**
 * Caches analyses by canonical source key. Adapters that can fail (a database) must degrade to a miss with a
 * warning: analysis works while the database is down.
 */
export interface AnalysisCache {
  /** The unexpired entry for `key`, or undefined. */
  get(key: string): Promise<CachedAnalysis | undefined>;
  /** Stores `config` under `key` until `expiresAt`. */
  put(key: string, config: McpConfig, expiresAt: Date): Promise<void>;
}
export const AnalysisCacheToken = token<AnalysisCache>('AnalysisCache');
