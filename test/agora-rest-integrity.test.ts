import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { userFileBytes } from '../src/server/packs/agora/store/agora-file-bytes';
import { USERS_DATA_MAX_BYTES } from '../src/server/packs/agora/store/users-budget';
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

/** A client call on the mocked API, its JSON answer read. */
async function clientCall(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  return { status: response.status, body: (await response.json()) as any };
}

test('the users clients write are bounded together as the workspace file writes them: 413 past it, deleting makes room, the world saves', async () => {
  const dir = await workspaceDir();
  const file = join(dir, 'users.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  // Near the 16 Ki characters preferences may take, in characters of three UTF-8 bytes each: about 48 KB a user.
  const large = { notes: '€'.repeat(16_000) };
  const fillUser = async (n: number) => {
    const created = await clientCall(server.url, 'POST', '/users', { email: `big-${n}@example.com`, name: `Big ${n}` });
    if (created.status !== 201) return { refused: created, id: undefined };
    const id: string = created.body.user.id;
    const filled = await clientCall(server.url, 'PUT', `/users/me/preferences?user_id=${id}`, large);
    return { refused: filled.status === 200 ? undefined : filled, id };
  };

  // The measure is what the user adds to the file, to the byte.
  const exportBytes = async () => Buffer.byteLength(JSON.stringify((await api.get('/workspace/export')).body, null, 2));
  const before = await exportBytes();
  const first = await fillUser(0);
  assert.equal(first.refused, undefined);
  const firstUser = agoraStore(server).getUser(first.id ?? '');
  assert.ok(firstUser);
  assert.equal((await exportBytes()) - before, userFileBytes(firstUser));

  // 8 MiB of users is about 175 such users; without a bound, 400 of them (19 MB) would all be taken. The user made
  // larger past the bound (its preferences filled) is refused, and stays as it was.
  const ids: string[] = [first.id ?? ''];
  let refused: { status: number; body: { detail: string } } | undefined;
  for (let n = 1; n < 400 && !refused; n++) {
    const result = await fillUser(n);
    if (result.id) ids.push(result.id);
    refused = result.refused;
  }
  assert.equal(refused?.status, 413);
  assert.match(
    refused?.body.detail ?? '',
    /^Content Too Large: the mock's users hold at most 8 MiB .* delete users first/,
  );
  const grown = ids[ids.length - 1] ?? '';
  const unchanged = agoraStore(server).getUser(grown);
  assert.ok(unchanged && !('notes' in unchanged.preferences), 'the refused user as it was');
  const total = agoraStore(server)
    .snapshot()
    .users.reduce((sum, user) => sum + userFileBytes(user), 0);
  assert.ok(total <= USERS_DATA_MAX_BYTES && total > USERS_DATA_MAX_BYTES - 2 * userFileBytes(firstUser));

  // A user made smaller is taken, and makes room for the one refused.
  const smaller = await clientCall(server.url, 'PUT', `/users/me/preferences?user_id=${ids[1]}`, { notes: 'short' });
  assert.equal(smaller.status, 200);
  assert.equal((await clientCall(server.url, 'PUT', `/users/me/preferences?user_id=${grown}`, large)).status, 200);

  // Deleting makes room for another large user.
  assert.equal((await clientCall(server.url, 'DELETE', `/users/${ids[0]}`)).status, 200);
  assert.equal((await fillUser(1_000)).refused, undefined);

  assert.equal((await api.post('/workspace/save')).status, 200);
  const { workspace } = decodeWorkspaceText(await readFile(file, 'utf8'), file);
  assert.equal(agoraData(workspace).users.length, agoraStore(server).snapshot().users.length);

  // A load counts what it loads, refusing none of it: the saved users leave no more room than before, the seed all.
  agoraStore(server).replace(agoraData(workspace));
  assert.equal((await fillUser(1_001)).refused?.status, 413);
  agoraStore(server).reset();
  assert.equal((await fillUser(1_002)).refused, undefined);
});
