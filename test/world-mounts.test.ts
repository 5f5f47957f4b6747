import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AgoraStore } from '../src/server/packs/agora/store/agora-store';
import { PathIndex } from '../src/server/routes/path-index';
import { decodeWorkspaceValue } from '../src/server/workspace/workspace-codec';
import type { ItemsPage, PacksInfo, ServerInfo } from '../src/shared/control-api';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { agoraStore } from './helpers/agora';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// The world as a table of mounts, on a real engine: the user's routes, collections, folders, sockets and agents
// edited through the control API and served on the one port, before the packs; 404s explained in the request log.

const dir = await workspaceDir();

/** The FastAPI tutorial server's REST side, written in the console's words (control API bodies). */
const TUTORIAL_ROUTES = [
  { id: 'root', path: '/', responses: [{ id: 'ok', body: { json: { message: 'Server is running' } } }] },
  { id: 'status', path: '/status', responses: [{ id: 'ok', body: { json: { status: 'ok' } } }] },
  {
    id: 'read-item',
    path: '/items/:item_id',
    validate: { params: { type: 'object', properties: { item_id: { type: 'integer' } }, required: ['item_id'] } },
    responses: [
      {
        id: 'the-one',
        when: { params: { item_id: 1 } },
        body: { json: { item_id: '{{params.item_id}}', name: 'The One Item' } },
      },
      { id: 'not-found', status: 404, body: { json: { detail: 'Item with ID {{params.item_id}} not found.' } } },
    ],
  },
  {
    id: 'create-item',
    method: 'POST',
    path: '/items',
    validate: {
      body: {
        type: 'object',
        properties: { name: { type: 'string' }, is_offer: { type: ['boolean', 'null'], default: null } },
        required: ['name'],
      },
    },
    responses: [
      {
        id: 'created',
        status: 201,
        body: { json: { message: 'Item created successfully', item_data: '{{body}}' } },
      },
    ],
  },
  {
    id: 'data-file',
    path: '/static/data.txt',
    responses: [
      {
        id: 'file',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: { text: 'This is a test file served by FastAPI.' },
      },
    ],
  },
];

const exact = async (response: Response) => ({ status: response.status, body: await response.text() });

