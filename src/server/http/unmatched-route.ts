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
    await answerIfUnmatched(ctx, onNotFound);
  };
}

/**
 * What `unmatchedRoute` does once the routers are done, for a pipeline that calls it itself; a promise only when
 * `onNotFound` has work to do (an answered request costs no await).
 */
export function answerIfUnmatched(
  ctx: Context,
  onNotFound?: (ctx: Context) => Promise<void>,
): Promise<void> | undefined {
  if (ctx.body !== undefined && ctx.body !== null) return undefined;
  const status = ctx.status;
  if (status === 501) {
    if (ctx.response.get('Allow')) methodNotAllowed(ctx);
    else notFound(ctx);
  } else if (status === 404) {
    if (onNotFound) return onNotFound(ctx).then(() => notFound(ctx));
    notFound(ctx);
  } else if (status === 405) methodNotAllowed(ctx);
  return undefined;
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
