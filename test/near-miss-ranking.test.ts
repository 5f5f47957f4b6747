import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { NearMiss } from '../src/shared/mounts/match-report';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Near misses rank mounts as a person would: shared leading segments and similar spellings make a mount close, a
// mount with nothing in common is not suggested, and a static folder or a wildcard is not close for matching anything.
// A real engine on a real port; the near misses read from the request log through the control API.

const dir = await workspaceDir();
await mkdir(join(dir, 'public'));
await writeFile(join(dir, 'public', 'readme.txt'), 'hello');
const server = await startWorkspaceEngine(dir, join(dir, 'garden.agui.json'), { template: 'blank' });
const api = controlClient(server);
for (const route of [
  { id: 'orders', path: '/api/orders', responses: [{ id: 'ok', body: { json: [] } }] },
  { id: 'user', path: '/api/users/:id', responses: [{ id: 'ok', body: { json: {} } }] },
  { id: 'health', path: '/health', responses: [{ id: 'ok', body: { json: 'ok' } }] },
]) {
  assert.equal((await api.post('/routes', route)).status, 201);
}
assert.equal((await api.post('/collections', { id: 'plants', path: '/api/plants' })).status, 201);
assert.equal((await api.post('/static-folders', { id: 'files', path: '/files', folder: 'public' })).status, 201);

/** The near misses the request log kept for a request that ended 404. */
async function missesFor(path: string): Promise<NearMiss[]> {
  const response = await fetch(`${server.url}${path}`);
  assert.equal(response.status, 404, path);
  const [entry] = (await api.get<RequestLogPage>('/requests?limit=1')).body.items as RequestLogEntry[];
  assert.equal(entry?.path, path);
  return entry?.nearMisses ?? [];
}

const shown = (misses: NearMiss[]) => misses.map((miss) => `${miss.mount.kind}:${miss.mount.id} ${miss.path}`);

test("a static folder is not suggested for a path it shares nothing with; the mount that shares /api and a typo'd segment comes first", async () => {
  const misses = await missesFor('/api/gardens/1/plantz/x');
  assert.deepEqual(
    shown(misses),
    ['collection:plants /api/plants/:id', 'route:orders /api/orders', 'route:user /api/users/:id'],
    'the /api mounts, the one spelled alike first; not /files/* (nothing in common)',
  );
  assert.deepEqual(
    misses[0]?.reasons.map((reason) => reason.message),
    ['path: 2 segments too many ("/gardens/1")', 'path segment 4: expected "plants", got "plantz"'],
  );
});

test('a request that shares its first segment with mounts is shown them', async () => {
  const misses = await missesFor('/api/zzz');
  assert.deepEqual(
    shown(misses),
    ['route:user /api/users/:id', 'collection:plants /api/plants/:id', 'route:orders /api/orders'],
    'the mounts under /api (not /health, not /files/*)',
  );
  assert.deepEqual(
    misses.map((miss) => miss.reasons.map((reason) => reason.message)),
    [
      ['path: 1 segment missing ("/users")'],
      ['path: 1 segment missing ("/plants")'],
      ['path segment 2: expected "orders", got "zzz"'],
    ],
  );
});

test('a wildcard matches anything: a static folder is no near miss of a long path it shares nothing with', async () => {
  assert.deepEqual(shown(await missesFor('/downloads/a/b/c/d/e/f/g')), []);
});

test('a base path too many or missing is told as such, the mount that has the rest first', async () => {
  const [extra] = await missesFor('/v2/api/plants');
  assert.equal(extra?.path, '/api/plants');
  assert.deepEqual(
    extra?.reasons.map((reason) => reason.message),
    ['path: 1 segment too many ("/v2")'],
  );
  const [missing] = await missesFor('/plants/7');
  assert.equal(missing?.path, '/api/plants/:id');
  assert.deepEqual(
    missing?.reasons.map((reason) => reason.message),
    ['path: 1 segment missing ("/api")'],
  );
});

test('a path too deep to compare costs no alignment: only mounts it matches are explained', async () => {
  const deep = `/api/${Array.from({ length: 40 }, (_, index) => `s${index}`).join('/')}`;
  assert.deepEqual(shown(await missesFor(deep)), [], 'no pattern compared with a path of 41 segments');
  const inFolder = await missesFor(`/files/${Array.from({ length: 40 }, () => 'x').join('/')}`);
  assert.deepEqual(shown(inFolder), ['static:files /files/*']);
  assert.equal(inFolder[0]?.distance, 0.1);
  assert.match(inFolder[0]?.reasons[0]?.message ?? '', /^no file for /);
});
