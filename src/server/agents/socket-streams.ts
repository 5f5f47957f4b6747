import type { Socket } from 'node:net';
import { allowClientHalfClose, forbidClientHalfClose } from '../http/client-half-close';

/** What the streams of a socket need of each of them. */
export interface StreamOnSocket {
  /**
   * Bytes the response keeps itself, not yet handed to the socket: a pipelined response queued behind the ones
   * before it buffers everything it writes until its turn.
   */
  readonly ownBufferedBytes: number;
  /** The socket closed. Node tells a queued response nothing then (it has no socket of its own yet). */
  socketClosed(): void;
  /**
   * The client half-closed the socket (its FIN): it may still read, or be gone, which only a write that fails tells.
   */
  clientHalfClosed(): void;
}

/** Why the engine dropped a socket: the code and reason every stream on it closes with. */
export interface SocketDrop {
  code: number;
  reason: string;
}

const bySocket = new WeakMap<Socket, SocketStreams>();

/**
 * The event streams answering the requests of one client connection: one, or several when the client pipelines
 * requests (each response after the first waits its turn, buffering what it writes). One 'close' listener (and one
 * 'end', for a client's half-close) serves them all, where one each passed Node's limit of 10 listeners at the 11th
 * pipelined request; and their backlog is counted together, because the client reads them in order: what waits
 * behind the socket's buffer waits for the same reader.
 */
export class SocketStreams {
  private readonly streams = new Set<StreamOnSocket>();
  /** Set once the engine dropped the socket (a client not reading): every stream on it reports this. */
  dropped: SocketDrop | undefined;

  private constructor(private readonly socket: Socket) {}

  /** The streams of `socket`, `stream` among them until it `leave`s. */
  static join(socket: Socket, stream: StreamOnSocket): SocketStreams {
    let streams = bySocket.get(socket);
    if (!streams) {
      streams = new SocketStreams(socket);
      bySocket.set(socket, streams);
      socket.once('close', streams.closed);
      socket.once('end', streams.halfClosed);
      // HTTP/1.1 lets the client half-close once its request is sent: the streams play on.
      allowClientHalfClose(socket);
    }
    streams.streams.add(stream);
    // Gone already (the client left while the request was read): its 'close' may be past.
    if (socket.destroyed) queueMicrotask(() => stream.socketClosed());
    // Half-closed already (its FIN came with the request): its 'end' is past.
    else if (socket.readableEnded) queueMicrotask(() => stream.clientHalfClosed());
    return streams;
  }

  /** `stream` is over; the socket is let go with the last stream on it (a keep-alive socket serves many in turn). */
  leave(stream: StreamOnSocket): void {
    this.streams.delete(stream);
    if (this.streams.size > 0 || bySocket.get(this.socket) !== this) return;
    this.socket.off('close', this.closed);
    this.socket.off('end', this.halfClosed);
    forbidClientHalfClose(this.socket);
    bySocket.delete(this.socket);
  }

  /**
   * Bytes written in earlier turns that the client has not read yet: in the socket's buffer, and held by responses
   * queued behind it.
   */
  get backlogBytes(): number {
    let bytes = this.socket.writableLength;
    for (const stream of this.streams) bytes += stream.ownBufferedBytes;
    return bytes;
  }

  /** Drops the socket, and every stream on it, for `why` (its client is not reading them). */
  drop(why: SocketDrop): void {
    this.dropped ??= why;
    this.socket.destroy();
  }

  /** Bound: it is the socket's 'close' listener. */
  private readonly closed = (): void => {
    for (const stream of [...this.streams]) stream.socketClosed();
  };

  /** Bound: it is the socket's 'end' listener. */
  private readonly halfClosed = (): void => {
    for (const stream of [...this.streams]) stream.clientHalfClosed();
  };
}
