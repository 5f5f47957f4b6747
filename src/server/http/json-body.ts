import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import type { ServerSettings } from '../../shared/settings';
import { exceedsJsonDepth, jsonDepthMessage } from '../support/json-depth';
import { HttpError } from './http-errors';

/** The limits a JSON body is read under: its size and its nesting (the engine's settings, read per request). */
export type JsonBodyLimits = Pick<ServerSettings, 'maxBodyBytes' | 'maxJsonDepth'>;

const JSON_TYPES = ['application/json', 'application/*+json'];

/** The Content-Encodings koa-body (through `inflation`) decodes; it answers others with a bare 415. */
const DECODABLE_ENCODINGS = ['identity', 'gzip', 'deflate', 'br'];

/**
 * Per-route JSON body parsing (koa-body). Reads the whole body whatever its framing (Content-Length,
 * chunked, many TCP writes) — the bug that sank the Python mock. A body of another type is refused with
 * 415; no body at all leaves `ctx.request.body` undefined so the route's schema reports it missing. A body
 * nested deeper than `maxJsonDepth` is refused with 400 before any route sees it. A compressed body is decoded
 * (its decoded size counts against the limit); an encoding that cannot be decoded is refused with 415, a body
 * that does not decode as its encoding with 400.
 */
export function jsonBody(limits: () => JsonBodyLimits): Middleware {
  let parserLimit = -1;
  let parser: Middleware | undefined;
  return async function parseJsonBody(ctx, next) {
    const { maxBodyBytes: limit, maxJsonDepth } = limits();
    if (!parser || limit !== parserLimit) {
      parser = koaBody({
        json: true,
        jsonStrict: false,
        jsonLimit: limit,
        jsonTypes: JSON_TYPES,
        // Keeps the text as read (ctx.request.rawBody): the request log keeps that rather than re-serialising.
        includeUnparsed: true,
        urlencoded: false,
        text: false,
        multipart: false,
        parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] as never,
      }) as unknown as Middleware;
      parserLimit = limit;
    }
    if (!ctx.request.length && !ctx.get('transfer-encoding')) {
      return next();
    }
    if (!ctx.is(JSON_TYPES)) {
      throw new HttpError(
        415,
        `Unsupported Content-Type ${JSON.stringify(ctx.get('content-type') || '(none)')}: send the body as application/json`,
      );
    }
    const encoding = ctx.get('content-encoding') || 'identity';
    if (!DECODABLE_ENCODINGS.includes(encoding)) {
      throw new HttpError(
        415,
        `Unsupported Content-Encoding ${JSON.stringify(encoding)}: send the body uncompressed or as ${DECODABLE_ENCODINGS.slice(1).join(', ')}`,
      );
    }
    try {
      await parser(ctx, async () => {});
    } catch (error) {
      throw encoding === 'identity' ? error : (decodingFailure(error, encoding) ?? error);
    }
    if (exceedsJsonDepth((ctx.request as { body?: unknown }).body, maxJsonDepth)) {
      throw new HttpError(400, `Request body rejected: ${jsonDepthMessage(maxJsonDepth)}`);
    }
    return next();
  };
}

/**
 * A zlib/brotli error from decoding the body (they carry an errno and no HTTP status, unlike the parser's own
 * errors), as a 400 that names the encoding.
 */
function decodingFailure(error: unknown, encoding: string): HttpError | undefined {
  const { status, errno, message } = (error ?? {}) as { status?: unknown; errno?: unknown; message?: unknown };
  if (status !== undefined || typeof errno !== 'number') return undefined;
  return new HttpError(
    400,
    `Request body could not be decoded as ${encoding} (its Content-Encoding): ${String(message)}`,
  );
}
