import { expect } from 'chai';
import { CatwalkError } from '../../src/errors/index.js';
import { createWorld, expectCode } from './world.js';
import type { World } from './world.js';

describe('SearchCatalog', () => {
  let world: World;

  beforeEach(() => {
    world = createWorld();
    world.catalog.add({ name: 'memory', description: 'Knowledge graph memory', packages: [{ runtime: 'npm', name: '@modelcontextprotocol/server-memory' }], catalogs: ['mcp-registry'] });
    world.catalog.add({ name: 'fetch', description: 'Fetch web pages', packages: [], catalogs: ['glama'] });
  });

  it('searches, caches briefly, and shares concurrent identical queries', async () => {
    const [a, b] = await Promise.all([world.uc.searchCatalog.execute({ query: 'Memory' }), world.uc.searchCatalog.execute({ query: 'memory ' })]);
    expect(a.entries.map((entry) => entry.name)).to.deep.equal(['memory']);
    expect(b).to.equal(a);
    expect(world.catalog.queries).to.deep.equal([{ query: 'Memory', limit: 20 }]);
    world.clock.advance(60_000);
    await world.uc.searchCatalog.execute({ query: 'memory' });
    expect(world.catalog.queries).to.have.length(2);
  });

  it('keeps degraded answers for a few seconds only, and does not cache failures', async () => {
    world.catalog.degraded = [{ catalog: 'glama', reason: 'unreachable' }];
    expect((await world.uc.searchCatalog.execute({ query: 'fetch', limit: 5 })).degraded).to.have.length(1);
    world.catalog.degraded = [];
    world.clock.advance(5_000);
    expect((await world.uc.searchCatalog.execute({ query: 'fetch', limit: 5 })).degraded).to.have.length(0);
    world.catalog.faults.failOn('search', new CatwalkError('source_unavailable', 'No catalogue answered.'), 1);
    await expectCode(world.uc.searchCatalog.execute({ query: 'new' }), 'source_unavailable');
    expect((await world.uc.searchCatalog.execute({ query: 'new' })).entries).to.deep.equal([]);
  });

  it('validates the query', async () => {
    await expectCode(world.uc.searchCatalog.execute({ query: 'x'.repeat(201) }), 'invalid_input');
    await expectCode(world.uc.searchCatalog.execute({ query: 'a\u0000b' }), 'invalid_input');
    await expectCode(world.uc.searchCatalog.execute({ query: 'a', limit: 51 }), 'invalid_input');
    expect(world.catalog.queries).to.have.length(0);
  });
});
