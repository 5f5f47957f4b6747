import type { BenchConfig } from './config';
import { type FeedCounts, type FeedSubscriber, feedCounts } from './feed-subscriber';
import type { ReferenceServer } from './reference-server';
import type { ServerChild } from './server-child';
import { serverCpuDuring } from './server-cpu';
import { type Spread, spread } from './stats';

export interface RunCpu {
  oursMicrosPerRun: Spread;
  referenceMicrosPerRun: Spread;
  /** Per round ours / the reference's (a bare replay, or another revision's engine: `BENCH_BASELINE`). */
  ratio: Spread;
  rounds: number;
}

/** Each side's CPU per run over its warm-up: not counted in the ratio, reported so its cost is seen. */
export interface WarmupCpu {
  runs: number;
  oursMicrosPerRun: number;
  referenceMicrosPerRun: number;
}

/** A scripted-run phase's result (WS, SSE): its load, the recorded run, CPU per run, and what the console got. */
export interface RunPhaseResult extends RunCpu {
  /** What ours was measured against: the bare replay's name, or `engine at <commit>` (`BENCH_BASELINE`). */
  reference: string;
  warmup: WarmupCpu;
  rounds: number;
  clients: number;
  runsPerClient: number;
  framesPerRun: number;
  bytesPerRun: number;
  /** What the console followed and received over the budget's rounds. */
  feed: FeedCounts;
  /**
   * With the console as the console follows (the budget's measure), a few more rounds with it following every
   * connection's frames: the worst case, for context. Null in the other feed modes.
   */
  everyFrame: RunCpu | null;
}

/**
 * A scripted-run phase's measurement (WS, SSE): ours (`engine`, its console `feed`) and its `reference`, both
 * warmed up, then measured in interleaved rounds; `runs` is the phase's config. `play(side, n)` has each client
 * play `n` runs on that side (0 ours, 1 the reference).
 */
export async function measureRunPhase(
  config: BenchConfig,
  runs: BenchConfig['ws'],
  engine: ServerChild,
  feed: FeedSubscriber | undefined,
  reference: ReferenceServer,
  play: (side: number, runsPerClient: number) => Promise<unknown>,
): Promise<Omit<RunPhaseResult, 'framesPerRun' | 'bytesPerRun'>> {
  const { clients, warmupRunsPerClient, runsPerClient } = runs;
  const targets = [engine, reference.server] as const;
  const warmup = await warmUp(targets, clients * warmupRunsPerClient, (side) => play(side, warmupRunsPerClient));
  const cpu = await runPhaseCpu(config, [feed, reference.feed], targets, clients * runsPerClient, (side) =>
    play(side, runsPerClient),
  );
  return { reference: reference.label, clients, runsPerClient, warmup, ...cpu };
}

/**
 * The budget's interleaved rounds with the console of the config, then, when that is the console's own way of
 * following (one connection), half as many (at least 3) with it following every frame — ours' console and, when
 * the reference is another engine, its console too.
 */
async function runPhaseCpu(
  config: BenchConfig,
  [feed, referenceFeed]: readonly [FeedSubscriber | undefined, FeedSubscriber | undefined],
  targets: readonly [ServerChild, ServerChild],
  runsPerRound: number,
  play: (side: number) => Promise<unknown>,
): Promise<Pick<RunPhaseResult, keyof RunCpu | 'feed' | 'everyFrame'>> {
  const cpu = await interleavedRunCpu(targets, config.rounds, runsPerRound, play);
  const counts = feedCounts(config.feed, feed);
  if (config.feed !== 'console' || !feed) return { ...cpu, feed: counts, everyFrame: null };
  feed.followAll();
  referenceFeed?.followAll();
  const everyFrame = await interleavedRunCpu(targets, Math.max(3, Math.ceil(config.rounds / 2)), runsPerRound, play);
  return { ...cpu, feed: counts, everyFrame };
}

/**
 * Plays each side's warm-up (`runs` runs, `play(side)`), ours first, measuring its CPU. The engine has far more
 * code for V8 to compile than a bare replay: its first thousand or two runs cost it two to three times what the
 * runs after them do (a bare replay settles within a few), so rounds measured before that measure the compiler.
 */
async function warmUp(
  targets: readonly [ServerChild, ServerChild],
  runs: number,
  play: (side: number) => Promise<unknown>,
): Promise<WarmupCpu> {
  const ours = await cpuPerRun(targets[0], runs, () => play(0));
  const reference = await cpuPerRun(targets[1], runs, () => play(1));
  return { runs, oursMicrosPerRun: ours, referenceMicrosPerRun: reference };
}

/** A server's CPU, in µs, per run of a load of `runs` runs. */
async function cpuPerRun(server: ServerChild, runs: number, load: () => Promise<unknown>): Promise<number> {
  return (await serverCpuDuring(server, load)) / runs;
}

/**
 * Server CPU per run of ours (side 0) against the reference (side 1), in interleaved rounds whose order alternates,
 * so a slow patch of the machine does not always hit the same side. `play(side)` plays `runsPerRound` runs.
 */
export async function interleavedRunCpu(
  targets: readonly [ServerChild, ServerChild],
  rounds: number,
  runsPerRound: number,
  play: (side: number) => Promise<unknown>,
): Promise<RunCpu> {
  const micros: number[][] = [[], []];
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
      micros[side]?.push(await cpuPerRun(targets[side] as ServerChild, runsPerRound, () => play(side)));
    }
  }
  const [ours = [], reference = []] = micros;
  return {
    oursMicrosPerRun: spread(ours),
    referenceMicrosPerRun: spread(reference),
    ratio: spread(ours.map((value, round) => value / (reference[round] as number))),
    rounds,
  };
}
