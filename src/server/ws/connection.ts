import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type {
  ConnectionCounters,
  ConnectionError,
  ConnectionKind,
  ConnectionMount,
  ConnectionState,
  ConnectionSummary,
  FrameDirection,
  FrameFinding,
  FrameLogStats,
  FrameRecord,
} from '../../shared/connections';
import type { RetainedAmount } from '../../shared/retention';
import type { JsonObject } from '../../shared/scenario';
import type { OutgoingEvent } from '../agui/events';
import { type RuleFinding, SEQUENCE_RULES, SequenceTracker } from '../agui/sequence-tracker';
import type { RetentionBudget } from '../support/retention-budget';
import { RingBuffer } from '../support/ring-buffer';
import { type SlicedTimer, slicedTimeout } from '../support/sliced-timer';
import { FrameLog, frameBytes } from './frame-log';
import type { SharedText } from './shared-text';
import { TextFrameBatch } from './text-frame-batch';

/** Notified of everything that happens on a connection; the registry fans it out to the console. */
export interface ConnectionObserver {
  /** Whether anyone follows this connection's frames: `frame` is called, with a record of its own, only then. */
  followsFrames(connection: Connection): boolean;
  frame(connection: Connection, frame: FrameRecord): void;
  updated(connection: Connection): void;
  closed(connection: Connection): void;
}

/** A transport the connection talks through: a WebSocket, or an SSE response stream. */
export interface ConnectionTransport {
  /**
   * `bytes`: the text's UTF-8 length, which the connection works out for its log anyway. False when the transport
   * takes no more frames (its response is over, its socket closing): the frame is not sent, so not logged as sent.
   * `utf8`: the text's bytes, when a broadcast encoded it once for all its receivers (never written to).
   */
  send(text: string, bytes: number, utf8?: Buffer): boolean;
  /** Sends a binary frame (WebSockets only); false as `send`. */
  sendBinary?(bytes: Buffer): boolean;
  /** Writes what `send` batched for the end of the turn now (see `Connection.flushWrites`). */
  writeBatched?(): void;
  /** Bytes handed over but not yet written to the network (the client is not reading them). */
  bufferedBytes?(): number;
  /**
   * The part of `bufferedBytes` written in earlier turns and still unsent: what the client has had time to read
   * and has not (the current turn's frames, a run at speed 0 in one go, are not counted against it yet).
   */
  backlogBytes?(): number;
  /**
   * Sends the transport's last frames for a close asked of the connection, while it still takes them: an SSE
   * response ends its run with a RUN_ERROR saying why (a WebSocket's close frame says it there).
   */
  beforeClose?(code: number, reason: string): void;
  /**
   * Closes with `code` and `reason`; false when the transport was closing already and they do not go out (a
   * WebSocket whose client's close came first and was answered).
   */
  close(code: number, reason: string): boolean;
  /**
   * Closes for a client that does not read what it is sent (BACKLOG_CLOSE); `close` where it is missing. An SSE
   * response drops its socket: it has no closing handshake to wait for, and its client would not read an ending.
   */
  closeUnread?(code: number, reason: string): boolean;
  terminate(): void;
}

/** What the frames on a connection are: AG-UI events, or frames of another protocol (an echo, a feed…). */
export type ConnectionProtocol = ConnectionSummary['protocol'];

export interface ConnectionInit {
  kind: ConnectionKind;
  path: string;
  /** The endpoint or agent the connection came in through. */
  mount?: ConnectionMount;
  request: IncomingMessage;
  /** Default `agui`. */
  protocol?: ConnectionProtocol;
  frameBufferSize: number;
  /** The engine-wide budget the frame log is accounted in. */
  budget: RetentionBudget;
  transport: ConnectionTransport;
  observer: ConnectionObserver;
}

/** What a closed connection talks through: nothing (every use of the transport is for an open one). */
const CLOSED_TRANSPORT: ConnectionTransport = {
  send: () => false,
  close: () => false,
  terminate: () => {},
};

