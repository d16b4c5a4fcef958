import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CatwalkError, formatPackageSpec, normalizePypiName, type ResolvedPackage } from '@catwalk/core';

/** The directories a child's PATH is made of: the running Node's own directory first, then the system's. */
export function minimalPath(): string {
  return [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter);
}

/**
 * Environment variables the deployment's credentials may never set: they would change how the runtime itself
 * behaves (preloading code, moving HOME or the npm config) rather than configure the MCP server.
 */
const RESERVED = /^(PATH|HOME|LANG|TMPDIR|TMP|TEMP|NODE_OPTIONS|NODE_PATH|LD_.*|DYLD_.*|PYTHON(PATH|HOME|STARTUP)|UV_.*|npm_config_.*|NPM_CONFIG_.*)$/i;

/**
 * The child's whole environment: the deployment's credentials plus PATH, HOME (per deployment), LANG and TMPDIR.
 * Nothing of the control plane's own environment (DATABASE_URL, CATWALK_*, API keys) is inherited; credentials
 * with reserved names are dropped (core rejects them earlier; this is the last line).
 */
export function childEnvironment(
  credentials: Readonly<Record<string, string>>,
  dirs: { home: string; tmp: string },
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(credentials)) if (!RESERVED.test(name)) env[name] = value;
  return { ...env, ...extra, PATH: minimalPath(), HOME: dirs.home, LANG: 'C.UTF-8', TMPDIR: dirs.tmp };
}

/**
 * The operator's network settings for npm itself (proxy, extra CA certificates, npm user config), taken from the
 * control plane's environment. Used for package installs that the control plane runs (no credentials there);
 * never given to an MCP server unless the operator lists the names in `passthroughEnv`.
 */
export function npmNetworkEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && /^npm_config_(registry|cafile|ca|proxy|https_proxy|noproxy|strict_ssl|userconfig|globalconfig)$/i.test(name)) out[name] = value;
  }
  if (out.npm_config_userconfig === undefined && env.HOME !== undefined) out.npm_config_userconfig = join(env.HOME, '.npmrc');
  return out;
}

/** Where the system tools Catwalk runs itself (bwrap, prlimit, chrt) are looked for: never a deployment's PATH. */
export const SYSTEM_SEARCH_PATH = '/usr/bin:/bin:/usr/local/bin:/usr/sbin:/sbin';

/** Finds an executable on a PATH string. */
export function findExecutable(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** The program and argv that run a package. */
export interface PackageCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Host paths the program reads (its installed package, a runtime outside /usr): bound read-only into a sandbox. */
  readonly readOnlyPaths?: readonly string[];
}

/**
 * Builds the argv that runs a package, with option injection impossible by construction:
 * - npm via npx: `npx -y -- <name>@<version> <args…>` — npx stops parsing its own options at `--`, and the
 *   validated package spec cannot start with `-`;
 * - npm pre-installed: `node <bin of the installed package> <args…>` (no npx at all);
 * - python pre-installed (a venv, see PythonInstaller): `<venv>/bin/python <venv>/bin/<console script> <args…>`;
 * - python otherwise (`catwalk bridge` in the Fly runner, a local orchestrator with `preinstall: false` and no
 *   sandbox): `uvx --from <name>==<version> -- <name> <args…>`.
 * The package name and version come from a `ResolvedPackage` (validated by core); the args are argv items.
 */
export function packageCommand(pkg: ResolvedPackage, args: readonly string[], options: { installedDir?: string; searchPath?: string } = {}): PackageCommand {
  if (formatPackageSpec(pkg).startsWith('-')) throw new CatwalkError('invalid_package_name', 'A package name cannot start with -.');
  if (pkg.runtime === 'npm') {
    if (options.installedDir !== undefined) {
      return { command: process.execPath, args: [installedBin(options.installedDir, pkg.name), ...args], readOnlyPaths: [options.installedDir] };
    }
    const npx = findExecutable('npx', options.searchPath ?? minimalPath());
    if (npx === undefined) throw runtimeUnavailable('npx', 'Install Node.js 20 or later (it ships npm and npx).');
    return { command: npx, args: ['-y', '--', formatPackageSpec(pkg), ...args] };
  }
  if (options.installedDir !== undefined) return installedPythonCommand(options.installedDir, pkg.name, args);
  const uvx = findExecutable('uvx', options.searchPath ?? `${minimalPath()}${delimiter}${process.env.PATH ?? ''}`);
  if (uvx === undefined) {
    throw runtimeUnavailable('uvx', 'Install uv (https://docs.astral.sh/uv/getting-started/installation/), e.g. `pipx install uv` or `pip install uv`.');
  }
  // Never inside a jail (a confining sandbox forces the pre-install), but a sandbox would need uv's directory.
  return { command: uvx, args: ['--from', formatPackageSpec(pkg), '--', pkg.name, ...args], readOnlyPaths: [dirname(uvx)] };
}

