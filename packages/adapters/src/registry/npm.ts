import { z } from 'zod';
import { CatwalkError, isExactNpmVersion, parseNpmName, parseNpmVersion } from '@catwalk/core';
import type { PackageInfo, PackageLookup, PackageRef, PackageRegistry, Runtime } from '@catwalk/core';
import type { HttpLimits } from './http.js';
import { JsonApi } from './http.js';

/** Options of the npm registry adapter. */
export interface NpmRegistryOptions extends HttpLimits {
  /** Registry base URL (mirrors and private registries work); default `https://registry.npmjs.org`. */
  readonly baseUrl?: string;
  /**
   * Ask for the full packument instead of the abbreviated one. The abbreviated document
   * (`application/vnd.npm.install-v1+json`) is a fraction of the size and carries everything validation needs
   * (dist-tags, versions, deprecation), but no top-level `description` or `repository`; those are filled only
   * when a version entry happens to carry them. Full documents of popular packages run to tens of megabytes.
   */
  readonly fullMetadata?: boolean;
}

const ABBREVIATED = 'application/vnd.npm.install-v1+json';
/** Body caps: abbreviated documents are small; full packuments of big packages are not. */
export const NPM_MAX_ABBREVIATED_BYTES = 5 * 1024 * 1024;
export const NPM_MAX_FULL_BYTES = 20 * 1024 * 1024;

const repositorySchema = z.union([z.string().max(2000), z.looseObject({ url: z.string().max(2000).optional() })]);
const versionSchema = z.looseObject({
  version: z.string().max(256),
  // npm writes a string; some mirrors write `false` for "not deprecated".
  deprecated: z.union([z.string().max(4000), z.boolean()]).optional(),
  description: z.string().max(4000).optional(),
  repository: repositorySchema.optional(),
});
const packumentSchema = z.looseObject({
  name: z.string().max(214),
  'dist-tags': z.record(z.string().max(64), z.string().max(256)).default({}),
  versions: z.record(z.string().max(256), versionSchema).default({}),
  description: z.string().max(4000).optional(),
  repository: repositorySchema.optional(),
});
type Packument = z.infer<typeof packumentSchema>;

/** `@scope/name` → `@scope%2fname` (the npm registry's form); plain names unchanged. Input is already validated. */
export function npmPackagePath(name: string): string {
  if (!name.startsWith('@')) return `/${encodeURIComponent(name)}`;
  const [scope = '', pkg = ''] = name.slice(1).split('/');
  return `/@${encodeURIComponent(scope)}%2f${encodeURIComponent(pkg)}`;
}

/**
 * The npm registry (`GET {base}/{name}`). Resolves `latest`, dist-tags and exact versions, reports deprecation.
 * Names and versions are re-validated here (defence in depth): a malformed ref never becomes a request.
 */
export class NpmRegistry implements PackageRegistry {
  readonly runtimes: readonly Runtime[] = ['npm'];
  readonly #api: JsonApi;
  readonly #full: boolean;

  constructor(options: NpmRegistryOptions = {}) {
    this.#full = options.fullMetadata ?? false;
    this.#api = new JsonApi(
      {
        baseUrl: options.baseUrl ?? 'https://registry.npmjs.org',
        headers: { Accept: this.#full ? 'application/json' : `${ABBREVIATED}, application/json;q=0.8` },
        maxBytes: options.maxBytes ?? (this.#full ? NPM_MAX_FULL_BYTES : NPM_MAX_ABBREVIATED_BYTES),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      },
      'npm',
      'registry_unavailable',
      'registry',
    );
  }

  async lookup(ref: PackageRef): Promise<PackageLookup> {
    if (ref.runtime !== 'npm') throw new CatwalkError('invalid_package_name', 'The npm registry only looks up npm packages.', { runtime: ref.runtime });
    const name = parseNpmName(ref.name);
    const requested = ref.version === undefined ? 'latest' : parseNpmVersion(ref.version);
    const answer = await this.#api.get(npmPackagePath(name), packumentSchema);
    if (answer.kind === 'not_found') return { kind: 'missing_package' };
    return resolve(answer.body, name, requested);
  }
}

function resolve(doc: Packument, name: string, requested: string): PackageLookup {
  const latest = doc['dist-tags']['latest'];
  // A packument without a latest tag has had every version unpublished: it does not exist for us.
  if (latest === undefined || doc.versions[latest] === undefined) return { kind: 'missing_package' };
  const version = isExactNpmVersion(requested) ? requested : doc['dist-tags'][requested];
  const entry = version === undefined ? undefined : doc.versions[version];
  if (version === undefined || entry === undefined) return { kind: 'missing_version', latestVersion: latest };
  const description = doc.description ?? entry.description;
  const repositoryUrl = repositoryUrlOf(doc.repository ?? entry.repository);
  const info: PackageInfo = {
    runtime: 'npm',
    name,
    version: entry.version,
    latestVersion: latest,
    ...(description === undefined || description === '' ? {} : { description }),
    ...(repositoryUrl === undefined ? {} : { repositoryUrl }),
    ...(typeof entry.deprecated === 'string' && entry.deprecated !== '' ? { deprecated: entry.deprecated } : {}),
  };
  return { kind: 'found', info };
}

function repositoryUrlOf(repository: z.infer<typeof repositorySchema> | undefined): string | undefined {
  if (repository === undefined) return undefined;
  const url = typeof repository === 'string' ? repository : repository.url;
  return url === undefined || url === '' ? undefined : url;
}
