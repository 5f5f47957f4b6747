import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordScenario } from '../src/server/scenarios/scenario-recording';
import type { RecordingPreview, RecordingResult } from '../src/shared/recording';
import type { Scenario, ScenarioStep } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Recording a connection changes no answer unless asked to, and keeps the context its run set.

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
/** The general agent's answers: before an inspection started on the conversation, and after. */
const WELCOME = /Welkom bij AGORA/;
const AFTER_INSPECTION = /Ik help u graag verder met de inspectie/;

/** The text of each run, in order. */
function runTexts(events: readonly ReceivedEvent[]): string[] {
  const texts: string[] = [];
  for (const event of events) {
    if (event.type === 'RUN_STARTED') texts.push('');
    if (event.type === 'TEXT_MESSAGE_CONTENT') texts[texts.length - 1] += event.delta;
  }
  return texts;
}

/** Opens a socket, asks each message after the previous run ended, and gives back what arrived. */
async function converse(url: string, messages: readonly string[], threadId: string): Promise<AguiSocket> {
  const client = await AguiSocket.open(url);
  for (const [index, message] of messages.entries()) {
    client.ask(message, { threadId });
    await client.waitForRuns(index + 1, 15_000);
  }
  return client;
}

async function connectionIdOf(api: ReturnType<typeof controlClient>, threadId: string): Promise<string> {
  const list = await api.get<{ items: { id: string; threadId: string | null }[] }>('/connections');
  const found = list.body.items.find((item) => item.threadId === threadId);
  assert.ok(found, `a connection with thread ${threadId}`);
  return found.id;
}

test('a recording not activated changes no answer: "Hallo" is answered as on a fresh engine', async () => {
  const fresh = await startTestEngine();
  const expected = runTexts((await converse(fresh.wsUrl, ['Hallo', INSPECTION, 'Hallo'], 'thread-fresh')).events);
  assert.match(expected[0] ?? '', WELCOME);
  assert.match(expected[2] ?? '', AFTER_INSPECTION, 'the general agent knows an inspection started');

  const server = await startTestEngine();
  const api = controlClient(server);
  // The recorded run answered "Hallo" with the welcome; as an active recording it would answer every later
  // "Hallo" so, also once an inspection started.
  const recorded = await converse(server.wsUrl, ['Hallo'], 'thread-recorded');
  const id = await connectionIdOf(api, 'thread-recorded');
  const preview = await api.get<RecordingPreview>(`/connections/${id}/record`);
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  assert.equal(preview.body.userMessage, 'Hallo');
  assert.deepEqual(preview.body.suggestedTrigger, { match: 'substring', value: 'Hallo', priority: 10 });
  assert.equal(preview.body.events, recorded.events.length - 2);

  const before = (await api.get<{ items: Scenario[] }>('/scenarios')).body.items.map((item) => item.id);
  const answer = await api.post<RecordingResult>(`/connections/${id}/record`, { name: 'Begroeting' });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.equal(answer.body.active, false);
  assert.deepEqual(answer.body.scenario.triggers, [], 'an inactive recording has no triggers');
  const after = (await api.get<{ items: Scenario[] }>('/scenarios')).body.items.map((item) => item.id);
  assert.deepEqual(after, [...before, answer.body.scenario.id]);

  const later = await converse(server.wsUrl, ['Hallo', INSPECTION, 'Hallo'], 'thread-later');
  assert.deepEqual(runTexts(later.events), expected, 'the same answers as on a fresh engine');

  // Stored all the same: it plays when run from the console.
  const player = await AguiSocket.open(server.wsUrl);
  const playerId = (await api.get<{ items: { id: string; threadId: string | null }[] }>('/connections')).body.items
    .filter((item) => item.threadId === null)
    .at(-1)?.id as string;
  assert.equal((await api.post(`/scenarios/${answer.body.scenario.id}/run`, { connectionId: playerId })).status, 202);
  await player.waitForRuns(1);
  await assertValidStream(player.events);
  assert.equal(runTexts(player.events)[0], runTexts(recorded.events)[0]);
});

