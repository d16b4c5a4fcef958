import { CatwalkError } from '../errors/index.js';
import { quoteForMessage } from './text.js';

/** The package ecosystems Catwalk can run: npm (run with npx) and Python (run with uvx). */
export type Runtime = 'npm' | 'python';
export const RUNTIMES: readonly Runtime[] = ['npm', 'python'];

/**
 * A package as the user asked for it. `version` is an exact version, a dist-tag such as `latest`, or absent
 * (meaning latest). Names are normalised: npm names as given (they are lower case), PyPI names per PEP 503.
 */
export interface PackageRef {
  readonly runtime: Runtime;
  readonly name: string;
  readonly version?: string;
}

/** A package whose version the registry confirmed: exactly what a process will run. */
export interface ResolvedPackage {
  readonly runtime: Runtime;
  readonly name: string;
  readonly version: string;
}

export const NPM_NAME_RULE =
  "npm package names may contain lowercase letters, digits, '-', '.' and '_', must start with a letter or digit, " +
  'may have an @scope/ prefix, are at most 214 characters and are not Node.js core module names';
export const PYPI_NAME_RULE =
  "PyPI package names may contain letters, digits, '-', '.' and '_', must start and end with a letter or digit, " +
  'and are at most 200 characters';
export const NPM_VERSION_RULE = 'npm versions are exact semver versions (1.2.3, 1.2.3-beta.1) or a dist-tag (latest, next)';
export const PYPI_VERSION_RULE = 'PyPI versions are exact PEP 440 versions (1.2.3, 2.0.0rc1, 1.0.post2), optionally after ==';

// npm's rules for new packages (validate-npm-package-name `validForNewPackages`): '~' and the other "special
// characters" are only valid for old packages, so they are refused here.
const NPM_PART = /^[a-z0-9][a-z0-9._-]*$/;
const NPM_RESERVED = new Set(['node_modules', 'favicon.ico']);
// Unscoped names npm refuses for new packages because they are Node.js core modules (Node 20's
// `builtinModules` that fit NPM_PART). Kept here because core cannot import `node:module`.
const NODE_CORE_MODULES = new Set([
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants', 'crypto', 'dgram',
  'diagnostics_channel', 'dns', 'domain', 'events', 'fs', 'http', 'http2', 'https', 'inspector', 'module', 'net',
  'os', 'path', 'perf_hooks', 'process', 'punycode', 'querystring', 'readline', 'repl', 'stream', 'string_decoder',
  'sys', 'timers', 'tls', 'trace_events', 'tty', 'url', 'util', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib',
]);
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const DIST_TAG = /^[a-z][a-z0-9._-]{0,63}$/;
const PEP508_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
// PEP 440 public versions (canonical and common spellings), anchored, no local segment.
const PEP440 =
  /^(?:[1-9]\d*!)?(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*)){0,5}(?:(?:a|b|rc)(?:0|[1-9]\d*))?(?:\.post(?:0|[1-9]\d*))?(?:\.dev(?:0|[1-9]\d*))?$/;

function invalidName(input: string, rule: string, reason: string): CatwalkError {
  return new CatwalkError('invalid_package_name', `Invalid package name ${quoteForMessage(input)}: ${reason}. ${rule}.`, {
    input: quoteForMessage(input),
    reason,
    allowed: rule,
  });
}

/** Parses an npm package name; throws `invalid_package_name` with the allowed format. */
export function parseNpmName(input: string): string {
  if (typeof input !== 'string' || input.length === 0) throw invalidName(String(input), NPM_NAME_RULE, 'empty');
  if (input.length > 214) throw invalidName(input, NPM_NAME_RULE, 'too long');
  let scope: string | undefined;
  let name = input;
  if (input.startsWith('@')) {
    const slash = input.indexOf('/');
    if (slash < 0) throw invalidName(input, NPM_NAME_RULE, 'a scope must be followed by /name');
    scope = input.slice(1, slash);
    name = input.slice(slash + 1);
    if (!NPM_PART.test(scope)) throw invalidName(input, NPM_NAME_RULE, 'bad scope');
  }
  if (!NPM_PART.test(name)) throw invalidName(input, NPM_NAME_RULE, 'bad characters or first character');
  if (scope === undefined && NPM_RESERVED.has(name)) throw invalidName(input, NPM_NAME_RULE, 'reserved name');
  if (scope === undefined && NODE_CORE_MODULES.has(name)) throw invalidName(input, NPM_NAME_RULE, 'a Node.js core module name');
  return input;
}

