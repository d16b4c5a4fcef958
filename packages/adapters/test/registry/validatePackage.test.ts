import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { expect } from 'chai';
import { ValidatePackage, isCatwalkError } from '@catwalk/core';
import type { SeededPackage } from '@catwalk/core/testing';
import { FakeClock, REGISTRY_CONTRACT_SEED, expectCatwalkError } from '@catwalk/core/testing';
import { NpmRegistry } from '../../src/registry/npm.js';
import { createPackageRegistry } from '../../src/registry/module.js';
import type { FakeServer } from './fakeServers.js';
import { startFakeNpm, startFakePypi } from './fakeServers.js';

/** Reads a corpus file of core (one JSON string per line, `#` comments). */
function readCorpus(name: string): string[] {
  return readFileSync(new URL(`../../../core/test/corpus/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => JSON.parse(line) as string);
}

const PROCESS_FUNCTIONS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/**
 * A module-level spy on node:child_process: replaces every process-starting function on the builtin module and
 * syncs the ESM named exports (`syncBuiltinESMExports`), so both `import { spawn }` and `require` callers hit it.
 * The spy records and refuses: nothing is ever started while it is installed.
 */
function installProcessSpy(): { calls: string[]; restore: () => void } {
  const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
  const originals = new Map(PROCESS_FUNCTIONS.map((name) => [name, childProcess[name]]));
  const calls: string[] = [];
  for (const name of PROCESS_FUNCTIONS) {
    childProcess[name] = (...args: unknown[]) => {
      calls.push(`${name}(${JSON.stringify(args[0])})`);
      throw new Error(`process spy: ${name} refused`);
    };
  }
  syncBuiltinESMExports();
  return {
    calls,
    restore() {
      for (const [name, original] of originals) childProcess[name] = original;
      syncBuiltinESMExports();
    },
  };
}

describe('ValidatePackage over the real registry adapters (local fake npm and PyPI)', function () {
  let npm: FakeServer;
  let pypi: FakeServer;
  let validate: ValidatePackage;

  async function start(seed: readonly SeededPackage[]): Promise<void> {
    [npm, pypi] = await Promise.all([startFakeNpm(seed), startFakePypi(seed)]);
    const registry = createPackageRegistry({ npm: { baseUrl: npm.baseUrl }, pypi: { baseUrl: pypi.baseUrl } });
    validate = new ValidatePackage({ registry, clock: new FakeClock() });
  }
  afterEach(async function () {
    await Promise.all([npm.close(), pypi.close()]);
  });

  describe('the hostile corpus', function () {
    let spy: ReturnType<typeof installProcessSpy>;
    beforeEach(async function () {
      await start(REGISTRY_CONTRACT_SEED);
      spy = installProcessSpy();
    });
    afterEach(function () {
      spy.restore();
    });

    it('the process spy sees a spawn through an ESM named import (so its zero below means something)', async function () {
      const { spawn } = await import('node:child_process');
      expect(() => spawn('true', [])).to.throw('process spy');
      expect(spy.calls).to.deep.equal(['spawn("true")']);
    });

    it('every hostile name and version is refused by syntax: zero registry requests, zero processes', async function () {
      const names = readCorpus('package-names.txt');
      const versions = readCorpus('package-versions.txt');
      expect(names.length + versions.length).to.be.at.least(200);
      const inputs = [
        ...names.flatMap((name) => (['auto', 'npm', 'python'] as const).map((runtime) => ({ runtime, name }))),
        ...versions.flatMap((version) => (['auto', 'npm', 'python'] as const).map((runtime) => ({ runtime, name: 'safe-server', version }))),
      ];
      const wrong: string[] = [];
      for (const input of inputs) {
        try {
          await validate.execute(input);
          wrong.push(`accepted ${JSON.stringify(input)}`);
        } catch (error) {
          if (!isCatwalkError(error, 'invalid_package_name')) wrong.push(`${JSON.stringify(input)} → ${String(error)}`);
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(npm.requests).to.deep.equal([]);
      expect(pypi.requests).to.deep.equal([]);
      expect(spy.calls).to.deep.equal([]);
      // The servers are live and answer a well-formed name, so the zero counts are not idle servers.
      await validate.execute({ runtime: 'npm', name: 'contract-plain-server' });
      expect(npm.requests).to.have.length(1);
    });

    it('the registry code path does not import node:child_process at all', function () {
      const files = [
        '../../src/registry/http.ts',
        '../../src/registry/npm.ts',
        '../../src/registry/pypi.ts',
        '../../src/registry/router.ts',
        '../../src/registry/module.ts',
        '../../../core/src/usecases/ValidatePackage.ts',
        '../../../core/src/domain/packageRef.ts',
      ];
      // An import or require of the module (packageRef.ts mentions the name as a reserved npm name, which is fine).
      const importsChildProcess = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?child_process['"]/;
      for (const file of files) expect(readFileSync(new URL(file, import.meta.url), 'utf8'), file).to.not.match(importsChildProcess);
      expect("import { spawn } from 'node:child_process';").to.match(importsChildProcess);
    });
  });

  describe('results', function () {
    beforeEach(async function () {
      await start(REGISTRY_CONTRACT_SEED);
    });

    it('pins latest to the exact version, and flags deprecated and yanked releases', async function () {
      const latest = await validate.execute({ runtime: 'npm', name: '@contract/server-notes' });
      expect(latest.package).to.deep.equal({ runtime: 'npm', name: '@contract/server-notes', version: '1.2.0' });
      const deprecated = await validate.execute({ runtime: 'npm', name: '@contract/server-notes', version: '1.0.0' });
      expect(deprecated.deprecated).to.equal('Use 1.1.0 or later: 1.0.0 leaks memory');
      const yanked = await validate.execute({ runtime: 'python', name: 'Contract_Weather.MCP', version: '1.0.0' });
      expect(yanked.yanked).to.equal(true);
      expect(yanked.package.name).to.equal('contract-weather-mcp');
    });

    it('detects the runtime: a name only PyPI has is a Python package', async function () {
      const result = await validate.execute({ name: 'contract-weather-mcp' });
      expect(result.package.runtime).to.equal('python');
      expect(result.detectedRuntime).to.equal(true);
    });

    it('a missing version is package_not_found naming the version', async function () {
      const error = await expectCatwalkError(validate.execute({ runtime: 'npm', name: '@contract/server-notes', version: '7.0.0' }), 'package_not_found');
      expect(error.message).to.contain('7.0.0');
    });

    it('a registry answering 500 is registry_unavailable (retryable), and is not cached', async function () {
      npm.fault({ kind: 'status', status: 500 });
      const error = await expectCatwalkError(validate.execute({ runtime: 'npm', name: 'contract-plain-server' }), 'registry_unavailable');
      expect((error as unknown as { retryable: boolean }).retryable).to.equal(true);
      npm.fault(undefined);
      expect((await validate.execute({ runtime: 'npm', name: 'contract-plain-server' })).package.version).to.equal('0.2.0');
    });
  });

  describe('single-flight through the cache', function () {
    const many: SeededPackage[] = Array.from({ length: 100 }, (_, i) => ({ runtime: 'npm', name: `@load/server-${i}`, versions: ['1.0.0'] }));
    beforeEach(async function () {
      await start(many);
    });

    it('1,000 parallel validations of one name make exactly one upstream request', async function () {
      const results = await Promise.all(Array.from({ length: 1_000 }, () => validate.execute({ runtime: 'npm', name: '@load/server-7' })));
      expect(new Set(results.map((r) => r.package.version))).to.deep.equal(new Set(['1.0.0']));
      expect(npm.requests).to.have.length(1);
      expect(npm.requests[0]!.url).to.equal('/@load%2fserver-7');
    });

    it('parallel validations of 100 names (10 callers each) make exactly 100 upstream requests', async function () {
      const calls = many.flatMap((pkg) => Array.from({ length: 10 }, () => validate.execute({ name: pkg.name })));
      await Promise.all(calls);
      expect(npm.requests).to.have.length(100);
      expect(new Set(npm.requests.map((r) => r.url)).size).to.equal(100);
      expect(pypi.requests).to.deep.equal([]); // scoped names are npm only: PyPI is never asked
    });
  });
});

describe('live npm registry (https://registry.npmjs.org)', function () {
  this.timeout(30_000);

  it('finds @modelcontextprotocol/server-memory and pins its latest version', async function () {
    const registry = new NpmRegistry();
    let lookup;
    try {
      lookup = await registry.lookup({ runtime: 'npm', name: '@modelcontextprotocol/server-memory' });
    } catch (error) {
      if (isCatwalkError(error, 'registry_unavailable')) {
        console.log(`    SKIPPED live npm check: the npm registry is unreachable (${String(error.details['reason'])})`);
        this.skip();
      }
      throw error;
    }
    expect(lookup.kind).to.equal('found');
    if (lookup.kind !== 'found') return;
    expect(lookup.info.name).to.equal('@modelcontextprotocol/server-memory');
    expect(lookup.info.version).to.equal(lookup.info.latestVersion);
    expect(lookup.info.version).to.match(/^\d+\.\d+\.\d+/);
    const validate = new ValidatePackage({ registry, clock: new FakeClock() });
    const result = await validate.execute({ name: '@modelcontextprotocol/server-memory' });
    expect(result.package.version).to.equal(lookup.info.version);
    await expectCatwalkError(validate.execute({ runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '0.0.0-no-such' }), 'package_not_found');
  });
});
