import { readFile } from 'node:fs/promises';
import { usageError } from '../errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses repeated `--env K=V` options (the value may contain `=`; an empty value is allowed). */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at < 0 ? pair : pair.slice(0, at);
    if (at < 0 || !NAME.test(name)) throw usageError(`--env takes NAME=value (got "${at < 0 ? pair : name}=…").`);
    out[name] = pair.slice(at + 1);
  }
  return out;
}

function unquote(raw: string, lineNumber: number, file: string): string {
  const value = raw.trim();
  if (value.startsWith('"')) {
    if (!value.endsWith('"') || value.length < 2) throw usageError(`${file}:${lineNumber}: unterminated double quote.`);
    return value.slice(1, -1).replace(/\\(["\\nrt])/g, (_, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char as 'n'] ?? char);
  }
  if (value.startsWith("'")) {
    if (!value.endsWith("'") || value.length < 2) throw usageError(`${file}:${lineNumber}: unterminated single quote.`);
    return value.slice(1, -1);
  }
  // Unquoted: a ` #` starts a comment.
  const comment = value.search(/\s#/);
  return (comment < 0 ? value : value.slice(0, comment)).trim();
}

/**
 * Parses a dotenv file's text: `NAME=value` lines, optional `export `, `#` comments, single- or double-quoted
 * values (double quotes understand \n, \t, \" and \\). Nothing is expanded: `$OTHER` stays as written.
 */
export function parseEnvText(text: string, file = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const at = body.indexOf('=');
    const name = at < 0 ? body : body.slice(0, at).trim();
    if (at < 0 || !NAME.test(name)) throw usageError(`${file}:${index + 1}: expected NAME=value.`);
    out[name] = unquote(body.slice(at + 1), index + 1, file);
  });
  return out;
}

/** Reads and parses an env file. */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`Cannot read --env-file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  return parseEnvText(text, path);
}
