import type { Context, Middleware } from 'koa';
import type { LoggedBody, RequestLogEntry, RequestSummary } from '../../shared/request-log';
import { RingBuffer } from '../support/ring-buffer';

export interface RequestLogOptions {
  capacity: number;
  bodyBytes: number;
}

/** Subscribers get the cheap facts of each request; the full entry (bodies serialised) is read on demand. */
type Listener = (request: RequestSummary) => void;

/**
 * Bounded log of REST requests. The hot path only keeps references; bodies are serialised and
 * truncated when somebody reads them, so logging costs next to nothing per request.
 */
export class RequestLog {
  private entries: RingBuffer<PendingEntry>;
  private nextId = 1;
  private listeners = new Set<Listener>();

  constructor(private options: RequestLogOptions) {
    this.entries = new RingBuffer(options.capacity);
  }

  configure(options: RequestLogOptions): void {
    if (options.capacity !== this.options.capacity) this.entries.resize(options.capacity);
    this.options = options;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Newest first, the entries `matches` accepts, at most `limit`, and how many matched. Only the entries
   * returned in full get their bodies serialised.
   */
  page(
    matches: (entry: RequestSummary) => boolean,
    limit: number,
    full: boolean,
  ): { items: (RequestLogEntry | RequestSummary)[]; total: number } {
    const matching = this.entries
      .toArray()
      .reverse()
      .filter((entry) => matches(entry));
    const page = matching.slice(0, limit);
    return { items: full ? page.map((entry) => this.materialise(entry)) : page.map(summary), total: matching.length };
  }

  get(id: number): RequestLogEntry | undefined {
    const entry = this.entries.toArray().find((candidate) => candidate.id === id);
    return entry && this.materialise(entry);
  }

  clear(): void {
    this.entries.clear();
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
    const entry: PendingEntry = {
      id: this.nextId++,
      at,
      method: ctx.method,
      path: ctx.path,
      query: ctx.querystring,
      status: ctx.status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      remoteAddress: ctx.req.socket.remoteAddress ?? '',
      requestHeaders: ctx.req.headers,
      responseHeaders: ctx.response.headers as RequestLogEntry['responseHeaders'],
      rawRequestBody: (ctx.request as { body?: unknown }).body,
      rawResponseBody: ctx.body,
    };
    this.entries.push(entry);
    if (this.listeners.size > 0) {
      const request = summary(entry);
      for (const listener of this.listeners) listener(request);
    }
  }

  private materialise(entry: PendingEntry): RequestLogEntry {
    const { rawRequestBody, rawResponseBody, ...rest } = entry;
    return {
      ...rest,
      requestBody: logBody(rawRequestBody, this.options.bodyBytes),
      responseBody: logBody(rawResponseBody, this.options.bodyBytes),
    };
  }
}

interface PendingEntry extends Omit<RequestLogEntry, 'requestBody' | 'responseBody'> {
  rawRequestBody: unknown;
  rawResponseBody: unknown;
}

function summary({ id, at, method, path, query, status, durationMs, remoteAddress }: PendingEntry): RequestSummary {
  return { id, at, method, path, query, status, durationMs, remoteAddress };
}

function logBody(body: unknown, cap: number): LoggedBody | null {
  if (body === undefined || body === null) return null;
  let text: string;
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = `<${body.length} bytes of binary data>`;
  else if (typeof (body as { pipe?: unknown }).pipe === 'function') text = '<streamed body>';
  else {
    try {
      text = JSON.stringify(body);
    } catch {
      text = '<unserialisable body>';
    }
  }
  const size = Buffer.byteLength(text);
  if (size <= cap) return { text, size, truncated: false };
  return { text: Buffer.from(text).subarray(0, cap).toString('utf8'), size, truncated: true };
}
