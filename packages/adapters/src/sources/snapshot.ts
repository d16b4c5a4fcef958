import type { Snapshot, SnapshotFile, SnapshotLimits } from '@catwalk/core';

/** Default bounds of a snapshot: enough for README, manifests and the server's source, never a whole monorepo. */
export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = {
  maxFiles: 200,
  maxFileBytes: 256 * 1024,
  maxTotalBytes: 4 * 1024 * 1024,
};

/** How many skipped entries a snapshot lists one by one; the rest are summarised in one entry. */
export const MAX_LISTED_SKIPS = 500;

/** Directories that never hold what an analyser needs (dependencies, VCS data, caches, build output of Python). */
const IGNORED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.next',
  '.turbo',
  'coverage',
  '.idea',
  '.vscode',
]);

const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'svgz', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z',
  'rar', 'tar', 'jar', 'war', 'class', 'exe', 'dll', 'so', 'dylib', 'o', 'a', 'wasm', 'pyc', 'pyo', 'whl', 'egg',
  'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp3', 'mp4', 'mov', 'avi', 'webm', 'wav', 'ogg', 'flac', 'sqlite', 'db',
  'bin', 'dat', 'node', 'psd', 'ai', 'sketch', 'heic', 'lockb',
]);

/** Manifests and config files that name a package, its runtime or its environment. */
const MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'server.json',
  'smithery.yaml',
  'smithery.yml',
  '.env.example',
  '.env.sample',
  '.env.template',
  'env.example',
  'requirements.txt',
  'pkg-info',
  'manifest.json',
  'dockerfile',
]);

