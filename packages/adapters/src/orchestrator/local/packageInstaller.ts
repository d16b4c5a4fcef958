import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CatwalkError, formatPackageSpec, type ResolvedPackage } from '@catwalk/core';
import { findExecutable, minimalPath, npmNetworkEnvironment } from '../../bridge/launch.js';

/** Options of the npm pre-installer. */
export interface PackageInstallerOptions {
  /** `$CATWALK_HOME/packages`: one directory per `name@version`. */
  readonly packagesDir: string;
  /** Shared npm cache (default `<packagesDir>/../cache/npm`). */
  readonly cacheDir?: string;
  /**
   * Run the package's install scripts (default false). MCP servers ship built JavaScript; install scripts are the
   * usual supply-chain attack vector, so they stay off unless a package with native code needs them.
   */
  readonly allowScripts?: boolean;
  /** Largest install time (default 120 s). */
  readonly timeoutMs?: number;
  /**
   * Keep each finished install in the npm cache directory too (`<cache>/_catwalk-installs/<name>@<version>`) and
   * hard-link it into a new packages directory instead of running npm again (default true). npm itself keeps
   * installed trees in its cache the same way for npx (`_npx`). A cold deploy of a package that any Catwalk home
   * sharing this cache installed before then costs a directory walk (~0.1–0.3 s for server-memory's 99 packages)
   * instead of npm's unpack of every tarball (~5–8 s here). Installed package files are treated as immutable: the
   * servers run with their own working directory, and files are linked, never written, by Catwalk. Homes that
   * share one cache directory share these files (hard links), as deployments of one package in one home already
   * share its directory: share a cache only between homes that trust each other, or turn this off.
   */
  readonly shareInstalls?: boolean;
}

/**
 * Installs npm packages once into `$CATWALK_HOME/packages/<name>@<version>` (`npm install --prefix …`), so a
 * (re)start runs `node <bin>` directly: no registry round trip, no npx resolution, well under a second.
 * Installs are atomic (temp dir + rename) and single-flight per package; a package installed before through the
 * same npm cache is hard-linked from the cache's shared copy instead of being unpacked again (`shareInstalls`).
 */
export class PackageInstaller {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly options: PackageInstallerOptions) {}

  /** The install directory of a package (whether or not it is installed). */
  dirOf(pkg: ResolvedPackage): string {
    return join(this.options.packagesDir, formatPackageSpec(pkg).replace(/\//g, '+'));
  }

  /** Whether the package is installed already. */
  isInstalled(pkg: ResolvedPackage): boolean {
    return existsSync(join(this.dirOf(pkg), 'node_modules', pkg.name, 'package.json'));
  }

  /** Installs the package if needed; resolves to its prefix directory. */
  ensure(pkg: ResolvedPackage): Promise<string> {
    if (pkg.runtime !== 'npm') return Promise.reject(new Error('only npm packages are pre-installed'));
    const dir = this.dirOf(pkg);
    if (this.isInstalled(pkg)) return Promise.resolve(dir);
    const key = formatPackageSpec(pkg);
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.install(pkg, dir).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private get cacheDir(): string {
    return this.options.cacheDir ?? join(this.options.packagesDir, '..', 'cache', 'npm');
  }

  /** The shared copy of an install in the npm cache (scripts on or off give different trees). */
  private sharedDirOf(pkg: ResolvedPackage): string | undefined {
    if (this.options.shareInstalls === false) return undefined;
    return join(this.cacheDir, '_catwalk-installs', basename(this.dirOf(pkg)) + (this.options.allowScripts === true ? '+scripts' : ''));
  }

  private async install(pkg: ResolvedPackage, dir: string): Promise<string> {
    mkdirSync(this.options.packagesDir, { recursive: true });
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    const shared = this.sharedDirOf(pkg);
    try {
      let linked = false;
      if (shared !== undefined && isComplete(shared, pkg)) {
        linked = await linkTree(shared, tmp).then(
          () => true,
          () => false,
        );
        if (!linked) rmSync(tmp, { recursive: true, force: true });
      }
      if (!linked) {
        await this.npmInstall(pkg, tmp);
        if (shared !== undefined) await publish(tmp, shared, pkg);
      }
      if (this.isInstalled(pkg)) return dir;
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return dir;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  private async npmInstall(pkg: ResolvedPackage, tmp: string): Promise<void> {
    const npm = findExecutable('npm', minimalPath());
    if (npm === undefined) throw new CatwalkError('runtime_unavailable', 'npm is not installed where Catwalk runs. Install Node.js 20 or later.', { program: 'npm' });
    mkdirSync(tmp, { recursive: true });
    const cache = this.cacheDir;
    const args = ['install', '--prefix', tmp, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--omit=dev', '--prefer-offline', '--loglevel=error'];
    if (this.options.allowScripts !== true) args.push('--ignore-scripts');
    // `--` ends npm's options: the validated spec is the only positional.
    args.push('--', formatPackageSpec(pkg));
    await new Promise<void>((resolve, reject) => {
      execFile(
        npm,
        args,
        {
          env: { ...npmNetworkEnvironment(), PATH: minimalPath(), HOME: tmp, LANG: 'C.UTF-8', npm_config_cache: cache, npm_config_update_notifier: 'false' },
          timeout: this.options.timeoutMs ?? 120_000,
          maxBuffer: 4 * 1024 * 1024,
        },
        (error, _stdout, stderr) => {
          if (error) reject(new CatwalkError('orchestrator_failed', `npm could not install ${formatPackageSpec(pkg)}: ${lastLine(stderr)}`, { package: formatPackageSpec(pkg) }));
          else resolve();
        },
      );
    });
  }
}

/** Whether an install tree holds the package (a half-written tree never has its final name: see `publish`). */
function isComplete(prefix: string, pkg: ResolvedPackage): boolean {
  return existsSync(join(prefix, 'node_modules', pkg.name, 'package.json'));
}

/** Stores a finished install as the shared copy (best effort: a failure only costs the next cold install). */
async function publish(installed: string, shared: string, pkg: ResolvedPackage): Promise<void> {
  const staging = `${shared}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await linkTree(installed, staging);
    // A leftover that is not a complete tree (removed by hand, disk trouble) must not block the store forever.
    if (existsSync(shared) && !isComplete(shared, pkg)) rmSync(shared, { recursive: true, force: true });
    renameSync(staging, shared); // fails when another install published first: theirs is as good
  } catch {
    /* keep going without a shared copy */
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Recreates the tree `from` at `to` with hard links (copies across file systems), keeping symlinks (npm's
 * `.bin` links are relative; an absolute one into the tree is re-pointed into the new tree). Asynchronous so a
 * control plane serving other deployments is not blocked while thousands of files are linked.
 */
async function linkTree(from: string, to: string, root = { from, to }): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isDirectory()) return linkTree(source, target, root);
      if (entry.isSymbolicLink()) {
        const pointsTo = await readlink(source);
        const inside = isAbsolute(pointsTo) ? relative(root.from, pointsTo) : undefined;
        return symlink(inside !== undefined && !inside.startsWith('..') && !isAbsolute(inside) ? join(root.to, inside) : pointsTo, target);
      }
      if (entry.isFile()) return link(source, target).catch(() => copyFile(source, target));
      return undefined; // sockets, fifos, devices: never part of a package
    }),
  );
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('npm warn'));
  // A registry URL may carry credentials (https://user:token@registry…): never show them.
  return (lines.at(-1) ?? 'unknown error').replace(/\/\/[^/\s@]+@/g, '//***@').slice(0, 300);
}
