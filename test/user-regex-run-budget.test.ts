import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { USER_REGEX_RUN_BUDGET } from '../src/server/support/user-regex';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { loopHoldUpDuring } from './helpers/loop-delay';

/**
 * One regex match is bounded, but a request can ask for thousands: a schema `pattern` on each item of a list, a
 * `_like` filter on each record, a body condition on each value a JSONPath selects. The matches one request makes
 * share a budget, so the costliest pattern allowed on 2,000 values of 420 characters (which held the engine 12 s
 * and more) is refused in about a second, saying what to change.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);
test.beforeEach(() => {
  errors.length = 0;
});

/** Each match of it on these texts reads 411 characters and takes its most: ~10 ms each. */
const COSTLY = '(a|b)*a(a|b){200}[^ab]';
const texts = Array.from({ length: 2000 }, () => 'ab'.repeat(210));
const LIMIT = { timeout: 120_000 };
/** Seconds before the budget; about one after it. Generous, for a busy 2-core machine. */
const HELD_AT_MOST_MS = 5_000;

async function create(section: string, definition: Record<string, unknown>): Promise<void> {
  const created = await api.post(`/${section}`, definition);
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 500));
}

async function timed(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  let answer = { status: 0, text: '' };
  const holdUp = await loopHoldUpDuring(async () => {
    const response = await fetch(url, init);
    answer = { status: response.status, text: await response.text() };
  });
  assert.ok(holdUp.busyMs < HELD_AT_MOST_MS, `the event loop was held ${holdUp.busyMs.toFixed(0)} ms`);
  return answer;
}

