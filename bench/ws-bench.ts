import type WebSocket from 'ws';
import type { BaselineEngine } from './baseline-engine';
import type { BenchConfig } from './config';
import { type FeedSubscriber, subscribeIf } from './feed-subscriber';
import { measureRunPhase, type RunPhaseResult } from './interleaved-runs';
import { type ReferenceServer, startReference } from './reference-server';
import { ServerChild } from './server-child';
import { closeAll, openSockets, playRun } from './ws-clients';

const RUN_TIMEOUT_MS = 30_000;

export type WsResult = RunPhaseResult;

/**
 * WS: server CPU per scripted run of the inspection flow at speed 0 (frame log and live feed on) against a
 * bare `ws` server replaying the same recorded frames (or, with `baseline`, that revision's engine).
 */
export async function benchWs(
  config: BenchConfig,
  engineFlags: string[],
  baseline?: BaselineEngine,
): Promise<WsResult> {
  const { clients } = config.ws;
  const payload = { speed: 0 };
  const engine = await ServerChild.start('engine', payload, { nodeFlags: engineFlags });
  let reference: ReferenceServer | undefined;
  let feed: FeedSubscriber | undefined;
  const sockets: WebSocket[][] = [];
  try {
    feed = await subscribeIf(config.feed, engine);
    const [recorder] = await openSockets(engine.wsUrl, 1, 1);
    const recorded = (await playRun(recorder as WebSocket, RUN_TIMEOUT_MS)).frames.map((frame) => frame.toString());
    closeAll([recorder as WebSocket]);
    reference = await startReference(
      baseline,
      { payload, nodeFlags: engineFlags, feed: config.feed },
      { label: 'bare ws replay', start: () => ServerChild.start('bare-ws', { frames: recorded }) },
    );

    const targets = [engine, reference.server];
    for (const server of targets) sockets.push(await openSockets(server.wsUrl, clients, clients));
    const playAll = (side: number, runs: number) =>
      Promise.all(
        (sockets[side] ?? []).map(async (socket) => {
          for (let run = 0; run < runs; run++) await playRun(socket, RUN_TIMEOUT_MS);
        }),
      );
    const measured = await measureRunPhase(config, config.ws, engine, feed, reference, playAll);
    return {
      framesPerRun: recorded.length,
      bytesPerRun: recorded.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0),
      ...measured,
    };
  } finally {
    for (const group of sockets) closeAll(group);
    feed?.close();
    await Promise.all([engine.stop(), reference?.stop()]);
  }
}
