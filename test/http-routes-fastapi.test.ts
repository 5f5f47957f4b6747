import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RouteSchema } from '../src/shared/mounts/route';
import { StaticFolderSchema } from '../src/shared/mounts/static-folder';
import { startMountsApp } from './helpers/http-mounts-app';

// The FastAPI tutorial backend, written as data: every answer must be what FastAPI itself sends, byte for byte.
const routes = [
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
        body: {
          json: {
            message: 'Item created successfully',
            item_data: { name: '{{body.name}}', is_offer: '{{body.is_offer}}' },
          },
        },
      },
    ],
  },
].map((route) => RouteSchema.parse(route));

const dir = mkdtempSync(join(tmpdir(), 'fastapi-tutorial-'));
mkdirSync(join(dir, 'static'));
writeFileSync(join(dir, 'static', 'data.txt'), 'Some static data\n');
const app = await startMountsApp(
  {
    routes,
    staticFolders: [StaticFolderSchema.parse({ id: 'static', path: '/static', folder: 'static' })],
  },
  { baseDir: dir },
);

const text = async (response: Response) => ({ status: response.status, body: await response.text() });

test('GET /status answers {"status":"ok"} as JSON', async () => {
  const response = await fetch(`${app.base}/status`);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(await text(response), { status: 200, body: '{"status":"ok"}' });
  assert.deepEqual(JSON.parse(response.headers.get('x-answered-by') ?? ''), {
    kind: 'route',
    id: 'status',
    responseId: 'ok',
  });
});

test('GET /items/1 answers the item with its id as a number; another id gets the 404 FastAPI sends', async () => {
  assert.deepEqual(await text(await fetch(`${app.base}/items/1`)), {
    status: 200,
    body: '{"item_id":1,"name":"The One Item"}',
  });
  assert.deepEqual(await text(await fetch(`${app.base}/items/999`)), {
    status: 404,
    body: '{"detail":"Item with ID 999 not found."}',
  });
});

test('GET /items/abc is refused exactly as FastAPI refuses it', async () => {
  assert.deepEqual(await text(await fetch(`${app.base}/items/abc`)), {
    status: 422,
    body: '{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}',
  });
});

test('POST /items creates (201) with is_offer defaulting to null; a missing or non-string name is a 422', async () => {
  const post = (body: string) =>
    fetch(`${app.base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.deepEqual(await text(await post('{"name":"Foo"}')), {
    status: 201,
    body: '{"message":"Item created successfully","item_data":{"name":"Foo","is_offer":null}}',
  });
  assert.deepEqual(await text(await post('{"name":"Bar","is_offer":true}')), {
    status: 201,
    body: '{"message":"Item created successfully","item_data":{"name":"Bar","is_offer":true}}',
  });
  assert.deepEqual(await text(await post('{"is_offer":true}')), {
    status: 422,
    body: '{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"is_offer":true}}]}',
  });
  assert.deepEqual(await text(await post('{"name":123}')), {
    status: 422,
    body: '{"detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":123}]}',
  });
  const empty = await fetch(`${app.base}/items`, { method: 'POST' });
  assert.deepEqual(await text(empty), {
    status: 422,
    body: '{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}',
  });
  // FastAPI names the character where Python's decoder stopped, and what it said there.
  assert.deepEqual(await text(await post('{"name":"x",}')), {
    status: 422,
    body: '{"detail":[{"type":"json_invalid","loc":["body",12],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}',
  });
});

test('GET /static/data.txt serves the file as text/plain', async () => {
  const response = await fetch(`${app.base}/static/data.txt`);
  assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.deepEqual(await text(response), { status: 200, body: 'Some static data\n' });
});

test("a path nothing serves gets FastAPI's 404", async () => {
  assert.deepEqual(await text(await fetch(`${app.base}/nothing/here`)), {
    status: 404,
    body: '{"detail":"Not Found"}',
  });
});

test('no request logged an unexpected error', () => {
  assert.deepEqual(app.logged, []);
});
