import type { PackageRef, ResolvedPackage, Runtime } from '../domain/packageRef.js';
import { token } from './token.js';

/** What a registry knows about one version of a package. */
export interface PackageInfo extends ResolvedPackage {
  /** The registry's latest version (npm `dist-tags.latest`, PyPI `info.version`). */
  readonly latestVersion: string;
  readonly description?: string;
  /** npm deprecation message of the resolved version, if any. */
  readonly deprecated?: string;
  /** Whether the resolved PyPI release is yanked (and why, if the registry says). */
  readonly yanked?: boolean;
  readonly yankedReason?: string;
  /** Repository URL the registry lists, if any. */
  readonly repositoryUrl?: string;
}

/** The answer of a registry lookup. Not found is an answer, not an error. */
export type PackageLookup =
  | { readonly kind: 'found'; readonly info: PackageInfo }
  | { readonly kind: 'missing_package' }
  | { readonly kind: 'missing_version'; readonly latestVersion: string };

/**
 * A package registry (npm, PyPI, or a router over both). Only syntactically valid refs are ever passed in.
 */
export interface PackageRegistry {
  /**
   * Looks a package up; `ref.version` may be exact, a dist-tag, `latest`, or absent (latest).
   * @throws CatwalkError `registry_unavailable` (retryable) when the registry is down, slow or answers nonsense.
   */
  lookup(ref: PackageRef): Promise<PackageLookup>;
  /** Which runtimes this registry answers for. */
  readonly runtimes: readonly Runtime[];
}
export const PackageRegistryToken = token<PackageRegistry>('PackageRegistry');
