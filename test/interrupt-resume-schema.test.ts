import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger, startMockServer, WorkspaceError } from '../src/server/index';
import type { ScenarioInput } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { sseEvents } from './helpers/sse-events';
import { workspaceDir } from './helpers/workspace-files';

// A resume's payload is checked against the responseSchema of the interrupt it answers, as a real agent checks it:
// one that does not satisfy it is refused the way each binding refuses invalid input, and the run stays paused.

const server = await startTestEngine();
const control = controlClient(server);

type Interrupt = { id: string; responseSchema?: unknown };
type Event = { type: string; delta?: string; outcome?: { type: string; interrupts: Interrupt[] } };

function runInput(text: string, threadId = `thread-${randomUUID()}`) {
  return {
    threadId,
    runId: randomUUID(),
    messages: [{ id: 'u1', role: 'user', content: text }],
    tools: [],
    context: [],
  };
}

function post(path: string, body: unknown) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
}

/** Plays `input` over HTTP to its end: the interrupt it paused at. */
async function pausedAt(path: string, input: ReturnType<typeof runInput>): Promise<Interrupt> {
  const response = await post(path, input);
  assert.equal(response.status, 200);
  const finished = sseEvents<Event>(await response.text()).at(-1);
  assert.equal(finished?.outcome?.type, 'interrupt');
  const interrupt = finished.outcome.interrupts[0];
  assert.ok(interrupt);
  return interrupt;
}

const resuming = (input: ReturnType<typeof runInput>, interruptId: string, payload: unknown) => ({
  ...input,
  runId: randomUUID(),
  resume: [{ interruptId, status: 'resolved', payload }],
});

