import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryMessage, SessionMetadata } from '../src/shared/agora-model';
import type { ConsoleUser, ItemsPage } from '../src/shared/control-api';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

const KOEN = '550e8400-e29b-41d4-a716-446655440001';
const FATIMA = '550e8400-e29b-41d4-a716-446655440002';

test('users: list with "me", edit preferences and see them in the mocked REST API at once', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const list = await api.get<ItemsPage<ConsoleUser>>('/state/users');
  assert.equal(list.body.total, 3);
  assert.deepEqual(
    list.body.items.filter((user) => user.isCurrentUser).map((user) => user.name),
    ['Koen van den Berg'],
  );
  const edited = await api.put<ConsoleUser>(`/state/users/${KOEN}`, { preferences: { theme: 'dark' } });
  assert.equal(edited.status, 200);
  assert.equal(edited.body.preferences.theme, 'dark');
  assert.equal(edited.body.preferences.spoken_text_type, 'summarize', 'other preferences kept');
  const rest = await fetch(`${server.url}/users/me/preferences?user_id=${KOEN}`);
  assert.equal(((await rest.json()) as { preferences: { theme: string } }).preferences.theme, 'dark');

  const bad = await api.put(`/state/users/${KOEN}`, { preferences: { theme: 'purple' } });
  assert.equal(bad.status, 422);
  assert.equal((await api.put(`/state/users/${KOEN}`, {})).status, 422);
  assert.equal((await api.put('/state/users/nobody', { name: 'X' })).status, 404);
});

test('users: which one is "me" decides GET /users/me; email edits keep emails unique', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  await api.put(`/state/users/${FATIMA}`, { isCurrentUser: true });
  const me = await fetch(`${server.url}/users/me`);
  assert.equal(((await me.json()) as { id: string }).id, FATIMA);
  await api.put(`/state/users/${FATIMA}`, { isCurrentUser: false });
  assert.equal((await fetch(`${server.url}/users/me`)).status, 401);

  const taken = await api.put<{ detail: string }>(`/state/users/${FATIMA}`, { email: 'KOEN.vandenberg@nvwa.nl' });
  assert.equal(taken.status, 409);
  assert.match(taken.body.detail, /Email already exists/);
  const changed = await api.put<ConsoleUser>(`/state/users/${FATIMA}`, {
    email: 'fatima@example.org',
    name: ' Fatima ',
  });
  assert.equal(changed.body.email, 'fatima@example.org');
  assert.equal(changed.body.name, 'Fatima');
});

test('users: create (with preferences and "me") and delete with cascade', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const created = await api.post<ConsoleUser>('/state/users', {
    email: 'new@example.org',
    name: 'Nieuwe Gebruiker',
    preferences: { theme: 'dark', email_reports: true },
    isCurrentUser: true,
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.preferences.theme, 'dark');
  assert.equal(created.body.preferences.email_reports, true);
  assert.equal(created.body.preferences.language, 'nl-NL', 'defaults fill the rest');
  assert.equal(created.body.isCurrentUser, true);
  const users = await fetch(`${server.url}/users?limit=1`);
  assert.equal(((await users.json()) as { users: { id: string }[] }).users[0]?.id, created.body.id, 'newest first');
  assert.equal((await api.post('/state/users', { email: 'new@example.org', name: 'Dup' })).status, 409);
  assert.equal((await api.post('/state/users', { email: 'not-an-email', name: 'X' })).status, 422);

  const deleted = await api.delete<{ deletedSessionsCount: number }>('/state/users/koen');
  assert.equal(deleted.status, 200);
  assert.equal(deleted.body.deletedSessionsCount, 2);
  assert.equal((await api.get(`/state/users/${KOEN}`)).status, 404);
});

