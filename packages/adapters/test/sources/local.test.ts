import { expect } from 'chai';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCatwalkError, parseSource } from '@catwalk/core';
import { LocalDirectorySource } from '../../src/sources/local.js';
import { CompositeRepoSource, LOCAL_SOURCES_DISABLED } from '../../src/sources/composite.js';
import { sourcesModule } from '../../src/sources/module.js';
import { Container } from 'inversify';
import { RepoSourceToken } from '@catwalk/core';
import type { RepoSource } from '@catwalk/core';
import { PypiDescriptionSource } from '../../src/sources/pypi.js';
import { StaticAnalyzer } from '../../src/analysis/static/staticAnalyzer.js';
import { FakeHttpServer } from './fakeServers.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('LocalDirectorySource with hostile directories', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'catwalk-local-'));
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'src'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'local-mcp', bin: 'index.js', dependencies: { '@modelcontextprotocol/sdk': '1.0.0' } }));
    writeFileSync(join(repo, 'src', 'index.js'), "server.tool('ping', async () => ({ content: [] }));\nconst key = process.env.LOCAL_API_KEY;\n");
    // A sparse 100 MB file: costs no disk, must never be read.
    const fd = openSync(join(repo, 'huge.log'), 'w');
    ftruncateSync(fd, 100 * 1024 * 1024);
    closeSync(fd);
    symlinkSync('/etc/passwd', join(repo, 'passwd.txt'));
    symlinkSync('/etc', join(repo, 'etc-dir'));
    writeFileSync(join(repo, 'README.md'), Buffer.concat([Buffer.from('# Local\n'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\nstill text\n')]));
    writeFileSync(join(repo, 'blob.dat.txt'), Buffer.from([0x00, 0x01, 0x02, 0x03]));
    mkdirSync(join(repo, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'x', 'index.js'), 'process.env.SHOULD_NOT_BE_READ');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads text files, skips the 100 MB file, symlinks (file and directory), binaries and node_modules', async () => {
    const source = new LocalDirectorySource({ baseDir: root });
    const snapshot = await source.fetch(parseSource('./repo'));
    expect(snapshot.files.map((f) => f.path).sort()).to.deep.equal(['README.md', 'package.json', 'src/index.js']);
    const reasons = Object.fromEntries(snapshot.skipped.map((s) => [s.path, s.reason]));
    expect(reasons).to.deep.include({ 'huge.log': 'too_large', 'passwd.txt': 'symlink', 'etc-dir': 'symlink', 'blob.dat.txt': 'binary' });
    expect(snapshot.files.some((f) => f.content.includes('root:'))).to.equal(false);
    expect(snapshot.files.find((f) => f.path === 'README.md')!.content).to.contain('\uFFFD').and.contain('still text');
    const config = await new StaticAnalyzer().analyze(snapshot);
    expect(config.package).to.deep.equal({ runtime: 'npm', name: 'local-mcp' });
    expect(config.envVars.map((v) => v.name)).to.deep.equal(['LOCAL_API_KEY']);
  });

  it('truncates a file over the per-file limit when it ranks high, and reports it', async () => {
    const dir = join(root, 'long-readme');
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), 'x'.repeat(3000));
    const snapshot = await new LocalDirectorySource({ baseDir: root, limits: { maxFileBytes: 1000 } }).fetch(parseSource('./long-readme'));
    expect(snapshot.files[0]).to.deep.include({ path: 'README.md', size: 3000, truncated: true });
    expect(snapshot.files[0]!.content.length).to.equal(1000);
  });

  it('stops walking 100,000 files at its entry cap and reports truncation', async function () {
    this.timeout(60_000);
    const dir = join(root, 'many');
    mkdirSync(join(dir, 'gen'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"many"}');
    for (let i = 0; i < 100_000; i++) writeFileSync(join(dir, 'gen', `f${i}.ts`), '');
    const started = Date.now();
    const snapshot = await new LocalDirectorySource({ baseDir: root }).fetch(parseSource('./many'));
    expect(snapshot.truncated).to.equal(true);
    expect(snapshot.files.length).to.be.at.most(snapshot.limits.maxFiles);
    expect(snapshot.files.map((f) => f.path)).to.include('package.json');
    expect(snapshot.skipped.length).to.be.at.most(501);
    expect(Date.now() - started).to.be.below(20_000);
  });

  it('maps a missing path to not_found and a file to invalid_source', async () => {
    const source = new LocalDirectorySource({ baseDir: root });
    expect(isCatwalkError(await rejection(source.fetch(parseSource('./nope'))), 'not_found')).to.equal(true);
    expect(isCatwalkError(await rejection(source.fetch(parseSource('./repo/package.json'))), 'invalid_source')).to.equal(true);
  });
});

