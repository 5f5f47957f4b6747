import {
  FEED_CLOSE_CODES,
  type FeedClientMessage,
  type FeedItem,
  LIVE_FEED_PATH,
  MAX_FEED_CONNECTION_IDS,
  type ServerInfo,
} from '../../../shared/control-api';
import { decodeFeedMessage } from '../../../shared/feed-wire';
import type { ConsoleAccess } from './console-token';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

export interface LiveFeedHandlers {
  /** After every (re)connection: the engine's description, and whether the console missed things meanwhile. */
  onReady(server: ServerInfo, reconnected: boolean): void;
  onBatch(items: FeedItem[], dropped: number): void;
  onStatus(status: FeedStatus): void;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 3000];

/**
 * The console's end of `/__console/live`: authenticates first, keeps the frame subscriptions, and comes back
 * with growing pauses when the engine goes away (re-subscribing what it had).
 */
export class LiveFeed {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private everReady = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private subscribed = new Set<string>();

  constructor(
    private readonly access: ConsoleAccess,
    private readonly handlers: LiveFeedHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'Console closed');
  }

  /** Frames flow only for the connections the console is showing. */
  setFrameSubscriptions(connectionIds: readonly string[]): void {
    const next = new Set(connectionIds);
    const added = [...next].filter((id) => !this.subscribed.has(id));
    const removed = [...this.subscribed].filter((id) => !next.has(id));
    this.subscribed = next;
    this.sendIds('unsubscribe-frames', removed);
    this.sendIds('subscribe-frames', added);
  }

  private open(): void {
    const url = new URL(LIVE_FEED_PATH, this.access.engineUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.socket = socket;
    this.handlers.onStatus(this.everReady ? 'reconnecting' : 'connecting');
    socket.onopen = () => this.send({ type: 'auth', token: this.access.token });
    socket.onmessage = (message) => {
      const data = decodeFeedMessage(String(message.data));
      if (data.type === 'ready') {
        const reconnected = this.everReady;
        this.everReady = true;
        this.attempt = 0;
        this.sendIds('subscribe-frames', [...this.subscribed]);
        this.handlers.onStatus('live');
        this.handlers.onReady(data.server, reconnected);
      } else if (data.type === 'batch') {
        this.handlers.onBatch(data.items, data.dropped);
      } else {
        // The engine refused something this console sent: a console bug, for its developers (nothing changed).
        console.error(`The live feed refused a message from the console: ${data.detail}`);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      if (event.code === FEED_CLOSE_CODES.unauthorized) {
        this.handlers.onStatus('unauthorized');
        return;
      }
      this.handlers.onStatus(this.everReady ? 'reconnecting' : 'connecting');
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 3000;
      this.attempt++;
      this.retryTimer = setTimeout(() => this.open(), delay);
    };
  }

  /** In messages of at most the ids one may carry. */
  private sendIds(type: 'subscribe-frames' | 'unsubscribe-frames', ids: string[]): void {
    for (let start = 0; start < ids.length; start += MAX_FEED_CONNECTION_IDS)
      this.send({ type, connectionIds: ids.slice(start, start + MAX_FEED_CONNECTION_IDS) });
  }

  private send(message: FeedClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
