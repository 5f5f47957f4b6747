import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { loopHoldUpDuring } from './helpers/loop-delay';
import { postJson } from './helpers/post-json';

/**
 * `enum` looks a value up among the allowed ones instead of comparing it with each in turn (ajv's way): an enum of
 * thousands of values — time zones, currencies, product codes — on each item of a client's 1 MB list held the
 * engine for seconds. Values compare as JSON Schema compares them, and the 422 reads as before.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);

async function route(id: string, validate: Record<string, unknown>): Promise<void> {
  const created = await api.post('/routes', {
    id,
    method: 'POST',
    path: `/${id}`,
    validate,
    responses: [{ id: 'ok', body: { json: { body: '{{body}}', query: '{{query}}' } } }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

const post = (path: string, body: unknown) => postJson(`${server.url}${path}`, body);

test('enum values compare as JSON Schema compares them; the 422 names the allowed ones', async () => {
  await route('pick', {
    query: { type: 'object', properties: { n: { type: 'integer', enum: [1, 2] } } },
    body: { type: 'object', properties: { v: { enum: ['a', 1, null, [1, 'x'], { a: 1, b: [2] }] } } },
  });
  for (const v of ['a', 1, 1.0, null, [1, 'x'], { b: [2], a: 1 }]) {
    const answer = await post('/pick?n=2', { v });
    assert.equal(answer.status, 200, `${JSON.stringify(v)}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual(answer.body, { body: { v }, query: { n: 2 } });
  }
  for (const v of ['1', 'A', [1], ['x', 1], { a: 1 }, { a: 1, b: [2], c: 3 }, false]) {
    const answer = await post('/pick', { v });
    assert.equal(answer.status, 422, JSON.stringify(v));
    assert.deepEqual(answer.body, {
      detail: [
        {
          type: 'enum',
          loc: ['body', 'v'],
          msg: `Input should be 'a', 1, null, [1,"x"] or {"a":1,"b":[2]}`,
          input: v,
          ctx: { expected: `'a', 1, null, [1,"x"] or {"a":1,"b":[2]}` },
        },
      ],
    });
  }
  const query = await post('/pick?n=3', {});
  assert.equal(query.status, 422);
  assert.deepEqual(
    (query.body as { detail: { type: string; loc: unknown[] }[] }).detail.map((d) => [d.type, d.loc]),
    [['enum', ['query', 'n']]],
  );
  assert.deepEqual(errors, []);
});

test('an enum of thousands on each item of a large list is checked without holding the engine', async () => {
  const codes = Array.from({ length: 3000 }, (_, index) => ({ code: `c${index}` }));
  await route('codes', { body: { type: 'array', items: { enum: codes } } });
  const items = Array.from({ length: 80_000 }, () => ({ code: 'x' }));
  let answer = { status: 0, body: null as unknown };
  const holdUp = await loopHoldUpDuring(async () => {
    answer = await post('/codes', items);
  });
  assert.equal(answer.status, 422);
  assert.match(JSON.stringify(answer.body), /"type":"too_many_errors"/);
  // Comparing each item with each allowed value held it 9 s and more. Generous, for a busy 2-core machine.
  assert.ok(holdUp.busyMs < 2_000, `the event loop was held ${holdUp.busyMs.toFixed(0)} ms`);
  assert.equal((await post('/codes', [codes[2999], codes[0]])).status, 200);
  assert.deepEqual(errors, []);
});
