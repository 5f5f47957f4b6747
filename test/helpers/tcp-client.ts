import { connect, type Socket } from 'node:net';

/** A raw TCP connection to the engine: what it sent so far (bytes as latin1 text), and when it closed. */
export interface TcpClient {
  readonly socket: Socket;
  readonly received: string;
  readonly closed: Promise<void>;
}

/**
 * Connects to `port` on loopback; errors (a reset the test provokes) are the test's to look at, never thrown.
 * `allowHalfOpen`: the client's side stays open once the engine ends its own, until the test ends it.
 */
export async function openTcp(port: number, { allowHalfOpen = false } = {}): Promise<TcpClient> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen });
  socket.on('error', () => {});
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return {
    socket,
    get received() {
      return received;
    },
    closed,
  };
}
