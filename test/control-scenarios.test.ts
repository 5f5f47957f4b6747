import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage } from '../src/shared/control-api';
import type { Scenario } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, outline } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';
import { sseEvents } from './helpers/sse-events';

const greeting = {
  id: 'greeting',
  name: 'Begroeting',
  triggers: [{ match: 'substring', value: 'goedemorgen', priority: 10 }],
  steps: [{ type: 'text', chunks: ['Goedemorgen! ', 'Waarmee kan ik helpen?'], spoken: false }],
};

test('scenarios: list the AGORA pack, read one, and the schema for the editor', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const list = await api.get<ItemsPage<Scenario>>('/scenarios');
  assert.equal(list.status, 200);
  assert.ok(list.body.total >= 4);
  assert.ok(list.body.items.some((scenario) => scenario.id === 'agora-general'));
  const one = await api.get<Scenario>('/scenarios/agora-general');
  assert.equal(one.body.name, 'Algemene assistent');
  assert.equal((await api.get('/scenarios/nope')).status, 404);
  const schema = await api.get<{ type: string; properties: Record<string, unknown> }>('/scenarios/schema');
  assert.equal(schema.body.type, 'object');
  assert.ok('triggers' in schema.body.properties && 'steps' in schema.body.properties);
});

test('scenarios: create one, a client triggers it, replace it, delete it — with feed events', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);

  const created = await api.post<Scenario>('/scenarios', greeting);
  assert.equal(created.status, 201);
  assert.equal((await api.post('/scenarios', greeting)).status, 409);
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('Goedemorgen allemaal');
  await client.waitForRuns(1);
  assert.equal(
    client.events
      .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
      .map((event) => event.delta)
      .join(''),
    'Goedemorgen! Waarmee kan ik helpen?',
  );

  const replaced = await api.put<Scenario>('/scenarios/greeting', { ...greeting, name: 'Groet' });
  assert.equal(replaced.status, 200);
  assert.equal(replaced.body.name, 'Groet');
  assert.equal((await api.put('/scenarios/greeting', { ...greeting, id: 'other' })).status, 422);
  assert.equal((await api.delete('/scenarios/greeting')).status, 204);
  assert.equal((await api.get('/scenarios/greeting')).status, 404);
  await feed.waitFor(
    () =>
      feed.items
        .filter((item) => item.type === 'scenarios-changed')
        .map((item) => item.type === 'scenarios-changed' && item.change.type)
        .join() === 'scenario-saved,scenario-saved,scenario-deleted',
  );
  await client.close();
  feed.close();
});

test('scenarios: invalid ones are 422 naming the field; a bad regex is refused', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const missing = await api.post<{ detail: { loc: unknown[] }[] }>('/scenarios', { id: 'x', name: 'x' });
  assert.equal(missing.status, 422);
  assert.ok(missing.body.detail.some((issue) => issue.loc.join('.') === 'body.triggers'));
  const badRegex = await api.post<{ detail: { msg: string }[] }>('/scenarios', {
    ...greeting,
    id: 'regex',
    triggers: [{ match: 'regex', pattern: '(' }],
  });
  assert.equal(badRegex.status, 422);
  assert.ok(badRegex.body.detail.length > 0);
  assert.equal((await api.get('/scenarios/regex')).status, 404, 'nothing stored');

  // A body naming another scenario than its path: at the body's id, as a saved payload's or a record's.
  const otherId = await api.put('/scenarios/rx', { ...greeting, id: 'other' });
  assert.deepEqual(
    { status: otherId.status, body: otherId.body },
    {
      status: 422,
      body: {
        detail: [
          {
            type: 'value_error',
            loc: ['body', 'id'],
            msg: 'Value error, the id in the body ("other") differs from the one in the path ("rx"): give the same one in both',
            input: 'other',
          },
        ],
      },
    },
  );
});

test('agents and sockets may list only scenarios there are; a scenario they play is not deleted from under them', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.post('/scenarios', greeting)).status, 201);
  const typo = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/agents', {
    id: 'chat',
    path: '/chat',
    scenarios: ['greetin'],
  });
  assert.equal(typo.status, 422);
  assert.deepEqual(typo.body.detail[0]?.loc, ['body', 'scenarios', 0]);
  assert.match(typo.body.detail[0]?.msg ?? '', /no scenario has the id 'greetin' \(there are 'greeting'\)/);
  const socketTypo = await api.post<{ detail: { loc: unknown[] }[] }>('/sockets', {
    id: 'live',
    path: '/live',
    behaviour: { type: 'agui', scenarios: ['nope'] },
  });
  assert.equal(socketTypo.status, 422);
  assert.deepEqual(socketTypo.body.detail[0]?.loc, ['body', 'behaviour', 'scenarios', 0]);
  assert.equal((await api.get<ItemsPage<unknown>>('/agents')).body.total, 0, 'nothing stored');

  assert.equal((await api.post('/agents', { id: 'chat', path: '/chat', scenarios: ['greeting'] })).status, 201);
  const busy = await api.delete<{ detail: string }>('/scenarios/greeting');
  assert.equal(busy.status, 409);
  assert.match(busy.body.detail, /played by agent 'chat'/);
  assert.equal((await api.put('/agents/chat', { id: 'chat', path: '/chat', scenarios: '*' })).status, 200);
  assert.equal((await api.delete('/scenarios/greeting')).status, 204);
});

