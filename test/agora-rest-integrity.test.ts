import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeWorkspaceText } from '../src/server/workspace/workspace-codec';
import { MAX_JSON_DEPTH_SETTING } from '../src/shared/settings';
import { agoraData, agoraStore } from './helpers/agora';
import { controlClient } from './helpers/control-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

const KOEN = '550e8400-e29b-41d4-a716-446655440001';

/** `{"email_reports": [[…"deep"…]]}` with the whole body `depth` levels deep, written as text (no recursion). */
function deepPreferences(depth: number): string {
  return `{"email_reports":${'['.repeat(depth - 1)}"deep"${']'.repeat(depth - 1)}}`;
}

/** Every read a client or the console makes of users and sessions, and the workspace export: all 2xx. */
async function assertReadsServe(url: string, api: ReturnType<typeof controlClient>): Promise<void> {
  for (const path of [
    '/users',
    '/users/me',
    `/users/${KOEN}`,
    '/users/koen',
    '/users/me/preferences?user_id=koen',
    '/sessions?user_id=koen',
    '/sessions/session-koen-bella-rosa/history?include_tools=true',
  ]) {
    const response = await fetch(`${url}${path}`);
    assert.equal(response.status, 200, `GET ${path}`);
    await response.json();
  }
  for (const path of ['/state/users', '/state/sessions', '/workspace/export']) {
    assert.equal((await api.get(path)).status, 200, `GET ${path}`);
  }
}

test('deep preferences from any origin cannot poison the world: refused, nothing changed, the email still taken', async () => {
  const dir = await workspaceDir();
  const file = join(dir, 'world.agui.json');
  const server = await startWorkspaceEngine(dir, file, { settings: { maxJsonDepth: MAX_JSON_DEPTH_SETTING } });
  const api = controlClient(server);
  const before = agoraStore(server).snapshot();
  for (const depth of [3_000, 5_000]) {
    const response = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
      body: deepPreferences(depth),
    });
    assert.equal(response.status, 400, `${depth} levels`);
    assert.match(((await response.json()) as { detail: string }).detail, /maxJsonDepth/);
  }
  assert.deepEqual(agoraStore(server).snapshot(), before);
  await assertReadsServe(server.url, api);
  const duplicate = await fetch(`${server.url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'koen.vandenberg@nvwa.nl', name: 'Dubbel' }),
  });
  assert.equal(duplicate.status, 409);
});

test('the deepest preferences the API takes are served, saved, and the saved file loads and serves again', async () => {
  const dir = await workspaceDir();
  const file = join(dir, 'deep.agui.json');
  const settings = { maxJsonDepth: MAX_JSON_DEPTH_SETTING };
  const server = await startWorkspaceEngine(dir, file, { settings });
  const api = controlClient(server);
  const response = await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: deepPreferences(MAX_JSON_DEPTH_SETTING),
  });
  assert.equal(response.status, 200);
  await response.json();
  await assertReadsServe(server.url, api);
  assert.equal((await api.post('/workspace/save')).status, 200);
  await server.close();

  // What `agui-mock validate` and `serve --workspace` do with the file.
  const { workspace } = decodeWorkspaceText(await readFile(file, 'utf8'), file);
  assert.ok(agoraData(workspace).users.some((user) => user.preferences.email_reports !== undefined));
  const again = await startWorkspaceEngine(dir, file, { settings });
  await assertReadsServe(again.url, controlClient(again));
});
