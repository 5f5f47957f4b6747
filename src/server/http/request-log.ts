import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import type { MountRef, NearMiss } from '../../shared/mounts/match-report';
import {
  answeredByKey,
  type LoggedBody,
  type RequestCounts,
  type RequestLogEntry,
  type RequestLogPage,
  type RequestLogStats,
  type RequestSummary,
} from '../../shared/request-log';
import type { RetainedAmount } from '../../shared/retention';
import { REQUEST_RECORD_BYTES, type RetentionBudget, textBytes } from '../support/retention-budget';
import { RingBuffer } from '../support/ring-buffer';
import { hasRequestBody } from './request-body';

export interface RequestLogOptions {
  capacity: number;
  bodyBytes: number;
}

/** Subscribers get the cheap facts of each request; the full entry is read on demand. */
type Listener = (request: RequestSummary) => void;

/** A logged body's size when its whole text was kept: worked out from the text when it is read. */
const WHOLE_TEXT = -1;
/** The bits of an entry's `flags`: what was cut, what is a description, whether the bodies were let go. */
const REQUEST_TRUNCATED = 1;
const RESPONSE_TRUNCATED = 2;
const REQUEST_DESCRIBED = 4;
const RESPONSE_DESCRIBED = 8;
const BODIES_EVICTED = 16;
/**
 * The most a page of full entries holds, as the memory budget counts them (2 bytes a character of text): bodies of a
 * megabyte of control characters, six characters each in JSON, made a page longer than V8's longest string (a 500).
 */
const FULL_PAGE_BYTES = 64 * 1024 * 1024;
/** How far back a response body is looked for among the newest entries, to be shared instead of kept again. */
const SHARED_TEXT_LOOKBACK = 16;
/** Bodies shorter than this are kept as they come: comparing would cost about what keeping them does. */
const SHARED_TEXT_MIN_LENGTH = 256;

/**
 * One logged request, as one flat object: what the control API serves is built from it when read. Entries live
 * long enough to be promoted by the garbage collector, so each costs as little as it can: no body objects, no
 * empty near-miss array, no wrapper for its byte count, and no UTF-8 measuring of a body that fits the cap anyway.
 */
interface LoggedRequest extends RequestSummary {
  requestHeaders: RequestLogEntry['requestHeaders'];
  responseHeaders: RequestLogEntry['responseHeaders'];
  /** Kept text of each body (null: none; '' once evicted) and its full size in bytes (`WHOLE_TEXT`: the text's). */
  requestText: string | null;
  requestSize: number;
  responseText: string | null;
  responseSize: number;
  /** `REQUEST_TRUNCATED`, `RESPONSE_DESCRIBED`…: one small integer where five boolean fields would each take a slot. */
  flags: number;
  nearMisses: NearMiss[] | undefined;
  /** The estimated bytes it keeps alive, as charged to the retention budget. */
  bytes: number;
}

/**
 * Bounded log of REST requests: at most `capacity` entries, accounted in the engine's retention budget.
 * Bodies are kept as text of at most `bodyBytes`, captured when the request finishes: never the parsed value,
 * whose size a client chooses. Bodies are rarely re-serialised for it: the request's JSON text is what the
 * body parser read, the response's is what `jsonResponse` wrote.
 */
export class RequestLog {
  private entries: RingBuffer<LoggedRequest>;
  private nextId = 1;
  private retained = 0;
  private droppedForSize = 0;
  private evictedForMemory = 0;
  private bodiesEvictedForMemory = 0;
  /** Every entry up to this id has had its bodies evicted (eviction goes oldest first). */
  private bodiesEvictedThrough = 0;
  /**
   * How many of the entries held each mount answered (`answeredByKey`), kept as entries come and go: the console
   * asks every second while the log lets requests go, and walking 100,000 entries for it took about 100 ms.
   */
  private answered = new Map<string, number>();
  private listeners = new Set<Listener>();

  constructor(
    private options: RequestLogOptions,
    private readonly budget: RetentionBudget,
  ) {
    this.entries = new RingBuffer(options.capacity);
    budget.register('requestBodies', (bytes) => this.evictBodies(bytes));
    budget.register('requests', (bytes) => this.evictOldest(bytes));
  }

  /** A new body size applies to requests logged from now on. */
  configure(options: RequestLogOptions): void {
    if (options.capacity !== this.options.capacity) {
      for (const logged of this.entries.resize(options.capacity)) this.dropForSize(logged);
    }
    this.options = options;
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): RequestLogStats {
    return {
      kept: this.entries.size,
      droppedForSize: this.droppedForSize,
      evictedForMemory: this.evictedForMemory,
      bodiesEvictedForMemory: this.bodiesEvictedForMemory,
      retainedBytes: this.retained,
    };
  }

