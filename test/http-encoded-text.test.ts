import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ItemsPage } from '../src/shared/control-api';
import type { RouteInput } from '../src/shared/mounts/route';
import type { RequestLogEntry } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const port = Number(new URL(server.url).port);
const get = (path: string) => rawHttp(port, [`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);

async function addRoute(route: RouteInput): Promise<void> {
  const added = await api.post('/routes', route);
  assert.equal(added.status, 201, JSON.stringify(added.body));
}

async function logged(path: string): Promise<RequestLogEntry> {
  const { body } = await api.get<ItemsPage<RequestLogEntry>>('/requests');
  const entry = body.items.find((item) => item.path === path);
  assert.ok(entry, `${path} is logged`);
  return entry;
}

test('literal path text a client must encode matches as sent, hex in either case; ASCII routes are unaffected', async () => {
  await addRoute({ id: 'u', path: '/ünï/😀/:x', responses: [{ id: 'a', body: { json: { x: '{{params.x}}' } } }] });
  await addRoute({ id: 'space', path: '/a b|c/:id', responses: [{ id: 'a', body: { json: '{{params.id}}' } }] });
  await addRoute({ id: 'plain', path: '/plain/:id', responses: [{ id: 'a', body: { json: '{{params.id}}' } }] });

  // fetch sends /%C3%BCn%C3%AF/%F0%9F%98%80/x%20%C3%A9, upper-case hex.
  const encoded = await fetch(`${server.url}/ünï/😀/x é`);
  assert.equal(encoded.status, 200);
  assert.deepEqual(await encoded.json(), { x: 'x é' });
  const lower = await get('/%c3%bcn%c3%af/%f0%9f%98%80/%c3%a9');
  assert.equal(lower.status, 200, lower.body);
  assert.deepEqual(JSON.parse(lower.body), { x: 'é' });

  // fetch encodes the space and leaves `|` as it is; other clients encode both.
  assert.deepEqual(await (await fetch(`${server.url}/a b|c/7`)).json(), '7');
  assert.equal((await get('/a%20b%7cc/8')).body, '"8"');
  assert.equal((await get('/a%2520b%7Cc/9')).status, 404, 'an encoded % is no space');

  assert.deepEqual(await (await fetch(`${server.url}/plain/1`)).json(), '1');
  assert.equal((await fetch(`${server.url}/Plain/1`)).status, 404, 'still case-sensitive');

  // A near miss reads the request's segment as people do.
  assert.equal((await fetch(`${server.url}/ünx/😀/x`)).status, 404);
  const miss = (await logged('/%C3%BCnx/%F0%9F%98%80/x')).nearMisses.find((near) => near.mount.id === 'u');
  assert.deepEqual(
    miss?.reasons.map((reason) => reason.message),
    ['path segment 1: expected "ünï", got "ünx"'],
  );
});

test('escapes of characters a path carries as they are match them, as Starlette decodes a path before routing', async () => {
  await addRoute({ id: 'only', path: '/getonly', responses: [{ id: 'a', body: { json: 'only' } }] });
  await addRoute({ id: 'batch', path: '/v1:batch/:id', responses: [{ id: 'a', body: { json: '{{params.id}}' } }] });
  await addRoute({ id: 'star', path: '/s\\(x\\)/q/\\*', responses: [{ id: 'a', body: { json: 'star' } }] });
  await addRoute({ id: 'slash', path: '/one/two', responses: [{ id: 'a', body: { json: 'two' } }] });
  await addRoute({ id: 'percent', path: '/100%/done', responses: [{ id: 'a', body: { json: 'done' } }] });

  assert.equal((await get('/get%6Fnly')).body, '"only"');
  assert.equal((await get('/get%6fnly/')).body, '"only"', 'hex in either case, a trailing slash tolerated');
  assert.equal((await get('/v1%3Abatch/3')).body, '"3"', 'encodeURIComponent writes : as %3A');
  assert.equal((await get('/v1%3abatch/a%3Ab')).body, '"a:b"');
  assert.equal((await get('/s%28x%29/q/%2A')).body, '"star"');
  // A slash escaped is no separator, and an escaped % starts no escape: neither is decoded.
  assert.equal((await get('/one%2Ftwo')).status, 404);
  assert.equal((await get('/100%25/done')).body, '"done"', 'a literal % is sent escaped');
  assert.equal((await get('/100%2525/done')).status, 404);
  // What the log keeps is the path as sent.
  assert.equal((await logged('/get%6Fnly')).answeredBy?.id, 'only');
});

test('an OpenAPI path with text outside ASCII is answered once imported', async () => {
  const document = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'Ünicode', version: '1' },
    paths: { '/grüße/{id}': { get: { responses: { '200': { description: 'ok' } } } } },
  });
  const imported = await api.post<{ added: string[] }>('/routes/import-openapi', { document });
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.equal(imported.body.added.length, 1);
  assert.equal((await fetch(`${server.url}/grüße/5`)).status, 200);
});

test('a header value outside Latin-1 is sent as UTF-8; one the request would break is a 400 naming the header', async () => {
  await addRoute({ id: 'h', path: '/echo-header', responses: [{ id: 'echo', headers: { 'X-Echo': '{{query.v}}' } }] });
  // raw-http reads the header bytes as UTF-8, as clients do.
  const sent = await get('/echo-header?v=%E2%9C%93%20%F0%9F%98%80');
  assert.equal(sent.status, 200, sent.body);
  assert.equal(sent.headers['x-echo'], '✓ 😀');
  // Latin-1 text stays one byte a character, as before; a route's own text goes as UTF-8 like the request's.
  assert.equal((await fetch(`${server.url}/echo-header?v=%C3%A9`)).headers.get('x-echo'), 'é');
  await addRoute({ id: 'static', path: '/static-header', responses: [{ id: 'a', headers: { 'X-Static': 'ünï ✓' } }] });
  assert.equal((await get('/static-header')).headers['x-static'], 'ünï ✓');

  const injected = await fetch(`${server.url}/echo-header?v=${encodeURIComponent('a\r\nSet-Cookie: x=1')}`);
  assert.equal(injected.status, 400);
  assert.equal(injected.headers.get('set-cookie'), null);
  const detail =
    'Route h, response echo: header X-Echo cannot carry the value this request gives it: it would contain a line ' +
    'break (U+000D); send the value without control characters';
  assert.deepEqual(await injected.json(), { detail });
  const nul = await fetch(`${server.url}/echo-header?v=%00`);
  assert.equal(nul.status, 400);
  assert.match(((await nul.json()) as { detail: string }).detail, /contain a control character \(U\+0000\)/);

  // The log shows the route's answer: the 400 and why, without the header it could not send.
  const entry = await logged('/echo-header');
  assert.equal(entry.query, 'v=%00');
  assert.equal(entry.status, 400);
  assert.deepEqual(entry.answeredBy, { kind: 'route', id: 'h', responseId: 'echo' });
  assert.equal(entry.responseHeaders['x-echo'], undefined);
  assert.match(JSON.parse(entry.responseBody?.text ?? '{}').detail, /header X-Echo cannot carry/);

  // A line break in the route's own text is the route's to fix, refused when stored.
  const refused = await api.post<{ detail: string }>('/routes', {
    id: 'bad',
    path: '/bad',
    responses: [{ id: 'a', headers: { 'X-Bad': 'a\n{{query.v}}' } }],
  });
  assert.equal(refused.status, 422);
  assert.match(JSON.stringify(refused.body), /X-Bad.*not a valid header value/);
});
