import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DeploySpec, ResolvedPackage } from '@catwalk/core';
import { installedPythonScript, packageCommand } from '../../src/bridge/launch.js';
import { LocalOrchestrator } from '../../src/orchestrator/local/localOrchestrator.js';
import { PythonInstaller, pipNetworkEnvironment } from '../../src/orchestrator/local/pythonInstaller.js';
import { pipDrivesOtherPythons, pipFailure } from '../../src/orchestrator/local/pythonRuntime.js';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { connectClient, textOf } from '../bridge/helpers.js';
import { makeHome } from '../sandbox/support.js';
import { buildFixtureWheel, startFakePypiIndex, wheelEntry, type FakePypiIndex } from './fakePypiIndex.js';

const FIXTURE: ResolvedPackage = { runtime: 'python', name: 'catwalk-py-fixture', version: '1.0.0' };

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('PythonInstaller (real python3 + pip, fake PEP 503 index)', function () {
  this.timeout(60_000);
  let work: string;
  let index: FakePypiIndex;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'catwalk-pyinst-'));
    const wheel = buildFixtureWheel(work);
    // `catwalk-sdist-only` offers only a source distribution: with the default policy pip must not even try it.
    index = await startFakePypiIndex({
      'catwalk-py-fixture': [wheelEntry(wheel)],
      'catwalk-sdist-only': [{ file: 'catwalk-sdist-only-1.0.0.tar.gz', content: Buffer.from('not really a tarball') }],
    });
  });
  after(async () => {
    await index.close();
    rmSync(work, { recursive: true, force: true });
  });

  const installer = (home: string, options: Partial<ConstructorParameters<typeof PythonInstaller>[0]> = {}): PythonInstaller =>
    new PythonInstaller({ packagesDir: join(home, 'packages'), indexUrl: index.url, ...options });

  it('installs into pypi+<name>@<version> once: a second ensure() does not ask the index again', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const started = Date.now();
    const dir = await installer(home).ensure(FIXTURE);
    const elapsed = Date.now() - started;
    console.log(`      (fixture install: ${elapsed} ms)`);
    expect(dir).to.equal(join(home, 'packages', 'pypi+catwalk-py-fixture@1.0.0'));
    expect(index.pageHits.get('catwalk-py-fixture')).to.be.at.least(1);
    const hits = index.pageHits.get('catwalk-py-fixture');
    // No temp dir left, pip's cache where it belongs.
    expect(readdirSync(join(home, 'packages'))).to.deep.equal(['pypi+catwalk-py-fixture@1.0.0']);
    expect(existsSync(join(home, 'cache', 'pip'))).to.equal(true);
    // The console script named like the package wins over the other one.
    expect(installedPythonScript(dir, FIXTURE.name)).to.equal(join(dir, 'bin', 'catwalk-py-fixture'));
    expect(await installer(home).ensure(FIXTURE)).to.equal(dir);
    expect(index.pageHits.get('catwalk-py-fixture')).to.equal(hits);
  });

  it('gives the venv its own pip when asked (what a host pip older than 22.3 gets), and installs the same way', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const dir = await installer(home, { venvPip: true }).ensure(FIXTURE);
    expect(existsSync(join(dir, 'bin', 'pip'))).to.equal(true);
    expect(installedPythonScript(dir, FIXTURE.name)).to.equal(join(dir, 'bin', 'catwalk-py-fixture'));
    // The default (host pip drives the venv) leaves no pip inside it.
    const other = mkdtempSync(join(work, 'home-'));
    expect(existsSync(join(await installer(other).ensure(FIXTURE), 'bin', 'pip'))).to.equal(false);
  });

  it('runs one install for concurrent ensure() calls', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const before = index.pageHits.get('catwalk-py-fixture') ?? 0;
    const one = installer(home);
    const dirs = await Promise.all([one.ensure(FIXTURE), one.ensure(FIXTURE), one.ensure(FIXTURE)]);
    expect(new Set(dirs).size).to.equal(1);
    expect((index.pageHits.get('catwalk-py-fixture') ?? 0) - before).to.equal(1);
  });

  it('fails with orchestrator_failed when the index does not know the package (404), leaving nothing behind', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const error = await rejection(installer(home).ensure({ runtime: 'python', name: 'catwalk-no-such-package', version: '1.0.0' }));
    expect(error.code).to.equal('orchestrator_failed');
    expect(error.message).to.match(/catwalk-no-such-package==1\.0\.0: ERROR: .*(No matching distribution|Could not find a version)/);
    expect(index.pageHits.get('catwalk-no-such-package')).to.be.at.least(1);
    expect(readdirSync(join(home, 'packages'))).to.deep.equal([]);
  });

  it('installs wheels only by default: a package published only as an sdist fails without being built', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const error = await rejection(installer(home).ensure({ runtime: 'python', name: 'catwalk-sdist-only', version: '1.0.0' }));
    expect(error.code).to.equal('orchestrator_failed');
    expect(error.message).to.include('No matching distribution found for catwalk-sdist-only==1.0.0 (versions with a wheel for this Python on the index: none)');
    expect(readdirSync(join(home, 'packages'))).to.deep.equal([]);
  });

  it('fails with runtime_unavailable when python3 is missing, or has no venv module', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const empty = mkdtempSync(join(work, 'path-'));
    const missing = await rejection(installer(home, { searchPath: empty }).ensure(FIXTURE));
    expect(missing.code).to.equal('runtime_unavailable');
    expect(missing.message).to.include('python3').and.include('python3-venv');
    // A python3 that describes itself without venv (Debian without python3-venv, or a stripped build).
    const fake = join(empty, 'python3');
    writeFileSync(fake, `#!/bin/sh\necho '{"executable": "/usr/bin/python3", "base": "/usr/bin/python3", "prefix": "/usr", "version": "3.11", "venv": false, "ensurepip": false, "pip": null}'\n`);
    chmodSync(fake, 0o755);
    const noVenv = await rejection(installer(home, { searchPath: empty }).ensure(FIXTURE));
    expect(noVenv.code).to.equal('runtime_unavailable');
    expect(noVenv.message).to.include('no venv module');
    expect(existsSync(join(home, 'packages'))).to.equal(false);
  });

  it('refuses an index URL with credentials (pip argv is world-readable)', () => {
    expect(() => new PythonInstaller({ packagesDir: work, indexUrl: 'https://user:token@mirror.example/simple' })).to.throw(/without credentials/);
  });
});

