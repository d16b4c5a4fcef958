import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stdlib-only Python MCP server fixture and the wheel builder next to it. */
export const PY_FIXTURE_PACKAGE = fileURLToPath(new URL('../fixtures/python-mcp/catwalk_py_fixture', import.meta.url));
const BUILD_WHEEL = fileURLToPath(new URL('../fixtures/python-mcp/build_wheel.py', import.meta.url));

/** Builds a wheel of the fixture (two console scripts: the server, named like the package, and `…-admin`). */
export function buildFixtureWheel(outDir: string, name = 'catwalk-py-fixture', version = '1.0.0'): string {
  const scripts = [`${name}=catwalk_py_fixture:main`, `${name}-admin=catwalk_py_fixture:admin`];
  return execFileSync('python3', [BUILD_WHEEL, outDir, name, version, PY_FIXTURE_PACKAGE, ...scripts], { encoding: 'utf8' }).trim();
}

/** A PEP 503 simple index on 127.0.0.1 serving files per project, counting the requests for each project page. */
export interface FakePypiIndex {
  /** `http://127.0.0.1:<port>/simple` */
  readonly url: string;
  /** Requests for `/simple/<project>/` so far, by project. */
  readonly pageHits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `projects` (normalised name → files: wheels or anything pip may be offered, such as an sdist name). */
export async function startFakePypiIndex(projects: Record<string, readonly { file: string; content: Buffer }[]>): Promise<FakePypiIndex> {
  const pageHits = new Map<string, number>();
  const files = new Map(Object.values(projects).flatMap((list) => list.map((f) => [basename(f.file), f.content] as const)));
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://index').pathname;
    const page = /^\/simple\/([^/]+)\/?$/.exec(path);
    if (page !== null) {
      const project = page[1]!;
      pageHits.set(project, (pageHits.get(project) ?? 0) + 1);
      const list = projects[project];
      if (list === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
        return;
      }
      const links = list.map((f) => {
        const name = basename(f.file);
        return `<a href="/files/${name}#sha256=${createHash('sha256').update(f.content).digest('hex')}">${name}</a><br>`;
      });
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(`<!DOCTYPE html><html><body>${links.join('\n')}</body></html>`);
      return;
    }
    const file = /^\/files\/([^/]+)$/.exec(path);
    const content = file === null ? undefined : files.get(file[1]!);
    if (content === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length }).end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple`,
    pageHits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A wheel file as the index serves it. */
export function wheelEntry(path: string): { file: string; content: Buffer } {
  return { file: path, content: readFileSync(path) };
}
