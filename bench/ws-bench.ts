import type WebSocket from 'ws';
import type { BenchConfig } from './config';
import { type FeedSubscriber, subscribeIf } from './feed-subscriber';
import { type RunPhaseResult, runPhaseCpu, warmUp } from './interleaved-runs';
import { ServerChild } from './server-child';
import { closeAll, openSockets, playRun } from './ws-clients';

const RUN_TIMEOUT_MS = 30_000;

export type WsResult = RunPhaseResult;

/**
 * WS: server CPU per scripted run of the inspection flow at speed 0 (frame log and live feed on) against a
 * bare `ws` server replaying the same recorded frames.
 */
export async function benchWs(config: BenchConfig, engineFlags: string[]): Promise<WsResult> {
  const { clients, warmupRunsPerClient, runsPerClient } = config.ws;
  const engine = await ServerChild.start('engine', { speed: 0 }, { nodeFlags: engineFlags });
  let bare: ServerChild | undefined;
  let feed: FeedSubscriber | undefined;
  const sockets: WebSocket[][] = [];
  try {
    feed = await subscribeIf(config.feed, engine);
    const [recorder] = await openSockets(engine.wsUrl, 1, 1);
    const recorded = (await playRun(recorder as WebSocket, RUN_TIMEOUT_MS)).frames.map((frame) => frame.toString());
    closeAll([recorder as WebSocket]);
    bare = await ServerChild.start('bare-ws', { frames: recorded });

    const targets = [engine, bare];
    for (const server of targets) sockets.push(await openSockets(server.wsUrl, clients, clients));
    const playAll = (side: number, runs: number) =>
      Promise.all(
        (sockets[side] ?? []).map(async (socket) => {
          for (let run = 0; run < runs; run++) await playRun(socket, RUN_TIMEOUT_MS);
        }),
      );
    const warmup = await warmUp([engine, bare], clients * warmupRunsPerClient, (side) =>
      playAll(side, warmupRunsPerClient),
    );

    const cpu = await runPhaseCpu(config, feed, [engine, bare], clients * runsPerClient, (side) =>
      playAll(side, runsPerClient),
    );
    return {
      clients,
      runsPerClient,
      framesPerRun: recorded.length,
      bytesPerRun: recorded.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0),
      warmup,
      ...cpu,
    };
  } finally {
    for (const group of sockets) closeAll(group);
    feed?.close();
    await Promise.all([engine.stop(), bare?.stop()]);
  }
}