describe('CompositeRepoSource routing', () => {
  const snapshotOf = (key: string) => ({ key, origin: key, files: [], skipped: [], truncated: false, limits: { maxFiles: 1, maxFileBytes: 1, maxTotalBytes: 1 } });
  const recording = (name: string, seen: string[], missing = false) => ({
    fetch: async (source: { key: string }) => {
      seen.push(`${name}:${source.key}`);
      if (missing) throw Object.assign(new (await import('@catwalk/core')).CatwalkError('not_found', 'no'), {});
      return snapshotOf(source.key);
    },
  });

  it('routes each kind to its source', async () => {
    const seen: string[] = [];
    const composite = new CompositeRepoSource(
      { github: recording('github', seen), npm: recording('npm', seen), pypi: recording('pypi', seen), local: recording('local', seen) },
      { allowLocal: true },
    );
    await composite.fetch(parseSource('https://github.com/a/b'));
    await composite.fetch(parseSource('npm:x'));
    await composite.fetch(parseSource('pypi:y'));
    await composite.fetch(parseSource('./dir'));
    expect(seen).to.deep.equal(['github:github:a/b', 'npm:npm:x', 'pypi:pypi:y', 'local:local:./dir']);
  });

  it('refuses local paths unless allowed, with a message that says how to allow them', async () => {
    const seen: string[] = [];
    const composite = new CompositeRepoSource({ local: recording('local', seen) }, { allowLocal: false });
    const error = await rejection(composite.fetch(parseSource('/etc')));
    expect(isCatwalkError(error, 'invalid_source')).to.equal(true);
    if (isCatwalkError(error)) expect(error.message).to.equal(LOCAL_SOURCES_DISABLED).and.contain('CATWALK_ALLOW_LOCAL_SOURCES');
    expect(seen).to.deep.equal([]);
  });

  it('sourcesModule binds RepoSourceToken; allowLocal decides whether a path is read', async () => {
    const refusing = new Container();
    refusing.load(sourcesModule({ allowLocal: false }));
    const error = await rejection(refusing.get<RepoSource>(RepoSourceToken).fetch(parseSource('/etc')));
    expect(isCatwalkError(error, 'invalid_source')).to.equal(true);
    const allowing = new Container();
    allowing.load(sourcesModule({ allowLocal: true, localBaseDir: tmpdir() }));
    const missing = await rejection(allowing.get<RepoSource>(RepoSourceToken).fetch(parseSource('./catwalk-no-such-dir-xyz')));
    expect(isCatwalkError(missing, 'not_found')).to.equal(true);
  });

  it('tries a bare name on npm, then PyPI', async () => {
    const seen: string[] = [];
    const composite = new CompositeRepoSource({ npm: recording('npm', seen, true), pypi: recording('pypi', seen) }, { allowLocal: false });
    const snapshot = await composite.fetch(parseSource('Some_Tool'));
    expect(seen).to.deep.equal(['pypi:pypi:some-tool']);
    expect(snapshot.key).to.equal('auto:Some_Tool');
    const both: string[] = [];
    await new CompositeRepoSource({ npm: recording('npm', both), pypi: recording('pypi', both) }, { allowLocal: false }).fetch(parseSource('tool'));
    expect(both).to.deep.equal(['npm:npm:tool']);
  });
});

describe('PypiDescriptionSource against a fake PyPI JSON API', () => {
  const pypi = new FakeHttpServer((request) => {
    if (request.url === '/pypi/mcp-grafana-lite/json' || request.url === '/pypi/mcp-grafana-lite/0.5.0/json') {
      return {
        status: 200,
        body: JSON.stringify({
          info: {
            name: 'mcp-grafana-lite',
            version: '0.5.0',
            summary: 'Grafana for MCP',
            description: '# mcp-grafana-lite\n\n```json\n{"mcpServers":{"grafana":{"command":"uvx","args":["mcp-grafana-lite"],"env":{"GRAFANA_URL":"http://localhost:3000","GRAFANA_API_KEY":"<token>"}}}}\n```\n\n- `GRAFANA_ORG_ID`: organisation id (optional, default 1)\n',
            description_content_type: 'text/markdown',
            requires_dist: ['mcp[cli]>=1.6.0', 'httpx', 'pytest; extra == "dev"'],
            project_urls: { Source: 'https://github.com/acme/mcp-grafana-lite' },
          },
          releases: {},
        }),
      };
    }
    return { status: 404, body: JSON.stringify({ message: 'Not Found' }) };
  });
  before(() => pypi.start());
  after(() => pypi.stop());

  it('builds a README + PKG-INFO snapshot from the description, and the analyser reads it', async () => {
    const snapshot = await new PypiDescriptionSource({ baseUrl: pypi.url }).fetch(parseSource('pypi:mcp-grafana-lite'));
    expect(snapshot.files.map((f) => f.path)).to.deep.equal(['README.md', 'PKG-INFO']);
    expect(snapshot.knownPackage).to.deep.equal({ runtime: 'python', name: 'mcp-grafana-lite', version: '0.5.0' });
    const config = await new StaticAnalyzer().analyze(snapshot);
    expect(config.package).to.deep.equal({ runtime: 'python', name: 'mcp-grafana-lite', version: '0.5.0' });
    expect(config.notMcpServer).to.equal(undefined);
    expect(config.envVars.map((v) => [v.name, v.required, v.secret])).to.deep.equal([
      ['GRAFANA_API_KEY', true, true],
      ['GRAFANA_URL', true, false],
      ['GRAFANA_ORG_ID', false, false],
    ]);
  });

  it('maps a missing project to not_found', async () => {
    const error = await rejection(new PypiDescriptionSource({ baseUrl: pypi.url }).fetch(parseSource('pypi:nope')));
    expect(isCatwalkError(error, 'not_found')).to.equal(true);
  });
});