describe('Python packages through the LocalOrchestrator in the bubblewrap jail', function () {
  this.timeout(90_000);
  let home: string;
  let work: string;
  let index: FakePypiIndex;
  let orchestrator: LocalOrchestrator;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'catwalk-pyjail-'));
    index = await startFakePypiIndex({ 'catwalk-py-fixture': [wheelEntry(buildFixtureWheel(work))] });
  });
  after(async () => {
    await orchestrator?.shutdown();
    await index.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('installs outside the jail, then serves MCP from the read-only venv; the server can write neither its venv nor read CATWALK_HOME', async () => {
    home = makeHome();
    orchestrator = new LocalOrchestrator({
      home,
      sandbox: new BubblewrapSandbox({ home }),
      pypiIndexUrl: index.url,
      restart: { initialDelayMs: 20, maxDelayMs: 100, maxCrashes: 3, crashWindowMs: 60_000, stopGraceMs: 1000 },
    });
    const spec: DeploySpec = { deploymentId: 'py1', package: FIXTURE, args: [], env: { API_TOKEN: 'tok-py' }, transport: 'stdio', network: 'shared' };
    const handle = await orchestrator.deploy(spec);
    await orchestrator.waitUntilHealthy(handle.machineId, 30_000);
    expect((await orchestrator.listTools(handle.machineId)).map((t) => t.name)).to.deep.equal(['echo', 'probe']);
    const { client } = await connectClient(handle.upstreamUrl);
    try {
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'from a jailed venv' } }))).to.equal('from a jailed venv');
      const venv = join(home, 'packages', 'pypi+catwalk-py-fixture@1.0.0');
      type Outcome = { ok: boolean; value?: string; code?: string };
      const probe = async (read: string) =>
        JSON.parse(textOf(await client.callTool({ name: 'probe', arguments: { read } }))) as { prefix: string; writeVenv: Outcome; writeHome: Outcome; read: Outcome };
      const own = await probe(join(venv, 'pyvenv.cfg'));
      // It runs from its venv, reads it, and writes only its private home.
      expect(own.prefix).to.equal(venv);
      expect(own.read.ok).to.equal(true);
      expect(own.writeHome).to.deep.equal({ ok: true, value: '/home/mcp/note.txt' });
      expect(readFileSync(join(home, 'deployments', 'py1', 'home', 'note.txt'), 'utf8')).to.equal('hello');
      expect(own.writeVenv).to.deep.equal({ ok: false, code: 'EROFS' });
      expect(existsSync(join(venv, 'planted.py'))).to.equal(false);
      const key = await probe(join(home, 'secret.key'));
      expect(key.read.ok).to.equal(false);
      expect(JSON.stringify(key)).to.not.contain('KEY-FILE-CONTENT');
      expect((await probe(join(home, 'data', 'PG_VERSION'))).read.ok).to.equal(false);
      // pip's cache stays out of the jail too.
      expect((await probe(join(home, 'cache', 'pip'))).read.code).to.equal('ENOENT');
    } finally {
      await client.close();
    }
  });
});

