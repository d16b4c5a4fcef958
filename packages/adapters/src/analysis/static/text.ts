import type { SnapshotFile } from '@catwalk/core';

/** Line starts of a text, computed once per file so every match maps to its line in O(log n). */
export class LineIndex {
  #lazyStarts: number[] | undefined;
  readonly #content: string;

  constructor(content: string) {
    this.#content = content;
  }

  /** Built on first use: most files of a snapshot never need a line number. */
  get #starts(): number[] {
    if (this.#lazyStarts === undefined) {
      const starts = [0];
      for (let at = this.#content.indexOf('\n'); at >= 0; at = this.#content.indexOf('\n', at + 1)) starts.push(at + 1);
      this.#lazyStarts = starts;
    }
    return this.#lazyStarts;
  }

  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The text of a 1-based line (without its newline). */
  line(line: number): string {
    const start = this.#starts[line - 1];
    if (start === undefined) return '';
    const end = this.#starts[line];
    return this.#content.slice(start, end === undefined ? undefined : end - 1).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.#starts.length;
  }
}

/** A snippet for evidence: one trimmed line, at most 200 characters. */
export function snippetOf(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed.length > 200 ? `${trimmed.slice(0, 197)}...` : trimmed;
}

const SOURCE_EXT = /\.(?:[cm]?[jt]sx?|py)$/i;
const TEST_PATH = /(?:^|\/)(?:tests?|__tests__|spec|e2e|fixtures|examples?|benchmarks?|scripts)\/|(?:^|\/)test_[^/]*\.py$|_test\.py$|\.(?:test|spec)\.[a-z]+$|(?:^|\/)conftest\.py$/i;

/** Source code worth scanning for env reads and tools (tests, examples and type declarations excluded). */
export function isScannableSource(path: string): boolean {
  return SOURCE_EXT.test(path) && !path.endsWith('.d.ts') && !TEST_PATH.test(path);
}

/** Whether the file is Python. */
export function isPython(path: string): boolean {
  return path.toLowerCase().endsWith('.py');
}

/** Markdown/RST documentation (README first). */
export function isDoc(path: string): boolean {
  return /\.(?:md|mdx|markdown|rst)$/i.test(path) || /(?:^|\/)readme$/i.test(path);
}

/** Whether the path is a README at any depth. */
export function isReadme(path: string): boolean {
  return /(?:^|\/)readme(?:\.[a-z]+)?$/i.test(path);
}

/** The base name of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Files by path, for manifest lookups. */
export function fileMap(files: readonly SnapshotFile[]): Map<string, SnapshotFile> {
  return new Map(files.map((file) => [file.path, file]));
}

/** Position-aware helper: the line and snippet of a regex match. */
export function locate(index: LineIndex, offset: number): { line: number; snippet: string } {
  const line = index.lineOf(offset);
  return { line, snippet: snippetOf(index.line(line)) };
}

/** Whether an offset sits in a line comment (`//`, `#`) or a block-comment line (`*`, `/*`): commented-out code is not code. */
export function inComment(content: string, offset: number, python: boolean): boolean {
  const lineStart = content.lastIndexOf('\n', offset - 1) + 1;
  const before = content.slice(lineStart, offset);
  if (python) return /^\s*#/.test(before) || /\s#\s/.test(before);
  return /^\s*(?:\*|\/\*)/.test(before) || /(?:^|[^:'"`])\/\//.test(before);
}
