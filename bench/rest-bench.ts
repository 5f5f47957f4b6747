import type { Agent } from 'node:http';
import type { BaselineEngine } from './baseline-engine';
import type { BenchConfig } from './config';
import { type FeedCounts, type FeedSubscriber, feedCounts, subscribeIf } from './feed-subscriber';
import { keepAliveAgent, type LoadRoute, runLoad } from './http-load';
import { type ReferenceServer, startReference } from './reference-server';
import { REST_USER_LOAD } from './rest-user-mounts';
import { ServerChild } from './server-child';
import { serverCpuDuring } from './server-cpu';
import type { BareKoaPayload } from './servers/bare-koa-child';
import { type Spread, spread } from './stats';

/** AGORA's contract routes (the `agora` pack): measured here, and by the peers phase, which serve them too. */
export const ROUTES: LoadRoute[] = [
  { name: 'GET /health', method: 'GET', path: '/health' },
  { name: 'GET /users?limit=50', method: 'GET', path: '/users?limit=50' },
  { name: 'GET /sessions?user_id=koen', method: 'GET', path: '/sessions?user_id=koen' },
  {
    name: 'GET /sessions/…/history',
    method: 'GET',
    path: '/sessions/session-koen-hotel-sunset/history?include_tools=true',
  },
  {
    name: 'PUT /users/me/preferences',
    method: 'PUT',
    path: '/users/me/preferences?user_id=koen',
    body: (index) => JSON.stringify({ theme: index % 2 === 0 ? 'dark' : 'light' }),
  },
];

/** The REST phase's load: the contract's routes and a team's own (a templated route, a collection). */
const REST_LOAD: LoadRoute[] = [...ROUTES, ...REST_USER_LOAD];

const THEMES = ['dark', 'light'];
const LOAD_TIMEOUT_MS = 120_000;

/** CPU per request, engine vs its reference (bare Koa, or a baseline engine), for one route or all of them. */
export interface RestLine {
  route: string;
  oursMicros: Spread;
  referenceMicros: Spread;
  /** Per round ours / the reference's. */
  ratio: Spread;
}

export interface RestResult {
  /** What ours was measured against: `bare Koa`, or `engine at <commit>` (`BENCH_BASELINE`). */
  reference: string;
  rounds: number;
  requestsPerRoute: number;
  concurrency: number;
  lines: RestLine[];
  overall: RestLine;
  feed: FeedCounts;
}

/**
 * REST: server CPU per request of the engine (request log and live feed on) against a bare Koa app serving the
 * same bodies (or, with `baseline`, that revision's engine).
 */
export async function benchRest(
  config: BenchConfig,
  engineFlags: string[],
  baseline?: BaselineEngine,
): Promise<RestResult> {
  const { concurrency, warmupPerRoute, requestsPerRoute } = config.rest;
  const payload = { speed: 0, restUserMounts: true };
  const engine = await ServerChild.start('engine', payload, { nodeFlags: engineFlags });
  let reference: ReferenceServer | undefined;
  let feed: FeedSubscriber | undefined;
  const agents: Agent[] = [];
  try {
    feed = await subscribeIf(config.feed, engine);
    reference = await startReference(
      baseline,
      { payload, nodeFlags: engineFlags, feed: config.feed },
      {
        label: 'bare Koa',
        start: async () => ServerChild.start('bare-koa', await recordBodies(engine.url, REST_LOAD)),
      },
    );
    const targets = [
      { server: engine, agent: keepAliveAgent(concurrency) },
      { server: reference.server, agent: keepAliveAgent(concurrency) },
    ];
    agents.push(...targets.map((target) => target.agent));

    for (const route of REST_LOAD) {
      for (const { server, agent } of targets) {
        await runLoad(server.url, route, warmupPerRoute, concurrency, agent, LOAD_TIMEOUT_MS);
      }
    }

    // micros[route][server] per round.
    const micros = REST_LOAD.map(() => [[] as number[], [] as number[]]);
    for (let round = 0; round < config.rounds; round++) {
      // Alternate who goes first, so a slow patch of the machine does not always hit the same side.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const [routeIndex, route] of REST_LOAD.entries()) {
        for (const side of order) {
          const { server, agent } = targets[side] as (typeof targets)[number];
          const cpu = await serverCpuDuring(server, () =>
            runLoad(server.url, route, requestsPerRoute, concurrency, agent, LOAD_TIMEOUT_MS),
          );
          micros[routeIndex]?.[side]?.push(cpu / requestsPerRoute);
        }
      }
    }

    const lines = REST_LOAD.map((route, index) => line(route.name, micros[index]?.[0] ?? [], micros[index]?.[1] ?? []));
    const perRound = (side: number) =>
      Array.from(
        { length: config.rounds },
        (_, round) => micros.reduce((sum, route) => sum + (route[side]?.[round] ?? 0), 0) / REST_LOAD.length,
      );
    return {
      reference: reference.label,
      rounds: config.rounds,
      requestsPerRoute,
      concurrency,
      lines,
      overall: line('all routes (mean per request)', perRound(0), perRound(1)),
      feed: feedCounts(config.feed, feed),
    };
  } finally {
    for (const agent of agents) agent.destroy();
    feed?.close();
    await Promise.all([engine.stop(), reference?.stop()]);
  }
}

function line(route: string, ours: number[], reference: number[]): RestLine {
  return {
    route,
    oursMicros: spread(ours),
    referenceMicros: spread(reference),
    ratio: spread(ours.map((value, round) => value / (reference[round] as number))),
  };
}

/** The engine's answers, fetched once, for the bare apps to serve as precomputed objects. */
export async function recordBodies(baseUrl: string, routes: LoadRoute[] = ROUTES): Promise<BareKoaPayload> {
  const payload: BareKoaPayload = { bodies: {}, putBodies: {} };
  for (const route of routes) {
    const key = `${route.method} ${new URL(route.path, baseUrl).pathname}`;
    if (route.method === 'GET') {
      payload.bodies[key] = await fetchJson(`${baseUrl}${route.path}`);
      continue;
    }
    const answers: Record<string, unknown> = {};
    for (const theme of THEMES) {
      answers[theme] = await fetchJson(`${baseUrl}${route.path}`, {
        method: route.method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ theme }),
      });
    }
    payload.putBodies[key] = answers;
  }
  return payload;
}

async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}`);
  return response.json();
}
