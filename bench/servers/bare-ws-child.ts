import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serveAsChild } from '../child-protocol';
import { listenLocally } from './listen-locally';

export interface BareWsPayload {
  /** The text frames of one run, as the engine sent them. */
  frames: string[];
}

/** Reference for WS: a bare `ws` server that replays a recorded run's frames for every message it gets. */
serveAsChild(async (payload) => {
  const { frames } = payload as BareWsPayload;
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    socket.on('error', () => {});
    socket.on('message', () => {
      for (const frame of frames) socket.send(frame);
    });
  });
  const started = await listenLocally(server);
  return {
    ...started,
    // Upgraded sockets are no longer the HTTP server's to close.
    stop: () => {
      for (const socket of wss.clients) socket.terminate();
      return started.stop();
    },
  };
});
