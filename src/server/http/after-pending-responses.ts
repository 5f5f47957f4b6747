import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Calls `take` once the answers Node still owes on `socket` have gone out, for what answers outside Node's queue of
 * responses — an upgrade, a CONNECT, a raw answer to a malformed request — pipelined behind other requests whose
 * answers are still to be written. Answered at once, its bytes would come before theirs (and a CONNECT's own
 * response could not take the socket, which throws); never called when the connection ends first.
 */
export function afterPendingResponses(socket: Duplex, take: () => void): void {
  const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  // A response whose request is still arriving is answered by `take` itself (its body timed out, or broke).
  if (!pending?.req.complete) {
    take();
    return;
  }
  // Node's own 'finish' listener, added first, has handed the socket to the next response in line by now.
  pending.once('finish', () => {
    if (socket.writable) afterPendingResponses(socket, take);
  });
}
