import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { HistoryMessage } from '../src/shared/agora-model';
import type { ConnectionSummary } from '../src/shared/connections';
import type { InjectResult, ItemsPage } from '../src/shared/control-api';
import { AguiSocket, assertVerified } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// A person who closes, with force, a text message the playing scenario opened takes it over: the scenario sends no
// more of it. The run's recorded history follows what its client saw: the message, as far as it went, is in it.

const server = await startTestEngine({ settings: { speed: 1 } });
const api = controlClient(server);

server.context.scenarios.put({
  id: 'take-over-text',
  name: 'a text message with a pause in it, then another',
  triggers: [{ match: 'substring', value: 'take over text' }],
  steps: [
    { type: 'text', chunks: ['one ', 'two'], chunkDelayMs: 2_000 },
    { type: 'text', chunks: ['next'], chunkDelayMs: 0 },
  ],
});

async function history(threadId: string): Promise<HistoryMessage[]> {
  const response = await fetch(`${server.url}/sessions/${threadId}/history`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { history: HistoryMessage[] }).history;
}

test('a scenario message a person closed from the console is in the run’s recorded history', async () => {
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(server.wsUrl);
  try {
    ws.ask('take over text', { threadId });
    const start = await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT');
    let connection: ConnectionSummary | undefined;
    await eventually(async () => {
      const page = await api.get<ItemsPage<ConnectionSummary>>('/connections');
      connection = page.body.items.find((candidate) => candidate.threadId === threadId);
      return connection !== undefined;
    }, 'the socket’s connection');
    const forced = await api.post<InjectResult>(`/connections/${connection?.id}/events`, {
      events: [{ type: 'TEXT_MESSAGE_END', messageId: start.messageId }],
      force: true,
    });
    assert.deepEqual(
      forced.body.findings.map((finding) => finding.rule),
      ['SC1'],
    );
    await ws.waitFor((event) => event.type === 'RUN_FINISHED');
    await assertVerified(ws.events);
    await eventually(async () => (await history(threadId)).length > 1, 'the run to be recorded');
    assert.deepEqual(
      (await history(threadId)).map((message) => [message.role, message.content]),
      [
        ['user', 'take over text'],
        ['assistant', 'one '],
        ['assistant', 'next'],
      ],
    );
  } finally {
    await ws.close();
  }
});
