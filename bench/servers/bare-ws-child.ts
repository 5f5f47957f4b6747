import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { serveAsChild } from '../child-protocol';

export interface BareWsPayload {
  /** The text frames of one run, as the engine sent them. */
  frames: string[];
}

/** Reference for WS: a bare `ws` server that replays a recorded run's frames for every message it gets. */
serveAsChild(async (payload) => {
  const { frames } = payload as BareWsPayload;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/ws' });
  wss.on('connection', (socket) => {
    socket.on('error', () => {});
    socket.on('message', () => {
      for (const frame of frames) socket.send(frame);
    });
  });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: '',
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
});
