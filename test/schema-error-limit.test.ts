import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ValidationIssue } from '../src/server/http/http-errors';
import type { MockServer } from '../src/server/index';
import { MAX_HELD_ERRORS } from '../src/server/routes/json-schemas';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { loopHoldUpDuring } from './helpers/loop-delay';

/**
 * ajv keeps every error of a check, those of each union branch it tried included: a 50-branch union (an OpenAPI
 * document's discriminated models) on each item of a 780 kB list made 6 million errors, 1.3 GB and 6 s. A check
 * stops past MAX_HELD_ERRORS, and the 422 says so first.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);

const KINDS = Array.from({ length: 50 }, (_, index) => ({
  type: 'object',
  properties: { kind: { const: `kind-${index}` }, value: { type: 'integer' } },
  required: ['kind', 'value'],
}));

async function route(id: string, body: Record<string, unknown>): Promise<void> {
  const created = await api.post('/routes', {
    id,
    method: 'POST',
    path: `/${id}`,
    validate: { body },
    responses: [{ id: 'ok', body: { json: 'ok' } }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

async function post(path: string, body: unknown): Promise<{ status: number; detail: ValidationIssue[] }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { detail: ValidationIssue[] };
  return { status: response.status, detail: answer.detail };
}

const STOPPED = `Value error, the value has more than ${MAX_HELD_ERRORS} problems, so checking stopped there: fix those listed and send again`;

test('a union of 50 models broken by each item of a long list: a 422 that says checking stopped, quickly', async () => {
  await route('events', { type: 'array', items: { anyOf: KINDS } });
  let answer: Awaited<ReturnType<typeof post>> = { status: 0, detail: [] };
  const holdUp = await loopHoldUpDuring(async () => {
    answer = await post(
      '/events',
      Array.from({ length: 60_000 }, () => ({ kind: 'other' })),
    );
  });
  assert.equal(answer.status, 422);
  assert.deepEqual(
    { type: answer.detail[0]?.type, loc: answer.detail[0]?.loc, msg: answer.detail[0]?.msg },
    { type: 'value_error', loc: ['body'], msg: STOPPED },
  );
  assert.equal(answer.detail[1]?.msg, 'Value error, input should match at least one of the allowed schemas (anyOf)');
  // Six seconds before, and 1.3 GB. Generous, for a busy 2-core machine.
  assert.ok(holdUp.busyMs < 3_000, `the event loop was held ${holdUp.busyMs.toFixed(0)} ms`);

  // A few broken items are reported as before, each union once.
  const few = await post('/events', [{ kind: 'other' }, { kind: 'kind-3', value: 1 }, { kind: 'kind-4' }]);
  assert.deepEqual(
    few.detail.map((issue) => issue.loc),
    [
      ['body', 0],
      ['body', 2],
    ],
  );
  assert.equal((await post('/events', [{ kind: 'kind-49', value: 7 }])).status, 200);
  assert.deepEqual(errors, []);
});

test('a check stopped in a union branch never lets the union pass', async () => {
  // The first branch breaks past the limit; had its errors been dropped rather than the check stopped, the
  // second (no error added) would have looked like it passed.
  await route('either', {
    anyOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'array', maxItems: 1 },
    ],
  });
  const answer = await post('/either', Array(MAX_HELD_ERRORS + 50_000).fill(1));
  assert.equal(answer.status, 422);
  assert.equal(answer.detail[0]?.msg, STOPPED);
  assert.deepEqual(errors, []);
});
