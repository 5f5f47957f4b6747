import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Fault } from '../../shared/mounts/route';
import type { FaultBody } from './fault-body';

/**
 * The request log's status for a response that never was: nginx's 444 (connection closed without response), as a
 * client that left is its 499. No HTTP response carries it; the log does.
 */
export const CLOSED_WITHOUT_RESPONSE = 444;

/** The most of its body a `malformed` fault sends, in its corrupt chunk (half the body, up to this). */
const MALFORMED_PIECE_MAX_BYTES = 1024 * 1024;

/** How many bytes of a body of `length` a `malformed` fault sends: half of it (at least one), at most 1 MiB. */
export function malformedPieceLength(length: number): number {
  return Math.min(MALFORMED_PIECE_MAX_BYTES, Math.max(1, Math.floor(length / 2)));
}

/**
 * Plays a fault that takes the connection over (reset, empty, malformed) with the status and headers already set
 * on the response: Koa does not answer afterwards. Drip is not one of them: it is a normal response whose body
 * arrives slowly (see `DripStream`). What the request log keeps is what the client got: for reset and empty no
 * status (`CLOSED_WITHOUT_RESPONSE`) and no headers; for malformed the status and headers sent. `piece`: the bytes
 * of body a malformed fault sends (`malformedPieceLength` of them).
 */
export function playConnectionFault(ctx: Context, fault: Exclude<Fault['type'], 'drip'>, piece: Buffer): void {
  ctx.respond = false;
  const socket = ctx.req.socket;
  // Logged now, when the pipeline ends; read while the socket is there (it keeps it): a destroyed socket has none.
  if (fault !== 'malformed') nothingSent(ctx);
  void socket.remoteAddress;
  const play = () => {
    switch (fault) {
      case 'reset':
        // An RST, not a FIN: the client sees ECONNRESET.
        socket.resetAndDestroy();
        return;
      case 'empty':
        socket.end();
        return;
      case 'malformed': {
        const res = ctx.res;
        res.statusCode = ctx.status;
        res.removeHeader('Content-Length');
        res.setHeader('Transfer-Encoding', 'chunked');
        res.flushHeaders();
        // "zz" is no chunk size: every HTTP parser stops here.
        socket.write(Buffer.concat([Buffer.from('zz\r\n'), piece, Buffer.from('\r\n')]));
        socket.end();
        return;
      }
    }
  };
  // A request pipelined behind others plays its fault when its response's turn comes (Node hands it the socket
  // then): played at once, it would write into, or cut off, the answers to the requests before it.
  if (ctx.res.socket) play();
  else ctx.res.once('socket', play);
}

/** The response as logged when the connection goes without a byte of it: no status, no headers. */
function nothingSent(ctx: Context): void {
  ctx.status = CLOSED_WITHOUT_RESPONSE;
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
}

/**
 * A body sent in `pieces` chunks spread over `durationMs` (the first at once, the last at the end), each read from
 * the body as its turn comes. The timer and the read live only while the stream does: when the client leaves, Koa
 * destroys the stream and they go with it. A file that ends before its length (it shrank meanwhile), or that cannot
 * be read on (gone before its next piece), ends the stream with an error, which drops the connection: the client is
 * not left waiting for bytes that never come.
 */
export class DripStream extends Readable {
  private readonly pieces: number;
  private readonly intervalMs: number;
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The piece being read, and how many of its bytes are still to come. */
  private reading: { source: Readable; left: number } | undefined;

  constructor(
    private readonly body: FaultBody,
    pieces: number,
    durationMs: number,
  ) {
    super();
    this.pieces = Math.max(1, Math.min(pieces, body.length));
    this.intervalMs = this.pieces > 1 ? durationMs / (this.pieces - 1) : 0;
  }

  override _read(): void {
    if (this.timer || this.destroyed) return;
    if (this.reading) {
      this.reading.source.resume();
      return;
    }
    if (this.body.length === 0 || this.sent === this.pieces) {
      this.push(null);
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.readPiece();
      },
      this.sent === 0 ? 0 : this.intervalMs,
    );
  }

  private readPiece(): void {
    const start = Math.floor((this.sent * this.body.length) / this.pieces);
    this.sent++;
    const end = Math.floor((this.sent * this.body.length) / this.pieces);
    const source = this.body.read(start, end);
    const reading = { source, left: end - start };
    this.reading = reading;
    source.on('data', (chunk: Buffer) => {
      reading.left -= chunk.length;
      if (!this.push(chunk)) source.pause();
    });
    source.once('error', (error) => this.destroy(error));
    source.once('end', () => {
      this.reading = undefined;
      if (reading.left > 0) {
        this.destroy(
          new Error(`the body ended ${reading.left} bytes short of its length (it shrank while it was sent)`),
        );
        return;
      }
      this._read();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reading?.source.destroy();
    this.reading = undefined;
    this.body.release();
    callback(error);
  }
}
