import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// What a route answered is in the request log as the text it sent, as control-api.md says ("the JSON as it arrived
// or went out"), so the console shows it and "Create route from this request" copies it: not as "<15 bytes of
// binary data>".

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

const lastEntry = async () => ((await api.get<RequestLogPage>('/requests?limit=1')).body.items as RequestLogEntry[])[0];

test("a route's JSON and text bodies are logged as the text it sent", async () => {
  const routes = [
    { id: 'status', path: '/status', responses: [{ id: 'ok', body: { json: { status: 'ok', id: '{{query.id}}' } } }] },
    { id: 'greet', path: '/greet', responses: [{ id: 'hi', body: { text: 'Hallo {{query.name}} ✓' } }] },
    {
      id: 'typed',
      path: '/typed',
      responses: [{ id: 'xml', headers: { 'Content-Type': 'application/xml' }, body: { text: '<a/>' } }],
    },
  ];
  for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201);

  const status = await fetch(`${server.url}/status?id=7`);
  assert.equal(await status.text(), '{"status":"ok","id":"7"}');
  assert.equal(status.headers.get('content-type'), 'application/json; charset=utf-8');
  const json = await lastEntry();
  assert.deepEqual(json?.answeredBy, { kind: 'route', id: 'status', responseId: 'ok' });
  assert.deepEqual(json?.responseBody, {
    text: '{"status":"ok","id":"7"}',
    size: 24,
    truncated: false,
    described: false,
    evicted: false,
  });

  const hello = await fetch(`${server.url}/greet?name=Ada`);
  assert.equal(await hello.text(), 'Hallo Ada ✓');
  assert.equal(hello.headers.get('content-length'), String(Buffer.byteLength('Hallo Ada ✓')));
  const text = await lastEntry();
  assert.equal(text?.responseBody?.text, 'Hallo Ada ✓');
  assert.equal(text?.responseBody?.size, Buffer.byteLength('Hallo Ada ✓'));
  assert.equal(text?.responseBody?.described, false);

  const typed = await fetch(`${server.url}/typed`);
  assert.equal(typed.headers.get('content-type'), 'application/xml');
  assert.equal(await typed.text(), '<a/>');
  assert.equal((await lastEntry())?.responseBody?.text, '<a/>');
});