test('a message no scenario matches: the RUN_ERROR names the agent or socket, what it plays, and what to add', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.post('/scenarios', greeting)).status, 201);
  assert.equal((await api.post('/agents', { id: 'chat', path: '/chat', scenarios: ['greeting'] })).status, 201);
  const socket = { id: 'live', path: '/live', behaviour: { type: 'agui' } };
  assert.equal((await api.post('/sockets', socket)).status, 201);
  const fallback = 'a fallback (trigger {"match": "always"}) answers any message.';

  const response = await fetch(`${server.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: 'tot ziens' }] }),
  });
  const [, refused] = sseEvents<{ type: string; code: string; message: string }>(await response.text());
  assert.equal(refused?.code, 'no_matching_scenario');
  assert.equal(
    refused?.message,
    "No scenario matches this message on the agent 'chat' at /chat, which plays only 'greeting'. Add a trigger " +
      `that matches the message to one of them, or add a scenario that does to its scenarios list; ${fallback}`,
  );

  const ws = await AguiSocket.open(`${server.url.replace('http', 'ws')}/live`);
  try {
    ws.ask('tot ziens');
    await ws.waitForRuns(1);
    assert.deepEqual(outline(ws.events), ['RUN_STARTED', 'RUN_ERROR']);
    assert.equal(
      ws.events[1]?.message,
      "No scenario matches this message on the socket 'live' at /live, which plays every scenario (1). Add a " +
        `trigger that matches the message to one of them, or a scenario that does; ${fallback}`,
    );
  } finally {
    await ws.close();
  }
});

test('run a scenario on a connection now: it plays as a new run, cancelling the one in progress', async () => {
  const server = await startTestEngine({ settings: { speed: 1 } });
  const api = controlClient(server);
  await api.post('/scenarios', greeting);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  client.ask('Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854');
  await client.waitFor((event) => event.type === 'STEP_STARTED');
  const run = await api.post<{ runId: string }>('/scenarios/greeting/run', { connectionId: connection.id });
  assert.equal(run.status, 202);
  await client.waitForRuns(2);
  const finished = client.events.filter((event) => event.type === 'RUN_FINISHED');
  assert.equal(finished[0]?.outcome?.type, 'cancelled', 'the inspection run was cancelled cleanly');
  assert.equal(finished[1]?.runId, run.body.runId);
  assert.ok(outline(client.events).includes('TEXT_MESSAGE_START'));
  await assertValidStream(client.events);

  assert.equal((await api.post('/scenarios/greeting/run', { connectionId: 'missing' })).status, 404);
  assert.equal((await api.post('/scenarios/nope/run', { connectionId: connection.id })).status, 404);
  await client.close();
});

test('a run injected by hand and still open is not run over by a scenario: 409 says to finish it first', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  await api.post('/scenarios', greeting);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  const opened = [
    { type: 'RUN_STARTED', threadId: 't', runId: 'r1' },
    { type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' },
  ];
  assert.equal((await api.post(`/connections/${connection.id}/events`, { events: opened })).status, 200);
  const refused = await api.post<{ detail: string }>('/scenarios/greeting/run', { connectionId: connection.id });
  assert.equal(refused.status, 409);
  assert.match(refused.body.detail, /run "r1" open, injected from the console: finish it first/);
  const closing = [
    { type: 'TEXT_MESSAGE_END', messageId: 'm1' },
    { type: 'RUN_FINISHED', threadId: 't', runId: 'r1' },
  ];
  assert.equal((await api.post(`/connections/${connection.id}/events`, { events: closing })).status, 200);
  assert.equal((await api.post('/scenarios/greeting/run', { connectionId: connection.id })).status, 202);
  await client.waitForRuns(2);
  await assertValidStream(client.events);
  await client.close();
});

test('scenarios: one past what a workspace file holds is refused with 422; replacing one is not', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const scenario = (n: number) => ({ ...greeting, id: `s${n}`, triggers: [] });
  const start = server.workspace.document();
  const room = 10_000 - start.scenarios.length;
  const full = { ...start, scenarios: [...start.scenarios, ...Array.from({ length: room }, (_, n) => scenario(n))] };
  assert.equal((await api.post('/workspace/import', full)).status, 200);
  const over = await api.post<{ detail: { msg: string }[] }>('/scenarios', scenario(room));
  assert.equal(over.status, 422);
  assert.match(over.body.detail[0]?.msg ?? '', /a workspace holds at most 10000 scenarios/);
  assert.equal((await api.put('/scenarios/s0', { ...scenario(0), name: 'replaced' })).status, 200);
  assert.equal((await api.get<ItemsPage<Scenario>>('/scenarios')).body.total, 10_000);
});
