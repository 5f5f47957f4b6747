import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from 'koa';
import { RequestLog } from '../src/server/http/request-log';
import { RetentionBudget } from '../src/server/support/retention-budget';
import type { RequestLogEntry } from '../src/shared/request-log';
import { garbageCollector } from './helpers/garbage';

const collectGarbage = garbageCollector();

/** What `RequestLog.record` reads of a finished request, as Koa has it after the pipeline serialised the body. */
function finished(path: string, query: string, body: string): Context {
  return {
    method: 'GET',
    path,
    querystring: query,
    status: 200,
    body,
    state: {},
    req: { url: `${path}?${query}`, headers: { host: 'localhost' }, rawHeaders: ['Host', 'localhost'], socket: {} },
    request: { rawBody: undefined, body: undefined },
    response: { headers: { 'content-type': 'application/json' } },
  } as unknown as Context;
}

/** A fresh string each time, as `JSON.stringify` makes one per response. */
const answer = (items: number, mark = 'a') =>
  JSON.stringify({ items: Array.from({ length: items }, (_, i) => ({ id: i, name: `${mark}-${i}` })) });

function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

test('a client polling an unchanged answer: the log keeps one copy of the body, not one per request', () => {
  const log = new RequestLog({ capacity: 3_000, bodyBytes: 256 * 1024 }, new RetentionBudget(2 ** 31));
  const before = heapAfterGc();
  for (let i = 0; i < 3_000; i++) log.record(finished('/users', 'limit=50', answer(2_000)), Date.now(), 1);
  const grown = heapAfterGc() - before;
  const bodyBytes = answer(2_000).length;
  // One copy per entry would be 3,000 × ~50 KB, about 150 MB; entries themselves take a few hundred bytes each.
  assert.ok(grown < 20 * bodyBytes, `the log grew ${(grown / 2 ** 20).toFixed(1)} MiB for 3,000 identical bodies`);
  const newest = log.page(() => true, 1, true).items[0] as RequestLogEntry;
  assert.equal(newest.responseBody?.text, answer(2_000));
  assert.equal(log.size, 3_000);
});

test('each entry still reads its own body: same length but other text, another query, another path', () => {
  const log = new RequestLog({ capacity: 10, bodyBytes: 64 * 1024 }, new RetentionBudget(2 ** 31));
  const a = answer(100, 'a');
  const b = answer(100, 'b');
  assert.equal(a.length, b.length);
  log.record(finished('/users', 'limit=50', a), Date.now(), 1);
  log.record(finished('/users', 'limit=50', b), Date.now(), 1);
  log.record(finished('/users', 'limit=10', a), Date.now(), 1);
  log.record(finished('/people', 'limit=50', b), Date.now(), 1);
  log.record(finished('/users', 'limit=50', answer(100, 'b')), Date.now(), 1);
  const texts = (log.page(() => true, 10, true).items as RequestLogEntry[]).reverse().map((e) => e.responseBody?.text);
  assert.deepEqual(texts, [a, b, a, b, b]);
});

test('a shared body outlives the older entry whose body the memory budget evicted', () => {
  const body = answer(200);
  const perEntry = new RequestLog({ capacity: 1, bodyBytes: 64 * 1024 }, new RetentionBudget(2 ** 31));
  perEntry.record(finished('/users', 'limit=50', body), Date.now(), 1);
  // Room for three and a half entries as the log charges them: recording six evicts the oldest bodies first.
  const budget = new RetentionBudget(Math.round(perEntry.stats().retainedBytes * 3.5));
  const log = new RequestLog({ capacity: 10, bodyBytes: 64 * 1024 }, budget);
  for (let i = 0; i < 6; i++) log.record(finished('/users', 'limit=50', answer(200)), Date.now(), 1);
  const entries = (log.page(() => true, 10, true).items as RequestLogEntry[]).reverse();
  assert.equal(entries.length, 6);
  assert.ok(entries[0]?.responseBody?.evicted, 'the oldest body was evicted');
  assert.equal(entries.at(-1)?.responseBody?.evicted, false);
  assert.equal(entries.at(-1)?.responseBody?.text, body);
});