/**
 * A frame that may be skipped is skipped while this many bytes wait in the socket for a client that does not read
 * them, or are held back for it (a delay, the console's pause or latency): a feed pushing to a stalled client must
 * not grow the engine's memory without bound.
 */
export const SLOW_CLIENT_BUFFER_BYTES = 1024 * 1024;

/**
 * A frame that may not be skipped (a run's events, a protocol reply, the console's frames, a close) closes the
 * connection with `BACKLOG_CLOSE` instead of going out while this many bytes wait unsent: in the socket since an
 * earlier turn, or held back. Dropping one would break the stream; holding more would grow without bound.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/** How a connection whose unsent frames passed `MAX_UNSENT_BYTES` is closed: 1008 (policy violation). */
export const BACKLOG_CLOSE = {
  code: 1008,
  reason: 'Client too slow: over 4 MiB of frames waiting to be sent (not read, or held by a pause or delay)',
} as const;

/**
 * The frame being logged, reused: the log copies its fields, so a frame nobody follows costs no object (a busy
 * engine logs tens of thousands a second). Only `frameBytes` and the log read it, as `record` fills it.
 */
const LOGGING: FrameRecord = {
  seq: 0,
  at: 0,
  direction: 'out',
  size: 0,
  text: '',
  binary: false,
  eventType: null,
  finding: undefined,
};

/** What a held item costs beyond its text or bytes (the item, the frame, the queue's slot), so tiny frames count. */
const HELD_ITEM_BYTES = 128;

/**
 * Context writes kept per connection (the newest), and the largest one kept whole (as JSON): scenarios set a few
 * small flags and names; a value beyond this (a client's long message copied into the context) is noted without it.
 */
const MAX_CONTEXT_WRITES = 32;
const MAX_CONTEXT_WRITE_BYTES = 4096;

/**
 * A `setContext` step a scenario played on this connection. Context leaves no frame, so a recording of the
 * connection learns of it here: `afterSeq` is the seq of the last frame the run had handed over before the
 * write (delivered or still held), so the write takes its place among the frames.
 */
export interface ContextWrite {
  afterSeq: number;
  /** The values written; null when they were too large to keep (over MAX_CONTEXT_WRITE_BYTES as JSON). */
  values: JsonObject | null;
}

/** One frame on its way out: text, or binary bytes (sent as text where the transport has no binary frames). */
export type OutgoingFrame = (
  | {
      text: string;
      finding?: FrameFinding;
      /**
       * `text` encoded once, when it goes to many connections (a broadcast): not once per connection for its socket
       * and again for its log, and counted once in the retention budget however many logs keep it.
       */
      shared?: SharedText;
    }
  | { bytes: Buffer }
) & {
  eventType: string | null;
  /** May be skipped (and counted) when the client is not reading: pushes and replies, never run events. */
  skippable?: boolean;
};

/** How the frame log shows a binary frame, either way. */
export function binaryFrameNote(size: number): string {
  return `<${size} bytes of binary data>`;
}

type OutgoingItem =
  | { kind: 'frame'; frame: OutgoingFrame }
  /** A close a behaviour asked for after its frames: it keeps its place behind them. */
  | { kind: 'close'; code: number; reason: string };

type HeldItem = OutgoingItem & {
  /** performance.now() time at which the item may go out. */
  dueAt: number;
  /** What it is counted as in `heldBytes`. */
  size: number;
};

/** About what a held item keeps in memory: its text's length (or bytes) and HELD_ITEM_BYTES. */
function heldSize(item: OutgoingItem): number {
  if (item.kind === 'close') return HELD_ITEM_BYTES;
  return HELD_ITEM_BYTES + ('bytes' in item.frame ? item.frame.bytes.length : item.frame.text.length);
}

function frameFinding({ rule, message }: RuleFinding): FrameFinding {
  return { rule, title: SEQUENCE_RULES[rule], message };
}

/**
 * One client connection: what it sent and received (bounded by count and by the engine's retention budget),
 * its counters and its lifecycle. Outgoing frames can be held (paused) or delayed (added latency) by the
 * console; frames are recorded when they actually leave, so the log shows what the client got and when.
 */
