import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { UnsavedWorkspaceAnswer } from '../src/main/dialogs';
import { confirmQuit } from '../src/main/quit-confirmation';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// An untitled world (no file) tells a person's changes, made through the control API, from what clients did:
// only the former are asked about before the desktop app quits or the console replaces the world.

const server = await startTestEngine();
const api = controlClient(server);
const dir = await mkdtemp(join(tmpdir(), 'agui-console-edits-'));
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
const status = () => server.workspace.status();

/** `confirmQuit` on this engine, the questions answered from `answers` and the file dialog with `file`. */
function quit(answers: UnsavedWorkspaceAnswer[], file: string | null = null) {
  const asked: string[] = [];
  const reported: unknown[] = [];
  const quits = confirmQuit({
    status,
    ask: async (name) => {
      asked.push(name);
      return answers.shift() ?? assert.fail('asked once more than expected');
    },
    chooseFile: async () => file,
    saveAs: (path) => server.workspace.saveAs(path),
    report: (error) => reported.push(error),
  });
  return { asked, reported, quits };
}

test("clients' writes and runs leave an untitled world unsaved but not edited: quitting asks nothing", async () => {
  const put = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ theme: 'light' }),
  });
  assert.equal(put.status, 200);
  const run = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      threadId: 'edits-thread',
      runId: 'edits-run',
      messages: [{ id: 'm1', role: 'user', content: 'Hallo' }],
      tools: [],
      context: [],
      state: {},
      forwardedProps: {},
    }),
  });
  assert.equal(run.status, 200);
  assert.match(await run.text(), /RUN_FINISHED/);
  assert.deepEqual([status().path, status().dirty, status().edited], [null, true, false]);
  const { asked, quits } = quit([]);
  assert.equal(await quits, true);
  assert.deepEqual(asked, []);
});

test('a change through the control API marks it edited; a read or a refused change does not', async () => {
  assert.equal((await api.get('/server')).status, 200);
  assert.equal((await api.patch('/server/settings', { speed: -1 })).status, 422);
  assert.equal(status().edited, false);
  assert.equal((await api.patch('/server/settings', { speed: 2 })).status, 200);
  assert.equal(status().edited, true);
});

test('quitting with an edited untitled world asks: cancel stays, a cancelled file dialog stays, quit discards', async () => {
  const cancelled = quit(['cancel']);
  assert.equal(await cancelled.quits, false);
  assert.deepEqual(cancelled.asked, [status().name]);
  const noFile = quit(['save'], null);
  assert.equal(await noFile.quits, false);
  const discarded = quit(['discard']);
  assert.equal(await discarded.quits, true);
  assert.equal(status().edited, true, 'asking changes nothing');
});

test('"Save as…" on quitting writes the file first, then quits; a save that fails is reported and the app stays', async () => {
  const failing = quit(['save'], join(dir, 'missing-folder', 'no.agui.json'));
  assert.equal(await failing.quits, false);
  assert.equal(failing.reported.length, 1);
  assert.equal(status().path, null);

  const file = join(dir, 'kept.agui.json');
  const saved = quit(['save'], file);
  assert.equal(await saved.quits, true);
  assert.ok(existsSync(file));
  assert.deepEqual([status().path, status().edited], [file, false]);
  // In a file, closing the engine saves what comes next: nothing to ask.
  assert.equal((await api.patch('/server/settings', { speed: 1 })).status, 200);
  assert.equal(status().edited, true);
  const { asked, quits } = quit([]);
  assert.equal(await quits, true);
  assert.deepEqual(asked, []);
});

test('new, save as and open through the control API leave the world unedited: nothing in it is unsaved work', async () => {
  assert.equal((await api.post('/workspace/new', { template: 'blank' })).status, 201);
  assert.deepEqual([status().path, status().edited], [null, false]);
  assert.equal((await api.patch('/server/settings', { speed: 3 })).status, 200);
  assert.equal(status().edited, true);
  const file = join(dir, 'via-api.agui.json');
  assert.equal((await api.post('/workspace/save-as', { path: file })).status, 200);
  assert.deepEqual([status().path, status().edited], [file, false]);
  assert.equal((await api.post('/workspace/open', { path: join(dir, 'kept.agui.json') })).status, 200);
  assert.deepEqual([status().path, status().edited], [join(dir, 'kept.agui.json'), false]);
});
