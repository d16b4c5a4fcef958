import { CatwalkError, parsePackageRef } from '@catwalk/core';
import type { PackageLookup, PackageRef, PackageRegistry, Runtime } from '@catwalk/core';

/**
 * One PackageRegistry over several (npm + PyPI): each lookup goes to the first registry that answers for the ref's
 * runtime. The ref is parsed again on the way through, so even a caller that skipped validation cannot make a
 * malformed name or version reach the network.
 */
export class RoutingPackageRegistry implements PackageRegistry {
  readonly runtimes: readonly Runtime[];
  readonly #registries: readonly PackageRegistry[];

  constructor(registries: readonly PackageRegistry[]) {
    this.#registries = registries;
    this.runtimes = [...new Set(registries.flatMap((registry) => registry.runtimes))];
  }

  async lookup(ref: PackageRef): Promise<PackageLookup> {
    const checked = parsePackageRef(ref);
    const registry = this.#registries.find((candidate) => candidate.runtimes.includes(checked.runtime));
    if (registry === undefined) {
      throw new CatwalkError('registry_unavailable', `No registry is configured for ${checked.runtime} packages.`, {
        registry: checked.runtime === 'npm' ? 'npm' : 'pypi',
        reason: 'not configured',
      });
    }
    return registry.lookup(checked);
  }
}
