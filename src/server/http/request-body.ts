import type { IncomingMessage } from 'node:http';
import coBody from 'co-body';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import type { JsonValue } from '../../shared/json-value';
import { parsedJsonRefusal } from '../support/json-numbers';
import { RememberedAnswers } from '../support/remembered-answers';
import { parseFormFields } from './form-fields';
import { HttpError } from './http-errors';
import type { JsonBodyLimits } from './json-body';

/** A request body as the mounts see it, read once per request. */
export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: JsonValue }
  | { kind: 'form'; value: Record<string, unknown> }
  | { kind: 'text'; value: string }
  | { kind: 'invalid-json'; text: string; error: string }
  /** A content type the engine does not parse (binary, multipart): left unread. */
  | { kind: 'unread'; contentType: string };

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Content-Type values (up to 256 characters) and whether each is JSON. */
const jsonTypes = new RememberedAnswers<boolean>(16, 256);

/**
 * Whether the body of a request that has one is JSON (`ctx.is(JSON_TYPES)`), remembered per Content-Type value:
 * type-is parses the header and every type again each time, and clients send the same one or two values.
 */
export function isJsonRequest(ctx: Context): boolean {
  const contentType = ctx.req.headers['content-type'] ?? '';
  let json = jsonTypes.get(contentType);
  if (json === undefined) {
    const match = ctx.is(JSON_TYPES);
    // Null: no body after all, which says nothing about the type to remember.
    if (match === null) return false;
    json = Boolean(match);
    jsonTypes.remember(contentType, json);
  }
  return json;
}
const TEXT_TYPES = ['text/*', 'application/xml', 'application/*+xml'];

/** The Content-Encodings koa-body (through `inflation`) decodes; it answers others with a bare 415. */
const DECODABLE_ENCODINGS = ['identity', 'gzip', 'deflate', 'br'];
const FORM_TYPES = ['application/x-www-form-urlencoded'];

const readBodies = new WeakMap<IncomingMessage, Promise<RequestBody>>();
/** The size limit each request's body was read under, for what is left of one refused (`discardUnreadBody`). */
const readLimits = new WeakMap<IncomingMessage, number>();

/**
 * Reads the request body when a mount needs it (a condition on it, a schema for it, a template that uses it):
 * JSON, form fields or text, bounded by `maxBodyBytes` (413) and `maxJsonDepth` (400). Malformed JSON is not an
 * error here: the mount decides (a schema answers 422 json_invalid, a condition just does not hold). The result is
 * kept for the rest of the request — the stream can be read only once — and set on `ctx.request.body` for the
 * request log and for handlers later in the chain.
 */
export function readRequestBody(ctx: Context, limits: JsonBodyLimits): Promise<RequestBody> {
  let read = readBodies.get(ctx.req);
  if (!read) {
    read = readOnce(ctx, limits);
    readBodies.set(ctx.req, read);
    readLimits.set(ctx.req, limits.maxBodyBytes);
  }
  return read;
}

/** The `maxBodyBytes` this request's body was read under; undefined when nothing read it. */
export function bodyLimitOf(req: IncomingMessage): number | undefined {
  return readLimits.get(req);
}

/** The body a mount read earlier in this request, if one did: the stream is spent, use this instead. */
export function bodyReadEarlier(ctx: Context): Promise<RequestBody> | undefined {
  return readBodies.get(ctx.req);
}

/** Whether the request carries a body at all (a length, or chunked framing). */
export function hasRequestBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length']) > 0 || Boolean(req.headers['transfer-encoding']);
}

/**
 * The parser of text bodies for the current size limit, kept: the setting rarely changes, and building one checks
 * its options. JSON, the common case, is read by `readJson`, form fields by `readForm`.
 */
const parsers = new Map<number, ReturnType<typeof koaBody>>();