  /** How many of the requests held each mount answered, how many are held, and the newest one's id. */
  counts(): RequestCounts {
    const newest = this.entries.at(this.entries.size - 1);
    return { byMount: Object.fromEntries(this.answered), total: this.entries.size, newestId: newest?.id ?? 0 };
  }

  /**
   * Newest first, the entries `matches` accepts, at most `limit`, how many matched, and the log's stats. Full entries
   * stop before the one that would take the page past FULL_PAGE_BYTES (always at least one).
   */
  page(matches: (entry: RequestSummary) => boolean, limit: number, full: boolean): RequestLogPage {
    // Walked newest first in place: the console looks at the newest entry every second, and a copy of the whole
    // log (up to 100,000 entries) for each look cost more than the rest of it.
    const page: LoggedRequest[] = [];
    let total = 0;
    let bytes = 0;
    let pageFull = false;
    for (let index = this.entries.size - 1; index >= 0; index--) {
      const logged = this.entries.at(index) as LoggedRequest;
      if (!matches(logged)) continue;
      total++;
      if (pageFull) continue;
      bytes += logged.bytes;
      // Full entries stop before the one that would take the page past FULL_PAGE_BYTES (always at least one).
      if (full && page.length > 0 && bytes > FULL_PAGE_BYTES) pageFull = true;
      else page.push(logged);
      if (page.length >= limit) pageFull = true;
    }
    return {
      items: page.map((logged) => (full ? entryOf(logged) : summary(logged))),
      total,
      log: this.stats(),
    };
  }

  get(id: number): RequestLogEntry | undefined {
    const oldest = this.entries.at(0);
    // Ids are consecutive in the buffer.
    const logged = oldest && this.entries.at(id - oldest.id);
    return logged && entryOf(logged);
  }

  clear(): void {
    this.budget.release(this.retained);
    this.entries.clear();
    this.answered.clear();
    this.retained = 0;
    this.droppedForSize = 0;
    this.evictedForMemory = 0;
    this.bodiesEvictedForMemory = 0;
  }

  /** Subscribers get each finished request; they should be cheap (the live feed batches). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Logs a finished request (`at`: when it arrived, Unix ms; `durationMs`: how long the engine took). A drip fault's
   * body is still going out then: it is logged when its response ends (all sent, or the client gone), timed to then,
   * so its duration is what the client waited. Only a drip pays for the listener.
   */
  record(ctx: Context, at: number, durationMs: number): void {
    if ((ctx.state.answeredBy as MountRef | undefined)?.fault === 'drip' && !ctx.res.closed) {
      const started = performance.now() - durationMs;
      ctx.res.once('close', () => this.log(ctx, at, performance.now() - started));
      return;
    }
    this.log(ctx, at, durationMs);
  }

  private log(ctx: Context, at: number, durationMs: number): void {
    const cap = this.options.bodyBytes;
    const req = ctx.req;
    const responseHeaders = ctx.response.headers as RequestLogEntry['responseHeaders'];
    // The JSON text the body parser read (jsonBody keeps it), else whatever parsed value is there, else (a body no
    // mount read) what it was.
    const requestBody = ctx.request.rawBody ?? ctx.request.body;
    const requestText = requestBody === undefined ? unreadBody(req) : bodyText(requestBody);
    const responseText = bodyText(ctx.body);
    const requestDescribed = requestBody === undefined ? requestText !== null : isDescribed(requestBody, requestText);
    const responseDescribed = isDescribed(ctx.body, responseText);
    // A description is short and kept whole; its size is the body's (0 when not known), not the description's.
    const requestSize = requestDescribed
      ? declaredSize(requestBody, req.headers['content-length'])
      : textSize(requestText, cap);
    const responseSize = responseDescribed
      ? declaredSize(ctx.body, ctx.response.get('Content-Length'))
      : textSize(responseText, cap);
    const nearMisses = ctx.state.nearMisses as NearMiss[] | undefined;
    // Read once: Koa's getters parse the URL each time, and the shared-body lookup needs them too.
    const { method, path, querystring: query } = ctx;
    const logged: LoggedRequest = {
      id: this.nextId++,
      at,
      method,
      path,
      query,
      status: ctx.status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      remoteAddress: req.socket.remoteAddress ?? '',
      answeredBy: (ctx.state.answeredBy as MountRef | undefined) ?? null,
      refusal: (ctx.state.gatewayRefusal as string | undefined) ?? null,
      requestHeaders: req.headers,
      responseHeaders,
      requestText:
        requestSize === WHOLE_TEXT || requestDescribed ? requestText : utf8Prefix(requestText as string, cap),
      requestSize,
      responseText: this.sharedResponseText(
        method,
        path,
        query,
        responseSize === WHOLE_TEXT || responseDescribed ? responseText : utf8Prefix(responseText as string, cap),
      ),
      responseSize,
      flags:
        (requestDescribed ? REQUEST_DESCRIBED : requestSize !== WHOLE_TEXT ? REQUEST_TRUNCATED : 0) |
        (responseDescribed ? RESPONSE_DESCRIBED : responseSize !== WHOLE_TEXT ? RESPONSE_TRUNCATED : 0),
      nearMisses: nearMisses && nearMisses.length > 0 ? nearMisses : undefined,
      bytes: 0,
    };
    logged.bytes =
      REQUEST_RECORD_BYTES +
      requestHeadBytes(req) +
      headerBytes(responseHeaders) +
      textBytes(logged.requestText ?? '') +
      textBytes(logged.responseText ?? '') +
      (logged.nearMisses ? textBytes(JSON.stringify(logged.nearMisses)) : 0);
    const dropped = this.entries.push(logged);
    this.countAnswered(logged, 1);
    if (dropped) this.dropForSize(dropped);
    this.retained += logged.bytes;
    this.budget.charge(logged.bytes);
    if (this.listeners.size > 0) {
      const request = summary(logged);
      for (const listener of this.listeners) listener(request);
    }
  }

