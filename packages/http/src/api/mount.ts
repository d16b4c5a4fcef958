import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { CatwalkError, parseWith } from '@catwalk/core';
import type { AuthenticateApiKey } from '@catwalk/core';
import { readJsonBody } from '../body/readBody.js';
import type { RouteDefinition } from './route.js';

/** Limits the API applies to every request. */
export interface MountOptions {
  /** Largest JSON body (default 1 MiB). */
  readonly maxBodyBytes: number;
}

/** Extracts the key of `Authorization: Bearer <key>`, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates `Authorization: Bearer cwa_…` through AuthenticateApiKey (format check, hashed lookup, revoked
 * keys refused) and puts the caller on `ctx.state`.
 */
export function apiKeyAuth(authenticate: AuthenticateApiKey) {
  return async function apiKeyAuthMiddleware(ctx: Context, next: Next): Promise<void> {
    const found = await authenticate.execute({ apiKey: bearerOf(ctx.get('authorization') || undefined) });
    ctx.state['caller'] = { user: found.user, keyId: found.keyId };
    ctx.state['userId'] = found.user.id;
    ctx.state['apiKeyId'] = found.keyId;
    await next();
  };
}

/**
 * Puts every route of the table on a router: marks the route pattern (for logs and metrics), authenticates and
 * rate-limits the protected ones (the `protect` middlewares), reads and validates the body and the query with
 * the route's strict schemas, and answers with the handler's result.
 */
export function mountRoutes(routes: readonly RouteDefinition[], protect: readonly ((ctx: Context, next: Next) => Promise<void>)[], options: MountOptions): Router {
  const router = new Router();
  for (const route of routes) {
    const handler = async (ctx: Context): Promise<void> => {
      const raw = await readJsonBody(ctx.req, options.maxBodyBytes);
      if (route.body === undefined && raw !== undefined) {
        throw new CatwalkError('invalid_input', 'This request takes no body.', { issues: [{ path: '', message: 'unexpected body' }] });
      }
      const body = route.body === undefined ? undefined : parseWith(route.body, raw, 'invalid_input', 'request body');
      const query = route.query === undefined ? {} : parseWith(route.query, { ...ctx.query }, 'invalid_input', 'query');
      const caller = ctx.state['caller'];
      const result = await route.handle({ body, query, params: ctx.params as Record<string, string>, caller });
      ctx.status = result.status ?? 200;
      if (result.body !== undefined) {
        if (result.contentType !== undefined) ctx.type = result.contentType;
        ctx.body = result.body;
      }
      ctx.set('cache-control', 'no-store');
    };
    const mark = async (ctx: Context, next: Next): Promise<void> => {
      ctx.state['route'] = route.path;
      await next();
    };
    const chain = route.auth ? [mark, ...protect, handler] : [mark, handler];
    router.register(route.path, [route.method.toUpperCase()], chain);
  }
  return router;
}