export class Connection {
  readonly id = randomUUID();
  readonly kind: ConnectionKind;
  readonly protocol: ConnectionProtocol;
  readonly path: string;
  readonly mount: ConnectionMount | null;
  readonly remoteAddress: string;
  readonly userAgent: string;
  readonly openedAt = Date.now();
  closedAt: number | null = null;
  state: ConnectionState = 'open';
  threadId: string | null = null;
  userId: string | null = null;
  activeRunId: string | null = null;
  closeCode: number | null = null;
  closeReason: string | null = null;
  lastError: ConnectionError | null = null;
  /** Why the engine refused the connection once open (the gateway's token check); null when it did not. */
  refusal: string | null = null;
  readonly counters: ConnectionCounters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  readonly frames: FrameLog;
  private framesDroppedForSize = 0;
  private framesEvictedForMemory = 0;
  private readonly budget: RetentionBudget;
  private seq = 0;
  private paused = false;
  private latencyMs = 0;
  private held: HeldItem[] = [];
  /** What `held` keeps, about (`heldSize`), bounded by SLOW_CLIENT_BUFFER_BYTES / MAX_UNSENT_BYTES. */
  private heldByteCount = 0;
  /** Frames dropped instead of held: skippable frames while over SLOW_CLIENT_BUFFER_BYTES unsent. */
  private heldDropped = 0;
  /** Whether the engine closed the connection for its backlog (BACKLOG_CLOSE). */
  private backlogClosed = false;
  /**
   * The close the engine sent (a behaviour's, the console's, BACKLOG_CLOSE…): what is recorded, whatever the client
   * answers: its own code, or nothing (ws then gives up after 30 s and says 1006).
   */
  private sentClose: { code: number; reason: string } | undefined;
  private skippedFrames = 0;
  private releaseTimer: SlicedTimer | undefined;
  private readonly contextLog = new RingBuffer<ContextWrite>(MAX_CONTEXT_WRITES);
  /** The AG-UI sequence as the client sees it; created on the first event so idle sockets stay small. */
  private sequence: SequenceTracker | undefined;
  private transport: ConnectionTransport;
  private readonly observer: ConnectionObserver;

