import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import {
  type FeedClientMessage,
  type FeedItem,
  type FeedServerMessage,
  LIVE_FEED_PATH,
} from '../../shared/control-api';
import { encodeBatch, encodeFeedItem } from '../../shared/feed-wire';
import type { SocketEndpoint } from '../ws/socket-server';
import { isAllowedHost, tokenMatches } from './control-access';
import type { ControlDeps } from './control-deps';

export interface LiveFeedOptions {
  /** How often pending items are sent. */
  flushIntervalMs: number;
  /** Items per message; a subscriber reaching it is flushed at once. */
  maxBatch: number;
  /** Items kept for one subscriber between flushes; beyond it items are dropped and counted. */
  maxPending: number;
  /** Bytes queued in a subscriber's socket above which it counts as slow and is skipped this round. */
  maxBufferedBytes: number;
  /** Time a new socket has to authenticate. */
  authTimeoutMs: number;
}

/** Flush ticks between counter updates (5 × 50 ms: four times a second). */
const COUNTER_TICKS = 5;

const DEFAULTS: LiveFeedOptions = {
  flushIntervalMs: 50,
  maxBatch: 500,
  maxPending: 5000,
  maxBufferedBytes: 4 * 1024 * 1024,
  authTimeoutMs: 5000,
};

interface Subscriber {
  socket: WebSocket;
  frames: Set<string> | '*';
  /** Items already encoded for the wire (each encoded once, whoever receives it). */
  pending: string[];
  dropped: number;
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
  /** Connections whose frame counters moved since their summary last went out. */
  private readonly countersChanged = new Set<string>();
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
      refuse: (request: IncomingMessage) =>
        isAllowedHost(request.headers.host, this.deps.host)
          ? undefined
          : { status: 403, message: 'Forbidden host: the live feed only answers requests addressed to this machine' },
      accept: (socket) => this.awaitAuth(socket),
    };
  }

  /** Queues an item for every subscriber that wants it. */
  publish(item: FeedItem): void {
    let encoded: string | undefined;
    for (const subscriber of this.subscribers) {
      if (item.type === 'frame' && subscriber.frames !== '*' && !subscriber.frames.has(item.connectionId)) continue;
      if (subscriber.pending.length >= this.options.maxPending) {
        subscriber.dropped++;
        continue;
      }
      encoded ??= encodeFeedItem(item);
      subscriber.pending.push(encoded);
      if (subscriber.pending.length >= this.options.maxBatch) this.flush(subscriber);
    }
  }

  close(): void {
    this.stop();
    for (const subscriber of this.subscribers) subscriber.socket.close(1001, 'Server shutting down');
    this.subscribers.clear();
  }

  private awaitAuth(socket: WebSocket): void {
    const timeout = setTimeout(
      () => socket.close(4001, 'Unauthorized: send {"type":"auth","token":…} first'),
      this.options.authTimeoutMs,
    );
    socket.once('close', () => clearTimeout(timeout));
    socket.once('message', (data: RawData) => {
      clearTimeout(timeout);
      const message = parse(data);
      if (message?.type !== 'auth' || !tokenMatches(message.token, this.deps.token)) {
        socket.close(4001, 'Unauthorized');
        return;
      }
      this.add(socket);
    });
  }

  private add(socket: WebSocket): void {
    const subscriber: Subscriber = { socket, frames: new Set(), pending: [], dropped: 0 };
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1) this.start();
    socket.on('message', (data: RawData) => this.onMessage(subscriber, parse(data)));
    socket.once('close', () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    });
    send(socket, { type: 'ready', server: this.deps.serverInfo() });
  }

  private onMessage(subscriber: Subscriber, message: FeedClientMessage | undefined): void {
    if (message?.type === 'subscribe-frames') {
      if (message.connectionIds === '*') subscriber.frames = '*';
      else if (subscriber.frames !== '*') for (const id of message.connectionIds) subscriber.frames.add(id);
    } else if (message?.type === 'unsubscribe-frames') {
      if (message.connectionIds === '*') subscriber.frames = new Set();
      else if (subscriber.frames !== '*') for (const id of message.connectionIds) subscriber.frames.delete(id);
    }
  }

  private start(): void {
    const { registry, requestLog, store, liveSettings, scenarios, payloads } = this.deps.context;
    const publish = (item: FeedItem) => this.publish(item);
    const detachers = [
      registry.subscribe((event) => {
        if (event.type === 'frame') {
          this.countersChanged.add(event.connectionId);
          publish({ type: 'frame', connectionId: event.connectionId, frame: event.frame });
        } else publish({ type: `connection-${event.type}`, connection: event.connection });
      }),
      requestLog.subscribe((request) => publish({ type: 'request', request })),
      store.subscribe((change) => publish({ type: 'state-changed', change })),
      liveSettings.subscribe((settings) => publish({ type: 'settings-changed', settings })),
      scenarios.subscribe((change) => publish({ type: 'scenarios-changed', change })),
      payloads.subscribe((change) => publish({ type: 'payloads-changed', change })),
    ];
    this.detachSources = () => {
      for (const detach of detachers) detach();
    };
    let ticks = 0;
    this.timer = setInterval(() => {
      if (++ticks % COUNTER_TICKS === 0) this.publishCounters();
      for (const subscriber of this.subscribers) this.flush(subscriber);
    }, this.options.flushIntervalMs);
  }

  /**
   * Frame counters change with every frame; rather than an update per frame, each busy connection's summary
   * goes out a few times a second, to every subscriber (whether or not it follows that connection's frames).
   */
  private publishCounters(): void {
    for (const id of this.countersChanged) {
      const connection = this.deps.context.registry.get(id);
      if (connection) this.publish({ type: 'connection-updated', connection: connection.summary() });
    }
    this.countersChanged.clear();
  }

  private stop(): void {
    this.countersChanged.clear();
    this.detachSources?.();
    this.detachSources = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private flush(subscriber: Subscriber): void {
    if (subscriber.pending.length === 0 && subscriber.dropped === 0) return;
    // A slow reader keeps its (bounded) backlog until its socket drains.
    if (subscriber.socket.bufferedAmount > this.options.maxBufferedBytes) return;
    const { pending, dropped } = subscriber;
    subscriber.pending = [];
    subscriber.dropped = 0;
    for (let start = 0; start < pending.length || (start === 0 && dropped > 0); start += this.options.maxBatch) {
      const items = pending.slice(start, start + this.options.maxBatch);
      sendText(subscriber.socket, encodeBatch(items, start === 0 ? dropped : 0));
    }
  }
}

function send(socket: WebSocket, message: FeedServerMessage): void {
  sendText(socket, JSON.stringify(message));
}

function sendText(socket: WebSocket, text: string): void {
  if (socket.readyState === socket.OPEN) socket.send(text);
}

function parse(data: RawData): FeedClientMessage | undefined {
  try {
    const value = JSON.parse(data.toString());
    return value && typeof value === 'object' ? (value as FeedClientMessage) : undefined;
  } catch {
    return undefined;
  }
}
