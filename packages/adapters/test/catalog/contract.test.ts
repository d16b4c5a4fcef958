import { FakeClock, InMemoryServerCatalog, describeServerCatalogContract } from '@catwalk/core/testing';
import { GlamaCatalog } from '../../src/catalog/glama.js';
import { McpRegistryCatalog } from '../../src/catalog/mcpRegistry.js';
import { createServerCatalog } from '../../src/catalog/module.js';
import { startFakeGlama, startFakeMcpRegistry } from './fakeCatalogs.js';

describeServerCatalogContract('InMemoryServerCatalog (core fake)', (seed) => ({ catalog: new InMemoryServerCatalog(seed) }));

describeServerCatalogContract('McpRegistryCatalog against a local fake registry', async (seed) => {
  const server = await startFakeMcpRegistry(seed);
  return { catalog: new McpRegistryCatalog({ baseUrl: server.baseUrl }), close: () => server.close() };
});

describeServerCatalogContract('GlamaCatalog against a local fake Glama', async (seed) => {
  const server = await startFakeGlama(seed);
  return { catalog: new GlamaCatalog({ baseUrl: server.baseUrl }), close: () => server.close() };
});

describeServerCatalogContract('CompositeServerCatalog over both fakes', async (seed) => {
  const [registry, glama] = await Promise.all([startFakeMcpRegistry(seed), startFakeGlama(seed)]);
  return {
    catalog: createServerCatalog({ mcpRegistry: { baseUrl: registry.baseUrl }, glama: { baseUrl: glama.baseUrl } }, new FakeClock()),
    close: async () => {
      await Promise.all([registry.close(), glama.close()]);
    },
  };
});
