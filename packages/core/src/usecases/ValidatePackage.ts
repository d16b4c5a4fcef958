import { TtlCache } from '../cache/index.js';
import type { TtlCacheStats } from '../cache/index.js';
import { CatwalkError, isCatwalkError } from '../errors/index.js';
import { formatPackageSpec, parseNpmName, parseNpmVersion, parsePackageRef, parsePypiName, parsePypiVersion } from '../domain/packageRef.js';
import type { PackageRef, ResolvedPackage, Runtime } from '../domain/packageRef.js';
import type { Clock, PackageInfo, PackageLookup, PackageRegistry } from '../ports/index.js';

/** What to validate: a runtime (or `auto` to detect it), a name, and an optional version (exact, tag, `latest`). */
export interface ValidatePackageInput {
  readonly runtime?: Runtime | 'auto';
  readonly name: string;
  readonly version?: string | undefined;
}

/** A package the registry confirmed, at an exact version. */
export interface ValidatePackageOutput {
  /** Exactly what a process will run. */
  readonly package: ResolvedPackage;
  /** Everything the registry said (latest version, description, repository). */
  readonly info: PackageInfo;
  /** Whether the runtime was detected (the input said `auto` or nothing). */
  readonly detectedRuntime: boolean;
  /** The npm deprecation message of this version, or null. */
  readonly deprecated: string | null;
  /** Whether this PyPI release is yanked. */
  readonly yanked: boolean;
  /** User-facing warnings (deprecated, yanked, not the latest version). */
  readonly warnings: readonly string[];
}

/** Cache tuning of ValidatePackage. */
export interface ValidatePackageOptions {
  /** How long a found package is trusted (default 5 minutes). */
  readonly positiveTtlMs?: number;
  /** How long "no such package/version" is remembered (default 30 seconds). */
  readonly negativeTtlMs?: number;
  /** Bound on cached lookups (default 10,000). */
  readonly maxEntries?: number;
}

/** Ports ValidatePackage needs. */
export interface ValidatePackageDeps {
  /** A registry answering for npm and PyPI (a router over both in production). */
  readonly registry: PackageRegistry;
  readonly clock: Clock;
}

const FIVE_MINUTES = 5 * 60_000;
const THIRTY_SECONDS = 30_000;

/**
 * Checks that a package exists and pins its exact version, before anything is stored or started.
 * Syntax first (a malformed name never reaches a registry), then the registry through a TTL cache with
 * single-flight (1,000 concurrent validations of one package make one request). Runtime auto-detection: a scoped
 * name is npm; otherwise both registries are asked concurrently and npm wins when both have it.
 */
export class ValidatePackage {
  readonly #registry: PackageRegistry;
  readonly #cache: TtlCache<PackageLookup>;

