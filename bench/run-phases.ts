import { baselineEngine } from './baseline-engine';
import {
  driftVerdict,
  idleVerdict,
  restVerdict,
  routeTableVerdict,
  soakVerdicts,
  sseVerdict,
  type Verdict,
  wsVerdict,
} from './budget';
import type { BenchConfig } from './config';
import { benchDrift } from './drift-bench';
import { benchIdleMemory } from './idle-memory-bench';
import { benchPeers } from './peers/peers-bench';
import type { BenchResults } from './report';
import { benchRest } from './rest-bench';
import { benchRouteTable } from './route-table-bench';
import { benchSoak } from './soak-bench';
import { benchSse } from './sse-bench';
import { benchWs } from './ws-bench';

/** The phases `config` names, in the bench's order, each with its budget lines; `progress` hears each start. */
export async function runPhases(
  config: BenchConfig,
  engineFlags: string[],
  progress: (message: string) => void,
): Promise<{ results: BenchResults; verdicts: Verdict[] }> {
  const results: BenchResults = {};
  const verdicts: Verdict[] = [];
  // An A/B against another revision's engine: its ratios are not the budget's, so those lines are not judged.
  const baseline = config.baseline === undefined ? undefined : baselineEngine(config.baseline);
  if (baseline) results.baseline = { revision: baseline.revision, commit: baseline.commit };
  const judged = (verdict: Verdict) => {
    if (!baseline) verdicts.push(verdict);
  };
  if (config.phases.has('rest')) {
    progress(`REST: engine vs ${baseline?.label ?? 'bare Koa'}`);
    results.rest = await benchRest(config, engineFlags, baseline);
    judged(restVerdict(results.rest));
  }
  if (config.phases.has('routes')) {
    progress('routes: 1,000 user routes vs 10');
    results.routes = await benchRouteTable(config, engineFlags);
    verdicts.push(routeTableVerdict(results.routes));
  }
  if (config.phases.has('ws')) {
    progress(`WS: scripted runs vs ${baseline?.label ?? 'bare ws replay'}`);
    results.ws = await benchWs(config, engineFlags, baseline);
    judged(wsVerdict(results.ws));
  }
  if (config.phases.has('sse')) {
    progress(`SSE: /agent runs vs ${baseline?.label ?? 'bare SSE replay'}`);
    results.sse = await benchSse(config, engineFlags, baseline);
    judged(sseVerdict(results.sse));
  }
  if (config.phases.has('drift')) {
    progress(`drift: ${config.drift.runs} concurrent runs at speed ${config.drift.speed}`);
    results.drift = await benchDrift(config, engineFlags);
    verdicts.push(driftVerdict(results.drift));
  }
  if (config.phases.has('idle')) {
    progress(`idle: ${config.idle.sockets} open sockets`);
    results.idle = await benchIdleMemory(config, engineFlags);
    verdicts.push(idleVerdict(results.idle));
  }
  if (config.phases.has('peers')) {
    progress('peers: ours, bare node:http, bare Koa, AGORA Python mock, Mockoon');
    results.peers = await benchPeers(config, engineFlags, results.drift, progress);
  }
  // Last: it is the long one.
  if (config.phases.has('soak')) {
    const { minutes, activeClients, idleSockets, speed } = config.soak;
    progress(
      `soak: ${activeClients} active clients + ${idleSockets} idle sockets for ${minutes} min at speed ${speed}`,
    );
    results.soak = await benchSoak(config, engineFlags, progress);
    verdicts.push(...soakVerdicts(results.soak));
  }
  return { results, verdicts };
}
