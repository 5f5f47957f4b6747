import type { Context } from 'koa';

/**
 * Marks a response whose headers carry a byte beyond ASCII (a route's header value, see `headerText`): its text body
 * goes to Node as bytes (`sendTextAsBytes`). Only such responses pay for the copy.
 */
export function sendBodyAsBytes(ctx: Context): void {
  ctx.state.bodyAsBytes = true;
}

/**
 * Gives Koa a marked response's text body as its UTF-8 bytes. Node writes the header block in one piece with a first
 * body chunk that is a string, encoded as that string is (UTF-8); with bytes it writes the block alone, a byte per
 * character as it means to. A header value's characters beyond ASCII were sent encoded twice behind a text or JSON
 * body, and as they are behind a file or no body. Once the request log has kept the text.
 */
export function sendTextAsBytes(ctx: Context): void {
  if (ctx.state.bodyAsBytes !== true) return;
  const body = ctx.body;
  // No body has no chunk to carry the header block (and Koa would type empty bytes as binary).
  if (typeof body === 'string' && body !== '') ctx.body = Buffer.from(body);
}
