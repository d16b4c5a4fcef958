import { createHash } from 'node:crypto';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { CatwalkError } from '@catwalk/core';
import type { PackageRef, RepoSource, Snapshot, SnapshotLimits, Source } from '@catwalk/core';
import { translateHttpError } from './httpErrors.js';
import { SkipList, buildSnapshot, resolveLimits } from './snapshot.js';
import { extractTarball } from './tarball.js';

/** Options of {@link NpmTarballSource}. */
export interface NpmSourceOptions {
  /** Registry base URL; default `https://registry.npmjs.org`. */
  readonly registryUrl?: string;
  readonly limits?: Partial<SnapshotLimits>;
  /** Compressed tarball bytes at most; default 20 MiB. */
  readonly maxTarballBytes?: number;
  /** Unpacked bytes at most; default 64 MiB. */
  readonly maxUnpackedBytes?: number;
  /** Per-request timeout in ms; default 30,000. */
  readonly timeoutMs?: number;
  /**
   * Whether a tarball may live on another host than the registry. Default false: the packument is untrusted
   * input, and a `dist.tarball` pointing elsewhere would make Catwalk fetch arbitrary URLs.
   */
  readonly allowForeignTarballHost?: boolean;
}

const packumentSchema = z.object({
  name: z.string(),
  'dist-tags': z.record(z.string(), z.string()).optional(),
  versions: z.record(
    z.string(),
    z.object({
      dist: z.object({ tarball: z.string().max(2000), integrity: z.string().max(1000).optional(), shasum: z.string().optional() }),
    }),
  ),
});

/**
 * Reads an npm package at a version: the abbreviated packument (`GET {registry}/{name}`), then `dist.tarball`
 * downloaded with a byte cap, checked against `dist.integrity`, gunzipped and untarred in memory.
 */
export class NpmTarballSource implements RepoSource {
  readonly #http: AxiosInstance;
  readonly #registry: URL;
  readonly #limits: SnapshotLimits;
  readonly #maxTarballBytes: number;
  readonly #maxUnpackedBytes: number;
  readonly #allowForeignHost: boolean;

  constructor(options: NpmSourceOptions = {}) {
    this.#registry = new URL((options.registryUrl ?? 'https://registry.npmjs.org').replace(/\/+$/, '') + '/');
    this.#limits = resolveLimits(options.limits);
    this.#maxTarballBytes = options.maxTarballBytes ?? 20 * 1024 * 1024;
    this.#maxUnpackedBytes = options.maxUnpackedBytes ?? 64 * 1024 * 1024;
    this.#allowForeignHost = options.allowForeignTarballHost ?? false;
    this.#http = axios.create({ timeout: options.timeoutMs ?? 30_000, maxRedirects: 3, headers: { 'User-Agent': 'catwalk' } });
  }

  async fetch(source: Source): Promise<Snapshot> {
    if (source.kind !== 'package' || source.package.runtime !== 'npm') {
      throw new CatwalkError('invalid_source', 'The npm source reads npm packages only.', { source: source.key });
    }
    const pkg = source.package;
    const key = source.key;
    const { version, tarball, integrity } = await this.#resolve(pkg, key);
    const gzipped = await this.#download(tarball, key);
    if (integrity !== undefined) verifyIntegrity(gzipped, integrity, key);
    const skipped = new SkipList();
    const extracted = await extractTarball(
      gzipped,
      { maxUnpackedBytes: this.#maxUnpackedBytes, maxFileBytes: this.#limits.maxFileBytes, maxEntries: 20_000 },
      skipped,
      key,
    );
    return buildSnapshot({
      key,
      origin: `npm:${pkg.name}@${version}`,
      limits: this.#limits,
      candidates: extracted.candidates,
      skipped,
      sourceTruncated: extracted.truncated,
      knownPackage: { runtime: 'npm', name: pkg.name, version },
      // The tarball is already in memory: files larger than the limit are kept truncated, whatever their rank.
      oversizeFactor: Number.POSITIVE_INFINITY,
    });
  }

  async #resolve(pkg: PackageRef, key: string): Promise<{ version: string; tarball: URL; integrity?: string }> {
    // Scoped names keep their @ and encode the slash, as the registry expects.
    const url = new URL(pkg.name.replace('/', '%2f'), this.#registry);
    let data: unknown;
    try {
      const response = await this.#http.get<unknown>(url.toString(), {
        headers: { Accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
        maxContentLength: 64 * 1024 * 1024,
      });
      data = response.data;
    } catch (error) {
      throw translateHttpError(error, { upstream: 'the npm registry', source: key, notFound: 'package' });
    }
    const parsed = packumentSchema.safeParse(data);
    if (!parsed.success) {
      throw new CatwalkError('source_unavailable', `The npm registry answered ${pkg.name} with an unexpected document.`, { source: key }, { retryable: true });
    }
    const requested = pkg.version ?? 'latest';
    const version = parsed.data.versions[requested] !== undefined ? requested : parsed.data['dist-tags']?.[requested];
    const entry = version === undefined ? undefined : parsed.data.versions[version];
    if (version === undefined || entry === undefined) {
      throw new CatwalkError('not_found', `npm package ${pkg.name} has no version ${requested}.`, { source: key });
    }
    let tarball: URL;
    try {
      tarball = new URL(entry.dist.tarball);
    } catch {
      throw new CatwalkError('source_unavailable', `The npm registry listed an invalid tarball URL for ${pkg.name}.`, { source: key });
    }
    if (tarball.protocol !== 'https:' && tarball.protocol !== 'http:') {
      throw new CatwalkError('source_unavailable', `The npm registry listed a tarball with an unsupported scheme for ${pkg.name}.`, { source: key });
    }
    if (!this.#allowForeignHost && tarball.host !== this.#registry.host) {
      throw new CatwalkError('source_unavailable', `The tarball of ${pkg.name} is not hosted by the configured registry.`, {
        source: key,
        reason: 'foreign_tarball_host',
      });
    }
    return entry.dist.integrity === undefined ? { version, tarball } : { version, tarball, integrity: entry.dist.integrity };
  }

  async #download(tarball: URL, key: string): Promise<Uint8Array> {
    try {
      const response = await this.#http.get<ArrayBuffer>(tarball.toString(), {
        responseType: 'arraybuffer',
        maxContentLength: this.#maxTarballBytes,
        maxRedirects: this.#allowForeignHost ? 3 : 0,
      });
      return new Uint8Array(response.data);
    } catch (error) {
      throw translateHttpError(error, { upstream: 'the npm registry', source: key, notFound: 'tarball' });
    }
  }
}

/** Checks Subresource-Integrity strings (`sha512-…`) the registry publishes; unknown algorithms are ignored. */
function verifyIntegrity(bytes: Uint8Array, integrity: string, key: string): void {
  const candidates = integrity.split(/\s+/).filter((part) => /^sha(256|384|512)-/.test(part));
  if (candidates.length === 0) return;
  const ok = candidates.some((part) => {
    const dash = part.indexOf('-');
    const algorithm = part.slice(0, dash);
    return createHash(algorithm).update(bytes).digest('base64') === part.slice(dash + 1);
  });
  if (!ok) {
    throw new CatwalkError('source_unavailable', `The tarball of ${key} does not match the registry's integrity hash.`, { source: key, reason: 'integrity' });
  }
}