test('a blank world: only its own routes answer; the FastAPI tutorial added in the console answers as FastAPI does', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const info = (await api.get<ServerInfo>('/server')).body;
  assert.deepEqual(info.packs, []);
  assert.equal(info.urls.ws, null, 'no socket in a blank world');
  assert.equal((await fetch(`${server.url}/users`)).status, 404, 'no AGORA without its pack');
  const hello = (await (await fetch(`${server.url}/hello?name=Ada`)).json()) as { message: string };
  assert.equal(hello.message, 'Hello, Ada!');

  for (const route of TUTORIAL_ROUTES) assert.equal((await api.post('/routes', route)).status, 201, route.id);

  assert.deepEqual(await exact(await fetch(`${server.url}/`)), {
    status: 200,
    body: '{"message":"Server is running"}',
  });
  assert.deepEqual(await exact(await fetch(`${server.url}/status`)), { status: 200, body: '{"status":"ok"}' });
  assert.deepEqual(await exact(await fetch(`${server.url}/items/1`)), {
    status: 200,
    body: '{"item_id":1,"name":"The One Item"}',
  });
  assert.deepEqual(await exact(await fetch(`${server.url}/items/999`)), {
    status: 404,
    body: '{"detail":"Item with ID 999 not found."}',
  });
  assert.deepEqual(await exact(await fetch(`${server.url}/items/abc`)), {
    status: 422,
    body: '{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}',
  });
  const post = (body: unknown) =>
    fetch(`${server.url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.deepEqual(await exact(await post({ name: 'Foo' })), {
    status: 201,
    body: '{"message":"Item created successfully","item_data":{"name":"Foo","is_offer":null}}',
  });
  assert.deepEqual(await exact(await post({})), {
    status: 422,
    body: '{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{}}]}',
  });
  const file = await fetch(`${server.url}/static/data.txt`);
  assert.equal(file.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await file.text(), 'This is a test file served by FastAPI.');
  // A path the routes know, a method they do not serve: 405 with Allow, as FastAPI answers.
  const deleted = await fetch(`${server.url}/items/1`, { method: 'DELETE' });
  assert.equal(deleted.status, 405);
  assert.equal(deleted.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(await deleted.json(), { detail: 'Method Not Allowed' });
});

test('the request log names what answered, and explains a 404 with the closest routes', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  for (const route of TUTORIAL_ROUTES) await api.post('/routes', route);
  await fetch(`${server.url}/items/1`);
  await fetch(`${server.url}/itemz/1`);
  const log = (await api.get<RequestLogPage>('/requests')).body.items as RequestLogEntry[];
  const [missed, answered] = log;
  assert.deepEqual(answered?.answeredBy, { kind: 'route', id: 'read-item', responseId: 'the-one' });
  // What a request nothing answered sent is kept, for a route to be made from it.
  const sent = '{"name":"x"}';
  const posted = await fetch(`${server.url}/api/things`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: sent,
  });
  assert.equal(posted.status, 404);
  const [unanswered] = (await api.get<RequestLogPage>('/requests?limit=1')).body.items as RequestLogEntry[];
  assert.equal(unanswered?.requestBody?.text, sent);
  assert.equal(unanswered?.requestBody?.described, false);
  assert.equal(missed?.status, 404);
  assert.equal(missed?.answeredBy, null);
  assert.equal(missed?.nearMisses[0]?.mount.id, 'read-item', 'the closest route first');
  assert.match(missed?.nearMisses[0]?.reasons[0]?.message ?? '', /itemz/);
  const served = await api.get<RequestLogPage>('/requests?mount=route:read-item');
  assert.deepEqual(
    served.body.items.map((entry) => entry.path),
    ['/items/1'],
    'the requests one route served',
  );
  assert.equal((await api.get('/requests?mount=route')).status, 422);
});

test('what does not compile is refused with every problem at its field, and nothing changes', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const refused = await api.post<{ detail: { loc: (string | number)[]; msg: string }[] }>('/routes', {
    id: 'broken',
    path: '/items/:',
    responses: [
      { id: 'a', when: { query: { q: { regex: '(?<=x)' } } }, body: { json: { x: '{{nope' } } },
      { id: 'b', body: { text: '{{#each}}' } },
    ],
  });
  assert.equal(refused.status, 422);
  const locs = refused.body.detail.map((issue) => issue.loc.join('.')).sort();
  assert.deepEqual(locs, [
    'body.path',
    'body.responses.0.body.json.x',
    'body.responses.0.when.query.q',
    'body.responses.1.body.text',
  ]);
  assert.deepEqual(
    (await api.get<{ items: { id: string }[] }>('/routes')).body.items.map((route) => route.id),
    ['hello'],
    'nothing stored',
  );
  const schema = await api.post<{ detail: { loc: unknown[] }[] }>('/routes', { id: 'x', path: '/x', responses: [] });
  assert.equal(schema.status, 422);
  assert.deepEqual(schema.body.detail[0]?.loc, ['body', 'responses']);
  assert.equal((await api.post('/routes', { id: 'hello', path: '/other', responses: [{ id: 'a' }] })).status, 409);
});

test('routes edit, reorder, disable and duplicate; user routes come before the packs', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  assert.equal(
    ((await (await fetch(`${server.url}/health`)).json()) as { status: string }).status,
    'healthy',
    "the pack's /health",
  );
  const mine = { id: 'health', path: '/health', responses: [{ id: 'mine', body: { json: { status: 'mine' } } }] };
  // A mount made by a PUT takes its path's id; one there may be renamed, once (the second finds none to rename).
  const elsewhere = await api.put<{ detail: { loc: unknown[]; msg: string }[] }>('/routes/other', mine);
  assert.equal(elsewhere.status, 422);
  assert.deepEqual(elsewhere.body.detail[0]?.loc, ['body', 'id']);
  assert.match(elsewhere.body.detail[0]?.msg ?? '', /differs from the one in the path \("other"\)/);
  assert.equal((await api.put('/routes/health', mine)).status, 201);
  assert.equal((await api.put('/routes/health', { ...mine, id: 'renamed' })).status, 200);
  assert.equal((await api.put('/routes/health', { ...mine, id: 'again' })).status, 422, 'no second mount');
  assert.equal((await api.put('/routes/renamed', mine)).status, 200);
  assert.deepEqual(
    (await api.get<{ items: { id: string }[] }>('/routes')).body.items.map((route) => route.id),
    ['health'],
  );
  assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { status: 'mine' }, 'the user route wins');
  const copy = await api.post<{ id: string; name?: string }>('/routes/health/duplicate');
  assert.equal(copy.status, 201);
  assert.equal(copy.body.id, 'health-copy');
  await api.put('/routes/health', { ...mine, enabled: false });
  assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { status: 'mine' }, 'the copy answers now');
  const list = (await api.get<{ items: { id: string }[] }>('/routes')).body.items;
  const reordered = await api.put<{ items: { id: string }[] }>('/routes', { items: [...list].reverse() });
  assert.deepEqual(
    reordered.body.items.map((route) => route.id),
    ['health-copy', 'health'],
  );
  assert.equal((await api.delete('/routes/health-copy')).status, 204);
  assert.equal(
    ((await (await fetch(`${server.url}/health`)).json()) as { status: string }).status,
    'healthy',
    'back to the pack',
  );
  assert.equal((await api.delete('/routes/nope')).status, 404);
  // A copy is as storable as any mount: the longest name keeps its " (copy)" within the limit, a long id its suffix.
  const longest = {
    id: 'a'.repeat(100),
    name: `${'n'.repeat(192)}😀${'n'.repeat(6)}`,
    path: '/long',
    responses: [{ id: 'r', body: { json: {} } }],
  };
  assert.equal((await api.post('/routes', longest)).status, 201);
  const longCopy = await api.post<{ id: string; name: string }>(`/routes/${longest.id}/duplicate`);
  assert.equal(longCopy.status, 201);
  assert.equal(longCopy.body.name, `${'n'.repeat(192)} (copy)`, 'cut before the emoji, not through it');
  assert.equal(longCopy.body.id, 'a'.repeat(90));
  assert.equal((await api.post(`/routes/${longest.id}/duplicate`)).status, 201);
  assert.ok((await api.get(`/routes/${'a'.repeat(90)}-2`)).status === 200, 'a second copy takes the next free id');
  assert.doesNotThrow(() => decodeWorkspaceValue(server.workspace.document(), 'the saved document'));
});

test('a collection: REST generated from its records, edited from the console, saved in the workspace', async () => {
  const file = join(dir, 'collections.agui.json');
  const server = await startWorkspaceEngine(dir, file, { template: 'blank' });
  const api = controlClient(server);
  const created = await api.post('/collections', {
    id: 'books',
    path: '/books',
    schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
    records: [{ id: 1, title: 'Dune' }],
  });
  assert.equal(created.status, 201);
  const added = await fetch(`${server.url}/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Emma' }),
  });
  assert.equal(added.status, 201);
  assert.deepEqual(await added.json(), { id: 2, title: 'Emma' });
  assert.equal((await fetch(`${server.url}/books/abc`)).status, 422);
  assert.equal((await fetch(`${server.url}/books/9`)).status, 404);
  const invalid = await fetch(`${server.url}/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 3 }),
  });
  assert.equal(invalid.status, 422);

  const records = await api.get<{ items: unknown[] }>('/collections/books/records');
  assert.deepEqual(records.body.items, [
    { id: 1, title: 'Dune' },
    { id: 2, title: 'Emma' },
  ]);
  // A page of them, `total` counting all; a page past the end is empty; a bound that is not one is a 422 saying so.
  const page = await api.get<ItemsPage<unknown>>('/collections/books/records?offset=1&limit=1');
  assert.deepEqual(page.body, { items: [{ id: 2, title: 'Emma' }], total: 2 });
  assert.deepEqual((await api.get('/collections/books/records?offset=5')).body, { items: [], total: 2 });
  for (const query of ['limit=0', 'offset=-1', 'limit=abc', 'limit=100001']) {
    const refused = await api.get<{ detail: { loc: string[] }[] }>(`/collections/books/records?${query}`);
    assert.equal(refused.status, 422, query);
    assert.deepEqual(refused.body.detail[0]?.loc, ['query', query.split('=')[0]], query);
  }
  assert.equal((await api.put('/collections/books/records/1', { title: 'Dune Messiah' })).status, 200);
  assert.equal((await api.delete('/collections/books/records/2')).status, 204);
  assert.equal((await api.post('/collections/books/records', [1, 2])).status, 422, 'records are objects');
  const twins = await api.put<{ detail: { loc: unknown[] }[] }>('/collections/books/records', {
    items: [
      { id: 5, title: 'A' },
      { id: 5, title: 'B' },
    ],
  });
  assert.equal(twins.status, 422);
  assert.deepEqual(twins.body.detail[0]?.loc, ['body', 'items', 1, 'id'], 'where the list is in the request');
  assert.deepEqual(await (await fetch(`${server.url}/books`)).json(), [{ id: 1, title: 'Dune Messiah' }]);

  await server.workspace.save();
  const saved = await readJson(file);
  assert.deepEqual((saved.collections as { records: unknown[] }[])[0]?.records, [{ id: 1, title: 'Dune Messiah' }]);
});

test('a request that would make a templated answer huge is a 413, not hundreds of megabytes', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const echo = { id: 'ok', body: { text: '{{#each body.items}}{{json @root.body}}{{/each}}' } };
  assert.equal(
    (await api.post('/routes', { id: 'echo', method: 'POST', path: '/echo', responses: [echo] })).status,
    201,
  );
  const send = (body: unknown) =>
    fetch(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const small = { items: [1, 2], pad: 'x' };
  assert.equal(await (await send(small)).text(), JSON.stringify(small).repeat(2));
  const huge = await send({ items: Array.from({ length: 500 }, (_, index) => index), pad: 'x'.repeat(100_000) });
  assert.equal(huge.status, 413);
  assert.match(
    ((await huge.json()) as { detail: string }).detail,
    /^Route echo, response ok: the request makes the response too large to render: its loops wrote more than/,
  );
});

test('static folders and response files are read next to the workspace file, never outside it', async () => {
  const folder = join(dir, 'site');
  await mkdir(join(folder, 'public'), { recursive: true });
  await writeFile(join(folder, 'public', 'index.html'), '<h1>hi</h1>');
  await writeFile(join(folder, 'answer.json'), '{"from":"file"}');
  const server = await startWorkspaceEngine(folder, join(folder, 'site.agui.json'), { template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.post('/static-folders', { id: 'site', path: '/site', folder: 'public' })).status, 201);
  assert.equal(
    (
      await api.post('/routes', {
        id: 'file',
        path: '/answer',
        responses: [{ id: 'f', body: { file: 'answer.json' } }],
      })
    ).status,
    201,
  );
  const page = await fetch(`${server.url}/site/`);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await page.text(), '<h1>hi</h1>');
  assert.deepEqual(await (await fetch(`${server.url}/answer`)).json(), { from: 'file' });
  const outside = await api.post<{ detail: { loc: unknown[] }[] }>('/routes', {
    id: 'escape',
    path: '/escape',
    responses: [{ id: 'f', body: { file: '../../etc/passwd' } }],
  });
  assert.equal(outside.status, 422);
  assert.equal((await fetch(`${server.url}/site/../site.agui.json`)).status, 404);
  // A link inside the folder that leads out of it is refused like a path that climbs out.
  await symlink(join(folder, 'answer.json'), join(folder, 'public', 'escape.json'));
  const escaped = await fetch(`${server.url}/site/escape.json`);
  assert.equal(escaped.status, 403);
  assert.deepEqual(await escaped.json(), {
    detail: 'Static folder site: file "escape.json" is reached through a link out of its folder',
  });
  await writeFile(join(folder, 'public', 'inside.txt'), 'in');
  await symlink(join(folder, 'public', 'inside.txt'), join(folder, 'public', 'alias.txt'));
  assert.equal(await (await fetch(`${server.url}/site/alias.txt`)).text(), 'in', 'a link within the folder is served');

  // A mount that serves the method but passes (no such file, a condition that fails) leaves a 404, not a 405.
  const missingFile = await fetch(`${server.url}/site/nothere.txt`);
  assert.equal(missingFile.status, 404);
  assert.equal(missingFile.headers.get('allow'), null);
  assert.deepEqual(await missingFile.json(), { detail: 'Not Found' });
  const conditional = { id: 'cond', path: '/cond', responses: [{ id: 'a', when: { query: { x: '1' } } }] };
  assert.equal((await api.post('/routes', conditional)).status, 201);
  assert.equal((await fetch(`${server.url}/cond?x=1`)).status, 200);
  assert.equal((await fetch(`${server.url}/cond?x=2`)).status, 404);
  assert.equal((await fetch(`${server.url}/cond?x=2`, { method: 'HEAD' })).status, 404);
  const deleted = await fetch(`${server.url}/cond`, { method: 'DELETE' });
  assert.equal(deleted.status, 405, 'a method no mount of the path serves is still 405');
  assert.equal(deleted.headers.get('allow'), 'GET, HEAD');
  const [missed] = (await api.get<RequestLogPage>('/requests?limit=3')).body.items as RequestLogEntry[];
  assert.equal(missed?.path, '/cond');
  assert.equal(missed?.status, 405);
  const notFound = (await api.get<RequestLogPage>('/requests?limit=4')).body.items[2] as RequestLogEntry;
  assert.equal(notFound.status, 404);
  assert.equal(notFound.nearMisses[0]?.mount.id, 'cond', 'the 404 names the route that nearly answered');
});

test('packs switch live: without agora-mock its REST and /ws are gone; back, it starts from its seed', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  agoraStore(server).createUser({ email: 'temp@example.com', name: 'Temp' });
  assert.equal((await api.put('/packs', { packs: [] })).status, 200);
  assert.equal((await fetch(`${server.url}/users`)).status, 404);
  await assert.rejects(AguiSocket.open(`${server.url.replace('http', 'ws')}/ws`));
  assert.deepEqual((await api.get<ServerInfo>('/server')).body.packs, []);
  assert.equal((await api.get('/state/users')).status, 404, "the pack's console routes are gone too");
  const back = await api.put<{ items: { pack: string }[] }>('/packs', { packs: [{ pack: 'agora-mock' }] });
  assert.deepEqual(back.body.items, [{ pack: 'agora-mock', enabled: true }]);
  const users = (await (await fetch(`${server.url}/users`)).json()) as { totalCount: number };
  assert.equal(users.totalCount, 3, 'the seed, not what was there before');
  assert.equal((await api.put('/packs', { packs: [{ pack: 'nope' }] })).status, 422);
  // The packs that take over each other's data when one replaces the other: the console offers that switch.
  const { available } = (await api.get<PacksInfo>('/packs')).body;
  assert.deepEqual(
    available.map(({ name, sharesDataWith }) => [name, sharesDataWith]),
    [
      ['agora-mock', ['agora-real']],
      ['agora-real', ['agora-mock']],
    ],
  );
});

test("what the console reads of the world, and a pack switch, never copy the packs' data whole", async () => {
  // The console asks for the server's info and the packs on every change to the packs, sockets or agents: each deep
  // copy of the AGORA data (a structured clone of it all) held the engine ~0.45 s for 30 MB of recorded history.
  const server = await startTestEngine();
  const api = controlClient(server);
  const copy = AgoraStore.prototype.snapshot;
  let copies = 0;
  AgoraStore.prototype.snapshot = function (this: AgoraStore) {
    copies++;
    return copy.call(this);
  };
  try {
    assert.equal((await api.get('/server')).status, 200);
    assert.equal((await api.get('/packs')).status, 200);
    // To the variant that takes the data over and back: the data goes with the switch, as it is.
    for (const pack of ['agora-real', 'agora-mock']) {
      const switched = await api.put<PacksInfo>('/packs', { packs: [{ pack }] });
      assert.deepEqual(switched.body.items, [{ pack, enabled: true }]);
    }
    const document = await readFile('test/fixtures/openapi/fastapi-tutorial.openapi.json', 'utf8');
    assert.equal((await api.post('/routes/import-openapi', { document })).status, 200);
    // Saved as a file in another folder: the engine reads its files from there, its static folders rebased.
    await mkdir(join(dir, 'elsewhere'));
    const saved = await api.post('/workspace/save-as', { path: join(dir, 'elsewhere', 'copied.agui.json') });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(copies, 0);
  } finally {
    AgoraStore.prototype.snapshot = copy;
  }
  assert.equal(agoraStore(server).listUsers({ limit: 10, offset: 0 }).totalCount, 3, 'the seed, through both switches');
});

test('a console edit of one route leaves every other route served by the entry it had', async () => {
  // With 10,000 routes, making every entry again held the engine ~130 ms an edit (half of it garbage collected):
  // the world keeps one environment per folder, so the routes an edit leaves keep theirs. Observed by identity, as
  // the table files them.
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const filed: unknown[][] = [];
  const add = PathIndex.prototype.add;
  PathIndex.prototype.add = function (this: PathIndex<unknown>, entry, ...rest) {
    if (rest[0] === 0) filed.push([]);
    filed.at(-1)?.push(entry);
    return add.call(this, entry, ...rest);
  };
  try {
    const made = (id: string, text: string) => ({ id, path: `/${id}`, responses: [{ id: 'ok', body: { text } }] });
    for (const id of ['a', 'b', 'c']) assert.equal((await api.post('/routes', made(id, id))).status, 201);
    const byId = (entries: unknown[] = []) =>
      new Map(entries.map((entry) => [(entry as { candidate: { ref: { id: string } } }).candidate.ref.id, entry]));
    const before = byId(filed.at(-1));
    assert.equal((await api.put('/routes/b', made('b', 'changed'))).status, 200);
    const after = byId(filed.at(-1));
    assert.deepEqual([...after.keys()], ['hello', 'a', 'b', 'c']);
    for (const id of ['hello', 'a', 'c']) assert.equal(after.get(id), before.get(id), `route ${id} keeps its entry`);
    assert.notEqual(after.get('b'), before.get('b'), 'the edited route has a new one');
    assert.equal(await (await fetch(`${server.url}/b`)).text(), 'changed');
    assert.equal(await (await fetch(`${server.url}/c`)).text(), 'c');
  } finally {
    PathIndex.prototype.add = add;
  }
});

test('sockets are mounts: an agui endpoint at any path, with its own scenarios and subprotocols', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  await api.put('/scenarios/hi', {
    id: 'hi',
    name: 'Hi',
    triggers: [{ match: 'always' }],
    steps: [{ type: 'text', spoken: false, chunks: ['hi there'] }],
  });
  const created = await api.post('/sockets', {
    id: 'chat',
    path: '/chat/:room',
    subprotocols: ['ag-ui'],
    behaviour: { type: 'agui', scenarios: ['hi'] },
  });
  assert.equal(created.status, 201);
  const client = await AguiSocket.open(`${server.url.replace('http', 'ws')}/chat/lobby`, ['ag-ui']);
  assert.equal(client.protocol, 'ag-ui');
  client.ask('hello');
  await client.waitForRuns(1);
  assert.ok(client.events.some((event) => event.type === 'TEXT_MESSAGE_CONTENT' && event.delta === 'hi there'));
  const connection = server.context.registry.list().find((candidate) => candidate.path === '/chat/lobby');
  assert.deepEqual(connection?.summary().mount, { kind: 'socket', id: 'chat' });
  await client.close();
  const info = (await api.get<ServerInfo>('/server')).body;
  assert.deepEqual(
    info.endpoints.sockets.map((socket) => [socket.id, socket.url]),
    [['chat', null]],
  );

  // A second endpoint at the same path would never get a connection; a disabled one may wait there.
  const echo = { path: '/chat/:room', behaviour: { type: 'echo' } };
  const shadowed = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/sockets', { id: 'echo', ...echo });
  assert.equal(shadowed.status, 422);
  assert.deepEqual(shadowed.body.detail[0]?.loc, ['body', 'path']);
  assert.match(shadowed.body.detail[0]?.msg ?? '', /socket 'chat' already serves \/chat\/:room/);
  assert.equal((await api.post('/sockets', { id: 'echo', enabled: false, ...echo })).status, 201);
});

test('a second collection at the same path is refused: the first answers all of it', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.post('/collections', { id: 'books', path: '/books' })).status, 201);
  const twin = await api.post<{ detail: { loc: unknown[]; msg: string }[] }>('/collections', {
    id: 'more-books',
    path: '/books/',
  });
  assert.equal(twin.status, 422);
  assert.deepEqual(twin.body.detail[0]?.loc, ['body', 'path']);
  assert.match(twin.body.detail[0]?.msg ?? '', /collection 'books' already serves \/books/);
});

test('two variants of one contract never serve at once: the second would never be reached', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const both = await api.put<{ detail: { loc: unknown[]; msg: string }[] }>('/packs', {
    packs: [{ pack: 'agora-mock' }, { pack: 'agora-real' }],
  });
  assert.equal(both.status, 422);
  assert.match(
    JSON.stringify(both.body.detail),
    /pack 'agora-mock' already serves the contract agora-real is a variant of, so this one would never be reached: switch one of them off/,
  );
  assert.deepEqual((await api.get<PacksInfo>('/packs')).body.items, [{ pack: 'agora-mock', enabled: true }]);
  // Listed switched off, a variant keeps its own data until it is switched on in the other's place.
  const listed = await api.put<PacksInfo>('/packs', {
    packs: [{ pack: 'agora-mock' }, { pack: 'agora-real', enabled: false }],
  });
  assert.equal(listed.status, 200);
  const swapped = await api.put<PacksInfo>('/packs', {
    packs: [
      { pack: 'agora-mock', enabled: false },
      { pack: 'agora-real', enabled: true },
    ],
  });
  assert.equal(swapped.status, 200);
  assert.deepEqual((await api.get<ServerInfo>('/server')).body.packs, ['agora-real']);
  assert.equal((await fetch(`${server.url}/users/me`)).status, 422, "agora-real's contract: /users/me needs ?user_id=");
  // A file with both serving is refused where it says so.
  const { workspace } = decodeWorkspaceValue(server.workspace.document(), 'the document');
  const bothOn = { ...workspace, packs: workspace.packs.map((pack) => ({ ...pack, enabled: true })) };
  const file = join(await workspaceDir(), 'both-packs.agui.json');
  await writeFile(file, JSON.stringify(bothOn));
  await assert.rejects(
    startWorkspaceEngine(await workspaceDir(), file),
    /packs\.1\.enabled: pack 'agora-mock' already serves the contract agora-real is a variant of/,
  );
});

test('a collection, socket or agent is duplicated switched off, a version to switch to; routes and folders stay on', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  type Mount = { id: string; path: string; enabled?: boolean } & Record<string, unknown>;
  // Where the first enabled mount at a path answers all of it, a copy there is a version of it, not a second mount.
  const switchedOff: [string, Mount][] = [
    ['collections', { id: 'books', path: '/books', records: [{ id: 1, title: 'Dune' }] }],
    ['sockets', { id: 'echo', path: '/ws/echo', behaviour: { type: 'echo' } }],
    ['agents', { id: 'helper', path: '/helper' }],
  ];
  const stayOn: [string, Mount][] = [
    ['routes', { id: 'greeting', path: '/greeting', responses: [{ id: 'ok', body: { json: {} } }] }],
    ['static-folders', { id: 'site', path: '/site', folder: '.' }],
  ];
  for (const [url, mount] of [...switchedOff, ...stayOn]) {
    assert.equal((await api.post(`/${url}`, mount)).status, 201, url);
    const copy = await api.post<Mount>(`/${url}/${mount.id}/duplicate`);
    assert.equal(copy.status, 201, `${url}: ${JSON.stringify(copy.body)}`);
    const on = stayOn.some(([section]) => section === url);
    assert.deepEqual([copy.body.id, copy.body.path, copy.body.enabled], [`${mount.id}-copy`, mount.path, on], url);
  }
  // Switched in turn, the copy answers with what it was copied with.
  assert.equal((await api.put('/collections/books', { id: 'books', path: '/books', enabled: false })).status, 200);
  const books = (await api.get<Mount>('/collections/books-copy')).body;
  assert.equal((await api.put('/collections/books-copy', { ...books, enabled: true })).status, 200);
  assert.deepEqual(await (await fetch(`${server.url}/books/1`)).json(), { id: 1, title: 'Dune' });
});

test('OpenAPI import from the console: a FastAPI document becomes routes that answer as FastAPI does', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const document = await readFile('test/fixtures/openapi/fastapi-tutorial.openapi.json', 'utf8');
  const preview = await api.post<{ added: string[]; dryRun: boolean }>('/routes/import-openapi', {
    document,
    dryRun: true,
  });
  assert.equal(preview.status, 200);
  assert.ok(preview.body.added.length >= 4);
  assert.equal((await fetch(`${server.url}/items/abc`)).status, 404, 'a dry run changes nothing');
  const imported = await api.post<{ added: string[]; kept: string[] }>('/routes/import-openapi', { document });
  assert.deepEqual(imported.body.kept, ['hello']);
  const wrong = await fetch(`${server.url}/items/abc`);
  assert.equal(wrong.status, 422);
  assert.equal(((await wrong.json()) as { detail: { type: string }[] }).detail[0]?.type, 'int_parsing');
  const created = await fetch(`${server.url}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Foo' }),
  });
  assert.equal(created.status, 201);
  const bad = await api.post<{ detail: string }>('/routes/import-openapi', { document: 'openapi: [' });
  assert.equal(bad.status, 422);
  assert.match(bad.body.detail, /cannot be imported/);
});

