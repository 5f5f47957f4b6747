import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type BenchConfig, configFromEnv, PHASES } from '../bench/config';
import { formatReport } from '../bench/report';
import { runPhases } from '../bench/run-phases';
import { killAllServerChildren } from '../bench/server-child';

// `npm run bench`'s phases at the smallest scale that still plays every code path: children compiled and started,
// loads, interleaved rounds, the console subscriber, the soak's clients and prober, the report. Even a quick
// bench takes over a minute (`docs/benchmarks.md`); this takes a fraction of that. Its figures mean nothing at
// this scale, on a busy machine: only that every phase completes with whole, well-formed results is checked.
// The peers phase is left out: its first run installs Mockoon's CLI from npm. The drift and the soak play their runs
// at speed 0.1 (every scripted delay a tenth, each still a timer of the engine's: the same paths as at speed 1), the
// soak's clients think up to 100 ms between runs, not a second, and the idle-memory samples wait a tenth of a second
// for the engine to settle, not half a second or a second: the phases' scripted time and settling were most of this
// test's time besides starting each phase's children (about a second of CPU per engine), which every phase must do.

const quick = configFromEnv({ BENCH_QUICK: '1', BENCH_FEED: 'console' });
const smoke: BenchConfig = {
  ...quick,
  phases: new Set(PHASES.filter((phase) => phase !== 'peers')),
  rounds: 1,
  rest: { concurrency: 4, warmupPerRoute: 10, requestsPerRoute: 10 },
  ws: { clients: 2, warmupRunsPerClient: 3, runsPerClient: 2 },
  sse: { clients: 2, warmupRunsPerClient: 3, runsPerClient: 2 },
  drift: { runs: 40, openBatch: 20, speed: 0.1 },
  idle: { sockets: 40, openBatch: 20, settleMs: 100 },
  soak: {
    ...quick.soak,
    minutes: 0.05,
    activeClients: 20,
    idleSockets: 20,
    openBatch: 10,
    thinkMs: 100,
    sampleEveryMs: 500,
    speed: 0.1,
    settleMs: 100,
  },
};

after(killAllServerChildren);

const positive = (value: number, what: string) => assert.ok(Number.isFinite(value) && value > 0, `${what}: ${value}`);

test('every bench phase but the peers completes at smoke scale, with whole results and a verdict per budget line', {
  timeout: 240_000,
}, async () => {
  const { results, verdicts } = await runPhases(smoke, [], () => {});
  const { rest, routes, ws, sse, drift, idle, soak } = results;
  assert.ok(rest && routes && ws && sse && drift && idle && soak, 'a result from every phase');
  assert.equal(results.peers, undefined);

  assert.equal(rest.lines.length, 7, 'the agora routes and the two user mounts');
  for (const line of [...rest.lines, rest.overall]) positive(line.ratio.median, line.route);
  positive(rest.feed.items, 'feed items during REST');
  positive(routes.ratio.median, 'route table ratio');
  for (const [name, phase] of [
    ['WS', ws],
    ['SSE', sse],
  ] as const) {
    assert.equal(phase.framesPerRun, 57, `${name}: the inspection flow's events`);
    positive(phase.ratio.median, `${name} ratio`);
    assert.ok(phase.everyFrame, `${name}: the console following every frame is measured too`);
    positive(phase.feed.items, `${name} feed items`);
  }
  // Played on the engine's timers (at speed 0 a run is over in one turn): the inspection flow's 2.8 s, a tenth.
  for (const [name, scriptedMs] of [
    ['drift', drift.scriptedServerMs],
    ['soak', soak.scriptedServerMs],
  ] as const)
    assert.ok(scriptedMs >= 100, `${name}: the lone run took ${scriptedMs} ms on the engine's clock`);
  assert.equal(drift.completed, smoke.drift.runs);
  assert.equal(drift.validOrder, smoke.drift.runs, "every run with the lone run's event order");
  positive(idle.engine.retainedBytes, 'engine bytes per idle socket');
  positive(soak.runs.completed, 'soak runs');
  assert.equal(soak.runs.inOrder, soak.runs.completed);
  assert.equal(soak.runs.failed, 0);
  positive(soak.health.probes, '/health probes');
  const slowest = soak.health.slowest;
  assert.ok(slowest.length > 0 && slowest.length <= 3, 'the slowest probes are named');
  assert.equal(slowest[0]?.ms, soak.health.max, 'slowest first');
  assert.ok(
    slowest.every((probe) => probe.atS >= 0 && probe.atS <= soak.minutes * 60 + 10),
    'each with its time',
  );

  const budgetLines = [
    'REST CPU per request vs bare Koa, every route',
    'REST CPU per request, 1000 user routes vs 10',
    'WS scripted run CPU vs bare ws replay',
    'SSE run on /agent CPU vs bare SSE replay',
    `${smoke.drift.runs} concurrent runs at speed ${smoke.drift.speed}`,
    'Idle /ws socket memory',
  ];
  const report = formatReport(results, verdicts);
  for (const line of budgetLines) assert.ok(report.includes(line), `the report has "${line}"`);
  assert.equal(verdicts.length, budgetLines.length + 4, 'and four soak lines');
  for (const verdict of verdicts) assert.equal(typeof verdict.pass, 'boolean', verdict.line);
});

test("`npm run bench` plays drift and soak at speed 1 and settles as it always did: only this test's config differs", () => {
  for (const config of [configFromEnv({}), quick]) {
    assert.equal(config.drift.speed, 1);
    assert.equal(config.soak.speed, 1);
    assert.equal(config.idle.settleMs, 500);
    assert.equal(config.soak.settleMs, 1000);
    assert.equal(config.soak.thinkMs, 1000);
  }
});
