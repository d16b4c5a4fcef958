import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the console serves, held in memory (the whole console is a few tens of kilobytes). */
export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator for conditional requests. */
  readonly etag: string;
}

/** Where the console's files are read from. */
export interface ConsoleAssetDirs {
  /** index.html and styles.css (kept as plain files in the source tree). */
  readonly staticDir: string;
  /** The browser code compiled by `tsc -b packages/http/src/console/browser` (*.mjs). */
  readonly scriptsDir: string;
}

// Both src/console/assets.ts (tsx) and dist/console/assets.js (built) sit two levels below the package root.
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The default folders: `src/console/static` and `dist/console-assets` of @catwalk/http. */
export const DEFAULT_CONSOLE_DIRS: ConsoleAssetDirs = {
  staticDir: join(PACKAGE_ROOT, 'src', 'console', 'static'),
  scriptsDir: join(PACKAGE_ROOT, 'dist', 'console-assets'),
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(path: string): ConsoleAsset {
  const body = readFileSync(path);
  const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** Files of a folder with a servable extension, by name (never a path: nothing outside the folder is reachable). */
function servableFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && CONTENT_TYPES[extname(entry.name)] !== undefined && entry.name !== 'index.html')
    .map((entry) => entry.name);
}

/** The console's page and its assets by URL path (`/assets/<name>`), or undefined when the browser code is not built. */
export interface ConsoleBundle {
  readonly page: ConsoleAsset;
  readonly assets: ReadonlyMap<string, ConsoleAsset>;
}

/**
 * Loads the page, the stylesheet and the compiled scripts into memory. Answers undefined when the compiled
 * entry point (`main.mjs`) is missing, so the server can say "not built" instead of serving a dead page.
 */
export function loadConsoleBundle(dirs: ConsoleAssetDirs = DEFAULT_CONSOLE_DIRS): ConsoleBundle | undefined {
  if (!existsSync(join(dirs.scriptsDir, 'main.mjs'))) return undefined;
  const assets = new Map<string, ConsoleAsset>();
  for (const name of servableFiles(dirs.staticDir)) assets.set(`/assets/${name}`, asset(join(dirs.staticDir, name)));
  for (const name of servableFiles(dirs.scriptsDir)) assets.set(`/assets/${name}`, asset(join(dirs.scriptsDir, name)));
  return { page: asset(join(dirs.staticDir, 'index.html')), assets };
}
