import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { CatwalkError } from '@catwalk/core';
import type { Candidate, SkipList } from './snapshot.js';
import { hasBinaryExtension, isIgnoredPath, isSafeRelativePath } from './snapshot.js';

/** Bounds of an in-memory extraction. */
export interface TarballLimits {
  /** Unpacked bytes at most (gzip bombs stop here). */
  readonly maxUnpackedBytes: number;
  /** Bytes kept per file (the rest of a file is read and dropped). */
  readonly maxFileBytes: number;
  /** Entries looked at, at most. */
  readonly maxEntries: number;
}

/** The result of {@link extractTarball}: text candidates plus whether the archive was cut short. */
export interface ExtractedTarball {
  readonly candidates: Candidate[];
  readonly truncated: boolean;
}

/**
 * Gunzips and untars an npm-style tarball in memory. Nothing touches the disk. The first path segment (`package/`
 * for npm) is stripped; absolute paths, `..` segments, links and devices are refused and reported in `skipped`.
 */
export async function extractTarball(gzipped: Uint8Array, limits: TarballLimits, skipped: SkipList, source: string): Promise<ExtractedTarball> {
  let unpacked: Buffer;
  try {
    unpacked = gunzipSync(gzipped, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (error) {
    const tooBig = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new CatwalkError(
      'source_unavailable',
      tooBig ? `The tarball of ${source} unpacks to more than ${limits.maxUnpackedBytes} bytes.` : `The tarball of ${source} is not valid gzip.`,
      { source, reason: tooBig ? 'too_large' : 'corrupt' },
    );
  }
  const extract = tar.extract();
  const candidates: Candidate[] = [];
  let entries = 0;
  let truncated = false;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      entries++;
      const drain = () => {
        stream.on('end', () => next());
        stream.resume();
      };
      if (entries > limits.maxEntries) {
        truncated = true;
        drain();
        return;
      }
      const raw = header.name;
      const stripped = raw.includes('/') ? raw.slice(raw.indexOf('/') + 1) : raw;
      const type: string = header.type ?? 'file';
      if (type === 'directory' || type === 'pax-header' || type === 'pax-global-header') return drain();
      if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.split(/[/\\]/).includes('..') || !isSafeRelativePath(stripped)) {
        skipped.add(safeShown(raw), 'unsafe_path');
        return drain();
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        skipped.add(stripped, type === 'symlink' || type === 'link' ? 'symlink' : 'unsupported_entry');
        return drain();
      }
      if (isIgnoredPath(stripped)) return drain();
      if (hasBinaryExtension(stripped)) {
        skipped.add(stripped, 'binary');
        return drain();
      }
      const chunks: Buffer[] = [];
      let kept = 0;
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.byteLength;
        if (kept < limits.maxFileBytes) {
          const part = chunk.subarray(0, limits.maxFileBytes - kept);
          chunks.push(part);
          kept += part.byteLength;
        }
      });
      stream.on('end', () => {
        const bytes = new Uint8Array(Buffer.concat(chunks));
        candidates.push({ path: stripped, size: Math.max(size, header.size ?? 0), read: async () => bytes });
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([unpacked]).pipe(extract);
  try {
    await done;
  } catch {
    throw new CatwalkError('source_unavailable', `The tarball of ${source} is not a valid tar archive.`, { source, reason: 'corrupt' });
  }
  // Later entries with the same path win in tar semantics; keep one candidate per path.
  const byPath = new Map(candidates.map((candidate) => [candidate.path, candidate]));
  return { candidates: [...byPath.values()], truncated };
}

function safeShown(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200);
}
