import type { Context, Next } from 'koa';

/**
 * CORS for the API, for the browser origins the operator listed (CATWALK_ALLOWED_ORIGINS); none by default, so a
 * page elsewhere cannot read API answers. Preflights of allowed origins are answered here.
 */
export function cors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.map((origin) => origin.replace(/\/$/, '').toLowerCase()));
  return async function corsMiddleware(ctx: Context, next: Next): Promise<void> {
    const origin = ctx.get('origin');
    const permitted = origin !== '' && (allowed.has('*') || allowed.has(origin.toLowerCase()));
    if (permitted) {
      ctx.set('access-control-allow-origin', origin);
      ctx.set('vary', 'Origin');
      if (ctx.method === 'OPTIONS') {
        ctx.set('access-control-allow-methods', 'GET, POST, PUT, DELETE');
        ctx.set('access-control-allow-headers', 'authorization, content-type');
        ctx.set('access-control-max-age', '600');
        ctx.status = 204;
        return;
      }
    }
    await next();
  };
}
