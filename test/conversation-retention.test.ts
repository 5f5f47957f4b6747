import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import type { RunRequest } from '../src/server/agui/run-input';
import { Conversation, type QueuedRun } from '../src/server/scenarios/conversation';
import { AguiSocket } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';
import { collectedAll } from './helpers/garbage';

// A conversation outlives its runs (an HTTP thread is kept for half an hour, a socket for as long as it is open): a
// run that has ended must not keep its request (a client's whole message history, often) alive with it.

const server = await startTestEngine();

/** Every run request a conversation is handed, held weakly; emptied by each test. */
const held: WeakRef<object>[] = [];
const run = Conversation.prototype.run;
Conversation.prototype.run = function (this: Conversation, request: RunRequest | QueuedRun) {
  if (!('read' in request)) held.push(new WeakRef(request));
  return run.call(this, request);
};
after(() => {
  Conversation.prototype.run = run;
});

function collected(): Promise<void> {
  return collectedAll(held, 'the ended run’s request to be collected');
}

beforeEach(() => {
  held.length = 0;
});

test('an HTTP thread kept after its run does not keep the run’s request', async () => {
  const threadId = `thread-${crypto.randomUUID()}`;
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId,
      runId: crypto.randomUUID(),
      messages: [{ id: crypto.randomUUID(), role: 'user', content: 'Hallo' }],
    }),
  });
  assert.ok((await response.text()).includes('RUN_FINISHED'));
  assert.equal(held.length, 1, 'the run was played by a conversation');
  await collected();
});

test('an open socket does not keep the request of a run that has ended', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  try {
    ws.ask('Hallo', { threadId: `ws-${crypto.randomUUID()}` });
    await ws.waitFor((event) => event.type === 'RUN_FINISHED');
    assert.equal(held.length, 1, 'the run was played by a conversation');
    await collected();
  } finally {
    await ws.close();
  }
});
