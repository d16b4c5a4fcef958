import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedPackage } from '@catwalk/core';
import { PackageInstaller } from '../../src/orchestrator/local/packageInstaller.js';

// A tiny real package (no dependencies) from the npm registry; the first run ever downloads it.
const PKG: ResolvedPackage = { runtime: 'npm', name: 'is-number', version: '7.0.0' };
const FILE = join('node_modules', 'is-number', 'index.js');

describe('PackageInstaller: shared installs', function () {
  this.timeout(120_000);
  let root: string;
  let cacheDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'catwalk-installer-'));
    // Its own cache directory per test (so the shared copy starts absent), filled from the shared test npm cache.
    cacheDir = join(root, 'cache');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const installer = (home: string, options: { shareInstalls?: boolean } = {}): PackageInstaller =>
    new PackageInstaller({ packagesDir: join(root, home, 'packages'), cacheDir, ...options });

  it('keeps a shared copy of the first install and hard-links it into the next home instead of running npm', async () => {
    const first = await installer('a').ensure(PKG);
    const shared = join(cacheDir, '_catwalk-installs', 'is-number@7.0.0');
    expect(existsSync(join(shared, FILE))).to.equal(true);
    expect(statSync(join(first, FILE)).ino).to.equal(statSync(join(shared, FILE)).ino);
    const second = await installer('b').ensure(PKG);
    expect(second).to.not.equal(first);
    // Same inode: linked from the shared copy (npm would have written a new file).
    expect(statSync(join(second, FILE)).ino).to.equal(statSync(join(shared, FILE)).ino);
    const again = await installer('b').ensure(PKG);
    expect(again).to.equal(second);
  });

  it('runs npm when the shared copy is incomplete, and replaces it', async () => {
    const shared = join(cacheDir, '_catwalk-installs', 'is-number@7.0.0');
    mkdirSync(join(shared, 'node_modules'), { recursive: true }); // e.g. half removed by hand: the package is missing
    const dir = await installer('a').ensure(PKG);
    expect(existsSync(join(dir, FILE))).to.equal(true);
    expect(statSync(join(shared, FILE)).ino).to.equal(statSync(join(dir, FILE)).ino);
  });

  it('shares nothing when shareInstalls is false', async () => {
    const dir = await installer('a', { shareInstalls: false }).ensure(PKG);
    expect(existsSync(join(dir, FILE))).to.equal(true);
    expect(existsSync(join(cacheDir, '_catwalk-installs'))).to.equal(false);
  });
});
