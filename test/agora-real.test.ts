import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningAgoraPack } from '../src/server/packs/agora/agora-pack';
import { KOEN_ID } from '../src/server/packs/agora/store/agora-seed';
import type { ServerInfo } from '../src/shared/control-api';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// The agora-real pack on a real engine: AGORA's real servers' REST contract over the same data and flows, each
// difference from agora-mock checked against what server-openai/server-langgraph's server.py answer.

const server = await startTestEngine({ template: 'agora-real' });
const api = controlClient(server);

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

test('the server info names the pack', async () => {
  const info = (await api.get<ServerInfo>('/server')).body;
  assert.deepEqual(info.packs, ['agora-real']);
  assert.equal(info.counts.users, 3);
});

test('GET /users/me requires ?user_id= (422) and answers that user, with a role', async () => {
  const missing = await call('GET', '/users/me');
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.body.detail[0].loc, ['query', 'user_id']);
  assert.equal(missing.body.detail[0].type, 'missing');
  const me = await call('GET', `/users/me?user_id=${KOEN_ID}`);
  assert.equal(me.status, 200);
  assert.equal(me.body.id, KOEN_ID);
  assert.equal(me.body.role, 'inspector');
  assert.equal(me.body.preferences.interaction_mode, 'feedback');
  assert.equal(me.body.preferences.email_reports, true);
  assert.deepEqual((await call('GET', '/users/me?user_id=nobody')).body, { detail: 'User not found' });
});

test('GET /agents answers active_agents with models and inactive_agents', async () => {
  const agents = await call('GET', '/agents');
  assert.equal(agents.status, 200);
  assert.deepEqual(Object.keys(agents.body), ['active_agents', 'inactive_agents']);
  assert.deepEqual(
    agents.body.active_agents.map((agent: { id: string }) => agent.id),
    ['general-agent', 'history-agent', 'regulation-agent', 'reporting-agent'],
  );
  for (const agent of agents.body.active_agents) {
    assert.deepEqual(Object.keys(agent), ['id', 'name', 'model', 'description']);
    assert.equal(agent.model, 'gpt-4o');
  }
  assert.deepEqual(agents.body.inactive_agents, []);
});

test('PUT /users/{id} takes ?name=&role= and no body; a wrong role is a 422', async () => {
  const renamed = await call('PUT', `/users/${KOEN_ID}?name=Koen%20B&role=admin`);
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal(renamed.body.user.name, 'Koen B');
  assert.equal(renamed.body.user.role, 'admin');
  // A body is not read: the mock's {"name": …} does nothing here.
  const bodyOnly = await call('PUT', `/users/${KOEN_ID}`, { name: 'Ignored' });
  assert.equal(bodyOnly.status, 200);
  assert.equal(bodyOnly.body.user.name, 'Koen B');
  const badRole = await call('PUT', `/users/${KOEN_ID}?role=superuser`);
  assert.equal(badRole.status, 422);
  assert.deepEqual(badRole.body.detail[0].loc, ['query', 'role']);
  assert.equal((await call('PUT', '/users/nobody?name=x')).status, 404);
  // Every user carries a role, listed or fetched.
  const listed = await call('GET', '/users');
  assert.ok(
    listed.body.users.every((user: { role?: string }) => ['admin', 'inspector', 'viewer'].includes(user.role ?? '')),
  );
  assert.equal((await call('GET', `/users/${KOEN_ID}`)).body.user.role, 'admin');
});

test('POST /users takes a role (default inspector) and gives the real servers’ preference defaults', async () => {
  const created = await call('POST', '/users', { email: 'new.one@nvwa.nl', name: 'New One' });
  assert.equal(created.status, 201);
  assert.equal(created.body.user.role, 'inspector');
  const viewer = await call('POST', '/users', { email: 'viewer@nvwa.nl', name: 'Viewer', role: 'viewer' });
  assert.equal(viewer.body.user.role, 'viewer');
  const prefs = await call('GET', `/users/me/preferences?user_id=${created.body.user.id}`);
  assert.deepEqual(prefs.body.preferences, {
    theme: 'system',
    notifications_enabled: true,
    default_agent_id: 'general-agent',
    language: 'nl-NL',
    spoken_text_type: 'summarize',
    interaction_mode: 'feedback',
    email_reports: true,
  });
  assert.equal((await call('POST', '/users', { email: 'x@nvwa.nl', name: 'X', role: 'boss' })).status, 422);
});

test('empty PUT bodies give 400 with the real servers’ messages', async () => {
  for (const body of [{}, { title: null }]) {
    const answer = await call('PUT', '/sessions/session-jan-supermarket', body);
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { detail: 'No update fields provided' });
  }
  const renamed = await call('PUT', '/sessions/session-jan-supermarket', { title: 'Nieuwe titel' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.session.title, 'Nieuwe titel');
  assert.equal((await call('PUT', '/sessions/none', { title: 'x' })).status, 404);
  assert.equal((await call('PUT', '/sessions/session-jan-supermarket', { title: 'x'.repeat(201) })).status, 422);

  for (const body of [{}, { theme: null, unknown_field: 1 }]) {
    const answer = await call('PUT', `/users/me/preferences?user_id=${KOEN_ID}`, body);
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { detail: 'No preferences provided' });
  }
});