/** Parses a PyPI name (PEP 508) and returns it normalised per PEP 503 (lower case, runs of -_. become -). */
export function parsePypiName(input: string): string {
  if (typeof input !== 'string' || input.length === 0) throw invalidName(String(input), PYPI_NAME_RULE, 'empty');
  if (input.length > 200) throw invalidName(input, PYPI_NAME_RULE, 'too long');
  if (!PEP508_NAME.test(input)) throw invalidName(input, PYPI_NAME_RULE, 'bad characters or first/last character');
  return normalizePypiName(input);
}

/** PEP 503 normalisation. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function invalidVersion(input: string, rule: string): CatwalkError {
  return new CatwalkError('invalid_package_name', `Invalid version ${quoteForMessage(input)}. ${rule}.`, {
    input: quoteForMessage(input),
    reason: 'bad version',
    allowed: rule,
  });
}

/** Whether `version` is an exact semver version (what npm publishes). */
export function isExactNpmVersion(version: string): boolean {
  return version.length <= 256 && SEMVER.test(version);
}

/** Whether `version` is an exact PEP 440 public version. */
export function isExactPypiVersion(version: string): boolean {
  return version.length <= 128 && PEP440.test(version);
}

/** Parses a requested npm version: exact semver or a dist-tag. */
export function parseNpmVersion(input: string): string {
  if (typeof input === 'string' && (isExactNpmVersion(input) || DIST_TAG.test(input))) return input;
  throw invalidVersion(String(input), NPM_VERSION_RULE);
}

/** Parses a requested PyPI version: exact PEP 440 (with or without a leading ==) or `latest`. */
export function parsePypiVersion(input: string): string {
  if (typeof input !== 'string') throw invalidVersion(String(input), PYPI_VERSION_RULE);
  const bare = input.startsWith('==') ? input.slice(2) : input;
  if (bare === 'latest' || isExactPypiVersion(bare)) return bare;
  throw invalidVersion(input, PYPI_VERSION_RULE);
}

/** Builds a PackageRef from parts, validating the name and version for the runtime. */
export function parsePackageRef(input: { runtime: Runtime; name: string; version?: string | undefined }): PackageRef {
  if (input.runtime === 'npm') {
    const name = parseNpmName(input.name);
    return input.version === undefined ? { runtime: 'npm', name } : { runtime: 'npm', name, version: parseNpmVersion(input.version) };
  }
  if (input.runtime === 'python') {
    const name = parsePypiName(input.name);
    return input.version === undefined
      ? { runtime: 'python', name }
      : { runtime: 'python', name, version: parsePypiVersion(input.version) };
  }
  throw new CatwalkError('invalid_package_name', "Runtime must be 'npm' or 'python'.", { allowed: RUNTIMES });
}

/** Parses `name@version` (npm spec form, scoped names allowed). */
export function parseNpmSpec(spec: string): PackageRef {
  const at = spec.lastIndexOf('@');
  if (at > 0) return parsePackageRef({ runtime: 'npm', name: spec.slice(0, at), version: spec.slice(at + 1) });
  return parsePackageRef({ runtime: 'npm', name: spec });
}

/** Parses `name==version` or `name` (pip requirement form, exact pins only). */
export function parsePypiSpec(spec: string): PackageRef {
  const eq = spec.indexOf('==');
  if (eq >= 0) {
    const version = spec.slice(eq + 2);
    // `name====1.0` would otherwise be read as `name==1.0` (parsePypiVersion strips one leading ==).
    if (version.startsWith('=')) throw invalidVersion(version, PYPI_VERSION_RULE);
    return parsePackageRef({ runtime: 'python', name: spec.slice(0, eq), version });
  }
  return parsePackageRef({ runtime: 'python', name: spec });
}

/** How a package is written on a command line: `name@version` for npm, `name==version` for PyPI. */
export function formatPackageSpec(pkg: ResolvedPackage | PackageRef): string {
  if (pkg.version === undefined) return pkg.name;
  return pkg.runtime === 'npm' ? `${pkg.name}@${pkg.version}` : `${pkg.name}==${pkg.version}`;
}
