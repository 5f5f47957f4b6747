import type { Context, Middleware } from 'koa';

/**
 * Runs after the routers: what they left unanswered gets FastAPI's bodies — 404 `Not Found`, and
 * 405 `Method Not Allowed` where the router knew the path (it has set `Allow` already). A method the router
 * does not implement at all (PURGE, PROPFIND, …; it answers 501) follows the same rule, as FastAPI does: 405
 * with `Allow` on a known path, 404 elsewhere. `onNotFound` sees each 404 first (the near misses for the log).
 */
export function unmatchedRoute(onNotFound?: (ctx: Context) => Promise<void>): Middleware {
  return async function answerUnmatched(ctx, next) {
    await next();
    if (ctx.body !== undefined && ctx.body !== null) return;
    const status = ctx.status;
    if (status === 501) {
      if (ctx.response.get('Allow')) methodNotAllowed(ctx);
      else notFound(ctx);
    } else if (status === 404) {
      await onNotFound?.(ctx);
      notFound(ctx);
    } else if (status === 405) methodNotAllowed(ctx);
  };
}

function notFound(ctx: Context): void {
  ctx.remove('Allow');
  ctx.body = { detail: 'Not Found' };
  ctx.status = 404;
}

function methodNotAllowed(ctx: Context): void {
  ctx.body = { detail: 'Method Not Allowed' };
  ctx.status = 405;
}
