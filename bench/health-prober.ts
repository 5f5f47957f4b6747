import { type ChildProcess, fork } from 'node:child_process';
import { Agent, get } from 'node:http';
import { benchPath } from './bench-dir';
import { withTimeout } from './with-timeout';

/** Parent → prober: probe `url` every `intervalMs` until told to stop. */
type ProberRequest = { type: 'start'; url: string; intervalMs: number } | { type: 'stop' };
/** Prober → parent: the warm-up probe is done; the measured ones start now. */
type ProberReady = { type: 'ready' };
/** One probe: when it was sent (ms after probing started) and its latency in ms (null: it failed or timed out). */
export interface Probe {
  atMs: number;
  ms: number | null;
}
/** Prober → parent: every probe, in order. */
type ProberReply = { type: 'probes'; probes: Probe[] };

const PROBE_TIMEOUT_MS = 10_000;
/** This module's source, run in the forked child. */
const PROBER_SCRIPT = benchPath('health-prober.ts');

/**
 * `/health` probed once a second from its own process, so the latency measured is the engine's, not the lag of
 * the bench's process (which runs a thousand clients). One keep-alive socket, one probe in flight at a time.
 */
export class HealthProber {
  private constructor(private readonly child: ChildProcess) {}

  /**
   * Starts probing once a first probe, not counted, has warmed the prober up: the first request a process makes
   * loads and compiles its HTTP client, which on a busy machine took tens of milliseconds of the prober's own.
   */
  static async start(url: string, intervalMs: number): Promise<HealthProber> {
    const child = fork(PROBER_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve) => child.once('message', () => resolve()));
    child.send({ type: 'start', url, intervalMs } satisfies ProberRequest);
    try {
      await withTimeout(ready, PROBE_TIMEOUT_MS + 30_000, 'health prober start');
    } catch (error) {
      child.kill();
      throw error;
    }
    return new HealthProber(child);
  }

  /** Stops probing; resolves with every probe. */
  async stop(): Promise<Probe[]> {
    const reply = new Promise<Probe[]>((resolve) =>
      this.child.once('message', (message: ProberReply) => resolve(message.probes)),
    );
    this.child.send({ type: 'stop' } satisfies ProberRequest);
    try {
      return await withTimeout(reply, PROBE_TIMEOUT_MS + 5_000, 'health prober');
    } finally {
      this.child.kill();
    }
  }
}

function probe(url: string, agent: Agent): Promise<number | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = get(url, { agent, timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode === 200 ? performance.now() - started : null));
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(null));
  });
}

function runProber(): void {
  const probes: Probe[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let started = performance.now();
  process.on('message', async (message: ProberRequest) => {
    if (message.type === 'start') {
      await probe(message.url, agent);
      process.send?.({ type: 'ready' } satisfies ProberReady);
      started = performance.now();
      timer = setInterval(() => {
        inFlight = inFlight.then(async () => {
          const atMs = performance.now() - started;
          probes.push({ atMs, ms: await probe(message.url, agent) });
        });
      }, message.intervalMs);
    } else {
      clearInterval(timer);
      await inFlight;
      agent.destroy();
      process.send?.({ type: 'probes', probes } satisfies ProberReply);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// Only in the forked child: compiled into a test file, this module's own URL is that file's.
if (process.send && process.argv[1] === PROBER_SCRIPT) runProber();
