import { InMemoryPackageRegistry, describePackageRegistryContract } from '@catwalk/core/testing';
import { NpmRegistry } from '../../src/registry/npm.js';
import { PypiRegistry } from '../../src/registry/pypi.js';
import { createPackageRegistry } from '../../src/registry/module.js';
import { startFakeNpm, startFakePypi } from './fakeServers.js';

// The fake from core first: the contract describes what the real adapters must match.
describePackageRegistryContract('InMemoryPackageRegistry (core fake)', (seed) => ({ registry: new InMemoryPackageRegistry(seed) }));

describePackageRegistryContract('NpmRegistry against a local fake npm (abbreviated metadata)', async (seed) => {
  const server = await startFakeNpm(seed);
  return { registry: new NpmRegistry({ baseUrl: server.baseUrl }), close: () => server.close() };
});

describePackageRegistryContract('NpmRegistry against a local fake npm (full metadata)', async (seed) => {
  const server = await startFakeNpm(seed);
  return { registry: new NpmRegistry({ baseUrl: server.baseUrl, fullMetadata: true }), close: () => server.close() };
});

describePackageRegistryContract('PypiRegistry against a local fake PyPI', async (seed) => {
  const server = await startFakePypi(seed);
  return { registry: new PypiRegistry({ baseUrl: server.baseUrl }), close: () => server.close() };
});

describePackageRegistryContract('RoutingPackageRegistry over both fakes', async (seed) => {
  const [npm, pypi] = await Promise.all([startFakeNpm(seed), startFakePypi(seed)]);
  return {
    registry: createPackageRegistry({ npm: { baseUrl: npm.baseUrl }, pypi: { baseUrl: pypi.baseUrl } }),
    close: async () => {
      await Promise.all([npm.close(), pypi.close()]);
    },
  };
});
