import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Calls `take` once the answers Node still owes on `socket` have gone out: an upgrade or a CONNECT pipelined behind
 * other requests is handed over at once, while their responses are still to be written. Answered at once, its bytes
 * would come before theirs (or a CONNECT's own response could not take the socket, which throws); never called
 * when the connection ends first.
 */
export function afterPendingResponses(socket: Duplex, take: () => void): void {
  const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!pending) {
    take();
    return;
  }
  // Node's own 'finish' listener, added first, has handed the socket to the next response in line by now.
  pending.once('finish', () => {
    if (socket.writable) afterPendingResponses(socket, take);
  });
}