  /**
   * The response text an entry keeps: when one of the newest entries got the very same text for the same request
   * (a client polling data that has not changed), that entry's string, so this one dies young instead of being
   * promoted and collected again later. Charged to the budget per entry as before: an overestimate when shared.
   */
  private sharedResponseText(method: string, path: string, query: string, text: string | null): string | null {
    if (text === null || text.length < SHARED_TEXT_MIN_LENGTH) return text;
    const newest = this.entries.size - 1;
    for (let back = 0; back < SHARED_TEXT_LOOKBACK && back <= newest; back++) {
      const earlier = this.entries.at(newest - back) as LoggedRequest;
      if (earlier.path !== path || earlier.query !== query || earlier.method !== method) continue;
      // Strict equality compares lengths before characters: a changed body usually costs no scan.
      return earlier.responseText === text ? earlier.responseText : text;
    }
    return text;
  }

  private countAnswered(logged: LoggedRequest, change: 1 | -1): void {
    const key = answeredByKey(logged.answeredBy);
    const count = (this.answered.get(key) ?? 0) + change;
    if (count === 0) this.answered.delete(key);
    else this.answered.set(key, count);
  }

  private dropForSize(logged: LoggedRequest): void {
    this.countAnswered(logged, -1);
    this.retained -= logged.bytes;
    this.budget.release(logged.bytes);
    this.droppedForSize++;
  }

  /** Budget tier 3: the bodies of the oldest entries (the entries stay, their bodies marked evicted). */
  private evictBodies(bytes: number): RetainedAmount {
    const freed = { items: 0, bytes: 0 };
    const oldest = this.entries.at(0);
    if (!oldest) return freed;
    for (let index = Math.max(0, this.bodiesEvictedThrough + 1 - oldest.id); freed.bytes < bytes; index++) {
      const logged = this.entries.at(index);
      if (!logged) break;
      const bodiesBytes = textBytes(logged.requestText ?? '') + textBytes(logged.responseText ?? '');
      this.bodiesEvictedThrough = logged.id;
      if (bodiesBytes === 0) continue;
      // The sizes outlive the texts.
      logged.requestSize = bodySize(logged.requestText, logged.requestSize);
      logged.responseSize = bodySize(logged.responseText, logged.responseSize);
      if (logged.requestText !== null) logged.requestText = '';
      if (logged.responseText !== null) logged.responseText = '';
      logged.flags |= BODIES_EVICTED;
      logged.bytes -= bodiesBytes;
      freed.items++;
      freed.bytes += bodiesBytes;
    }
    this.retained -= freed.bytes;
    this.bodiesEvictedForMemory += freed.items;
    return freed;
  }

  /** Budget tier 4 (last resort): the oldest entries, whole. */
  private evictOldest(bytes: number): RetainedAmount {
    const freed = { items: 0, bytes: 0 };
    while (freed.bytes < bytes) {
      const logged = this.entries.shift();
      if (!logged) break;
      this.countAnswered(logged, -1);
      freed.items++;
      freed.bytes += logged.bytes;
    }
    this.retained -= freed.bytes;
    this.evictedForMemory += freed.items;
    return freed;
  }
}

function summary(entry: RequestSummary): RequestSummary {
  const { id, at, method, path, query, status, durationMs, remoteAddress, answeredBy, refusal } = entry;
  return { id, at, method, path, query, status, durationMs, remoteAddress, answeredBy, refusal };
}

