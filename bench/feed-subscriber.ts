import WebSocket from 'ws';
import type { FeedClientMessage, FeedItem, FeedServerMessage } from '../src/shared/control-api';
import type { ServerChild } from './server-child';
import { withTimeout } from './with-timeout';

/**
 * What the bench's console follows (`BENCH_FEED`): `console` as the console does — everything but frames, and the
 * frames of the connection a person has selected (here: one live connection at a time, the first opened, then the
 * next when it closes); `all` the frames of every connection too (the worst case); `none` no console at all.
 */
export type FeedMode = 'console' | 'all' | 'none';

/** How a report says what the console followed. */
export const FEED_NOTES: Record<FeedMode, string> = {
  console: 'a console subscribed to the live feed, following one connection',
  all: "a console subscribed to the live feed, following every connection's frames",
  none: 'no console (BENCH_FEED=0)',
};

/** A console subscribed to `/__console/live`, so the engine pays for its live feed during the bench. Only counts what it gets. */
export class FeedSubscriber {
  items = 0;
  dropped = 0;
  /** The connection whose frames it follows in `console` mode. */
  private following: string | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private mode: 'console' | 'all',
  ) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as FeedServerMessage;
      if (message.type !== 'batch') return;
      this.items += message.items.length;
      this.dropped += message.dropped;
      if (this.mode === 'console') for (const item of message.items) this.select(item);
    });
  }

  /** Follows every connection's frames from now on. */
  followAll(): void {
    this.mode = 'all';
    send(this.socket, { type: 'subscribe-frames', connectionIds: '*' });
  }

  private select(item: FeedItem): void {
    if (item.type === 'connection-closed' && item.connection.id === this.following) {
      send(this.socket, { type: 'unsubscribe-frames', connectionIds: [this.following] });
      this.following = undefined;
    } else if (item.type === 'connection-opened' && this.following === undefined) {
      this.following = item.connection.id;
      send(this.socket, { type: 'subscribe-frames', connectionIds: [this.following] });
    }
  }

  static async connect(engine: ServerChild, mode: 'console' | 'all'): Promise<FeedSubscriber> {
    const socket = new WebSocket(`${engine.url.replace(/^http/, 'ws')}/__console/live`);
    socket.on('error', () => {});
    const subscriber = new FeedSubscriber(socket, mode);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => send(socket, { type: 'auth', token: engine.token }));
        socket.once('close', (code) => reject(new Error(`live feed closed with ${code}`)));
        // The feed answers a valid token with `ready`; subscribing before that would be ignored.
        socket.once('message', () => {
          if (mode === 'all') send(socket, { type: 'subscribe-frames', connectionIds: '*' });
          resolve();
        });
      }),
      10_000,
      'live feed subscription',
    );
    return subscriber;
  }

  close(): void {
    this.socket.close();
  }
}

/** The subscriber the config asks for; none with `BENCH_FEED=0`. */
export function subscribeIf(mode: FeedMode, engine: ServerChild): Promise<FeedSubscriber | undefined> {
  return mode === 'none' ? Promise.resolve(undefined) : FeedSubscriber.connect(engine, mode);
}

/** What a subscriber followed and received, for the report. */
export interface FeedCounts {
  mode: FeedMode;
  items: number;
  dropped: number;
}

export function feedCounts(mode: FeedMode, feed: FeedSubscriber | undefined): FeedCounts {
  return { mode, items: feed?.items ?? 0, dropped: feed?.dropped ?? 0 };
}

function send(socket: WebSocket, message: FeedClientMessage): void {
  socket.send(JSON.stringify(message));
}
