import type { Middleware } from 'koa';
import type { ServerSettings } from '../../shared/settings';
import { HttpError } from './http-errors';
import { isJsonRequest, readRequestBody } from './request-body';

/**
 * The limits a JSON body is read under: its size and its nesting (the engine's settings, read per request), and
 * what sets its size, named when a body is refused for it: the setting of that name unless said (a fixed limit of a
 * control-API route raising the setting would not move).
 */
export type JsonBodyLimits = Pick<ServerSettings, 'maxBodyBytes' | 'maxJsonDepth'> & {
  maxBodyBytesSetBy?: string;
  unparsed?: undefined;
};

/**
 * The limits of a JSON body the route reads itself (a workspace import, whose codec looks through its text, its
 * nesting too, and parses it once): its size alone. The body is left as the text `unparsed` reads from its bytes
 * (`kind: 'text'`), not parsed; what it throws for bytes it does not take is the answer (an import's are read as a
 * workspace file's, and refused in a file's words).
 */
export type UnparsedBodyLimits = Pick<JsonBodyLimits, 'maxBodyBytes' | 'maxBodyBytesSetBy'> & {
  unparsed: (bytes: Buffer) => string;
};

/**
 * Per-route JSON bodies, for routes written in code (packs, the control API). Reads the whole body whatever its
 * framing (Content-Length, chunked, many TCP writes) — the bug that sank the Python mock — through the one body
 * reader (`readRequestBody`: size, nesting and Content-Encoding limits, read once per request even when a user's
 * mount read it first). A body of another type is refused with 415; malformed JSON, JSON that is not UTF-8 or that
 * has a key named `__proto__` with 400; no body at all leaves `ctx.request.body` undefined so the route's schema
 * reports it missing. With `unparsed`, `ctx.request.body` is the body's text, for the route to parse.
 */
export function jsonBody(limits: () => JsonBodyLimits | UnparsedBodyLimits): Middleware {
  return async function parseJsonBody(ctx, next) {
    if (!ctx.request.length && !ctx.get('transfer-encoding')) return next();
    if (!isJsonRequest(ctx)) {
      throw new HttpError(
        415,
        `Unsupported Content-Type ${JSON.stringify(ctx.get('content-type') || '(none)')}: send the body as application/json`,
      );
    }
    const read = await readRequestBody(ctx, limits());
    if (read.kind === 'invalid-json') throw new HttpError(400, read.detail);
    return next();
  };
}
