import type { BaselineEngine } from './baseline-engine';
import { type FeedMode, type FeedSubscriber, subscribeIf } from './feed-subscriber';
import { ServerChild } from './server-child';
import type { EngineChildPayload } from './servers/engine-child';

/** What a phase measures ours against: its bare server, or (`BENCH_BASELINE`) another revision's engine. */
export interface ReferenceServer {
  server: ServerChild;
  label: string;
  /** A baseline engine's console, subscribed as ours is, so both sides pay for one alike. */
  feed: FeedSubscriber | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the phase's reference: `bare` as the budget measures, or with a `baseline` the engine of that revision,
 * started with ours' payload and given a console of its own — an A/B of two engines under the same load.
 */
export async function startReference(
  baseline: BaselineEngine | undefined,
  engine: { payload: EngineChildPayload; nodeFlags: string[]; feed: FeedMode },
  bare: { label: string; start: () => Promise<ServerChild> },
): Promise<ReferenceServer> {
  if (!baseline) {
    const server = await bare.start();
    return { server, label: bare.label, feed: undefined, stop: () => server.stop() };
  }
  const server = await ServerChild.start('engine', engine.payload, { nodeFlags: engine.nodeFlags, baseline });
  let feed: FeedSubscriber | undefined;
  try {
    feed = await subscribeIf(engine.feed, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    server,
    label: baseline.label,
    feed,
    stop: async () => {
      feed?.close();
      await server.stop();
    },
  };
}
