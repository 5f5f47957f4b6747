import { mkdir } from 'node:fs/promises';
import type WebSocket from 'ws';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import type { UsageSample } from './child-protocol';
import type { BenchConfig } from './config';
import { type FeedCounts, type FeedSubscriber, feedCounts, subscribeIf } from './feed-subscriber';
import { HealthProber, type Probe } from './health-prober';
import { ServerChild } from './server-child';
import { percentile } from './stats';
import { closeAll, INSPECTION_INPUT, openSockets, type PlayedRun, playRun } from './ws-clients';

const MIB = 1024 * 1024;
/** Lateness is counted in 1 ms buckets from −1 s to +2 min (values beyond are clamped; min and max stay exact). */
const LATENESS_FLOOR_MS = -1000;
const LATENESS_CEILING_MS = 120_000;

export interface MemorySample {
  /** Seconds since the active load started. */
  atS: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** What RSS holds besides live objects: V8's committed heap, and memory outside it (Buffers, sockets' data). */
  heapTotalMiB: number;
  externalMiB: number;
  /** `heapTotalMiB` by V8 heap space (new_space, old_space, large_object_space…): which one grows. */
  spacesMiB: Record<string, number>;
  /** The engine's event-loop delay since the previous sample. */
  loopDelayMaxMs: number;
  /** The engine's longest GC pause since the previous sample. */
  gcMaxPauseMs: number;
}

export interface SoakResult {
  minutes: number;
  /** The engine's speed setting (1: runs on their scripted timeline). */
  speed: number;
  activeClients: number;
  idleSockets: number;
  framesPerRun: number;
  scriptedServerMs: number;
  runs: { completed: number; inOrder: number; failed: number };
  /** Per event, on the engine's clock: its offset from RUN_STARTED minus the lone run's offset of that event. */
  eventLateness: { events: number; min: number; p50: number; p99: number; max: number };
  memory: {
    /** RSS with the idle sockets open, before the active load. */
    baselineRssMiB: number;
    maxRssMiB: number;
    finalRssMiB: number;
    maxHeapUsedMiB: number;
    /** Least-squares slope of RSS over the second half of the soak. */
    rssSlopeMiBPerMin: number;
    heapSlopeMiBPerMin: number;
    /**
     * The same for the lowest heapUsed of each minute of the second half: after a major GC heapUsed is about the
     * live heap, so this tells a leak (it climbs) from GC slack (RSS swings, troughs flat).
     */
    heapTroughSlopeMiBPerMin: number;
    /** The engine's `retainedMemoryBytes` (what it may keep for the console), in MiB. */
    retainedBudgetMiB: number;
    samples: MemorySample[];
  };
  /** The engine's own event-loop delay over the soak: the worst p99 and max of any sampling window. */
  loopDelay: { worstP99Ms: number; maxMs: number };
  /** The engine's garbage collection over the soak: longest pause, and the share of the wall time spent in GC. */
  gc: { maxPauseMs: number; share: number };
  health: {
    probes: number;
    failed: number;
    p50: number;
    p99: number;
    max: number;
    /** The slowest probes, slowest first: when each was sent (s into the load) and its latency. */
    slowest: { atS: number; ms: number }[];
  };
  /** Bytes per idle socket (heap + external after a full GC): opened before the load, and after it. */
  idleSocketBytes: { opened: number; atEnd: number };
  engineCpuShare: number;
  feed: FeedCounts;
  /** With `BENCH_HEAP_SNAPSHOTS`: before the load, halfway and at the end (seconds into the load). */
  heapSnapshots: { atS: number; liveHeapMiB: number; file: string }[];
}

/**
 * The soak: the engine at speed 1 with a console subscribed, 1,000 idle `/ws` sockets, and 1,000 clients running
 * the inspection flow back to back for minutes. Does memory stay flat, do events stay on time, does `/health`
 * stay fast?
 */
