import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { COLLECTION_DATA_MAX_BYTES } from '../src/server/routes/collections/collection-budget';
import { CollectionStore } from '../src/server/routes/collections/collection-store';
import { MountValidationError } from '../src/server/world/mount-validation-error';
import { type Collection, CollectionSchema } from '../src/shared/mounts/collection';
import type { RouteInput } from '../src/shared/mounts/route';
import { runCommand } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// What a frontend team meets while it edits its mock as it goes (console, control API, a test's setup): an edit to
// one mount must not change what another does — a route's `{{counter}}` and `sequential` position carry on — and a
// mount that could never be reached is refused as such, for agents as for sockets and collections.

const server = await startTestEngine({ template: 'generic' });
const api = controlClient(server);

const orders: RouteInput = {
  id: 'create-order',
  method: 'POST',
  path: '/shop/orders',
  responses: [{ id: 'created', status: 201, body: { json: { id: '{{counter}}', shared: '{{counter "ids"}}' } } }],
};
const flaky: RouteInput = {
  id: 'flaky',
  path: '/shop/flaky',
  responseMode: 'sequential',
  responses: [
    { id: 'fail', status: 503, body: { json: { detail: 'try again' } } },
    { id: 'ok', body: { json: { ok: true } } },
  ],
};

async function call(method: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, { method });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A client's write to the mocked API: a JSON body. */
async function send(method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test("adding, editing or deleting another mount keeps a route's counters and its sequential position", async () => {
  for (const route of [orders, flaky]) assert.equal((await api.post('/routes', route)).status, 201, route.id);
  assert.deepEqual((await call('POST', '/shop/orders')).body, { id: 1, shared: 1 });
  assert.equal((await call('GET', '/shop/flaky')).status, 503);

  const other: RouteInput = { id: 'other', path: '/shop/other', responses: [{ id: 'ok' }] };
  assert.equal((await api.post('/routes', other)).status, 201);
  assert.deepEqual((await call('POST', '/shop/orders')).body, { id: 2, shared: 2 });
  assert.equal((await call('GET', '/shop/flaky')).status, 200, 'the sequence goes on: the second answer');

  const books = { id: 'books', path: '/shop/books', records: [] };
  assert.equal((await api.post('/collections', books)).status, 201);
  assert.equal((await api.delete('/routes/other')).status, 204);
  assert.deepEqual((await call('POST', '/shop/orders')).body, { id: 3, shared: 3 });
  assert.equal((await call('GET', '/shop/flaky')).status, 503, 'round the list: the first answer again');

  // Editing the route itself starts its sequence over (its responses may have changed); counters count on.
  assert.equal((await api.put('/routes/flaky', { ...flaky, name: 'Flaky' })).status, 200);
  assert.equal((await call('GET', '/shop/flaky')).status, 503);
  assert.deepEqual((await call('POST', '/shop/orders')).body, { id: 4, shared: 4 });
});

test("an edit of the routes or static folders, or of a collection's name, switch or path, serves the collections as they are: not read again, nothing lost", async () => {
  const notes = { id: 'notes', path: '/shop/notes', records: [{ id: 1, text: 'first' }] };
  assert.equal((await api.post('/collections', notes)).status, 201);
  const store = server.context.world.collection('notes');
  const written = await fetch(`${server.url}/shop/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'a client wrote this' }),
  });
  assert.equal(written.status, 201);

  assert.equal(
    (await api.post('/routes', { id: 'r-keep', path: '/shop/keep', responses: [{ id: 'ok' }] })).status,
    201,
  );
  assert.equal((await api.post('/static-folders', { id: 'assets', path: '/shop/assets', folder: '.' })).status, 201);
  assert.equal((await api.delete('/routes/r-keep')).status, 204);
  // The same store (its records not checked and indexed again, the client's write in it), still served.
  assert.equal(server.context.world.collection('notes'), store);
  const listed = (await call('GET', '/shop/notes')).body as { text: string }[];
  assert.deepEqual(
    listed.map((note) => note.text),
    ['first', 'a client wrote this'],
  );

  // Its name, switch and path are the mount's: edited, the store stays as it is, served where and when they say.
  assert.equal((await api.put('/collections/notes', { ...notes, name: 'Notes', records: listed })).status, 200);
  assert.equal((await api.put('/collections/notes', { ...notes, enabled: false, records: listed })).status, 200);
  assert.equal((await call('GET', '/shop/notes')).status, 404);
  const moved = { ...notes, path: '/shop/memos', records: listed };
  assert.equal((await api.put('/collections/notes', moved)).status, 200);
  assert.equal(server.context.world.collection('notes'), store);
  assert.equal((await call('GET', '/shop/notes')).status, 404);
  assert.equal(((await call('GET', '/shop/memos')).body as unknown[]).length, 2);
  // What its records are checked against is the store's: a schema compiles it again from the records it holds.
  const schema = { type: 'object', properties: { text: { type: 'string' } } };
  assert.equal((await api.put('/collections/notes', { ...moved, schema })).status, 200);
  assert.notEqual(server.context.world.collection('notes'), store);
  assert.equal(((await call('GET', '/shop/memos')).body as unknown[]).length, 2);
  assert.equal((await api.delete('/static-folders/assets')).status, 204);
  assert.equal((await api.delete('/collections/notes')).status, 204);
});

test("an edit of another collection keeps a collection's store: the records clients wrote, the ids it gives next", async () => {
  const tasks = { id: 'tasks', path: '/shop/tasks', records: [{ id: 1, title: 'seeded' }] };
  assert.equal((await api.post('/collections', tasks)).status, 201);
  const store = server.context.world.collection('tasks');
  for (const title of ['written', 'deleted']) assert.equal((await send('POST', '/shop/tasks', { title })).status, 201);
  assert.equal((await call('DELETE', '/shop/tasks/3')).status, 204);

  const labels = { id: 'labels', path: '/shop/labels', records: [{ id: 1 }] };
  assert.equal((await api.post('/collections', labels)).status, 201);
  assert.equal((await api.put('/collections/labels', { ...labels, name: 'Labels', idField: 'id' })).status, 200);
  // The whole section sent back as listed (the console reorders so): the same records, read again from JSON.
  const listed = await api.get<{ items: { id: string }[] }>('/collections');
  assert.equal((await api.put('/collections', { items: [...listed.body.items].reverse() })).status, 200);
  // Another collection at its path, enabled, would never be reached: refused, the collection served as it was.
  assert.equal((await api.post('/collections', { id: 'tasks-2', path: '/shop/tasks/' })).status, 422);
  assert.equal((await api.delete('/collections/labels')).status, 204);

  assert.equal(server.context.world.collection('tasks'), store, 'the same store: its records not checked again');
  const served = (await call('GET', '/shop/tasks')).body as { id: number; title: string }[];
  assert.deepEqual(
    served.map((task) => [task.id, task.title]),
    [
      [1, 'seeded'],
      [2, 'written'],
    ],
  );
  // Its next id carries on past the one deleted, as between any two writes (compiled again, it would give 3 again).
  assert.equal(((await send('POST', '/shop/tasks', { title: 'next' })).body as { id: number }).id, 4);
  assert.equal((await api.delete('/collections/tasks')).status, 204);
});

test('a refused edit of the collections leaves their stores and their room as they were; a removed one frees its room', async () => {
  const { world } = server.context;
  const current = () => world.definitions().collections;
  // One record that fills the room all collections share to within 500 kB.
  const filler = { id: 1, text: 'x'.repeat(COLLECTION_DATA_MAX_BYTES - 500_000) };
  const full = CollectionSchema.parse({ id: 'full', path: '/shop/full', records: [filler] });
  const memos = CollectionSchema.parse({ id: 'memos', path: '/shop/memos', records: [{ id: 1 }] });
  world.replaceSection('collections', [...current(), full, memos]);
  const storesNow = () => current().map(({ id }) => world.collection(id));
  const stores = storesNow();
  const memoStore = world.collection('memos');
  const fits = { text: 'y'.repeat(10_000) };
  const tooLarge = { text: 'z'.repeat(600_000) };
  assert.equal((await send('POST', '/shop/memos', tooLarge)).status, 413);

  const refusals: Collection[][] = [
    // A new collection whose schema does not compile.
    [...current(), CollectionSchema.parse({ id: 'bad', path: '/shop/bad', schema: { type: 'nonsense' } })],
    // A changed collection with a record its id type refuses.
    current().map((collection) =>
      collection.id === 'memos' ? { ...collection, records: [...collection.records, { id: 'x' }] } : collection,
    ),
  ];
  for (const refused of refusals)
    assert.throws(() => world.replaceSection('collections', refused), MountValidationError);
  assert.ok(
    storesNow().every((store, index) => store === stores[index]),
    'every store as it was',
  );
  assert.equal((await send('POST', '/shop/memos', tooLarge)).status, 413, 'what did not fit still does not');
  assert.equal((await send('POST', '/shop/memos', fits)).status, 201, 'what fitted still fits');

  // One room still, the one served: what one collection deletes, another may write.
  assert.equal((await call('DELETE', '/shop/full/1')).status, 204);
  assert.equal((await send('POST', '/shop/memos', tooLarge)).status, 201);

  // The filler back, by an edit of its collection alone: compiled again into the room the kept memos are counted in.
  world.replaceSection(
    'collections',
    current().map((collection) => (collection.id === 'full' ? full : collection)),
  );
  assert.equal(world.collection('memos'), memoStore);
  assert.notEqual(world.collection('full'), stores[current().findIndex(({ id }) => id === 'full')]);
  assert.equal((await send('POST', '/shop/memos', fits)).status, 413);

  // Removed, the filler leaves the room it took.
  world.replaceSection(
    'collections',
    current().filter((collection) => collection.id !== 'full'),
  );
  assert.equal(world.collection('memos'), memoStore);
  assert.equal(world.collection('full'), undefined);
  assert.equal((await send('POST', '/shop/memos', tooLarge)).status, 201);
  assert.equal((await api.delete('/collections/memos')).status, 204);
});

test("an OpenAPI import's dry run checks the routes against the mounts served: a collection's records are not checked again", async () => {
  const records = Array.from({ length: 3 }, (_, index) => ({ id: index + 1 }));
  assert.equal((await api.post('/collections', { id: 'stock', path: '/shop/stock', records })).status, 201);
  const store = server.context.world.collection('stock');
  const checked: unknown[] = [];
  const checkAll = CollectionStore.prototype.checkAll;
  CollectionStore.prototype.checkAll = function (this: CollectionStore, ...args) {
    checked.push(this.id);
    return checkAll.apply(this, args);
  };
  try {
    const document = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'dry', version: '1' },
      paths: { '/shop/dry': { get: { operationId: 'dry', responses: { 200: { description: 'ok' } } } } },
    });
    const dry = await api.post('/routes/import-openapi', { document, dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body).slice(0, 300));
  } finally {
    CollectionStore.prototype.checkAll = checkAll;
  }
  assert.deepEqual(checked, [], 'no collection compiled again');
  assert.equal(server.context.world.collection('stock'), store);
  assert.equal(((await call('GET', '/shop/stock')).body as unknown[]).length, 3);
  assert.equal((await api.delete('/collections/stock')).status, 204);
});

test('a second enabled agent at a path an agent already serves is refused, naming the first', async () => {
  const refused = await api.post<{ detail: { type: string; loc: unknown[]; msg: string }[] }>('/agents', {
    id: 'second',
    path: '/agent',
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'path']);
  assert.match(
    refused.body.detail[0]?.msg ?? '',
    /agent 'agent' already serves \/agent, so this one would never be reached/,
  );
  const listed = await api.get<{ items: { id: string }[] }>('/agents');
  assert.deepEqual(
    listed.body.items.map((agent) => agent.id),
    ['agent'],
  );
  // Disabled, it may wait there (a version switched in turn), as a socket or a collection may.
  assert.equal((await api.post('/agents', { id: 'second', path: '/agent', enabled: false })).status, 201);
});

test('agui-mock validate names the agent that could never be reached', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'agents-shadowed-'));
  after(() => rm(folder, { recursive: true, force: true }));
  const file = join(folder, 'mock.agui.json');
  await writeFile(
    file,
    JSON.stringify({
      version: 2,
      name: 'mock',
      agents: [
        { id: 'support', path: '/api/agent' },
        { id: 'sales', path: '/api/agent' },
      ],
    }),
  );
  // From source, as the brief's `node --import tsx src/cli/agui-mock.ts validate` runs it (no build needed).
  const cli = runCommand(process.execPath, ['--import', 'tsx', 'src/cli/agui-mock.ts', 'validate', file]);
  assert.equal((await cli.exited()).code, 1);
  assert.match(
    cli.stderr(),
    /agents\.1\.path: agent 'support' already serves \/api\/agent, so this one would never be reached/,
  );
});
