import { expect } from 'chai';
import type { PackageLookup, PackageRegistry } from '../../ports/index.js';
import type { SeededPackage } from '../fakes/registry.js';

/**
 * The packages every registry under contract must serve (a fake seeded with them, or a local fake npm/PyPI
 * server seeded with them for the real adapters). Names follow each registry's rules; PyPI names are PEP 503.
 */
export const REGISTRY_CONTRACT_SEED: readonly SeededPackage[] = [
  {
    runtime: 'npm',
    name: '@contract/server-notes',
    versions: ['1.0.0', '1.1.0', '2.0.0-beta.1', '1.2.0'],
    latest: '1.2.0',
    distTags: { next: '2.0.0-beta.1' },
    deprecated: { '1.0.0': 'Use 1.1.0 or later: 1.0.0 leaks memory' },
    description: 'Notes for contract tests',
    repositoryUrl: 'https://github.com/contract/server-notes',
  },
  { runtime: 'npm', name: 'contract-plain-server', versions: ['0.1.0', '0.2.0'] },
  {
    runtime: 'python',
    name: 'contract-weather-mcp',
    versions: ['0.9.0', '1.0.0', '1.0.1'],
    latest: '1.0.1',
    yanked: { '1.0.0': 'broken wheel' },
    description: 'Weather for contract tests',
  },
  { runtime: 'python', name: 'contract-pre-mcp', versions: ['2.0.0rc1', '2.0.0'], yanked: { '2.0.0rc1': '' } },
];

/** Builds the registry under test, serving at least {@link REGISTRY_CONTRACT_SEED}; `close` is called after each test. */
export type RegistryMaker = (
  seed: readonly SeededPackage[],
) => Promise<{ registry: PackageRegistry; close?: () => Promise<void> }> | { registry: PackageRegistry; close?: () => Promise<void> };

function found(lookup: PackageLookup) {
  expect(lookup.kind, `expected found, got ${JSON.stringify(lookup)}`).to.equal('found');
  return (lookup as Extract<PackageLookup, { kind: 'found' }>).info;
}

/**
 * The PackageRegistry contract: latest/exact/dist-tag resolution, missing package vs missing version (with the
 * latest version), npm deprecation and PyPI yanked flags. Cases for a runtime the registry does not list in
 * `runtimes` are skipped, so npm-only and PyPI-only adapters run the same suite.
 */
export function describePackageRegistryContract(name: string, makeRegistry: RegistryMaker): void {
  describe(`PackageRegistry contract: ${name}`, function () {
    let registry: PackageRegistry;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async function () {
      const made = await makeRegistry(REGISTRY_CONTRACT_SEED);
      registry = made.registry;
      close = made.close;
    });
    afterEach(async function () {
      await close?.();
    });

    const npmIt = (title: string, body: () => Promise<void>) =>
      it(`npm: ${title}`, async function () {
        if (!registry.runtimes.includes('npm')) this.skip();
        await body();
      });
    const pypiIt = (title: string, body: () => Promise<void>) =>
      it(`pypi: ${title}`, async function () {
        if (!registry.runtimes.includes('python')) this.skip();
        await body();
      });

    it('declares at least one runtime', function () {
      expect(registry.runtimes.length).to.be.greaterThan(0);
      for (const runtime of registry.runtimes) expect(['npm', 'python']).to.include(runtime);
    });

    npmIt('no version resolves to dist-tags.latest (not the highest version)', async () => {
      const info = found(await registry.lookup({ runtime: 'npm', name: '@contract/server-notes' }));
      expect(info).to.include({ runtime: 'npm', name: '@contract/server-notes', version: '1.2.0', latestVersion: '1.2.0' });
      expect(info.deprecated).to.equal(undefined);
    });
    npmIt('`latest` resolves like no version', async () => {
      const info = found(await registry.lookup({ runtime: 'npm', name: 'contract-plain-server', version: 'latest' }));
      expect(info).to.include({ version: '0.2.0', latestVersion: '0.2.0' });
    });
    npmIt('an exact version is confirmed', async () => {
      const info = found(await registry.lookup({ runtime: 'npm', name: '@contract/server-notes', version: '1.1.0' }));
      expect(info).to.include({ version: '1.1.0', latestVersion: '1.2.0' });
    });
    npmIt('a dist-tag resolves to its version', async () => {
      const info = found(await registry.lookup({ runtime: 'npm', name: '@contract/server-notes', version: 'next' }));
      expect(info.version).to.equal('2.0.0-beta.1');
    });
    npmIt('a deprecated version carries its message', async () => {
      const info = found(await registry.lookup({ runtime: 'npm', name: '@contract/server-notes', version: '1.0.0' }));
      expect(info.deprecated).to.equal('Use 1.1.0 or later: 1.0.0 leaks memory');
    });
    npmIt('an unknown package is missing_package', async () => {
      expect(await registry.lookup({ runtime: 'npm', name: '@contract/no-such-server' })).to.deep.equal({ kind: 'missing_package' });
      expect(await registry.lookup({ runtime: 'npm', name: 'no-such-contract-server', version: '1.0.0' })).to.deep.equal({ kind: 'missing_package' });
    });
    npmIt('an unknown version or dist-tag is missing_version with the latest version', async () => {
      expect(await registry.lookup({ runtime: 'npm', name: '@contract/server-notes', version: '9.9.9' })).to.deep.equal({
        kind: 'missing_version',
        latestVersion: '1.2.0',
      });
      expect(await registry.lookup({ runtime: 'npm', name: 'contract-plain-server', version: 'canary' })).to.deep.equal({
        kind: 'missing_version',
        latestVersion: '0.2.0',
      });
    });

    pypiIt('no version resolves to the latest release', async () => {
      const info = found(await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp' }));
      expect(info).to.include({ runtime: 'python', name: 'contract-weather-mcp', version: '1.0.1', latestVersion: '1.0.1' });
      expect(info.yanked ?? false).to.equal(false);
    });
    pypiIt('an exact version is confirmed', async () => {
      const info = found(await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp', version: '0.9.0' }));
      expect(info).to.include({ version: '0.9.0', latestVersion: '1.0.1' });
    });
    pypiIt('a yanked release is flagged with its reason', async () => {
      const info = found(await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp', version: '1.0.0' }));
      expect(info).to.include({ version: '1.0.0', yanked: true, yankedReason: 'broken wheel' });
    });
    pypiIt('a yanked pre-release without a reason is flagged without one', async () => {
      const info = found(await registry.lookup({ runtime: 'python', name: 'contract-pre-mcp', version: '2.0.0rc1' }));
      expect(info.yanked).to.equal(true);
      expect(info.yankedReason).to.equal(undefined);
      expect(info.latestVersion).to.equal('2.0.0');
    });
    pypiIt('an unknown project is missing_package, with or without a version', async () => {
      expect(await registry.lookup({ runtime: 'python', name: 'no-such-contract-mcp' })).to.deep.equal({ kind: 'missing_package' });
      expect(await registry.lookup({ runtime: 'python', name: 'no-such-contract-mcp', version: '1.0.0' })).to.deep.equal({ kind: 'missing_package' });
    });
    pypiIt('an unknown release is missing_version with the latest version', async () => {
      expect(await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp', version: '3.0.0' })).to.deep.equal({
        kind: 'missing_version',
        latestVersion: '1.0.1',
      });
    });
  });
}
