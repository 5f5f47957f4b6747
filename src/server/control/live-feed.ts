import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import {
  FEED_CLOSE_CODES,
  type FeedClientMessage,
  type FeedItem,
  type FeedServerMessage,
  LIVE_FEED_PATH,
  MAX_FEED_CONNECTION_IDS,
} from '../../shared/control-api';
import { ChangeCoalescer } from '../support/change-coalescer';
import { type PackChangeEvent, packChangeMerging } from '../world/pack-change-merging';
import type { Connection } from '../ws/connection';
import type { SocketEndpoint } from '../ws/socket-server';
import { FORBIDDEN_HOST, FORBIDDEN_ORIGIN, isAllowedHost, isAllowedOrigin, tokenMatches } from './control-access';
import type { ControlDeps } from './control-deps';
import { FeedBatch } from './feed-batch';
import { readFeedClientMessage } from './feed-client-message';

export interface LiveFeedOptions {
  /** How often pending items are sent. */
  flushIntervalMs: number;
  /** Items per message; a subscriber reaching it is flushed at once. */
  maxBatch: number;
  /** Items kept for one subscriber between flushes; beyond it items are dropped and counted. */
  maxPending: number;
  /**
   * Bytes of messages kept for one subscriber between flushes; beyond it items are dropped and counted too: a
   * client's megabyte frames of control characters are six megabytes each in JSON, and 5,000 of them held gigabytes.
   */
  maxPendingBytes: number;
  /** Bytes queued in a subscriber's socket above which it counts as slow and is skipped this round. */
  maxBufferedBytes: number;
  /** Time a new socket has to authenticate. */
  authTimeoutMs: number;
}

/** Flush ticks between counter updates (5 × 50 ms: four times a second). */
const COUNTER_TICKS = 5;
/**
 * Connection summaries sent per counter update at most: with a thousand busy connections, a summary of each four
 * times a second would cost the engine more than the runs' own frames. The rest wait their turn (longest waiting
 * first), so every busy connection's counters still move in the console, less often.
 */
const COUNTER_UPDATES_PER_TICK = 100;

// Close reasons: each under the 123 bytes a close frame allows.
const AUTH_FIRST = 'Unauthorized: the first message must be {"type":"auth","token":"<console token>"}';
const AUTH_TIMEOUT = 'Unauthorized: send {"type":"auth","token":"<console token>"} first';
const WRONG_TOKEN = 'Unauthorized: wrong token; send the console token (the #token=… part of the console URL)';
/** Unusable messages an authenticated client may send (each answered with an error frame) before it is closed. */
const MAX_MALFORMED = 20;
const TOO_MANY_MALFORMED = `Policy violation: more than ${MAX_MALFORMED} unusable messages (see the error frames)`;
const UNREAD_PONGS = 'Policy violation: pings sent faster than their pongs are read';
const LEAVE_OUT_OF_ALL =
  'Message ignored: this subscriber follows every connection\'s frames ("*"), which cannot leave one out by id; ' +
  'to stop following some, send {"type":"unsubscribe-frames","connectionIds":"*"}, then ' +
  '{"type":"subscribe-frames","connectionIds":[…]} with the ids to follow';

const DEFAULTS: LiveFeedOptions = {
  flushIntervalMs: 50,
  maxBatch: 500,
  maxPending: 5000,
  maxPendingBytes: 64 * 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  authTimeoutMs: 5000,
};

interface Subscriber {
  socket: WebSocket;
  frames: Set<string> | '*';
  /** Full messages waiting for the next flush (each of `maxBatch` items). */
  sealed: Buffer[];
  /** The message being filled; none until an item comes. */
  batch: FeedBatch | undefined;
  /** The size of the last full message: the room the next one starts with. */
  lastBatchBytes: number;
  dropped: number;
  /** Unusable messages received so far. */
  malformed: number;
}

/**
 * `/__console/live`: everything that happens in the engine, pushed to consoles in batches. Sources are
 * only observed while someone is subscribed, and each subscriber's backlog is bounded: a console that
 * reads too slowly is told how many items it missed instead of growing the engine's memory.
 */