export async function benchSoak(
  config: BenchConfig,
  engineFlags: string[],
  progress: (message: string) => void,
): Promise<SoakResult> {
  const { activeClients, idleSockets, minutes, openBatch, thinkMs, sampleEveryMs, speed, settleMs } = config.soak;
  /** Lets the engine finish handshakes and closes and the live feed flush what they published. */
  const settle = () => sleep(settleMs);
  const engine = await ServerChild.start('engine', { speed }, { nodeFlags: engineFlags });
  let feed: FeedSubscriber | undefined;
  let prober: HealthProber | undefined;
  let idle: WebSocket[] = [];
  let active: WebSocket[] = [];
  const heapSnapshots: { atS: number; liveHeapMiB: number; file: string }[] = [];
  let start = performance.now();
  /** Diagnostic: the live heap (after a full GC) and a snapshot of it; each holds the engine's loop for seconds. */
  const snapshot = async () => {
    if (!config.soak.heapSnapshotDir) return;
    await mkdir(config.soak.heapSnapshotDir, { recursive: true });
    const { heapUsed } = await engine.usage(true);
    const file = await engine.heapSnapshot(config.soak.heapSnapshotDir);
    heapSnapshots.push({ atS: (performance.now() - start) / 1000, liveHeapMiB: heapUsed / MIB, file });
  };
  try {
    feed = await subscribeIf(config.feed, engine);
    const [lone] = await openSockets(engine.wsUrl, 1, 1);
    const scripted = timeline(await playRun(lone as WebSocket, 60_000, soakInput('lone')));
    closeAll([lone as WebSocket]);

    // Idle sockets first, measured as idle-memory-bench does (after a full GC, a batch opened once before).
    closeAll(await openSockets(engine.wsUrl, openBatch, openBatch));
    await settle();
    const beforeIdle = await engine.usage(true);
    idle = await openSockets(engine.wsUrl, idleSockets, openBatch);
    await settle();
    const withIdle = await engine.usage(true);
    active = await openSockets(engine.wsUrl, activeClients, openBatch);
    await snapshot();

    // Probing from before the load's first second (its first probe is one second in), warmed up already.
    prober = await HealthProber.start(`${engine.url}/health`, 1000);
    const lateness = new LatenessHistogram();
    const runs = { completed: 0, inOrder: 0, failed: 0 };
    const durationMs = minutes * 60_000;
    start = performance.now();
    const startUsage = await engine.usage();
    const samples: MemorySample[] = [];
    const loopP99s: number[] = [];
    let gcTotalMs = 0;
    const record = (usage: UsageSample) => {
      samples.push({
        atS: (performance.now() - start) / 1000,
        rssMiB: usage.rss / MIB,
        heapUsedMiB: usage.heapUsed / MIB,
        heapTotalMiB: usage.heapTotal / MIB,
        externalMiB: usage.external / MIB,
        spacesMiB: Object.fromEntries(Object.entries(usage.spaces).map(([space, bytes]) => [space, bytes / MIB])),
        loopDelayMaxMs: usage.loopDelayMaxMs,
        gcMaxPauseMs: usage.gcMaxPauseMs,
      });
      gcTotalMs += usage.gcTotalMs;
      loopP99s.push(usage.loopDelayP99Ms);
    };
    record(startUsage);
    let lastReport = start;
    const sampler = setInterval(() => {
      void engine.usage().then(record, () => {});
      if (performance.now() - lastReport >= 60_000) {
        lastReport = performance.now();
        const last = samples.at(-1);
        progress(
          `soak: ${((lastReport - start) / 60_000).toFixed(0)} min, ${runs.completed} runs, RSS ${last?.rssMiB.toFixed(0)} MiB`,
        );
      }
    }, sampleEveryMs);

    const midway = setTimeout(
      () => void snapshot().catch((error: Error) => progress(`soak: heap snapshot failed: ${error.message}`)),
      durationMs / 2,
    );
    const runTimeoutMs = scripted.durationMs * 3 + 60_000;
    await Promise.all(
      active.map(async (socket, client) => {
        // Spread the first starts over a run's length, so runs do not move in lockstep.
        await sleep(Math.random() * scripted.durationMs);
        // Bounded in count too: no run is shorter than 100 ms of scripted time.
        for (let run = 0; run < durationMs / 100 && performance.now() - start < durationMs; run++) {
          try {
            const played = await playRun(socket, runTimeoutMs, soakInput(`soak-${client}`));
            runs.completed++;
            if (lateness.addRun(played, scripted)) runs.inOrder++;
          } catch {
            runs.failed++;
            if (socket.readyState !== socket.OPEN) return;
          }
          await sleep(Math.random() * thinkMs);
        }
      }),
    );
    clearInterval(sampler);
    clearTimeout(midway);
    const probes = await prober.stop();
    prober = undefined;
    const endUsage = await engine.usage();
    record(endUsage);
    await snapshot();

    // Idle sockets on the soaked engine: the same measure again, 1,000 more opened once the active clients left
    // (closing sockets instead would free closed connections the console keeps, and blur the figure).
    closeAll(active);
    active = [];
    await settle();
    const beforeLate = await engine.usage(true);
    const late = await openSockets(engine.wsUrl, idleSockets, openBatch);
    await settle();
    const withLate = await engine.usage(true);
    closeAll(late);

    const secondHalf = samples.filter((sample) => sample.atS * 1000 >= durationMs / 2);
    const okProbes = probes.flatMap((probe) => (probe.ms === null ? [] : [probe.ms]));
    const retained = (usage: UsageSample) => usage.heapUsed + usage.external;
    return {
      minutes,
      speed,
      activeClients,
      idleSockets,
      framesPerRun: scripted.types.length,
      scriptedServerMs: scripted.durationMs,
      runs,
      eventLateness: lateness.summary(),
      memory: {
        baselineRssMiB: startUsage.rss / MIB,
        maxRssMiB: Math.max(...samples.map((sample) => sample.rssMiB)),
        finalRssMiB: endUsage.rss / MIB,
        maxHeapUsedMiB: Math.max(...samples.map((sample) => sample.heapUsedMiB)),
        rssSlopeMiBPerMin: slopePerMinute(secondHalf, (sample) => sample.rssMiB),
        heapSlopeMiBPerMin: slopePerMinute(secondHalf, (sample) => sample.heapUsedMiB),
        heapTroughSlopeMiBPerMin: slopePerMinute(
          troughsPerMinute(secondHalf, durationMs),
          (sample) => sample.heapUsedMiB,
        ),
        retainedBudgetMiB: DEFAULT_SETTINGS.retainedMemoryBytes / MIB,
        samples,
      },
      loopDelay: {
        worstP99Ms: Math.max(...loopP99s),
        maxMs: Math.max(...samples.map((sample) => sample.loopDelayMaxMs)),
      },
      gc: {
        maxPauseMs: Math.max(...samples.map((sample) => sample.gcMaxPauseMs)),
        share: gcTotalMs / (performance.now() - start),
      },
      health: {
        probes: probes.length,
        failed: probes.length - okProbes.length,
        p50: percentile(okProbes, 50),
        p99: percentile(okProbes, 99),
        max: Math.max(...okProbes),
        slowest: slowestProbes(probes, SLOWEST_PROBES_SHOWN),
      },
      idleSocketBytes: {
        opened: (retained(withIdle) - retained(beforeIdle)) / idleSockets,
        atEnd: (retained(withLate) - retained(beforeLate)) / idleSockets,
      },
      engineCpuShare: (endUsage.cpuMicros - startUsage.cpuMicros) / 1000 / (performance.now() - start),
      feed: feedCounts(config.feed, feed),
      heapSnapshots,
    };
  } finally {
    await prober?.stop().catch(() => {});
    closeAll(active);
    closeAll(idle);
    feed?.close();
    await engine.stop();
  }
}

