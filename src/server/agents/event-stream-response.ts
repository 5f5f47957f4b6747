import type { ServerResponse } from 'node:http';
import type { BaseEvent } from '@ag-ui/core';
import type { ConnectionTransport } from '../ws/connection';
import type { EventStreamFormat } from './event-stream-format';
import { SocketStreams, type StreamOnSocket } from './socket-streams';

/**
 * How a response ended: `aborted` when the client went away first (or the engine dropped it); code and reason when
 * the console or the engine closed it.
 */
export interface StreamEnd {
  aborted: boolean;
  code: number | null;
  reason: string | null;
  /** Why the engine dropped the client's connection (it did not read what it was sent), for the last error. */
  error: string | null;
}

/**
 * How often a keep-alive comment goes out, at most, once the client half-closed its connection: a client that is
 * gone answers the first with a reset, and the write after it fails, which ends the stream.
 */
export const HALF_CLOSED_KEEP_ALIVE_MS = 1000;

export interface EventStreamResponseOptions {
  response: ServerResponse;
  format: EventStreamFormat;
  /** Idle time after which a keep-alive comment goes out (SSE only); 0 sends none. */
  keepAliveMs: number;
  /** Called once when the response is over, however it ended. */
  onClosed(end: StreamEnd): void;
  /**
   * The connection is asked to close (from the console) and still takes frames: the owner's last ones (the run's
   * RUN_ERROR saying why) go out before the response ends.
   */
  beforeClose?(code: number, reason: string): void;
  /**
   * A frame that could not be encoded (an event protobuf cannot carry): it is not written, and the stream does
   * not end on it; the owner ends the stream with an error instead.
   */
  onEncodeError(error: Error): void;
}

/**
 * One HTTP response carrying AG-UI events as a connection transport: every frame is written (and so flushed)
 * as it comes, idle stretches get keep-alive comments, and the response ends after the frame it was told to
 * end with has gone out (frames the console holds back are not cut off).
 */
export class EventStreamResponse implements ConnectionTransport, StreamOnSocket {
  private readonly response: ServerResponse;
  private readonly format: EventStreamFormat;
  /** Event objects behind JSON texts about to be sent, for binary formats (which encode the object). */
  private readonly objects: Map<string, BaseEvent> | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  /** When the response was last written to (`performance.now()`): the start of the silence a keep-alive ends. */
  private lastWriteAt = 0;
  /**
   * The JSON of the events sent in this turn of the event loop, not yet handed to the response, and the bytes of
   * their SSE frames: a run at speed 0 sends its whole stream in one turn, framed into one buffer when the turn's
   * work is done and written at once. One write of it all costs Node a fraction of a write per event, and a buffer
   * is written as it is, where the 57 frames of a run concatenated were a string Node had to flatten and encode.
   */
  private pendingTexts: string[] = [];
  /** The protobuf frames of this turn, written at once as SSE's are (one write; a whole run's with its length). */
  private pendingFrames: Uint8Array[] | undefined;
  /** The bytes of the frames waiting, in either list. */
  private pendingBytes = 0;
  private lastText: string | undefined;
  private endAfter: string | undefined;
  private ended = false;
  private closedWith: { code: number; reason: string } | undefined;
  /** The streams on this response's client connection (several when it pipelines), until the response is over. */
  private socketStreams: SocketStreams | undefined;
  private reportedClosed = false;
  /** The silence a keep-alive comment ends: shorter once the client half-closed (`clientHalfClosed`). */
  private keepAliveMs: number;

  constructor(private readonly options: EventStreamResponseOptions) {
    const { response, format } = options;
    this.response = response;
    this.format = format;
    this.keepAliveMs = options.keepAliveMs;
    if (format.binary) this.objects = new Map();
    response.statusCode = 200;
    response.setHeader('content-type', format.contentType);
    response.setHeader('cache-control', 'no-cache');
    // nginx and friends buffer proxied responses unless told not to.
    response.setHeader('x-accel-buffering', 'no');
    // Said outright for proxies, unless the client asked to close: set, the header would keep the connection open.
    if (response.shouldKeepAlive) response.setHeader('connection', 'keep-alive');
    // Headers go out with the first frames written in this turn (a run at speed 0 writes all of its frames in it:
    // one system call instead of two), else alone at the end of the turn, so a client waiting for a delayed first
    // event sees the response start; the keep-alive starts then too (a stream over within its first turn needs none).
    setImmediate(this.afterFirstTurn);
    // A client gone while its body was being read never emits 'close' again: report it once the caller is set up.
    if (response.destroyed) {
      queueMicrotask(this.closed);
      this.ended = true;
      return;
    }
    response.once('close', this.closed);
    // A pipelined request's response waits its turn without a socket, and Node does not close it when the
    // connection goes first: the connection's own 'close' tells (one listener for all its streams).
    this.socketStreams = SocketStreams.join(response.req.socket, this);
  }

