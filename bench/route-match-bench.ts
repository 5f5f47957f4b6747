/**
 * How matching a request scales with the size of the route table: the time to find the route that answers among
 * 10 and among 1,000 realistic routes (resources under /api/v1, list, item and nested paths, every method), the
 * same lookup the middleware does (index, then the path patterns of the candidates). The index keeps the ratio
 * near 1; trying every route in turn would make it ~100.
 *
 *   node --import tsx bench/route-match-bench.ts
 */
import { HttpMounts } from '../src/server/routes/http-mounts';
import { RouteSchema } from '../src/shared/mounts/route';
import { DEFAULT_SETTINGS } from '../src/shared/settings';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const env = { baseDir: process.cwd(), settings: () => DEFAULT_SETTINGS };

function mounts(size: number): HttpMounts {
  const routes = Array.from({ length: size }, (_, index) =>
    RouteSchema.parse({
      id: `r${index}`,
      method: METHODS[index % METHODS.length],
      path: index % 2 === 0 ? `/api/v1/res${index}` : `/api/v1/res${index}/:id`,
      responses: [{ id: 'ok' }],
    }),
  );
  return HttpMounts.compile({ routes }, env);
}

/** Requests for the first ten routes, which both tables have: the same work, only the table's size differs. */
const requests: [string, string][] = Array.from({ length: 10 }, (_, target) => [
  METHODS[target % METHODS.length] as string,
  target % 2 === 0 ? `/api/v1/res${target}` : `/api/v1/res${target}/42`,
]);

/** Nanoseconds per lookup in one round. */
function round(table: HttpMounts): number {
  const repeats = 2000;
  const started = process.hrtime.bigint();
  for (let repeat = 0; repeat < repeats; repeat++)
    for (const [method, path] of requests)
      if (table.matching(method, path).next().done) throw new Error(`no route for ${method} ${path}`);
  return Number(process.hrtime.bigint() - started) / (repeats * requests.length);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const [small, large] = [mounts(10), mounts(1000)];
const times: { small: number[]; large: number[] } = { small: [], large: [] };
// Interleaved rounds, so a busy moment of the machine weighs on both alike.
for (let index = 0; index < 31; index++) {
  times.small.push(round(small));
  times.large.push(round(large));
}
const [few, many] = [median(times.small.slice(5)), median(times.large.slice(5))];
console.log(`among 10 routes:    ${few.toFixed(0)} ns per match`);
console.log(`among 1,000 routes: ${many.toFixed(0)} ns per match`);
console.log(`ratio: ${(many / few).toFixed(2)} (budget 1.2)`);
process.exitCode = many / few <= 1.2 ? 0 : 1;
