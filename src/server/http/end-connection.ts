import type { Duplex } from 'node:stream';

/** How long a connection ended by the server may take to read its last answer before it is dropped. */
const LINGER_MS = 1000;

/**
 * Ends a connection after its last bytes: half-closed first, then dropped after a moment whatever the client
 * does (closing at once would reset a client still sending, and a reset can swallow the answer).
 */
export function endConnection(socket: Duplex, last?: string): void {
  socket.end(last);
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}
