import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { isCatwalkError, parseSource } from '@catwalk/core';
import { NpmTarballSource } from '../../src/sources/npm.js';
import { StaticAnalyzer } from '../../src/analysis/static/staticAnalyzer.js';
import { FIXTURES_DIR } from '../analysis/fixtureExpectations.js';
import { FakeHttpServer } from './fakeServers.js';
import type { FakeAnswer, LoggedRequest } from './fakeServers.js';

/** One tar entry to pack: a file, or a raw header for hostile entries (links, traversal). */
type PackEntry = { name: string; content?: string | Buffer; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string };

async function packTarball(entries: readonly PackEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') pack.entry({ name: entry.name }, entry.content ?? '');
    else pack.entry({ name: entry.name, type, ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }) });
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

function filesOf(dir: string, prefix = 'package/'): PackEntry[] {
  const out: PackEntry[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ name: prefix + relative(dir, full).split(sep).join('/'), content: readFileSync(full) });
    }
  };
  walk(dir);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('NpmTarballSource against a fake npm registry', () => {
  const tarballs = new Map<string, Buffer>();
  const integrity = new Map<string, string>();
  let tarballHost = '';
  const registry: FakeHttpServer = new FakeHttpServer((request: LoggedRequest): FakeAnswer => {
    const url = new URL(request.url, 'http://fake');
    if (url.pathname.startsWith('/-/tarballs/')) {
      const body = tarballs.get(url.pathname.slice('/-/tarballs/'.length));
      return body === undefined ? { status: 404, body: '{}' } : { status: 200, headers: { 'content-type': 'application/octet-stream' }, body };
    }
    const name = decodeURIComponent(url.pathname.slice(1));
    const versions = [...tarballs.keys()].filter((key) => key.startsWith(`${name.replace('/', '__')}-`));
    if (versions.length === 0) return { status: 404, body: JSON.stringify({ error: 'Not found' }) };
    const entries: Record<string, unknown> = Object.fromEntries(
      versions.map((key) => {
        const version = key.slice(name.replace('/', '__').length + 1, -4);
        return [version, { name, version, dist: { tarball: `${tarballHost || registry.url}/-/tarballs/${key}`, ...(integrity.has(key) ? { integrity: integrity.get(key) } : {}) } }];
      }),
    );
    const latest: string = Object.keys(entries).sort().at(-1)!;
    return { status: 200, body: JSON.stringify({ name, 'dist-tags': { latest }, versions: entries, modified: '2026-01-01T00:00:00.000Z' }) };
  });
  const publish = async (name: string, version: string, entries: PackEntry[], withIntegrity = true) => {
    const key = `${name.replace('/', '__')}-${version}.tgz`;
    const body = await packTarball(entries);
    tarballs.set(key, body);
    if (withIntegrity) integrity.set(key, `sha512-${createHash('sha512').update(body).digest('base64')}`);
    return key;
  };

  before(async () => {
    await registry.start();
    await publish('@acme/weather-mcp', '0.3.1', filesOf(join(FIXTURES_DIR, 'ts-sdk-server')));
    await publish('@acme/weather-mcp', '0.2.0', filesOf(join(FIXTURES_DIR, 'no-env')));
    await publish('evil-traversal', '1.0.0', [
      ...filesOf(join(FIXTURES_DIR, 'no-env')),
      { name: 'package/../../../../tmp/pwned.txt', content: 'owned' },
      { name: '/etc/cron.d/evil', content: '* * * * * root sh' },
      { name: 'package/link-to-passwd', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'package/hard', type: 'link', linkname: 'package/package.json' },
      { name: 'package/bad-utf8.md', content: Buffer.from([0x23, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x6f, 0x6b]) },
    ]);
  });
  after(() => registry.stop());
  beforeEach(() => {
    registry.requests.length = 0;
    tarballHost = '';
  });

  it('downloads the latest tarball, strips package/, and analyses it as that exact package', async () => {
    const source = new NpmTarballSource({ registryUrl: registry.url });
    const snapshot = await source.fetch(parseSource('npm:@acme/weather-mcp'));
    expect(snapshot.knownPackage).to.deep.equal({ runtime: 'npm', name: '@acme/weather-mcp', version: '0.3.1' });
    expect(snapshot.origin).to.equal('npm:@acme/weather-mcp@0.3.1');
    expect(snapshot.files.map((f) => f.path)).to.include.members(['package.json', 'README.md', 'src/index.ts']);
    expect(registry.requests[0]!.url).to.equal('/@acme%2fweather-mcp');
    const config = await new StaticAnalyzer().analyze(snapshot);
    expect(config.package).to.deep.equal({ runtime: 'npm', name: '@acme/weather-mcp', version: '0.3.1' });
  });

  it('reads an exact version', async () => {
    const snapshot = await new NpmTarballSource({ registryUrl: registry.url }).fetch(parseSource('npm:@acme/weather-mcp@0.2.0'));
    expect(snapshot.knownPackage?.version).to.equal('0.2.0');
  });

  it('maps a missing package or version to not_found', async () => {
    const source = new NpmTarballSource({ registryUrl: registry.url });
    expect(isCatwalkError(await rejection(source.fetch(parseSource('npm:no-such-pkg'))), 'not_found')).to.equal(true);
    expect(isCatwalkError(await rejection(source.fetch(parseSource('npm:@acme/weather-mcp@9.9.9'))), 'not_found')).to.equal(true);
  });

  it('refuses ../ and absolute entries and links, decodes invalid UTF-8, and writes nothing to disk', async () => {
    const snapshot = await new NpmTarballSource({ registryUrl: registry.url }).fetch(parseSource('npm:evil-traversal'));
    const reasons = Object.fromEntries(snapshot.skipped.map((s) => [s.path, s.reason]));
    expect(reasons['package/../../../../tmp/pwned.txt']).to.equal('unsafe_path');
    expect(reasons['/etc/cron.d/evil']).to.equal('unsafe_path');
    expect(reasons['link-to-passwd']).to.equal('symlink');
    expect(reasons['hard']).to.equal('symlink');
    expect(snapshot.files.every((f) => !f.path.includes('..') && !f.path.startsWith('/'))).to.equal(true);
    const bad = snapshot.files.find((f) => f.path === 'bad-utf8.md')!;
    expect(bad.content).to.contain('\uFFFD').and.contain('ok');
    expect(() => statSync('/tmp/pwned.txt')).to.throw();
  });

  it('rejects a tarball that does not match the registry integrity', async () => {
    const key = await publish('tampered', '1.0.0', filesOf(join(FIXTURES_DIR, 'no-env')));
    integrity.set(key, `sha512-${createHash('sha512').update('something else').digest('base64')}`);
    const error = await rejection(new NpmTarballSource({ registryUrl: registry.url }).fetch(parseSource('npm:tampered')));
    expect(isCatwalkError(error, 'source_unavailable')).to.equal(true);
    if (isCatwalkError(error)) expect(error.details['reason']).to.equal('integrity');
  });

  it('caps the download size and the unpacked size (gzip bomb)', async () => {
    await publish('bomb', '1.0.0', [{ name: 'package/package.json', content: '{"name":"bomb"}' }, { name: 'package/zeros.txt', content: Buffer.alloc(30 * 1024 * 1024, 0x41) }]);
    const small = new NpmTarballSource({ registryUrl: registry.url, maxTarballBytes: 10 * 1024 });
    const tooBig = await rejection(small.fetch(parseSource('npm:bomb')));
    expect(isCatwalkError(tooBig, 'source_unavailable')).to.equal(true);
    const bombed = new NpmTarballSource({ registryUrl: registry.url, maxUnpackedBytes: 1024 * 1024 });
    const error = await rejection(bombed.fetch(parseSource('npm:bomb')));
    expect(isCatwalkError(error, 'source_unavailable')).to.equal(true);
    if (isCatwalkError(error)) expect(error.details['reason']).to.equal('too_large');
  });

  it('refuses a tarball hosted away from the registry (the packument is untrusted)', async () => {
    tarballHost = 'http://127.0.0.2:9';
    const error = await rejection(new NpmTarballSource({ registryUrl: registry.url }).fetch(parseSource('npm:@acme/weather-mcp')));
    expect(isCatwalkError(error, 'source_unavailable')).to.equal(true);
    if (isCatwalkError(error)) expect(error.details['reason']).to.equal('foreign_tarball_host');
    expect(registry.requests.some((r) => r.url.includes('tarballs'))).to.equal(false);
  });
});
