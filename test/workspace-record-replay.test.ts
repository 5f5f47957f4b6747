import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordScenario } from '../src/server/scenarios/scenario-recording';
import type { Scenario } from '../src/shared/scenario';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';

// Record & replay: a real client's run becomes a scenario (ids templated, timing kept) that plays to others.

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

interface RecordAnswer {
  scenario: Scenario;
  events: number;
  durationMs: number;
  laterRuns: number;
}

const runOnly = (events: readonly ReceivedEvent[]) =>
  events.filter((event) => event.type !== 'CUSTOM' || event.name !== 'agora:error');
const text = (events: readonly ReceivedEvent[]) =>
  events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');

async function connectionIdOf(api: ReturnType<typeof controlClient>, threadId: string): Promise<string> {
  const list = await api.get<{ items: { id: string; threadId: string | null }[] }>('/connections');
  const found = list.body.items.find((item) => item.threadId === threadId);
  assert.ok(found, `a connection with thread ${threadId}`);
  return found.id;
}

test('a recorded run replays to another client: valid stream, same event types and text, fresh ids', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const original = await AguiSocket.open(server.wsUrl);
  original.ask(INSPECTION, { threadId: 'thread-recorded' });
  await original.waitForRuns(1);
  const id = await connectionIdOf(api, 'thread-recorded');
  await original.close();

  const recorded = await api.post<RecordAnswer>(`/connections/${id}/record`, {
    name: 'Bella Rosa, recorded',
    activate: true,
  });
  assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
  const { scenario } = recorded.body;
  assert.equal(scenario.name, 'Bella Rosa, recorded');
  assert.deepEqual(scenario.triggers, [{ match: 'substring', value: INSPECTION, priority: 10 }]);
  assert.equal(recorded.body.events, original.events.length - 2, 'every event between RUN_STARTED and RUN_FINISHED');
  const json = JSON.stringify(scenario.steps);
  assert.match(json, /\{\{threadId\}\}/, 'the thread id is a template');
  assert.match(json, /\{\{runId\}\}/, 'the run id is a template');
  assert.match(json, /\{\{vars\.id\d+\}\}/, 'message and tool call ids are templates');
  for (const event of original.events) {
    for (const field of ['messageId', 'toolCallId'] as const) {
      if (typeof event[field] === 'string')
        assert.ok(!json.includes(event[field]), `${event[field]} is not hard-coded`);
    }
  }
  // The built-in flow goes, so what answers below can only be the recording.
  assert.equal((await api.delete(`/scenarios/agora-inspection-start`)).status, 204);

  const replay = await AguiSocket.open(server.wsUrl);
  replay.ask(INSPECTION.toUpperCase(), { threadId: 'thread-replay' });
  await replay.waitForRuns(1);
  await assertValidStream(replay.events);
  assert.deepEqual(outline(replay.events), outline(original.events), 'same events in the same order');
  assert.equal(text(replay.events), text(original.events));
  assert.equal(replay.events[0]?.threadId, 'thread-replay');
  const replayIds = new Set(replay.events.map((event) => event.messageId).filter(Boolean));
  const originalIds = new Set(original.events.map((event) => event.messageId).filter(Boolean));
  assert.ok(replayIds.size > 0 && [...replayIds].every((messageId) => !originalIds.has(messageId)), 'fresh ids');
  const snapshot = replay.events.find((event) => event.type === 'STATE_SNAPSHOT');
  assert.equal(snapshot?.snapshot.threadId, 'thread-replay', 'ids inside values follow the replaying run');

  // A second replay on the same socket gets other ids again.
  replay.ask(INSPECTION, { threadId: 'thread-replay' });
  await replay.waitForRuns(2);
  await assertValidStream(replay.events);
  await replay.close();
});

test('replay keeps the recorded timing, scaled by the speed setting', async () => {
  const server = await startTestEngine({ settings: { speed: 1 } });
  const api = controlClient(server);
  const original = await AguiSocket.open(server.wsUrl);
  original.ask('hallo', { threadId: 'thread-timed' });
  await original.waitForRuns(1);
  const id = await connectionIdOf(api, 'thread-timed');
  const recorded = await api.post<RecordAnswer>(`/connections/${id}/record`, { activate: true });
  assert.equal(recorded.status, 201);
  assert.ok(
    recorded.body.scenario.steps.some((step) => step.type === 'wait'),
    'delays become wait steps',
  );
  const { durationMs } = recorded.body;
  assert.ok(durationMs > 1000, `the recording lasted the flow's ${durationMs} ms`);

  // Recorded delays are real time, replayed on the engine's planned timeline: at speed 1 the run ends
  // durationMs after it started, at 0.5 half that. Judged on the engine's clock (event timestamps, the engine runs
  // in this process): never early, counted from the ask, which the run's start follows (counted from the first
  // event, one stamped late made the run read short); late by no more than the event loop fell behind meanwhile
  // (a busy machine), plus a little.
  const replayAt = async (speed: number, threadId: string) => {
    await api.patch('/server/settings', { speed });
    const replay = await AguiSocket.open(server.wsUrl);
    let askedAt = 0;
    const { behindMs } = await loopHoldUpDuring(async () => {
      askedAt = Date.now();
      replay.ask('hallo', { threadId });
      await replay.waitForRuns(1);
    });
    await assertValidStream(replay.events);
    assert.deepEqual(outline(replay.events), outline(runOnly(original.events)));
    await replay.close();
    const endedAt = replay.events.at(-1)?.timestamp as number;
    const tookMs = endedAt - (replay.events[0]?.timestamp as number);
    const plannedMs = durationMs * speed;
    const what = `${speed}×: ${tookMs} ms for ${plannedMs} ms planned`;
    assert.ok(endedAt - askedAt >= plannedMs - 5, `${what}, ${endedAt - askedAt} ms after the ask: early`);
    assert.ok(
      tookMs <= plannedMs + behindMs + 50,
      `${what}: late beyond the ${Math.round(behindMs)} ms the loop fell behind`,
    );
  };
  await replayAt(1, 'thread-timed-1x');
  await replayAt(0.5, 'thread-timed-2x');
});

