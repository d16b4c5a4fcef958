import type { PackageRef, Runtime } from '../../domain/packageRef.js';
import type { PackageInfo, PackageLookup, PackageRegistry } from '../../ports/index.js';
import { FaultPlan } from './faults.js';

/** A package as seeded into the fake registry. */
export interface SeededPackage {
  readonly runtime: Runtime;
  /** npm name as published, PyPI name normalised (PEP 503), as the registry adapters receive them. */
  readonly name: string;
  /** Published versions, oldest first. */
  readonly versions: readonly string[];
  /** Defaults to the last version. */
  readonly latest?: string;
  /** npm dist-tags other than latest (`next`, `beta`). */
  readonly distTags?: Readonly<Record<string, string>>;
  /** npm deprecation messages by version. */
  readonly deprecated?: Readonly<Record<string, string>>;
  /** Yanked PyPI releases by version, with the reason ('' when none given). */
  readonly yanked?: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly repositoryUrl?: string;
}

/**
 * An in-memory registry for npm and PyPI with a request log, injectable faults and held requests
 * (`faults.hold('lookup')`), so tests can count upstream requests and drive single-flight precisely.
 */
export class InMemoryPackageRegistry implements PackageRegistry {
  readonly runtimes: readonly Runtime[];
  /** Every lookup received, in order. */
  readonly requests: PackageRef[] = [];
  /** Faults and delays for the operation `lookup`. */
  readonly faults = new FaultPlan<'lookup'>();
  readonly #packages = new Map<string, SeededPackage>();

  constructor(packages: readonly SeededPackage[] = [], runtimes: readonly Runtime[] = ['npm', 'python']) {
    this.runtimes = runtimes;
    for (const pkg of packages) this.publish(pkg);
  }

  /** Adds or replaces a package. */
  publish(pkg: SeededPackage): void {
    if (pkg.versions.length === 0) throw new Error('a seeded package needs at least one version');
    this.#packages.set(`${pkg.runtime}:${pkg.name}`, pkg);
  }

  /** Requests for one runtime/name (to assert single-flight). */
  requestsFor(runtime: Runtime, name: string): PackageRef[] {
    return this.requests.filter((ref) => ref.runtime === runtime && ref.name === name);
  }

  async lookup(ref: PackageRef): Promise<PackageLookup> {
    this.requests.push(ref);
    await this.faults.check('lookup');
    const pkg = this.runtimes.includes(ref.runtime) ? this.#packages.get(`${ref.runtime}:${ref.name}`) : undefined;
    if (pkg === undefined) return { kind: 'missing_package' };
    const latest = pkg.latest ?? pkg.versions[pkg.versions.length - 1]!;
    const requested = ref.version === undefined || ref.version === 'latest' ? latest : (pkg.distTags?.[ref.version] ?? ref.version);
    if (!pkg.versions.includes(requested)) return { kind: 'missing_version', latestVersion: latest };
    const deprecated = pkg.deprecated?.[requested];
    const yankedReason = pkg.yanked?.[requested];
    const info: PackageInfo = {
      runtime: pkg.runtime,
      name: pkg.name,
      version: requested,
      latestVersion: latest,
      ...(pkg.description === undefined ? {} : { description: pkg.description }),
      ...(pkg.repositoryUrl === undefined ? {} : { repositoryUrl: pkg.repositoryUrl }),
      ...(deprecated === undefined ? {} : { deprecated }),
      ...(yankedReason === undefined ? {} : { yanked: true, ...(yankedReason === '' ? {} : { yankedReason }) }),
    };
    return { kind: 'found', info };
  }
}
