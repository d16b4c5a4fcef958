import { randomBytes } from 'node:crypto';
import type { Snapshot, SnapshotFile } from '@catwalk/core';
import { relevance } from '../../sources/snapshot.js';

/** Bounds of the text sent to an LLM. */
export interface CondenseOptions {
  /** Input tokens at most for the snapshot part (estimated at 4 characters per token); default 24,000. */
  readonly maxTokens?: number;
  /** README and manifests are kept whole up to this many characters each; default 24,000. */
  readonly priorityFileChars?: number;
  /** Paths listed in the file index at most; default 300. */
  readonly maxListedPaths?: number;
  /** Delimiter nonce, so file contents cannot fake the end of a file block; default random. */
  readonly boundary?: string;
}

/** The condensed snapshot: the text, and what was trimmed or left out. */
export interface CondensedSnapshot {
  readonly text: string;
  readonly estimatedTokens: number;
  readonly trimmed: readonly string[];
  readonly omitted: readonly string[];
  readonly boundary: string;
}

/** Characters per token used for budgeting (a conservative estimate for code and English prose). */
export const CHARS_PER_TOKEN = 4;
/** Files that get a whole-file allowance: the root README and root manifests. */
const PRIORITY_RANK = 20;
const MIN_USEFUL_CHARS = 300;

/**
 * Condenses a snapshot to a token budget. README and manifests are kept whole up to `priorityFileChars`; the
 * remaining budget is shared by the other files by water-filling: the largest files are trimmed first, all to
 * one common cap, and files whose share would be uselessly small are left out (and listed).
 */
export function condenseSnapshot(snapshot: Snapshot, options: CondenseOptions = {}): CondensedSnapshot {
  const budget = (options.maxTokens ?? 24_000) * CHARS_PER_TOKEN;
  const priorityCap = options.priorityFileChars ?? 24_000;
  const boundary = options.boundary ?? randomBoundary();
  const files = [...snapshot.files].sort((a, b) => relevance(a.path) - relevance(b.path));
  const priority = files.filter((f) => relevance(f.path) < PRIORITY_RANK);
  const others = files.filter((f) => relevance(f.path) >= PRIORITY_RANK);
  const listed = files.slice(0, options.maxListedPaths ?? 300).map((f) => f.path);
  const index = `Files in the snapshot (${files.length}${files.length > listed.length ? `, first ${listed.length} listed` : ''}):\n${listed.join('\n')}\n`;
  const header = (f: SnapshotFile) => `<<<FILE ${boundary} path=${JSON.stringify(f.path)}>>>\n`;
  const footer = `\n<<<END ${boundary}>>>\n`;
  const overhead = (f: SnapshotFile) => header(f).length + footer.length + 40;

  let remaining = budget - index.length;
  const priorityCaps = waterFill(
    priority.map((f) => Math.min(f.content.length, priorityCap)),
    Math.max(0, remaining - priority.reduce((n, f) => n + overhead(f), 0)),
  );
  remaining -= priority.reduce((n, f, i) => n + priorityCaps[i]! + overhead(f), 0);
  const otherCaps = waterFill(
    others.map((f) => f.content.length),
    Math.max(0, remaining - others.reduce((n, f) => n + overhead(f), 0)),
  );

  const trimmed: string[] = [];
  const omitted: string[] = [];
  const parts: string[] = [index];
  const emit = (file: SnapshotFile, cap: number) => {
    if (cap < Math.min(MIN_USEFUL_CHARS, file.content.length)) {
      omitted.push(file.path);
      return;
    }
    const cut = cap < file.content.length;
    if (cut) trimmed.push(file.path);
    const body = cut ? `${file.content.slice(0, cap)}\n[… ${file.content.length - cap} characters trimmed]` : file.content;
    parts.push(header(file), body.split(boundary).join('[boundary]'), footer);
  };
  priority.forEach((file, i) => emit(file, priorityCaps[i]!));
  others.forEach((file, i) => emit(file, otherCaps[i]!));
  const text = parts.join('');
  return { text, estimatedTokens: Math.ceil(text.length / CHARS_PER_TOKEN), trimmed, omitted, boundary };
}

/**
 * The largest common cap C so that Σ min(size_i, C) ≤ budget; returns each item's allowance. Items smaller than C
 * keep their size, so the largest ones are the ones trimmed.
 */
export function waterFill(sizes: readonly number[], budget: number): number[] {
  const total = sizes.reduce((n, s) => n + s, 0);
  if (total <= budget) return [...sizes];
  let lo = 0;
  let hi = Math.max(0, ...sizes);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const used = sizes.reduce((n, s) => n + Math.min(s, mid), 0);
    if (used <= budget) lo = mid;
    else hi = mid - 1;
  }
  return sizes.map((s) => Math.min(s, lo));
}

/** Unguessable, so a file cannot close its own block and pose as instructions. */
function randomBoundary(): string {
  return randomBytes(12).toString('hex');
}