test('sessions: edit a title and /sessions shows it; create, move, delete', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const all = await api.get<ItemsPage<SessionMetadata>>('/state/sessions');
  assert.equal(all.body.total, 4);
  const koens = await api.get<ItemsPage<SessionMetadata>>(`/state/sessions?userId=${KOEN}`);
  assert.equal(koens.body.total, 2);

  const retitled = await api.put<SessionMetadata>('/state/sessions/session-koen-bella-rosa', { title: 'Nieuwe titel' });
  assert.equal(retitled.body.title, 'Nieuwe titel');
  const rest = await fetch(`${server.url}/sessions?user_id=koen`);
  const { sessions } = (await rest.json()) as { sessions: SessionMetadata[] };
  assert.equal(sessions[0]?.title, 'Nieuwe titel', 'edited session is the most recent');

  const created = await api.post<SessionMetadata>('/state/sessions', {
    sessionId: 'session-demo',
    userId: 'jan',
    title: 'Demo',
    history: [
      { role: 'user', content: 'Hoi' },
      { role: 'assistant', content: 'Hallo!', agent_id: 'general-agent' },
    ],
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.messageCount, 2);
  assert.equal(created.body.firstMessagePreview, 'Hoi');
  assert.equal(
    (await api.post('/state/sessions', { sessionId: 'session-demo', userId: 'jan', title: 'x' })).status,
    409,
  );
  assert.equal(
    (await api.post('/state/sessions', { userId: 'jan', title: 'x', history: [{ role: 'robot' }] })).status,
    422,
  );

  const moved = await api.put<SessionMetadata>('/state/sessions/session-demo', { userId: 'fatima' });
  assert.equal(moved.body.userId, 'fatima');
  const fatimas = await fetch(`${server.url}/sessions?user_id=${FATIMA}`);
  assert.ok(
    ((await fatimas.json()) as { sessions: SessionMetadata[] }).sessions.some((s) => s.sessionId === 'session-demo'),
  );

  assert.equal((await api.delete('/state/sessions/session-demo')).status, 204);
  assert.equal((await fetch(`${server.url}/sessions/session-demo/metadata`)).status, 404);
  assert.equal((await api.get('/state/sessions/session-demo')).status, 404);
});

test('history: read with tool entries, replace, and the REST history follows', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const history = await api.get<ItemsPage<HistoryMessage>>('/state/sessions/session-jan-supermarket/history');
  assert.equal(history.body.total, 4);
  const messages: HistoryMessage[] = [
    { role: 'user', content: 'Wat is de status?' },
    {
      role: 'tool_call',
      tool_call_id: 'call-9',
      tool_name: 'get_company_info',
      content: '{"kvk_number":"1"}',
      agent_id: 'history-agent',
    },
    { role: 'tool', tool_call_id: 'call-9', tool_name: 'get_company_info', content: '{"name":"X"}' },
    { role: 'assistant', content: 'Alles in orde.', agent_id: 'history-agent' },
  ];
  const replaced = await api.put<{ session: SessionMetadata }>('/state/sessions/session-jan-supermarket/history', {
    messages,
  });
  assert.equal(replaced.status, 200);
  assert.equal(replaced.body.session.messageCount, 4);
  assert.equal(replaced.body.session.firstMessagePreview, 'Wat is de status?');
  const rest = await fetch(`${server.url}/sessions/session-jan-supermarket/history`);
  const body = (await rest.json()) as { history: HistoryMessage[] };
  assert.deepEqual(
    body.history.map((m) => m.content),
    ['Wat is de status?', 'Alles in orde.'],
  );
  const bad = await api.put('/state/sessions/session-jan-supermarket/history', { messages: [{ role: 'user' }] });
  assert.equal(bad.status, 422);
  assert.equal(
    (await api.get<ItemsPage<HistoryMessage>>('/state/sessions/session-jan-supermarket/history')).body.total,
    4,
    'unchanged',
  );
});

test('reset brings the seed back', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  await api.delete('/state/users/koen');
  await api.put('/state/sessions/session-jan-supermarket', { title: 'changed' });
  const reset = await api.post<{ users: number; sessions: number }>('/state/reset');
  assert.deepEqual(reset.body, { users: 3, sessions: 4 });
  assert.equal((await api.get<ConsoleUser>(`/state/users/${KOEN}`)).body.isCurrentUser, true);
  assert.notEqual((await api.get<SessionMetadata>('/state/sessions/session-jan-supermarket')).body.title, 'changed');
});

test('/state while no pack that has it serves: a 404 that names the packs and how to add one, not a bare Not Found', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const NOT_SERVED =
    'Not Found: /__console/api/state/users is served by the agora-mock or agora-real pack, which this workspace does not serve (or has switched off): add it or switch it on in Routes → Packs, or with PUT /__console/api/packs';
  // Served: a path the pack does not have is a plain 404.
  assert.deepEqual((await api.get('/state/nothing')).body, { detail: 'Not Found' });

  assert.equal((await api.put('/packs', { packs: [{ pack: 'agora-mock', enabled: false }] })).status, 200);
  const off = await api.get<{ detail: string }>('/state/users');
  assert.equal(off.status, 404);
  assert.equal(off.body.detail, NOT_SERVED);

  assert.equal((await api.put('/packs', { packs: [] })).status, 200);
  const none = await api.post<{ detail: string }>('/state/users', { email: 'a@example.org', name: 'A' });
  assert.equal(none.status, 404);
  assert.equal(none.body.detail, NOT_SERVED);
  assert.deepEqual((await api.get('/nothing')).body, { detail: 'Not Found' }, 'no pack has this path');
});
