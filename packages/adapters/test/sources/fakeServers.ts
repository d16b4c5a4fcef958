import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

/** A request the fake saw. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What a fake answers. */
export interface FakeAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string | Buffer;
}

/** A fake's request handler. */
export type FakeHandler = (request: LoggedRequest) => FakeAnswer | Promise<FakeAnswer>;

/** A fake HTTP server on 127.0.0.1 (port 0) with a request log. */
export class FakeHttpServer {
  readonly requests: LoggedRequest[] = [];
  #server: Server | undefined;
  #handler: FakeHandler;

  constructor(handler: FakeHandler) {
    this.#handler = handler;
  }

  /** Replaces the handler (tests switch faults on and off). */
  setHandler(handler: FakeHandler): void {
    this.#handler = handler;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | undefined;
    if (address === undefined) throw new Error('not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const logged: LoggedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(logged);
        Promise.resolve(this.#handler(logged)).then(
          (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
            res.end(answer.body);
          },
          () => {
            res.writeHead(500);
            res.end('{}');
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server === undefined ? resolve() : this.#server.close(() => resolve())));
  }
}

/** One entry of a fake git tree. */
export interface FakeTreeEntry {
  readonly path: string;
  readonly mode: string;
  readonly type: 'blob' | 'tree' | 'commit';
  readonly sha: string;
  readonly size?: number;
  /** Content served by the blobs endpoint (absent: the blob 404s, e.g. a claimed 100 MB file). */
  readonly content?: Buffer;
}

/** Git's blob id: sha1("blob <size>\0<content>"). */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** Tree entries for every file under `dir` (what GitHub would list for a repository with that content). */
export function treeFromDirectory(dir: string): FakeTreeEntry[] {
  const entries: FakeTreeEntry[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = join(current, name);
      const path = relative(dir, full).split(sep).join('/');
      if (statSync(full).isDirectory()) {
        entries.push({ path, mode: '040000', type: 'tree', sha: createHash('sha1').update(path).digest('hex') });
        walk(full);
      } else {
        const content = readFileSync(full);
        entries.push({ path, mode: '100644', type: 'blob', sha: blobSha(content), size: content.byteLength, content });
      }
    }
  };
  walk(dir);
  return entries;
}

/** A repository the fake GitHub serves. */
export interface FakeRepo {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  /** Tree per ref (branch name or sha). */
  readonly trees: Record<string, FakeTreeEntry[]>;
  readonly truncated?: boolean;
}

/**
 * A fake GitHub REST API following the documented shapes: `GET /repos/{o}/{r}` → `{ default_branch }`,
 * `GET /repos/{o}/{r}/git/trees/{ref}?recursive=1` → `{ sha, tree: [{ path, mode, type, sha, size }], truncated }`,
 * `GET /repos/{o}/{r}/git/blobs/{sha}` → `{ sha, size, content (base64, 60-char lines), encoding: 'base64' }`.
 * `rateLimited` answers 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` as GitHub does.
 */
export class FakeGitHub {
  readonly server: FakeHttpServer;
  readonly repos = new Map<string, FakeRepo>();
  rateLimitedUntil: number | undefined;
  /** Answer 429 with retry-after instead of 403 (secondary rate limit). */
  secondaryRateLimit = false;

  constructor() {
    this.server = new FakeHttpServer((request) => this.#route(request));
  }

  add(repo: FakeRepo): void {
    this.repos.set(`${repo.owner}/${repo.repo}`.toLowerCase(), repo);
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  #route(request: LoggedRequest): { status: number; headers?: Record<string, string>; body: string } {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body: JSON.stringify(body) });
    if (this.secondaryRateLimit) return json(429, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '60' });
    if (this.rateLimitedUntil !== undefined) {
      return json(403, { message: 'API rate limit exceeded for 127.0.0.1.' }, { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(this.rateLimitedUntil) });
    }
    const url = new URL(request.url, 'http://fake');
    const match = /^\/repos\/([^/]+)\/([^/]+)(?:\/git\/(trees|blobs)\/(.+))?$/.exec(url.pathname);
    if (match === null) return json(404, { message: 'Not Found' });
    const repo = this.repos.get(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`.toLowerCase());
    if (repo === undefined) return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    if (match[3] === undefined) return json(200, { name: repo.repo, full_name: `${repo.owner}/${repo.repo}`, default_branch: repo.defaultBranch, private: false });
    const id = decodeURIComponent(match[4]!);
    if (match[3] === 'trees') {
      const tree = repo.trees[id];
      if (tree === undefined) return json(404, { message: 'Not Found' });
      const entries = url.searchParams.get('recursive') === null ? tree.filter((e) => !e.path.includes('/')) : tree;
      return json(200, {
        sha: createHash('sha1').update(id).digest('hex'),
        url: `${this.url}${url.pathname}`,
        tree: entries.map(({ content: _content, ...entry }) => ({ ...entry, url: `${this.url}/repos/${repo.owner}/${repo.repo}/git/blobs/${entry.sha}` })),
        truncated: repo.truncated ?? false,
      });
    }
    for (const tree of Object.values(repo.trees)) {
      const entry = tree.find((e) => e.sha === id && e.content !== undefined);
      if (entry?.content !== undefined) {
        const base64 = entry.content.toString('base64').replace(/(.{60})/g, '$1\n');
        return json(200, { sha: id, node_id: 'x', size: entry.content.byteLength, url: `${this.url}${url.pathname}`, content: base64, encoding: 'base64' });
      }
    }
    return json(404, { message: 'Not Found' });
  }
}
