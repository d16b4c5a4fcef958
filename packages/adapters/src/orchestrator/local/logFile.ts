import { appendFileSync, closeSync, existsSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import type { LogLine } from '@catwalk/core';

/** Size of the current log file before it is rotated to `<file>.1` (the older `.1` is dropped). */
export const DEFAULT_LOG_FILE_BYTES = 1024 * 1024;

/**
 * A deployment's server log on disk (`$CATWALK_HOME/deployments/<id>/server.log`, JSON lines of `{at, stream,
 * line}`), so its last lines survive a restart of the control plane. It receives lines already masked by the
 * LogRing, is private to the user (0600), outside the jail's bind mounts, and bounded: a file never grows past
 * `maxBytes`; the full one becomes `server.log.1` (replacing the older) and a new one starts, so a deployment never
 * holds more than twice `maxBytes`. Lines are gathered and appended once per turn of the event loop: a chatty
 * server costs one small write per turn, and rotation stays in order with the writes.
 */
export class LogFile {
  private bytes: number;
  private pending: string[] = [];
  private flushing: NodeJS.Immediate | undefined;

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_LOG_FILE_BYTES,
  ) {
    this.bytes = existsSync(path) ? statSync(path).size : 0;
  }

  append(entry: LogLine): void {
    this.pending.push(`${JSON.stringify({ at: entry.at.toISOString(), stream: entry.stream, line: entry.line })}\n`);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** The last `n` lines on disk (the rotated file included), oldest first. */
  readTail(n: number): LogLine[] {
    this.flush();
    const lines = [...readLines(`${this.path}.1`), ...readLines(this.path)];
    return lines.slice(Math.max(0, lines.length - n)).flatMap(parseLine);
  }

  /** Writes what is pending now (on stop and shutdown; otherwise once per turn of the event loop). */
  flush(): void {
    if (this.flushing !== undefined) clearImmediate(this.flushing);
    this.flushing = undefined;
    const lines = this.pending;
    this.pending = [];
    let batch = '';
    let batchBytes = 0;
    for (const line of lines) {
      const size = Buffer.byteLength(line);
      if (this.bytes + batchBytes + size > this.maxBytes && this.bytes + batchBytes > 0) {
        this.write(batch, batchBytes);
        this.rotate();
        batch = '';
        batchBytes = 0;
      }
      batch += line;
      batchBytes += size;
    }
    if (batchBytes > 0) this.write(batch, batchBytes);
  }

  private write(text: string, size: number): void {
    if (size === 0) return;
    try {
      appendFileSync(this.path, text, { mode: 0o600 });
      this.bytes += size;
    } catch {
      // A full disk or a removed deployment directory loses log lines, never the deployment.
    }
  }

  private rotate(): void {
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      /* nothing to rotate (removed meanwhile) */
    }
    this.bytes = 0;
  }
}

/** The complete lines of a file (a torn last line, from a crash mid-write, is dropped). */
function readLines(path: string): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = statSync(path).size;
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const lines = buffer.toString('utf8', 0, read).split('\n');
    lines.pop();
    return lines;
  } finally {
    closeSync(fd);
  }
}

function parseLine(text: string): LogLine[] {
  try {
    const value = JSON.parse(text) as { at?: unknown; stream?: unknown; line?: unknown };
    const at = typeof value.at === 'string' ? new Date(value.at) : undefined;
    const stream = value.stream === 'stdout' || value.stream === 'stderr' || value.stream === 'system' ? value.stream : undefined;
    if (at === undefined || Number.isNaN(at.getTime()) || stream === undefined || typeof value.line !== 'string') return [];
    return [{ at, stream, line: value.line }];
  } catch {
    return [];
  }
}