test('an activated recording with its own trigger answers that trigger only, and sets the context its run set', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const original = await converse(server.wsUrl, [INSPECTION], 'thread-inspection');
  const id = await connectionIdOf(api, 'thread-inspection');

  const answer = await api.post<RecordingResult>(`/connections/${id}/record`, {
    activate: true,
    trigger: { match: 'substring', value: 'replay the inspection', priority: 10 },
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.equal(answer.body.active, true);
  assert.deepEqual(answer.body.scenario.triggers, [
    { match: 'substring', value: 'replay the inspection', priority: 10 },
  ]);
  assert.equal(answer.body.contextSteps, 1);
  const setContext = answer.body.scenario.steps.filter((step) => step.type === 'setContext');
  assert.deepEqual(setContext, [
    { type: 'setContext', values: { inspectionStarted: true, companyName: 'Restaurant Bella Rosa' } },
  ]);
  // In its place: after the handoff to the history agent, before its tools run (as the pack's flow has it).
  const types = answer.body.scenario.steps.map((step) =>
    step.type === 'emit' ? `${step.event.type}${step.event.name ? ` ${step.event.name}` : ''}` : step.type,
  );
  const at = types.indexOf('setContext');
  assert.ok(at > 0 && types.slice(at).includes('TOOL_CALL_START'), types.join(', '));
  assert.ok(
    types.slice(0, at).some((type) => type === 'TOOL_CALL_START'),
    'the handoff tool call comes first',
  );

  // "Hallo" is the pack's answer, not the recording's.
  const hallo = await converse(server.wsUrl, ['Hallo'], 'thread-hallo');
  assert.match(runTexts(hallo.events)[0] ?? '', WELCOME);

  // The trigger plays the recording, which sets the context: the general agent knows an inspection started.
  const replay = await converse(server.wsUrl, ['Please replay the inspection', 'Hallo'], 'thread-replay');
  await assertValidStream(replay.events);
  const [replayed, next] = runTexts(replay.events);
  assert.equal(replayed, runTexts(original.events)[0]);
  const firstRun = replay.events.slice(0, replay.events.findIndex((event) => event.type === 'RUN_FINISHED') + 1);
  assert.deepEqual(outline(firstRun), outline(original.events));
  assert.match(next ?? '', AFTER_INSPECTION);
});

test('activating without a trigger uses the recorded message; a trigger without activating is refused', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  await converse(server.wsUrl, [INSPECTION], 'thread-default');
  const id = await connectionIdOf(api, 'thread-default');

  const refused = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>(`/connections/${id}/record`, {
    trigger: { match: 'substring', value: 'x' },
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'trigger']);
  assert.match(refused.body.detail[0]?.msg ?? '', /only used with "activate": true/);
  // A pattern RE2 cannot run is refused at the body's trigger, as POST /scenarios refuses it at its triggers.
  type Issue = { type: string; loc: (string | number)[]; msg: string; input: unknown };
  const trigger = { match: 'regex', pattern: '(a' };
  const badPattern = await api.post<{ detail: Issue[] }>(`/connections/${id}/record`, { activate: true, trigger });
  const asScenario = await api.post<{ detail: Issue[] }>('/scenarios', {
    id: 'bad-pattern',
    name: 'Bad pattern',
    triggers: [trigger],
    steps: [],
  });
  assert.equal(badPattern.status, 422);
  assert.deepEqual(
    badPattern.body.detail,
    asScenario.body.detail.map((issue) => ({ ...issue, loc: ['body', 'trigger', ...issue.loc.slice(3)] })),
  );
  assert.deepEqual(badPattern.body.detail[0]?.loc, ['body', 'trigger', 'pattern']);

  const answer = await api.post<RecordingResult>(`/connections/${id}/record`, { activate: true, id: 'bella' });
  assert.equal(answer.status, 201);
  assert.deepEqual(answer.body.scenario.triggers, [{ match: 'substring', value: INSPECTION, priority: 10 }]);
  assert.equal((await api.get(`/connections/${id}/record`)).status, 200, 'a connection can be previewed again');
  assert.equal((await api.get('/connections/nope/record')).status, 404);
});

test('context writes take their place among the frames; one too large to keep is named in a warning', () => {
  const at = 1_000;
  let seq = 0;
  const frame = (direction: 'in' | 'out', value: unknown) => {
    const text = JSON.stringify(value);
    seq++;
    return { seq, at: at + seq, direction, size: text.length, text, binary: false, eventType: null };
  };
  const frames = [
    frame('in', { threadId: 't-1', messages: [{ role: 'user', content: 'go' }] }),
    frame('out', { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-1' }),
    frame('out', { type: 'STEP_STARTED', stepName: 'one' }),
    frame('out', { type: 'STEP_FINISHED', stepName: 'one' }),
    frame('out', { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-1' }),
    frame('in', { threadId: 't-1', messages: [{ role: 'user', content: 'again' }] }),
    frame('out', { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-2' }),
    frame('out', { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-2' }),
  ];
  const recording = recordScenario(frames, {
    id: 'ctx',
    source: 'a test',
    contextWrites: [
      { afterSeq: 2, values: { first: true, thread: 't-1' } },
      { afterSeq: 3, values: null },
      { afterSeq: 4, values: { last: 'in the run' } },
      // After RUN_FINISHED: another run's.
      { afterSeq: 7, values: { other: true } },
    ],
  });
  assert.deepEqual(
    (recording.scenario.steps as ScenarioStep[]).filter((step) => step.type !== 'wait'),
    [
      { type: 'setContext', values: { first: true, thread: '{{threadId}}' } },
      { type: 'emit', event: { type: 'STEP_STARTED', stepName: 'one' } },
      { type: 'emit', event: { type: 'STEP_FINISHED', stepName: 'one' } },
      { type: 'setContext', values: { last: 'in the run' } },
    ],
  );
  assert.equal(recording.contextSteps, 2);
  assert.equal(recording.laterRuns, 1);
  assert.match(recording.warnings.join(' '), /1 context write was too large/);
  assert.deepEqual(recording.scenario.triggers, [], 'not activated unless asked');
});

test('a run over the HTTP binding (SSE) is recorded with its context too', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const threadId = 'thread-over-http';
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId,
      runId: 'run-over-http',
      messages: [{ id: 'm1', role: 'user', content: INSPECTION }],
    }),
  });
  assert.equal(response.status, 200);
  assert.match(await response.text(), /RUN_FINISHED/);
  const list = await api.get<{ items: { id: string; threadId: string | null; kind: string }[] }>('/connections');
  const connection = list.body.items.find((item) => item.threadId === threadId);
  assert.equal(connection?.kind, 'sse');

  const answer = await api.post<RecordingResult>(`/connections/${connection?.id}/record`, {});
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.equal(answer.body.contextSteps, 1);
  assert.ok(answer.body.scenario.steps.some((step) => step.type === 'setContext'));
});
