import type { FeedMode } from './feed-subscriber';

/** What one bench run does; `BENCH_QUICK=1` shrinks every count for a run of about a minute. */
export interface BenchConfig {
  quick: boolean;
  /** Phases to run (`BENCH_ONLY=rest,routes,ws,sse,drift,idle,peers,soak`); all by default. */
  phases: Set<Phase>;
  /** `BENCH_CPU_PROF=1`: engine children write a V8 CPU profile into `bench/results/profiles/`. */
  cpuProfile: boolean;
  /** `BENCH_ENGINE_FLAGS="--max-semi-space-size=64 …"`: extra node flags for engine children (a diagnostic). */
  engineFlags: string[];
  /**
   * `BENCH_BASELINE=<git revision>`: an A/B — the REST, WS and SSE phases measure this tree's engine against that
   * revision's instead of the bare servers (their budget lines are then not judged).
   */
  baseline: string | undefined;
  /**
   * What the bench's console follows on the live feed (`BENCH_FEED`): `console` (default) as the console does, one
   * selected connection's frames; `all` every connection's frames (the WS and SSE phases also measure this worst
   * case after their rounds); `0` no console subscribed, a diagnostic to see what the feed costs.
   */
  feed: FeedMode;
  /** Interleaved rounds (ours, reference, ours…) for the ratio measurements: 7, 3 quick, `BENCH_ROUNDS` else. */
  rounds: number;
  rest: { concurrency: number; warmupPerRoute: number; requestsPerRoute: number };
  ws: { clients: number; warmupRunsPerClient: number; runsPerClient: number };
  drift: {
    runs: number;
    openBatch: number;
    /**
     * The engine's speed setting for the runs (it multiplies every scripted delay): 1, the budget's. Only the suite's
     * smoke test (test/bench-smoke.test.ts) plays them faster; the peers phase compares its peers' drift with this
     * phase's, at their own pace, so it assumes 1.
     */
    speed: number;
  };
  idle: {
    sockets: number;
    openBatch: number;
    /** How long the engine gets to finish handshakes and closes and flush its live feed before a memory sample. */
    settleMs: number;
  };
  /** Ours against bare servers and other mocks (`bench/peers/`): fewer requests than REST, Python is slow. */
  peers: { rounds: number; warmupPerRoute: number; requestsPerRoute: number };
  sse: { clients: number; warmupRunsPerClient: number; runsPerClient: number };
  soak: {
    /** `BENCH_SOAK_MINUTES` overrides: 10 by default, 1 quick. */
    minutes: number;
    activeClients: number;
    idleSockets: number;
    openBatch: number;
    /** Each active client waits up to this long (uniformly random) between its runs. */
    thinkMs: number;
    /** How often the engine's memory is sampled. */
    sampleEveryMs: number;
    /** The engine's speed setting, as the drift phase's: 1 (the budget's), faster only in the smoke test. */
    speed: number;
    /** As the idle phase's, before each idle-socket memory sample. */
    settleMs: number;
    /** `BENCH_HEAP_SNAPSHOTS=DIR`: the engine writes a heap snapshot there before the load, halfway and at the end. */
    heapSnapshotDir: string | undefined;
  };
  /** The whole bench is killed past this. */
  deadlineMs: number;
}

function feedMode(value: string | undefined): FeedMode {
  if (value === undefined || value === '' || value === 'console') return 'console';
  if (value === 'all') return 'all';
  if (value === '0') return 'none';
  throw new Error('BENCH_FEED: console (default), all or 0');
}

export const PHASES = ['rest', 'routes', 'ws', 'sse', 'drift', 'idle', 'peers', 'soak'] as const;
export type Phase = (typeof PHASES)[number];

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  const only = env.BENCH_ONLY?.split(',').map((name) => name.trim());
  for (const name of only ?? []) {
    if (!PHASES.includes(name as Phase)) throw new Error(`BENCH_ONLY: unknown phase ${name} (${PHASES.join(', ')})`);
  }
  const soakMinutes = env.BENCH_SOAK_MINUTES === undefined ? (quick ? 1 : 10) : Number(env.BENCH_SOAK_MINUTES);
  if (!(soakMinutes > 0 && soakMinutes <= 120)) throw new Error('BENCH_SOAK_MINUTES: a number of minutes, up to 120');
  const phases = new Set((only ?? PHASES) as Phase[]);
  const rounds = env.BENCH_ROUNDS === undefined ? (quick ? 3 : 7) : Number(env.BENCH_ROUNDS);
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 100)) throw new Error('BENCH_ROUNDS: 1 to 100 rounds');
  const baseline = env.BENCH_BASELINE || undefined;
  // A revision name as git spells one, never an option.
  if (baseline !== undefined && !/^[\w./~^@{}][\w./~^@{}-]{0,199}$/.test(baseline))
    throw new Error('BENCH_BASELINE: a git revision (a commit, branch or tag, HEAD~1…)');
  return {
    quick,
    phases,
    cpuProfile: env.BENCH_CPU_PROF === '1',
    engineFlags: env.BENCH_ENGINE_FLAGS?.split(/\s+/).filter(Boolean) ?? [],
    baseline,
    feed: feedMode(env.BENCH_FEED),
    rounds,
    rest: { concurrency: 16, warmupPerRoute: 3000, requestsPerRoute: quick ? 200 : 1200 },
    // Warm-ups long enough for V8 to have compiled the engine's run path (see `warmUp`): 3,000 runs, quick too
    // (600 left quick rounds in the compilation, and their ratios meant nothing).
    ws: { clients: 20, warmupRunsPerClient: 150, runsPerClient: quick ? 10 : 40 },
    // The budget's 1,000 runs even when quick: the run is a few seconds of scripted time.
    drift: { runs: 1000, openBatch: 100, speed: 1 },
    idle: { sockets: quick ? 500 : 2000, openBatch: 100, settleMs: 500 },
    peers: { rounds: quick ? 3 : 5, warmupPerRoute: quick ? 50 : 100, requestsPerRoute: quick ? 200 : 400 },
    sse: { clients: 20, warmupRunsPerClient: 150, runsPerClient: quick ? 10 : 40 },
    soak: {
      minutes: soakMinutes,
      activeClients: 1000,
      idleSockets: 1000,
      openBatch: 100,
      thinkMs: 1000,
      sampleEveryMs: quick ? 2000 : 5000,
      speed: 1,
      settleMs: 1000,
      heapSnapshotDir: env.BENCH_HEAP_SNAPSHOTS || undefined,
    },
    // The peers phase's first run installs Mockoon's CLI (up to 2 minutes); the soak's minutes come on top (with a margin for its setup, scripted run and idle-memory measurement).
    deadlineMs: (quick ? 240_000 : 600_000) + (phases.has('soak') ? (soakMinutes + 5) * 60_000 : 0),
  };
}
