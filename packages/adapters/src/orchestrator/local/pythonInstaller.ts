import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { CatwalkError, formatPackageSpec, type ResolvedPackage } from '@catwalk/core';
import { installedPythonScript, minimalPath } from '../../bridge/launch.js';
import { lastLine, pipFailure, probePython, run, type PythonRuntime } from './pythonRuntime.js';

/** PyPI's simple index (PEP 503), the default of `PYPI_INDEX_URL`. */
export const DEFAULT_PYPI_INDEX_URL = 'https://pypi.org/simple';

/** Options of the Python pre-installer. */
export interface PythonInstallerOptions {
  /** `$CATWALK_HOME/packages`: one venv per `name==version`, in `pypi+<name>@<version>`. */
  readonly packagesDir: string;
  /** pip's cache (default `<packagesDir>/../cache/pip`). */
  readonly cacheDir?: string;
  /** The PEP 503 simple index pip installs from, and the only one (default https://pypi.org/simple); no credentials. */
  readonly indexUrl?: string;
  /**
   * Let pip build source distributions (default false: `--only-binary=:all:`). Building an sdist runs its
   * `setup.py` / build backend, arbitrary code of the package and of every dependency, with the control plane's
   * rights and outside any jail; unlike npm's `--ignore-scripts`, pip has no switch that builds without running
   * it. Wheels install without running package code. A package with a dependency published only as an sdist then
   * fails to install, naming it; opt in only for packages you trust.
   */
  readonly allowSdists?: boolean;
  /**
   * Give each venv its own pip (ensurepip) instead of driving it with the host's pip (default false). The host pip
   * is used when it is 22.3 or later: faster (≈ 1.5 s instead of ≈ 7 s here) and no pip in the venv. Its own pip is
   * what a host with an older pip gets anyway; set this to keep the host's pip out of installs altogether.
   */
  readonly venvPip?: boolean;
  /** Longest venv creation + install (default 300 s). */
  readonly timeoutMs?: number;
  /** Where `python3` is looked up (default the control plane's PATH). */
  readonly searchPath?: string;
  /** The control plane's environment (default `process.env`): only the network settings below are taken from it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The operator's network settings for pip (proxy, CA bundles, pip's client certificate and timeout). Index
 * settings (`PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`, `PIP_TRUSTED_HOST`) and pip's config files are
 * deliberately not used: an extra index is the classic dependency-confusion hole, so the configured index is the
 * only source.
 */
export function pipNetworkEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE'];
  for (const name of [...names, 'PIP_CERT', 'PIP_CLIENT_CERT', 'PIP_PROXY', 'PIP_DEFAULT_TIMEOUT', 'PIP_TIMEOUT', 'PIP_RETRIES']) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Installs Python packages once into their own venv, `$CATWALK_HOME/packages/pypi+<name>@<version>`, outside any
 * jail (with the network, pip's cache in `$CATWALK_HOME/cache/pip`); the jail then runs the venv read-only, so it
 * never needs the network at start nor write access to a shared cache. The venv is made by the host's `python3`
 * (`-m venv`); the host pip installs into it (`pip --python`, no pip inside the venv: faster and smaller) when it
 * is 22.3 or later, else the venv's own pip from ensurepip. Installs are atomic (temp dir + rename) and
 * single-flight per package.
 */
export class PythonInstaller {
  private readonly inflight = new Map<string, Promise<string>>();
  private runtime: Promise<PythonRuntime> | undefined;

  constructor(private readonly options: PythonInstallerOptions) {
    // The index URL is a pip argv item, and argv is world-readable in /proc: it may not carry credentials.
    const index = URL.canParse(options.indexUrl ?? DEFAULT_PYPI_INDEX_URL) ? new URL(options.indexUrl ?? DEFAULT_PYPI_INDEX_URL) : undefined;
    if (index === undefined || !/^https?:$/.test(index.protocol) || index.username !== '' || index.password !== '') {
      throw new CatwalkError('invalid_config', 'The Python package index must be an http(s) URL without credentials.', { variable: 'PYPI_INDEX_URL' });
    }
  }

  /** The venv directory of a package (whether or not it is installed). */
  dirOf(pkg: ResolvedPackage): string {
    // PyPI names and PEP 440 versions hold no `/` or `+`; npm names never start with `pypi+`.
    return join(this.options.packagesDir, `pypi+${pkg.name}@${pkg.version}`);
  }

  /** Whether the package is installed (the venv only ever gets its name complete; a vanished interpreter counts as not installed). */
  isInstalled(pkg: ResolvedPackage): boolean {
    const dir = this.dirOf(pkg);
    return existsSync(join(dir, 'pyvenv.cfg')) && existsSync(join(dir, 'bin', 'python'));
  }

  /** Installs the package if needed; resolves to its venv directory. */
  ensure(pkg: ResolvedPackage): Promise<string> {
    if (pkg.runtime !== 'python') return Promise.reject(new Error('only Python packages are installed into venvs'));
    if (formatPackageSpec(pkg).startsWith('-')) return Promise.reject(new CatwalkError('invalid_package_name', 'A package name cannot start with -.'));
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

  /** The host interpreter, probed once (a failed probe is retried next time: python3 may get installed meanwhile). */
  private python(): Promise<PythonRuntime> {
    if (this.runtime === undefined) {
      this.runtime = probePython(this.options.searchPath ?? process.env.PATH ?? minimalPath(), this.options.env ?? process.env);
      this.runtime.catch(() => (this.runtime = undefined));
    }
    return this.runtime;
  }

  private get cacheDir(): string {
    return this.options.cacheDir ?? join(this.options.packagesDir, '..', 'cache', 'pip');
  }

  private async install(pkg: ResolvedPackage, dir: string): Promise<string> {
    const probed = await this.python();
    const python: PythonRuntime = this.options.venvPip === true ? { ...probed, pip: 'ensurepip' } : probed;
    mkdirSync(this.options.packagesDir, { recursive: true });
    mkdirSync(this.cacheDir, { recursive: true });
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    const deadline = Date.now() + (this.options.timeoutMs ?? 300_000);
    try {
      const venvArgs = ['-I', '-m', 'venv', ...(python.pip === 'host' ? ['--without-pip'] : []), '--', tmp];
      const created = await run(python.baseExecutable, venvArgs, this.environment(), Math.max(1000, deadline - Date.now()));
      if (created.code !== 0) {
        throw new CatwalkError('runtime_unavailable', `python3 could not create a venv (${lastLine(created.stderr)}). Install its venv module (Debian/Ubuntu: apt-get install python3-venv).`, {
          program: 'python3',
        });
      }
      await this.pipInstall(pkg, python, tmp, deadline);
      installedPythonScript(tmp, pkg.name); // a package without a runnable console script fails now, leaving nothing
      if (this.isInstalled(pkg)) return dir; // another process installed it meanwhile
      rmSync(dir, { recursive: true, force: true }); // an unusable leftover (its interpreter vanished)
      renameSync(tmp, dir);
      return dir;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  private async pipInstall(pkg: ResolvedPackage, python: PythonRuntime, venv: string, deadline: number): Promise<void> {
    const venvPython = join(venv, 'bin', 'python');
    const [command, ...head] = python.pip === 'host' ? [python.executable, '-I', '-m', 'pip', '--python', venvPython] : [venvPython, '-I', '-m', 'pip'];
    const index = new URL(this.options.indexUrl ?? DEFAULT_PYPI_INDEX_URL);
    const args = [
      ...head,
      'install',
      '--no-input',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--progress-bar',
      'off',
      '--index-url',
      index.href,
      // An http:// index is the operator's explicit choice (a LAN mirror): pip would otherwise refuse it.
      ...(index.protocol === 'http:' ? ['--trusted-host', index.host] : []),
      '--cache-dir',
      this.cacheDir,
      ...(this.options.allowSdists === true ? [] : ['--only-binary', ':all:']),
      // `--` ends pip's options: the validated `name==version` is the only requirement.
      '--',
      formatPackageSpec(pkg),
    ];
    const result = await run(command!, args, this.environment(), Math.max(1000, deadline - Date.now()));
    if (result.timedOut) throw new CatwalkError('orchestrator_failed', `pip did not install ${formatPackageSpec(pkg)} within ${Math.round((this.options.timeoutMs ?? 300_000) / 1000)} s.`, { package: formatPackageSpec(pkg) });
    if (result.code !== 0) {
      throw new CatwalkError('orchestrator_failed', `pip could not install ${formatPackageSpec(pkg)}: ${pipFailure(result.stderr || result.stdout, this.options.allowSdists !== true)}`, { package: formatPackageSpec(pkg) });
    }
  }

  /**
   * Everything pip and venv see: the operator's network settings, a minimal PATH, pip's config files ignored
   * (`PIP_CONFIG_FILE=/dev/null`: no extra index, constraint or find-links from a pip.conf), HOME in the cache
   * directory. Nothing else of the control plane's environment (DATABASE_URL, CATWALK_*, API keys).
   */
  private environment(): Record<string, string> {
    return { ...pipNetworkEnvironment(this.options.env ?? process.env), PATH: minimalPath(), HOME: this.cacheDir, LANG: 'C.UTF-8', PIP_CONFIG_FILE: devNull };
  }
}
