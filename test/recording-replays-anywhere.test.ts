import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordScenario } from '../src/server/scenarios/scenario-recording';
import type { FrameRecord } from '../src/shared/connections';
import type { RecordingResult } from '../src/shared/recording';
import type { ScenarioInput, ScenarioStep } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A recording replays anywhere as it played: a run whose STATE_DELTAs applied to the state the recorded client
// brought starts its replay with that state as a STATE_SNAPSHOT (the replaying connection has not got it), and
// what a recording leaves out — such a state it cannot see, an approval's unanswered branches — is in `warnings`.

const server = await startTestEngine();
const api = controlClient(server);

const SCENARIOS: ScenarioInput[] = [
  {
    id: 'patch-count',
    name: 'Patches the client’s count',
    triggers: [{ match: 'substring', value: 'patch my count', priority: 100 }],
    steps: [
      { type: 'stateDelta', delta: [{ op: 'replace', path: '/count', value: 5 }] },
      { type: 'text', chunks: ['count is 5'], chunkDelayMs: 0, spoken: false },
      { type: 'stateDelta', delta: [{ op: 'add', path: '/items', value: ['{{threadId}}'] }] },
    ],
  },
  {
    id: 'set-count',
    name: 'Sets the count',
    triggers: [],
    steps: [{ type: 'stateSnapshot', snapshot: { count: 2, kept: true } }],
  },
];
for (const scenario of SCENARIOS) {
  const stored = await api.post('/scenarios', scenario);
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
}

/** Opens a socket and says which connection it is. */
async function openConnection(): Promise<{ client: AguiSocket; id: string }> {
  const listed = async () =>
    (await api.get<{ items: { id: string }[] }>('/connections?state=open')).body.items.map((item) => item.id);
  const before = new Set(await listed());
  const client = await AguiSocket.open(server.wsUrl);
  const id = (await listed()).find((item) => !before.has(item));
  assert.ok(id, 'the new connection is listed');
  return { client, id };
}

