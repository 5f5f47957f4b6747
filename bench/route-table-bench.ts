import type { Agent } from 'node:http';
import type { BenchConfig } from './config';
import { keepAliveAgent, runLoad } from './http-load';
import { ROUTE_TABLE_LOAD } from './route-table';
import { ServerChild } from './server-child';
import { serverCpuDuring } from './server-cpu';
import { type Spread, spread } from './stats';

const LOAD_TIMEOUT_MS = 120_000;
export const SMALL_TABLE = 10;
export const LARGE_TABLE = 1000;

export interface RouteTableResult {
  rounds: number;
  requestsPerRound: number;
  smallMicros: Spread;
  largeMicros: Spread;
  /** Per round: CPU per request among 1,000 routes / among 10. */
  ratio: Spread;
}

/**
 * Route matching must not become the cost: engine CPU per request for the same matched routes with 1,000 user
 * routes against 10, in interleaved rounds (each engine in its own child, request log on).
 */
export async function benchRouteTable(config: BenchConfig, engineFlags: string[]): Promise<RouteTableResult> {
  const { concurrency, warmupPerRoute, requestsPerRoute } = config.rest;
  const perRoute = Math.max(1, Math.round(requestsPerRoute / 2));
  // Started together: nothing is measured until both are up.
  const children = await Promise.all(
    [SMALL_TABLE, LARGE_TABLE].map((userRoutes) =>
      ServerChild.start('engine', { speed: 0, userRoutes }, { nodeFlags: engineFlags }),
    ),
  );
  const agents: Agent[] = children.map(() => keepAliveAgent(concurrency));
  try {
    for (const [side, child] of children.entries()) {
      for (const route of ROUTE_TABLE_LOAD)
        await runLoad(child.url, route, warmupPerRoute, concurrency, agents[side] as Agent, LOAD_TIMEOUT_MS);
    }
    const micros: number[][] = [[], []];
    for (let round = 0; round < config.rounds; round++) {
      for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const child = children[side] as ServerChild;
        const cpu = await serverCpuDuring(child, async () => {
          for (const route of ROUTE_TABLE_LOAD)
            await runLoad(child.url, route, perRoute, concurrency, agents[side] as Agent, LOAD_TIMEOUT_MS);
        });
        micros[side]?.push(cpu / (perRoute * ROUTE_TABLE_LOAD.length));
      }
    }
    const [small = [], large = []] = micros;
    return {
      rounds: config.rounds,
      requestsPerRound: perRoute * ROUTE_TABLE_LOAD.length,
      smallMicros: spread(small),
      largeMicros: spread(large),
      ratio: spread(large.map((value, round) => value / (small[round] as number))),
    };
  } finally {
    for (const agent of agents) agent.destroy();
    await Promise.all(children.map((child) => child.stop()));
  }
}