  constructor(init: ConnectionInit) {
    this.kind = init.kind;
    this.protocol = init.protocol ?? 'agui';
    this.path = init.path;
    this.mount = init.mount ?? null;
    this.remoteAddress = init.request.socket.remoteAddress ?? '';
    this.userAgent = init.request.headers['user-agent'] ?? '';
    this.frames = new FrameLog(init.frameBufferSize);
    this.budget = init.budget;
    this.transport = init.transport;
    this.observer = init.observer;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * Sends one AG-UI event of the run stream, advancing the connection's sequence tracker. Returns the rule the
   * event broke, if any (only events a person injects on purpose should), and records it on the frame so the
   * console can mark it. `delayMs` spaces it after the previous frame still waiting (paced macros).
   */
  sendEvent(event: OutgoingEvent, delayMs = 0): RuleFinding | null {
    if (this.state !== 'open') return null;
    this.sequence ??= new SequenceTracker();
    const finding = this.sequence.accept(event.event);
    const frame: OutgoingFrame = finding
      ? { text: event.json, eventType: event.event.type, finding: frameFinding(finding) }
      : { text: event.json, eventType: event.event.type };
    // A run's events mostly go out at once: no queue item for them.
    if (delayMs === 0 && this.deliversNow()) this.deliver(frame);
    else this.queue({ kind: 'frame', frame }, delayMs);
    return finding;
  }

  /** The tracker as it stands (a fresh one before the first event): for previews and templates. */
  get tracker(): SequenceTracker {
    this.sequence ??= new SequenceTracker();
    return this.sequence;
  }

  /**
   * Sends one text frame outside the tracked run stream (protocol replies such as `agora:error`) and records
   * it. Ignored once the connection is closing. False when the frame is neither sent nor held (see `sendFrame`).
   */
  send(text: string, eventType: string | null, delayMs = 0): boolean {
    return this.sendFrame({ text, eventType }, delayMs);
  }

  /**
   * Sends any frame (text or binary) outside the tracked run stream; ignored once the connection is closing.
   * True when it went out or is held to go out in its turn; false when it never will: the connection is closing,
   * the frame was skipped, or it closed the connection for its backlog (`closedForBacklog`).
   */
  sendFrame(frame: OutgoingFrame, delayMs = 0): boolean {
    if (this.state !== 'open') return false;
    return this.queue({ kind: 'frame', frame }, delayMs);
  }

  /**
   * Closes the connection once the frames already on their way have gone out (after their delays, and after a
   * pause from the console is lifted), as a behaviour that answers and then hangs up wants.
   */
  closeAfterFrames(code: number, reason = ''): void {
    if (this.state !== 'open') return;
    this.queue({ kind: 'close', code, reason }, 0);
  }

  /**
   * Delivers an item now, or holds it behind a pause, latency or the items already waiting — within bounds: over
   * SLOW_CLIENT_BUFFER_BYTES unsent (held, or in the socket), a skippable frame is dropped (`heldFramesDropped`);
   * over MAX_UNSENT_BYTES with this one, any other item closes the connection (BACKLOG_CLOSE). False when the
   * item will never go out.
   */
  private queue(item: OutgoingItem, delayMs: number): boolean {
    if (delayMs === 0 && this.deliversNow()) return this.release(item);
    const size = heldSize(item);
    const unsent = this.unsentBytes;
    if (item.kind === 'frame' && item.frame.skippable) {
      if (unsent > SLOW_CLIENT_BUFFER_BYTES) {
        this.heldDropped++;
        this.observer.updated(this);
        return false;
      }
    } else if (unsent + size > MAX_UNSENT_BYTES) {
      this.closeForBacklog();
      return false;
    }
    this.held.push({ ...item, dueAt: this.dueAt(delayMs), size });
    this.heldByteCount += size;
    this.scheduleRelease();
    // Held until a person resumes: the console shows what waits (a latency's frames leave on their own).
    if (this.paused) this.observer.updated(this);
    return true;
  }

  /** The performance.now() time at which an item held now goes out: after those waiting, a latency and `delayMs`. */
  private dueAt(delayMs: number): number {
    const previousDue = this.held.at(-1)?.dueAt ?? 0;
    return Math.max(previousDue, performance.now() + this.latencyMs) + delayMs;
  }

  /**
   * When (Unix ms) a frame handed over now with `delayMs` goes out: now, or its turn behind the frames waiting, a
   * latency and the delay. A pause is not counted: what it holds goes out when a person resumes it.
   */
  sendsAt(delayMs = 0): number {
    if (delayMs === 0 && this.deliversNow()) return Date.now();
    return Math.round(Date.now() + this.dueAt(delayMs) - performance.now());
  }

  /** Whether the console paused delivery: what is sent waits until it resumes. */
  get deliveryPaused(): boolean {
    return this.paused;
  }

  /** About how many bytes the frames held back (delay, pause, latency) keep; at most MAX_UNSENT_BYTES. */
  get heldBytes(): number {
    return this.heldByteCount;
  }

  /** Bytes waiting to go out: held back, or handed to the socket and not yet sent. */
  get unsentBytes(): number {
    return this.heldByteCount + (this.transport.bufferedBytes?.() ?? 0);
  }

  /**
   * The client pinged (ws has written the pong): one that pings without reading the pongs is closed as any client
   * that does not read its frames, once they pass MAX_UNSENT_BYTES, rather than kept growing the socket's buffer.
   */
  pinged(): void {
    if (this.unsentBytes > MAX_UNSENT_BYTES) this.closeForBacklog();
  }

  /** Whether the engine closed the connection for its backlog (BACKLOG_CLOSE): what it held was dropped with it. */
  get closedForBacklog(): boolean {
    return this.backlogClosed;
  }

  /** Closes the connection whose unsent frames passed MAX_UNSENT_BYTES, dropping what it held. */
  private closeForBacklog(): void {
    if (this.state !== 'open') return;
    this.backlogClosed = true;
    this.lastError = { at: Date.now(), message: BACKLOG_CLOSE.reason };
    // No last frames: the client is not reading.
    this.shut(BACKLOG_CLOSE.code, BACKLOG_CLOSE.reason, true);
  }

  /** Whether a frame sent now goes out now: not paused or delayed, and nothing waiting ahead of it. */
  private deliversNow(): boolean {
    return !this.paused && this.latencyMs === 0 && this.held.length === 0;
  }

  private release(item: OutgoingItem): boolean {
    if (item.kind === 'frame') return this.deliver(item.frame);
    this.close(item.code, item.reason);
    return true;
  }

  /** Delivers every held frame now, in order: the engine is ending the connection, so a pause or latency cannot go on. */
  releaseHeld(): void {
    if (this.deliversNow()) return;
    for (const item of this.held) item.dueAt = 0;
    this.setDelivery({ paused: false, latencyMs: 0 });
  }

  /** Holds outgoing frames (paused) and/or delays each by `latencyMs`; frames keep their order. */
  setDelivery(patch: { paused?: boolean; latencyMs?: number }): void {
    if (patch.paused !== undefined) this.paused = patch.paused;
    if (patch.latencyMs !== undefined) this.latencyMs = patch.latencyMs;
    this.scheduleRelease();
    this.observer.updated(this);
  }

  private scheduleRelease(): void {
    this.releaseTimer?.cancel();
    this.releaseTimer = undefined;
    if (this.paused || this.state !== 'open') return;
    const now = performance.now();
    while (this.state === 'open' && this.held.length > 0 && (this.held[0] as HeldItem).dueAt <= now) {
      const item = this.held.shift() as HeldItem;
      this.heldByteCount -= item.size;
      this.release(item);
    }
    const next = this.held[0];
    if (this.state !== 'open') return;
    if (next) this.releaseTimer = slicedTimeout(() => this.scheduleRelease(), Math.max(1, next.dueAt - now));
  }

  /** Sends a frame now (false when it is not sent: skipped, refused by the transport, or closing for the backlog). */
  private deliver(frame: OutgoingFrame): boolean {
    if (frame.skippable) {
      if ((this.transport.bufferedBytes?.() ?? 0) > SLOW_CLIENT_BUFFER_BYTES) {
        this.skippedFrames++;
        this.observer.updated(this);
        return false;
      }
    } else if (this.heldByteCount + (this.transport.backlogBytes?.() ?? 0) > MAX_UNSENT_BYTES) {
      // A client that does not read what it asked for (runs, replies): close rather than hold more and more.
      this.closeForBacklog();
      return false;
    }
    if ('bytes' in frame) {
      let sent: boolean;
      if (this.transport.sendBinary) sent = this.transport.sendBinary(frame.bytes);
      else {
        const text = frame.bytes.toString('utf8');
        sent = this.transport.send(text, Buffer.byteLength(text));
      }
      if (sent) this.record('out', binaryFrameNote(frame.bytes.length), frame.bytes.length, true, frame.eventType);
      else this.notSent();
      return sent;
    }
    const { shared } = frame;
    const size = shared ? shared.utf8.length : Buffer.byteLength(frame.text);
    if (!this.transport.send(frame.text, size, shared?.utf8)) {
      this.notSent();
      return false;
    }
    this.record('out', frame.text, size, false, frame.eventType, frame.finding, shared);
    return true;
  }

  /**
   * A frame released after its transport stopped taking frames (a frame held by a pause, released after the SSE
   * response it waited for ended with its run): counted with the held frames dropped, not logged as sent.
   */
  private notSent(): void {
    this.heldDropped++;
    this.observer.updated(this);
  }

  /**
   * Writes the frames batched for the end of this turn now: after a client's frame is handled, before ws reads the
   * next one from the same chunk. A close read there would be answered at once, and the frames the handled message
   * produced (logged as sent) would then find the socket closing at the end of the turn and never go out.
   */
  flushWrites(): void {
    this.transport.writeBatched?.();
  }

  /** Notes a scenario's `setContext` values, between the frames the run has sent so far and those to come. */
  noteContext(values: JsonObject): void {
    const kept = Buffer.byteLength(JSON.stringify(values)) <= MAX_CONTEXT_WRITE_BYTES;
    this.contextLog.push({ afterSeq: this.seq + this.held.length, values: kept ? values : null });
  }

  /** The newest context writes (at most MAX_CONTEXT_WRITES), oldest first. */
  contextWrites(): ContextWrite[] {
    return this.contextLog.toArray();
  }

  /** Records a frame the client sent; `finding`: a rule it broke that its client is not told of (a raw socket's). */
  received(text: string, size: number, binary: boolean, eventType: string | null, finding?: FrameFinding): void {
    this.record('in', text, size, binary, eventType, finding);
  }

  /** Sets what the console shows about the conversation on this connection. */
  update(patch: Partial<Pick<Connection, 'threadId' | 'userId' | 'activeRunId'>>): void {
    let changed = false;
    for (const [key, value] of Object.entries(patch) as [keyof typeof patch, string | null][]) {
      if (value !== undefined && this[key] !== value) {
        this[key] = value;
        changed = true;
      }
    }
    if (changed) this.observer.updated(this);
  }

  close(code: number, reason = ''): void {
    if (this.state !== 'open') return;
    this.transport.beforeClose?.(code, reason);
    this.shut(code, reason, false);
  }

  /** Drops what is held and closes the transport; `unread`: for a client not reading (`closeUnread`). */
  private shut(code: number, reason: string, unread: boolean): void {
    // The transport's last frames may have closed it already (they found the client over the backlog bound).
    if (this.state !== 'open') return;
    this.dropHeld();
    this.state = 'closing';
    const sent =
      unread && this.transport.closeUnread
        ? this.transport.closeUnread(code, reason)
        : this.transport.close(code, reason);
    if (sent) this.sentClose = { code, reason };
    this.observer.updated(this);
  }

  /** The engine refuses the connection it accepted (the gateway's check): says why, then closes it with `code`. */
  refuse(why: string, code: number, reason: string): void {
    if (this.state !== 'open') return;
    this.refusal = why;
    this.close(code, reason);
  }

  /** Drops the TCP connection without a closing handshake (the client sees 1006). */
  terminate(): void {
    if (this.state === 'closed') return;
    this.transport.terminate();
  }

  /** Called by the transport when it fails (the close that follows is reported with `markClosed`). */
  failed(message: string): void {
    if (this.state === 'closed') return;
    this.lastError = { at: Date.now(), message };
    this.observer.updated(this);
  }

  /** Called by the transport once the connection is gone. */
  markClosed(code: number | null, reason: string | null): void {
    if (this.state === 'closed') return;
    if (this.sentClose) ({ code, reason } = this.sentClose);
    this.dropHeld();
    // Kept for the console a while after this: it must not keep its socket, or its HTTP exchange, alive.
    this.transport = CLOSED_TRANSPORT;
    this.state = 'closed';
    this.closedAt = Date.now();
    this.closeCode = code;
    this.closeReason = reason;
    this.activeRunId = null;
    this.observer.closed(this);
  }

  /** Lets go of what is held: its frames never go out, so they are counted as dropped (`heldFramesDropped`). */
  private dropHeld(): void {
    this.releaseTimer?.cancel();
    this.releaseTimer = undefined;
    for (const item of this.held) if (item.kind === 'frame') this.heldDropped++;
    this.held = [];
    this.heldByteCount = 0;
  }

  resizeFrameBuffer(size: number): void {
    const dropped = this.frames.resize(size);
    this.budget.release(dropped.bytes);
    this.framesDroppedForSize += dropped.items;
  }

  /** Estimated bytes the frame log keeps alive (a text shared with other connections' logs in full). */
  get retainedBytes(): number {
    return this.frames.retainedBytes;
  }

  /**
   * Evicts the oldest frames until at least `bytes` of `retainedBytes` are freed (or none are left), for the
   * retention budget, which counts what is returned (a shared text only with its last holder): this does not
   * release it again.
   */
  evictOldestFrames(bytes: number): RetainedAmount {
    const freed = this.frames.evictOldest(bytes);
    this.framesEvictedForMemory += freed.items;
    return freed;
  }

  /**
   * Forgets every frame (the engine no longer keeps this closed connection), so the texts it shared with other
   * logs are counted by those alone; returns what they held, as the budget counts it, for the caller to release.
   */
  dropFrames(): RetainedAmount {
    return this.frames.clear();
  }

  summary(): ConnectionSummary {
    return {
      id: this.id,
      kind: this.kind,
      protocol: this.protocol,
      path: this.path,
      mount: this.mount,
      remoteAddress: this.remoteAddress,
      userAgent: this.userAgent,
      openedAt: this.openedAt,
      closedAt: this.closedAt,
      state: this.state,
      threadId: this.threadId,
      userId: this.userId,
      counters: { ...this.counters },
      closeCode: this.closeCode,
      closeReason: this.closeReason,
      lastError: this.lastError,
      refusal: this.refusal,
      activeRunId: this.activeRunId,
      paused: this.paused,
      latencyMs: this.latencyMs,
      heldFrames: this.held.length,
      heldFramesDropped: this.heldDropped,
      skippedFrames: this.skippedFrames,
      frameLog: this.frameLogStats(),
    };
  }

  private frameLogStats(): FrameLogStats {
    return {
      kept: this.frames.size,
      droppedForSize: this.framesDroppedForSize,
      evictedForMemory: this.framesEvictedForMemory,
      retainedBytes: this.frames.retainedBytes,
    };
  }

  private record(
    direction: FrameDirection,
    text: string,
    size: number,
    binary: boolean,
    eventType: string | null,
    finding?: FrameFinding,
    shared?: SharedText,
  ) {
    if (direction === 'in') {
      this.counters.framesIn++;
      this.counters.bytesIn += size;
    } else {
      this.counters.framesOut++;
      this.counters.bytesOut += size;
    }
    // The log copies a frame into its columns: unless someone follows this connection, no record outlives the call.
    const seq = ++this.seq;
    const at = Date.now();
    const frame = LOGGING;
    frame.seq = seq;
    frame.at = at;
    frame.direction = direction;
    frame.size = size;
    frame.text = text;
    frame.binary = binary;
    frame.eventType = eventType;
    frame.finding = finding;
    const kept = this.frames.size;
    const counted = this.frames.push(frame, frameBytes(frame), shared);
    // Copied: the text (up to megabytes) is not kept alive until the next frame.
    frame.text = '';
    if (this.frames.size === kept) this.framesDroppedForSize++;
    // May evict older frames, this connection's included: the new frame is already in place.
    if (counted >= 0) this.budget.charge(counted);
    else this.budget.release(-counted);
    if (!this.observer.followsFrames(this)) return;
    const followed: FrameRecord = { seq, at, direction, size, text, binary, eventType };
    if (finding) followed.finding = finding;
    this.observer.frame(this, followed);
  }
}

/**
 * Adapts a `ws` socket to a connection transport: text messages go out in batches (`TextFrameBatch`), written to
 * `stream`, the TCP or TLS stream under the socket; binary ones and closes after what waits.
 */
export function webSocketTransport(socket: WebSocket, stream: Duplex): ConnectionTransport {
  const batch = new TextFrameBatch(socket, stream);
  return {
    send: (text, bytes, utf8) => {
      if (socket.readyState !== socket.OPEN) return false;
      batch.add(text, bytes, utf8);
      return true;
    },
    sendBinary: (bytes) => {
      if (socket.readyState !== socket.OPEN) return false;
      batch.flush();
      socket.send(bytes, { binary: true });
      return true;
    },
    writeBatched: batch.flush,
    bufferedBytes: () => socket.bufferedAmount + batch.pendingBytes,
    backlogBytes: () => socket.bufferedAmount,
    close: (code, reason) => {
      // Closing already: the client's close came first (ws answered it), or ws refused a frame of its own accord.
      if (socket.readyState !== socket.OPEN) return false;
      batch.flush();
      socket.close(code, reason);
      return true;
    },
    terminate: () => {
      batch.drop();
      socket.terminate();
    },
  };
}