/** The entry the control API serves, in its documented key order. */
function entryOf(logged: LoggedRequest): RequestLogEntry {
  return {
    id: logged.id,
    at: logged.at,
    method: logged.method,
    path: logged.path,
    query: logged.query,
    status: logged.status,
    durationMs: logged.durationMs,
    remoteAddress: logged.remoteAddress,
    requestHeaders: logged.requestHeaders,
    responseHeaders: logged.responseHeaders,
    requestBody: loggedBody(logged.requestText, logged.requestSize, logged.flags, REQUEST_TRUNCATED, REQUEST_DESCRIBED),
    responseBody: loggedBody(
      logged.responseText,
      logged.responseSize,
      logged.flags,
      RESPONSE_TRUNCATED,
      RESPONSE_DESCRIBED,
    ),
    answeredBy: logged.answeredBy,
    nearMisses: logged.nearMisses ?? [],
    refusal: logged.refusal,
  };
}

/** What `bodyText` writes for a value JSON cannot serialise. */
const UNSERIALISABLE = '<unserialisable body>';

/** Whether `bodyText` described `body` as `text` (binary, a stream, a value that does not serialise). */
function isDescribed(body: unknown, text: string | null): boolean {
  if (typeof body === 'string' || text === null) return false;
  return Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function' || text === UNSERIALISABLE;
}

/** A described body's size in bytes: a buffer's own, else what its Content-Length says, else 0 (not known). */
function declaredSize(body: unknown, contentLength: unknown): number {
  if (Buffer.isBuffer(body)) return body.length;
  const declared = Number(contentLength);
  return Number.isSafeInteger(declared) && declared >= 0 && contentLength !== '' ? declared : 0;
}

/**
 * What a request body no mount read was (`<2048 bytes of application/xml, not read>`); null when the request had
 * none. The engine reads a body only when a mount needs it, so its bytes were never in hand.
 */
function unreadBody(req: IncomingMessage): string | null {
  if (!hasRequestBody(req)) return null;
  const length = req.headers['content-length'];
  const type = req.headers['content-type'] || 'no content type';
  return length === undefined ? `<a chunked body of ${type}, not read>` : `<${length} bytes of ${type}, not read>`;
}

/** A body as text: strings as they are, other values serialised, binary and streams described. */
function bodyText(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return `<${body.length} bytes of binary data>`;
  if (typeof (body as { pipe?: unknown }).pipe === 'function') return '<streamed body>';
  try {
    return JSON.stringify(body) ?? null;
  } catch {
    return UNSERIALISABLE;
  }
}

/**
 * `WHOLE_TEXT` when `text` fits in `cap` UTF-8 bytes (its size is then worked out only if read), else its full size.
 * A UTF-16 unit is at most 3 UTF-8 bytes, so most bodies are never measured.
 */
function textSize(text: string | null, cap: number): number {
  if (text === null || text.length * 3 <= cap) return WHOLE_TEXT;
  const size = Buffer.byteLength(text);
  return size <= cap ? WHOLE_TEXT : size;
}

function bodySize(text: string | null, size: number): number {
  return size === WHOLE_TEXT && text !== null ? Buffer.byteLength(text) : size;
}

function loggedBody(
  text: string | null,
  size: number,
  flags: number,
  truncatedFlag: number,
  describedFlag: number,
): LoggedBody | null {
  if (text === null) return null;
  return {
    text,
    size: bodySize(text, size),
    truncated: (flags & truncatedFlag) !== 0,
    described: (flags & describedFlag) !== 0,
    evicted: (flags & BODIES_EVICTED) !== 0,
  };
}

/**
 * The longest start of `text` that is at most `bytes` UTF-8 bytes, cut at a character boundary, as a string
 * of its own (a slice of a large string can keep the whole of it alive).
 */
function utf8Prefix(text: string, bytes: number): string {
  // Every character takes at least one byte, so the first `bytes` characters hold the prefix.
  const head = Buffer.from(text.slice(0, bytes));
  let end = Math.min(bytes, head.length);
  // Back off a character cut in the middle (continuation bytes are 10xxxxxx).
  while (end > 0 && ((head[end] ?? 0) & 0xc0) === 0x80) end--;
  return head.toString('utf8', 0, end);
}

/** The request line's target and the headers' names and values, which the entry keeps (as `path`, `query`, headers). */
function requestHeadBytes(req: IncomingMessage): number {
  let bytes = textBytes(req.url ?? '');
  for (const part of req.rawHeaders) bytes += textBytes(part);
  return bytes;
}

function headerBytes(headers: RequestLogEntry['responseHeaders']): number {
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    bytes += textBytes(name);
    if (typeof value === 'string') bytes += textBytes(value);
    else if (Array.isArray(value)) for (const item of value) bytes += textBytes(item);
  }
  return bytes;
}