test('HTTP: an approval resumed with {"approved":"yes"} is a 422 at the payload; the run stays paused', async () => {
  const input = runInput('Genereer rapport');
  const { id } = await pausedAt('/agent', input);

  const refused = await post('/agent', resuming(input, id, { approved: 'yes' }));
  assert.equal(refused.status, 422);
  assert.deepEqual(await refused.json(), {
    detail: [
      {
        type: 'bool_parsing',
        loc: ['body', 'resume', 0, 'payload', 'approved'],
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: 'yes',
      },
    ],
  });
  // Resolved without a payload: no answer at all.
  const empty = await post('/agent', resuming(input, id, undefined));
  assert.equal(empty.status, 422);
  assert.deepEqual(((await empty.json()) as { detail: unknown[] }).detail, [
    {
      type: 'model_attributes_type',
      loc: ['body', 'resume', 0, 'payload'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: null,
    },
  ]);

  const resumed = await post('/agent', resuming(input, id, { approved: true }));
  assert.equal(resumed.status, 200);
  assert.match(await resumed.text(), /generate_inspection_report/, 'the approved branch, not the rejected one');
});

const QUANTITY = {
  type: 'object',
  properties: { quantity: { type: 'integer', minimum: 1 }, note: { type: 'string', default: 'none' } },
  required: ['quantity'],
  additionalProperties: false,
  description: 'How many {{lastUserMessage}}',
};

/** A scenario that asks how many, and says what it got. */
const orderScenario = (id: string, responseSchema: Record<string, unknown>): ScenarioInput => ({
  id,
  name: id,
  triggers: [{ match: 'lastMessage', substring: 'order', priority: 60 }],
  steps: [
    {
      type: 'interrupt',
      id: 'ask',
      reason: 'confirmation',
      message: 'How many {{lastUserMessage}}?',
      responseSchema,
      resolved: [
        {
          type: 'text',
          chunks: ['Ordered {{steps.ask.payload.quantity}} ({{steps.ask.payload.note}}).'],
          spoken: false,
        },
      ],
      cancelled: [{ type: 'text', chunks: ['Not ordered.'], spoken: false }],
    },
  ],
});

test("a scenario's interrupt: its responseSchema is sent as written and checked over HTTP and on /ws", async () => {
  assert.equal((await control.put('/scenarios/order', orderScenario('order', QUANTITY))).status, 201);
  assert.equal((await control.post('/agents', { id: 'shop', path: '/shop', scenarios: ['order'] })).status, 201);
  const socket = {
    id: 'shop-ws',
    path: '/shop-ws',
    behaviour: { type: 'agui', scenarios: ['order'], whileRunning: 'queue' },
  };
  assert.equal((await control.post('/sockets', socket)).status, 201);

  const input = runInput('order tea');
  const interrupt = await pausedAt('/shop', input);
  assert.deepEqual(interrupt.responseSchema, QUANTITY, 'not a template: the schema the payload is checked against');
  const refused = await post('/shop', resuming(input, interrupt.id, { quantity: 'three', size: 'L' }));
  assert.equal(refused.status, 422);
  const issues = ((await refused.json()) as { detail: { type: string; loc: unknown[]; input: unknown }[] }).detail;
  assert.deepEqual(
    issues.map(({ type, loc, input }) => ({ type, loc, input })).sort((a, b) => a.type.localeCompare(b.type)),
    [
      { type: 'extra_forbidden', loc: ['body', 'resume', 0, 'payload', 'size'], input: 'L' },
      { type: 'int_parsing', loc: ['body', 'resume', 0, 'payload', 'quantity'], input: 'three' },
    ],
  );
  const tooFew = await post('/shop', resuming(input, interrupt.id, { quantity: 0 }));
  assert.equal(tooFew.status, 422);
  assert.equal(((await tooFew.json()) as { detail: { type: string }[] }).detail[0]?.type, 'greater_than_equal');
  const resumed = await post('/shop', resuming(input, interrupt.id, { quantity: 3 }));
  assert.equal(resumed.status, 200);
  const texts = sseEvents<Event>(await resumed.text()).filter((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  assert.deepEqual(
    texts.map((event) => event.delta),
    ['Ordered 3 (none).'],
    "the schema's defaults are filled in",
  );

  // The same on an AG-UI socket: the refusal is agora:error invalid_run_input, outside any run.
  const ws = await AguiSocket.open(`${server.url.replace('http', 'ws')}/shop-ws`);
  try {
    const wsInput = runInput('order soup');
    ws.send(wsInput);
    await ws.waitForRuns(1);
    const pending = (ws.events.at(-1) as ReceivedEvent).outcome.interrupts[0];
    const at = ws.events.length;
    ws.send(resuming(wsInput, pending.id, { quantity: 'two' }));
    await ws.waitUntil(() => ws.events.length > at);
    assert.deepEqual(ws.events.slice(at), [
      {
        type: 'CUSTOM',
        name: 'agora:error',
        value: {
          errorCode: 'invalid_run_input',
          message: `Invalid RunAgentInput: the resume payload does not satisfy the responseSchema of interrupt ${pending.id}`,
          details: [
            {
              path: 'resume.0.payload.quantity',
              message: 'Input should be a valid integer, unable to parse string as an integer',
            },
          ],
        },
        timestamp: ws.events[at]?.timestamp,
      },
    ]);
    // Still paused: a payload that satisfies the schema resumes the run.
    ws.send(resuming(wsInput, pending.id, { quantity: 2, note: 'hot' }));
    await ws.waitForRuns(2);
    await assertValidStream(ws.events);
    const wsTexts = ws.events.filter((event) => event.type === 'TEXT_MESSAGE_CONTENT').map((event) => event.delta);
    assert.deepEqual(wsTexts, ['Ordered 2 (hot).']);
  } finally {
    await ws.close();
  }
});

test('a responseSchema ajv cannot compile is refused when the scenario is stored or its workspace loaded', async () => {
  const broken = orderScenario('broken-order', { type: 'object', properties: { quantity: { type: 'integr' } } });
  const stored = await control.put('/scenarios/broken-order', broken);
  assert.equal(stored.status, 422);
  const [issue] = (stored.body as { detail: { loc: unknown[]; msg: string }[] }).detail;
  assert.deepEqual(issue?.loc, ['body', 'steps', 0, 'responseSchema']);
  assert.match(issue?.msg ?? '', /^invalid JSON Schema: /);
  assert.equal((await control.get('/scenarios/broken-order')).status, 404);

  const file = join(await workspaceDir(), 'broken.agui.json');
  await writeFile(file, JSON.stringify({ version: 2, name: 'broken', scenarios: [broken] }));
  const refused = await startMockServer({ port: 0, logger: silentLogger, workspace: file }).then(
    async (started) => {
      await started.close();
      assert.fail('the engine started on a workspace with a schema that does not compile');
    },
    (error: unknown) => error,
  );
  assert.ok(refused instanceof WorkspaceError);
  assert.equal(refused.path, 'scenarios.0.steps.0.responseSchema');
  assert.match(refused.problem, /^invalid JSON Schema: /);
});

test('a responseSchema that runs without end on some payload refuses that payload (422), never a 500', async () => {
  // Recurses only for a payload that has `a`: no value tried when the schema is compiled reaches the cycle.
  const cycleUnderA = {
    type: 'object',
    properties: { a: { $ref: '#/$defs/n' }, quantity: { type: 'integer' } },
    $defs: { n: { $ref: '#/$defs/m' }, m: { allOf: [{ $ref: '#/$defs/n' }] } },
  };
  assert.equal((await control.put('/scenarios/looping', orderScenario('looping', cycleUnderA))).status, 201);
  assert.equal(
    (await control.post('/agents', { id: 'looping', path: '/looping', scenarios: ['looping'] })).status,
    201,
  );
  const input = runInput('order rope');
  const { id } = await pausedAt('/looping', input);
  const refused = await post('/looping', resuming(input, id, { a: {} }));
  assert.equal(refused.status, 422);
  const [issue] = ((await refused.json()) as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail;
  assert.equal(issue?.type, 'value_error');
  assert.deepEqual(issue?.loc, ['body', 'resume', 0, 'payload']);
  assert.match(issue?.msg ?? '', /refers to itself without end/);
  const resumed = await post('/looping', resuming(input, id, { quantity: 1 }));
  assert.equal(resumed.status, 200, 'still paused: another payload resumes it');
});

test('HTTP: a resume entry with "payload": null is a 422 that says to leave it out; the run stays paused', async () => {
  assert.equal((await control.put('/scenarios/null-order', orderScenario('null-order', QUANTITY))).status, 201);
  assert.equal((await control.post('/agents', { id: 'null', path: '/null', scenarios: ['null-order'] })).status, 201);
  const input = runInput('order bread');
  const { id } = await pausedAt('/null', input);
  const refused = await post('/null', resuming(input, id, null));
  assert.equal(refused.status, 422);
  assert.deepEqual(await refused.json(), {
    detail: [
      {
        type: 'value_error',
        loc: ['body', 'resume', 0, 'payload'],
        msg: 'Value error, payload may be left out but not null: omit it for no payload',
        input: null,
      },
    ],
  });
  assert.equal((await post('/null', resuming(input, id, { quantity: 1 }))).status, 200, 'still paused');
});

test('HTTP: a resolved answer without a payload is checked as null: a schema that takes null resumes; an object one wants {}', async () => {
  const nullable = { type: ['object', 'null'], properties: { quantity: { type: 'integer' } } };
  const optional = { type: 'object', properties: { note: { type: 'string', default: 'none' } } };
  assert.equal((await control.put('/scenarios/maybe-order', orderScenario('maybe-order', nullable))).status, 201);
  assert.equal((await control.put('/scenarios/note-order', orderScenario('note-order', optional))).status, 201);
  assert.equal(
    (await control.post('/agents', { id: 'maybe', path: '/maybe', scenarios: ['maybe-order'] })).status,
    201,
  );
  assert.equal((await control.post('/agents', { id: 'note', path: '/note', scenarios: ['note-order'] })).status, 201);

  const maybe = runInput('order water');
  const pending = await pausedAt('/maybe', maybe);
  assert.equal((await post('/maybe', resuming(maybe, pending.id, undefined))).status, 200, 'null is what it takes');

  const note = runInput('order jam');
  const { id } = await pausedAt('/note', note);
  const refused = await post('/note', resuming(note, id, undefined));
  assert.equal(refused.status, 422);
  assert.deepEqual(((await refused.json()) as { detail: unknown[] }).detail, [
    {
      type: 'model_attributes_type',
      loc: ['body', 'resume', 0, 'payload'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: null,
    },
  ]);
  const resumed = await post('/note', resuming(note, id, {}));
  assert.equal(resumed.status, 200);
  assert.match(await resumed.text(), /\(none\)/, "the schema's default filled in");
});

test('a resume that answers one interrupt twice is refused at the second entry, over HTTP and on a socket; the run stays paused', async () => {
  const input = runInput('Genereer rapport');
  const { id } = await pausedAt('/agent', input);
  const twice = {
    ...input,
    runId: randomUUID(),
    resume: [
      { interruptId: id, status: 'resolved', payload: { approved: true } },
      { interruptId: id, status: 'resolved', payload: { approved: 'garbage' } },
    ],
  };
  const refused = await post('/agent', twice);
  assert.equal(refused.status, 422);
  const words = `interrupt ${JSON.stringify(id)} is answered twice (resume entries 0 and 1): send one entry per interrupt`;
  assert.deepEqual(await refused.json(), {
    detail: [
      { type: 'value_error', loc: ['body', 'resume', 1, 'interruptId'], msg: `Value error, ${words}`, input: id },
    ],
  });
  assert.equal((await post('/agent', resuming(input, id, { approved: true }))).status, 200, 'still paused');

  assert.equal((await control.put('/scenarios/twice-order', orderScenario('twice-order', QUANTITY))).status, 201);
  const socket = {
    id: 'twice-ws',
    path: '/twice-ws',
    behaviour: { type: 'agui', scenarios: ['twice-order'], whileRunning: 'queue' },
  };
  assert.equal((await control.post('/sockets', socket)).status, 201);
  const ws = await AguiSocket.open(`${server.url.replace('http', 'ws')}/twice-ws`);
  try {
    const wsInput = runInput('order milk');
    ws.send(wsInput);
    await ws.waitForRuns(1);
    const pending = (ws.events.at(-1) as ReceivedEvent).outcome.interrupts[0];
    const at = ws.events.length;
    const entry = { interruptId: pending.id, status: 'resolved' };
    ws.send({ ...wsInput, runId: randomUUID(), resume: [entry, { ...entry, payload: { quantity: 2 } }] });
    await ws.waitUntil(() => ws.events.length > at);
    const wsWords = `interrupt ${JSON.stringify(pending.id)} is answered twice (resume entries 0 and 1): send one entry per interrupt`;
    assert.deepEqual(ws.events[at]?.value, {
      errorCode: 'invalid_run_input',
      message: `Invalid RunAgentInput: ${wsWords}`,
      details: [{ path: 'resume.1.interruptId', message: wsWords }],
    });
    ws.send({ ...wsInput, runId: randomUUID(), resume: [{ ...entry, payload: { quantity: 2 } }] });
    await ws.waitForRuns(2);
    const texts = ws.events.filter((event) => event.type === 'TEXT_MESSAGE_CONTENT').map((event) => event.delta);
    assert.deepEqual(texts, ['Ordered 2 (none).'], 'still paused: one answer resumes it');
  } finally {
    await ws.close();
  }
});

test('a socket: a resume the official schema refuses is refused as it is over HTTP, never played as a new run; the run stays paused', async () => {
  assert.equal((await control.put('/scenarios/strict-order', orderScenario('strict-order', QUANTITY))).status, 201);
  const socket = {
    id: 'strict-ws',
    path: '/strict-ws',
    behaviour: { type: 'agui', scenarios: ['strict-order'], whileRunning: 'queue' },
  };
  assert.equal((await control.post('/sockets', socket)).status, 201);
  // Never read as AGORA's variant (which has no resume): that would start afresh and drop the pending interrupt.
  const ws = await AguiSocket.open(`${server.url.replace('http', 'ws')}/strict-ws`);
  try {
    const wsInput = runInput('order cheese');
    ws.send(wsInput);
    await ws.waitForRuns(1);
    const pending = (ws.events.at(-1) as ReceivedEvent).outcome.interrupts[0];
    const at = ws.events.length;
    const entry = { interruptId: pending.id, status: 'resolved' };
    ws.send({ ...wsInput, runId: randomUUID(), resume: [{ ...entry, payload: null }] });
    ws.send({ ...wsInput, runId: randomUUID(), resume: [{ ...entry, status: 'RESOLVED', payload: { quantity: 1 } }] });
    ws.send({ ...wsInput, runId: randomUUID(), resume: [{ ...entry, payload: { quantity: 1 }, metadata: 5 }] });
    // AGORA's variant's shape (no runId, no message ids) with a resume: checked as the official input it must be.
    ws.send({ threadId: wsInput.threadId, messages: [{ role: 'user', content: 'x' }], resume: [entry] });
    await ws.waitUntil(() => ws.events.length >= at + 4);
    const refusal = (details: unknown) => ({
      errorCode: 'invalid_run_input',
      message:
        "Invalid RunAgentInput: one that carries resume must be the official AG-UI RunAgentInput (AGORA's variant has no resume)",
      details,
    });
    assert.deepEqual(
      ws.events.slice(at).map((event) => (event.name === 'agora:error' ? event.value : event.type)),
      [
        refusal([
          { path: 'resume.0.payload', message: 'payload may be left out but not null: omit it for no payload' },
        ]),
        refusal([{ path: 'resume.0.status', message: 'Invalid option: expected one of "resolved"|"cancelled"' }]),
        refusal([{ path: 'resume.0.metadata', message: 'Invalid input' }]),
        refusal([
          { path: 'runId', message: 'Invalid input: expected string, received undefined' },
          { path: 'messages.0.id', message: 'Invalid input: expected string, received undefined' },
        ]),
      ],
    );
    // Still paused at the same interrupt: the right answer resumes it.
    ws.send({ ...wsInput, runId: randomUUID(), resume: [{ ...entry, payload: { quantity: 2 } }] });
    await ws.waitForRuns(2);
    await assertValidStream(ws.events);
    const texts = ws.events.filter((event) => event.type === 'TEXT_MESSAGE_CONTENT').map((event) => event.delta);
    assert.deepEqual(texts, ['Ordered 2 (none).']);
  } finally {
    await ws.close();
  }
});
