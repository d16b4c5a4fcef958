/**
 * Local fake npm and PyPI servers (node:http on 127.0.0.1, port 0) following the real JSON APIs closely enough for
 * the adapters: npm packuments (abbreviated with `Accept: application/vnd.npm.install-v1+json`, full otherwise),
 * PyPI `/pypi/{name}/json` and `/pypi/{name}/{version}/json`. Each keeps a request log and takes injectable faults.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SeededPackage } from '@catwalk/core/testing';

/** Faults a fake server can inject into every following response (until cleared). */
export type Fault =
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'slow-body'; readonly ms: number }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'html' }
  | { readonly kind: 'huge'; readonly bytes: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'wrong-shape' }
  | { readonly kind: 'reset' };

/** One request the fake received. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A running fake upstream. */
export interface FakeServer {
  readonly baseUrl: string;
  readonly requests: LoggedRequest[];
  /** Injects a fault into every following response. */
  fault(fault: Fault | undefined): void;
  /** Bytes written by `huge` responses before the client hung up. */
  readonly hugeBytesSent: () => number;
  close(): Promise<void>;
}

type Route = (url: URL, req: http.IncomingMessage) => { status: number; body: unknown } | undefined;

/** Starts a fake upstream that answers through `route` (undefined → 404 JSON like the real registries). */
export async function startFakeServer(route: Route): Promise<FakeServer> {
  const requests: LoggedRequest[] = [];
  let current: Fault | undefined;
  let hugeSent = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    void respond(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function respond(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const fault = current;
    if (fault?.kind === 'slow') await delay(fault.ms);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') return send(res, fault.status, { error: 'Internal Server Error' });
    if (fault?.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Service Unavailable</h1></body></html>');
      return;
    }
    if (fault?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"name": "truncated", "versions": {');
      return;
    }
    if (fault?.kind === 'wrong-shape') return send(res, 200, { name: 42, versions: 'nope', info: [] });
    if (fault?.kind === 'huge') return streamHuge(res, fault.bytes);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = route(url, req) ?? { status: 404, body: { error: 'Not found' } };
    if (fault?.kind === 'slow-body') {
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      for (const char of text) {
        if (res.destroyed) return;
        res.write(char);
        await delay(fault.ms);
      }
      res.end();
      return;
    }
    send(res, answer.status, answer.body);
  }

  function streamHuge(res: http.ServerResponse, bytes: number): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    res.write('{"pad":"');
    let left = bytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const ok = res.write(chunk);
        left -= chunk.length;
        hugeSent += chunk.length;
        if (!ok) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end('"}');
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    fault(fault) {
      current = fault;
    },
    hugeBytesSent: () => hugeSent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function latestOf(pkg: SeededPackage): string {
  return pkg.latest ?? pkg.versions[pkg.versions.length - 1]!;
}

/** npm packument of a seeded package, abbreviated (install-v1) or full, as registry.npmjs.org shapes them. */
export function npmPackument(pkg: SeededPackage, abbreviated: boolean): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const version of pkg.versions) {
    const deprecated = pkg.deprecated?.[version];
    versions[version] = {
      name: pkg.name,
      version,
      dist: { tarball: `https://registry.example/${pkg.name}/-/${version}.tgz`, shasum: '0'.repeat(40) },
      ...(deprecated === undefined ? {} : { deprecated }),
      ...(abbreviated ? {} : { description: pkg.description ?? '' }),
    };
  }
  const doc: Record<string, unknown> = {
    name: pkg.name,
    'dist-tags': { latest: latestOf(pkg), ...(pkg.distTags ?? {}) },
    versions,
    modified: '2026-01-01T00:00:00.000Z',
  };
  if (!abbreviated) {
    if (pkg.description !== undefined) doc['description'] = pkg.description;
    if (pkg.repositoryUrl !== undefined) doc['repository'] = { type: 'git', url: pkg.repositoryUrl };
  }
  return doc;
}

/** A fake npm registry serving `packages` (npm runtime only). */
export function startFakeNpm(packages: readonly SeededPackage[]): Promise<FakeServer> {
  const byName = new Map(packages.filter((p) => p.runtime === 'npm').map((p) => [p.name, p]));
  return startFakeServer((url, req) => {
    // The registry accepts both `@scope%2fname` and `@scope/name`.
    const name = decodeURIComponent(url.pathname.slice(1));
    const pkg = byName.get(name);
    if (pkg === undefined) return undefined;
    const abbreviated = (req.headers.accept ?? '').includes('application/vnd.npm.install-v1+json');
    return { status: 200, body: npmPackument(pkg, abbreviated) };
  });
}

/** PyPI `info` block for one release of a seeded package. */
function pypiInfo(pkg: SeededPackage, version: string): Record<string, unknown> {
  const yankedReason = pkg.yanked?.[version];
  return {
    name: pkg.name,
    version,
    summary: pkg.description ?? '',
    home_page: null,
    project_urls: pkg.repositoryUrl === undefined ? null : { Source: pkg.repositoryUrl },
    yanked: yankedReason !== undefined,
    yanked_reason: yankedReason === undefined || yankedReason === '' ? null : yankedReason,
  };
}

/** A fake PyPI JSON API serving `packages` (python runtime only). */
export function startFakePypi(packages: readonly SeededPackage[]): Promise<FakeServer> {
  const byName = new Map(packages.filter((p) => p.runtime === 'python').map((p) => [p.name, p]));
  return startFakeServer((url) => {
    const match = /^\/pypi\/([^/]+)(?:\/([^/]+))?\/json$/.exec(url.pathname);
    if (match === null) return undefined;
    const pkg = byName.get(decodeURIComponent(match[1]!));
    if (pkg === undefined) return undefined;
    const version = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (version !== undefined && !pkg.versions.includes(version)) return undefined;
    const releases = Object.fromEntries(
      pkg.versions.map((v) => [v, [{ filename: `${pkg.name}-${v}.tar.gz`, yanked: pkg.yanked?.[v] !== undefined, yanked_reason: pkg.yanked?.[v] ?? null }]]),
    );
    return {
      status: 200,
      body: version === undefined ? { info: pypiInfo(pkg, latestOf(pkg)), releases, urls: [] } : { info: pypiInfo(pkg, version), urls: [] },
    };
  });
}
