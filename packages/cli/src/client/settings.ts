import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** Where the service listens by default (`catwalk serve`'s default). */
export const DEFAULT_URL = 'http://127.0.0.1:7420';
/** The CLI's own file under `$CATWALK_HOME`: the URL and API key `catwalk login` (or the first `serve`) saved. */
export const CLI_CONFIG_FILE = 'cli.json';

/** What `cli.json` holds. */
export interface CliConfigFile {
  readonly url?: string;
  readonly apiKey?: string;
}

/** Checks the parsed file by hand (the CLI keeps its dependencies to commander and the workspace). */
function asConfigFile(value: unknown): CliConfigFile | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { url, apiKey } = value as Record<string, unknown>;
  const ok = (field: unknown) => field === undefined || (typeof field === 'string' && field !== '');
  if (!ok(url) || !ok(apiKey)) return undefined;
  return { ...(url === undefined ? {} : { url: url as string }), ...(apiKey === undefined ? {} : { apiKey: apiKey as string }) };
}

/** How the CLI reaches the service. */
export interface ClientSettings {
  readonly url: string;
  readonly apiKey: string | undefined;
  /** Where each value came from (for `catwalk login --show` and error hints). */
  readonly urlFrom: 'flag' | 'env' | 'file' | 'default';
}

/** `$CATWALK_HOME`, else `~/.catwalk`. */
export function catwalkHome(io: Pick<CliIo, 'env' | 'homeDir'>): string {
  const home = io.env['CATWALK_HOME'];
  return home !== undefined && home !== '' ? home : join(io.homeDir, '.catwalk');
}

/** The path of `cli.json`. */
export function cliConfigPath(io: Pick<CliIo, 'env' | 'homeDir'>): string {
  return join(catwalkHome(io), CLI_CONFIG_FILE);
}

/** Reads `cli.json` (absent → empty). A file others can read is still used, with a warning. */
export async function readCliConfig(io: Pick<CliIo, 'env' | 'homeDir' | 'stderr'>): Promise<CliConfigFile> {
  const path = cliConfigPath(io);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw usageError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  const mode = (await stat(path)).mode & 0o077;
  if (mode !== 0) io.stderr.write(`catwalk: warning: ${path} is readable by other users; run: chmod 600 ${path}\n`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`${path} is not valid JSON.`);
  }
  const config = asConfigFile(parsed);
  if (config === undefined) throw usageError(`${path} must hold {"url": "...", "apiKey": "..."}.`);
  return config;
}

/**
 * Writes `cli.json` with mode 0600 (its directory 0700): written to a temporary file first and renamed, so a
 * crash never leaves half a file and the key is never readable by others even for a moment.
 */
export async function writeCliConfig(io: Pick<CliIo, 'env' | 'homeDir'>, config: CliConfigFile): Promise<string> {
  const dir = catwalkHome(io);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = cliConfigPath(io);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}

/** Flag, then `CATWALK_URL`/`CATWALK_API_KEY`, then `cli.json`, then the default URL. */
export async function resolveClientSettings(io: Pick<CliIo, 'env' | 'homeDir' | 'stderr'>, flags: { url?: string | undefined }): Promise<ClientSettings> {
  const file = await readCliConfig(io);
  const envUrl = io.env['CATWALK_URL'];
  const envKey = io.env['CATWALK_API_KEY'];
  const [url, urlFrom] =
    flags.url !== undefined
      ? ([flags.url, 'flag'] as const)
      : envUrl !== undefined && envUrl !== ''
        ? ([envUrl, 'env'] as const)
        : file.url !== undefined
          ? ([file.url, 'file'] as const)
          : ([DEFAULT_URL, 'default'] as const);
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw usageError(`Not a URL: ${url}`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') throw usageError(`The service URL must be http(s): ${url}`);
  const apiKey = envKey !== undefined && envKey !== '' ? envKey : file.apiKey;
  return { url: url.replace(/\/+$/, ''), apiKey, urlFrom };
}
