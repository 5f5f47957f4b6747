import type { Verdict } from './budget';
import type { DriftResult } from './drift-bench';
import { FEED_NOTES, type FeedCounts } from './feed-subscriber';
import type { IdleMemoryResult } from './idle-memory-bench';
import type { RunPhaseResult } from './interleaved-runs';
import type { PeerDrift, PeersResult } from './peers/peers-bench';
import type { RestResult } from './rest-bench';
import { LARGE_TABLE, type RouteTableResult, SMALL_TABLE } from './route-table-bench';
import type { SoakResult } from './soak-bench';
import type { SseResult } from './sse-bench';
import type { Spread } from './stats';
import type { WsResult } from './ws-bench';

export interface BenchResults {
  /** `BENCH_BASELINE`: REST, WS and SSE measured ours against this revision's engine (an A/B). */
  baseline?: { revision: string; commit: string };
  rest?: RestResult;
  routes?: RouteTableResult;
  ws?: WsResult;
  drift?: DriftResult;
  idle?: IdleMemoryResult;
  peers?: PeersResult;
  sse?: SseResult;
  soak?: SoakResult;
}

/** The results as plain-text tables (also pasted into docs/benchmarks.md). */
export function formatReport(results: BenchResults, verdicts: Verdict[]): string {
  const out: string[] = [];
  const { baseline, rest, routes, ws, sse, drift, idle, peers, soak } = results;
  if (baseline) {
    out.push(
      `A/B: REST, WS and SSE measure this tree's engine ("ours") against the engine at ${baseline.commit} ` +
        `(${baseline.revision}), each with a console of its own; a ratio under 1 is ours costing less. Not the ` +
        "budget's measure: those lines are not judged.",
      '',
    );
  }
  if (rest) {
    out.push(
      `REST: server CPU µs/request, median of ${rest.rounds} interleaved rounds (min–max), ` +
        `${rest.requestsPerRoute} requests/route/round, concurrency ${rest.concurrency}`,
      table(
        ['route', 'ours µs', `${rest.reference} µs`, 'ratio', 'ratio spread'],
        [...rest.lines, rest.overall].map((line) => [
          line.route,
          line.oursMicros.median.toFixed(0),
          line.referenceMicros.median.toFixed(0),
          `${line.ratio.median.toFixed(2)}×`,
          range(line.ratio, 2),
        ]),
      ),
      feedLine(rest.feed),
      '',
    );
  }
  if (routes) {
    out.push(
      `Route table: engine CPU µs/request for the same ${routes.requestsPerRound} requests per round to user routes ` +
        `(templated JSON), median of ${routes.rounds} interleaved rounds`,
      table(
        ['routes mounted', 'µs/request', 'spread'],
        [
          [String(SMALL_TABLE), routes.smallMicros.median.toFixed(0), range(routes.smallMicros, 0)],
          [String(LARGE_TABLE), routes.largeMicros.median.toFixed(0), range(routes.largeMicros, 0)],
          ['ratio', `${routes.ratio.median.toFixed(2)}×`, range(routes.ratio, 2)],
        ],
      ),
      '',
    );
  }
  if (ws) {
    const what = `the inspection flow (${ws.framesPerRun} frames, ${ws.bytesPerRun} bytes)`;
    out.push(...runPhaseLines(`WS: server CPU µs per run of ${what}`, ws));
  }
  if (sse) {
    const what = `the inspection flow POSTed to /agent (${sse.framesPerRun} events, ${sse.bytesPerRun} bytes)`;
    out.push(...runPhaseLines(`SSE: server CPU µs per run of ${what}`, sse));
  }
  if (drift) {
    out.push(
      `Drift: ${drift.runs} concurrent runs at speed ${drift.speed}; scripted duration ${drift.scriptedServerMs} ms ` +
        `(engine clock), ${drift.scriptedClientMs.toFixed(0)} ms (client); ${drift.completed} completed, ` +
        `${drift.validOrder} with the lone run's event order; burst of ${drift.burstWallMs.toFixed(0)} ms used ` +
        `${drift.serverCpuMs.toFixed(0)} ms engine CPU (${((100 * drift.serverCpuMs) / drift.burstWallMs).toFixed(0)} % of a core)`,
      table(
        ['lateness (ms)', 'min', 'p50', 'p99', 'max'],
        [
          ['engine clock', ...latenessCells(drift.serverLateness)],
          ['client observed', ...latenessCells(drift.clientLateness)],
        ],
      ),
      feedLine(drift.feed),
      '',
    );
  }
  if (idle) {
    out.push(
      `Idle sockets: ${idle.sockets} open /ws connections, bytes per socket after a full GC`,
      table(
        ['server', 'heap+external', 'heapUsed', 'external', 'arrayBuffers', 'RSS'],
        [
          ['engine', ...memoryCells(idle.engine)],
          ['bare ws', ...memoryCells(idle.bareWs)],
        ],
      ),
      '',
    );
  }
  if (peers) {
    out.push(
      `Peers: server CPU µs/request over the REST routes (mean per request), median of ${peers.rounds} interleaved ` +
        `rounds (min–max), ${peers.requestsPerRoute} requests/route/round, concurrency ${peers.concurrency}; p99 is ` +
        'client-observed over every measured request; drift is the p99 lateness of 1,000 concurrent runs',
      table(
        ['server', 'CPU µs/request', 'ratio to bare Koa', 'p99 ms', 'drift p99', 'notes'],
        peers.lines.map((line) =>
          line.skipped || !line.micros || !line.ratio
            ? [line.server, '—', '—', '—', '—', `skipped: ${line.skipped ?? 'not measured'}`]
            : [
                line.server,
                `${line.micros.median.toFixed(0)} (${range(line.micros, 0)})`,
                `${line.ratio.median.toFixed(2)}×`,
                line.p99Ms?.toFixed(1) ?? '—',
                driftCell(line.drift),
                [line.note, line.cpuSource?.startsWith('/proc') ? `CPU from ${line.cpuSource}` : '']
                  .filter(Boolean)
                  .join('; '),
              ],
        ),
      ),
      '',
    );
  }
  if (soak) out.push(...soakLines(soak), '');
  if (verdicts.length > 0) {
    out.push(
      'Budget',
      table(
        ['line', 'measured', 'budget', 'verdict'],
        verdicts.map((verdict) => [verdict.line, verdict.measured, verdict.budget, verdict.pass ? 'PASS' : 'FAIL']),
      ),
    );
  }
  return out.join('\n').trimEnd();
}

