import WebSocket from 'ws';
import type { MockServer } from '../../src/server/index';
import type { FeedClientMessage, FeedItem, FeedServerMessage } from '../../src/shared/control-api';
import { decodeFeedMessage } from '../../src/shared/feed-wire';
import { WAIT_MS } from './wait';

/** A console-like subscriber of `/__console/live`: authenticates, then collects every batch. */
export class FeedClient {
  readonly messages: FeedServerMessage[] = [];
  private listeners: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(decodeFeedMessage(data.toString()));
      for (const listener of this.listeners) listener();
    });
    socket.on('error', () => {});
  }

  static async connect(server: MockServer, token = server.token): Promise<FeedClient> {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/__console/live`);
    const client = new FeedClient(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    client.send({ type: 'auth', token });
    return client;
  }

  send(message: FeedClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  get items(): FeedItem[] {
    return this.messages.flatMap((message) => (message.type === 'batch' ? message.items : []));
  }

  get dropped(): number {
    return this.messages.reduce((sum, message) => sum + (message.type === 'batch' ? message.dropped : 0), 0);
  }

  waitFor(condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`feed condition not met; got ${JSON.stringify(this.items.map((item) => item.type))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((listener) => listener !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  close(): void {
    this.socket.close();
  }
}
