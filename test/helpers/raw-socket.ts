import type { Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';

/** One frame as a raw client received it, with its arrival time (performance.now()). */
export interface ReceivedFrame {
  text: string;
  binary: boolean;
  bytes: Buffer;
  at: number;
}

/**
 * A real `ws` client for endpoints that do not speak AG-UI (echo, push, rules): keeps every frame as it came,
 * text or binary, and how the server closed, with waits on both.
 */
export class RawSocket {
  readonly frames: ReceivedFrame[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData, binary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      this.frames.push({ text: bytes.toString('utf8'), binary, bytes, at: performance.now() });
      this.notify();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.notify();
        resolve();
      }),
    );
  }

  static async open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawSocket> {
    const socket = new WebSocket(url, options);
    const client = new RawSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** The TCP socket under the client: pausing it stops the client reading, as a stalled client does. */
  get tcp(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }

  /** The text frames received so far. */
  get texts(): string[] {
    return this.frames.map((frame) => frame.text);
  }

  send(value: string | Buffer, binary = Buffer.isBuffer(value)): void {
    this.socket.send(value, { binary });
  }

  sendJson(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  /** Resolves once `condition` holds, or fails after `timeoutMs` saying what arrived. */
  waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`timed out; received ${JSON.stringify(this.texts.slice(-10))}, close ${String(this.closeCode)}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
      };
      this.waiters.push(check);
    });
  }

  waitForFrames(count: number, timeoutMs?: number): Promise<void> {
    return this.waitUntil(() => this.frames.length >= count, timeoutMs);
  }

  /** Waits for the server to close the socket; resolves with its code and reason. */
  async waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }> {
    await this.waitUntil(() => this.closeCode !== null, timeoutMs);
    return { code: this.closeCode as number, reason: this.closeReason };
  }

  /** Closes from the client side and waits for the close to finish. */
  async close(code = 1000): Promise<void> {
    if (this.closeCode === null) this.socket.close(code);
    await this.closed;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