const SOURCE_EXTENSIONS = new Set(['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'py', 'tsx', 'jsx']);
const TEXT_EXTENSIONS = new Set(['md', 'mdx', 'rst', 'txt', 'json', 'toml', 'yaml', 'yml', 'cfg', 'ini', 'env']);
const RELEVANT_NAME = /(?:^|[/_.-])(index|main|server|mcp|tools?|app|cli|config|settings|__main__|__init__)\.[a-z]+$/i;
const TEST_PATH = /(?:^|\/)(?:tests?|__tests__|spec|e2e|fixtures|examples?|benchmarks?)\/|\.(?:test|spec)\.[a-z]+$/i;

/** Lower number = read first when limits bite. */
export function relevance(path: string): number {
  const lower = path.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  const depth = lower.split('/').length - 1;
  if (/^readme(\.[a-z]+)?$/.test(base)) return depth === 0 ? 0 : 20 + depth;
  if (MANIFESTS.has(base) || base.startsWith('.env.')) return depth === 0 ? 1 : 10 + depth;
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  const isTest = TEST_PATH.test(lower);
  if (SOURCE_EXTENSIONS.has(ext)) {
    if (isTest) return 300 + depth;
    return (RELEVANT_NAME.test(lower) ? 30 : 60) + depth * 5;
  }
  if (ext === 'md' || ext === 'mdx' || ext === 'rst') return isTest ? 320 : 150 + depth;
  if (TEXT_EXTENSIONS.has(ext)) return isTest ? 330 : 200 + depth;
  return 400 + depth;
}

/** Whether a path is in a directory that is never read. */
export function isIgnoredPath(path: string): boolean {
  return path.split('/').some((segment) => IGNORED_DIRS.has(segment));
}

/** Whether the extension alone says the file is binary (so it is not even downloaded). */
export function hasBinaryExtension(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (!base.includes('.')) return false;
  if (base.endsWith('.min.js') || base.endsWith('.map')) return true;
  return BINARY_EXTENSIONS.has(base.slice(base.lastIndexOf('.') + 1));
}

/**
 * Whether a relative path is safe to hold in a snapshot: `/`-separated, not absolute, no `..` or `.` segment, no
 * backslash, drive letter or control character.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 1000) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return false;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes bytes as text, or returns undefined for binary content (a NUL byte in the first 8 KiB). Invalid UTF-8
 * becomes U+FFFD rather than failing: a README with one bad byte is still worth reading.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  const text = decoder.decode(bytes);
  // A BOM is not content.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A file a source found, before the limits are applied. `read` fetches at most `maxBytes` of it. */
export interface Candidate {
  readonly path: string;
  /** Size in bytes as the source reports it. */
  readonly size: number;
  /** Reads the file; returns the bytes (possibly only the first `maxBytes`). */
  readonly read: (maxBytes: number) => Promise<Uint8Array>;
}

/** Collects skip reasons with a bound, so 100,000 skipped files do not make a 100,000-entry list. */
export class SkipList {
  readonly #entries: { path: string; reason: string }[] = [];
  #unlisted = 0;

  add(path: string, reason: string): void {
    if (this.#entries.length < MAX_LISTED_SKIPS) this.#entries.push({ path, reason });
    else this.#unlisted++;
  }

  /** The listed entries plus one summary entry when more were skipped. */
  toArray(): { path: string; reason: string }[] {
    if (this.#unlisted === 0) return [...this.#entries];
    return [...this.#entries, { path: '*', reason: `limit: ${this.#unlisted} more skipped files not listed` }];
  }
}

/** Options of {@link buildSnapshot}. */
export interface BuildSnapshotOptions {
  readonly key: string;
  readonly origin: string;
  readonly limits: SnapshotLimits;
  readonly candidates: readonly Candidate[];
  readonly skipped: SkipList;
  /** Set when the source itself was cut short (a truncated git tree, a walk that hit its entry cap). */
  readonly sourceTruncated?: boolean;
  readonly knownPackage?: Snapshot['knownPackage'];
  /** Files fetched concurrently (network sources); default 8. */
  readonly concurrency?: number;
  /**
   * Files larger than `maxFileBytes` are read truncated only when they rank this high (README, manifests) and are
   * at most `oversizeFactor` × the limit; others are skipped as `too_large` without being read.
   */
  readonly oversizeFactor?: number;
}

/**
 * Applies the limits to candidates in relevance order (README, manifests, then source by relevance), reads the
 * chosen files and returns the snapshot. Every file not included is reported in `skipped` with its reason.
 */
export async function buildSnapshot(options: BuildSnapshotOptions): Promise<Snapshot> {
  const { limits, skipped } = options;
  const oversizeFactor = options.oversizeFactor ?? 4;
  let truncated = options.sourceTruncated ?? false;
  const ranked = options.candidates
    .map((candidate) => ({ candidate, rank: relevance(candidate.path) }))
    .sort((a, b) => a.rank - b.rank || a.candidate.path.length - b.candidate.path.length || (a.candidate.path < b.candidate.path ? -1 : 1));

  const chosen: { candidate: Candidate; readBytes: number }[] = [];
  let budget = limits.maxTotalBytes;
  for (const { candidate, rank } of ranked) {
    if (chosen.length >= limits.maxFiles) {
      skipped.add(candidate.path, 'limit');
      truncated = true;
      continue;
    }
    let readBytes = candidate.size;
    if (candidate.size > limits.maxFileBytes) {
      const important = rank < 20;
      if (!important || candidate.size > limits.maxFileBytes * oversizeFactor) {
        skipped.add(candidate.path, 'too_large');
        continue;
      }
      readBytes = limits.maxFileBytes;
    }
    if (readBytes > budget) {
      skipped.add(candidate.path, 'limit');
      truncated = true;
      continue;
    }
    budget -= readBytes;
    chosen.push({ candidate, readBytes });
  }

  const files: (SnapshotFile | undefined)[] = new Array(chosen.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length) {
      const index = next++;
      const { candidate, readBytes } = chosen[index]!;
      const bytes = await candidate.read(readBytes);
      const cut = bytes.byteLength > limits.maxFileBytes ? bytes.subarray(0, limits.maxFileBytes) : bytes;
      const text = decodeText(cut);
      if (text === undefined) {
        skipped.add(candidate.path, 'binary');
        continue;
      }
      const size = Math.max(candidate.size, bytes.byteLength);
      const isTruncated = size > cut.byteLength;
      files[index] = { path: candidate.path, content: text, size, ...(isTruncated ? { truncated: true } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, Math.max(1, chosen.length)) }, worker));

  return {
    key: options.key,
    origin: options.origin,
    files: files.filter((file): file is SnapshotFile => file !== undefined),
    skipped: skipped.toArray(),
    truncated,
    limits,
    ...(options.knownPackage === undefined ? {} : { knownPackage: options.knownPackage }),
  };
}

/** Merges partial limits over the defaults, refusing nonsense (zero or negative bounds). */
export function resolveLimits(partial: Partial<SnapshotLimits> = {}): SnapshotLimits {
  const limits = { ...DEFAULT_SNAPSHOT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`snapshot limit ${name} must be a positive integer`);
  }
  return limits;
}
