import type { Context, Next } from 'koa';
import { loadConsoleBundle } from './assets.js';
import type { ConsoleAsset, ConsoleAssetDirs, ConsoleBundle } from './assets.js';

export { DEFAULT_CONSOLE_DIRS, loadConsoleBundle } from './assets.js';
export type { ConsoleAsset, ConsoleAssetDirs, ConsoleBundle } from './assets.js';

/**
 * The console's Content-Security-Policy: only our own scripts, styles and API; no inline code or style, no
 * plugins, no <base> rewriting, never framed.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'; form-action 'self'; img-src 'self'";

/** Headers on every console response (page and assets). */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** Options of {@link serveConsole}. */
export interface ServeConsoleOptions {
  /** Where the page and the compiled scripts are (default: this package's `src/console/static` and `dist/console-assets`). */
  readonly dirs?: ConsoleAssetDirs;
}

function send(ctx: Context, file: ConsoleAsset): void {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) ctx.set(name, value);
  // Revalidate every time: the files are tiny and a stale script against a newer API is worse than a 304.
  ctx.set('cache-control', 'no-cache');
  ctx.set('etag', file.etag);
  if (ctx.get('if-none-match') === file.etag) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  ctx.type = file.contentType;
  ctx.body = file.body;
}

/**
 * Koa middleware serving the web console: `GET /` (the page) and `GET /assets/<file>` (its stylesheet and
 * compiled scripts), with a strict CSP and framing denied. Anything else passes to the next middleware. Files are
 * read once; while the browser code is not built, `/` answers 503 with the command that builds it.
 */
export function serveConsole(options: ServeConsoleOptions = {}) {
  let bundle: ConsoleBundle | undefined;
  const current = (): ConsoleBundle | undefined => (bundle ??= loadConsoleBundle(options.dirs));
  return async function consoleMiddleware(ctx: Context, next: Next): Promise<void> {
    const isPage = ctx.path === '/' || ctx.path === '/index.html';
    if (!isPage && !ctx.path.startsWith('/assets/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('allow', 'GET, HEAD');
      ctx.body = { error: 'method_not_allowed', message: 'The console only answers GET and HEAD.', details: {} };
      return;
    }
    const loaded = current();
    if (loaded === undefined) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.set('x-content-type-options', 'nosniff');
      ctx.body = 'The web console is not built yet: run `npm run build`.\n';
      return;
    }
    const file = isPage ? loaded.page : loaded.assets.get(ctx.path);
    if (file === undefined) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', message: 'No such console file.', details: {} };
      return;
    }
    send(ctx, file);
  };
}

/** The console as Koa middleware (same as {@link serveConsole}; the name reads better next to the API routes). */
export const consoleRoutes = serveConsole;
