import type { Middleware } from 'koa';

/**
 * Runs after the routers: what they left unanswered gets FastAPI's bodies — 404 `Not Found`, and
 * 405 `Method Not Allowed` where the router knew the path (it has set `Allow` already).
 */
export function unmatchedRoute(): Middleware {
  return async function answerUnmatched(ctx, next) {
    await next();
    if (ctx.body !== undefined && ctx.body !== null) return;
    const status = ctx.status;
    if (status === 404) {
      ctx.body = { detail: 'Not Found' };
      ctx.status = 404;
    } else if (status === 405) {
      ctx.body = { detail: 'Method Not Allowed' };
      ctx.status = 405;
    } else if (status === 501) {
      ctx.body = { detail: `Method ${ctx.method} is not implemented` };
      ctx.status = 501;
    }
  };
}
