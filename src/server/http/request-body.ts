import type { IncomingMessage } from 'node:http';
import { promisify, TextDecoder } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { Context } from 'koa';
// koa-body's declarations type what this reader sets on the request: `ctx.request.body` and `rawBody`.
import type {} from 'koa-body';
import type { JsonValue } from '../../shared/json-value';
import { ConcurrencyLimit } from '../support/concurrency-limit';
import { jsonDepthMessage } from '../support/json-depth';
import { parsedJsonRefusal } from '../support/json-numbers';
import { scanJsonText } from '../support/json-text-scan';
import { loadedOnFirstUse, loadModule } from '../support/load-module';
import { RememberedAnswers } from '../support/remembered-answers';
import { askForBody } from './expect-continue';
import { type FormDecoder, formDecoder, parseFormFields } from './form-fields';
import { HttpError } from './http-errors';
import type { JsonBodyLimits, UnparsedBodyLimits } from './json-body';
import { jsonText, notUtf8Detail, parseRequestJson, refusingPrototypeKey } from './request-json';

/**
 * co-body's text reader alone: its index also loads the JSON and form parsers (qs and a dozen packages of its own),
 * which nothing here uses. Loaded with the first body read (it and raw-body, iconv-lite… cost `agui-mock validate`
 * and `init`, which read no request, ~10 ms of CPU).
 */
const coBodyText = loadedOnFirstUse<typeof import('co-body').text>(() => loadModule('co-body/lib/text.js'));

/** A request body as the mounts see it, read once per request. */
export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: JsonValue }
  | { kind: 'form'; value: Record<string, unknown> }
  | { kind: 'text'; value: string }
  /** Malformed JSON, or JSON with a key named `__proto__`: `error` says what, `detail` is the 400 refusing it. */
  | { kind: 'invalid-json'; text: string; error: string; detail: string }
  /** A content type the engine does not parse (binary, multipart): left unread. */
  | { kind: 'unread'; contentType: string };

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Content-Type values (up to 256 characters) and whether each is JSON. */
const jsonTypes = new RememberedAnswers<boolean>(16, 256);

/**
 * Whether the body of a request that has one is JSON (`ctx.is(JSON_TYPES)`), remembered per Content-Type value:
 * type-is parses the header and every type again each time, and clients send the same one or two values. A body
 * without a Content-Type (or an empty one) is read as JSON, as FastAPI reads it.
 */
