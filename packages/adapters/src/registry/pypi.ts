import { z } from 'zod';
import { CatwalkError, parsePypiName, parsePypiVersion } from '@catwalk/core';
import type { PackageInfo, PackageLookup, PackageRef, PackageRegistry, Runtime } from '@catwalk/core';
import type { HttpLimits } from './http.js';
import { JsonApi } from './http.js';

/** Options of the PyPI adapter. */
export interface PypiRegistryOptions extends HttpLimits {
  /** Index base URL (the JSON API lives under `{base}/pypi/`); default `https://pypi.org`. */
  readonly baseUrl?: string;
}

/** PyPI project documents list every release's files; big projects reach a few MB. */
export const PYPI_MAX_BYTES = 10 * 1024 * 1024;

const infoSchema = z.looseObject({
  name: z.string().max(200),
  version: z.string().max(128),
  summary: z.string().max(4000).nullish(),
  yanked: z.boolean().optional(),
  yanked_reason: z.string().max(2000).nullish(),
  project_urls: z.record(z.string().max(200), z.string().max(2000)).nullish(),
  home_page: z.string().max(2000).nullish(),
});
const documentSchema = z.looseObject({ info: infoSchema });
type Info = z.infer<typeof infoSchema>;

const SOURCE_KEYS = ['source', 'source code', 'repository', 'code', 'github', 'homepage'];

/**
 * PyPI's JSON API: `GET {base}/pypi/{name}/json` for the latest release, plus `GET {base}/pypi/{name}/{version}/json`
 * for a pinned one (both concurrently: the project document says what latest is, the release document whether
 * the pin exists and is yanked). Names are PEP 503-normalised and re-validated before any request.
 */
export class PypiRegistry implements PackageRegistry {
  readonly runtimes: readonly Runtime[] = ['python'];
  readonly #api: JsonApi;

  constructor(options: PypiRegistryOptions = {}) {
    this.#api = new JsonApi(
      {
        baseUrl: options.baseUrl ?? 'https://pypi.org',
        maxBytes: options.maxBytes ?? PYPI_MAX_BYTES,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      },
      'pypi',
      'registry_unavailable',
      'registry',
    );
  }

  async lookup(ref: PackageRef): Promise<PackageLookup> {
    if (ref.runtime !== 'python') throw new CatwalkError('invalid_package_name', 'PyPI only looks up Python packages.', { runtime: ref.runtime });
    const name = parsePypiName(ref.name);
    const version = ref.version === undefined ? 'latest' : parsePypiVersion(ref.version);
    const project = `/pypi/${encodeURIComponent(name)}/json`;
    if (version === 'latest') {
      const answer = await this.#api.get(project, documentSchema);
      if (answer.kind === 'not_found') return { kind: 'missing_package' };
      return { kind: 'found', info: toInfo(name, answer.body.info, answer.body.info.version) };
    }
    const [latest, release] = await Promise.all([
      this.#api.get(project, documentSchema),
      this.#api.get(`/pypi/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`, documentSchema),
    ]);
    if (latest.kind === 'not_found') return { kind: 'missing_package' };
    if (release.kind === 'not_found') return { kind: 'missing_version', latestVersion: latest.body.info.version };
    return { kind: 'found', info: toInfo(name, release.body.info, latest.body.info.version) };
  }
}

function toInfo(name: string, info: Info, latestVersion: string): PackageInfo {
  const repositoryUrl = repositoryUrlOf(info);
  return {
    runtime: 'python',
    name,
    version: info.version,
    latestVersion,
    ...(info.summary === undefined || info.summary === null || info.summary === '' ? {} : { description: info.summary }),
    ...(repositoryUrl === undefined ? {} : { repositoryUrl }),
    ...(info.yanked === true
      ? { yanked: true, ...(info.yanked_reason === undefined || info.yanked_reason === null || info.yanked_reason === '' ? {} : { yankedReason: info.yanked_reason }) }
      : {}),
  };
}

function repositoryUrlOf(info: Info): string | undefined {
  const urls = info.project_urls ?? {};
  for (const [key, url] of Object.entries(urls)) {
    if (SOURCE_KEYS.slice(0, 5).includes(key.toLowerCase())) return url;
  }
  for (const [key, url] of Object.entries(urls)) {
    if (SOURCE_KEYS.includes(key.toLowerCase()) && /github\.com|gitlab\.com/.test(url)) return url;
  }
  return info.home_page !== undefined && info.home_page !== null && /github\.com|gitlab\.com/.test(info.home_page) ? info.home_page : undefined;
}
