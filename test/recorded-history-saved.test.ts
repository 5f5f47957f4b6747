import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StoredSession } from '../src/shared/agora-model';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// The workspace file marks what runs recorded (workspaces.md, "Recorded history": `"recordedByRun": true` on a
// session a run created, `"recordedMessages": N` on a hand-made one runs added to), so the limits still know after a
// reload which messages they may evict. A save writes the marks, as the store's own snapshot has them.

const folder = await mkdtemp(join(tmpdir(), 'recorded-history-saved-'));
after(() => rm(folder, { recursive: true, force: true }));
const file = join(folder, 'mock.agui.json');
const server = await startTestEngine({ workspace: file, template: 'agora' });
const api = controlClient(server);

async function run(threadId: string, content: string): Promise<void> {
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId,
      runId: `${threadId}-${content}`,
      messages: [{ id: `${threadId}-${content}`, role: 'user', content }],
      tools: [],
      context: [],
    }),
  });
  assert.equal(response.status, 200);
  assert.match(await response.text(), /RUN_FINISHED/);
}

test('a save keeps the marks of what runs recorded', async () => {
  await run('recorded-thread', 'hallo');
  const before = await readFile(file, 'utf8');
  await run('session-jan-supermarket', 'hallo');
  const saved = await api.post('/workspace/save');
  assert.equal(saved.status, 200);
  const text = await readFile(file, 'utf8');
  assert.notEqual(text, before);
  const sessions = (JSON.parse(text).packs[0].data.sessions as StoredSession[]).map((session) => ({
    id: session.metadata.sessionId,
    recordedByRun: session.recordedByRun,
    recordedMessages: session.recordedMessages,
    length: session.history.length,
  }));
  const recorded = sessions.find((session) => session.id === 'recorded-thread');
  assert.ok(recorded && recorded.length > 0, JSON.stringify(sessions));
  assert.equal(recorded.recordedByRun, true);
  const continued = sessions.find((session) => session.id === 'session-jan-supermarket');
  assert.equal(continued?.recordedByRun, undefined);
  assert.ok((continued?.recordedMessages ?? 0) > 0, JSON.stringify(continued));
  assert.ok((continued?.recordedMessages ?? 0) < (continued?.length ?? 0), 'the seed messages stay hand-made');
  const seed = sessions.find((session) => session.id === 'session-koen-bella-rosa');
  assert.equal(seed?.recordedByRun, undefined);
  assert.equal(seed?.recordedMessages, undefined);
});
