/** What a server under test reports about itself: cumulative CPU and, after a forced GC if asked, memory. */
export interface UsageSample {
  /** User + system CPU of the child since it started, in microseconds. */
  cpuMicros: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

/** Parent → child over the fork IPC channel. */
export type ParentMessage =
  | { type: 'start'; payload: unknown }
  | { type: 'usage'; id: number; gc: boolean }
  | { type: 'exit' };

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready'; url: string; token: string }
  | { type: 'usage'; id: number; sample: UsageSample }
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
    } else {
      await server?.stop();
      process.exit(0);
    }
  });
  // Orphaned (the bench died): do not linger.
  process.on('disconnect', () => process.exit(0));
}

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
  return {
    cpuMicros: cpu.user + cpu.system,
    heapUsed: memory.heapUsed,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    rss: memory.rss,
  };
}
