import WebSocket from 'ws';
import { withTimeout } from './with-timeout';

/** The run every WS measurement plays: AGORA's inspection flow. */
export const INSPECTION_INPUT = JSON.stringify({
  threadId: 't',
  messages: [{ role: 'user', content: 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854' }],
});

export function openSocket(url: string, timeoutMs = 10_000): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return withTimeout(
    new Promise<WebSocket>((resolve, reject) => {
      socket.once('open', () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        resolve(socket);
      });
      socket.once('error', reject);
    }),
    timeoutMs,
    `opening ${url}`,
  );
}

/** Opens `count` sockets `batch` at a time, so the loopback accept backlog is never overrun. */
export async function openSockets(url: string, count: number, batch: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  while (sockets.length < count) {
    const size = Math.min(batch, count - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: size }, () => openSocket(url)))));
  }
  return sockets;
}

export interface PlayedRun {
  /** The run's frames as received (not parsed). */
  frames: Buffer[];
  /** performance.now() when the input was sent and when RUN_FINISHED arrived. */
  sentAt: number;
  finishedAt: number;
}

/** Sends one run input and resolves once its RUN_FINISHED frame arrived. */
export function playRun(socket: WebSocket, timeoutMs: number, input = INSPECTION_INPUT): Promise<PlayedRun> {
  const frames: Buffer[] = [];
  let onMessage: (data: Buffer) => void = () => {};
  const sentAt = performance.now();
  const finished = new Promise<PlayedRun>((resolve) => {
    onMessage = (data: Buffer) => {
      frames.push(data);
      if (data.includes('"RUN_FINISHED"')) resolve({ frames, sentAt, finishedAt: performance.now() });
    };
    socket.on('message', onMessage);
    socket.send(input);
  });
  return withTimeout(finished, timeoutMs, 'run').finally(() => socket.off('message', onMessage));
}

export function closeAll(sockets: readonly WebSocket[]): void {
  for (const socket of sockets) socket.terminate();
}
