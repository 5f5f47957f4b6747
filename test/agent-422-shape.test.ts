import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { RouteInput } from '../src/shared/mounts/route';
import { AguiSocket, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A 422 lists every problem at once, in pydantic's shape and order, from the AG-UI HTTP binding as from a route:
// a missing field's `input` is the object it is missing from, a limit is in `ctx`, declared fields come in their
// order and extra keys last. Each expected body is what FastAPI answers for a pydantic model mirroring the schema
// (pydantic 2.13, validated as FastAPI does, `from_attributes`), except that a tagged union's member is not named
// in `loc` (pydantic's `["body","messages",0,"user","id"]` is `["body","messages",0,"id"]` here, as documented).

const server = await startTestEngine();
const api = controlClient(server);

const ORDER = {
  type: 'object',
  properties: {
    plantId: { type: 'integer' },
    qty: { type: 'integer', minimum: 1 },
    gift: { type: 'boolean' },
  },
  required: ['plantId', 'qty'],
  additionalProperties: false,
};
const routes: RouteInput[] = [
  { id: 'orders', method: 'POST', path: '/shape/orders', validate: { body: ORDER }, responses: [{ id: 'ok' }] },
  {
    id: 'deliveries',
    method: 'POST',
    path: '/shape/deliveries',
    validate: {
      body: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          owner: {
            type: 'object',
            properties: { plantId: { type: 'integer' }, qty: { type: 'integer', minimum: 1 } },
            required: ['plantId', 'qty'],
            additionalProperties: false,
          },
        },
        required: ['name', 'owner'],
      },
    },
    responses: [{ id: 'ok' }],
  },
];
for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const ROLES = "'developer', 'system', 'assistant', 'user', 'tool', 'activity', 'reasoning'";

test("/agent: the tester's body, both problems at once: the empty threadId first, the message's missing id", async () => {
  const body = { threadId: '', runId: 'r1', messages: [{ role: 'user', content: 'x' }] };
  assert.deepEqual(await post('/agent', body), {
    status: 422,
    body: {
      detail: [
        {
          type: 'string_too_short',
          loc: ['body', 'threadId'],
          msg: 'String should have at least 1 character',
          input: '',
          ctx: { min_length: 1 },
        },
        {
          type: 'missing',
          loc: ['body', 'messages', 0, 'id'],
          msg: 'Field required',
          input: { role: 'user', content: 'x' },
        },
      ],
    },
  });
});

test('/agent: wrong types in several fields at once, in the order RunAgentInput declares them', async () => {
  const body = {
    threadId: '',
    runId: 7,
    messages: [5, { id: 'm2', role: 'bogus', content: 'x' }],
    tools: 'none',
  };
  assert.deepEqual(await post('/agent', body), {
    status: 422,
    body: {
      detail: [
        {
          type: 'string_too_short',
          loc: ['body', 'threadId'],
          msg: 'String should have at least 1 character',
          input: '',
          ctx: { min_length: 1 },
        },
        { type: 'string_type', loc: ['body', 'runId'], msg: 'Input should be a valid string', input: 7 },
        {
          type: 'model_attributes_type',
          loc: ['body', 'messages', 0],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: 5,
        },
        {
          // At the message, which is the input, as pydantic reports a tagged union.
          type: 'union_tag_invalid',
          loc: ['body', 'messages', 1],
          msg: `Input tag 'bogus' found using 'role' does not match any of the expected tags: ${ROLES}`,
          input: { id: 'm2', role: 'bogus', content: 'x' },
          ctx: { discriminator: "'role'", tag: 'bogus', expected_tags: ROLES },
        },
        { type: 'list_type', loc: ['body', 'tools'], msg: 'Input should be a valid list', input: 'none' },
      ],
    },
  });
});

test('/agent: a missing nested field echoes the object it is missing from; a missing role is no tag at all', async () => {
  const call = { id: 'c1', type: 'function', function: { name: 'lookup' } };
  const nested = {
    threadId: 't1',
    runId: 'r1',
    messages: [
      { id: 'm1', role: 'user', content: 'x' },
      { id: 'm2', role: 'assistant', toolCalls: [call] },
    ],
  };
  assert.deepEqual(await post('/agent', nested), {
    status: 422,
    body: {
      detail: [
        {
          type: 'missing',
          loc: ['body', 'messages', 1, 'toolCalls', 0, 'function', 'arguments'],
          msg: 'Field required',
          input: { name: 'lookup' },
        },
      ],
    },
  });
  const roleless = { threadId: 't1', runId: 'r1', messages: [{ id: 'm1', content: 'x' }] };
  assert.deepEqual(await post('/agent', roleless), {
    status: 422,
    body: {
      detail: [
        {
          type: 'union_tag_not_found',
          loc: ['body', 'messages', 0],
          msg: "Unable to extract tag using discriminator 'role'",
          input: { id: 'm1', content: 'x' },
          ctx: { discriminator: "'role'" },
        },
      ],
    },
  });
});

