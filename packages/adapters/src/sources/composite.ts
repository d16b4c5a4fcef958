import { CatwalkError, isCatwalkError, packageKey, parseNpmName, parsePypiName } from '@catwalk/core';
import type { RepoSource, Snapshot, Source } from '@catwalk/core';

/** The sources a {@link CompositeRepoSource} routes to; any may be absent (that kind is then refused). */
export interface RepoSources {
  readonly github?: RepoSource;
  readonly npm?: RepoSource;
  readonly pypi?: RepoSource;
  readonly local?: RepoSource;
}

/** Options of {@link CompositeRepoSource}. */
export interface CompositeSourceOptions {
  /**
   * Whether local directories may be read. The HTTP API passes `false` unless the operator set
   * `CATWALK_ALLOW_LOCAL_SOURCES`: a remote user must never make the server read its own disk. The CLI and the
   * library pass `true`.
   */
  readonly allowLocal: boolean;
}

/** The message users see when a local path is refused. */
export const LOCAL_SOURCES_DISABLED =
  'Local directory sources are disabled on this server: a remote request may not read the server\'s disk. ' +
  'Use a GitHub URL or a package (npm:<name>, pypi:<name>), or run `catwalk analyze <dir>` locally; ' +
  'operators can allow local paths with CATWALK_ALLOW_LOCAL_SOURCES=1.';

/**
 * Routes a source to the adapter for its kind: GitHub URLs, `npm:` and `pypi:` packages, local paths. A bare
 * package name (`auto`) is tried on npm first, then PyPI (npm wins when both have it, as in ValidatePackage).
 */
export class CompositeRepoSource implements RepoSource {
  readonly #sources: RepoSources;
  readonly #allowLocal: boolean;

  constructor(sources: RepoSources, options: CompositeSourceOptions) {
    this.#sources = sources;
    this.#allowLocal = options.allowLocal;
  }

  async fetch(source: Source): Promise<Snapshot> {
    switch (source.kind) {
      case 'repo':
        return this.#route(this.#sources.github, source, 'GitHub repositories');
      case 'package':
        return source.package.runtime === 'npm'
          ? this.#route(this.#sources.npm, source, 'npm packages')
          : this.#route(this.#sources.pypi, source, 'PyPI packages');
      case 'local':
        if (!this.#allowLocal) throw new CatwalkError('invalid_source', LOCAL_SOURCES_DISABLED, { source: source.key, reason: 'local_disabled' });
        return this.#route(this.#sources.local, source, 'local directories');
      case 'auto':
        return this.#auto(source);
    }
  }

  async #auto(source: Extract<Source, { kind: 'auto' }>): Promise<Snapshot> {
    const attempts: Source[] = [];
    if (isValid(() => parseNpmName(source.name))) {
      const pkg = source.version === undefined ? { runtime: 'npm' as const, name: source.name } : { runtime: 'npm' as const, name: source.name, version: source.version };
      attempts.push({ kind: 'package', package: pkg, key: packageKey(pkg) });
    }
    if (!source.name.startsWith('@') && isValid(() => parsePypiName(source.name))) {
      const name = parsePypiName(source.name);
      const pkg = source.version === undefined ? { runtime: 'python' as const, name } : { runtime: 'python' as const, name, version: source.version };
      attempts.push({ kind: 'package', package: pkg, key: packageKey(pkg) });
    }
    let lastNotFound: CatwalkError | undefined;
    for (const attempt of attempts) {
      try {
        const snapshot = await this.fetch(attempt);
        return { ...snapshot, key: source.key };
      } catch (error) {
        if (isCatwalkError(error, 'not_found') || isCatwalkError(error, 'invalid_source')) {
          lastNotFound = error;
          continue;
        }
        throw error;
      }
    }
    throw new CatwalkError('not_found', `No npm or PyPI package is named ${source.name}.`, { source: source.key }, lastNotFound === undefined ? {} : { cause: lastNotFound });
  }

  async #route(target: RepoSource | undefined, source: Source, what: string): Promise<Snapshot> {
    if (target === undefined) throw new CatwalkError('invalid_source', `This Catwalk does not read ${what}.`, { source: source.key });
    return target.fetch(source);
  }
}

function isValid(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}
