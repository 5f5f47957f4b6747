import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openApiRoutes } from '../src/server/openapi/openapi-routes-import';
import type { OpenApiImportResult } from '../src/shared/control-api';
import type { Route } from '../src/shared/mounts/route';
import type { RequestLogPage, RequestSummary } from '../src/shared/request-log';
import { buildCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// OpenAPI matches concrete paths before templated ones, whatever their order in the document; the engine tries
// routes in table order, so the import puts a route whose path another matches too before that one.

// The engine imports on the npm package's build of the worker (out/lib/).
before(() => buildCli());
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
after(() => server.close());

/** A real document that lists `/anything/{id}/{action}` (action: lists or statistics) before `/anything/{id}/override`. */
const COMMON = readFileSync('test/fixtures/openapi/oas-examples/parameters-common.json', 'utf8');

async function importDocument(document: string, replaceAll = false): Promise<OpenApiImportResult> {
  const imported = await api.post<OpenApiImportResult>('/routes/import-openapi', { document, replaceAll });
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  return imported.body;
}

/** The status of `GET path`, and the route the request log says answered it. */
async function answer(path: string): Promise<{ status: number; route: string | undefined }> {
  const response = await fetch(`${server.url}${path}`);
  await response.arrayBuffer();
  let entry: RequestSummary | undefined;
  await eventually(async () => {
    const log = await api.get<RequestLogPage>(`/requests?path=${encodeURIComponent(path)}&limit=1&view=summary`);
    entry = log.body.items[0];
    return entry !== undefined;
  }, `the request log's entry for ${path}`);
  return { status: response.status, route: entry?.answeredBy?.id };
}

const routeList = async () => (await api.get<{ items: Route[] }>('/routes')).body.items;
const routeIds = async () => (await routeList()).map((route) => route.id);

test('a concrete path listed after a templated one that matches it gets its own requests', async () => {
  await importDocument(COMMON, true);
  assert.deepEqual(await answer('/anything/5/override'), { status: 200, route: 'get-anything-id-override' });
  // The templated path still answers the rest, and validates them as documented.
  assert.deepEqual(await answer('/anything/5/lists'), { status: 200, route: 'get-anything-id-action' });
  assert.equal((await answer('/anything/5/other')).status, 422);
  const ids = await routeIds();
  assert.ok(
    ids.indexOf('get-anything-id-override') < ids.indexOf('get-anything-id-action'),
    `the concrete path comes first: ${ids.join(', ')}`,
  );
});

test('the import keeps the document’s order where no path matches another’s', async () => {
  const { routes } = await openApiRoutes({ text: COMMON }, { maxJsonDepth: 64 });
  assert.deepEqual(
    routes.map((route) => `${route.method} ${route.path}`),
    [
      'GET /anything/:id',
      'POST /anything/:id',
      'GET /anything/:id/override',
      'GET /anything/:id/:action',
      'GET /anything/:id/:action/:id',
    ],
  );
});

test('imported again with a new concrete path, the new route goes before the templated one it would be lost behind', async () => {
  const document = JSON.parse(COMMON) as { paths: Record<string, unknown> };
  const { '/anything/{id}/override': override, ...others } = document.paths;
  await importDocument(JSON.stringify({ ...document, paths: others }), true);
  assert.equal((await answer('/anything/6/override')).status, 422);
  const merged = await importDocument(COMMON);
  assert.deepEqual(merged.added, ['get-anything-id-override']);
  assert.deepEqual(await answer('/anything/7/override'), { status: 200, route: 'get-anything-id-override' });
});

test('an imported route already behind one whose path matches every path it does is named in a warning', async () => {
  // A hand-written catch-all before the document's routes: kept where it is, and the route it hides is named.
  await importDocument(COMMON, true);
  const catchAll = { id: 'catch-all', method: 'GET', path: '/anything/:id/:what', responses: [{ id: 'ok' }] };
  assert.equal((await api.put('/routes', { items: [catchAll, ...(await routeList())] })).status, 200);
  const again = await importDocument(COMMON);
  assert.ok(
    again.warnings.includes(
      'route get-anything-id-override (GET /anything/:id/override) answers nothing while route catch-all (GET /anything/:id/:what) comes first: its path matches every path this one does (a parameter matches any segment), and the first that matches answers; move get-anything-id-override before it',
    ),
    again.warnings.join('\n'),
  );
});

test('a HEAD route before a GET one of the same or a wider path leaves it its GETs: no warning, no reordering', async () => {
  const ok = (id: string) => ({
    operationId: id,
    responses: { '200': { description: 'ok', content: { 'application/json': { example: { id } } } } },
  });
  const document = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'HEAD before GET', version: '1' },
    paths: {
      '/x': { head: ok('head-x'), get: ok('get-x') },
      '/x/{id}': { head: ok('head-x-id') },
      '/x/me': { get: ok('get-x-me') },
    },
  });
  const imported = await importDocument(document, true);
  assert.deepEqual(imported.warnings, []);
  assert.deepEqual(await answer('/x'), { status: 200, route: 'get-x' });
  assert.deepEqual(await answer('/x/me'), { status: 200, route: 'get-x-me' });
  const { routes } = await openApiRoutes({ text: document }, { maxJsonDepth: 64 });
  assert.deepEqual(
    routes.map((route) => route.id),
    ['head-x', 'get-x', 'head-x-id', 'get-x-me'],
  );
  // Merged in again, each replaced where it stands: still no warning.
  assert.deepEqual((await importDocument(document)).warnings, []);
});

