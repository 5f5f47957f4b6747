import type { Agent } from 'node:http';
import type { BenchConfig } from '../config';
import { benchDrift, type DriftResult, driftBurst } from '../drift-bench';
import { FEED_NOTES, type FeedSubscriber, subscribeIf } from '../feed-subscriber';
import { keepAliveAgent, type LoadRoute, runLoad } from '../http-load';
import { ROUTES, recordBodies } from '../rest-bench';
import { ServerChild } from '../server-child';
import { serverCpuDuring } from '../server-cpu';
import { percentile, type Spread, spread } from '../stats';
import { startAgoraPythonMock } from './agora-python-mock';
import { messageOf } from './error-message';
import type { PeerServer } from './external-server';
import { startMockoon } from './mockoon';
import { PROC_CPU_SOURCE, procTickMicros } from './proc-cpu';

const LOAD_TIMEOUT_MS = 120_000;

/** The 1,000 concurrent runs' p99 lateness on the server's own clock, or why a server has none. */
export type PeerDrift =
  | { p99Ms: number; runs: number; completed: number; validOrder: number; source: string }
  | { none: string };

export interface PeerLine {
  server: string;
  /** Why it was not measured; a skipped line has no figures. */
  skipped?: string;
  /** CPU µs per request, the mean over the routes it serves, per round: median and spread over rounds. */
  micros?: Spread;
  /** Per round, against bare Koa's CPU in the same round over the same routes. */
  ratio?: Spread;
  /** Median CPU µs per request per route. */
  routeMicros?: Record<string, number>;
  /** Client-observed latency of every measured request (16 in flight), ms. */
  p99Ms?: number;
  /** How CPU was read: `process.cpuUsage()` in the child, or /proc and its resolution per request. */
  cpuSource?: string;
  drift: PeerDrift;
  note: string;
}

export interface PeersResult {
  rounds: number;
  requestsPerRoute: number;
  concurrency: number;
  lines: PeerLine[];
}

interface Slot {
  name: string;
  note: string;
  target?: Target;
  skipped?: string;
  /** The engine: its drift comes from the drift phase. */
  ours?: boolean;
}

interface Target {
  server: PeerServer;
  /** What it is asked for each of ROUTES, by position; `undefined` where it cannot serve that route at all. */
  routes: (LoadRoute | undefined)[];
  /** Another project's server (not our child): its CPU comes from /proc, and its failures skip it. */
  peer?: boolean;
  agent?: Agent;
  /** Its `/ws` when it plays AGORA's flow and the drift must be measured here. */
  wsUrl?: string;
}

/**
 * Ours against the floor (bare `node:http`), the reference (bare Koa) and the mocks people would use instead
 * (AGORA's Python mock, Mockoon's CLI): server CPU per request over the REST routes in interleaved rounds,
 * client p99 latency, and the 1,000-run drift for those that play AGORA's WebSocket flow. A peer that
 * cannot run here is a line saying why, not a failure.
 */
