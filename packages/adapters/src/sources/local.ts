import { constants } from 'node:fs';
import type { Dirent } from 'node:fs';
import { lstat, open, opendir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CatwalkError } from '@catwalk/core';
import type { RepoSource, Snapshot, SnapshotLimits, Source } from '@catwalk/core';
import type { Candidate } from './snapshot.js';
import { SkipList, buildSnapshot, hasBinaryExtension, isIgnoredPath, resolveLimits } from './snapshot.js';

/** Options of {@link LocalDirectorySource}. */
export interface LocalSourceOptions {
  /** Relative source paths resolve against this directory; default `process.cwd()`. */
  readonly baseDir?: string;
  readonly limits?: Partial<SnapshotLimits>;
  /** Directory entries visited at most (a directory with a million files stops here); default 50,000. */
  readonly maxWalkEntries?: number;
}

/**
 * Reads a local directory (CLI and library use; the HTTP API refuses local sources unless an operator allows
 * them). Symlinks are never followed (skipped as `symlink`), every file's real path must stay inside the root,
 * files are opened with `O_NOFOLLOW`, and the walk stops after `maxWalkEntries` entries.
 */
export class LocalDirectorySource implements RepoSource {
  readonly #baseDir: string;
  readonly #limits: SnapshotLimits;
  readonly #maxWalkEntries: number;

  constructor(options: LocalSourceOptions = {}) {
    this.#baseDir = options.baseDir ?? process.cwd();
    this.#limits = resolveLimits(options.limits);
    this.#maxWalkEntries = options.maxWalkEntries ?? 50_000;
  }

  async fetch(source: Source): Promise<Snapshot> {
    if (source.kind !== 'local') {
      throw new CatwalkError('invalid_source', 'The local source reads local directories only.', { source: source.key });
    }
    const requested = isAbsolute(source.path) ? source.path : resolve(this.#baseDir, source.path);
    let root: string;
    try {
      root = await realpath(requested);
    } catch {
      throw new CatwalkError('not_found', `No such directory: ${source.path}.`, { source: source.key });
    }
    if (!(await stat(root)).isDirectory()) {
      throw new CatwalkError('invalid_source', `${source.path} is not a directory.`, { source: source.key });
    }
    const skipped = new SkipList();
    const candidates: Candidate[] = [];
    const truncated = await this.#walk(root, skipped, candidates);
    return buildSnapshot({
      key: source.key,
      origin: root,
      limits: this.#limits,
      candidates,
      skipped,
      sourceTruncated: truncated,
      concurrency: 4,
    });
  }

  /** Breadth-first walk (shallow files first); returns whether the entry cap cut it short. */
  async #walk(root: string, skipped: SkipList, candidates: Candidate[]): Promise<boolean> {
    const queue: string[] = [root];
    let visited = 0;
    while (queue.length > 0) {
      const dir = queue.shift()!;
      let handle;
      try {
        handle = await opendir(dir);
      } catch {
        skipped.add(toRelative(root, dir) || '.', 'unreadable');
        continue;
      }
      for await (const entry of handle as AsyncIterable<Dirent>) {
        if (++visited > this.#maxWalkEntries) {
          // Leaving the loop closes the directory handle.
          return true;
        }
        const full = join(dir, entry.name);
        const rel = toRelative(root, full);
        if (entry.isSymbolicLink()) {
          skipped.add(rel, 'symlink');
          continue;
        }
        if (entry.isDirectory()) {
          if (!isIgnoredPath(rel)) queue.push(full);
          continue;
        }
        if (!entry.isFile()) {
          skipped.add(rel, 'unsupported_entry');
          continue;
        }
        if (isIgnoredPath(rel)) continue;
        if (hasBinaryExtension(rel)) {
          skipped.add(rel, 'binary');
          continue;
        }
        const info = await lstat(full);
        candidates.push({ path: rel, size: info.size, read: (maxBytes) => readInside(root, full, maxBytes) });
      }
    }
    return false;
  }
}

function toRelative(root: string, full: string): string {
  return relative(root, full).split(sep).join('/');
}

/** Reads at most `maxBytes` of a file whose real path must stay inside `root`; never follows a symlink. */
async function readInside(root: string, full: string, maxBytes: number): Promise<Uint8Array> {
  const real = await realpath(full);
  if (real !== root && !real.startsWith(root + sep)) {
    throw new CatwalkError('invalid_source', 'A file resolved outside the source directory.', { reason: 'symlink_escape' });
  }
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.alloc(maxBytes);
    let offset = 0;
    while (offset < maxBytes) {
      const { bytesRead } = await handle.read(buffer, offset, maxBytes - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return new Uint8Array(buffer.subarray(0, offset));
  } finally {
    await handle.close();
  }
}
