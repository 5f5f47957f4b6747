import type { Context, Middleware } from 'koa';

/**
 * Serialises JSON bodies here instead of in Koa's `respond`: the same single JSON.stringify, but the request
 * log (and the console feed) then keep the exact text that went out instead of serialising it again.
 *
 * It runs outside the error handler, so it answers for what it cannot serialise itself (a value too deep for
 * JSON.stringify, a cycle, a BigInt): a FastAPI-shaped 500 that names the route, reported like any app error —
 * never Koa's plain-text 500, never a crash.
 */
export function jsonResponse(): Middleware {
  return async function serialiseJson(ctx, next) {
    await next();
    serialiseJsonBody(ctx);
  };
}

/** Turns an object body into its JSON text (see `jsonResponse`), for a pipeline that calls it itself. */
export function serialiseJsonBody(ctx: Context): void {
  const body = ctx.body;
  if (
    body === null ||
    typeof body !== 'object' ||
    Buffer.isBuffer(body) ||
    typeof (body as { pipe?: unknown }).pipe === 'function'
  )
    return;
  let status = ctx.status;
  let text: string;
  try {
    // `undefined` for a value whose toJSON says nothing: answer JSON's null rather than no body.
    text = JSON.stringify(body) ?? 'null';
  } catch (error) {
    ctx.app.emit('error', error, ctx);
    status = 500;
    text = unserialisableResponse(ctx);
  }
  // Set as a header: `ctx.type = 'json'` goes through a MIME lookup on every response.
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  ctx.body = text;
  // Assigning a body makes Koa assume 200; keep what the route chose.
  ctx.status = status;
}

function unserialisableResponse(ctx: Context): string {
  return JSON.stringify({
    detail: `Internal Server Error: the response of ${ctx.method} ${ctx.path} could not be serialised as JSON`,
  });
}