/** A scripted-run phase (WS, SSE): the engine's CPU per run against its reference's, and the ratio. */
function runPhaseLines(title: string, result: RunPhaseResult): string[] {
  const { reference } = result;
  return [
    `${title}, ${result.clients} clients × ${result.runsPerClient} runs, median of ${result.rounds} interleaved rounds`,
    table(
      ['server', 'µs/run', 'spread'],
      [
        ['engine (speed 0)', result.oursMicrosPerRun.median.toFixed(0), range(result.oursMicrosPerRun, 0)],
        [reference, result.referenceMicrosPerRun.median.toFixed(0), range(result.referenceMicrosPerRun, 0)],
        ['ratio', `${result.ratio.median.toFixed(2)}×`, range(result.ratio, 2)],
      ],
    ),
    `warm-up before the rounds (not counted), ${result.warmup.runs} runs each: engine ${result.warmup.oursMicrosPerRun.toFixed(0)} µs/run, ${reference} ${result.warmup.referenceMicrosPerRun.toFixed(0)}`,
    feedLine(result.feed),
    ...(result.everyFrame
      ? [
          `with the console following every connection's frames instead (the worst case; not the budget's measure), ${result.everyFrame.rounds} more rounds: engine ${result.everyFrame.oursMicrosPerRun.median.toFixed(0)} µs/run, ${reference} ${result.everyFrame.referenceMicrosPerRun.median.toFixed(0)}, ratio ${result.everyFrame.ratio.median.toFixed(2)}× (${range(result.everyFrame.ratio, 2)})`,
        ]
      : []),
    '',
  ];
}

