import type { WebSocket } from 'ws';

/**
 * Bytes of a socket's messages read and not yet handled (each counted as its size and MESSAGE_OVERHEAD_BYTES) past
 * which the socket is not read from until they are handled: under load a message waits for its turn (`inTurn`),
 * and a client sending faster than the engine handles would otherwise have the engine read and keep everything it
 * sends (its text and its parsed value), without bound.
 */
export const MAX_UNHANDLED_BYTES = 1024 * 1024;

/** What a waiting message keeps beyond its bytes (its parsed frame, its turn in the queue), so tiny ones count. */
const MESSAGE_OVERHEAD_BYTES = 256;

/**
 * Counts one socket's messages from the time they are read to the time they are handled, and holds the socket's
 * reading (TCP backpressure: the client's sends wait, as they would on a busy server) while they pass
 * MAX_UNHANDLED_BYTES; reading goes on once half of that is left. Nothing is dropped, and the order is kept.
 */
export class UnhandledMessages {
  private bytes = 0;
  private holding = false;

  constructor(private readonly socket: WebSocket) {}

  /** A message was read: it waits for its turn. */
  read(size: number): void {
    this.bytes += size + MESSAGE_OVERHEAD_BYTES;
    if (this.holding || this.bytes <= MAX_UNHANDLED_BYTES) return;
    this.holding = true;
    this.socket.pause();
  }

  /** A message read earlier has had its turn (handled, or dropped because its socket closed meanwhile). */
  handled(size: number): void {
    this.bytes -= size + MESSAGE_OVERHEAD_BYTES;
    if (!this.holding || this.bytes > MAX_UNHANDLED_BYTES / 2) return;
    this.holding = false;
    this.socket.resume();
  }
}
