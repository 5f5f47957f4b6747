import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
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
import { configFromEnv } from './config';
import { benchDrift } from './drift-bench';
import { benchIdleMemory } from './idle-memory-bench';
import { benchPeers } from './peers/peers-bench';
import { type BenchResults, formatReport } from './report';
import { benchRest } from './rest-bench';
import { benchRouteTable } from './route-table-bench';
import { killAllServerChildren } from './server-child';
import { benchSoak } from './soak-bench';
import { benchSse } from './sse-bench';
import { benchWs } from './ws-bench';

const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
const config = configFromEnv();
const started = performance.now();
const deadline = setTimeout(() => {
  console.error(`bench: over its ${config.deadlineMs / 1000} s deadline, stopping`);
  killAllServerChildren();
  process.exit(1);
}, config.deadlineMs);

const machine = {
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  /** Other load on the machine when the bench started: the ratios are only as good as this is quiet. */
  loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
};
// A profile per engine child, written when it exits; see bench/profile-summary.ts.
const engineFlags = [
  ...(config.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}profiles`] : []),
  ...config.engineFlags,
];

const progress = (message: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

try {
  console.error(
    `bench${config.quick ? ' (quick)' : ''}: ${machine.nproc} CPUs, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
  );
  const results: BenchResults = {};
  const verdicts: Verdict[] = [];
  if (config.phases.has('rest')) {
    progress('REST: engine vs bare Koa');
    results.rest = await benchRest(config, engineFlags);
    verdicts.push(restVerdict(results.rest));
  }
  if (config.phases.has('routes')) {
    progress('routes: 1,000 user routes vs 10');
    results.routes = await benchRouteTable(config, engineFlags);
    verdicts.push(routeTableVerdict(results.routes));
  }
  if (config.phases.has('ws')) {
    progress('WS: scripted runs vs bare ws replay');
    results.ws = await benchWs(config, engineFlags);
    verdicts.push(wsVerdict(results.ws));
  }
  if (config.phases.has('sse')) {
    progress('SSE: /agent runs vs bare SSE replay');
    results.sse = await benchSse(config, engineFlags);
    verdicts.push(sseVerdict(results.sse));
  }
  if (config.phases.has('drift')) {
    progress(`drift: ${config.drift.runs} concurrent runs at speed 1`);
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
    const { minutes, activeClients, idleSockets } = config.soak;
    progress(`soak: ${activeClients} active clients + ${idleSockets} idle sockets for ${minutes} min at speed 1`);
    results.soak = await benchSoak(config, engineFlags, progress);
    verdicts.push(...soakVerdicts(results.soak));
  }
  const durationS = Math.round((performance.now() - started) / 1000);
  progress('done');
  console.log(`\n${formatReport(results, verdicts)}\n`);
  console.log(
    `${new Date().toISOString()} · ${machine.nproc} × ${machine.cpu} · node ${machine.node} · ${durationS} s`,
  );
  await mkdir(resultsDir, { recursive: true });
  const file = `${resultsDir}latest.json`;
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), durationS, quick: config.quick, machine, results, verdicts }, null, 2)}\n`,
  );
  console.log(`results: ${file}`);
} catch (error) {
  console.error('bench failed:', error);
  killAllServerChildren();
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
}
