import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from 'koa';
import { RequestLog } from '../src/server/http/request-log';
import { RetentionBudget } from '../src/server/support/retention-budget';
import type { MountRef } from '../src/shared/mounts/match-report';
import { answeredByKey, type RequestCounts } from '../src/shared/request-log';

/** What `RequestLog.record` reads of a finished request, answered by `answeredBy` (undefined: by nothing). */
function finished(answeredBy: MountRef | undefined, body = '{"ok":true}'): Context {
  return {
    method: 'GET',
    path: '/items',
    querystring: '',
    status: answeredBy ? 200 : 404,
    body,
    state: { answeredBy },
    req: { url: '/items', headers: { host: 'localhost' }, rawHeaders: ['Host', 'localhost'], socket: {} },
    request: { rawBody: undefined, body: undefined },
    response: { headers: { 'content-type': 'application/json' } },
  } as unknown as Context;
}

const MOUNTS: (MountRef | undefined)[] = [
  { kind: 'route', id: 'a' },
  { kind: 'route', id: 'b', responseId: 'second' },
  { kind: 'collection', id: 'books' },
  undefined,
];

/** The counts as a walk of the whole log says they are (what `GET /requests/counts` answered before). */
function walked(log: RequestLog): RequestCounts {
  const { items, total } = log.page(() => true, Number.MAX_SAFE_INTEGER, false);
  const byMount: Record<string, number> = {};
  for (const entry of items)
    byMount[answeredByKey(entry.answeredBy)] = (byMount[answeredByKey(entry.answeredBy)] ?? 0) + 1;
  return { byMount, total, newestId: items[0]?.id ?? 0 };
}

test('the counts kept as requests come and go are the log’s: past its size, resized, evicted for memory, cleared', () => {
  const one = new RequestLog({ capacity: 1, bodyBytes: 1024 }, new RetentionBudget(2 ** 31));
  one.record(finished(MOUNTS[0]), Date.now(), 1);
  // Room for about twelve entries as the log charges them: past it the budget takes bodies, then whole entries.
  const budget = new RetentionBudget(Math.round(one.stats().retainedBytes * 12));
  const log = new RequestLog({ capacity: 20, bodyBytes: 1024 }, budget);
  assert.deepEqual(log.counts(), { byMount: {}, total: 0, newestId: 0 });
  const record = (count: number) => {
    for (let i = 0; i < count; i++) log.record(finished(MOUNTS[i % MOUNTS.length]), Date.now(), 1);
  };
  record(7);
  assert.deepEqual(log.counts(), walked(log));
  assert.deepEqual(log.counts().byMount, { 'route:a': 2, 'route:b': 2, 'collection:books': 2, none: 1 });
  record(40);
  assert.ok(log.stats().evictedForMemory > 0, 'the memory budget took whole entries');
  assert.deepEqual(log.counts(), walked(log));
  log.configure({ capacity: 100, bodyBytes: 1024 });
  budget.setLimit(2 ** 31);
  record(30);
  log.configure({ capacity: 10, bodyBytes: 1024 });
  assert.ok(log.stats().droppedForSize > 0, 'the smaller size dropped the oldest');
  assert.deepEqual(log.counts(), walked(log));
  record(13);
  assert.deepEqual(log.counts(), walked(log));
  log.clear();
  assert.deepEqual(log.counts(), { byMount: {}, total: 0, newestId: 0 });
  record(1);
  assert.deepEqual(log.counts(), walked(log));
  assert.equal(log.counts().newestId, 91);
});
