import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { CatwalkError } from '@catwalk/core';
import type { RepoRef, RepoSource, Snapshot, SnapshotLimits, Source } from '@catwalk/core';
import { translateHttpError } from './httpErrors.js';
import type { Candidate } from './snapshot.js';
import { SkipList, buildSnapshot, hasBinaryExtension, isIgnoredPath, isSafeRelativePath, resolveLimits } from './snapshot.js';

/** Options of {@link GitHubRepoSource}. */
export interface GitHubSourceOptions {
  /** API base URL; default `https://api.github.com` (GitHub Enterprise: `https://host/api/v3`). */
  readonly baseUrl?: string;
  /** `GITHUB_TOKEN`: sent as `Authorization: Bearer`, raises the rate limit from 60 to 5,000 requests/hour. */
  readonly token?: string;
  readonly limits?: Partial<SnapshotLimits>;
  /** Per-request timeout in ms; default 15,000. */
  readonly timeoutMs?: number;
  /** Tree entries looked at, at most (a hostile tree may list millions); default 100,000 (GitHub's own cap). */
  readonly maxTreeEntries?: number;
  /** Clock for rate-limit reset arithmetic (tests). */
  readonly now?: () => number;
}

const repoSchema = z.object({ default_branch: z.string().min(1).max(255) });
const treeSchema = z.object({
  truncated: z.boolean().optional(),
  tree: z.array(
    z.object({
      path: z.string(),
      mode: z.string().optional(),
      type: z.string(),
      sha: z.string(),
      size: z.number().int().nonnegative().optional(),
    }),
  ),
});
const blobSchema = z.object({ content: z.string(), encoding: z.string() });

const SYMLINK_MODE = '120000';
const README = /^readme(\.[a-z]+)?$/i;

/**
 * Reads a GitHub repository through the REST API: the default branch (`GET /repos/{o}/{r}`), the recursive git
 * tree, then the chosen blobs (`GET /repos/{o}/{r}/git/blobs/{sha}`, base64). A `/tree/{ref}/{path}` source reads
 * only that folder, plus the repository README when the folder has none.
 */
export class GitHubRepoSource implements RepoSource {
  readonly #http: AxiosInstance;
  readonly #limits: SnapshotLimits;
  readonly #maxTreeEntries: number;
  readonly #now: () => number;

  constructor(options: GitHubSourceOptions = {}) {
    this.#limits = resolveLimits(options.limits);
    this.#maxTreeEntries = options.maxTreeEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
    this.#http = axios.create({
      baseURL: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 15_000,
      // GitHub caps a recursive tree at 100,000 entries / 7 MB; allow headroom, never unbounded.
      maxContentLength: 32 * 1024 * 1024,
      maxRedirects: 0,
      headers: {
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'catwalk',
        ...(options.token === undefined || options.token === '' ? {} : { Authorization: `Bearer ${options.token}` }),
      },
    });
  }

  async fetch(source: Source): Promise<Snapshot> {
    if (source.kind !== 'repo') {
      throw new CatwalkError('invalid_source', 'The GitHub source reads GitHub repository URLs only.', { source: source.key });
    }
    const repo = source.repo;
    const base = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
    const ref = repo.ref ?? (await this.#defaultBranch(base, repo));
    const tree = await this.#get(`${base}/git/trees/${encodeURIComponent(ref)}`, repo, 'branch or ref', { recursive: '1' });
    const parsedTree = treeSchema.safeParse(tree);
    if (!parsedTree.success) throw this.#nonsense(repo);
    const entries = parsedTree.data.tree;
    const prefix = repo.path === undefined ? '' : `${repo.path}/`;
    const skipped = new SkipList();
    const candidates: Candidate[] = [];
    let hasReadme = false;
    let sourceTruncated = parsedTree.data.truncated === true || entries.length > this.#maxTreeEntries;
    let rootReadme: (typeof entries)[number] | undefined;

    for (const entry of entries.slice(0, this.#maxTreeEntries)) {
      if (entry.type !== 'blob') continue;
      if (prefix !== '' && !entry.path.includes('/') && README.test(entry.path)) rootReadme = entry;
      if (!entry.path.startsWith(prefix)) continue;
      const path = entry.path.slice(prefix.length);
      if (!isSafeRelativePath(path)) {
        skipped.add(path.slice(0, 200), 'unsafe_path');
        continue;
      }
      if (isIgnoredPath(path)) continue;
      if (entry.mode === SYMLINK_MODE) {
        skipped.add(path, 'symlink');
        continue;
      }
      if (hasBinaryExtension(path)) {
        skipped.add(path, 'binary');
        continue;
      }
      if (!path.includes('/') && README.test(path)) hasReadme = true;
      candidates.push(this.#candidate(base, repo, path, entry.sha, entry.size ?? 0));
    }
    if (prefix !== '' && candidates.length === 0 && !hasReadme) {
      throw new CatwalkError('not_found', `The folder ${repo.path} does not exist in ${repo.owner}/${repo.repo} at ${ref}.`, {
        source: source.key,
      });
    }
    // The folder has no README of its own: the repository's README is the best documentation there is.
    if (prefix !== '' && !hasReadme && rootReadme !== undefined && rootReadme.mode !== SYMLINK_MODE) {
      candidates.push(this.#candidate(base, repo, rootReadme.path, rootReadme.sha, rootReadme.size ?? 0));
    }
    if (entries.length > this.#maxTreeEntries) sourceTruncated = true;
    return buildSnapshot({
      key: source.key,
      origin: repo.url,
      limits: this.#limits,
      candidates,
      skipped,
      sourceTruncated,
    });
  }

  #candidate(base: string, repo: RepoRef, path: string, sha: string, size: number): Candidate {
    return {
      path,
      size,
      read: async () => {
        if (!/^[0-9a-f]{40,64}$/i.test(sha)) throw this.#nonsense(repo);
        // Blobs are base64 (4/3 of the file) in JSON; the largest one read is 4 × maxFileBytes (a README).
        const maxContentLength = Math.ceil(this.#limits.maxFileBytes * 4 * 1.4) + 64 * 1024;
        const body = blobSchema.safeParse(await this.#get(`${base}/git/blobs/${sha}`, repo, 'file', undefined, maxContentLength));
        if (!body.success || body.data.encoding !== 'base64') throw this.#nonsense(repo);
        return new Uint8Array(Buffer.from(body.data.content, 'base64'));
      },
    };
  }

  async #defaultBranch(base: string, repo: RepoRef): Promise<string> {
    const parsed = repoSchema.safeParse(await this.#get(base, repo, 'repository'));
    if (!parsed.success) throw this.#nonsense(repo);
    return parsed.data.default_branch;
  }

  async #get(url: string, repo: RepoRef, notFound: string, params?: Record<string, string>, maxContentLength?: number): Promise<unknown> {
    try {
      const response = await this.#http.get<unknown>(url, {
        ...(params === undefined ? {} : { params }),
        ...(maxContentLength === undefined ? {} : { maxContentLength }),
      });
      return response.data;
    } catch (error) {
      throw translateHttpError(error, { upstream: 'GitHub', source: repo.key, notFound }, this.#now());
    }
  }

  #nonsense(repo: RepoRef): CatwalkError {
    return new CatwalkError('source_unavailable', `GitHub answered ${repo.owner}/${repo.repo} with an unexpected response.`, { source: repo.key }, { retryable: true });
  }
}
