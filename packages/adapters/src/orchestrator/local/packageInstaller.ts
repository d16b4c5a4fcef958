import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
}

/**
 * Installs npm packages once into `$CATWALK_HOME/packages/<name>@<version>` (`npm install --prefix …`), so a
 * (re)start runs `node <bin>` directly: no registry round trip, no npx resolution, well under a second.
 * Installs are atomic (temp dir + rename) and single-flight per package.
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

  private async install(pkg: ResolvedPackage, dir: string): Promise<string> {
    const npm = findExecutable('npm', minimalPath());
    if (npm === undefined) throw new CatwalkError('runtime_unavailable', 'npm is not installed where Catwalk runs. Install Node.js 20 or later.', { program: 'npm' });
    mkdirSync(this.options.packagesDir, { recursive: true });
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    mkdirSync(tmp, { recursive: true });
    const cache = this.options.cacheDir ?? join(this.options.packagesDir, '..', 'cache', 'npm');
    const args = ['install', '--prefix', tmp, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--omit=dev', '--prefer-offline', '--loglevel=error'];
    if (this.options.allowScripts !== true) args.push('--ignore-scripts');
    // `--` ends npm's options: the validated spec is the only positional.
    args.push('--', formatPackageSpec(pkg));
    try {
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
      if (this.isInstalled(pkg)) return dir;
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return dir;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('npm warn'));
  // A registry URL may carry credentials (https://user:token@registry…): never show them.
  return (lines.at(-1) ?? 'unknown error').replace(/\/\/[^/\s@]+@/g, '//***@').slice(0, 300);
}
