import type { ServerChild } from './server-child';
import { type Spread, spread } from './stats';

export interface RunCpu {
  oursMicrosPerRun: Spread;
  bareMicrosPerRun: Spread;
  /** Per round ours / bare. */
  ratio: Spread;
}

/** A scripted-run phase's result (WS, SSE): its load, the recorded run, CPU per run, and what the console got. */
export interface RunPhaseResult extends RunCpu {
  rounds: number;
  clients: number;
  runsPerClient: number;
  framesPerRun: number;
  bytesPerRun: number;
  feed: { items: number; dropped: number } | null;
}

/**
 * Server CPU per run of ours (side 0) against a bare replay (side 1), in interleaved rounds whose order alternates,
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
      const server = targets[side] as ServerChild;
      const before = await server.usage();
      await play(side);
      const after = await server.usage();
      micros[side]?.push((after.cpuMicros - before.cpuMicros) / runsPerRound);
    }
  }
  const [ours = [], bare = []] = micros;
  return {
    oursMicrosPerRun: spread(ours),
    bareMicrosPerRun: spread(bare),
    ratio: spread(ours.map((value, round) => value / (bare[round] as number))),
  };
}
