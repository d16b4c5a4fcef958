import { expect } from 'chai';
import { ValidatePackage } from '../../src/usecases/index.js';
import { CatwalkError } from '../../src/errors/index.js';
import { FakeClock, InMemoryPackageRegistry } from '../../src/testing/index.js';
import { expectCode } from './world.js';

describe('ValidatePackage', () => {
  let clock: FakeClock;
  let registry: InMemoryPackageRegistry;
  let validate: ValidatePackage;

  beforeEach(() => {
    clock = new FakeClock();
    registry = new InMemoryPackageRegistry([
      { runtime: 'npm', name: '@modelcontextprotocol/server-memory', versions: ['0.5.0', '0.6.2'] },
      { runtime: 'npm', name: 'shared-name', versions: ['1.0.0'] },
      { runtime: 'python', name: 'shared-name', versions: ['2.0'] },
      { runtime: 'python', name: 'mcp-server-fetch', versions: ['0.1.0', '0.2.0'], yanked: { '0.1.0': 'bad build' } },
      { runtime: 'npm', name: 'old-server', versions: ['1.0.0', '2.0.0'], deprecated: { '1.0.0': 'use 2.x' } },
    ]);
    validate = new ValidatePackage({ registry, clock });
  });

  it('resolves latest (absent or "latest") to the exact version', async () => {
    const absent = await validate.execute({ runtime: 'npm', name: '@modelcontextprotocol/server-memory' });
    expect(absent.package).to.deep.equal({ runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '0.6.2' });
    const latest = await validate.execute({ runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: 'latest' });
    expect(latest.package.version).to.equal('0.6.2');
    expect(registry.requests).to.have.length(1);
  });

  it('refuses a missing version naming it, and a missing package', async () => {
    const error = await expectCode(validate.execute({ runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '9.9.9' }), 'package_not_found');
    expect(error.message).to.contain('9.9.9');
    expect(error.details).to.include({ version: '9.9.9', latestVersion: '0.6.2' });
    await expectCode(validate.execute({ runtime: 'python', name: 'nope' }), 'package_not_found');
  });

  it('flags deprecated and yanked versions', async () => {
    const deprecated = await validate.execute({ runtime: 'npm', name: 'old-server', version: '1.0.0' });
    expect(deprecated.deprecated).to.equal('use 2.x');
    expect(deprecated.warnings.join(' ')).to.contain('deprecated').and.to.contain('not the latest');
    const yanked = await validate.execute({ runtime: 'python', name: 'mcp_server.fetch', version: '==0.1.0' });
    expect(yanked.package).to.deep.equal({ runtime: 'python', name: 'mcp-server-fetch', version: '0.1.0' });
    expect(yanked.yanked).to.equal(true);
    expect(yanked.warnings.join(' ')).to.contain('bad build');
  });

  it('refuses malformed names and versions without asking any registry', async () => {
    for (const name of ['$(rm -rf /)', '`id`', '-y', '--registry=http://evil', 'a b', 'file:../x', '', 'x\u0000y', '\u200bzero']) {
      await expectCode(validate.execute({ name }), 'invalid_package_name');
      await expectCode(validate.execute({ runtime: 'npm', name }), 'invalid_package_name');
    }
    await expectCode(validate.execute({ runtime: 'npm', name: 'ok', version: '1.0; rm -rf /' }), 'invalid_package_name');
    expect(registry.requests).to.have.length(0);
  });

  describe('runtime auto-detection', () => {
    it('asks only npm for a scoped name', async () => {
      const result = await validate.execute({ name: '@modelcontextprotocol/server-memory' });
      expect(result.detectedRuntime).to.equal(true);
      expect(registry.requests.map((ref) => ref.runtime)).to.deep.equal(['npm']);
    });

    it('asks both concurrently and npm wins when both have it', async () => {
      const gate = registry.faults.hold('lookup');
      const pending = validate.execute({ name: 'shared-name' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(gate.waiting).to.equal(2);
      gate.release();
      expect((await pending).package).to.deep.equal({ runtime: 'npm', name: 'shared-name', version: '1.0.0' });
    });

    it('falls back to PyPI, and refuses a name neither has', async () => {
      expect((await validate.execute({ name: 'mcp-server-fetch' })).package.runtime).to.equal('python');
      expect((await validate.execute({ name: 'Mcp_Server_Fetch' })).package.name).to.equal('mcp-server-fetch');
      const error = await expectCode(validate.execute({ name: 'nowhere' }), 'package_not_found');
      expect(error.message).to.contain('npm or PyPI');
    });

    it('cannot decide while npm is down', async () => {
      registry.faults.failOn('lookup', () => new CatwalkError('registry_unavailable', 'npm is unreachable', { registry: 'npm' }), 1);
      await expectCode(validate.execute({ name: 'mcp-server-fetch' }), 'registry_unavailable');
    });
  });

  describe('cache and single-flight', () => {
    it('sends 1,000 concurrent validations of one package to the registry exactly once', async () => {
      const gate = registry.faults.hold('lookup');
      const calls = Array.from({ length: 1000 }, () => validate.execute({ runtime: 'npm', name: '@modelcontextprotocol/server-memory' }));
      gate.release();
      const results = await Promise.all(calls);
      expect(registry.requests).to.have.length(1);
      expect(results.every((result) => result.package.version === '0.6.2')).to.equal(true);
    });

    it('sends 100 different names 100 requests', async () => {
      for (let i = 0; i < 100; i++) registry.publish({ runtime: 'npm', name: `pkg-${i}`, versions: ['1.0.0'] });
      const calls = Array.from({ length: 1000 }, (_, i) => validate.execute({ runtime: 'npm', name: `pkg-${i % 100}` }));
      await Promise.all(calls);
      expect(registry.requests).to.have.length(100);
    });

    it('remembers "not found" for 30 s and "found" for 5 min', async () => {
      await expectCode(validate.execute({ runtime: 'npm', name: 'later' }), 'package_not_found');
      registry.publish({ runtime: 'npm', name: 'later', versions: ['1.0.0'] });
      clock.advance(29_999);
      await expectCode(validate.execute({ runtime: 'npm', name: 'later' }), 'package_not_found');
      expect(registry.requests).to.have.length(1);
      clock.advance(1);
      await validate.execute({ runtime: 'npm', name: 'later' });
      expect(registry.requests).to.have.length(2);
      clock.advance(5 * 60_000 - 1);
      await validate.execute({ runtime: 'npm', name: 'later' });
      expect(registry.requests).to.have.length(2);
      clock.advance(1);
      await validate.execute({ runtime: 'npm', name: 'later' });
      expect(registry.requests).to.have.length(3);
    });

    it('does not cache failures: every waiter fails, the next call asks again', async () => {
      registry.faults.failOn('lookup', () => new CatwalkError('registry_unavailable', 'npm is unreachable', { registry: 'npm' }, { retryable: true }), 1);
      const gate = registry.faults.hold('lookup');
      const waiters = Array.from({ length: 10 }, () => validate.execute({ runtime: 'npm', name: 'shared-name' }).then(() => 'ok', (error: CatwalkError) => error.code));
      gate.release();
      expect(new Set(await Promise.all(waiters))).to.deep.equal(new Set(['registry_unavailable']));
      expect(registry.requests).to.have.length(1);
      expect((await validate.execute({ runtime: 'npm', name: 'shared-name' })).package.version).to.equal('1.0.0');
      expect(registry.requests).to.have.length(2);
      expect(validate.cacheStats().loads).to.equal(2);
    });

    it('honours configured TTLs', async () => {
      const short = new ValidatePackage({ registry, clock }, { positiveTtlMs: 10, negativeTtlMs: 0, maxEntries: 5 });
      await short.execute({ runtime: 'npm', name: 'shared-name' });
      clock.advance(10);
      await short.execute({ runtime: 'npm', name: 'shared-name' });
      await expectCode(short.execute({ runtime: 'npm', name: 'missing' }), 'package_not_found');
      await expectCode(short.execute({ runtime: 'npm', name: 'missing' }), 'package_not_found');
      expect(registry.requests).to.have.length(4);
    });
  });
});
