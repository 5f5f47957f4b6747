import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import type { ServerSettings } from '../../shared/settings';
import { exceedsJsonDepth, jsonDepthMessage } from '../support/json-depth';
import { HttpError } from './http-errors';
import { bodyReadEarlier, JSON_TYPES } from './request-body';

/** The limits a JSON body is read under: its size and its nesting (the engine's settings, read per request). */
export type JsonBodyLimits = Pick<ServerSettings, 'maxBodyBytes' | 'maxJsonDepth'>;

/**
 * Per-route JSON body parsing (koa-body). Reads the whole body whatever its framing (Content-Length,
 * chunked, many TCP writes) — the bug that sank the Python mock. A body of another type is refused with
 * 415; no body at all leaves `ctx.request.body` undefined so the route's schema reports it missing. A body
 * nested deeper than `maxJsonDepth` is refused with 400 before any route sees it.
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
    const earlier = bodyReadEarlier(ctx);
    if (earlier) {
      // A user's mount read the body before passing the request on: the stream is spent, its result is not.
      const read = await earlier;
      if (read.kind === 'invalid-json') throw new HttpError(400, `Malformed JSON in request body: ${read.error}`);
    } else await parser(ctx, async () => {});
    if (exceedsJsonDepth((ctx.request as { body?: unknown }).body, maxJsonDepth)) {
      throw new HttpError(400, `Request body rejected: ${jsonDepthMessage(maxJsonDepth)}`);
    }
    return next();
  };
}
