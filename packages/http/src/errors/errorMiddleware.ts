import type { Context, Next } from 'koa';
import { toErrorResponse } from './errorBody.js';

/**
 * The one error middleware of the control plane: whatever a route throws (or a missing route) ends as
 * `{ error, message, details }` with the status from the code table. The original error is kept on
 * `ctx.state.error` for the request log; it is never sent.
 */
export async function errorMiddleware(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    // Koa's own answers (no route: 404; wrong method: 405/501) get the error shape too.
    if (ctx.body == null && ctx.status === 404) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', message: 'No such route.', details: {} };
    } else if (ctx.body == null && (ctx.status === 405 || ctx.status === 501)) {
      ctx.body = { error: 'invalid_input', message: `Method ${ctx.method} is not allowed here.`, details: { allow: ctx.response.get('allow') } };
    }
  } catch (error: unknown) {
    const response = toErrorResponse(error);
    ctx.state['error'] = error;
    ctx.status = response.status;
    ctx.set(response.headers);
    // An oversized body was not read to its end: close the connection rather than drain it.
    if (response.status === 413) ctx.set('connection', 'close');
    ctx.body = response.body;
  }
}
