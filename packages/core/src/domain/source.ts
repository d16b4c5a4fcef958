import { CatwalkError } from '../errors/index.js';
import type { PackageRef } from './packageRef.js';
import { parseNpmSpec, parsePypiSpec, parseNpmName, parsePypiName, parseNpmVersion, parsePypiVersion } from './packageRef.js';
import type { RepoRef } from './repoRef.js';
import { parseRepoUrl } from './repoRef.js';
import { hasControlCharacter, hasInvisibleCharacter, quoteForMessage } from './text.js';

/**
 * Where an MCP server comes from. One grammar everywhere (API, CLI, library):
 * - `https://github.com/{owner}/{repo}[/tree/{ref}/{path}]`
 * - `npm:<name>[@version]`
 * - `pypi:<name>[==version]`
 * - a bare package name: the runtime is detected by asking both registries
 * - a local path: `./dir`, `../dir`, `/abs/dir` (CLI and library only, unless an operator allows it)
 */
export type Source =
  | { readonly kind: 'repo'; readonly repo: RepoRef; readonly key: string }
  | { readonly kind: 'package'; readonly package: PackageRef; readonly key: string }
  | { readonly kind: 'auto'; readonly name: string; readonly version?: string; readonly key: string }
  | { readonly kind: 'local'; readonly path: string; readonly key: string };

export const SOURCE_GRAMMAR =
  'a GitHub URL (https://github.com/owner/repo), npm:<name>[@version], pypi:<name>[==version], a package name, ' +
  'or a local path (./dir, /abs/dir)';

const MAX_SOURCE_LENGTH = 2048;

function invalidSource(input: string, reason: string): CatwalkError {
  return new CatwalkError('invalid_source', `Unrecognised source ${quoteForMessage(input)}: ${reason}. Use ${SOURCE_GRAMMAR}.`, {
    input: quoteForMessage(input),
    reason,
    allowed: SOURCE_GRAMMAR,
  });
}

/** Parses a source string. Errors keep the more specific code of the part that failed (repo URL, package). */
export function parseSource(input: string): Source {
  if (typeof input !== 'string' || input.trim().length === 0) throw invalidSource(String(input), 'empty');
  if (input.length > MAX_SOURCE_LENGTH) throw invalidSource(input, 'too long');
  // Anything shaped like a URL is judged by the repository URL rules, so URL tricks get `invalid_repo_url`.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    const repo = parseRepoUrl(input);
    return { kind: 'repo', repo, key: repo.key };
  }
  if (hasControlCharacter(input)) throw invalidSource(input, 'contains control characters');
  if (hasInvisibleCharacter(input)) throw invalidSource(input, 'contains invisible formatting characters');
  if (input.trim() !== input) throw invalidSource(input, 'has leading or trailing whitespace');
  if (/^(?:www\.)?github\.com\//i.test(input)) throw invalidSource(input, 'a GitHub URL must start with https://');
  if (input.startsWith('npm:')) {
    const pkg = parseNpmSpec(input.slice(4));
    return { kind: 'package', package: pkg, key: packageKey(pkg) };
  }
  if (input.startsWith('pypi:')) {
    const pkg = parsePypiSpec(input.slice(5));
    return { kind: 'package', package: pkg, key: packageKey(pkg) };
  }
  if (input.startsWith('./') || input.startsWith('../') || input.startsWith('/') || input === '.' || input === '..') {
    return { kind: 'local', path: input, key: `local:${input}` };
  }
  if (input.includes(':')) throw invalidSource(input, 'unknown scheme');
  return parseAutoSource(input);
}

function succeeds(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

function parseAutoSource(input: string): Source {
  const at = input.lastIndexOf('@');
  const name = at > 0 ? input.slice(0, at) : input;
  const rawVersion = at > 0 ? input.slice(at + 1) : undefined;
  const validAsNpm = succeeds(() => parseNpmName(name));
  const validAsPypi = !name.startsWith('@') && succeeds(() => parsePypiName(name));
  if (!validAsNpm && !validAsPypi) parseNpmName(name); // throws invalid_package_name with the npm rule
  // The version is checked too: it reaches the registries and, once resolved, a command line.
  let version: string | undefined;
  if (rawVersion !== undefined) {
    if (validAsNpm && succeeds(() => parseNpmVersion(rawVersion))) version = rawVersion;
    else if (validAsPypi && succeeds(() => parsePypiVersion(rawVersion))) version = parsePypiVersion(rawVersion);
    else version = validAsNpm ? parseNpmVersion(rawVersion) : parsePypiVersion(rawVersion); // throws with the rule
  }
  const key = `auto:${name}${version === undefined ? '' : `@${version}`}`;
  return version === undefined ? { kind: 'auto', name, key } : { kind: 'auto', name, version, key };
}

/** The cache key of a package source: `npm:name@version` / `pypi:name==version`. */
export function packageKey(pkg: PackageRef): string {
  if (pkg.runtime === 'npm') return `npm:${pkg.name}${pkg.version === undefined ? '' : `@${pkg.version}`}`;
  return `pypi:${pkg.name}${pkg.version === undefined ? '' : `==${pkg.version}`}`;
}
