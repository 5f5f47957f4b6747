import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { bodyNotAskedFor } from './expect-continue';
import { bodyLimitOf, hasRequestBody } from './request-body';

/**
 * How much of a body left unread is read and thrown away before answering, in body size limits (`maxBodyBytes`):
 * enough for an upload a few times too large (a 20 MB file to a 1 MB limit) to hear its 413 — throwing bytes away
 * costs little, and the request timeout bounds how long — not a stream without end.
 */
const DISCARD_LIMITS = 64;
/**
 * How long the rest of a body may pause before the answer goes out without it (and closes the connection): a client
 * that stopped sending would otherwise hear nothing until the request timeout, and then a 408, not why.
 */
const DISCARD_IDLE_MS = 1000;

/**
 * Answers a request whose body was not read to the end — refused as too large or not decodable, or of a type nothing
 * reads — once the rest of the body has arrived and been thrown away, up to 64 times the body size limit it was
 * read under, as well-behaved servers do. Otherwise:
 * - a body left half-read (a decoder piped from it stopped at the limit) is never read again, so on a keep-alive
 *   connection the next request waits behind it until the connection times out;
 * - a connection the answer closes is closed as soon as the answer is written, and closing a socket with bytes still
 *   coming resets it: a client still writing its body (node:http) gets EPIPE and never sees the answer.
 * A longer body is not waited for, nor one whose rest stops coming for a second: the answer closes the connection
 * (`Connection: close`). How long a steady rest may take is bounded by the request timeout (past it Node answers
 * 408). A body nothing touched, on a connection kept alive, is left to Node, which throws it away after the answer
 * itself, however long; so is one never asked for (`Expect: 100-continue` unanswered), whose connection Node closes.
 */
export function discardUnreadBodies(): Middleware {
  return function discardUnreadBody(ctx, next) {
    // Most requests have no body: they pass without another async step.
    if (!hasRequestBody(ctx.req)) return next();
    return next().then(() => settleBody(ctx));
  };
}

async function settleBody(ctx: Context): Promise<void> {
  const { req, res } = ctx;
  if (req.complete || req.destroyed || ctx.respond === false || ctx.headerSent) return;
  // A client still waiting for 100 Continue sends no body: Node closes the connection after the answer.
  if (bodyNotAskedFor(res)) return;
  if (req.readableFlowing === null && res.shouldKeepAlive) return;
  const limit = DISCARD_LIMITS * (bodyLimitOf(req) ?? DEFAULT_SETTINGS.maxBodyBytes);
  if (!(await discardRest(req, limit))) ctx.set('Connection', 'close');
}

/** Reads the rest of a body and throws it away; false when it is longer than `limit` or the client left first. */
function discardRest(req: IncomingMessage, limit: number): Promise<boolean> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let discarded = 0;
    const idle = setTimeout(() => settle(false), DISCARD_IDLE_MS);
    const settle = (drained: boolean) => {
      clearTimeout(idle);
      req.off('data', count).off('end', ended).off('close', left);
      if (!drained) req.pause();
      resolve(drained);
    };
    const count = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limit) return settle(false);
      idle.refresh();
    };
    const ended = () => settle(true);
    const left = () => settle(false);
    // What the body was piped into (a decoder stopped at the limit) reads no more of it.
    req.unpipe();
    req.removeAllListeners('data');
    req.on('data', count).once('end', ended).once('close', left);
    req.resume();
  });
}
