import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { MAX_FILTERS, MAX_LIKE_PATTERNS, MAX_SORT_FIELDS } from '../src/server/routes/collections/collection-query';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { loopHoldUpDuring } from './helpers/loop-delay';

/**
 * A list request's filters and sort keys are each tried on every record: a query string of a few kilobytes (a
 * thousand `_ne` filters, a field sorted by a thousand times) made the engine work for seconds on a collection of
 * a megabyte. Sort keys are read once per record, a field named again is dropped, and more filters or sort fields
 * than a list needs are a 422 that says so.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);
const LIMIT = { timeout: 120_000 };
/** Seconds before; tens of milliseconds now. Generous, for a busy 2-core machine. */
const HELD_AT_MOST_MS = 2_000;

const RECORDS = 30_000;
const created = await api.post('/collections', {
  id: 'tags',
  path: '/tags',
  records: Array.from({ length: RECORDS }, (_, index) => ({ id: index + 1, t: 'a', n: [index % 7] })),
});
assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));

async function list(query: string): Promise<{ status: number; body: unknown; total: string | null }> {
  let answer: { status: number; body: unknown; total: string | null } = { status: 0, body: null, total: null };
  const holdUp = await loopHoldUpDuring(async () => {
    const response = await fetch(`${server.url}/tags?${query}`);
    answer = { status: response.status, body: await response.json(), total: response.headers.get('x-total-count') };
  });
  assert.ok(holdUp.busyMs < HELD_AT_MOST_MS, `the event loop was held ${holdUp.busyMs.toFixed(0)} ms`);
  return answer;
}

const ids = (body: unknown) => (body as { id: number }[]).map((record) => record.id);

test('a field sorted by a thousand times sorts once; more fields than a sort needs are a 422', LIMIT, async () => {
  const repeated = await list(`_sort=${Array.from({ length: 1000 }, () => '-n').join(',')},id&_limit=3`);
  assert.equal(repeated.status, 200, JSON.stringify(repeated.body).slice(0, 300));
  assert.deepEqual(ids(repeated.body), [7, 14, 21]);

  const fields = Array.from({ length: MAX_SORT_FIELDS + 1 }, (_, index) => `f${index}`).join(',');
  const tooMany = await list(`_sort=${fields}`);
  assert.equal(tooMany.status, 422);
  assert.deepEqual(tooMany.body, {
    detail: [
      {
        type: 'value_error',
        loc: ['query', '_sort'],
        msg: `Value error, _sort names at most ${MAX_SORT_FIELDS} fields (got ${MAX_SORT_FIELDS + 1}): sort by fewer`,
        input: fields,
      },
    ],
  });
  // Sorting by several fields, and by a field holding lists, as before.
  const sorted = await list('_sort=n,-id&_limit=2');
  assert.deepEqual(ids(sorted.body), [29_996, 29_989]);
  assert.deepEqual(errors, []);
});

test('a thousand filters are a 422, not seconds of work; a value repeated a thousand times is one', LIMIT, async () => {
  const filters = Array.from({ length: 999 }, (_, index) => `f${index}_ne=z`).join('&');
  const tooMany = await list(filters);
  assert.equal(tooMany.status, 422);
  assert.deepEqual(tooMany.body, {
    detail: [
      {
        type: 'value_error',
        loc: ['query'],
        msg: `Value error, a list is filtered by at most ${MAX_FILTERS} parameters (got 999): filter by fewer`,
        input: null,
      },
    ],
  });
  const most = Array.from({ length: MAX_FILTERS }, (_, index) => `f${index}_ne=z`).join('&');
  const allowed = await list(`${most}&_limit=1`);
  assert.equal(allowed.status, 200);
  assert.equal(allowed.total, String(RECORDS));

  const anyOf = await list(`${Array.from({ length: 1000 }, (_, index) => `n=[${index}]`).join('&')}&_limit=1`);
  assert.equal(anyOf.status, 200);
  assert.equal(anyOf.total, String(RECORDS));
  assert.deepEqual(errors, []);
});

test('_like patterns are compiled once each, and a list request gives at most 64 different ones', LIMIT, async () => {
  // A pattern that takes about a millisecond to compile: 735 of them fit in a request line.
  const costly = (index: number) => encodeURIComponent(`\\pL{${900 + index}}`);
  // `id=1` first: the patterns are then tried on one record, well within the run budget.
  const repeated = await list(`id=1&${Array.from({ length: 700 }, () => `t_like=${costly(0)}`).join('&')}`);
  assert.equal(repeated.status, 200, JSON.stringify(repeated.body).slice(0, 300));
  assert.equal(repeated.total, '0');

  const most = Array.from({ length: MAX_LIKE_PATTERNS }, (_, index) => `t_like=${costly(index)}`);
  const allowed = await list(`id=1&${most.slice(1).join('&')}&t_like=a`);
  assert.equal(allowed.status, 200, JSON.stringify(allowed.body).slice(0, 300));
  assert.deepEqual(ids(allowed.body), [1]);

  // Spread over many parameters or given to one, more different patterns are a 422 before any is compiled.
  for (const query of [
    Array.from({ length: 700 }, (_, index) => `t_like=${costly(index % 90)}`).join('&'),
    Array.from({ length: MAX_FILTERS }, (_, index) => `f${index}_like=${costly(index)}&f${index}_like=x`).join('&'),
  ]) {
    const tooMany = await list(query);
    assert.equal(tooMany.status, 422);
    assert.deepEqual(tooMany.body, {
      detail: [
        {
          type: 'value_error',
          loc: ['query'],
          msg: `Value error, a list matches at most ${MAX_LIKE_PATTERNS} different _like patterns (got ${query.startsWith('t_like') ? 90 : MAX_FILTERS + 1}): match fewer`,
          input: null,
        },
      ],
    });
  }
  assert.deepEqual(errors, []);
});
