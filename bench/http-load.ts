import { Agent, request } from 'node:http';
import { withTimeout } from './with-timeout';

export interface LoadRoute {
  name: string;
  method: 'GET' | 'PUT';
  path: string;
  /** JSON body of the i-th request, for PUT. */
  body?: (index: number) => string;
}

/**
 * A socket this side closes after 4 s idle: servers close theirs at 5 s (Node's default `keepAliveTimeout`, the
 * engine's `keepAliveTimeoutMs`), and a request sent on one the server is closing just then fails with "socket hang
 * up" — seen once in an A/B, whose other side's rounds kept an agent's sockets idle for seconds under load.
 */
const IDLE_SOCKET_MS = 4000;

/** Keep-alive connections to one server (at most `concurrency`), reused across every load on it. */
export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, timeout: IDLE_SOCKET_MS });
}

/**
 * Sends `count` requests of one route with `concurrency` in flight, each waiting for its full response, and
 * returns each request's latency in ms (request sent → response fully read, as the client saw it).
 * Any non-2xx answer fails the load (the bench must measure real answers, not errors).
 */
export async function runLoad(
  baseUrl: string,
  route: LoadRoute,
  count: number,
  concurrency: number,
  agent: Agent,
  timeoutMs: number,
): Promise<number[]> {
  const { hostname, port } = new URL(baseUrl);
  const latencies: number[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      const index = issued++;
      const sentAt = performance.now();
      await oneRequest(hostname, Number(port), route, index, agent);
      latencies.push(performance.now() - sentAt);
    }
  };
  await withTimeout(
    Promise.all(Array.from({ length: concurrency }, worker)),
    timeoutMs,
    `${count} × ${route.method} ${route.path}`,
  );
  return latencies;
}

function oneRequest(host: string, port: number, route: LoadRoute, index: number, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = route.body?.(index);
    const req = request(
      {
        host,
        port,
        method: route.method,
        path: route.path,
        agent,
        headers:
          body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`${route.method} ${route.path} answered ${status}`));
        });
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
