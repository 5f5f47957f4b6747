import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ECHOED_INPUT_CHARS, TRUNCATED_INPUT_MARK } from '../src/server/http/echoed-input';
import type { RouteInput } from '../src/shared/mounts/route';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A required field that is not there is pydantic's `missing` ("Field required") whatever its schema — an enum, a
// literal, a union of types — as FastAPI answers, on the mocked API (routes, OpenAPI-imported routes) and on the
// control API alike; an absent tag of a tagged union stays `union_tag_not_found`, as documented.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const MISSING = { type: 'missing', msg: 'Field required' };

test('the control API answers a missing enum field as missing, not as a value outside the enum', async () => {
  const packs = await api.put<{ detail: unknown }>('/packs', { packs: [{ enabled: true }] });
  assert.equal(packs.status, 422);
  // Its input is the object the field is missing from, as FastAPI's.
  assert.deepEqual(packs.body.detail, [{ ...MISSING, loc: ['body', 'packs', 0, 'pack'], input: { enabled: true } }]);

  // A saved macro without its `macro` (an enum with words of its own): missing, not "unknown macro undefined".
  const macro = await api.put<{ detail: unknown }>('/payloads/m', { name: 'M', kind: 'macro', body: { params: {} } });
  assert.equal(macro.status, 422);
  assert.deepEqual(macro.body.detail, [{ ...MISSING, loc: ['body', 'body', 'macro'], input: { params: {} } }]);

  // An object too long to echo whole is cut short, as any echoed input is.
  const args = { text: 'x'.repeat(5000) };
  const step = { type: 'toolCall', name: 'lookup', args };
  const long = await api.post<{ detail: { loc: unknown[]; input: unknown }[] }>('/scenarios', {
    id: 'long',
    name: 'long',
    triggers: [],
    steps: [step],
  });
  assert.equal(long.status, 422);
  assert.deepEqual(long.body.detail[0]?.loc, ['body', 'steps', 0, 'result']);
  assert.equal(
    long.body.detail[0]?.input,
    `${JSON.stringify(step).slice(0, MAX_ECHOED_INPUT_CHARS)}${TRUNCATED_INPUT_MARK}`,
  );

  // A tagged union's absent tag keeps pydantic's own type for it.
  const untagged = await api.put<{ detail: { type: string; loc: unknown[] }[] }>('/payloads/m', { name: 'M', body: 1 });
  assert.deepEqual(
    untagged.body.detail.map(({ type, loc }) => ({ type, loc })),
    [{ type: 'union_tag_not_found', loc: ['body', 'kind'] }],
  );
});

test('a route and an imported operation answer a missing enum field, parameter or header as missing', async () => {
  const color = { type: 'string', enum: ['red', 'blue'] };
  const route: RouteInput = {
    id: 'paint',
    method: 'POST',
    path: '/paint',
    validate: {
      query: { type: 'object', properties: { finish: { enum: ['matt', 'gloss'] } }, required: ['finish'] },
      body: { type: 'object', properties: { color, coats: { const: 2 } }, required: ['color', 'coats'] },
    },
    responses: [{ id: 'ok' }],
  };
  assert.equal((await api.post('/routes', route)).status, 201);
  const painted = await fetch(`${server.url}/paint`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"note": "x"}',
  });
  assert.equal(painted.status, 422);
  assert.deepEqual(await painted.json(), {
    detail: [
      { ...MISSING, loc: ['query', 'finish'], input: null },
      { ...MISSING, loc: ['body', 'color'], input: { note: 'x' } },
      { ...MISSING, loc: ['body', 'coats'], input: { note: 'x' } },
    ],
  });

  // FastAPI's `class Color(str, Enum)`, as its OpenAPI document writes it: a named schema, referred to.
  const document = {
    openapi: '3.1.0',
    info: { title: 'Paint', version: '1' },
    paths: {
      '/walls': {
        post: {
          operationId: 'paint_wall',
          parameters: [
            { name: 'x-color', in: 'header', required: true, schema: { $ref: '#/components/schemas/Color' } },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Wall' } } },
          },
          responses: { '200': { description: 'Painted' } },
        },
      },
    },
    components: {
      schemas: {
        Color: { ...color, title: 'Color' },
        Wall: {
          type: 'object',
          properties: { color: { $ref: '#/components/schemas/Color' } },
          required: ['color'],
          title: 'Wall',
        },
      },
    },
  };
  const imported = await api.post('/routes/import-openapi', { document: JSON.stringify(document) });
  assert.equal(imported.status, 200);
  const wall = await fetch(`${server.url}/walls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(wall.status, 422);
  assert.deepEqual(await wall.json(), {
    detail: [
      { ...MISSING, loc: ['header', 'x-color'], input: null },
      { ...MISSING, loc: ['body', 'color'], input: {} },
    ],
  });
});
