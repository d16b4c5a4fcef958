import { expect } from 'chai';
import { Container } from 'inversify';
import { PackageRegistryToken } from '@catwalk/core';
import type { PackageRegistry } from '@catwalk/core';
import { InMemoryPackageRegistry, REGISTRY_CONTRACT_SEED, expectCatwalkError } from '@catwalk/core/testing';
import { registryModule } from '../../src/registry/module.js';
import { RoutingPackageRegistry } from '../../src/registry/router.js';
import { startFakeNpm, startFakePypi } from './fakeServers.js';

describe('RoutingPackageRegistry', function () {
  it('routes by runtime and re-validates refs before routing', async function () {
    const npmOnly = new InMemoryPackageRegistry(REGISTRY_CONTRACT_SEED, ['npm']);
    const router = new RoutingPackageRegistry([npmOnly]);
    expect(router.runtimes).to.deep.equal(['npm']);
    await expectCatwalkError(router.lookup({ runtime: 'npm', name: '-e require("child_process")' }), 'invalid_package_name');
    expect(npmOnly.requests).to.deep.equal([]);
    expect((await router.lookup({ runtime: 'npm', name: 'contract-plain-server' })).kind).to.equal('found');
  });

  it('a runtime no registry serves is registry_unavailable naming it (not retryable)', async function () {
    const router = new RoutingPackageRegistry([new InMemoryPackageRegistry(REGISTRY_CONTRACT_SEED, ['npm'])]);
    const error = await expectCatwalkError(router.lookup({ runtime: 'python', name: 'contract-weather-mcp' }), 'registry_unavailable');
    expect((error as unknown as { details: Record<string, unknown>; retryable: boolean }).details).to.include({ registry: 'pypi', reason: 'not configured' });
    expect((error as unknown as { retryable: boolean }).retryable).to.equal(false);
  });
});

describe('registryModule', function () {
  it('binds PackageRegistryToken to one router over the configured npm and PyPI base URLs', async function () {
    const [npm, pypi] = await Promise.all([startFakeNpm(REGISTRY_CONTRACT_SEED), startFakePypi(REGISTRY_CONTRACT_SEED)]);
    try {
      const container = new Container();
      await container.load(registryModule({ npm: { baseUrl: npm.baseUrl }, pypi: { baseUrl: pypi.baseUrl } }));
      const registry = container.get<PackageRegistry>(PackageRegistryToken);
      expect(container.get<PackageRegistry>(PackageRegistryToken)).to.equal(registry);
      expect(registry.runtimes).to.deep.equal(['npm', 'python']);
      await registry.lookup({ runtime: 'npm', name: '@contract/server-notes' });
      await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp' });
      expect([npm.requests.length, pypi.requests.length]).to.deep.equal([1, 1]);
    } finally {
      await Promise.all([npm.close(), pypi.close()]);
    }
  });
});
