import type { OutputStream } from '../io.js';

/** ANSI styling that turns itself off unless the stream is a terminal and `NO_COLOR` is unset. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Whether colours may be used on `stream` (https://no-color.org: any non-empty NO_COLOR disables them). */
export function colorsEnabled(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/** Styling for `stream`. */
export function createStyle(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): Style {
  const enabled = colorsEnabled(stream, env);
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Removes ANSI escape sequences (width computations, tests). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
