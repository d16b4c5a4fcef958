import { MAX_CREDENTIAL_BYTES, type LogLine } from '@catwalk/core';

/** Values shorter than this are not masked: masking `1` or `on` would shred every log line for nothing. */
const MIN_SECRET_LENGTH = 4;
const MASK = '***';
/**
 * How much of an over-long line is kept past the cut until the line is masked: a secret that starts before the
 * cut is then whole (credential values are at most MAX_CREDENTIAL_BYTES) and masked, never stored as a prefix.
 */
const SECRET_MARGIN = MAX_CREDENTIAL_BYTES;

/**
 * Replaces every occurrence of the given secret values with `***`. Longer secrets are replaced first so that a
 * secret containing another one is masked whole.
 */
export function makeMasker(secrets: Iterable<string>): (text: string) => string {
  const values = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const value of values) if (out.includes(value)) out = out.split(value).join(MASK);
    return out;
  };
}

/**
 * A bounded ring of log lines (stderr of a child, system events). Lines are masked before they are stored, so no
 * secret ever sits in memory here; long lines are cut.
 */
export class LogRing {
  private readonly lines: LogLine[] = [];
  private start = 0;
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(
    private readonly capacity = 1000,
    private mask: (text: string) => string = (t) => t,
    private readonly maxLineLength = 2000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Receives every line once it is masked and cut (the local orchestrator keeps them on disk). */
  onLine: ((entry: LogLine) => void) | undefined;

  /** Puts back lines kept from before (already masked), oldest first; they are not passed to `onLine` again. */
  restore(entries: readonly LogLine[]): void {
    for (const entry of entries) this.insert(entry);
  }

  /** Changes the masker (credentials changed on start). */
  setMasker(mask: (text: string) => string): void {
    this.mask = mask;
  }

  /** Adds one complete line. */
  push(stream: LogLine['stream'], line: string): void {
    // Mask first, then cut: cutting first could leave the start of a secret that straddles the cut.
    const masked = this.mask(line.length > this.maxLineLength + SECRET_MARGIN ? line.slice(0, this.maxLineLength + SECRET_MARGIN) : line);
    const entry: LogLine = { at: this.now(), stream, line: masked.length > this.maxLineLength ? `${masked.slice(0, this.maxLineLength)}…` : masked };
    this.insert(entry);
    this.onLine?.(entry);
  }

  private insert(entry: LogLine): void {
    if (this.lines.length < this.capacity) this.lines.push(entry);
    else {
      this.lines[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Adds a chunk of a stream, splitting it into lines (a trailing partial line waits for its end). */
  pushChunk(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk;
    const parts = text.split('\n');
    const rest = parts.pop() ?? '';
    for (const part of parts) this.push(stream, part.replace(/\r$/, ''));
    // Bound the partial line too: a child that never writes a newline must not grow memory. The margin past the
    // cut keeps a secret that starts before it whole until the line is complete and masked.
    const keep = this.maxLineLength + SECRET_MARGIN;
    this.partial[stream] = rest.length > keep ? rest.slice(0, keep) : rest;
  }

  /** The last `n` lines, oldest first. */
  tail(n: number): LogLine[] {
    const ordered = this.lines.length < this.capacity ? this.lines : [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
    return n >= ordered.length ? [...ordered] : ordered.slice(ordered.length - n);
  }
}