  /** The event object behind `json`, which `send` will be handed shortly (binary formats encode objects). */
  remember(json: string, event: BaseEvent): void {
    if (this.objects && !this.ended) this.objects.set(json, event);
  }

  /** `bytes`: the UTF-8 length of `text`. False once the response is over. */
  send(text: string, bytes: number): boolean {
    if (this.ended) return false;
    const format = this.format;
    if (format.binary) {
      const frame = this.encode(format, text);
      // Recorded all the same, so the console's log shows the frame the stream ends with a RUN_ERROR for.
      if (frame === undefined) return true;
      if (this.pendingFrames === undefined) {
        this.pendingFrames = [];
        queueMicrotask(this.flush);
      }
      this.pendingFrames.push(frame);
      this.pendingBytes += frame.byteLength;
    } else {
      if (this.pendingTexts.length === 0) queueMicrotask(this.flush);
      this.pendingTexts.push(text);
      this.pendingBytes += format.frameBytes(bytes);
    }
    this.lastText = text;
    if (text === this.endAfter) this.finish();
    return true;
  }

  /** Ends the response once the frame `text` has been written: now, if it already has. */
  endAfterFrame(text: string): void {
    if (this.lastText === text) this.finish();
    else this.endAfter = text;
  }

  /** Ends the response now (the console closing the connection; the code is only recorded). */
  close(code: number, reason: string): boolean {
    this.closedWith ??= { code, reason };
    this.finish();
    return true;
  }

  /** Ends the response now, after what was written so far. */
  end(): void {
    this.finish();
  }

  terminate(): void {
    this.stopKeepAlive();
    this.response.destroy();
  }

  beforeClose(code: number, reason: string): void {
    if (!this.ended) this.options.beforeClose?.(code, reason);
  }

  /**
   * Closes for a client that does not read (the connection's backlog bound): its socket is dropped, with every
   * stream pipelined on it. An ending it would not read either would keep the socket, and all it holds, alive.
   */
  closeUnread(code: number, reason: string): boolean {
    this.closedWith ??= { code, reason };
    this.ended = true;
    this.stopKeepAlive();
    this.objects?.clear();
    this.dropPending();
    if (this.socketStreams) this.socketStreams.drop({ code, reason });
    else this.response.destroy();
    return true;
  }

  /** Bytes written in earlier turns the client has not read: on its connection, pipelined responses included. */
  backlogBytes(): number {
    return this.socketStreams?.backlogBytes ?? 0;
  }

  /** The backlog and the frames of this turn, still to be handed to the response. */
  bufferedBytes(): number {
    return this.backlogBytes() + this.pendingBytes;
  }

  get ownBufferedBytes(): number {
    // Node counts the socket's buffer in the response's writableLength once the response has the socket.
    return this.response.writableLength - (this.response.socket?.writableLength ?? 0);
  }

  readonly socketClosed = (): void => this.closed();

  /**
   * The stream plays on for a client that half-closed (HTTP/1.1 allows it), and keep-alive comments come often
   * enough to tell a client really gone: the write after the one its reset answers fails, closing the socket.
   */
  clientHalfClosed(): void {
    if (this.keepAliveMs <= HALF_CLOSED_KEEP_ALIVE_MS) return;
    this.keepAliveMs = HALF_CLOSED_KEEP_ALIVE_MS;
    if (this.keepAliveTimer === undefined) return;
    this.stopKeepAlive();
    this.keepAliveDue();
  }

