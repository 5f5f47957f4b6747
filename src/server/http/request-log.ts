import type { Context, Middleware } from 'koa';
import type { LoggedBody, RequestLogEntry } from '../../shared/request-log';
import { RingBuffer } from '../support/ring-buffer';
import { JSON_SERIALISED } from './json-response';

export interface RequestLogOptions {
  capacity: number;
  bodyBytes: number;
}

/** What a subscriber gets per request: the cheap facts now, the full entry (bodies serialised) on demand. */
export interface LoggedRequest {
  id: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  entry(): RequestLogEntry;
}

type Listener = (request: LoggedRequest) => void;

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

  /** Newest first. */
  list(): RequestLogEntry[] {
    return this.entries
      .toArray()
      .reverse()
      .map((entry) => this.materialise(entry));
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
      responseIsJson: ctx.state[JSON_SERIALISED] === true,
    };
    this.entries.push(entry);
    if (this.listeners.size > 0) {
      const request: LoggedRequest = {
        id: entry.id,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        durationMs: entry.durationMs,
        entry: () => this.materialise(entry),
      };
      for (const listener of this.listeners) listener(request);
    }
  }

  private materialise(entry: PendingEntry): RequestLogEntry {
    const { rawRequestBody, rawResponseBody, responseIsJson, ...rest } = entry;
    return {
      ...rest,
      requestBody: logBody(rawRequestBody, this.options.bodyBytes, false),
      responseBody: logBody(rawResponseBody, this.options.bodyBytes, responseIsJson),
    };
  }
}

interface PendingEntry extends Omit<RequestLogEntry, 'requestBody' | 'responseBody'> {
  rawRequestBody: unknown;
  rawResponseBody: unknown;
  responseIsJson: boolean;
}

/** `serialisedJson`: a string body is JSON we produced ourselves (an object body always becomes JSON here). */
function logBody(body: unknown, cap: number, serialisedJson: boolean): LoggedBody | null {
  if (body === undefined || body === null) return null;
  let text: string;
  let json = false;
  if (typeof body === 'string') {
    text = body;
    json = serialisedJson;
  } else if (Buffer.isBuffer(body)) text = `<${body.length} bytes of binary data>`;
  else if (typeof (body as { pipe?: unknown }).pipe === 'function') text = '<streamed body>';
  else {
    try {
      text = JSON.stringify(body);
      json = true;
    } catch {
      text = '<unserialisable body>';
    }
  }
  const size = Buffer.byteLength(text);
  if (size <= cap) return { text, size, truncated: false, json };
  return { text: Buffer.from(text).subarray(0, cap).toString('utf8'), size, truncated: true, json: false };
}
