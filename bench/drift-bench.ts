import type WebSocket from 'ws';
import type { BenchConfig } from './config';
import { type FeedCounts, type FeedSubscriber, feedCounts, subscribeIf } from './feed-subscriber';
import { ServerChild } from './server-child';
import { percentile } from './stats';
import { closeAll, openSockets, type PlayedRun, playRun } from './ws-clients';

/** Lateness of the runs against the lone run, in ms. */
export interface Lateness {
  min: number;
  p50: number;
  p99: number;
  max: number;
}

export interface DriftResult {
  runs: number;
  /** The engine's speed setting the runs played at (1: their scripted timeline). */
  speed: number;
  completed: number;
  /** Runs whose event types came in exactly the lone run's order. */
  validOrder: number;
  framesPerRun: number;
  /** The lone run's duration: input sent → RUN_FINISHED received, and RUN_STARTED → RUN_FINISHED timestamps. */
  scriptedClientMs: number;
  scriptedServerMs: number;
  /** On the engine's clock (event timestamps): what the engine's timers did. */
  serverLateness: Lateness;
  /** As the clients saw it, including their own lag (they share one process) and the burst of 1,000 sends. */
  clientLateness: Lateness;
  /** Wall time from the first input sent to the last RUN_FINISHED, and the engine's CPU over it. */
  burstWallMs: number;
  serverCpuMs: number;
  feed: FeedCounts;
}

interface RunShape {
  types: string;
  serverMs: number;
}

/** 1,000 concurrent scripted runs at speed 1: does each still finish on its scripted timeline? */
export async function benchDrift(config: BenchConfig, engineFlags: string[]): Promise<DriftResult> {
  const { speed } = config.drift;
  const engine = await ServerChild.start('engine', { speed }, { nodeFlags: engineFlags });
  let feed: FeedSubscriber | undefined;
  try {
    feed = await subscribeIf(config.feed, engine);
    const burst = await driftBurst(engine.wsUrl, config.drift, () => engine.cpuMicros());
    return { ...burst, speed, feed: feedCounts(config.feed, feed) };
  } finally {
    feed?.close();
    await engine.stop();
  }
}

/**
 * The drift measurement against any server that plays the inspection flow on `wsUrl` and stamps its events
 * (the engine, or a peer speaking the same protocol): a lone run, then `runs` at once; `cpuMicros` reads the
 * server's CPU so far.
 */
export async function driftBurst(
  wsUrl: string,
  { runs, openBatch }: BenchConfig['drift'],
  cpuMicros: () => Promise<number>,
): Promise<Omit<DriftResult, 'speed' | 'feed'>> {
  let sockets: WebSocket[] = [];
  try {
    const [lone] = await openSockets(wsUrl, 1, 1);
    const loneRun = await playRun(lone as WebSocket, 60_000);
    closeAll([lone as WebSocket]);
    const scripted = shape(loneRun);
    const scriptedClientMs = loneRun.finishedAt - loneRun.sentAt;

    sockets = await openSockets(wsUrl, runs, openBatch);
    const before = await cpuMicros();
    const burstStart = performance.now();
    const played = await Promise.allSettled(sockets.map((socket) => playRun(socket, scriptedClientMs * 3 + 60_000)));
    const burstWallMs = performance.now() - burstStart;
    const after = await cpuMicros();
    const done = played.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const shapes = done.map(shape);
    return {
      runs,
      completed: done.length,
      validOrder: shapes.filter((run) => run.types === scripted.types).length,
      framesPerRun: loneRun.frames.length,
      scriptedClientMs,
      scriptedServerMs: scripted.serverMs,
      serverLateness: lateness(shapes.map((run) => run.serverMs - scripted.serverMs)),
      clientLateness: lateness(done.map((run) => run.finishedAt - run.sentAt - scriptedClientMs)),
      burstWallMs,
      serverCpuMs: (after - before) / 1000,
    };
  } finally {
    closeAll(sockets);
  }
}

function shape(run: PlayedRun): RunShape {
  const events = run.frames.map((frame) => JSON.parse(frame.toString()) as { type: string; timestamp?: number });
  const timestamp = (type: string) => events.find((event) => event.type === type)?.timestamp ?? Number.NaN;
  return {
    types: events.map((event) => event.type).join(','),
    serverMs: timestamp('RUN_FINISHED') - timestamp('RUN_STARTED'),
  };
}

function lateness(values: number[]): Lateness {
  return {
    min: Math.min(...values),
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: Math.max(...values),
  };
}
