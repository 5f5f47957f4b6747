import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** First byte of a whole text message: FIN set, opcode 0x1 (text); RSV bits clear (no extension). */
const FIN_TEXT = 0x81;

/** The longest payloads whose length fits the header's 7 bits, and its 16-bit extension (RFC 6455 §5.2). */
const MAX_7_BIT_LENGTH = 125;
const MAX_16_BIT_LENGTH = 65_535;

/** Bytes of the header of an unmasked frame carrying `length` bytes: a 7-, 16- or 64-bit length. */
function headerBytes(length: number): number {
  return length <= MAX_7_BIT_LENGTH ? 2 : length <= MAX_16_BIT_LENGTH ? 4 : 10;
}

/** Writes the header of an unmasked text frame of `length` bytes at `offset`; returns where the payload starts. */
export function writeTextFrameHeader(target: Buffer, offset: number, length: number): number {
  target[offset] = FIN_TEXT;
  if (length <= MAX_7_BIT_LENGTH) {
    target[offset + 1] = length;
    return offset + 2;
  }
  if (length <= MAX_16_BIT_LENGTH) {
    target[offset + 1] = 126;
    target.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  target[offset + 1] = 127;
  target.writeUInt32BE(0, offset + 2);
  // Lengths stay far below 2^48 (the engine's messages are bounded): the low six bytes hold them.
  target.writeUIntBE(length, offset + 4, 6);
  return offset + 10;
}

/**
 * A message's text already encoded (`Buffer.from(text)`) for every connection a broadcast reaches, written as it
 * is rather than copied when at least this long: a header of its own, then the shared bytes, in one writev.
 */
const SHARED_WRITE_BYTES = 16 * 1024;

/**
 * The text messages a connection sends in one go — a turn's synchronous work, such as a whole scripted run at
 * speed 0 — written to the socket's stream at once when that work is done (a microtask), framed in one buffer.
 * `ws.send` makes every message a buffer of its own, a cork, two stream writes and an uncork: 57 events were 57
 * buffers and 114 stream writes, a third of a run's CPU. The engine's sockets never negotiate an extension
 * (`perMessageDeflate: false`), so a message is a header and its UTF-8 text, as ws frames it (the tests check the
 * headers against ws's own encoder). A text a broadcast encoded once for all its receivers is copied from its
 * bytes, or over SHARED_WRITE_BYTES written from them: one megabyte to 200 peers was 200 encodings of it. ws writes
 * its own control frames (ping, pong, close) straight away, between two whole messages at most, as the protocol
 * allows; once ws has begun closing, what still waits is dropped — nothing may follow a close frame. A close the
 * engine asks for sends what waits first (`flush`), and so does the end of handling a client's message
 * (`Connection.flushWrites`): a close ws reads next in the same chunk would otherwise go first.
 */
export class TextFrameBatch {
  private texts: string[] = [];
  private lengths: number[] = [];
  /** Each text's UTF-8 bytes where the sender had them (a broadcast), else undefined. */
  private encoded: (Buffer | undefined)[] = [];
  private bytes = 0;
  /** Of `bytes`, those written from shared bytes rather than the batch's own buffer. */
  private sharedBytes = 0;

  constructor(
    private readonly socket: WebSocket,
    /** The TCP (or TLS) stream under the socket, which ws writes its frames to. */
    private readonly stream: Duplex,
  ) {}

  /** Bytes framed but not yet handed to the stream. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /**
   * `length`: the text's UTF-8 length (`Buffer.byteLength`), which the caller has at hand; `utf8`: its bytes, when
   * the caller encoded it once for many connections (they are never written to).
   */
  add(text: string, length: number, utf8?: Buffer): void {
    if (this.texts.length === 0) queueMicrotask(this.flush);
    this.texts.push(text);
    this.lengths.push(length);
    this.encoded.push(utf8);
    this.bytes += headerBytes(length) + length;
    if (utf8 && length >= SHARED_WRITE_BYTES) this.sharedBytes += length;
  }

  /** Writes what waits: one write, or one writev around shared bytes. */
  readonly flush = (): void => {
    if (this.texts.length === 0) return;
    const { texts, lengths, encoded, bytes, sharedBytes } = this;
    this.drop();
    // The socket's own constant, not the class's: only the type of ws is imported here (modules that check
    // worlds load this one, and ws only once sockets are served: socket-server.ts).
    if (this.socket.readyState !== this.socket.OPEN) return;
    const frames = Buffer.allocUnsafe(bytes - sharedBytes);
    const parts: Buffer[] = [];
    let offset = 0;
    let partStart = 0;
    for (let index = 0; index < texts.length; index++) {
      const length = lengths[index] as number;
      const utf8 = encoded[index];
      offset = writeTextFrameHeader(frames, offset, length);
      if (utf8 === undefined) offset += frames.write(texts[index] as string, offset);
      else if (length < SHARED_WRITE_BYTES) offset += utf8.copy(frames, offset);
      else {
        parts.push(frames.subarray(partStart, offset), utf8);
        partStart = offset;
      }
    }
    if (parts.length === 0) {
      this.stream.write(frames);
      return;
    }
    if (partStart < offset) parts.push(frames.subarray(partStart, offset));
    this.stream.cork();
    for (const part of parts) this.stream.write(part);
    this.stream.uncork();
  };

  /** Forgets what waits (the connection is dropped). */
  drop(): void {
    this.texts = [];
    this.lengths = [];
    this.encoded = [];
    this.bytes = 0;
    this.sharedBytes = 0;
  }
}
