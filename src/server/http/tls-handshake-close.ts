import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Makes an HTTPS server's `closeAllConnections` close every connection on its port. Node's own closes those its HTTP
 * layer holds, which a connection joins only once its TLS handshake is done: a client that connected and sent
 * nothing, or stopped in the middle of its handshake, held the engine's close until the handshake timed out (the
 * header timeout, up to ten minutes). Call it after `answerPlainHttpOnTlsPort`, which must listen first.
 */
export function closeAllIncludesHandshakes(server: Server): void {
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const closeHttpConnections = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeHttpConnections();
    for (const socket of connections) socket.destroy();
  };
}
