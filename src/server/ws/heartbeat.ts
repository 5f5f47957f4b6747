import type { WebSocket } from 'ws';

/**
 * Sockets one turn of the event loop pings at most: a ping is a system call, and a beat over 2,000 sockets in one
 * go held the loop for some 50 ms every interval (the soak's `/health` probes waited behind it).
 */
export const PINGS_PER_TURN = 100;

/** Why the heartbeat dropped a socket, for the console (the client sees only 1006, a connection gone). */
const dropped = new WeakMap<WebSocket, string>();

/** The reason the heartbeat dropped `socket`, if it did. */
export function heartbeatDropReason(socket: WebSocket): string | undefined {
  return dropped.get(socket);
}

/**
 * Pings every tracked socket each interval and terminates the ones that did not answer the previous ping,
 * so half-open connections (a laptop lid closed, a proxy gone) do not linger in the console. A beat goes
 * through the sockets `PINGS_PER_TURN` at a time, letting I/O in between.
 */
export class Heartbeat {
  private readonly alive = new Map<WebSocket, boolean>();
  private timer: NodeJS.Timeout | undefined;
  /** The rest of a beat, waiting for the next turn. */
  private rest: NodeJS.Immediate | undefined;

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
    clearImmediate(this.rest);
    this.rest = undefined;
  }

  private schedule(): void {
    this.stop();
    if (this.intervalMs > 0) this.timer = setInterval(() => this.beat(), this.intervalMs);
  }

  private beat(): void {
    // A beat still going when the next one is due (thousands of sockets, a tiny interval) gives way to it.
    clearImmediate(this.rest);
    const sockets = [...this.alive.keys()];
    let next = 0;
    const slice = () => {
      this.rest = undefined;
      const end = Math.min(next + PINGS_PER_TURN, sockets.length);
      for (; next < end; next++) this.check(sockets[next] as WebSocket);
      if (next < sockets.length) this.rest = setImmediate(slice);
    };
    slice();
  }

  private check(socket: WebSocket): void {
    const answered = this.alive.get(socket);
    // Closed since the beat began.
    if (answered === undefined) return;
    if (!answered) {
      dropped.set(
        socket,
        `No pong to the heartbeat's ping within ${this.intervalMs} ms: dropped as gone (a half-open connection, or a client that does not answer pings)`,
      );
      socket.terminate();
      this.alive.delete(socket);
      return;
    }
    this.alive.set(socket, false);
    socket.ping();
  }
}
