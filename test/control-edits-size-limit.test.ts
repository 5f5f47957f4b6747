import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { CONTROL_API_PREFIX } from '../src/shared/control-api';
import type { WorkspaceProblem, WorkspaceStatus } from '../src/shared/workspace';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { nestedZeros, wideRouteJson } from './helpers/large-world';
import { readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Control API edits are each within their own limits, and together could build a world past the 64 MiB a workspace
// file may be: one that would is refused up front (409, as a save too large is), and the world stays as it was.

const dir = await workspaceDir();

/** Sends `text` as the JSON body, as written (a wide body is built as text, not as objects). */
async function send(server: MockServer, method: string, path: string, text: string) {
  const response = await fetch(`${server.url}${CONTROL_API_PREFIX}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

/** The refusal every edit past the limit gets: 409 with the WorkspaceProblem, naming the limit and what to do. */
function assertTooLarge(response: { status: number; body: unknown }, what: string): void {
  assert.equal(response.status, 409, `${what}: ${JSON.stringify(response.body)?.slice(0, 300)}`);
  const { detail } = response.body as { detail: WorkspaceProblem };
  assert.equal(detail.operation, 'save');
  assert.match(
    detail.problem,
    /^this change would make the workspace [\d.]+ MiB as its file writes it, larger than 64 MiB, the largest file the engine opens, so it could not be saved: nothing was changed \(the workspace is [\d.]+ MiB now\)\. Delete or shrink large routes, records, scenarios or sessions, or lower the history limits \(maxRecordedBytes, …\), then try again$/,
    what,
  );
}

test('a route that would carry the workspace past 64 MiB is refused up front; the world stays as it was, and saves', async () => {
  const file = join(dir, 'routes.agui.json');
  const server = await startWorkspaceEngine(dir, file, {
    template: 'blank',
    // Room in a body for two wide routes (`PUT /routes`).
    settings: { maxBodyBytes: 4 * 1024 * 1024 },
    workspaceOptions: { autosaveDelayMs: 60_000 },
  });
  const api = controlClient(server);
  assert.equal((await send(server, 'POST', '/routes', wideRouteJson('wide-a'))).status, 201, 'about 34 MB: taken');

  // Before, each was taken, and only the next save or export failed.
  assertTooLarge(await send(server, 'POST', '/routes', wideRouteJson('wide-b')), 'a second wide route');
  assertTooLarge(await send(server, 'PUT', '/routes/wide-b', wideRouteJson('wide-b')), 'PUT adding one');
  assertTooLarge(await api.post('/routes/wide-a/duplicate'), 'a copy of the wide route');
  const all = `{"items":[${wideRouteJson('wide-a')},${wideRouteJson('wide-b')}]}`;
  assertTooLarge(await send(server, 'PUT', '/routes', all), 'the section replaced whole');

  const routes = await api.get<{ items: { id: string }[] }>('/routes');
  assert.deepEqual(
    routes.body.items.map((route) => route.id),
    ['hello', 'wide-a'],
    'nothing of the refused edits was stored',
  );
  // Edits that leave the world within the limit are taken as before, the wide route's own replacement included.
  assert.equal(
    (await api.post('/routes', { id: 'small', path: '/small', responses: [{ id: 'ok', body: { json: 1 } }] })).status,
    201,
  );
  assert.equal((await send(server, 'PUT', '/routes/wide-a', wideRouteJson('wide-a', 400_000))).status, 200);
  const saved = await api.post<WorkspaceStatus>('/workspace/save');
  assert.equal(saved.status, 200, JSON.stringify(saved.body).slice(0, 300));
  assert.equal(saved.body.error, null);
  const written = (await readJson(file)) as { routes: { id: string }[] };
  assert.deepEqual(
    written.routes.map((route) => route.id),
    ['hello', 'wide-a', 'small'],
  );
  // Room made (the wide route deleted), the second one is taken.
  assert.equal((await api.delete('/routes/wide-a')).status, 204);
  assert.equal((await send(server, 'POST', '/routes', wideRouteJson('wide-b'))).status, 201);
});

test('records, scenarios, sessions and mounts of every kind are held to the same limit: refused past it, taken below it', async () => {
  // Room in a body for a long history message.
  const server = await startTestEngine({ settings: { maxBodyBytes: 16 * 1024 * 1024 } });
  const api = controlClient(server);
  // About 34 MB and 23 MB as the file writes them: under 10 MB left.
  assert.equal((await send(server, 'POST', '/routes', wideRouteJson('wide-a'))).status, 201);
  assert.equal((await send(server, 'POST', '/routes', wideRouteJson('wide-b', 300_000))).status, 201);
  assert.equal((await api.post('/collections', { id: 'things', path: '/things' })).status, 201);

  // Each about 11 MB once written.
  const wide = nestedZeros(150_000);
  assertTooLarge(await send(server, 'POST', '/collections/things/records', `{"id":1,"v":${wide}}`), 'a record');
  assertTooLarge(
    await send(server, 'PUT', '/collections/things/records', `{"items":[{"id":1,"v":${wide}}]}`),
    'the records replaced',
  );
  assertTooLarge(
    await send(
      server,
      'POST',
      '/scenarios',
      `{"id":"big","name":"Big","triggers":[],"steps":[{"type":"custom","name":"x","value":${wide}}]}`,
    ),
    'a scenario',
  );
  assertTooLarge(
    await send(server, 'POST', '/collections', `{"id":"more","path":"/more","records":[{"id":1,"v":${wide}}]}`),
    'a collection with its records',
  );

  // The AGORA pack's data, edited in the console: a 12 MB history message.
  const sessions = await api.get<{ items: { sessionId: string; userId: string; messageCount: number }[] }>(
    '/state/sessions',
  );
  const session = sessions.body.items[0] as { sessionId: string; userId: string; messageCount: number };
  const long = [{ role: 'user', content: 'a'.repeat(12 * 1024 * 1024) }];
  assertTooLarge(await api.put(`/state/sessions/${session.sessionId}/history`, { messages: long }), 'a history');
  assertTooLarge(
    await api.post('/state/sessions', { userId: session.userId, title: 'Long', history: long }),
    'a session with its history',
  );
  assert.equal(
    (await api.get<{ total: number }>(`/state/sessions/${session.sessionId}/history`)).body.total,
    session.messageCount,
  );
  assert.equal((await api.get<{ items: unknown[] }>('/state/sessions')).body.items.length, sessions.body.items.length);
  const short = [{ role: 'user', content: 'Kort' }];
  assert.equal((await api.put(`/state/sessions/${session.sessionId}/history`, { messages: short })).status, 200);

  assert.deepEqual((await api.get<{ items: unknown[] }>('/collections/things/records')).body.items, []);
  assert.equal((await api.get('/scenarios/big')).status, 404);
  assert.deepEqual(
    (await api.get<{ items: { id: string }[] }>('/collections')).body.items.map((collection) => collection.id),
    ['things'],
  );
  assert.equal((await api.post('/collections/things/records', { id: 1, v: [1, 2, 3] })).status, 201);
  assert.equal(
    (await api.post('/scenarios', { id: 'small', name: 'Small', triggers: [], steps: [] })).status,
    201,
    'below the limit, edits are taken',
  );
  const exported = await fetch(`${server.url}${CONTROL_API_PREFIX}/workspace/export`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(exported.status, 200, 'the world as the edits left it exports');
  await exported.arrayBuffer();
});