test("a route's body: declared fields in their order, then the extra key (the tester's body)", async () => {
  assert.deepEqual(await post('/shape/orders', { plantId: 'three', qty: 0, gift: 'maybe', extra: 1 }), {
    status: 422,
    body: {
      detail: [
        {
          type: 'int_parsing',
          loc: ['body', 'plantId'],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          input: 'three',
        },
        {
          type: 'greater_than_equal',
          loc: ['body', 'qty'],
          msg: 'Input should be greater than or equal to 1',
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: 'bool_parsing',
          loc: ['body', 'gift'],
          msg: 'Input should be a valid boolean, unable to interpret input',
          input: 'maybe',
        },
        { type: 'extra_forbidden', loc: ['body', 'extra'], msg: 'Extra inputs are not permitted', input: 1 },
      ],
    },
  });
});

test("a route's body: wrong types around a missing field, the missing one in its declared place", async () => {
  assert.deepEqual(await post('/shape/orders', { plantId: 'three', gift: 'maybe' }), {
    status: 422,
    body: {
      detail: [
        {
          type: 'int_parsing',
          loc: ['body', 'plantId'],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          input: 'three',
        },
        { type: 'missing', loc: ['body', 'qty'], msg: 'Field required', input: { plantId: 'three', gift: 'maybe' } },
        {
          type: 'bool_parsing',
          loc: ['body', 'gift'],
          msg: 'Input should be a valid boolean, unable to interpret input',
          input: 'maybe',
        },
      ],
    },
  });
});

test("a route's body: a nested object's fields in their order, its extra key after them, before the next field", async () => {
  assert.deepEqual(await post('/shape/deliveries', { name: 'n', owner: { qty: 0, x: 1 } }), {
    status: 422,
    body: {
      detail: [
        { type: 'missing', loc: ['body', 'owner', 'plantId'], msg: 'Field required', input: { qty: 0, x: 1 } },
        {
          type: 'greater_than_equal',
          loc: ['body', 'owner', 'qty'],
          msg: 'Input should be greater than or equal to 1',
          input: 0,
          ctx: { ge: 1 },
        },
        { type: 'extra_forbidden', loc: ['body', 'owner', 'x'], msg: 'Extra inputs are not permitted', input: 1 },
      ],
    },
  });
  const owner = { qty: 'x', plantId: 'y', zz: 1 };
  const { body } = await post('/shape/deliveries', { owner });
  assert.deepEqual(
    (body as { detail: { type: string; loc: unknown[] }[] }).detail.map(({ type, loc }) => [type, loc]),
    [
      ['missing', ['body', 'name']],
      ['int_parsing', ['body', 'owner', 'plantId']],
      ['int_parsing', ['body', 'owner', 'qty']],
      ['extra_forbidden', ['body', 'owner', 'zz']],
    ],
  );
});

test('/ws: a run input carrying resume is refused with every problem, the empty threadId among them', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  try {
    ws.send({
      threadId: '',
      runId: randomUUID(),
      messages: [{ id: 'm1', role: 'user', content: 'x' }],
      resume: [{ interruptId: 'i1', status: 'later' }],
    });
    const isError = (event: ReceivedEvent) => event.type === 'CUSTOM' && event.name === 'agora:error';
    await ws.waitUntil(() => ws.events.some(isError));
    const refusal = ws.events.find(isError)?.value;
    assert.deepEqual(
      { errorCode: refusal?.errorCode, details: refusal?.details },
      {
        errorCode: 'invalid_run_input',
        details: [
          { path: 'threadId', message: 'Too small: expected string to have >=1 characters' },
          { path: 'resume.0.status', message: 'Invalid option: expected one of "resolved"|"cancelled"' },
        ],
      },
    );
  } finally {
    await ws.close();
  }
});
