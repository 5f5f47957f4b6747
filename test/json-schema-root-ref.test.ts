import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { postJson } from './helpers/post-json';

/**
 * `{"$ref": "#"}` — the whole schema again, as a tree's children or a list of lists write it — was refused when
 * stored ("can't resolve reference # from id #": ajv resolves it only in a schema with an `$id`, and the engine
 * compiles schemas without registering them). Such a schema now validates, in routes and collections alike. So
 * does one naming its root with an `$anchor` (ajv registers only its subschemas' anchors), and an anchor that
 * cannot be used is refused saying what to write.
 */

const server: MockServer = await startTestEngine({ template: 'blank' });
const api: ControlClient = controlClient(server);

const TREE = {
  type: 'object',
  properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
  required: ['name'],
};

const post = (path: string, body: unknown) => postJson(`${server.url}${path}`, body);

test('a schema that refers to itself with "#" validates a route body and a collection record', async () => {
  const route = await api.post('/routes', {
    id: 'tree',
    method: 'POST',
    path: '/tree',
    validate: { body: TREE },
    responses: [{ id: 'ok', body: { json: '{{body}}' } }],
  });
  assert.equal(route.status, 201, JSON.stringify(route.body));
  const collection = await api.post('/collections', { id: 'trees', path: '/trees', schema: TREE });
  assert.equal(collection.status, 201, JSON.stringify(collection.body));

  const tree = { name: 'root', children: [{ name: 'a', children: [{ name: 'a1' }] }, { name: 'b' }] };
  assert.deepEqual(await post('/tree', tree), { status: 200, body: tree });
  assert.equal((await post('/trees', tree)).status, 201);
  const broken = { name: 'root', children: [{ name: 'a', children: [{ children: [] }] }] };
  for (const path of ['/tree', '/trees']) {
    const answer = await post(path, broken);
    assert.equal(answer.status, 422, path);
    assert.deepEqual(
      (answer.body as { detail: { type: string; loc: unknown[] }[] }).detail.map((issue) => [issue.type, issue.loc]),
      [['missing', ['body', 'children', 0, 'children', 0, 'name']]],
      path,
    );
  }
});

test("a reference that leads nowhere is still refused, in the schema's own words", async () => {
  const refused = await api.post('/routes', {
    id: 'nowhere',
    path: '/nowhere',
    validate: { body: { $ref: '#/definitions/missing' } },
    responses: [{ id: 'ok' }],
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body, {
    detail: [
      {
        type: 'value_error',
        loc: ['body', 'validate', 'body'],
        msg: "invalid JSON Schema: can't resolve reference #/definitions/missing",
        input: { $ref: '#/definitions/missing' },
      },
    ],
  });
});

/** A tree whose nodes are the schema's root again, named by an `$anchor` on the root (draft 2019-09 and 2020-12). */
const ANCHORED_TREE = {
  $anchor: 'node',
  type: 'object',
  properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#node' } } },
  required: ['name'],
};

test('a $ref to an $anchor on the schema root validates a route body and a collection record', async () => {
  const route = await api.post('/routes', {
    id: 'anchored',
    method: 'POST',
    path: '/anchored',
    validate: { body: ANCHORED_TREE },
    responses: [{ id: 'ok', body: { json: '{{body}}' } }],
  });
  assert.equal(route.status, 201, JSON.stringify(route.body));
  const collection = await api.post('/collections', { id: 'anchored', path: '/anchored-trees', schema: ANCHORED_TREE });
  assert.equal(collection.status, 201, JSON.stringify(collection.body));

  const tree = { name: 'root', children: [{ name: 'a', children: [{ name: 'a1' }] }] };
  assert.deepEqual(await post('/anchored', tree), { status: 200, body: tree });
  assert.equal((await post('/anchored-trees', tree)).status, 201);
  for (const path of ['/anchored', '/anchored-trees']) {
    const answer = await post(path, { name: 'root', children: [{ name: 'a', children: [{ name: 1 }] }] });
    assert.equal(answer.status, 422, path);
    assert.deepEqual(
      (answer.body as { detail: { type: string; loc: unknown[] }[] }).detail.map((issue) => [issue.type, issue.loc]),
      [['string_type', ['body', 'children', 0, 'children', 0, 'name']]],
      path,
    );
  }
});

test('an $anchor that cannot be used is refused saying what to write instead', async () => {
  const refusal = async (schema: Record<string, unknown>) => {
    const refused = await api.put<{ detail: { loc: unknown[]; msg: string }[] }>('/routes/anchors', {
      id: 'anchors',
      method: 'POST',
      path: '/anchors',
      validate: { body: schema },
      responses: [{ id: 'ok' }],
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'validate', 'body']);
    return refused.body.detail[0]?.msg;
  };
  assert.equal(
    await refusal({ properties: { item: { $ref: '#item' } } }),
    'invalid JSON Schema: can\'t resolve reference #item: no subschema there has "$anchor": "item" — add it to the subschema the reference means, or refer to that subschema by its JSON pointer ("#/$defs/item" for one in "$defs")',
  );
  assert.equal(
    await refusal({ properties: { item: { $ref: '#item' } }, $defs: { item: { $anchor: '#item' } } }),
    'invalid JSON Schema: invalid "$anchor" "#item": write it without the # ("$anchor": "item"; a "$ref": "#item" refers to it)',
  );
  assert.equal(
    await refusal({ $defs: { item: { $anchor: '1st' } } }),
    'invalid JSON Schema: invalid "$anchor" "1st": an anchor is a name starting with a letter or _, then letters, digits, -, _ or . (a "$ref": "#name" refers to it)',
  );
});