  private encode(format: EventStreamFormat & { binary: true }, text: string): Uint8Array | undefined {
    const event = this.objects?.get(text);
    this.objects?.delete(text);
    try {
      // Events injected from the console arrive as text only.
      return format.frame(event ?? (JSON.parse(text) as BaseEvent));
    } catch (error) {
      this.options.onEncodeError(error as Error);
      return undefined;
    }
  }

  /**
   * At the end of the stream's first turn (bound: it is queued for then): the headers alone if nothing has taken
   * them out yet, and the keep-alive for a stream still open.
   */
  private readonly afterFirstTurn = (): void => {
    if (this.ended) return;
    if (!this.response.headersSent) this.response.flushHeaders();
    if (this.format.binary || this.keepAliveMs <= 0) return;
    this.lastWriteAt = performance.now();
    this.armKeepAlive(this.keepAliveMs);
  };

  /**
   * One timer per stream, not one per write: a write notes its time (once a turn, in `flush`), and the timer,
   * when it fires, measures the silence since then. A `: keep-alive` goes out once the silence reaches
   * `keepAliveMs`; until then the timer waits for the rest of it.
   */
  private armKeepAlive(delayMs: number): void {
    this.keepAliveTimer = setTimeout(this.keepAliveDue, delayMs);
    this.keepAliveTimer.unref();
  }

  /** Bound: it is the keep-alive timer's callback. */
  private readonly keepAliveDue = (): void => {
    this.keepAliveTimer = undefined;
    const { format, response } = this;
    if (this.ended || format.binary || response.destroyed) return;
    const { keepAliveMs } = this;
    const now = performance.now();
    // Timers count whole milliseconds: one may fire a fraction of one before the silence is whole. Re-armed for a
    // whole number of them too (Node keeps one timer list per duration; fractional ones kept responses alive).
    const rest = keepAliveMs - (now - this.lastWriteAt);
    if (rest >= 1) {
      this.armKeepAlive(Math.ceil(rest));
      return;
    }
    response.write(format.keepAlive);
    this.lastWriteAt = now;
    this.armKeepAlive(keepAliveMs);
  };

  /** Hands the frames still waiting to the response (bound: it is queued as a microtask). */
  private readonly flush = (): void => {
    const frames = this.takePending();
    if (!frames || this.response.destroyed) return;
    this.response.write(frames);
    // Once a turn: what the keep-alive measures its silence from (SSE only; protobuf has no comments).
    if (this.keepAliveTimer !== undefined) this.lastWriteAt = performance.now();
  };

  /** The frames waiting, in one buffer; none when nothing waits. */
  private takePending(): Uint8Array | undefined {
    const { format } = this;
    if (format.binary) {
      const frames = this.pendingFrames;
      if (frames === undefined) return undefined;
      const bytes = this.pendingBytes;
      this.dropPending();
      return frames.length === 1 ? frames[0] : Buffer.concat(frames, bytes);
    }
    const texts = this.pendingTexts;
    if (texts.length === 0) return undefined;
    const frames = Buffer.allocUnsafe(this.pendingBytes);
    let offset = 0;
    for (const text of texts) offset = format.writeFrame(frames, offset, text);
    this.dropPending();
    return frames;
  }

  private dropPending(): void {
    if (this.format.binary) this.pendingFrames = undefined;
    else this.pendingTexts = [];
    this.pendingBytes = 0;
  }

  /** Reports the end once, whichever way it was noticed (bound: it is a listener). */
  private readonly closed = (): void => {
    if (this.reportedClosed) return;
    this.reportedClosed = true;
    this.response.off('close', this.closed);
    const dropped = this.socketStreams?.dropped;
    this.socketStreams?.leave(this);
    this.socketStreams = undefined;
    this.dropPending();
    this.stopKeepAlive();
    this.objects?.clear();
    this.ended = true;
    const closedWith = this.closedWith ?? dropped;
    this.options.onClosed({
      aborted: !this.response.writableFinished,
      code: closedWith?.code ?? null,
      reason: closedWith?.reason ?? null,
      error: dropped?.reason ?? null,
    });
  };

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopKeepAlive();
    this.objects?.clear();
    const frames = this.takePending();
    if (!frames || this.response.destroyed) this.response.end();
    else this.response.end(frames);
  }

  private stopKeepAlive(): void {
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }
}
