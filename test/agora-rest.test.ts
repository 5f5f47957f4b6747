import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { SessionMetadataSchema, UserSchema } from '../src/shared/agora-model';
import { agoraStore } from './helpers/agora';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';

// One engine for the file; every test starts from the seed.
const server = await startTestEngine();
beforeEach(() => agoraStore(server).reset());

const KOEN = '550e8400-e29b-41d4-a716-446655440001';
const FATIMA = '550e8400-e29b-41d4-a716-446655440002';
const JAN = '550e8400-e29b-41d4-a716-446655440003';

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  body: any;
}

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const get = (path: string) => call('GET', path);

/** The ways a client may frame a JSON body; every one must reach the route whole. */
const FRAMINGS = ['json', 'json-charset', 'chunked', 'split-writes'] as const;
type Framing = (typeof FRAMINGS)[number];

async function send(method: string, path: string, body: unknown, framing: Framing): Promise<Answer> {
  const json = JSON.stringify(body);
  if (framing === 'json') return call(method, path, json);
  if (framing === 'json-charset') return call(method, path, json, 'application/json; charset=utf-8');
  const head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n`;
  const bytes = Buffer.from(json);
  const middle = Math.floor(bytes.length / 2);
  const pieces =
    framing === 'chunked'
      ? [
          `${head}Transfer-Encoding: chunked\r\n\r\n`,
          Buffer.concat([Buffer.from(`${middle.toString(16)}\r\n`), bytes.subarray(0, middle), Buffer.from('\r\n')]),
          Buffer.concat([
            Buffer.from(`${(bytes.length - middle).toString(16)}\r\n`),
            bytes.subarray(middle),
            Buffer.from('\r\n'),
          ]),
          '0\r\n\r\n',
        ]
      : [
          `${head}Content-Length: ${bytes.length}\r\n\r\n`,
          bytes.subarray(0, 3),
          bytes.subarray(3, middle),
          bytes.subarray(middle),
        ];
  const response = await rawHttp(server.port, pieces);
  return { status: response.status, headers: new Headers(response.headers), body: JSON.parse(response.body) };
}

function assertIsoZ(value: unknown): void {
  assert.equal(typeof value, 'string');
  assert.match(value as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
}

/** FastAPI's 422 for one field. */
function assert422(answer: Answer, loc: (string | number)[], type: string): void {
  assert.equal(answer.status, 422, JSON.stringify(answer.body));
  const issue = answer.body.detail.find((entry: { loc: unknown }) => JSON.stringify(entry.loc) === JSON.stringify(loc));
  assert.ok(issue, `no issue at ${JSON.stringify(loc)} in ${JSON.stringify(answer.body)}`);
  assert.equal(issue.type, type);
  assert.equal(typeof issue.msg, 'string');
  assert.ok('input' in issue);
}

// ---- GET /agents ----

test('GET /agents lists the four AGORA agents', async () => {
  const answer = await get('/agents');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, true);
  assert.deepEqual(
    answer.body.agents.map((agent: { id: string }) => agent.id),
    ['general-agent', 'history-agent', 'regulation-agent', 'reporting-agent'],
  );
  for (const agent of answer.body.agents) assert.deepEqual(Object.keys(agent), ['id', 'name', 'description']);
});

// ---- GET /sessions ----

test('GET /sessions lists a user’s sessions newest first, by UUID or legacy id alike', async () => {
  const byUuid = await get(`/sessions?user_id=${KOEN}`);
  assert.equal(byUuid.status, 200);
  assert.equal(byUuid.body.success, true);
  assert.equal(byUuid.body.totalCount, 2);
  assert.deepEqual(
    byUuid.body.sessions.map((session: { sessionId: string }) => session.sessionId),
    ['session-koen-bella-rosa', 'session-koen-hotel-sunset'],
  );
  for (const session of byUuid.body.sessions) {
    SessionMetadataSchema.parse(session);
    assertIsoZ(session.lastActivity);
  }
  assert.deepEqual((await get('/sessions?user_id=koen')).body, byUuid.body);
  assert.equal((await get(`/sessions?user_id=${FATIMA}`)).body.sessions[0].messageCount, 6);
  assert.equal((await get(`/sessions?user_id=${JAN}`)).body.sessions[0].messageCount, 4);
});

test('GET /sessions pages with limit and offset, totalCount counting all', async () => {
  const first = await get(`/sessions?user_id=${KOEN}&limit=1`);
  assert.deepEqual(
    first.body.sessions.map((session: { sessionId: string }) => session.sessionId),
    ['session-koen-bella-rosa'],
  );
  assert.equal(first.body.totalCount, 2);
  const second = await get(`/sessions?user_id=${KOEN}&limit=1&offset=1`);
  assert.equal(second.body.sessions[0].sessionId, 'session-koen-hotel-sunset');
  const beyond = await get(`/sessions?user_id=${KOEN}&offset=5`);
  assert.deepEqual(beyond.body, { success: true, sessions: [], totalCount: 2 });
});

test('GET /sessions for a user without sessions is an empty list', async () => {
  const answer = await get('/sessions?user_id=somebody-else');
  assert.deepEqual(answer.body, { success: true, sessions: [], totalCount: 0 });
});

test('GET /sessions without user_id is a 422 naming the field', async () => {
  const answer = await get('/sessions');
  assert.deepEqual(answer.body, {
    detail: [{ type: 'missing', loc: ['query', 'user_id'], msg: 'Field required', input: null }],
  });
  assert.equal(answer.status, 422);
});

test('GET /sessions validates limit and offset like FastAPI', async () => {
  const notNumber = await get(`/sessions?user_id=${KOEN}&limit=abc`);
  assert422(notNumber, ['query', 'limit'], 'int_parsing');
  assert.equal(notNumber.body.detail[0].msg, 'Input should be a valid integer, unable to parse string as an integer');
  assert.equal(notNumber.body.detail[0].input, 'abc');
  assert422(await get(`/sessions?user_id=${KOEN}&limit=0`), ['query', 'limit'], 'greater_than_equal');
  assert422(await get(`/sessions?user_id=${KOEN}&limit=101`), ['query', 'limit'], 'less_than_equal');
  assert422(await get(`/sessions?user_id=${KOEN}&limit=1.5`), ['query', 'limit'], 'int_parsing');
  assert422(await get(`/sessions?user_id=${KOEN}&offset=-1`), ['query', 'offset'], 'greater_than_equal');
  assert.equal((await get(`/sessions?user_id=${KOEN}&limit=100&offset=0`)).status, 200);
});

// ---- GET /sessions/{id}/history ----

test('GET /sessions/{id}/history leaves tool entries out unless include_tools', async () => {
  const plain = await get('/sessions/session-koen-bella-rosa/history');
  assert.equal(plain.status, 200);
  assert.equal(plain.body.success, true);
  assert.equal(plain.body.threadId, 'session-koen-bella-rosa');
  assert.deepEqual(
    plain.body.history.map((message: { role: string }) => message.role),
    ['user', 'assistant'],
  );
  assert.equal(plain.body.messageCount, 2);
  assert.equal(plain.body.history[1].agent_id, 'history-agent');
  assert.equal(typeof plain.body.history[1].spoken_text, 'string');

  for (const yes of ['true', '1', 'yes', 'on', 'True']) {
    const full = await get(`/sessions/session-koen-bella-rosa/history?include_tools=${yes}`);
    assert.equal(full.body.history.length, 8, yes);
    const call = full.body.history.find((message: { role: string }) => message.role === 'tool_call');
    assert.deepEqual(Object.keys(call).sort(), ['agent_id', 'content', 'role', 'tool_call_id', 'tool_name']);
    JSON.parse(call.content);
  }
  for (const no of ['false', '0', 'no', 'off']) {
    assert.equal((await get(`/sessions/session-koen-bella-rosa/history?include_tools=${no}`)).body.history.length, 2);
  }
});

test('GET /sessions/{id}/history: 404 for an unknown session, 422 for a non-boolean include_tools', async () => {
  assert.deepEqual(await get('/sessions/session_unknown/history').then((a) => [a.status, a.body]), [
    404,
    { detail: 'Session not found' },
  ]);
  assert422(
    await get('/sessions/session-koen-bella-rosa/history?include_tools=maybe'),
    ['query', 'include_tools'],
    'bool_parsing',
  );
});

// ---- GET /sessions/{id}/metadata ----

test('GET /sessions/{id}/metadata answers the session, 404 when unknown', async () => {
  const answer = await get('/sessions/session-koen-hotel-sunset/metadata');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, true);
  assert.deepEqual(Object.keys(answer.body.session), [
    'sessionId',
    'userId',
    'title',
    'firstMessagePreview',
    'messageCount',
    'createdAt',
    'lastActivity',
  ]);
  assert.equal(answer.body.session.messageCount, 15);
  assert.equal(answer.body.session.userId, 'koen');
  assert.equal((await get('/sessions/nope/metadata')).status, 404);
});

// ---- PUT /sessions/{id} ----

for (const framing of FRAMINGS) {
  test(`PUT /sessions/{id} renames (trimmed) and bumps lastActivity — body as ${framing}`, async () => {
    const before = (await get('/sessions/session-jan-supermarket/metadata')).body.session;
    const answer = await send('PUT', '/sessions/session-jan-supermarket', { title: '  Buurtwinkel Oost  ' }, framing);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.success, true);
    assert.equal(answer.body.session.title, 'Buurtwinkel Oost');
    assertIsoZ(answer.body.session.lastActivity);
    assert.ok(Date.parse(answer.body.session.lastActivity) > Date.parse(before.lastActivity));
    assert.equal((await get('/sessions/session-jan-supermarket/metadata')).body.session.title, 'Buurtwinkel Oost');
  });
}

test('PUT /sessions/{id} cuts titles to 200 characters; an empty object only bumps lastActivity', async () => {
  const long = await call('PUT', '/sessions/session-jan-supermarket', { title: `${'é'.repeat(300)}` });
  assert.equal(long.body.session.title, 'é'.repeat(200));
  const untouched = await call('PUT', '/sessions/session-fatima-bakery', {});
  assert.equal(untouched.status, 200);
  assert.equal(untouched.body.session.title, 'Bakkerij De Gouden Korst');
});

test('PUT /sessions/{id}: 404 unknown, 422 no body / wrong type / not an object, 415 not JSON, 400 broken JSON', async () => {
  assert.deepEqual(await call('PUT', '/sessions/nope', { title: 'x' }).then((a) => [a.status, a.body]), [
    404,
    { detail: 'Session not found' },
  ]);
  assert422(await call('PUT', '/sessions/session-jan-supermarket'), ['body'], 'missing');
  assert422(await call('PUT', '/sessions/session-jan-supermarket', { title: 42 }), ['body', 'title'], 'string_type');
  assert422(await call('PUT', '/sessions/session-jan-supermarket', ['title']), ['body'], 'dict_type');
  const wrongType = await call('PUT', '/sessions/session-jan-supermarket', 'title=x', 'text/plain');
  assert.equal(wrongType.status, 415);
  assert.match(wrongType.body.detail, /application\/json/);
  const broken = await call('PUT', '/sessions/session-jan-supermarket', '{"title": ');
  assert.equal(broken.status, 400);
  assert.match(broken.body.detail, /JSON/);
  assert.equal(
    (await get('/sessions/session-jan-supermarket/metadata')).body.session.title,
    'Supermarkt Buurtwinkel Oost',
  );
});

// ---- DELETE /sessions/{id} ----

test('DELETE /sessions/{id} deletes, then 404', async () => {
  assert.deepEqual((await call('DELETE', '/sessions/session-fatima-bakery')).body, {
    success: true,
    message: 'Session deleted',
  });
  assert.equal((await get('/sessions/session-fatima-bakery/metadata')).status, 404);
  assert.equal((await get(`/sessions?user_id=${FATIMA}`)).body.totalCount, 0);
  const again = await call('DELETE', '/sessions/session-fatima-bakery');
  assert.deepEqual([again.status, again.body], [404, { detail: 'Session not found' }]);
});

// ---- GET /users/me ----

test('GET /users/me is the bare current user (Koen); 401 once that user is gone', async () => {
  const answer = await get('/users/me');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, undefined);
  assert.equal(UserSchema.parse(answer.body).id, KOEN);
  assert.equal(answer.body.email, 'koen.vandenberg@nvwa.nl');
  assert.equal(answer.body.createdAt, '2024-06-15T09:00:00Z');
  assertIsoZ(answer.body.lastActivity);
  await call('DELETE', `/users/${KOEN}`);
  assert.deepEqual(await get('/users/me').then((a) => [a.status, a.body]), [401, { detail: 'User not found' }]);
});

// ---- GET /users/me/preferences ----

test('GET /users/me/preferences answers the user’s preferences by UUID or legacy id', async () => {
  const answer = await get(`/users/me/preferences?user_id=${FATIMA}`);
  assert.deepEqual(answer.body, {
    success: true,
    preferences: {
      theme: 'dark',
      notifications_enabled: true,
      default_agent_id: 'general-agent',
      language: 'nl-NL',
      spoken_text_type: 'dictate',
    },
  });
  assert.deepEqual((await get('/users/me/preferences?user_id=fatima')).body, answer.body);
});

test('GET /users/me/preferences: 404 unknown user, 422 without user_id', async () => {
  assert.deepEqual(await get('/users/me/preferences?user_id=nobody').then((a) => [a.status, a.body]), [
    404,
    { detail: 'User not found' },
  ]);
  // The contract's 422, exactly: a query parameter is validated on its own, so its `input` is null.
  assert.deepEqual(await get('/users/me/preferences').then((a) => [a.status, a.body]), [
    422,
    { detail: [{ type: 'missing', loc: ['query', 'user_id'], msg: 'Field required', input: null }] },
  ]);
});

// ---- PUT /users/me/preferences ----

for (const framing of FRAMINGS) {
  test(`PUT /users/me/preferences {"theme":"dark"} answers all preferences and sticks — body as ${framing}`, async () => {
    const answer = await send('PUT', `/users/me/preferences?user_id=${KOEN}`, { theme: 'dark' }, framing);
    const expected = {
      success: true,
      preferences: {
        theme: 'dark',
        notifications_enabled: true,
        default_agent_id: 'general-agent',
        language: 'nl-NL',
        spoken_text_type: 'summarize',
      },
    };
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, expected);
    assert.deepEqual((await get(`/users/me/preferences?user_id=${KOEN}`)).body, expected);
  });
}

test('PUT /users/me/preferences keeps fields it does not know (HAI’s email_reports)', async () => {
  const answer = await call('PUT', '/users/me/preferences?user_id=jan', {
    spoken_text_type: 'dictate',
    email_reports: true,
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.preferences.email_reports, true);
  assert.equal(answer.body.preferences.spoken_text_type, 'dictate');
  assert.equal((await get(`/users/${JAN}`)).body.user.preferences.email_reports, true);
});

test('PUT /users/me/preferences: 400 for an unknown theme, nothing applied', async () => {
  const answer = await call('PUT', `/users/me/preferences?user_id=${KOEN}`, {
    theme: 'pink',
    language: 'en-GB',
  });
  assert.deepEqual([answer.status, answer.body], [400, { detail: "theme must be 'light', 'dark', or 'system'" }]);
  const stored = (await get(`/users/me/preferences?user_id=${KOEN}`)).body.preferences;
  assert.equal(stored.theme, 'light');
  assert.equal(stored.language, 'nl-NL');
});

test('PUT /users/me/preferences: 400 for an unknown spoken_text_type', async () => {
  const answer = await call('PUT', `/users/me/preferences?user_id=${KOEN}`, { spoken_text_type: 'shout' });
  assert.equal(answer.status, 400);
  assert.match(answer.body.detail, /spoken_text_type.*'summarize'.*'dictate'/);
  assert.equal((await get(`/users/me/preferences?user_id=${KOEN}`)).body.preferences.spoken_text_type, 'summarize');
});

test('PUT /users/me/preferences: 404 unknown user, 422 missing user_id / wrong types / no body, 415', async () => {
  assert.deepEqual(
    await call('PUT', '/users/me/preferences?user_id=nobody', { theme: 'dark' }).then((a) => [a.status, a.body]),
    [404, { detail: 'User not found' }],
  );
  const both = await call('PUT', '/users/me/preferences', { notifications_enabled: 'yes please' });
  assert422(both, ['query', 'user_id'], 'missing');
  assert422(both, ['body', 'notifications_enabled'], 'bool_type');
  assert422(
    await call('PUT', `/users/me/preferences?user_id=${KOEN}`, { language: 'x'.repeat(36) }),
    ['body', 'language'],
    'string_too_long',
  );
  assert422(await call('PUT', `/users/me/preferences?user_id=${KOEN}`, { theme: 1 }), ['body', 'theme'], 'string_type');
  assert422(await call('PUT', `/users/me/preferences?user_id=${KOEN}`), ['body'], 'missing');
  assert.equal((await call('PUT', `/users/me/preferences?user_id=${KOEN}`, 'theme=dark', 'text/plain')).status, 415);
});

test('PUT /users/me/preferences with a __proto__ key changes no known field', async () => {
  const answer = await call('PUT', `/users/me/preferences?user_id=${KOEN}`, '{"__proto__":{"theme":"pink"}}');
  assert.ok(answer.status < 500);
  const stored = (await get(`/users/me/preferences?user_id=${KOEN}`)).body.preferences;
  assert.equal(stored.theme, 'light');
  assert.equal(({} as Record<string, unknown>).theme, undefined);
});

test('null for a known field means unchanged, as for FastAPI Optional fields', async () => {
  const preferences = await call('PUT', `/users/me/preferences?user_id=${KOEN}`, {
    theme: null,
    spoken_text_type: null,
    language: 'en-GB',
    email_reports: null,
  });
  assert.equal(preferences.status, 200, JSON.stringify(preferences.body));
  assert.equal(preferences.body.preferences.theme, 'light');
  assert.equal(preferences.body.preferences.language, 'en-GB');
  assert.equal(preferences.body.preferences.email_reports, null);
  const user = await call('PUT', `/users/${KOEN}`, { name: null, preferences: null });
  assert.equal(user.body.user.name, 'Koen van den Berg');
  const session = await call('PUT', '/sessions/session-jan-supermarket', { title: null });
  assert.equal(session.body.session.title, 'Supermarkt Buurtwinkel Oost');
});

// ---- POST /users ----

for (const framing of FRAMINGS) {
  test(`POST /users creates a user with default preferences (201) — body as ${framing}`, async () => {
    const answer = await send('POST', '/users', { email: 'sanne.bakker@nvwa.nl', name: 'Sanne Bakker' }, framing);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.success, true);
    const user = UserSchema.parse(answer.body.user);
    assert.equal(user.email, 'sanne.bakker@nvwa.nl');
    assert.deepEqual(user.preferences, {
      theme: 'system',
      notifications_enabled: true,
      default_agent_id: 'general-agent',
      language: 'nl-NL',
      spoken_text_type: 'summarize',
    });
    assertIsoZ(user.createdAt);
    assert.equal((await get(`/users/${user.id}`)).body.user.name, 'Sanne Bakker');
  });
}

test('POST /users: 409 for an email in use, in any case', async () => {
  const answer = await call('POST', '/users', { email: 'KOEN.vandenberg@NVWA.nl', name: 'Koen 2' });
  assert.deepEqual([answer.status, answer.body], [409, { detail: 'Email already exists' }]);
  assert.equal((await get('/users')).body.totalCount, 3);
});

test('POST /users: 422 for a bad email, an empty or too long name, missing fields, no body', async () => {
  assert422(await call('POST', '/users', { email: 'not-an-email', name: 'X' }), ['body', 'email'], 'value_error');
  assert422(await call('POST', '/users', { email: 'a@b.nl', name: '' }), ['body', 'name'], 'string_too_short');
  assert422(
    await call('POST', '/users', { email: 'a@b.nl', name: 'x'.repeat(201) }),
    ['body', 'name'],
    'string_too_long',
  );
  const missing = await call('POST', '/users', {});
  assert422(missing, ['body', 'email'], 'missing');
  // FastAPI echoes the object a body field is missing from.
  assert.deepEqual((await call('POST', '/users', { name: 'X' })).body, {
    detail: [{ type: 'missing', loc: ['body', 'email'], msg: 'Field required', input: { name: 'X' } }],
  });
  assert422(missing, ['body', 'name'], 'missing');
  assert422(await call('POST', '/users'), ['body'], 'missing');
  assert.equal((await call('POST', '/users', 'email=a@b.nl', 'application/x-www-form-urlencoded')).status, 415);
  assert.equal((await get('/users')).body.totalCount, 3);
});

// ---- GET /users ----

test('GET /users lists newest createdAt first: Fatima, Koen, Jan', async () => {
  const answer = await get('/users?limit=50&offset=0');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, true);
  assert.equal(answer.body.totalCount, 3);
  assert.deepEqual(
    answer.body.users.map((user: { name: string }) => user.name),
    ['Fatima El-Amrani', 'Koen van den Berg', 'Jan de Vries'],
  );
  for (const user of answer.body.users) UserSchema.parse(user);
  assert.deepEqual(
    (await get('/users?limit=1&offset=1')).body.users.map((user: { id: string }) => user.id),
    [KOEN],
  );
});

test('GET /users: 422 for a bad limit or offset', async () => {
  assert422(await get('/users?limit=0'), ['query', 'limit'], 'greater_than_equal');
  assert422(await get('/users?limit=1000'), ['query', 'limit'], 'less_than_equal');
  assert422(await get('/users?offset=x'), ['query', 'offset'], 'int_parsing');
  assert422(await get('/users?offset=-3'), ['query', 'offset'], 'greater_than_equal');
});

// ---- GET /users/{id} ----

test('GET /users/{id} answers the user; 404 when unknown', async () => {
  const answer = await get(`/users/${JAN}`);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, true);
  assert.equal(answer.body.user.email, 'jan.devries@nvwa.nl');
  assert.equal(answer.body.user.preferences.theme, 'system');
  assert.deepEqual(await get('/users/nobody').then((a) => [a.status, a.body]), [404, { detail: 'User not found' }]);
});

// ---- PUT /users/{id} ----

for (const framing of FRAMINGS) {
  test(`PUT /users/{id} renames and merges preferences — body as ${framing}`, async () => {
    const sentAt = Date.now();
    const answer = await send(
      'PUT',
      `/users/${FATIMA}`,
      { name: 'Fatima El Amrani', preferences: { language: 'en-GB' } },
      framing,
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.success, true);
    assert.equal(answer.body.user.name, 'Fatima El Amrani');
    assert.equal(answer.body.user.preferences.language, 'en-GB');
    assert.equal(answer.body.user.preferences.theme, 'dark');
    assert.ok(Date.parse(answer.body.user.lastActivity) >= sentAt, 'the change bumped lastActivity');
  });
}

test('PUT /users/{id}: 404 unknown, 422 bad name / bad theme / no body; nothing applied', async () => {
  assert.deepEqual(await call('PUT', '/users/nobody', { name: 'X' }).then((a) => [a.status, a.body]), [
    404,
    { detail: 'User not found' },
  ]);
  assert422(await call('PUT', `/users/${JAN}`, { name: '' }), ['body', 'name'], 'string_too_short');
  assert422(await call('PUT', `/users/${JAN}`, { name: 'y'.repeat(201) }), ['body', 'name'], 'string_too_long');
  assert422(
    await call('PUT', `/users/${JAN}`, { name: 'Jan', preferences: { theme: 'neon' } }),
    ['body', 'preferences', 'theme'],
    'enum',
  );
  assert422(await call('PUT', `/users/${JAN}`), ['body'], 'missing');
  const stored = (await get(`/users/${JAN}`)).body.user;
  assert.equal(stored.name, 'Jan de Vries');
  assert.equal(stored.preferences.theme, 'system');
});

test('HAI’s save flow: PUT /users/{id} {name}, then PUT preferences {spoken_text_type, email_reports}', async () => {
  const renamed = await call('PUT', `/users/${FATIMA}`, { name: 'Fatima' });
  assert.equal(renamed.status, 200);
  const saved = await call('PUT', `/users/me/preferences?user_id=${FATIMA}`, {
    spoken_text_type: 'summarize',
    email_reports: false,
  });
  assert.equal(saved.status, 200);
  const user = (await get(`/users/${FATIMA}`)).body.user;
  assert.equal(user.name, 'Fatima');
  assert.equal(user.preferences.spoken_text_type, 'summarize');
  assert.equal(user.preferences.email_reports, false);
  assert.equal(user.preferences.theme, 'dark');
});

// ---- DELETE /users/{id} ----

test('DELETE /users/{id} deletes the user and its sessions, whichever id they are keyed by', async () => {
  agoraStore(server).recordRunStart('session_fresh-thread', KOEN, 'Start inspectie bij Bella Rosa');
  assert.equal((await get(`/sessions?user_id=${KOEN}`)).body.totalCount, 3);
  const answer = await call('DELETE', `/users/${KOEN}`);
  assert.deepEqual(
    [answer.status, answer.body],
    [200, { success: true, message: 'User and associated sessions deleted', deletedSessionsCount: 3 }],
  );
  assert.equal((await get(`/users/${KOEN}`)).status, 404);
  assert.equal((await get('/sessions?user_id=koen')).body.totalCount, 0);
  assert.equal((await get('/sessions/session_fresh-thread/metadata')).status, 404);
  assert.equal((await get(`/sessions?user_id=${FATIMA}`)).body.totalCount, 1);
  assert.deepEqual(await call('DELETE', `/users/${KOEN}`).then((a) => [a.status, a.body]), [
    404,
    { detail: 'User not found' },
  ]);
});

// ---- GET /mock_documents/{file} ----

test('GET /mock_documents/report.pdf is a one-page PDF', async () => {
  const response = await fetch(`${server.url}/mock_documents/report.pdf`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(bytes.subarray(-32).toString('latin1'), /%%EOF\s*$/);
  assert.match(bytes.toString('latin1'), /\/Count 1\b/);
  // The xref table must point at the objects it names.
  const text = bytes.toString('latin1');
  const startxref = Number(/startxref\s+(\d+)/.exec(text)?.[1]);
  assert.equal(text.slice(startxref, startxref + 4), 'xref');
  const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n/gm)].map((match) => Number(match[1]));
  offsets.forEach((offset, index) => {
    assert.equal(text.slice(offset, offset + `${index + 1} 0 obj`.length), `${index + 1} 0 obj`);
  });
});

test('GET /mock_documents/report.json is the Bella Rosa inspection report', async () => {
  const response = await fetch(`${server.url}/mock_documents/report.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const report = (await response.json()) as {
    report_id: string;
    company: { name: string; kvk_number: string };
  };
  assert.equal(report.company.name, 'Restaurant Bella Rosa');
  assert.equal(report.company.kvk_number, '92251854');
  assert.match(report.report_id, /^INS-2024-\d{6}$/);
});

test('GET /mock_documents/{file}: 404 for anything else', async () => {
  for (const file of ['other.pdf', '..%2Fpackage.json', 'report.PDF']) {
    const answer = await get(`/mock_documents/${file}`);
    assert.equal(answer.status, 404, file);
    assert.equal(typeof answer.body.detail, 'string');
  }
});

// ---- CORS for HAI's writes ----

test('preflight for a JSON PUT with X-API-Key is allowed', async () => {
  const response = await fetch(`${server.url}/users/me/preferences?user_id=${KOEN}`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://localhost:5173',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type,x-api-key',
    },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.match(response.headers.get('access-control-allow-methods') ?? '', /PUT/);
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /x-api-key/i);
});
