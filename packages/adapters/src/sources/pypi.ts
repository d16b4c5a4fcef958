import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { CatwalkError } from '@catwalk/core';
import type { RepoSource, Snapshot, SnapshotLimits, Source } from '@catwalk/core';
import { translateHttpError } from './httpErrors.js';
import type { Candidate } from './snapshot.js';
import { SkipList, buildSnapshot, resolveLimits } from './snapshot.js';

/** Options of {@link PypiDescriptionSource}. */
export interface PypiSourceOptions {
  /** PyPI base URL; default `https://pypi.org`. */
  readonly baseUrl?: string;
  readonly limits?: Partial<SnapshotLimits>;
  readonly timeoutMs?: number;
}

const infoSchema = z.object({
  info: z.object({
    name: z.string().max(200),
    version: z.string().max(128),
    summary: z.string().max(4000).nullish(),
    description: z.string().nullish(),
    description_content_type: z.string().max(200).nullish(),
    requires_dist: z.array(z.string().max(2000)).max(1000).nullish(),
    requires_python: z.string().max(200).nullish(),
    project_urls: z.record(z.string(), z.string().max(2000)).nullish(),
  }),
});

/**
 * Reads a PyPI project from the JSON API (`GET {base}/pypi/{name}/json` or `/pypi/{name}/{version}/json`).
 *
 * Limitation, on purpose: sdists and wheels are not downloaded (PyPI's file hosts are out of reach from where
 * Catwalk is built and tested), so the snapshot holds only the project description as `README.md` and the
 * metadata as `PKG-INFO` (Name, Version, Summary, Requires-Dist, in the core-metadata format). Env vars and tools
 * are therefore found only when the README documents them.
 */
export class PypiDescriptionSource implements RepoSource {
  readonly #http: AxiosInstance;
  readonly #limits: SnapshotLimits;

  constructor(options: PypiSourceOptions = {}) {
    this.#limits = resolveLimits(options.limits);
    this.#http = axios.create({
      baseURL: (options.baseUrl ?? 'https://pypi.org').replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 15_000,
      maxContentLength: 32 * 1024 * 1024,
      maxRedirects: 0,
      headers: { Accept: 'application/json', 'User-Agent': 'catwalk' },
    });
  }

  async fetch(source: Source): Promise<Snapshot> {
    if (source.kind !== 'package' || source.package.runtime !== 'python') {
      throw new CatwalkError('invalid_source', 'The PyPI source reads PyPI packages only.', { source: source.key });
    }
    const pkg = source.package;
    const path =
      pkg.version === undefined || pkg.version === 'latest'
        ? `/pypi/${encodeURIComponent(pkg.name)}/json`
        : `/pypi/${encodeURIComponent(pkg.name)}/${encodeURIComponent(pkg.version)}/json`;
    let data: unknown;
    try {
      data = (await this.#http.get<unknown>(path)).data;
    } catch (error) {
      throw translateHttpError(error, { upstream: 'PyPI', source: source.key, notFound: pkg.version === undefined ? 'package' : 'version' });
    }
    const parsed = infoSchema.safeParse(data);
    if (!parsed.success) {
      throw new CatwalkError('source_unavailable', `PyPI answered ${pkg.name} with an unexpected document.`, { source: source.key }, { retryable: true });
    }
    const info = parsed.data.info;
    const readmeName = /rst/i.test(info.description_content_type ?? '') ? 'README.rst' : 'README.md';
    const metadata = [
      'Metadata-Version: 2.1',
      `Name: ${oneLine(info.name)}`,
      `Version: ${oneLine(info.version)}`,
      ...(info.summary ? [`Summary: ${oneLine(info.summary)}`] : []),
      ...(info.requires_python ? [`Requires-Python: ${oneLine(info.requires_python)}`] : []),
      ...(info.requires_dist ?? []).map((requirement) => `Requires-Dist: ${oneLine(requirement)}`),
      ...Object.entries(info.project_urls ?? {}).map(([label, url]) => `Project-URL: ${oneLine(label)}, ${oneLine(url)}`),
      '',
    ].join('\n');
    const candidates: Candidate[] = [textCandidate('PKG-INFO', metadata)];
    if (info.description) candidates.push(textCandidate(readmeName, info.description));
    return buildSnapshot({
      key: source.key,
      origin: `pypi:${pkg.name}==${info.version}`,
      limits: this.#limits,
      candidates,
      skipped: new SkipList(),
      knownPackage: { runtime: 'python', name: pkg.name, version: info.version },
      oversizeFactor: Number.POSITIVE_INFINITY,
    });
  }
}

function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function textCandidate(path: string, text: string): Candidate {
  const bytes = new TextEncoder().encode(text);
  return { path, size: bytes.byteLength, read: async (maxBytes) => bytes.subarray(0, maxBytes) };
}