export async function benchPeers(
  config: BenchConfig,
  engineFlags: string[],
  oursDrift: DriftResult | undefined,
  log: (message: string) => void,
): Promise<PeersResult> {
  const { rounds, warmupPerRoute, requestsPerRoute } = config.peers;
  const { concurrency } = config.rest;
  const loadOnce = (target: Target, route: LoadRoute, count: number) =>
    runLoad(target.server.url, route, count, concurrency, target.agent as Agent, LOAD_TIMEOUT_MS);
  const running: PeerServer[] = [];
  const agents: Agent[] = [];
  let feed: FeedSubscriber | undefined;
  try {
    const engine = await ServerChild.start('engine', { speed: 0 }, { nodeFlags: engineFlags });
    const ours = childServer(engine);
    running.push(ours);
    feed = await subscribeIf(config.feed, engine);
    const bodies = await recordBodies(engine.url);
    const bareNode = childServer(await ServerChild.start('bare-node', bodies));
    running.push(bareNode);
    const bareKoa = childServer(await ServerChild.start('bare-koa', bodies));
    running.push(bareKoa);

    const bareKoaTarget: Target = { server: bareKoa, routes: ROUTES };
    const slots: Slot[] = [
      {
        name: 'ours (engine)',
        note: `request log on, ${FEED_NOTES[config.feed]}`,
        target: { server: ours, routes: ROUTES },
        ours: true,
      },
      {
        name: 'bare node:http',
        note: 'same objects, JSON.stringify per request',
        target: { server: bareNode, routes: ROUTES },
      },
      { name: 'bare Koa', note: 'same objects, Koa serialises per request', target: bareKoaTarget },
    ];
    const peers = [
      { name: 'AGORA Python mock', start: () => startAgoraPythonMock() },
      { name: 'Mockoon CLI', start: () => startMockoon(bodies, log) },
    ];
    for (const peer of peers) {
      try {
        if (!PROC_CPU_SOURCE) throw new Error('its CPU is read from /proc, which this system does not have');
        const started = await peer.start();
        running.push(started.server);
        slots.push({
          name: peer.name,
          note: started.note,
          target: { server: started.server, routes: started.routes, peer: true, wsUrl: started.wsUrl },
        });
      } catch (error) {
        const reason = messageOf(error);
        log(`peers: ${peer.name} skipped — ${reason}`);
        slots.push({ name: peer.name, note: '', skipped: reason });
      }
    }

    const targets = slots.flatMap((slot) => (slot.target ? [slot.target] : []));
    for (const target of targets) target.agent = keepAliveAgent(concurrency);
    agents.push(...targets.map((target) => target.agent as Agent));
    // A peer that fails while loaded (it crashed, a route answered an error) is dropped with the reason; ours
    // and the bare servers failing fail the bench, as in the REST phase.
    const failed = new Map<Target, string>();
    const attempt = async (target: Target, load: () => Promise<void>) => {
      if (failed.has(target)) return;
      try {
        await load();
      } catch (error) {
        if (!target.peer) throw error;
        const reason = `failed while measured: ${messageOf(error)}`;
        log(`peers: ${slots.find((slot) => slot.target === target)?.name} ${reason}`);
        failed.set(target, reason);
      }
    };
    for (const target of targets) {
      await attempt(target, async () => {
        for (const route of target.routes) if (route) await loadOnce(target, route, warmupPerRoute);
      });
    }

    // micros[target][route] per round; latencies[target] over every measured request.
    const micros = targets.map(() => ROUTES.map(() => [] as number[]));
    const latencies = targets.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (const routeIndex of ROUTES.keys()) {
        // Rotate who goes first, so a slow patch of the machine does not always hit the same server.
        for (let turn = 0; turn < targets.length; turn++) {
          const index = (turn + round) % targets.length;
          const target = targets[index] as Target;
          const route = target.routes[routeIndex];
          if (!route) continue;
          await attempt(target, async () => {
            const cpu = await serverCpuDuring(target.server, async () => {
              latencies[index]?.push(...(await loadOnce(target, route, requestsPerRoute)));
            });
            micros[index]?.[routeIndex]?.push(cpu / requestsPerRoute);
          });
        }
      }
    }
    for (const slot of slots) {
      const reason = slot.target && failed.get(slot.target);
      if (reason) slot.skipped = reason;
    }

    // A peer that serves only some routes is compared with bare Koa over the same routes.
    const servedBy = (target: Target) =>
      ROUTES.flatMap((_, routeIndex) => (target.routes[routeIndex] ? [routeIndex] : []));
    const perRound = (index: number, routeIndexes: number[]) =>
      Array.from(
        { length: rounds },
        (_, round) =>
          routeIndexes.reduce((sum, routeIndex) => sum + (micros[index]?.[routeIndex]?.[round] ?? 0), 0) /
          routeIndexes.length,
      );
    const koaIndex = targets.indexOf(bareKoaTarget);
    const procResolution =
      PROC_CPU_SOURCE === 'schedstat'
        ? '/proc/<pid>/task/*/schedstat (ns)'
        : `/proc/<pid>/stat, ${procTickMicros() / 1000} ms ticks: ±${(procTickMicros() / requestsPerRoute).toFixed(0)} µs/request per load`;
    const measured = new Map(
      targets.map((target, index) => {
        const served = servedBy(target);
        const own = perRound(index, served);
        const koaRounds = perRound(koaIndex, served);
        return [
          target,
          {
            micros: spread(own),
            ratio: spread(own.map((value, round) => value / (koaRounds[round] as number))),
            routeMicros: Object.fromEntries(
              served.map((routeIndex) => [
                (ROUTES[routeIndex] as LoadRoute).name,
                spread(micros[index]?.[routeIndex] ?? []).median,
              ]),
            ),
            p99Ms: percentile(latencies[index] ?? [], 99),
            cpuSource: target.peer ? procResolution : 'process.cpuUsage() in the child',
          },
        ];
      }),
    );

    // The drift bursts run with the other servers stopped, to leave the machine to the server measured.
    feed?.close();
    feed = undefined;
    for (const target of targets.filter((candidate) => !candidate.wsUrl)) {
      await target.server.stop();
      running.splice(running.indexOf(target.server), 1);
    }
    const lines: PeerLine[] = [];
    for (const slot of slots) {
      lines.push({
        server: slot.name,
        ...(slot.skipped ? { skipped: slot.skipped } : {}),
        ...(slot.target && !slot.skipped ? measured.get(slot.target) : {}),
        drift: await slotDrift(slot, oursDrift, config, engineFlags, log),
        note: slot.note,
      });
    }
    return { rounds, requestsPerRoute, concurrency, lines };
  } finally {
    for (const agent of agents) agent.destroy();
    feed?.close();
    await Promise.all(running.map((server) => server.stop()));
  }
}

function childServer(child: ServerChild): PeerServer {
  return { url: child.url, cpuMicros: () => child.cpuMicros(), stop: () => child.stop() };
}

async function slotDrift(
  slot: Slot,
  oursDrift: DriftResult | undefined,
  config: BenchConfig,
  engineFlags: string[],
  log: (message: string) => void,
): Promise<PeerDrift> {
  if (slot.skipped) return { none: 'skipped' };
  if (slot.ours) {
    // From the drift phase when it ran in this bench, else measured here the same way.
    if (!oursDrift) log(`peers: ours, ${config.drift.runs} concurrent runs (the drift phase did not run)`);
    const drift = oursDrift ?? (await benchDrift(config, engineFlags));
    return {
      p99Ms: drift.serverLateness.p99,
      runs: drift.runs,
      completed: drift.completed,
      validOrder: drift.validOrder,
      source: oursDrift ? 'engine clock, drift phase' : 'engine clock',
    };
  }
  const wsUrl = slot.target?.wsUrl;
  if (!slot.target || !wsUrl) return { none: 'no scripted WebSocket runs' };
  log(`peers: ${slot.name}, ${config.drift.runs} concurrent runs`);
  const { server } = slot.target;
  try {
    const burst = await driftBurst(wsUrl, config.drift, () => server.cpuMicros());
    return {
      p99Ms: burst.serverLateness.p99,
      runs: burst.runs,
      completed: burst.completed,
      validOrder: burst.validOrder,
      source: 'its event timestamps',
    };
  } catch (error) {
    return { none: `drift failed: ${messageOf(error)}` };
  }
}
