import type { Context, Next } from 'koa';
import { isCatwalkError } from '@catwalk/core';
import type { Logger } from '@catwalk/core';
import type { ServiceMetrics } from './metrics.js';
import { redactText, redactUrl } from './redact.js';

/**
 * Logs one line per API request (method, redacted URL, route pattern, status, duration, user id, error code)
 * and records metrics. Bodies and headers are never logged, so credential values and keys cannot leak through
 * it; an unexpected error is logged by name and message only, with no request data.
 */
export function requestLog(logger: Logger, metrics: ServiceMetrics) {
  return async function requestLogMiddleware(ctx: Context, next: Next): Promise<void> {
    const startedAt = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const route = typeof ctx.state['route'] === 'string' ? ctx.state['route'] : ctx.status === 404 ? 'unmatched' : ctx.path;
      metrics.observeRequest(ctx.method, route, ctx.status, seconds);
      const error: unknown = ctx.state['error'];
      const fields: Record<string, unknown> = {
        method: ctx.method,
        url: redactUrl(ctx.originalUrl),
        route,
        status: ctx.status,
        ms: Math.round(seconds * 1e6) / 1e3,
      };
      const userId: unknown = ctx.state['userId'];
      if (typeof userId === 'string') fields['userId'] = userId;
      if (isCatwalkError(error)) fields['error'] = error.code;
      if (error !== undefined && !isCatwalkError(error)) {
        logger.error('request failed unexpectedly', { ...fields, error: error instanceof Error ? { name: error.name, message: redactText(error.message) } : 'non-error thrown' });
      } else if (ctx.status >= 500) {
        logger.warn('request failed', fields);
      } else {
        logger.info('request', fields);
      }
    }
  };
}
