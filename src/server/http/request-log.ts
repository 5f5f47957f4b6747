import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { MountRef, NearMiss } from '../../shared/mounts/match-report';
import type {
  LoggedBody,
  RequestLogEntry,
  RequestLogPage,
  RequestLogStats,
  RequestSummary,
} from '../../shared/request-log';
import type { RetainedAmount } from '../../shared/retention';
import { REQUEST_RECORD_BYTES, type RetentionBudget, textBytes } from '../support/retention-budget';
import { RingBuffer } from '../support/ring-buffer';

export interface RequestLogOptions {
  capacity: number;
  bodyBytes: number;
}

/** Subscribers get the cheap facts of each request; the full entry is read on demand. */
type Listener = (request: RequestSummary) => void;

/** An entry and the estimated bytes it keeps alive, as charged to the retention budget. */
interface Logged {
  entry: RequestLogEntry;
  bytes: number;
}

/**
 * Bounded log of REST requests: at most `capacity` entries, accounted in the engine's retention budget.
 * Bodies are kept as text of at most `bodyBytes`, captured when the request finishes: never the parsed value,
 * whose size a client chooses. Bodies are rarely re-serialised for it: the request's JSON text is what the
 * body parser read, the response's is what `jsonResponse` wrote.
 */
export class RequestLog {
  private entries: RingBuffer<Logged>;
  private nextId = 1;
  private retained = 0;
  private droppedForSize = 0;
  private evictedForMemory = 0;
  private bodiesEvictedForMemory = 0;
  /** Every entry up to this id has had its bodies evicted (eviction goes oldest first). */
  private bodiesEvictedThrough = 0;
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

  /** Newest first, the entries `matches` accepts, at most `limit`, how many matched, and the log's stats. */
  page(matches: (entry: RequestSummary) => boolean, limit: number, full: boolean): RequestLogPage {
    const matching = this.entries
      .toArray()
      .reverse()
      .filter(({ entry }) => matches(entry));
    const page = matching.slice(0, limit);
    return {
      items: page.map(({ entry }) => (full ? entry : summary(entry))),
      total: matching.length,
      log: this.stats(),
    };
  }

  get(id: number): RequestLogEntry | undefined {
    const oldest = this.entries.at(0);
    // Ids are consecutive in the buffer.
    return oldest && this.entries.at(id - oldest.entry.id)?.entry;
  }

  clear(): void {
    this.budget.release(this.retained);
    this.entries.clear();
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

  middleware(): Middleware {
    return async (ctx, next) => {
      const started = performance.now();
      const at = Date.now();
      try {
        await next();
      } finally {
        this.record(ctx, at, performance.now() - started);
      }
    };
  }

  private record(ctx: Context, at: number, durationMs: number): void {
    const cap = this.options.bodyBytes;
    const responseHeaders = ctx.response.headers as RequestLogEntry['responseHeaders'];
    const entry: RequestLogEntry = {
      id: this.nextId++,
      at,
      method: ctx.method,
      path: ctx.path,
      query: ctx.querystring,
      status: ctx.status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      remoteAddress: ctx.req.socket.remoteAddress ?? '',
      requestHeaders: ctx.req.headers,
      responseHeaders,
      // The JSON text the body parser read (jsonBody keeps it), else whatever parsed value is there.
      requestBody: loggedBody(bodyText(ctx.request.rawBody ?? ctx.request.body), cap),
      responseBody: loggedBody(bodyText(ctx.body), cap),
      answeredBy: (ctx.state.answeredBy as MountRef | undefined) ?? null,
      nearMisses: (ctx.state.nearMisses as NearMiss[] | undefined) ?? [],
      refusal: (ctx.state.gatewayRefusal as string | undefined) ?? null,
    };
    const bytes =
      REQUEST_RECORD_BYTES +
      requestHeadBytes(ctx.req) +
      headerBytes(responseHeaders) +
      bodyBytes(entry.requestBody) +
      bodyBytes(entry.responseBody) +
      (entry.nearMisses.length > 0 ? textBytes(JSON.stringify(entry.nearMisses)) : 0);
    const dropped = this.entries.push({ entry, bytes });
    if (dropped) this.dropForSize(dropped);
    this.retained += bytes;
    this.budget.charge(bytes);
    if (this.listeners.size > 0) {
      const request = summary(entry);
      for (const listener of this.listeners) listener(request);
    }
  }

  private dropForSize(logged: Logged): void {
    this.retained -= logged.bytes;
    this.budget.release(logged.bytes);
    this.droppedForSize++;
  }

  /** Budget tier 3: the bodies of the oldest entries (the entries stay, their bodies marked evicted). */
  private evictBodies(bytes: number): RetainedAmount {
    const freed = { items: 0, bytes: 0 };
    const oldest = this.entries.at(0);
    if (!oldest) return freed;
    for (let index = Math.max(0, this.bodiesEvictedThrough + 1 - oldest.entry.id); freed.bytes < bytes; index++) {
      const logged = this.entries.at(index);
      if (!logged) break;
      const { entry } = logged;
      const bodiesBytes = bodyBytes(entry.requestBody) + bodyBytes(entry.responseBody);
      this.bodiesEvictedThrough = entry.id;
      if (bodiesBytes === 0) continue;
      entry.requestBody = evicted(entry.requestBody);
      entry.responseBody = evicted(entry.responseBody);
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
      freed.items++;
      freed.bytes += logged.bytes;
    }
    this.retained -= freed.bytes;
    this.evictedForMemory += freed.items;
    return freed;
  }
}

function summary(entry: RequestLogEntry): RequestSummary {
  const { id, at, method, path, query, status, durationMs, remoteAddress, answeredBy, refusal } = entry;
  return { id, at, method, path, query, status, durationMs, remoteAddress, answeredBy, refusal };
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
    return '<unserialisable body>';
  }
}

function loggedBody(text: string | null, cap: number): LoggedBody | null {
  if (text === null) return null;
  const size = Buffer.byteLength(text);
  if (size <= cap) return { text, size, truncated: false, evicted: false };
  return { text: utf8Prefix(text, cap), size, truncated: true, evicted: false };
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

function evicted(body: LoggedBody | null): LoggedBody | null {
  return body && { ...body, text: '', evicted: true };
}

function bodyBytes(body: LoggedBody | null): number {
  return body ? textBytes(body.text) : 0;
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