function soakLines(soak: SoakResult): string[] {
  const { memory, eventLateness: late, health, loopDelay, runs } = soak;
  const mib = (value: number) => value.toFixed(0);
  return [
    `Soak: ${soak.activeClients} clients running the inspection flow back to back (${soak.framesPerRun} events, ` +
      `${soak.scriptedServerMs} ms scripted) + ${soak.idleSockets} idle sockets, ${soak.minutes} min at speed ${soak.speed}; ` +
      `${runs.completed} runs (${runs.inOrder} in order, ${runs.failed} failed); engine at ` +
      `${(100 * soak.engineCpuShare).toFixed(0)} % of a core`,
    table(
      ['measure', 'value'],
      [
        [
          'RSS MiB: with idle sockets / max / at the end',
          `${mib(memory.baselineRssMiB)} / ${mib(memory.maxRssMiB)} / ${mib(memory.finalRssMiB)}`,
        ],
        [
          'slope over the second half, MiB/min: RSS / heap / heap troughs (live heap)',
          [memory.rssSlopeMiBPerMin, memory.heapSlopeMiBPerMin, memory.heapTroughSlopeMiBPerMin]
            .map((value) => value.toFixed(1))
            .join(' / '),
        ],
        ['heapUsed max MiB', mib(memory.maxHeapUsedMiB)],
        [
          `event lateness ms, engine clock (${late.events} events): min / p50 / p99 / max`,
          [late.min, late.p50, late.p99, late.max].map((value) => value.toFixed(0)).join(' / '),
        ],
        [
          'engine event-loop delay ms: worst window p99 / max',
          `${loopDelay.worstP99Ms.toFixed(0)} / ${loopDelay.maxMs.toFixed(0)}`,
        ],
        [
          'engine GC: longest pause ms / share of the time',
          `${soak.gc.maxPauseMs.toFixed(0)} / ${(100 * soak.gc.share).toFixed(1)} %`,
        ],
        [
          `/health ms (${health.probes} probes, ${health.failed} failed): p50 / p99 / max`,
          [health.p50, health.p99, health.max].map((value) => value.toFixed(1)).join(' / '),
        ],
        [
          'slowest /health probes: ms at s into the load',
          health.slowest.map((probe) => `${probe.ms.toFixed(1)} at ${probe.atS.toFixed(0)}`).join(', '),
        ],
        ...(soak.heapSnapshots.length > 0
          ? [
              [
                'live heap MiB after a full GC, at s (heap snapshots)',
                soak.heapSnapshots.map((shot) => `${mib(shot.liveHeapMiB)} at ${shot.atS.toFixed(0)}`).join(', '),
              ],
            ]
          : []),
        [
          'idle socket KiB: before / after the soak',
          `${(soak.idleSocketBytes.opened / 1024).toFixed(1)} / ${(soak.idleSocketBytes.atEnd / 1024).toFixed(1)}`,
        ],
      ],
    ),
    feedLine(soak.feed),
  ];
}

function feedLine(feed: FeedCounts): string {
  return feed.mode === 'none'
    ? `${FEED_NOTES.none}`
    : `${FEED_NOTES[feed.mode]}: ${feed.items} items received, ${feed.dropped} dropped`;
}

function driftCell(drift: PeerDrift): string {
  if ('none' in drift) return `— (${drift.none})`;
  const done = drift.completed === drift.runs ? '' : `${drift.completed}/${drift.runs} done, `;
  return `${drift.p99Ms.toFixed(0)} ms (${done}${drift.validOrder}/${drift.runs} in order; ${drift.source})`;
}

function range(value: Spread, digits: number): string {
  return `${value.min.toFixed(digits)}–${value.max.toFixed(digits)}`;
}

function latenessCells(late: DriftResult['serverLateness']): string[] {
  return [late.min, late.p50, late.p99, late.max].map((value) => value.toFixed(0));
}

function memoryCells(memory: IdleMemoryResult['engine']): string[] {
  return [
    memory.retainedBytes,
    memory.heapUsedBytes,
    memory.externalBytes,
    memory.arrayBuffersBytes,
    memory.rssBytes,
  ].map((bytes) => `${(bytes / 1024).toFixed(1)} KiB`);
}

/** A Markdown-compatible table with padded columns, readable as plain text too. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [format(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(format)].join(
    '\n',
  );
}
