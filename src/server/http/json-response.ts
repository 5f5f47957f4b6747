import type { Middleware } from 'koa';

/**
 * Serialises JSON bodies here instead of in Koa's `respond`: the same single JSON.stringify, but the request
 * log (and the console feed) then keep the exact text that went out instead of serialising it again.
 */
export function jsonResponse(): Middleware {
  return async function serialiseJson(ctx, next) {
    await next();
    const body = ctx.body;
    if (
      body === null ||
      typeof body !== 'object' ||
      Buffer.isBuffer(body) ||
      typeof (body as { pipe?: unknown }).pipe === 'function'
    )
      return;
    const status = ctx.status;
    // Set as a header: `ctx.type = 'json'` goes through a MIME lookup on every response.
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.body = JSON.stringify(body);
    // Assigning a body makes Koa assume 200; keep what the route chose.
    ctx.status = status;
  };
}