export function isJsonRequest(ctx: Context): boolean {
  const contentType = ctx.req.headers['content-type'] ?? '';
  if (contentType === '') return true;
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

/** The Content-Encodings a body is decoded from, each by its one-shot decoder (off the event loop). */
const DECODERS = { gzip: promisify(gunzip), deflate: promisify(inflate), br: promisify(brotliDecompress) } as const;
const DECODABLE_ENCODINGS = ['identity', ...Object.keys(DECODERS)];
/**
 * Bodies decoded at once, per coding. A small brotli body may ask for a 16 MiB window, and fill it (about 90 ms)
 * before a byte of its output shows it is too large: a hundred of them in flight took 1.8 GB. Two at a time bound
 * that; the rest wait with their bytes read whole, so a client slow to send holds no slot, and one gone by its turn
 * is not decoded. gzip and deflate (a 32 KiB window, about a millisecond to the limit) have their own two, so a flood
 * of brotli bodies does not hold them up.
 */
const decoding = { gzip: new ConcurrencyLimit(2), deflate: new ConcurrencyLimit(2), br: new ConcurrencyLimit(2) };
/** Text bodies are read as UTF-8, leniently: a text is kept as it reads, not checked. */
const UTF8 = new TextDecoder();
const FORM_TYPES = ['application/x-www-form-urlencoded'];

const readBodies = new WeakMap<IncomingMessage, Promise<RequestBody>>();
/** The size limit each request's body was read under, for what is left of one refused (`discardUnreadBody`). */
const readLimits = new WeakMap<IncomingMessage, number>();

/**
 * Reads the request body when a mount needs it (a condition on it, a schema for it, a template that uses it):
 * JSON (its bytes read as Python reads them, `jsonText`; others are a 400), form fields (in their charset) or text,
 * its Content-Encoding undone, bounded by `maxBodyBytes` (413) and `maxJsonDepth` (400); a client that waits to be
 * asked for the body (`Expect: 100-continue`) is asked here. Malformed JSON is not an error here: the mount decides
 * (a schema answers 422 json_invalid, a condition just does not hold). The result is kept for the rest of the
 * request — the stream can be read only once — and set on `ctx.request.body` for the request log and for handlers
 * later in the chain.
 */
export function readRequestBody(ctx: Context, limits: JsonBodyLimits | UnparsedBodyLimits): Promise<RequestBody> {
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

async function readOnce(ctx: Context, limits: JsonBodyLimits | UnparsedBodyLimits): Promise<RequestBody> {
  const { maxBodyBytes } = limits;
  if (!hasRequestBody(ctx.req)) return { kind: 'none' };
  const isJson = isJsonRequest(ctx);
  const isForm = !isJson && Boolean(ctx.is(FORM_TYPES));
  if (!isJson && !isForm && !ctx.is(TEXT_TYPES))
    return { kind: 'unread', contentType: ctx.get('content-type') || '(none)' };
  const encoding = contentCoding(ctx);
  const decoder = isForm ? formDecoder(charsetOf(ctx.req.headers['content-type'] ?? '')) : UTF8;
  // Refused by its length before it is read (or asked for: `Expect: 100-continue`); compressed, it would only be
  // longer decoded. raw-body would refuse it too, but after the 100, and not a length past 2^31, which co-body cuts
  // to 32 bits. Paused, it counts as a body refused (not one nothing touched): the answer waits for its rest, or
  // closes the connection (unread-body.ts).
  if (Number(ctx.req.headers['content-length']) > maxBodyBytes) {
    ctx.req.pause();
    throw tooLarge(limits);
  }
  askForBody(ctx.res);
  let bytes: Buffer;
  try {
    bytes = await decoded(ctx.req, await readBytes(ctx, maxBodyBytes), encoding, maxBodyBytes);
  } catch (error) {
    if ((error as { type?: unknown }).type === 'entity.too.large') throw tooLarge(limits);
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limits);
    throw (encoding === 'identity' ? undefined : decodingFailure(error, encoding)) ?? error;
  }
  const parsed = isJson ? readJson(ctx, bytes, limits) : readText(ctx, bytes, decoder, isForm);
  // A body its route reads itself (`unparsed`) is never parsed here: its reader bounds its nesting.
  if ((parsed.kind === 'json' || parsed.kind === 'form') && !limits.unparsed) {
    const refusal = parsedJsonRefusal(parsed.value, limits.maxJsonDepth);
    if (refusal !== undefined) throw new HttpError(400, `Request body rejected: ${refusal}`);
  }
  // After the depth check, which bounds the walk for the key.
  const read = parsed.kind === 'json' ? refusingPrototypeKey(parsed, ctx.request.rawBody as string) : parsed;
  if (read.kind === 'json' || read.kind === 'form' || read.kind === 'text') ctx.request.body = read.value as JsonValue;
  return read;
}

/**
 * The request's Content-Encoding as co-body names it: in lower case, without spaces — content codings are
 * case-insensitive (RFC 9110 §8.4.1) — `identity` when it has none. One it cannot decode is a 415 naming it.
 */
function contentCoding(ctx: Context): string {
  const sent = ctx.get('content-encoding');
  const encoding = sent.trim().toLowerCase() || 'identity';
  if (!DECODABLE_ENCODINGS.includes(encoding)) {
    throw new HttpError(
      415,
      `Unsupported Content-Encoding ${JSON.stringify(sent)}: send the body uncompressed or as ${DECODABLE_ENCODINGS.slice(1).join(', ')}`,
    );
  }
  return encoding;
}

/**
 * The body's bytes as they came, as co-body reads any body: raw-body bounds them by `limit` (413), holds them to
 * their Content-Length and fails as the stream does. co-body would also undo the Content-Encoding, as a stream per
 * request: the header says `identity` while the read starts (synchronously: where co-body looks), then again what
 * was sent, which the request log shows.
 */
function readBytes(ctx: Context, limit: number): Promise<Buffer> {
  const read = coBodyText();
  const { headers } = ctx.req;
  const sent = headers['content-encoding'];
  if (sent !== undefined) headers['content-encoding'] = 'identity';
  try {
    // No character encoding: raw-body answers the bytes as they came.
    return read(ctx, { limit, encoding: '' });
  } finally {
    if (sent !== undefined) headers['content-encoding'] = sent;
  }
}

/**
 * `bytes` with their Content-Encoding undone; more than `limit` bytes decoded fails with ERR_BUFFER_TOO_LARGE, a
 * request whose client left before its turn as an aborted one (raw-body's `request.aborted`: a 499 in the log).
 */
function decoded(req: IncomingMessage, bytes: Buffer, encoding: string, limit: number): Buffer | Promise<Buffer> {
  if (encoding === 'identity') return bytes;
  const coding = encoding as keyof typeof DECODERS;
  return decoding[coding].run(() => {
    if (req.socket.destroyed) throw Object.assign(new Error('request aborted'), { type: 'request.aborted' });
    return DECODERS[coding](bytes, { maxOutputLength: limit });
  });
}

/** Bodies longer than this are looked through before they are parsed (`readJson`). */
const SCAN_FIRST_CHARS = 1024 * 1024;

/**
 * A JSON body: its text (`jsonText`, else a 400 saying what its bytes are not, as FastAPI refuses them), then parsed
 * (`parseRequestJson`). Its text is kept as `rawBody` for the request log, whatever it holds: a body that does not
 * parse is the one a developer needs to see. Empty (chunked framing with nothing in it, or only a byte order mark) is no body.
 * A route that reads the JSON itself (`unparsed`) is given the text it reads, empty or not.
 */
function readJson(ctx: Context, bytes: Buffer, limits: JsonBodyLimits | UnparsedBodyLimits): RequestBody {
  if (limits.unparsed) return readUnparsed(ctx, bytes, limits.unparsed);
  const text = jsonText(bytes);
  if (text === undefined) {
    ctx.request.rawBody = UTF8.decode(bytes);
    throw new HttpError(400, notUtf8Detail(bytes));
  }
  ctx.request.rawBody = text;
  if (text === '') return { kind: 'none' };
  // A large body is refused before JSON.parse, which would build the whole value first, however deep (64 MiB of `[`
  // held the engine for seconds). A small one is not scanned: parsing it costs little, the value is checked once
  // parsed, and every request of the mocked API would pay the scan.
  if (text.length <= SCAN_FIRST_CHARS) return parseRequestJson(text);
  if (scanJsonText(text, { maxDepth: limits.maxJsonDepth }).refusal !== undefined) {
    throw new HttpError(400, `Request body rejected: ${jsonDepthMessage(limits.maxJsonDepth)}`);
  }
  return parseRequestJson(text);
}

/** A JSON body the route reads itself (`UnparsedBodyLimits.unparsed`): its text, kept as `rawBody` whatever it holds. */
function readUnparsed(ctx: Context, bytes: Buffer, readText: (bytes: Buffer) => string): RequestBody {
  let text: string;
  try {
    text = readText(bytes);
  } catch (error) {
    ctx.request.rawBody = UTF8.decode(bytes);
    throw error;
  }
  ctx.request.rawBody = text;
  return { kind: 'text', value: text };
}

/**
 * A text body, or a form's fields (`parseFormFields`: names as sent, repeated names as arrays, at most
 * `MAX_FORM_FIELDS`), read by `decoder`; the text kept as `rawBody` for the request log — first: a form refused
 * for its number of fields is logged as it was sent.
 */
function readText(ctx: Context, bytes: Buffer, decoder: FormDecoder, isForm: boolean): RequestBody {
  const text = decoder.decode(bytes);
  ctx.request.rawBody = text;
  return isForm ? { kind: 'form', value: parseFormFields(text, decoder) } : { kind: 'text', value: text };
}

/**
 * The `charset` parameter of a Content-Type (unquoted), '' for none. Read here rather than by Koa, which gives ''
 * for a whole header it cannot parse (`charset=iso-8859-1; foo`): the form would be read as UTF-8 without a word.
 */
function charsetOf(contentType: string): string {
  return (
    /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i
      .exec(contentType)
      ?.slice(1)
      .find((part) => part !== undefined) ?? ''
  );
}

function tooLarge(limits: JsonBodyLimits | UnparsedBodyLimits): HttpError {
  return new HttpError(
    413,
    `Request body is too large: the limit is ${limits.maxBodyBytes} bytes (${limits.maxBodyBytesSetBy ?? 'setting maxBodyBytes'})`,
  );
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