export class LiveFeed {
  private readonly options: LiveFeedOptions;
  private readonly subscribers = new Set<Subscriber>();
  private detachSources: (() => void) | undefined;
  /**
   * Frames counted (in and out) in the summary last sent of each open connection: one whose count moved since is
   * due a counter update. Read a few times a second, so no frame pays for telling the feed it came.
   */
  private readonly framesReported = new Map<string, number>();
  /** Where the next counter update starts among the open connections: each busy one has its turn. */
  private countersCursor = 0;
  /**
   * Connections opened, changed (thread, run, context) or closed since the last flush: each goes out once per
   * flush, as it is then, as `connection-opened`, `-updated` or `-closed`. An HTTP run opens, names, starts, plays,
   * ends and closes its connection within a tick; one `connection-closed` says all of that for a fraction of the
   * bytes (the console keeps the latest summary of each connection either way).
   */
  private readonly summariesChanged = new Map<string, 'opened' | 'updated' | 'closed'>();
  /** Connections opened since the last flush: none of their summaries has gone out yet. */
  private readonly openedSinceFlush = new Set<string>();
  /**
   * Pack data changes since the last flush, merged where a pack says how: a run records into its session and
   * touches its user at its start and its end, and under load a batch would carry thousands of changes about a few
   * sessions and users (a tenth of a speed-0 run's CPU with a console subscribed).
   */
  private readonly packChanges = new ChangeCoalescer<PackChangeEvent>(packChangeMerging);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ControlDeps,
    options: Partial<LiveFeedOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  endpoint(): SocketEndpoint {
    return {
      path: LIVE_FEED_PATH,
      refuse: (request: IncomingMessage) => {
        if (!isAllowedHost(request.headers.host, this.deps.host)) return { status: 403, message: FORBIDDEN_HOST };
        if (!isAllowedOrigin(request)) return { status: 403, message: FORBIDDEN_ORIGIN };
        return undefined;
      },
      accept: (socket) => this.awaitAuth(socket),
    };
  }

  /** Queues an item for every subscriber that wants it. */
  publish(item: FeedItem): void {
    for (const subscriber of this.subscribers) {
      if (item.type === 'frame' && subscriber.frames !== '*' && !subscriber.frames.has(item.connectionId)) continue;
      if (
        this.backlog(subscriber) >= this.options.maxPending ||
        this.backlogBytes(subscriber) >= this.options.maxPendingBytes
      ) {
        subscriber.dropped++;
        continue;
      }
      subscriber.batch ??= new FeedBatch(subscriber.lastBatchBytes);
      subscriber.batch.add(item);
      if (subscriber.batch.count >= this.options.maxBatch) {
        const message = subscriber.batch.finish(0);
        subscriber.lastBatchBytes = message.length;
        subscriber.sealed.push(message);
        subscriber.batch = undefined;
        this.flush(subscriber);
      }
    }
  }

  close(): void {
    this.stop();
    for (const subscriber of this.subscribers)
      subscriber.socket.close(FEED_CLOSE_CODES.shutdown, 'Server shutting down');
    this.subscribers.clear();
  }

  private awaitAuth(socket: WebSocket): void {
    // ws answers every ping (its own count of unwritten pongs is off: socket-server.ts); a client that does not read
    // them is closed once they and the feed's messages wait past the feed's bound, authenticated or not.
    socket.on('ping', () => {
      if (socket.bufferedAmount > this.options.maxBufferedBytes) socket.close(FEED_CLOSE_CODES.policy, UNREAD_PONGS);
    });
    const timeout = setTimeout(
      this.guarded(socket, () => socket.close(FEED_CLOSE_CODES.unauthorized, AUTH_TIMEOUT)),
      this.options.authTimeoutMs,
    );
    socket.once('close', () => clearTimeout(timeout));
    socket.once(
      'message',
      this.guarded(socket, (data: RawData, isBinary: boolean) => {
        clearTimeout(timeout);
        const read = readFeedClientMessage(data, isBinary, this.deps.context.settings().maxJsonDepth);
        if (!read.ok || read.message.type !== 'auth') socket.close(FEED_CLOSE_CODES.unauthorized, AUTH_FIRST);
        else if (!tokenMatches(read.message.token, this.deps.token))
          socket.close(FEED_CLOSE_CODES.unauthorized, WRONG_TOKEN);
        else this.add(socket);
      }),
    );
  }

