import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

/** What a server under test reports about itself: cumulative CPU and, after a forced GC if asked, memory. */
export interface UsageSample {
  /** User + system CPU of the child since it started, in microseconds. */
  cpuMicros: number;
  heapUsed: number;
  /** Heap the engine's V8 has committed (used or not). */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** What each of V8's heap spaces has committed (new space, old space, large objects…), by name. */
  spaces: Record<string, number>;
  /** The child's event-loop delay since its previous sample (p99 and max, ms): how long its loop was held. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Garbage collection since the previous sample: the longest pause and the total, ms. */
  gcMaxPauseMs: number;
  gcTotalMs: number;
}

/** Parent → child over the fork IPC channel. */
export type ParentMessage =
  | { type: 'start'; payload: unknown }
  | { type: 'usage'; id: number; gc: boolean }
  /** A diagnostic: write a V8 heap snapshot into `dir` (slow, holds the child's loop for seconds). */
  | { type: 'heap-snapshot'; id: number; dir: string }
  | { type: 'exit' };

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready'; url: string; token: string }
  | { type: 'usage'; id: number; sample: UsageSample }
  | { type: 'heap-snapshot'; id: number; file: string }
  | { type: 'failed'; error: string };

/** What a child's server hands back once listening; `stop` lets the process exit cleanly (for --cpu-prof). */
export interface StartedServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * The child's end of the protocol: starts its server with the parent's payload, answers usage requests, and
 * exits normally on request so a `--cpu-prof` profile gets written.
 */
export function serveAsChild(start: (payload: unknown) => Promise<StartedServer>): void {
  const reply = (message: ChildMessage) => process.send?.(message);
  let server: StartedServer | undefined;
  loopDelay.enable();
  gcObserver.observe({ entryTypes: ['gc'] });
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'start') {
      try {
        server = await start(message.payload);
        reply({ type: 'ready', url: server.url, token: server.token });
      } catch (error) {
        reply({ type: 'failed', error: String(error) });
      }
    } else if (message.type === 'usage') {
      reply({ type: 'usage', id: message.id, sample: await sample(message.gc) });
    } else if (message.type === 'heap-snapshot') {
      const file = join(message.dir, `engine-${process.pid}-${Date.now()}.heapsnapshot`);
      reply({ type: 'heap-snapshot', id: message.id, file: writeHeapSnapshot(file) });
    } else {
      await server?.stop();
      process.exit(0);
    }
  });
  // Orphaned (the bench died): do not linger.
  process.on('disconnect', () => process.exit(0));
}

/** Event-loop delay of the child, 10 ms resolution (the granularity a blocked loop matters at). */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const gc = { maxPauseMs: 0, totalMs: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.maxPauseMs = Math.max(gc.maxPauseMs, entry.duration);
    gc.totalMs += entry.duration;
  }
});

async function sample(collect: boolean): Promise<UsageSample> {
  if (collect) {
    if (!globalThis.gc) throw new Error('run the child with --expose-gc');
    // Twice with a turn of the event loop between: weak callbacks and finalizers free more on the second pass.
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  // The histogram counts the timer's own resolution in every sample: take it off, so an idle loop reads ~0.
  const delayMs = (nanos: number) => Math.max(0, nanos / 1e6 - 10);
  const loop = { loopDelayP99Ms: delayMs(loopDelay.percentile(99)), loopDelayMaxMs: delayMs(loopDelay.max) };
  loopDelay.reset();
  const collected = { gcMaxPauseMs: gc.maxPauseMs, gcTotalMs: gc.totalMs };
  gc.maxPauseMs = 0;
  gc.totalMs = 0;
  return {
    ...loop,
    ...collected,
    cpuMicros: cpu.user + cpu.system,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    rss: memory.rss,
    spaces: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size])),
  };
}
