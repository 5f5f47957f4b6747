import type { FeedItem } from '../../shared/control-api';

/** Room a batch starts with by default; it grows by doubling when an item does not fit. */
const INITIAL_BYTES = 16 * 1024;
/** The most room a batch starts with, whatever the last one needed. */
const MAX_INITIAL_BYTES = 1024 * 1024;
const PREFIX = '{"type":"batch","items":[';
const COMMA = 0x2c;

/**
 * One live-feed message being built: items are written straight into bytes as they are published, in the wire
 * format `shared/feed-wire.ts` decodes. Building strings and joining them cost three copies of every item (the
 * join, flattening the message, encoding it for the socket) and kept the pieces alive until the flush; this is
 * one copy, and the socket is handed the bytes.
 */
export class FeedBatch {
  private buffer: Buffer;
  private length: number;
  /** Items written so far. */
  count = 0;

  /** `expectedBytes`: what the message will likely take (the previous one's size), so it rarely has to grow. */
  constructor(expectedBytes = INITIAL_BYTES) {
    this.buffer = Buffer.allocUnsafe(Math.min(Math.max(expectedBytes, INITIAL_BYTES), MAX_INITIAL_BYTES));
    this.length = this.buffer.write(PREFIX, 0, 'latin1');
  }

  add(item: FeedItem): void {
    if (this.count > 0) {
      this.reserve(1);
      this.buffer[this.length++] = COMMA;
    }
    if (
      item.type === 'frame' &&
      item.frame.direction === 'out' &&
      !item.frame.binary &&
      item.frame.eventType !== null
    ) {
      // The engine's own AG-UI events are JSON it produced itself: embedded raw (`rawFrameText`) instead of
      // escaped into a string, with `text` null; the decoder puts the text back.
      const { seq, at, size, eventType, text, finding } = item.frame;
      const findingPart = finding ? `,"finding":${JSON.stringify(finding)}` : '';
      this.write(
        `{"type":"frame","connectionId":${JSON.stringify(item.connectionId)},"frame":{"seq":${seq},"at":${at},"direction":"out","size":${size},"text":null,"binary":false,"eventType":${JSON.stringify(eventType)}${findingPart}},"rawFrameText":`,
      );
      this.write(text);
      this.reserve(1);
      this.buffer[this.length++] = 0x7d; // }
    } else this.write(JSON.stringify(item));
    this.count++;
  }

  /** The message's bytes so far. */
  get bytes(): number {
    return this.length;
  }

  /** The finished message; the batch must not be used afterwards. */
  finish(dropped: number): Buffer {
    this.write(`],"dropped":${dropped}}`);
    return this.buffer.subarray(0, this.length);
  }

  private write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: reserving that much never truncates.
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