  constructor(deps: ValidatePackageDeps, options: ValidatePackageOptions = {}) {
    this.#registry = deps.registry;
    this.#cache = new TtlCache<PackageLookup>({
      clock: deps.clock,
      positiveTtlMs: options.positiveTtlMs ?? FIVE_MINUTES,
      negativeTtlMs: options.negativeTtlMs ?? THIRTY_SECONDS,
      isNegative: (lookup) => lookup.kind !== 'found',
      ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    });
  }

  /** @throws `invalid_package_name`, `package_not_found` (naming the version when only it is missing), `registry_unavailable`. */
  async execute(input: ValidatePackageInput): Promise<ValidatePackageOutput> {
    const runtime = input.runtime ?? 'auto';
    if (runtime !== 'auto') {
      const ref = parsePackageRef({ runtime, name: input.name, version: input.version });
      return this.#toOutput(ref, await this.#lookup(ref), false);
    }
    const candidates = autoCandidates(input.name, input.version);
    if (candidates.length === 1) {
      const ref = candidates[0]!;
      return this.#toOutput(ref, await this.#lookup(ref), true);
    }
    return this.#detect(candidates[0]!, candidates[1]!);
  }

  /** Lookup counters of the cache (for metrics and benchmarks). */
  cacheStats(): TtlCacheStats {
    return this.#cache.stats();
  }

  async #detect(npm: PackageRef, python: PackageRef): Promise<ValidatePackageOutput> {
    const [npmResult, pythonResult] = await Promise.allSettled([this.#lookup(npm), this.#lookup(python)]);
    // npm wins when both have it, so an npm outage means we cannot decide: fail (retryably) rather than guess.
    if (npmResult.status === 'rejected') throw npmResult.reason;
    if (npmResult.value.kind === 'found') return this.#toOutput(npm, npmResult.value, true);
    if (pythonResult.status === 'rejected') throw pythonResult.reason;
    if (pythonResult.value.kind === 'found') return this.#toOutput(python, pythonResult.value, true);
    if (npmResult.value.kind === 'missing_version') return this.#toOutput(npm, npmResult.value, true);
    if (pythonResult.value.kind === 'missing_version') return this.#toOutput(python, pythonResult.value, true);
    throw new CatwalkError('package_not_found', `No npm or PyPI package named "${npm.name}" exists.`, {
      name: npm.name,
      runtimes: ['npm', 'python'],
    });
  }

  #lookup(ref: PackageRef): Promise<PackageLookup> {
    const key = `${ref.runtime}:${ref.name}@${ref.version ?? 'latest'}`;
    return this.#cache.get(key, () => this.#registry.lookup(ref));
  }

  #toOutput(ref: PackageRef, lookup: PackageLookup, detectedRuntime: boolean): ValidatePackageOutput {
    const registryName = ref.runtime === 'npm' ? 'npm' : 'PyPI';
    if (lookup.kind === 'missing_package') {
      throw new CatwalkError('package_not_found', `No ${registryName} package named "${ref.name}" exists.`, {
        runtime: ref.runtime,
        name: ref.name,
      });
    }
    if (lookup.kind === 'missing_version') {
      throw new CatwalkError(
        'package_not_found',
        `${registryName} package "${ref.name}" has no version "${ref.version ?? 'latest'}" (latest is ${lookup.latestVersion}).`,
        { runtime: ref.runtime, name: ref.name, version: ref.version ?? 'latest', latestVersion: lookup.latestVersion },
      );
    }
    const info = lookup.info;
    const pkg: ResolvedPackage = { runtime: info.runtime, name: info.name, version: info.version };
    const warnings: string[] = [];
    if (info.deprecated !== undefined) warnings.push(`${formatPackageSpec(pkg)} is deprecated: ${info.deprecated}`);
    if (info.yanked === true) warnings.push(`${formatPackageSpec(pkg)} was yanked${info.yankedReason === undefined ? '' : `: ${info.yankedReason}`}`);
    if (info.version !== info.latestVersion) warnings.push(`${formatPackageSpec(pkg)} is not the latest version (${info.latestVersion})`);
    return { package: pkg, info, detectedRuntime, deprecated: info.deprecated ?? null, yanked: info.yanked === true, warnings };
  }
}

/**
 * The refs an auto-detected name could be: scoped names are npm only; a name or version that only one
 * ecosystem's syntax accepts is asked there only. Throws the npm syntax error when neither accepts it.
 */
function autoCandidates(name: string, version: string | undefined): PackageRef[] {
  const candidates: PackageRef[] = [];
  let npmError: unknown;
  try {
    const npmName = parseNpmName(name);
    candidates.push(version === undefined ? { runtime: 'npm', name: npmName } : { runtime: 'npm', name: npmName, version: parseNpmVersion(version) });
  } catch (error) {
    npmError = error;
  }
  if (!name.startsWith('@')) {
    try {
      const pypiName = parsePypiName(name);
      candidates.push(version === undefined ? { runtime: 'python', name: pypiName } : { runtime: 'python', name: pypiName, version: parsePypiVersion(version) });
    } catch (error) {
      if (!isCatwalkError(error)) throw error;
    }
  }
  if (candidates.length === 0) throw npmError;
  return candidates;
}
