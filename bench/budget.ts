import type { DriftResult } from './drift-bench';
import type { IdleMemoryResult } from './idle-memory-bench';
import type { RestResult } from './rest-bench';
import { LARGE_TABLE, type RouteTableResult, SMALL_TABLE } from './route-table-bench';
import type { WsResult } from './ws-bench';

/** The performance budget the engine's design must meet (docs/benchmarks.md). */
export const BUDGET = {
  restRatio: 1.25,
  /** CPU per request with 1,000 user routes against 10 (issue: route matching must not become the cost). */
  routeTableRatio: 1.2,
  wsRatio: 1.5,
  /** Runs at speed 1 finish on their timeline: p99 lateness on the engine's clock, and none early. */
  driftP99Ms: 100,
  driftEarlyMs: -5,
  idleSocketBytes: 16 * 1024,
} as const;

export interface Verdict {
  line: string;
  measured: string;
  budget: string;
  pass: boolean;
}

export function restVerdict(rest: RestResult): Verdict {
  return {
    line: 'REST CPU per request vs bare Koa',
    measured: `${rest.overall.ratio.median.toFixed(2)}×`,
    budget: `≤ ${BUDGET.restRatio}×`,
    pass: rest.overall.ratio.median <= BUDGET.restRatio,
  };
}

export function routeTableVerdict(routes: RouteTableResult): Verdict {
  return {
    line: `REST CPU per request, ${LARGE_TABLE} user routes vs ${SMALL_TABLE}`,
    measured: `${routes.ratio.median.toFixed(2)}×`,
    budget: `≤ ${BUDGET.routeTableRatio}×`,
    pass: routes.ratio.median <= BUDGET.routeTableRatio,
  };
}

export function wsVerdict(ws: WsResult): Verdict {
  return {
    line: 'WS scripted run CPU vs bare ws replay',
    measured: `${ws.ratio.median.toFixed(2)}×`,
    budget: `≤ ${BUDGET.wsRatio}×`,
    pass: ws.ratio.median <= BUDGET.wsRatio,
  };
}

export function driftVerdict(drift: DriftResult): Verdict {
  const late = drift.serverLateness;
  return {
    line: `${drift.runs} concurrent runs at speed 1`,
    measured: `${drift.completed} done, ${drift.validOrder} in order, p99 ${late.p99} ms late`,
    budget: `all in order, p99 ≤ ${BUDGET.driftP99Ms} ms, none early`,
    pass:
      drift.completed === drift.runs &&
      drift.validOrder === drift.runs &&
      late.p99 <= BUDGET.driftP99Ms &&
      late.min >= BUDGET.driftEarlyMs,
  };
}

export function idleVerdict(idle: IdleMemoryResult): Verdict {
  return {
    line: 'Idle /ws socket memory',
    measured: `${(idle.engine.retainedBytes / 1024).toFixed(1)} KiB`,
    budget: `< ${BUDGET.idleSocketBytes / 1024} KiB`,
    pass: idle.engine.retainedBytes < BUDGET.idleSocketBytes,
  };
}