/** How many of the slowest `/health` probes the report names, with when they came. */
const SLOWEST_PROBES_SHOWN = 3;

/** The `count` slowest answered probes, slowest first (s into the load, ms). */
function slowestProbes(probes: Probe[], count: number): { atS: number; ms: number }[] {
  return probes
    .flatMap((probe) => (probe.ms === null ? [] : [{ atS: probe.atMs / 1000, ms: probe.ms }]))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

/** The inspection flow on a client's own thread (each client a conversation of its own, as in a real UI). */
function soakInput(threadId: string): string {
  return JSON.stringify({ ...JSON.parse(INSPECTION_INPUT), threadId });
}

interface Timeline {
  types: string[];
  /** Each event's offset from RUN_STARTED on the engine's clock (NaN for an event without a timestamp). */
  offsets: number[];
  durationMs: number;
}

function timeline(run: PlayedRun): Timeline {
  const events = run.frames.map((frame) => JSON.parse(frame.toString()) as { type: string; timestamp?: number });
  const started = events.find((event) => event.type === 'RUN_STARTED')?.timestamp ?? Number.NaN;
  const offsets = events.map((event) => (event.timestamp ?? Number.NaN) - started);
  return { types: events.map((event) => event.type), offsets, durationMs: offsets.at(-1) ?? Number.NaN };
}

class LatenessHistogram {
  private readonly counts = new Float64Array(LATENESS_CEILING_MS - LATENESS_FLOOR_MS + 1);
  private events = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Adds a run's events if it came in the scripted order; says whether it did. */
  addRun(run: PlayedRun, scripted: Timeline): boolean {
    const played = timeline(run);
    if (played.types.join() !== scripted.types.join()) return false;
    played.offsets.forEach((offset, index) => {
      const late = offset - (scripted.offsets[index] as number);
      if (Number.isNaN(late)) return;
      this.events++;
      this.min = Math.min(this.min, late);
      this.max = Math.max(this.max, late);
      const bucket = Math.round(Math.min(LATENESS_CEILING_MS, Math.max(LATENESS_FLOOR_MS, late)));
      this.counts[bucket - LATENESS_FLOOR_MS] = (this.counts[bucket - LATENESS_FLOOR_MS] as number) + 1;
    });
    return true;
  }

  summary(): SoakResult['eventLateness'] {
    return { events: this.events, min: this.min, p50: this.at(50), p99: this.at(99), max: this.max };
  }

  private at(p: number): number {
    const rank = Math.ceil((p / 100) * this.events);
    let seen = 0;
    for (const [index, count] of this.counts.entries()) {
      seen += count;
      if (seen >= rank && count > 0) return index + LATENESS_FLOOR_MS;
    }
    return Number.NaN;
  }
}

/** Least-squares slope of `value` against time, per minute (NaN with fewer than two samples). */
function slopePerMinute(samples: MemorySample[], value: (sample: MemorySample) => number): number {
  if (samples.length < 2) return Number.NaN;
  const xs = samples.map((sample) => sample.atS / 60);
  const ys = samples.map(value);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  let covariance = 0;
  let variance = 0;
  xs.forEach((x, index) => {
    covariance += (x - meanX) * ((ys[index] as number) - meanY);
    variance += (x - meanX) ** 2;
  });
  return covariance / variance;
}

/**
 * The sample with the lowest heapUsed in each whole minute of the soak. The samples taken as it ends (at 600 and
 * 603 s of ten minutes) are no minute's trough: counted as one, a last "minute" of one or two samples reads as the
 * live heap climbing.
 */
function troughsPerMinute(samples: MemorySample[], durationMs: number): MemorySample[] {
  const wholeMinutes = Math.floor(durationMs / 60_000);
  const byMinute = new Map<number, MemorySample>();
  for (const sample of samples) {
    const minute = Math.floor(sample.atS / 60);
    if (minute >= wholeMinutes) continue;
    const lowest = byMinute.get(minute);
    if (!lowest || sample.heapUsedMiB < lowest.heapUsedMiB) byMinute.set(minute, sample);
  }
  return [...byMinute.values()];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