test('an OpenAPI dry run fails where the import would: past the most routes a workspace holds', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const before = (await api.get<unknown[]>('/routes')).body;
  // 10,000 operations beside the blank template's example route: one more than a workspace holds.
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) paths[`/r${i}`] = { get: { responses: { 204: { description: 'none' } } } };
  const document = JSON.stringify({ openapi: '3.1.0', info: { title: 'big', version: '1' }, paths });
  for (const dryRun of [true, false]) {
    const refused = await api.post<{ detail: string }>('/routes/import-openapi', { document, dryRun });
    assert.equal(refused.status, 422, `dryRun: ${dryRun}`);
    assert.match(refused.body.detail, /cannot be served: routes: a workspace holds at most 10000/);
  }
  assert.deepEqual((await api.get<unknown[]>('/routes')).body, before);
});

test('OpenAPI import warns of routes it shadows or is shadowed by, and of a route replaced by another path', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const mine = {
    id: 'get-user',
    method: 'GET',
    path: '/people/:id',
    responses: [{ id: 'ok', body: { json: 'mine' } }],
  };
  const hand = { id: 'list', method: 'GET', path: '/things', responses: [{ id: 'ok', body: { json: 'hand' } }] };
  // Disabled: not served, so the imported /widgets is not shadowed by it.
  const off = { ...hand, id: 'old-widgets', path: '/widgets', enabled: false };
  for (const route of [mine, hand, off]) assert.equal((await api.post('/routes', route)).status, 201);
  const ok = { '200': { description: 'ok' } };
  const document = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/users/{id}': { get: { operationId: 'getUser', responses: ok } },
      '/things/': { get: { operationId: 'things', responses: ok } },
      '/items': { get: { operationId: 'items', responses: ok } },
      '/items/': { get: { operationId: 'itemsSlash', responses: ok } },
      '/widgets': { get: { operationId: 'widgets', responses: ok } },
    },
  });
  const imported = await api.post<{ warnings: string[]; replaced: string[] }>('/routes/import-openapi', { document });
  assert.equal(imported.status, 200);
  assert.deepEqual(imported.body.replaced, ['get-user']);
  // Before: all three said nothing; the hand-written /people/:id went silently, two imported routes never answered.
  assert.deepEqual(imported.body.warnings, [
    'route get-user (GET /people/:id) is replaced by the operation of the same id (GET /users/:id)',
    'route things (GET /things/) answers nothing while route list (GET /things) comes first with the same method and path',
    'route items-slash (GET /items/) answers nothing while route items (GET /items) comes first with the same method and path',
  ]);
});
