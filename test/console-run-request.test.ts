import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryMessage } from '../src/shared/agora-model';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage } from '../src/shared/control-api';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A scenario played from the console (`POST /scenarios/:id/run`) on a WebSocket answers the client's last run
// request on that connection, as a new run on its thread: its templates read that request's messages, tools and
// forwardedProps, and its RUN_STARTED speaks the client's dialect. Before the client sent any, the request is
// explicitly empty.

const server = await startTestEngine();
const api = controlClient(server);

const READS_THE_REQUEST = {
  id: 'reads-the-request',
  name: 'Reads the request',
  triggers: [],
  steps: [
    {
      type: 'text',
      spoken: false,
      chunks: [
        'said "{{lastUserMessage}}", last {{lastMessage.role}}, plan {{default input.forwardedProps.plan "none"}}, ' +
          '{{length input.messages}} messages, {{length input.tools}} tools, props {{json input.forwardedProps}}, ' +
          'state {{json state}}',
      ],
    },
  ],
};
const ANSWER = {
  id: 'answer-plan',
  name: 'Answer a plan',
  triggers: [{ match: 'exact', value: 'Plan a visit', priority: 100 }],
  steps: [{ type: 'stateSnapshot', snapshot: { visits: 1 } }],
};
for (const scenario of [READS_THE_REQUEST, ANSWER])
  assert.equal((await api.post('/scenarios', scenario)).status, 201, scenario.id);

async function openConnection(): Promise<{ client: AguiSocket; id: string }> {
  const before = new Set((await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items.map((c) => c.id));
  const client = await AguiSocket.open(server.wsUrl);
  const opened = (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=open')).body.items;
  const connection = opened.find((candidate) => !before.has(candidate.id));
  assert.ok(connection);
  return { client, id: connection.id };
}

async function playFromConsole(client: AguiSocket, id: string, runs: number): Promise<ReceivedEvent[]> {
  const played = await api.post<{ runId: string }>(`/scenarios/${READS_THE_REQUEST.id}/run`, { connectionId: id });
  assert.equal(played.status, 202);
  await client.waitForRuns(runs);
  return client.events.filter((event) => 'runId' in event && event.runId === played.body.runId);
}

const textOf = (events: ReceivedEvent[], all: ReceivedEvent[]) => {
  const started = events.find((event) => event.type === 'RUN_STARTED');
  const from = all.indexOf(started as ReceivedEvent);
  return all
    .slice(from)
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
};

test("a console run on a socket reads the client's last request, in its dialect, on its thread and state", async () => {
  const { client, id } = await openConnection();
  client.send({
    threadId: 'thread-console-run',
    runId: 'run-1',
    messages: [{ id: 'm1', role: 'user', content: 'Plan a visit' }],
    state: {},
    tools: [{ name: 'pick_date', description: 'Pick a date', parameters: { type: 'object' } }],
    context: [],
    forwardedProps: { plan: 'pro' },
  });
  await client.waitForRuns(1);

  const events = await playFromConsole(client, id, 2);
  const started = events.find((event) => event.type === 'RUN_STARTED');
  assert.equal(started?.threadId, 'thread-console-run');
  assert.equal(typeof started?.protocolVersion, 'string', 'an AG-UI client gets AG-UI 1.0 RUN_STARTED');
  assert.equal(
    textOf(events, client.events),
    'said "Plan a visit", last user, plan pro, 1 messages, 1 tools, props {"plan":"pro"}, state {"visits":1}',
  );
  await assertValidStream(client.events);

  // The session the runs are recorded in holds the user's message once: the console's run said nothing new.
  const history = await api.get<ItemsPage<HistoryMessage>>('/state/sessions/thread-console-run/history');
  assert.equal(history.status, 200);
  assert.deepEqual(
    history.body.items.filter((message) => message.role === 'user').map((message) => message.content),
    ['Plan a visit'],
  );
  await client.close();
});

test('a console run on a socket whose client sent no request yet reads an explicitly empty one', async () => {
  const { client, id } = await openConnection();
  const events = await playFromConsole(client, id, 1);
  assert.equal(events.find((event) => event.type === 'RUN_STARTED')?.protocolVersion, undefined);
  assert.equal(textOf(events, client.events), 'said "", last , plan none, 0 messages, 0 tools, props {}, state {}');
  await assertValidStream(client.events);
  await client.close();
});
