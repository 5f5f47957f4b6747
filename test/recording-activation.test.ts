import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordingResult } from '../src/shared/recording';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { sseEvents } from './helpers/sse-events';

// An activated recording answers its message where it was recorded, or says why it cannot.

const ECHO = {
  id: 'echo-user',
  name: 'Echo the user',
  triggers: [{ match: 'substring', value: 'hi', priority: 10 }],
  steps: [{ type: 'text', chunks: ['You said: {{lastUserMessage}}'], spoken: false }],
};

async function engineWithEcho() {
  const server = await startTestEngine();
  const api = controlClient(server);
  assert.equal((await api.post('/scenarios', ECHO)).status, 201);
  const agents = [
    { id: 'assistant', path: '/assistant', scenarios: '*' },
    { id: 'listed', path: '/listed', scenarios: ['echo-user'] },
  ];
  for (const agent of agents) {
    const created = await api.post('/agents', agent);
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  /** The text an agent answers `message` with, on a thread of its own. */
  const ask = async (path: string, message: string, threadId: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ threadId, runId: 'r1', messages: [{ id: 'm1', role: 'user', content: message }] }),
    });
    assert.equal(response.status, 200);
    return sseEvents<{ type: string; delta?: string }>(await response.text())
      .map((event) => event.delta ?? '')
      .join('');
  };
  const connectionOf = async (threadId: string) => {
    const list = await api.get<{ items: { id: string; threadId: string | null }[] }>('/connections');
    const found = list.body.items.find((item) => item.threadId === threadId);
    assert.ok(found, `a connection on thread ${threadId}`);
    return found.id;
  };
  return { api, ask, connectionOf };
}

test('activated with its default trigger, a recording answers its message over the scenario that answered it', async () => {
  const { api, ask, connectionOf } = await engineWithEcho();
  assert.equal(await ask('/assistant', 'hi there', 't1'), 'You said: hi there');
  const recorded = await api.post<RecordingResult>(`/connections/${await connectionOf('t1')}/record`, {
    id: 'recorded',
    activate: true,
  });
  assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
  assert.equal(recorded.body.active, true);
  // echo-user's trigger (priority 10) matched the message: the recording's goes one above it.
  assert.deepEqual(recorded.body.scenario.triggers, [{ match: 'substring', value: 'hi there', priority: 11 }]);
  assert.deepEqual(recorded.body.warnings, []);
  // The recording replays its answer as recorded; echo-user would have echoed the new message.
  assert.equal(await ask('/assistant', 'hi there, again', 't2'), 'You said: hi there');
  assert.equal(await ask('/assistant', 'hi', 't3'), 'You said: hi', 'other messages are answered as before');
});

test('a trigger given that ties with the answering scenario, or an agent that lists its scenarios, is said in a warning', async () => {
  const { api, ask, connectionOf } = await engineWithEcho();
  await ask('/assistant', 'hi there', 't1');
  const tied = await api.post<RecordingResult>(`/connections/${await connectionOf('t1')}/record`, {
    id: 'tied',
    activate: true,
    trigger: { match: 'substring', value: 'hi there', priority: 10 },
  });
  assert.equal(tied.status, 201, JSON.stringify(tied.body));
  assert.deepEqual(tied.body.scenario.triggers, [{ match: 'substring', value: 'hi there', priority: 10 }]);
  assert.deepEqual(tied.body.warnings, [
    "on the agent 'assistant' this connection came in through, the recorded message is still answered by scenario 'echo-user' (its trigger comes first): give the recording's trigger a higher priority",
  ]);
  assert.equal(await ask('/assistant', 'hi there, again', 't2'), 'You said: hi there, again');

  // A trigger for other messages than the one recorded: nothing to say about who answers that one.
  const other = await api.post<RecordingResult>(`/connections/${await connectionOf('t1')}/record`, {
    id: 'other',
    activate: true,
    trigger: { match: 'exact', value: 'replay it' },
  });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  assert.deepEqual(other.body.warnings, []);
  assert.equal(await ask('/assistant', 'replay it', 't3'), 'You said: hi there');

  await ask('/listed', 'hi there', 't4');
  const listed = await api.post<RecordingResult>(`/connections/${await connectionOf('t4')}/record`, {
    id: 'on-listed',
    activate: true,
  });
  assert.equal(listed.status, 201, JSON.stringify(listed.body));
  assert.equal(listed.body.active, true);
  assert.deepEqual(listed.body.warnings, [
    "the agent 'listed' this connection came in through plays only the scenarios it lists: add 'on-listed' to its list for the recording to answer there",
  ]);
});
