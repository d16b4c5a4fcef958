import { expect } from 'chai';
import { parsePackageRef } from '../../domain/packageRef.js';
import type { CatalogEntry, ServerCatalog } from '../../ports/index.js';

/**
 * The entries every catalogue under contract must serve (the fake seeded with them, or a local fake catalogue
 * server that publishes them in its own API shape). Search is a case-insensitive substring match on the name
 * (catalogues may match more, such as descriptions, but the contract asks only for names).
 */
export const CATALOG_CONTRACT_SEED: readonly CatalogEntry[] = [
  {
    name: 'io.github.contract/notes-server',
    description: 'Keeps notes in a knowledge graph',
    repositoryUrl: 'https://github.com/contract/notes-server',
    packages: [{ runtime: 'npm', name: '@contract/notes-server', version: '1.2.0' }],
    catalogs: ['contract'],
  },
  {
    name: 'io.github.contract/weather',
    description: 'Weather forecasts for notes and trips',
    repositoryUrl: 'https://github.com/contract/weather',
    packages: [{ runtime: 'python', name: 'contract-weather-mcp', version: '1.0.1' }],
    catalogs: ['contract'],
  },
  {
    name: 'io.github.contract/files',
    description: 'Reads and writes files',
    repositoryUrl: 'https://github.com/contract/files',
    packages: [{ runtime: 'npm', name: 'contract-files-server', version: '0.3.0' }],
    catalogs: ['contract'],
  },
];

/** Builds the catalogue under test, serving {@link CATALOG_CONTRACT_SEED}; `close` runs after each test. */
export type CatalogMaker = (
  seed: readonly CatalogEntry[],
) => Promise<{ catalog: ServerCatalog; close?: () => Promise<void> }> | { catalog: ServerCatalog; close?: () => Promise<void> };

/**
 * The ServerCatalog contract: matching entries are found (by a part of the name, any case: the one kind of match every catalogue offers), the limit holds,
 * a query with no match is an empty page (not an error), and every entry is well-formed (valid package refs,
 * at least one catalogue named, `degraded` always an array).
 */
export function describeServerCatalogContract(name: string, makeCatalog: CatalogMaker): void {
  describe(`ServerCatalog contract: ${name}`, function () {
    let catalog: ServerCatalog;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async function () {
      const made = await makeCatalog(CATALOG_CONTRACT_SEED);
      catalog = made.catalog;
      close = made.close;
    });
    afterEach(async function () {
      await close?.();
    });

    it('finds an entry by a word of its name, in any case', async function () {
      const result = await catalog.search('FILES', { limit: 10 });
      const urls = result.entries.map((entry) => entry.repositoryUrl);
      expect(urls).to.include('https://github.com/contract/files');
      expect(result.degraded).to.be.an('array');
    });

    it('returns every entry a query matches', async function () {
      const result = await catalog.search('io.github.contract', { limit: 10 });
      const urls = result.entries.map((entry) => entry.repositoryUrl);
      for (const seeded of CATALOG_CONTRACT_SEED) expect(urls).to.include(seeded.repositoryUrl);
    });

    it('honours the limit', async function () {
      const all = await catalog.search('contract', { limit: 10 });
      expect(all.entries.length).to.be.at.least(2);
      const one = await catalog.search('contract', { limit: 1 });
      expect(one.entries).to.have.length(1);
    });

    it('answers a query without matches with an empty page', async function () {
      const result = await catalog.search('zz-no-such-server-zz', { limit: 10 });
      expect(result.entries).to.deep.equal([]);
      expect(result.degraded).to.deep.equal([]);
    });

    it('returns well-formed entries', async function () {
      const result = await catalog.search('contract', { limit: 10 });
      for (const entry of result.entries) {
        expect(entry.name).to.be.a('string').and.not.equal('');
        expect(entry.description).to.be.a('string');
        expect(entry.catalogs.length).to.be.greaterThan(0);
        for (const pkg of entry.packages) expect(() => parsePackageRef(pkg)).to.not.throw();
      }
    });
  });
}
