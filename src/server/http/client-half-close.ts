import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Connections an event stream answers now: their client may half-close (send its FIN, still reading). */
const halfCloseAllowed = new WeakSet<Duplex>();
/** Connections watched for their client's FIN. */
const watched = new WeakSet<Duplex>();

/**
 * HTTP/1.1 lets a client half-close its connection once its request is sent. Node's server ends the connection when
 * its client does, cutting the response in flight, unless `httpAllowHalfOpen` (undocumented, kept for servers such
 * as spdy) tells it to finish that response and end the connection after it. The engine sets it, and itself ends
 * a connection that no event stream answers at its client's FIN (`watchClientFin`), as Node would: a route's delay
 * stops as soon as its client leaves, where an agent's run plays to its end.
 */
export function finishResponsesAfterClientFin(server: Server): void {
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
}

/**
 * Ends `socket` at its client's FIN unless an event stream answers it then. Decided in the turn after the FIN: a
 * request that arrives with its FIN (one write) is read, and its stream started, in the turn it arrived.
 */
export function watchClientFin(socket: Duplex): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  socket.once('end', () =>
    setImmediate(() => {
      if (!halfCloseAllowed.has(socket) && socket.writable) socket.end();
    }),
  );
}

/** An event stream answers on `socket`: its client's FIN does not end it (until `forbidClientHalfClose`). */
export function allowClientHalfClose(socket: Duplex): void {
  halfCloseAllowed.add(socket);
}

export function forbidClientHalfClose(socket: Duplex): void {
  halfCloseAllowed.delete(socket);
}
