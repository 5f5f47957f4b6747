import WebSocket from 'ws';
import type { FeedClientMessage, FeedServerMessage } from '../src/shared/control-api';
import type { ServerChild } from './server-child';
import { withTimeout } from './with-timeout';

/**
 * A console subscribed to everything on `/__console/live` (all connections' frames included), so the engine
 * pays for its live feed during the bench. Only counts what it gets.
 */
export class FeedSubscriber {
  items = 0;
  dropped = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as FeedServerMessage;
      if (message.type !== 'batch') return;
      this.items += message.items.length;
      this.dropped += message.dropped;
    });
  }

  static async connect(engine: ServerChild): Promise<FeedSubscriber> {
    const socket = new WebSocket(`${engine.url.replace(/^http/, 'ws')}/__console/live`);
    socket.on('error', () => {});
    const subscriber = new FeedSubscriber(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => send(socket, { type: 'auth', token: engine.token }));
        socket.once('close', (code) => reject(new Error(`live feed closed with ${code}`)));
        // The feed answers a valid token with `ready`; subscribing before that would be ignored.
        socket.once('message', () => {
          send(socket, { type: 'subscribe-frames', connectionIds: '*' });
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
export function subscribeIf(enabled: boolean, engine: ServerChild): Promise<FeedSubscriber | undefined> {
  return enabled ? FeedSubscriber.connect(engine) : Promise.resolve(undefined);
}

/** What a subscriber received, for the report (null: no subscriber). */
export function feedCounts(feed: FeedSubscriber | undefined): { items: number; dropped: number } | null {
  return feed ? { items: feed.items, dropped: feed.dropped } : null;
}

function send(socket: WebSocket, message: FeedClientMessage): void {
  socket.send(JSON.stringify(message));
}