function runtimeUnavailable(program: string, how: string): CatwalkError {
  return new CatwalkError('runtime_unavailable', `${program} is not installed where Catwalk runs. ${how}`, { program, install: how });
}

/**
 * The file of a package's bin inside an npm `--prefix` install directory. With several bins, the one named like
 * the package (without scope) wins, else the first.
 */
export function installedBin(prefix: string, name: string): string {
  const packageDir = join(prefix, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = manifest.bin;
  let relative: string | undefined;
  if (typeof bin === 'string') relative = bin;
  else if (bin !== undefined) {
    const bare = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
    relative = bin[bare] ?? Object.values(bin)[0];
  }
  if (relative === undefined) throw new CatwalkError('orchestrator_failed', `The package ${name} has no executable (no "bin" in its package.json).`);
  const file = resolve(packageDir, relative);
  if (!file.startsWith(packageDir)) throw new CatwalkError('orchestrator_failed', `The package ${name} declares a bin outside itself.`);
  return file;
}

/**
 * How a pre-installed Python package runs: its venv's interpreter on the chosen console script. The script is
 * handed to the interpreter rather than run through its shebang, which names the temporary directory the venv
 * was built in before its atomic rename. The jail reads the venv and the base interpreter's prefix (which the
 * venv's `bin/python` symlink points into) unless that lies in the system directories already bound.
 */
function installedPythonCommand(venv: string, name: string, args: readonly string[]): PackageCommand {
  const script = installedPythonScript(venv, name);
  const python = join(venv, 'bin', 'python');
  let prefix: string;
  try {
    prefix = dirname(dirname(realpathSync(python)));
  } catch (error) {
    throw new CatwalkError('orchestrator_failed', `The Python interpreter of ${name} is gone (was it uninstalled?); redeploy to reinstall the package.`, {}, { cause: error });
  }
  const system = ['/usr', '/bin', '/lib', '/lib64'].some((dir) => prefix === dir || prefix.startsWith(`${dir}/`));
  return { command: python, args: [script, ...args], readOnlyPaths: system || prefix === '/' ? [venv] : [venv, prefix] };
}

/** A console-script name that is a plain file name in `bin/` (never a path). */
const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/**
 * The console script of an installed Python distribution (its `*.dist-info/entry_points.txt`, section
 * `[console_scripts]`) in a venv: the one named like the package (PEP 503-normalised), else the only one; with
 * several and none named like the package, the error lists them.
 */
export function installedPythonScript(venv: string, name: string): string {
  const scripts = consoleScripts(distInfoOf(venv, name));
  const chosen = scripts.find((script) => normalizePypiName(script) === name) ?? (scripts.length === 1 ? scripts[0] : undefined);
  if (chosen === undefined) {
    const listed = scripts.slice(0, 20).join(', ');
    throw new CatwalkError(
      'orchestrator_failed',
      scripts.length === 0
        ? `The package ${name} has no console script (no [console_scripts] entry point) to run.`
        : `The package ${name} has several console scripts and none is named like the package: ${listed}.`,
      { package: name, scripts: scripts.slice(0, 20) },
    );
  }
  const file = join(venv, 'bin', chosen);
  if (!existsSync(file)) throw new CatwalkError('orchestrator_failed', `The console script ${chosen} of ${name} is missing; redeploy to reinstall the package.`);
  return file;
}

/** The `*.dist-info` directory of a distribution in a venv's site-packages (`lib/python3.X/site-packages`). */
function distInfoOf(venv: string, name: string): string {
  const lib = join(venv, 'lib');
  const sitePackages = (existsSync(lib) ? readdirSync(lib) : []).filter((d) => d.startsWith('python')).map((d) => join(lib, d, 'site-packages'));
  for (const dir of sitePackages.filter((d) => existsSync(d))) {
    for (const entry of readdirSync(dir)) {
      // `<name>-<version>.dist-info`, the name escaped with `_` (wheel spec): PEP 503 normalisation matches it.
      const match = /^(.+)-[^-]+\.dist-info$/.exec(entry);
      if (match !== null && normalizePypiName(match[1]!) === name) return join(dir, entry);
    }
  }
  throw new CatwalkError('orchestrator_failed', `The package ${name} is not installed in its environment; redeploy to reinstall it.`, { package: name });
}

function consoleScripts(distInfo: string): string[] {
  const file = join(distInfo, 'entry_points.txt');
  if (!existsSync(file)) return [];
  const scripts: string[] = [];
  let section = '';
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) section = header[1]!.trim();
    else if (section === 'console_scripts') {
      const script = line.slice(0, line.indexOf('=')).trim();
      if (line.includes('=') && SCRIPT_NAME.test(script) && !scripts.includes(script)) scripts.push(script);
    }
  }
  return scripts;
}