const postJson = (path: string, body: unknown) =>
  timed(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test(
  'a schema pattern on every item of a large list: 413 saying so, not the engine held for seconds',
  LIMIT,
  async () => {
    await create('routes', {
      id: 'tags',
      method: 'POST',
      path: '/tags',
      validate: { body: { type: 'array', items: { type: 'string', pattern: COSTLY } } },
      responses: [{ id: 'ok', body: { json: 'ok' } }],
    });
    const answer = await postJson('/tags', texts);
    assert.equal(answer.status, 413, answer.text.slice(0, 300));
    assert.deepEqual(JSON.parse(answer.text), {
      detail: `Content Too Large: checking this request against the route's schemas: matching the patterns on these values would take more than ${USER_REGEX_RUN_BUDGET} steps (a character a pattern reads costs the size it compiles to, plus 16): send fewer or shorter values`,
    });
    // A few such values are checked as before.
    const few = await postJson('/tags', texts.slice(0, 3));
    assert.equal(few.status, 422);
    assert.match(few.text, /"type":"string_pattern_mismatch","loc":\["body",0\]/);

    // A large list a simple pattern checks quickly fits: 1 MB of UUIDs.
    await create('routes', {
      id: 'ids',
      method: 'POST',
      path: '/ids',
      validate: {
        body: {
          type: 'array',
          items: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
        },
      },
      responses: [{ id: 'ok', body: { json: 'ok' } }],
    });
    const uuids = Array.from({ length: 26_000 }, () => randomUUID());
    assert.equal((await postJson('/ids', uuids)).status, 200);
    assert.deepEqual(errors, []);
  },
);

test("a collection's record schema: the record is refused with a 422 that says why", LIMIT, async () => {
  await create('collections', {
    id: 'notes',
    path: '/notes',
    schema: { type: 'object', properties: { lines: { type: 'array', items: { type: 'string', pattern: COSTLY } } } },
    records: [],
  });
  const answer = await postJson('/notes', { lines: texts });
  assert.equal(answer.status, 422, answer.text.slice(0, 300));
  const [issue] = (JSON.parse(answer.text) as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail;
  assert.equal(issue?.type, 'value_error');
  assert.deepEqual(issue?.loc, ['body']);
  assert.match(issue?.msg ?? '', /would take more than \d+ steps .*: send fewer or shorter values$/);
  assert.deepEqual((await api.get<{ total: number }>('/collections/notes/records')).body.total, 0);
  assert.deepEqual(errors, []);
});

test('a _like filter over many records: 422 at the filter, not the engine held for seconds', LIMIT, async () => {
  await create('collections', {
    id: 'words',
    path: '/words',
    records: texts.map((text, index) => ({ id: index + 1, text })),
  });
  const answer = await timed(`${server.url}/words?text_like=${encodeURIComponent(COSTLY)}`);
  assert.equal(answer.status, 422, answer.text.slice(0, 300));
  assert.deepEqual(JSON.parse(answer.text), {
    detail: [
      {
        type: 'value_error',
        loc: ['query', 'text_like'],
        msg: `Value error, matching the _like patterns on this collection's records would take more than ${USER_REGEX_RUN_BUDGET} steps (a character a pattern reads costs the size it compiles to, plus 16): narrow the list with other filters first, or use a simpler pattern`,
        input: COSTLY,
      },
    ],
  });
  // Other filters first leave the pattern fewer records; a simple pattern reads them all.
  const narrowed = await timed(`${server.url}/words?id_lte=3&text_like=${encodeURIComponent(COSTLY)}`);
  assert.equal(narrowed.status, 200, narrowed.text.slice(0, 300));
  const simple = await timed(`${server.url}/words?text_like=ba$&_limit=1`);
  assert.equal(simple.status, 200);
  assert.equal(simple.text, JSON.stringify([]));
  assert.deepEqual(errors, []);
});

test(
  'a body condition on every value a JSONPath selects: not checked past the budget, so it does not hold',
  LIMIT,
  async () => {
    await create('routes', {
      id: 'matching',
      method: 'POST',
      path: '/matching',
      responses: [
        { id: 'costly', when: { body: [{ path: '$[*]', regex: COSTLY }] }, body: { json: 'matched' } },
        // Each condition alone stays within a budget; together they share one.
        ...Array.from({ length: 24 }, (_, index) => ({
          id: `costly-${index}`,
          when: { body: [{ path: '$[*]', regex: `${COSTLY}|z{${index + 2}}` }] },
          body: { json: 'matched' },
        })),
        { id: 'rest', body: { json: 'rest' } },
      ],
    });
    const answer = await postJson('/matching', texts);
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    assert.equal(answer.text, '"rest"');
    const few = await postJson('/matching', ['x', `${'a'.repeat(201)}z`]);
    assert.equal(few.text, '"matched"');
    assert.deepEqual(errors, []);
  },
);

test('a query or header condition after the budget is spent does not hold: no 500', LIMIT, async () => {
  await create('routes', {
    id: 'after',
    method: 'POST',
    path: '/after',
    responses: [
      { id: 'costly', when: { body: [{ path: '$[*]', regex: COSTLY }] }, body: { json: 'matched' } },
      { id: 'by-query', when: { query: { q: { regex: '^yes$' } } }, body: { json: 'by query' } },
      { id: 'by-header', when: { headers: { 'X-Q': { regex: '^yes$' } } }, body: { json: 'by header' } },
    ],
  });
  const answer = await timed(`${server.url}/after?q=yes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-q': 'yes' },
    body: JSON.stringify(texts),
  });
  // Nothing answers: the conditions past the budget were not worked out.
  assert.equal(answer.status, 404, answer.text.slice(0, 300));
  const few = await timed(`${server.url}/after?q=yes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(['x']),
  });
  assert.equal(few.text, '"by query"');
  assert.deepEqual(errors, []);
});

test(
  'routes sharing a path share the request’s one budget: past it, later routes’ conditions are not checked',
  LIMIT,
  async () => {
    // Each route's condition on these 100 texts takes 40 % of a budget: the request can afford two of them.
    const body = texts.slice(0, 100);
    for (let index = 0; index < 8; index++)
      await create('routes', {
        id: `shared-${index}`,
        method: 'POST',
        path: '/shared',
        responses: [
          {
            id: 'costly',
            when: { body: [{ path: '$[*]', regex: `${COSTLY}|z{${index + 2}}` }] },
            body: { json: index },
          },
        ],
      });
    await create('routes', {
      id: 'shared-cheap',
      method: 'POST',
      path: '/shared',
      responses: [{ id: 'cheap', when: { body: [{ path: '$[0]', regex: '^ab' }] }, body: { json: 'cheap' } }],
    });
    // A few texts: every route is tried within the budget, and the last one answers.
    assert.equal((await postJson('/shared', body.slice(0, 3))).text, '"cheap"');

    const answer = await postJson('/shared', body);
    // With a budget per route, each of the eight took its 40 % and the last one answered.
    assert.equal(answer.status, 404, answer.text.slice(0, 300));
    const [entry] = (await api.get<RequestLogPage>('/requests?limit=1')).body.items as RequestLogEntry[];
    assert.equal(entry?.path, '/shared');
    // The 404 explains the closest routes with what the request's budget has left: nothing.
    const reasons = (entry?.nearMisses ?? []).map((miss) => [
      miss.mount.id,
      miss.reasons.map((reason) => reason.message),
    ]);
    assert.deepEqual(
      reasons.map(([id]) => id),
      ['shared-0', 'shared-1', 'shared-2'],
    );
    for (const [, messages] of reasons)
      assert.match(String(messages), /with this request's other matches, so it was not checked$/);
    assert.deepEqual(errors, []);
  },
);
