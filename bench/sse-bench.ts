import type { Agent } from 'node:http';
import type { BaselineEngine } from './baseline-engine';
import type { BenchConfig } from './config';
import { type FeedSubscriber, subscribeIf } from './feed-subscriber';
import { keepAliveAgent } from './http-load';
import { measureRunPhase, type RunPhaseResult } from './interleaved-runs';
import { type ReferenceServer, startReference } from './reference-server';
import { ServerChild } from './server-child';
import { inspectionRunInput, postRun, sseFrames } from './sse-clients';

const RUN_TIMEOUT_MS = 30_000;
/** The default workspace's AG-UI HTTP agent (the agora template's `agents` mount). */
const AGENT_PATH = '/agent';

export type SseResult = RunPhaseResult;

/**
 * SSE: server CPU per run of the inspection flow POSTed to `/agent` at speed 0 (request log, frame log and live
 * feed on) against a bare `node:http` server writing the same recorded SSE frames one by one (or, with
 * `baseline`, that revision's engine).
 */
export async function benchSse(
  config: BenchConfig,
  engineFlags: string[],
  baseline?: BaselineEngine,
): Promise<SseResult> {
  const { clients } = config.sse;
  const payload = { speed: 0 };
  const engine = await ServerChild.start('engine', payload, { nodeFlags: engineFlags });
  let reference: ReferenceServer | undefined;
  let feed: FeedSubscriber | undefined;
  const agents: Agent[] = [];
  try {
    feed = await subscribeIf(config.feed, engine);
    const recorderAgent = keepAliveAgent(1);
    agents.push(recorderAgent);
    const recording = await postRun(
      `${engine.url}${AGENT_PATH}`,
      inspectionRunInput('recorder', 'recorded'),
      recorderAgent,
      RUN_TIMEOUT_MS,
    );
    if (recording.status !== 200) throw new Error(`${AGENT_PATH} answered ${recording.status}`);
    const frames = sseFrames(Buffer.concat(recording.chunks).toString());
    if (!frames.at(-1)?.includes('"RUN_FINISHED"')) throw new Error(`${AGENT_PATH}: the recorded run did not finish`);
    reference = await startReference(
      baseline,
      { payload, nodeFlags: engineFlags, feed: config.feed },
      { label: 'bare SSE replay', start: () => ServerChild.start('bare-sse', { frames }) },
    );

    const targets = [engine, reference.server];
    for (const _ of targets) agents.push(keepAliveAgent(clients));
    let runIds = 0;
    const playAll = async (side: number, runs: number) => {
      const server = targets[side] as ServerChild;
      const agent = agents[side + 1] as Agent;
      await Promise.all(
        Array.from({ length: clients }, async (_, client) => {
          for (let run = 0; run < runs; run++) {
            const body = inspectionRunInput(`sse-${client}`, `run-${runIds++}`);
            const played = await postRun(`${server.url}${AGENT_PATH}`, body, agent, RUN_TIMEOUT_MS);
            if (played.status !== 200) throw new Error(`${AGENT_PATH} answered ${played.status}`);
          }
        }),
      );
    };
    const measured = await measureRunPhase(config, config.sse, engine, feed, reference, playAll);
    return {
      framesPerRun: frames.length,
      bytesPerRun: frames.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0),
      ...measured,
    };
  } finally {
    for (const agent of agents) agent.destroy();
    feed?.close();
    await Promise.all([engine.stop(), reference?.stop()]);
  }
}