  private add(socket: WebSocket): void {
    const subscriber: Subscriber = {
      socket,
      frames: new Set(),
      sealed: [],
      batch: undefined,
      lastBatchBytes: 0,
      dropped: 0,
      malformed: 0,
    };
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1) this.start();
    socket.on(
      'message',
      this.guarded(socket, (data: RawData, isBinary: boolean) => {
        const read = readFeedClientMessage(data, isBinary, this.deps.context.settings().maxJsonDepth);
        if (read.ok) this.onMessage(subscriber, read.message);
        else this.refuseMessage(subscriber, read.detail);
      }),
    );
    socket.once(
      'close',
      this.guarded(socket, () => {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.stop();
      }),
    );
    send(socket, { type: 'ready', server: this.deps.serverInfo() });
  }

  private onMessage(subscriber: Subscriber, message: FeedClientMessage): void {
    if (message.type === 'auth') {
      this.refuseMessage(subscriber, 'Message ignored: already authenticated');
      return;
    }
    const { connectionIds } = message;
    if (message.type === 'unsubscribe-frames') {
      if (connectionIds === '*') subscriber.frames = new Set();
      else if (subscriber.frames !== '*') for (const id of connectionIds) subscriber.frames.delete(id);
      // Following "*" is all or nothing (the console follows by id): silently going on would look like it worked.
      else this.refuseMessage(subscriber, LEAVE_OUT_OF_ALL);
    } else if (connectionIds === '*') {
      subscriber.frames = '*';
    } else if (subscriber.frames !== '*') {
      const following = new Set([...subscriber.frames, ...connectionIds]);
      if (following.size <= MAX_FEED_CONNECTION_IDS) subscriber.frames = following;
      else
        this.refuseMessage(
          subscriber,
          `Message ignored: following more than ${MAX_FEED_CONNECTION_IDS} connections by id; unsubscribe some, or subscribe to "*"`,
        );
    }
  }

  /** An unusable message changes nothing: the client hears why, and one that keeps sending them is closed. */
  private refuseMessage(subscriber: Subscriber, detail: string): void {
    if (++subscriber.malformed > MAX_MALFORMED) subscriber.socket.close(FEED_CLOSE_CODES.policy, TOO_MANY_MALFORMED);
    else send(subscriber.socket, { type: 'error', detail });
  }

  /**
   * A socket handler that cannot throw: what a client sends never reaches the process's uncaught-exception
   * handler (which would stop the CLI and show a dialog in the desktop app). A failure here is the engine's bug:
   * logged, and the socket closed with 1011.
   */
  private guarded<A extends unknown[]>(socket: WebSocket, handler: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        handler(...args);
      } catch (error) {
        this.deps.context.logger.error('live feed: handling a client message failed', error);
        try {
          socket.close(FEED_CLOSE_CODES.internalError, 'Internal error');
        } catch {
          socket.terminate();
        }
      }
    };
  }

  private start(): void {
    const { registry, requestLog, world, liveSettings, scenarios, payloads } = this.deps.context;
    const publish = (item: FeedItem) => this.publish(item);
    // Counters that moved before anyone subscribed are in the summaries a console reads when it connects.
    for (const connection of registry.openConnections())
      this.framesReported.set(connection.id, framesCounted(connection));
    const detachers = [
      registry.subscribe(
        (event) => {
          if (event.type === 'frame') publish(event);
          else if (event.type === 'removed') {
            // Gone from the engine: what was waiting to be said about it no longer can be, and a connection the
            // feed never announced needs no word at all.
            const id = event.connectionId;
            const announced = !this.openedSinceFlush.delete(id);
            this.summariesChanged.delete(id);
            this.framesReported.delete(id);
            if (announced) publish({ type: 'connection-removed', connectionId: id });
          } else {
            const id = event.connectionId;
            if (event.type === 'opened') this.openedSinceFlush.add(id);
            // Opened stays opened until the flush (the console has not seen it yet); closed is final.
            if (event.type !== 'updated' || !this.summariesChanged.has(id)) this.summariesChanged.set(id, event.type);
          }
        },
        (connectionId) => this.followsFrames(connectionId),
      ),
      requestLog.subscribe((request) => publish({ type: 'request', request })),
      world.subscribe((change) => {
        if (change.type !== 'pack-changed') publish(change);
        else {
          this.packChanges.add(change);
          // Bounded like a subscriber's backlog: a flood that merges nothing goes out as it comes.
          if (this.packChanges.size >= this.options.maxPending) this.publishPackChanges();
        }
      }),
      liveSettings.subscribe((settings) => publish({ type: 'settings-changed', settings })),
      scenarios.subscribe((change) => publish({ type: 'scenarios-changed', change })),
      payloads.subscribe((change) => publish({ type: 'payloads-changed', change })),
    ];
    this.detachSources = () => {
      for (const detach of detachers) detach();
    };
    let ticks = 0;
    this.timer = setInterval(() => {
      this.publishPackChanges();
      this.publishSummaries();
      if (++ticks % COUNTER_TICKS === 0) this.publishCounters();
      for (const subscriber of this.subscribers) this.flush(subscriber);
    }, this.options.flushIntervalMs);
  }

  private publishPackChanges(): void {
    for (const { change } of this.packChanges.take()) this.publish({ type: 'state-changed', change });
  }

  /** The summaries of connections that changed since the last flush, as they are now (their counters with them). */
  private publishSummaries(): void {
    for (const [id, change] of this.summariesChanged) this.publishSummary(id, change);
    this.summariesChanged.clear();
    this.openedSinceFlush.clear();
  }

  /** A connection's summary as it is now, if the engine still keeps the connection. */
  private publishSummary(id: string, change: 'opened' | 'updated' | 'closed' = 'updated'): void {
    const connection = this.deps.context.registry.get(id);
    // A closed connection's counters stop moving: its closing summary has them.
    if (!connection || change === 'closed') this.framesReported.delete(id);
    else this.framesReported.set(id, framesCounted(connection));
    if (connection) this.publish({ type: `connection-${change}`, connection: connection.summary() });
  }

  /** Whether a subscriber follows the frames of `connectionId` (by id, or all of them). */
  private followsFrames(connectionId: string): boolean {
    for (const { frames } of this.subscribers) if (frames === '*' || frames.has(connectionId)) return true;
    return false;
  }

  /**
   * Frame counters change with every frame; rather than an update per frame, each busy connection's summary
   * goes out a few times a second, to every subscriber (whether or not it follows that connection's frames), at
   * most COUNTER_UPDATES_PER_TICK at a time: the next update goes on from the connection after the last one looked
   * at, so every busy connection has its turn.
   */
  private publishCounters(): void {
    const open = [...this.deps.context.registry.openConnections()];
    let sent = 0;
    let looked = 0;
    while (looked < open.length && sent < COUNTER_UPDATES_PER_TICK) {
      const connection = open[(this.countersCursor + looked++) % open.length] as Connection;
      if (framesCounted(connection) === (this.framesReported.get(connection.id) ?? 0)) continue;
      sent++;
      this.publishSummary(connection.id);
    }
    this.countersCursor = open.length === 0 ? 0 : (this.countersCursor + looked) % open.length;
  }

  private stop(): void {
    this.framesReported.clear();
    this.summariesChanged.clear();
    this.openedSinceFlush.clear();
    this.packChanges.take();
    this.detachSources?.();
    this.detachSources = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Items waiting for a subscriber: its full messages and the one being filled. */
  private backlog(subscriber: Subscriber): number {
    return subscriber.sealed.length * this.options.maxBatch + (subscriber.batch?.count ?? 0);
  }

  private backlogBytes(subscriber: Subscriber): number {
    let bytes = subscriber.batch?.bytes ?? 0;
    for (const message of subscriber.sealed) bytes += message.length;
    return bytes;
  }

  private flush(subscriber: Subscriber): void {
    if (this.backlog(subscriber) === 0 && subscriber.dropped === 0) return;
    // A slow reader keeps its (bounded) backlog until its socket drains.
    if (subscriber.socket.bufferedAmount > this.options.maxBufferedBytes) return;
    const { sealed, batch, dropped } = subscriber;
    subscriber.sealed = [];
    subscriber.batch = undefined;
    subscriber.dropped = 0;
    for (const message of sealed) sendBytes(subscriber.socket, message);
    // The count of items dropped rides on the last message (an empty one if nothing else is waiting).
    if (batch || dropped > 0) sendBytes(subscriber.socket, (batch ?? new FeedBatch()).finish(dropped));
  }
}

function send(socket: WebSocket, message: FeedServerMessage): void {
  sendText(socket, JSON.stringify(message));
}

function sendText(socket: WebSocket, text: string): void {
  if (socket.readyState === socket.OPEN) socket.send(text);
}

/** A message already encoded as UTF-8 JSON: sent as a text frame. */
function sendBytes(socket: WebSocket, bytes: Buffer): void {
  if (socket.readyState === socket.OPEN) socket.send(bytes, { binary: false });
}

/** A connection's frames so far, both ways: its counters moved when this did. */
function framesCounted(connection: Connection): number {
  return connection.counters.framesIn + connection.counters.framesOut;
}
