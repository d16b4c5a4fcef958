import { ContainerModule } from 'inversify';
import { PackageRegistryToken } from '@catwalk/core';
import type { NpmRegistryOptions } from './npm.js';
import { NpmRegistry } from './npm.js';
import type { PypiRegistryOptions } from './pypi.js';
import { PypiRegistry } from './pypi.js';
import { RoutingPackageRegistry } from './router.js';

/** Configuration of the package registries (all optional: the public npm registry and PyPI by default). */
export interface RegistryModuleOptions {
  readonly npm?: NpmRegistryOptions;
  readonly pypi?: PypiRegistryOptions;
}

/** Builds the npm + PyPI router the module binds (exported for shells and tests that do not use a container). */
export function createPackageRegistry(options: RegistryModuleOptions = {}): RoutingPackageRegistry {
  return new RoutingPackageRegistry([new NpmRegistry(options.npm ?? {}), new PypiRegistry(options.pypi ?? {})]);
}

/** Binds `PackageRegistryToken` to a singleton {@link RoutingPackageRegistry} over npm and PyPI. */
export function registryModule(options: RegistryModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(PackageRegistryToken)
      .toDynamicValue(() => createPackageRegistry(options))
      .inSingletonScope();
  });
}
