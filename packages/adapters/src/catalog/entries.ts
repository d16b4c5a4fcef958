import { CatwalkError, formatPackageSpec, hasControlCharacter, parsePackageRef, parseRepoUrl } from '@catwalk/core';
import type { PackageRef, Runtime } from '@catwalk/core';

/** Longest search text sent to a catalogue. */
export const MAX_QUERY_LENGTH = 200;
/** Largest page any catalogue is asked for. */
export const MAX_LIMIT = 100;

/** Validates a search query at the edge: bounded, no control characters. Returns it trimmed. */
export function checkQuery(query: string): string {
  if (typeof query !== 'string' || query.length > MAX_QUERY_LENGTH || hasControlCharacter(query)) {
    throw new CatwalkError('invalid_input', `Search text must be at most ${MAX_QUERY_LENGTH} printable characters.`, {
      issues: [{ path: 'query', message: `at most ${MAX_QUERY_LENGTH} printable characters` }],
    });
  }
  return query.trim();
}

/** Clamps a requested page size to 1…{@link MAX_LIMIT}. */
export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 20;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

const RUNTIME_OF: Readonly<Record<string, Runtime>> = { npm: 'npm', pypi: 'python' };

/**
 * A catalogue's package as a PackageRef, or undefined when it is not npm/PyPI or does not pass Catwalk's own
 * syntax (catalogue data is untrusted input like any other).
 */
export function packageRefOf(registryType: string, identifier: string, version: string | undefined): PackageRef | undefined {
  const runtime = RUNTIME_OF[registryType];
  if (runtime === undefined) return undefined;
  try {
    return parsePackageRef({ runtime, name: identifier, version });
  } catch {
    try {
      // A bad version should not hide a good name: fall back to latest.
      return parsePackageRef({ runtime, name: identifier });
    } catch {
      return undefined;
    }
  }
}

/** The source string to deploy an entry with: its first package (`npm:…`/`pypi:…`), else a GitHub repo URL. */
export function sourceOf(packages: readonly PackageRef[], repositoryUrl: string | undefined): string | undefined {
  const pkg = packages[0];
  if (pkg !== undefined) return `${pkg.runtime === 'npm' ? 'npm' : 'pypi'}:${formatPackageSpec(pkg)}`;
  if (repositoryUrl === undefined) return undefined;
  try {
    return parseRepoUrl(repositoryUrl).url;
  } catch {
    return undefined;
  }
}

/** A repository URL in the form used to de-duplicate: lower case, no `.git`, no trailing slash, https. */
export function canonicalRepositoryUrl(url: string): string {
  return url
    .trim()
    .replace(/^git\+/, '')
    .replace(/^http:\/\//i, 'https://')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
}

/** A repository URL worth keeping: http(s) and bounded; anything else is dropped. */
export function safeRepositoryUrl(url: string | null | undefined): string | undefined {
  if (url === undefined || url === null || url.length > 2000 || hasControlCharacter(url)) return undefined;
  return /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}
