import { keptTextBytes } from './frame-log';

/**
 * A text one sender encoded once for every connection it goes to (a broadcast, `POST /sockets/:id/messages`): each
 * socket writes these bytes, and each frame log keeps them as they are when they are large, not a copy of its own.
 * The retention budget counts them once while any log keeps them: `holders` counts the frames kept that hold them,
 * the first one kept charges `retainedBytes` and the last one dropped releases it (`FrameLog`).
 */
export class SharedText {
  readonly utf8: Buffer;
  /** What the bytes count for in the budget: what a text frame's text counts for (`frameBytes`). */
  readonly retainedBytes: number;
  /** Frames kept, in any connection's log, that hold `utf8` itself. */
  holders = 0;

  constructor(text: string) {
    this.utf8 = Buffer.from(text);
    this.retainedBytes = keptTextBytes(text, this.utf8.length);
  }
}
