import { ContainerModule } from 'inversify';
import { RepoSourceToken } from '@catwalk/core';
import type { RepoSource, SnapshotLimits } from '@catwalk/core';
import { CompositeRepoSource } from './composite.js';
import { GitHubRepoSource } from './github.js';
import { LocalDirectorySource } from './local.js';
import { NpmTarballSource } from './npm.js';
import { PypiDescriptionSource } from './pypi.js';

/** Options of {@link sourcesModule}; every URL is configurable so tests point at local fakes. */
export interface SourcesModuleOptions {
  /** Whether local paths may be read (CLI/library: true; HTTP API: only with CATWALK_ALLOW_LOCAL_SOURCES). */
  readonly allowLocal: boolean;
  readonly githubBaseUrl?: string;
  /** `GITHUB_TOKEN`. */
  readonly githubToken?: string;
  readonly npmRegistryUrl?: string;
  readonly pypiBaseUrl?: string;
  /** Base directory of relative local paths; default the process's cwd. */
  readonly localBaseDir?: string;
  readonly limits?: Partial<SnapshotLimits>;
}

/** Builds the routing source from options (also usable without a container). */
export function createRepoSource(options: SourcesModuleOptions): RepoSource {
  const limits = options.limits === undefined ? {} : { limits: options.limits };
  return new CompositeRepoSource(
    {
      github: new GitHubRepoSource({
        ...limits,
        ...(options.githubBaseUrl === undefined ? {} : { baseUrl: options.githubBaseUrl }),
        ...(options.githubToken === undefined ? {} : { token: options.githubToken }),
      }),
      npm: new NpmTarballSource({ ...limits, ...(options.npmRegistryUrl === undefined ? {} : { registryUrl: options.npmRegistryUrl }) }),
      pypi: new PypiDescriptionSource({ ...limits, ...(options.pypiBaseUrl === undefined ? {} : { baseUrl: options.pypiBaseUrl }) }),
      local: new LocalDirectorySource({ ...limits, ...(options.localBaseDir === undefined ? {} : { baseDir: options.localBaseDir }) }),
    },
    { allowLocal: options.allowLocal },
  );
}

/** Binds `RepoSourceToken` to the routing {@link CompositeRepoSource} (singleton). */
export function sourcesModule(options: SourcesModuleOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<RepoSource>(RepoSourceToken)
      .toDynamicValue(() => createRepoSource(options))
      .inSingletonScope();
  });
}
