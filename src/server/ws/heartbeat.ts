import type { WebSocket } from 'ws';

/**
 * Pings every tracked socket each interval and terminates the ones that did not answer the previous ping,
 * so half-open connections (a laptop lid closed, a proxy gone) do not linger in the console.
 */
export class Heartbeat {
  private readonly alive = new Map<WebSocket, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private intervalMs: number) {
    this.schedule();
  }

  track(socket: WebSocket): void {
    this.alive.set(socket, true);
    socket.on('pong', () => this.alive.set(socket, true));
    socket.once('close', () => this.alive.delete(socket));
  }

  setInterval(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    this.schedule();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.stop();
    if (this.intervalMs > 0) this.timer = setInterval(() => this.beat(), this.intervalMs);
  }

  private beat(): void {
    for (const [socket, answered] of this.alive) {
      if (!answered) {
        socket.terminate();
        this.alive.delete(socket);
        continue;
      }
      this.alive.set(socket, false);
      socket.ping();
    }
  }
}