describe('Python console scripts and the pre-installed launch', () => {
  let venv: string;
  beforeEach(() => {
    venv = mkdtempSync(join(tmpdir(), 'catwalk-venv-'));
    mkdirSync(join(venv, 'bin'));
  });
  afterEach(() => rmSync(venv, { recursive: true, force: true }));

  function distribution(distInfo: string, entryPoints: string, scripts: string[]): void {
    const dir = join(venv, 'lib', 'python3.11', 'site-packages', distInfo);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'entry_points.txt'), entryPoints);
    for (const script of scripts) writeFileSync(join(venv, 'bin', script), '#!/tmp/elsewhere/bin/python\n');
  }

  it('picks the script named like the package (PEP 503), else the only one, else lists them', () => {
    distribution('Mcp_Server.Fetch-2.0.dist-info', '[console_scripts]\nmcp-server-fetch-admin = a:b\nMCP_Server_Fetch = a:main\n\n[gui_scripts]\nmcp-server-fetch-gui = a:gui\n', [
      'mcp-server-fetch-admin',
      'MCP_Server_Fetch',
    ]);
    distribution('other_dep-1.0.dist-info', '[console_scripts]\nother = x:y\n', ['other']);
    expect(installedPythonScript(venv, 'mcp-server-fetch')).to.equal(join(venv, 'bin', 'MCP_Server_Fetch'));
    distribution('single-1.0.dist-info', '[console_scripts]\nserve-it = s:main\n', ['serve-it']);
    expect(installedPythonScript(venv, 'single')).to.equal(join(venv, 'bin', 'serve-it'));
    distribution('several-1.0.dist-info', '[console_scripts]\nalpha = s:a\nbeta = s:b\n', ['alpha', 'beta']);
    expect(() => installedPythonScript(venv, 'several')).to.throw(/several console scripts.*alpha, beta/);
    distribution('none-1.0.dist-info', '[other]\nx = y\n', []);
    expect(() => installedPythonScript(venv, 'none')).to.throw(/no console script/);
    expect(() => installedPythonScript(venv, 'absent')).to.throw(/not installed/);
    // A declared script whose file is missing (a damaged venv) is an error too.
    distribution('ghost-1.0.dist-info', '[console_scripts]\nghost = g:main\n', []);
    expect(() => installedPythonScript(venv, 'ghost')).to.throw(/missing/);
  });

  it('runs `<venv>/bin/python <script> <args…>`, reading the venv and the base interpreter outside /usr', () => {
    distribution('catwalk_py_fixture-1.0.0.dist-info', '[console_scripts]\ncatwalk-py-fixture = m:main\n', ['catwalk-py-fixture']);
    const prefix = mkdtempSync(join(tmpdir(), 'catwalk-base-'));
    try {
      mkdirSync(join(prefix, 'bin'));
      writeFileSync(join(prefix, 'bin', 'python3.11'), '');
      symlinkAt(join(prefix, 'bin', 'python3.11'), join(venv, 'bin', 'python'));
      const cmd = packageCommand(FIXTURE, ['--flag', '-y'], { installedDir: venv });
      expect(cmd).to.deep.equal({
        command: join(venv, 'bin', 'python'),
        args: [join(venv, 'bin', 'catwalk-py-fixture'), '--flag', '-y'],
        readOnlyPaths: [venv, prefix],
      });
      // A system interpreter (/usr) is in the jail already: only the venv is added.
      rmSync(join(venv, 'bin', 'python'));
      symlinkAt('/usr/bin/env', join(venv, 'bin', 'python'));
      expect(packageCommand(FIXTURE, [], { installedDir: venv }).readOnlyPaths).to.deep.equal([venv]);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it("reports pip's last error, why nothing matched, and never an index credential", () => {
    const unreachable = [
      "WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError('<HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/x/",
      'ERROR: Could not find a version that satisfies the requirement x==1.0 (from versions: none)',
      'ERROR: No matching distribution found for x==1.0',
    ].join('\n');
    expect(pipFailure(unreachable, true)).to.equal(
      'ERROR: No matching distribution found for x==1.0: the index could not be reached (Failed to establish a new connection: [Errno -2] Name or service not known)',
    );
    const offered = 'ERROR: Could not find a version that satisfies the requirement x==3.0 (from versions: 1.0, 2.0)\nERROR: No matching distribution found for x==3.0\n';
    expect(pipFailure(offered, false)).to.equal('ERROR: No matching distribution found for x==3.0 (versions on the index: 1.0, 2.0)');
    expect(pipFailure('Looking in indexes: https://user:tok@mirror.example/simple\nERROR: HTTP error 401 while getting https://user:tok@mirror.example/simple/x/\n', true)).to.equal(
      'ERROR: HTTP error 401 while getting https://***@mirror.example/simple/x/',
    );
  });

  it('knows which pip can drive another interpreter, and passes pip only the network settings', () => {
    expect(['22.3', '23.2.1', '24.0', '100.0'].map(pipDrivesOtherPythons)).to.deep.equal([true, true, true, true]);
    expect(['22.2.2', '9.0.1', '', null].map(pipDrivesOtherPythons)).to.deep.equal([false, false, false, false]);
    const env = pipNetworkEnvironment({
      HTTPS_PROXY: 'http://proxy:3128',
      PIP_CERT: '/etc/ca.pem',
      REQUESTS_CA_BUNDLE: '/etc/ca.pem',
      PIP_INDEX_URL: 'https://evil.example/simple',
      PIP_EXTRA_INDEX_URL: 'https://evil.example/simple',
      PIP_FIND_LINKS: '/tmp/wheels',
      DATABASE_URL: 'postgres://secret',
      CATWALK_SECRET_KEYS: 'k',
    });
    expect(env).to.deep.equal({ HTTPS_PROXY: 'http://proxy:3128', PIP_CERT: '/etc/ca.pem', REQUESTS_CA_BUNDLE: '/etc/ca.pem' });
  });
});

function symlinkAt(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}