test('preferences take interaction_mode (feedback|listen) and email_reports', async () => {
  const path = `/users/me/preferences?user_id=${KOEN_ID}`;
  const updated = await call('PUT', path, { interaction_mode: 'listen', email_reports: false });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.preferences.interaction_mode, 'listen');
  assert.equal(updated.body.preferences.email_reports, false);
  assert.equal(updated.body.preferences.theme, 'light', 'the others are kept');
  assert.deepEqual((await call('PUT', path, { interaction_mode: 'shout' })).body, {
    detail: "interaction_mode must be 'feedback' or 'listen'",
  });
  assert.deepEqual((await call('PUT', path, { spoken_text_type: 'sing' })).body, {
    detail: "spoken_text_type must be 'dictate' or 'summarize'",
  });
  assert.deepEqual((await call('PUT', path, { theme: 'pink' })).body, {
    detail: "theme must be 'light', 'dark', or 'system'",
  });
  const wrongType = await call('PUT', path, { email_reports: 'yes please' });
  assert.equal(wrongType.status, 422);
  assert.deepEqual(wrongType.body.detail[0].loc, ['body', 'email_reports']);
  assert.equal((await call('PUT', '/users/me/preferences?user_id=nobody', { email_reports: true })).status, 404);
});

test('query values of the wrong type get FastAPI’s 422', async () => {
  for (const [path, loc, type] of [
    ['/users?limit=many', ['query', 'limit'], 'int_parsing'],
    ['/users?offset=-1', ['query', 'offset'], 'greater_than_equal'],
    ['/sessions?user_id=koen&limit=0', ['query', 'limit'], 'greater_than_equal'],
    ['/sessions/session-jan-supermarket/history?include_tools=perhaps', ['query', 'include_tools'], 'bool_parsing'],
  ] as const) {
    const answer = await call('GET', path);
    assert.equal(answer.status, 422, path);
    assert.deepEqual(answer.body.detail[0].loc, loc, path);
    assert.equal(answer.body.detail[0].type, type, path);
  }
});

test('a message sent while a run streams cancels that run and starts the new one, as the real /ws does', async () => {
  const socket = await AguiSocket.open(`${server.url.replace(/^http/, 'ws')}/ws`);
  socket.ask('genereer rapport');
  await socket.waitForCustom('agora:tool_approval_request', 0, 20_000);
  const firstRun = socket.events.find((event) => event.type === 'RUN_STARTED')?.runId;
  const from = socket.events.length;
  socket.ask('hallo');
  // The new run starts without the approval being given: the first one no longer holds the socket.
  const second = await socket.waitFor((event) => event.type === 'RUN_STARTED', from, 20_000);
  assert.notEqual(second.runId, firstRun);
  await socket.waitFor((event) => event.type === 'RUN_FINISHED' && event.runId === second.runId, from, 20_000);
  await socket.close();
});

test('switching agora-real → agora-mock → agora-real keeps users and sessions', async () => {
  const before = (server.context.world.pack('agora-real') as RunningAgoraPack).store.snapshot();
  const koenSessions = (await call('GET', '/sessions?user_id=koen')).body.totalCount;
  assert.ok(koenSessions >= 2);
  const toMock = await api.put<{ items: { pack: string }[] }>('/packs', { packs: [{ pack: 'agora-mock' }] });
  assert.equal(toMock.status, 200, JSON.stringify(toMock.body));
  assert.deepEqual((await api.get<ServerInfo>('/server')).body.packs, ['agora-mock']);
  // Now the mock's contract: GET /users/me without user_id, /agents in the mock's shape.
  assert.equal((await call('GET', '/users/me')).status, 200);
  assert.equal((await call('GET', '/agents')).body.success, true);
  const mockData = (server.context.world.pack('agora-mock') as RunningAgoraPack).store.snapshot();
  assert.deepEqual(mockData, before, 'the same users and sessions');

  await api.put('/packs', { packs: [{ pack: 'agora-real' }] });
  assert.deepEqual((await api.get<ServerInfo>('/server')).body.packs, ['agora-real']);
  assert.equal((await call('GET', `/users/${KOEN_ID}`)).body.user.role, 'admin', 'the role set before is kept');
  assert.equal((await call('GET', '/sessions?user_id=koen')).body.totalCount, koenSessions);
  assert.deepEqual((server.context.world.pack('agora-real') as RunningAgoraPack).store.snapshot(), before);
});

test('an agora-mock workspace switched to agora-real keeps its users and sessions and gets the real contract', async () => {
  const mock = await startTestEngine({ template: 'agora' });
  const mockApi = controlClient(mock);
  const created = await fetch(`${mock.url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'made.in@mock.nl', name: 'Made In Mock' }),
  });
  assert.equal(created.status, 201);
  const before = (mock.context.world.pack('agora-mock') as RunningAgoraPack).store.snapshot();
  const switched = await mockApi.put<{ items: { pack: string }[] }>('/packs', { packs: [{ pack: 'agora-real' }] });
  assert.equal(switched.status, 200, JSON.stringify(switched.body));
  assert.deepEqual(
    switched.body.items.map((item) => item.pack),
    ['agora-real'],
  );
  assert.deepEqual((await mockApi.get<ServerInfo>('/server')).body.packs, ['agora-real']);
  assert.deepEqual((mock.context.world.pack('agora-real') as RunningAgoraPack).store.snapshot(), before);
  const users = (await (await fetch(`${mock.url}/users`)).json()) as { users: { email: string; role: string }[] };
  assert.equal(users.users.find((user) => user.email === 'made.in@mock.nl')?.role, 'inspector');
  assert.equal((await fetch(`${mock.url}/users/me`)).status, 422, 'GET /users/me now needs ?user_id=');
  const sessions = (await (await fetch(`${mock.url}/sessions?user_id=koen`)).json()) as { totalCount: number };
  assert.equal(sessions.totalCount, 2);
});
