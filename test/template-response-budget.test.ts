import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { MAX_COUNTER_NAME_LENGTH } from '../src/server/templates/template-helpers';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';

/**
 * A response's templates share one budget: block iterations, what its loops write and what it writes in all are
 * summed over every string of the response (JSON values, text, headers), so a response made of many strings
 * cannot stall the engine or fill its memory, and the request that asks for so much is answered 413.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);
test.beforeEach(() => {
  errors.length = 0;
});

async function addRoute(id: string, response: Record<string, unknown>): Promise<void> {
  const created = await api.post('/routes', {
    id,
    method: 'POST',
    path: `/${id}`,
    responses: [{ id: 'r', ...response }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

const post = (id: string, body: unknown) =>
  fetch(`${server.url}/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function assertTooLarge(response: Response, id: string, why: RegExp): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, 413, text.slice(0, 300));
  const { detail } = JSON.parse(text) as { detail: string };
  assert.match(detail, new RegExp(`^Route ${id}, response r: the request makes the response too large to render: `));
  assert.match(detail, why);
}

const megabyte = { pad: 'x'.repeat(1_000_000) };
const LIMIT = { timeout: 60_000 };

test('loops in many strings of one response share its iterations: 413, not a long stall', LIMIT, async () => {
  const loop = '{{#each body}}{{#each ../body}}x{{/each}}{{/each}}';
  await addRoute('loops', { body: { json: Array.from({ length: 200 }, () => loop) } });
  const numbers = Array.from({ length: 300 }, (_, index) => index);
  await assertTooLarge(await post('loops', numbers), 'loops', /more than 100000 block iterations in one response/);
  assert.deepEqual(errors, []);
});

test('text that inserts a large body many times is a 413, not hundreds of megabytes', LIMIT, async () => {
  const piece = '{"text": "{{json body}}"}';
  await addRoute('text300', { body: { text: piece.repeat(300) } });
  await addRoute('text700', { body: { text: piece.repeat(700) } });
  await assertTooLarge(await post('text300', megabyte), 'text300', /more than \d+ characters/);
  await assertTooLarge(await post('text700', megabyte), 'text700', /more than \d+ characters/);
  assert.deepEqual(errors, []);
});

test('JSON that holds a large body many times is a 413, not a 500 from JSON.stringify', LIMIT, async () => {
  await addRoute('values', { body: { json: { json: Array.from({ length: 700 }, () => '{{body}}') } } });
  await assertTooLarge(await post('values', megabyte), 'values', /more than \d+ characters/);
  // Strings of one response add up across headers and body too.
  await addRoute('mixed', {
    headers: { 'X-Size': '{{length body.pad}}' },
    body: { json: Array.from({ length: 100 }, () => 'at {{body.pad}}') },
  });
  await assertTooLarge(await post('mixed', megabyte), 'mixed', /more than \d+ characters/);
  assert.deepEqual(errors, []);
});

test('ordinary templated responses are unchanged, large ones within the budget too', LIMIT, async () => {
  await addRoute('plain', {
    status: 201,
    headers: { 'X-Id': 'order-{{body.id}}', 'X-Count': '{{length body.items}}' },
    body: {
      json: {
        id: '{{body.id}}',
        echo: '{{body}}',
        names: '{{#each body.items}}{{this.name}}{{#unless @last}},{{/unless}}{{/each}}',
        json: '{{json body.items}}',
      },
    },
  });
  const order = { id: 7, items: [{ name: 'a' }, { name: 'b' }] };
  const plain = await post('plain', order);
  assert.equal(plain.status, 201);
  assert.equal(plain.headers.get('x-id'), 'order-7');
  assert.equal(plain.headers.get('x-count'), '2');
  assert.deepEqual(await plain.json(), { id: 7, echo: order, names: 'a,b', json: JSON.stringify(order.items) });

  // Several strings each looping (80,000 iterations in all) and a 1 MB body echoed ten times fit one response.
  const loop = '{{#each body.numbers}}{{#each ../body.numbers}}.{{/each}}{{/each}}';
  await addRoute('fits', {
    body: { json: { loops: [loop, loop], echoes: Array.from({ length: 10 }, () => '{{body.pad}}') } },
  });
  const numbers = Array.from({ length: 200 }, (_, index) => index);
  const fits = await post('fits', { numbers, pad: megabyte.pad });
  assert.equal(fits.status, 200);
  const answer = (await fits.json()) as { loops: string[]; echoes: string[] };
  assert.deepEqual(
    answer.loops.map((text) => text.length),
    [40_000, 40_000],
  );
  assert.equal(answer.echoes.length, 10);
  assert.ok(answer.echoes.every((text) => text === megabyte.pad));

  await addRoute('text', { body: { text: 'Hello {{body.name}}, {{#each body.tags}}[{{this}}]{{/each}}' } });
  const text = await post('text', { name: 'ada', tags: ['x', 'y'] });
  assert.equal(await text.text(), 'Hello ada, [x][y]');
  assert.deepEqual(errors, []);
});

test('a counter named by the request: a name too long is a 400, and the counters kept are bounded', LIMIT, async () => {
  // Each name was kept for the world's lifetime: 200 requests naming 500 kB counters held 100 MB until a reload.
  await addRoute('named', { body: { json: { n: '{{counter body.name}}' } } });
  const tooLong = await post('named', { name: 'x'.repeat(MAX_COUNTER_NAME_LENGTH + 1) });
  assert.equal(tooLong.status, 400);
  assert.deepEqual(await tooLong.json(), {
    detail: `Route named, response r: counter: a name is at most ${MAX_COUNTER_NAME_LENGTH} characters (got ${MAX_COUNTER_NAME_LENGTH + 1})`,
  });
  const longest = 'y'.repeat(MAX_COUNTER_NAME_LENGTH);
  for (const expected of [1, 2]) {
    const counted = await post('named', { name: longest });
    assert.equal(counted.status, 200);
    assert.deepEqual(await counted.json(), { n: expected });
  }
  assert.deepEqual(errors, []);
});
