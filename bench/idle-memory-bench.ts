import type WebSocket from 'ws';
import type { UsageSample } from './child-protocol';
import type { BenchConfig } from './config';
import { type FeedSubscriber, subscribeIf } from './feed-subscriber';
import { ServerChild } from './server-child';
import { closeAll, openSockets } from './ws-clients';

/** Bytes retained per open idle socket (after a full GC). */
export interface SocketMemory {
  /** heapUsed + external (external already includes arrayBuffers): the budgeted figure. */
  retainedBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Resident set: includes kernel socket buffers and allocator slack, so context only. */
  rssBytes: number;
}

export interface IdleMemoryResult {
  sockets: number;
  engine: SocketMemory;
  /** The same for a bare `ws` server, for scale. */
  bareWs: SocketMemory;
}

/** Memory per open idle `/ws` connection of the engine (with a console subscribed), and of bare `ws`. */
export async function benchIdleMemory(config: BenchConfig, engineFlags: string[]): Promise<IdleMemoryResult> {
  // Started together (each is measured in its own process, and only once both are up), then measured in turn.
  const [engine, bare] = await Promise.all([
    ServerChild.start('engine', { speed: 0 }, { nodeFlags: engineFlags }),
    ServerChild.start('bare-ws', { frames: [] }),
  ]);
  let feed: FeedSubscriber | undefined;
  try {
    feed = await subscribeIf(config.feed, engine);
    const engineMemory = await perSocket(engine, config);
    return { sockets: config.idle.sockets, engine: engineMemory, bareWs: await perSocket(bare, config) };
  } finally {
    feed?.close();
    await Promise.all([engine.stop(), bare.stop()]);
  }
}

async function perSocket(server: ServerChild, config: BenchConfig): Promise<SocketMemory> {
  const { sockets: count, openBatch, settleMs } = config.idle;
  // Open and close a batch first, so one-time costs (code, pools, caches) are in the baseline.
  closeAll(await openSockets(server.wsUrl, openBatch, openBatch));
  await settle(settleMs);
  const before = await server.usage(true);
  let sockets: WebSocket[] = [];
  try {
    sockets = await openSockets(server.wsUrl, count, openBatch);
    await settle(settleMs);
    const after = await server.usage(true);
    return delta(before, after, count);
  } finally {
    closeAll(sockets);
  }
}

/** Lets the server finish handshakes and the live feed flush what the opens published. */
function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function delta(before: UsageSample, after: UsageSample, count: number): SocketMemory {
  const per = (key: 'heapUsed' | 'external' | 'arrayBuffers' | 'rss') => (after[key] - before[key]) / count;
  return {
    retainedBytes: per('heapUsed') + per('external'),
    heapUsedBytes: per('heapUsed'),
    externalBytes: per('external'),
    arrayBuffersBytes: per('arrayBuffers'),
    rssBytes: per('rss'),
  };
}