test('a GET route before a HEAD one of the same path, and an ANY route before any, are still named in a warning', async () => {
  const ok = (id: string) => ({ operationId: id, responses: { '200': { description: 'ok' } } });
  const document = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'GET before HEAD', version: '1' },
    paths: { '/y': { get: ok('get-y'), head: ok('head-y') } },
  });
  await importDocument(document, true);
  const anyRoute = { id: 'any-y', method: 'ANY', path: '/y', responses: [{ id: 'ok' }] };
  const own = await routeList();
  assert.equal((await api.put('/routes', { items: [anyRoute, ...own] })).status, 200);
  const again = await importDocument(document);
  assert.deepEqual(again.warnings, [
    'route get-y (GET /y) answers nothing while route any-y (ANY /y) comes first with the same path, and answers GET too',
    'route head-y (HEAD /y) answers nothing while route any-y (ANY /y) comes first with the same path, and answers HEAD too',
  ]);
  assert.equal((await api.put('/routes', { items: own })).status, 200);
  assert.deepEqual((await importDocument(document)).warnings, [
    'route head-y (HEAD /y) answers nothing while route get-y (GET /y) comes first with the same path, and answers HEAD too',
  ]);
});

test('a route that answers only under a condition hides none after it: no warning, no reordering', async () => {
  const ok = (id: string) => ({ operationId: id, responses: { '200': { description: 'ok' } } });
  const document = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'after conditional routes', version: '1' },
    paths: { '/z': { get: ok('get-z') }, '/z/me': { get: ok('get-z-me') } },
  });
  const onlyHand = (text: string) => [{ id: 'hand', when: { query: { mode: 'hand' } }, body: { text } }];
  const handZ = { id: 'hand-z', method: 'GET', path: '/z', responses: onlyHand('hand-z') };
  const handZId = { id: 'hand-z-id', method: 'GET', path: '/z/:id', responses: onlyHand('hand-z-id') };
  assert.equal((await api.put('/routes', { items: [handZ, handZId] })).status, 200);
  const imported = await importDocument(document);
  assert.deepEqual(imported.warnings, []);
  // Added at the end: before hand-z-id, the new /z/me would take the requests it answers.
  assert.deepEqual(await routeIds(), ['hand-z', 'hand-z-id', 'get-z', 'get-z-me']);
  assert.deepEqual(await answer('/z'), { status: 200, route: 'get-z' });
  assert.deepEqual(await answer('/z/me'), { status: 200, route: 'get-z-me' });
  const byHand = async (path: string) => (await fetch(`${server.url}${path}?mode=hand`)).text();
  assert.equal(await byHand('/z'), 'hand-z');
  assert.equal(await byHand('/z/me'), 'hand-z-id');
  // One response without a condition (or with a `when` that names none), wherever it is in the list, answers every
  // request: that route hides. The imported routes stay after them, as importing again replaces them where they stand.
  const otherwise = { 'hand-z': { id: 'otherwise' }, 'hand-z-id': { id: 'otherwise', when: { query: {} } } };
  const hiding = (await routeList()).map((route) => {
    const added = otherwise[route.id as keyof typeof otherwise];
    return added ? { ...route, responses: [...route.responses, added] } : route;
  });
  assert.equal((await api.put('/routes', { items: hiding })).status, 200);
  assert.deepEqual((await importDocument(document)).warnings, [
    'route get-z (GET /z) answers nothing while route hand-z (GET /z) comes first with the same method and path',
    'route get-z-me (GET /z/me) answers nothing while route hand-z-id (GET /z/:id) comes first: its path matches every path this one does (a parameter matches any segment), and the first that matches answers; move get-z-me before it',
  ]);
});