test('a recorded approval waits for the replaying client and plays the branch the recorded client chose', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const original = await AguiSocket.open(server.wsUrl);
  original.ask('Genereer rapport', { threadId: 'thread-approval' });
  const request = await original.waitForCustom('agora:tool_approval_request');
  original.approve(request.value.approvalId, true);
  await original.waitForRuns(1);
  const id = await connectionIdOf(api, 'thread-approval');

  const recorded = await api.post<RecordAnswer>(`/connections/${id}/record`, { id: 'recorded-report', activate: true });
  assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
  const approval = recorded.body.scenario.steps.find((step) => step.type === 'approval');
  assert.ok(approval && approval.type === 'approval');
  assert.ok(approval.approved.length > 0 && approval.rejected.length === 0);

  await api.delete('/scenarios/agora-report-approval');
  const replay = await AguiSocket.open(server.wsUrl);
  replay.ask('Genereer rapport', { threadId: 'thread-approval-2' });
  const replayRequest = await replay.waitForCustom('agora:tool_approval_request');
  assert.notEqual(replayRequest.value.approvalId, request.value.approvalId);
  assert.equal(replay.events.filter((event) => event.type === 'RUN_FINISHED').length, 0, 'the run waits');
  replay.approve(replayRequest.value.approvalId, true);
  await replay.waitForRuns(1);
  await assertValidStream(replay.events);
  assert.deepEqual(outline(replay.events), outline(original.events));
  assert.equal(text(replay.events), text(original.events));
});

test('recording refuses connections without a run, unknown connections and taken ids', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const idle = await AguiSocket.open(server.wsUrl);
  idle.send('not json');
  await idle.waitForCustom('agora:error');
  const list = await api.get<{ items: { id: string }[] }>('/connections');
  const id = list.body.items[0]?.id as string;
  const none = await api.post<{ detail: string }>(`/connections/${id}/record`, {});
  assert.equal(none.status, 409);
  assert.match(none.body.detail, /no run/);
  assert.equal((await api.post(`/connections/nope/record`, {})).status, 404);
  assert.equal((await api.post(`/connections/${id}/record`, { id: 'agora-general-welcome' })).status, 409);
  assert.equal((await api.post(`/connections/${id}/record`, { id: 'Not An Id' })).status, 422);
});

test('recorded text is sent as it was, even when it looks like a placeholder', async () => {
  // Backslashes before braces are Handlebars' escapes (`\{{` is `{{`, `\\{{` a backslash then a placeholder).
  const SHOWN = 'Use {{name}} or {{{x}}}, \\{{escaped}}, \\\\{{x}} and a\\';
  const ID = 'm{{1\\';
  const at = Date.now();
  const frame = (seq: number, direction: 'in' | 'out', value: unknown) => {
    const text = JSON.stringify(value);
    return { seq, at: at + seq, direction, size: text.length, text, binary: false, eventType: null };
  };
  const { scenario } = recordScenario(
    [
      frame(1, 'in', { threadId: 't-1', messages: [{ role: 'user', content: 'show a template' }] }),
      frame(2, 'out', { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-1' }),
      // An id is any text, a template's braces and a trailing backslash (Handlebars' escape) included.
      frame(3, 'out', { type: 'TEXT_MESSAGE_START', messageId: ID, role: 'assistant' }),
      frame(4, 'out', { type: 'TEXT_MESSAGE_CONTENT', messageId: ID, delta: SHOWN }),
      frame(5, 'out', { type: 'TEXT_MESSAGE_END', messageId: ID }),
      frame(6, 'out', { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-1' }),
    ],
    { id: 'braces', source: 'a test', activate: true },
  );
  const server = await startTestEngine();
  server.context.scenarios.put(scenario);
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('show a template');
  await client.waitForRuns(1);
  await assertValidStream(client.events);
  assert.equal(text(client.events), SHOWN);
  const replayedId = client.events.find((event) => event.type === 'TEXT_MESSAGE_START')?.messageId;
  assert.ok(String(replayedId).startsWith(`${ID}-`), `a fresh id with the recorded one's text: ${replayedId}`);
  assert.notEqual(replayedId, ID);
});

test('runs without a user message (played from the console) are passed over; the first asked run is recorded', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  const list = await api.get<{ items: { id: string }[] }>('/connections');
  const id = list.body.items[0]?.id as string;
  await api.post('/scenarios/agora-general/run', { connectionId: id });
  await client.waitForRuns(1);
  const onlyConsole = await api.post<{ detail: string }>(`/connections/${id}/record`, {});
  assert.equal(onlyConsole.status, 409);
  assert.match(onlyConsole.body.detail, /started by a user message/);

  client.ask(INSPECTION);
  await client.waitForRuns(2);
  const recorded = await api.post<RecordAnswer>(`/connections/${id}/record`, { activate: true });
  assert.equal(recorded.status, 201);
  assert.deepEqual(recorded.body.scenario.triggers[0], { match: 'substring', value: INSPECTION, priority: 10 });
  assert.ok(text(runOnly(client.events)).includes('Restaurant Bella Rosa'));
});