async function record(connectionId: string, id: string): Promise<RecordingResult> {
  const answer = await api.post<RecordingResult>(`/connections/${connectionId}/record`, { id });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

/** Plays a stored scenario on a fresh connection from the console; its events once the run ended. */
async function replayElsewhere(scenarioId: string): Promise<ReceivedEvent[]> {
  const { client, id } = await openConnection();
  const run = await api.post(`/scenarios/${scenarioId}/run`, { connectionId: id });
  assert.equal(run.status, 202, JSON.stringify(run.body));
  await client.waitForRuns(1);
  await client.close();
  return client.events;
}

const stepTypes = (steps: unknown) => (steps as ScenarioStep[]).map((step) => step.type);
const withoutLet = (steps: readonly ScenarioStep[]) => steps.filter((step) => step.type !== 'let');
const stateEvents = (events: readonly ReceivedEvent[]) =>
  events
    .filter((event) => event.type === 'STATE_SNAPSHOT' || event.type === 'STATE_DELTA')
    .map(({ type, snapshot, delta }) => ({
      type,
      ...(snapshot !== undefined && { snapshot }),
      ...(delta && { delta }),
    }));

test('deltas against the state the request brought replay on a fresh connection: that state goes first', async () => {
  const { client, id } = await openConnection();
  const state = { count: 1, other: 'x' };
  client.ask('please patch my count', { threadId: 'thread-state', state });
  await client.waitForRuns(1);
  await assertValidStream(client.events);
  assert.equal(client.events.at(-1)?.type, 'RUN_FINISHED', 'the original run patched the client’s state');

  const recorded = await record(id, 'recorded-patch');
  const steps = withoutLet(recorded.scenario.steps);
  assert.deepEqual(steps[0], { type: 'stateSnapshot', snapshot: state }, 'the recording starts with the state');
  assert.equal(recorded.warnings.length, 1, JSON.stringify(recorded.warnings));
  assert.match(
    recorded.warnings[0] ?? '',
    /STATE_DELTA events applied to the state its request brought \(keys "count", "other"\): the replay sends that state first as a STATE_SNAPSHOT/,
  );

  const replayed = await replayElsewhere('recorded-patch');
  await assertValidStream(replayed);
  assert.deepEqual(outline(replayed), [
    'RUN_STARTED',
    'STATE_SNAPSHOT',
    'STATE_DELTA',
    'TEXT_MESSAGE_START',
    'TEXT_MESSAGE_CONTENT',
    'TEXT_MESSAGE_END',
    'STATE_DELTA',
    'RUN_FINISHED',
  ]);
  const replayThread = replayed[0]?.threadId;
  assert.notEqual(replayThread, 'thread-state');
  assert.deepEqual(stateEvents(replayed), [
    { type: 'STATE_SNAPSHOT', snapshot: state },
    { type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/count', value: 5 }] },
    { type: 'STATE_DELTA', delta: [{ op: 'add', path: '/items', value: [replayThread] }] },
  ]);
});

test('deltas against the state an earlier run on the connection left (the request brought none) replay too', async () => {
  const { client, id } = await openConnection();
  // A run played from the console sets the thread's state; the next run's request brings none, so it patches that.
  const played = await api.post('/scenarios/set-count/run', { connectionId: id });
  assert.equal(played.status, 202);
  await client.waitForRuns(1);
  const threadId = client.events[0]?.threadId as string;
  client.ask('patch my count', { threadId });
  await client.waitForRuns(2);
  await assertValidStream(client.events);
  assert.equal(client.events.at(-1)?.type, 'RUN_FINISHED', 'the delta applied to what the first run left');

  const recorded = await record(id, 'recorded-thread-state');
  assert.deepEqual(withoutLet(recorded.scenario.steps)[0], {
    type: 'stateSnapshot',
    snapshot: { count: 2, kept: true },
  });
  assert.equal(recorded.warnings.length, 1, JSON.stringify(recorded.warnings));
  assert.match(recorded.warnings[0] ?? '', /an earlier run on the connection left for the thread/);

  const replayed = await replayElsewhere('recorded-thread-state');
  await assertValidStream(replayed);
  assert.equal(replayed.at(-1)?.type, 'RUN_FINISHED');
  assert.deepEqual(
    stateEvents(replayed).map((event) => event.type),
    ['STATE_SNAPSHOT', 'STATE_DELTA', 'STATE_DELTA'],
  );
});

/** A run's frames as a connection keeps them: the request (with `state` when given), then what the engine sent. */
function runFrames(state: unknown, events: Record<string, unknown>[]): FrameRecord[] {
  const request = {
    threadId: 't-1',
    runId: 'r-1',
    messages: [{ id: 'u1', role: 'user', content: 'patch it' }],
    tools: [],
    context: [],
    forwardedProps: {},
    ...(state !== undefined && { state }),
  };
  const all = [
    request,
    { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-1' },
    ...events,
    { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-1' },
  ];
  return all.map((value, index) => {
    const text = JSON.stringify(value);
    return {
      seq: index + 1,
      at: 1_000,
      direction: index === 0 ? 'in' : 'out',
      size: text.length,
      text,
      binary: false,
      eventType: null,
    };
  });
}

test('a state the recording cannot see or keep is named in warnings, and no snapshot is made up', () => {
  const delta = { type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/count', value: 5 }] };

  // No state in the request, none set before on the connection, yet the delta applied: it came from elsewhere.
  const unseen = recordScenario(runFrames(undefined, [delta]), { id: 'unseen', source: 'a test' });
  assert.deepEqual(stepTypes(unseen.scenario.steps), ['emit']);
  assert.equal(unseen.warnings.length, 1, JSON.stringify(unseen.warnings));
  assert.match(unseen.warnings[0] ?? '', /a state the recording cannot see .*add a stateSnapshot step first by hand/);

  // A state larger than a recording keeps.
  const large = { count: 1, blob: 'x'.repeat(300 * 1024) };
  const big = recordScenario(runFrames(large, [delta]), { id: 'big', source: 'a test' });
  assert.deepEqual(stepTypes(big.scenario.steps), ['emit']);
  assert.equal(big.warnings.length, 1, JSON.stringify(big.warnings));
  assert.match(big.warnings[0] ?? '', /\d+ bytes as JSON: more than a recording keeps \(262144\)/);

  // The run's own snapshot first: its deltas apply to what it set, nothing to add or say.
  const own = recordScenario(runFrames({ count: 1 }, [{ type: 'STATE_SNAPSHOT', snapshot: { count: 3 } }, delta]), {
    id: 'own',
    source: 'a test',
  });
  assert.deepEqual(stepTypes(own.scenario.steps), ['emit', 'emit']);
  assert.deepEqual(own.warnings, []);
});

test('a recorded AGORA approval the client rejected says its approved and timeout branches are empty', async () => {
  const { client, id } = await openConnection();
  client.ask('Genereer rapport', { threadId: 'thread-rejected' });
  const request = await client.waitForCustom('agora:tool_approval_request');
  client.approve(request.value.approvalId, false, 'not now');
  await client.waitForRuns(1);
  const afterAnswer = client.events.slice(client.events.indexOf(request) + 1);
  assert.ok(
    afterAnswer.some((event) => event.type === 'TEXT_MESSAGE_CONTENT'),
    'the rejection was answered',
  );

  const recorded = await record(id, 'recorded-rejected');
  const approval = recorded.scenario.steps.find((step) => step.type === 'approval');
  assert.ok(approval?.type === 'approval');
  assert.ok(approval.rejected.length > 0);
  assert.deepEqual([approval.approved, approval.timeout], [[], []]);
  const said = recorded.warnings.filter((warning) => warning.includes('approval'));
  assert.equal(said.length, 1, JSON.stringify(recorded.warnings));
  assert.match(
    said[0] ?? '',
    /the AGORA approval of "\w+" \(the approval step "approval\d+"\) was rejected by the recorded client, so what followed is its rejected branch; its approved and timeout branches are empty: a replay whose client approves it, or does not answer in time \(approvalTimeoutMs\), finishes the run there/,
  );

  // As said: approved on replay, the run finishes after the approval request (closing what it left open), saying nothing.
  const replay = await openConnection();
  const run = await api.post(`/scenarios/recorded-rejected/run`, { connectionId: replay.id });
  assert.equal(run.status, 202);
  const asked = await replay.client.waitForCustom('agora:tool_approval_request');
  replay.client.approve(asked.value.approvalId, true);
  await replay.client.waitForRuns(1);
  await assertValidStream(replay.client.events);
  const after = replay.client.events.slice(replay.client.events.indexOf(asked) + 1);
  assert.equal(after.at(-1)?.type, 'RUN_FINISHED');
  assert.ok(!after.some((event) => event.type.startsWith('TEXT_MESSAGE')), outline(after).join(', '));
  await replay.client.close();
});