function parserFor(limit: number): ReturnType<typeof koaBody> {
  let parser = parsers.get(limit);
  if (!parser) {
    parser = koaBody({
      json: false,
      // Keeps the text as read (ctx.request.rawBody): the request log keeps that rather than re-serialising.
      includeUnparsed: true,
      urlencoded: false,
      text: true,
      textTypes: TEXT_TYPES,
      textLimit: limit,
      multipart: false,
      parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'HEAD'] as never,
    });
    parsers.clear();
    parsers.set(limit, parser);
  }
  return parser;
}

async function readOnce(ctx: Context, limits: JsonBodyLimits): Promise<RequestBody> {
  const { maxBodyBytes, maxJsonDepth } = limits;
  if (!hasRequestBody(ctx.req)) return { kind: 'none' };
  const isJson = isJsonRequest(ctx);
  const isForm = !isJson && Boolean(ctx.is(FORM_TYPES));
  if (!isJson && !isForm && !ctx.is(TEXT_TYPES))
    return { kind: 'unread', contentType: ctx.get('content-type') || '(none)' };
  const encoding = ctx.get('content-encoding') || 'identity';
  if (!DECODABLE_ENCODINGS.includes(encoding)) {
    throw new HttpError(
      415,
      `Unsupported Content-Encoding ${JSON.stringify(encoding)}: send the body uncompressed or as ${DECODABLE_ENCODINGS.slice(1).join(', ')}`,
    );
  }
  try {
    if (isJson) await readJson(ctx, maxBodyBytes);
    else if (isForm) await readForm(ctx, maxBodyBytes);
    else await parserFor(maxBodyBytes)(ctx as never, async () => {});
  } catch (error) {
    if ((error as { type?: unknown }).type === 'entity.too.large') {
      throw new HttpError(
        413,
        `Request body is too large: the limit is ${maxBodyBytes} bytes (${limits.maxBodyBytesSetBy ?? 'setting maxBodyBytes'})`,
      );
    }
    const parseError = error as SyntaxError & { status?: number; body?: unknown };
    if (isJson && parseError instanceof SyntaxError && parseError.status === 400) {
      const text = String(parseError.body ?? '');
      // The request log shows what was sent: a body that does not parse is the one a developer needs to see.
      ctx.request.rawBody = text;
      return { kind: 'invalid-json', text, error: parseError.message };
    }
    throw (encoding === 'identity' ? undefined : decodingFailure(error, encoding)) ?? error;
  }
  const value = (ctx.request as { body?: unknown }).body;
  const refusal = parsedJsonRefusal(value, maxJsonDepth, limits.maxJsonDepthSetBy);
  if (refusal !== undefined) throw new HttpError(400, `Request body rejected: ${refusal}`);
  // Chunked framing with nothing in it.
  if (value === undefined || (isJson && value === '')) return { kind: 'none' };
  if (isJson) return { kind: 'json', value: value as JsonValue };
  if (typeof value === 'string') return { kind: 'text', value };
  return { kind: 'form', value: (value ?? {}) as Record<string, unknown> };
}

/**
 * A JSON body read as koa-body reads it (co-body, any JSON value, the text kept as `rawBody` for the request log),
 * without koa-body's own four content-type checks: the type is known, and every check parses the header again.
 */
async function readJson(ctx: Context, limit: number): Promise<void> {
  const { parsed, raw } = (await coBody.json(ctx, { limit, strict: false, returnRawBody: true })) as {
    parsed: unknown;
    raw: string;
  };
  ctx.request.body = parsed as Context['request']['body'];
  ctx.request.rawBody = raw;
}

/**
 * A form body's fields (`parseFormFields`: names as sent, repeated names as arrays, at most `MAX_FORM_FIELDS`), the
 * text kept as `rawBody` for the request log; read as co-body reads any text (its Content-Encoding decoded).
 */
async function readForm(ctx: Context, limit: number): Promise<void> {
  const text = await coBody.text(ctx, { limit });
  // Kept first: a form refused for its number of fields is logged as it was sent.
  ctx.request.rawBody = text;
  ctx.request.body = parseFormFields(text);
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
