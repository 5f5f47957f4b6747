import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importOpenApi } from '../src/server/openapi/import-openapi';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';

// OpenAPI 3.1 schemas are JSON Schema 2020-12: a schema named with `$anchor` (or `$dynamicAnchor`) is referred to as
// `"$ref": "#Name"`. swagger-parser follows JSON pointers only and left such a `$ref` in place, which the import
// then dropped: the route accepted any body and answered `null`. Each document here is imported through the
// control API as the console does, then asked what a client would ask.

const { logger, errors } = errorLogger();
const server = await startTestEngine({ template: 'blank', logger });
const api = controlClient(server);

const document = (paths: unknown, schemas: Record<string, unknown> = {}) => ({
  openapi: '3.1.0',
  info: { title: 'Anchors', version: '1' },
  paths,
  components: { schemas },
});
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
/** A POST that validates its body with `body` and answers 200 with a body sampled from `response`. */
const post = (body: unknown, response: unknown = body) => ({
  post: {
    requestBody: { required: true, ...json(body) },
    responses: { 200: { description: 'OK', ...json(response) } },
  },
});

/** Imports `doc` as the only routes; its warnings. */
async function importDocument(doc: unknown): Promise<string[]> {
  const answer = await api.post<{ warnings: string[] }>('/routes/import-openapi', {
    document: JSON.stringify(doc),
    replaceAll: true,
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.warnings;
}

/** What the import refuses `doc` with (the control API's 422 `detail`). */
async function refusal(doc: unknown): Promise<string> {
  const answer = await api.post<{ detail: string }>('/routes/import-openapi', {
    document: JSON.stringify(doc),
    dryRun: true,
  });
  assert.equal(answer.status, 422, JSON.stringify(answer.body));
  return answer.body.detail;
}

async function send(path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const missing = (loc: (string | number)[], input: unknown) => ({
  detail: [{ type: 'missing', loc: ['body', ...loc], msg: 'Field required', input }],
});

const PET = {
  $anchor: 'Pet',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
};

test("a component's $anchor: the request body is validated by it and the response sampled from it", async () => {
  assert.deepEqual(await importDocument(document({ '/pets': post({ $ref: '#Pet' }) }, { Pet: PET })), []);
  assert.deepEqual(await send('/pets', { age: 3 }), { status: 422, body: missing(['name'], { age: 3 }) });
  assert.deepEqual(await send('/pets', { name: 'Rex', age: -1 }), {
    status: 422,
    body: {
      detail: [
        {
          type: 'greater_than_equal',
          loc: ['body', 'age'],
          msg: 'Input should be greater than or equal to 0',
          input: -1,
          ctx: { ge: 0 },
        },
      ],
    },
  });
  assert.deepEqual(await send('/pets', { name: 'Rex' }), { status: 200, body: { name: 'string', age: 0 } });
  assert.deepEqual(errors, []);
});

test('an $anchor inside a schema: a sibling property refers to it, in the request and the response', async () => {
  const order = {
    type: 'object',
    required: ['billing', 'shipping'],
    properties: {
      billing: {
        $anchor: 'address',
        type: 'object',
        required: ['city'],
        properties: { city: { type: 'string', minLength: 1 } },
      },
      shipping: { $ref: '#address' },
    },
  };
  assert.deepEqual(
    await importDocument(document({ '/orders': post({ $ref: '#/components/schemas/Order' }) }, { Order: order })),
    [],
  );
  const good = { billing: { city: 'Oslo' }, shipping: { city: 'Bergen' } };
  assert.deepEqual((await send('/orders', good)).status, 200);
  assert.deepEqual(await send('/orders', { billing: { city: 'Oslo' }, shipping: {} }), {
    status: 422,
    body: missing(['shipping', 'city'], {}),
  });
  assert.deepEqual((await send('/orders', good)).body, { billing: { city: 'string' }, shipping: { city: 'string' } });
  assert.deepEqual(errors, []);
});

test('a recursive schema through an $anchor (a component, an inline one, a $dynamicAnchor) validates every level', async () => {
  const node = {
    $anchor: 'node',
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#node' } } },
  };
  // Not components: nothing names them but their anchors (written once: the responses refer to them).
  const tree = {
    $anchor: 'tree',
    type: 'object',
    required: ['label'],
    properties: { label: { type: 'string' }, kids: { type: 'array', items: { $ref: '#tree' } } },
  };
  const chain = {
    $dynamicAnchor: 'link',
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'integer' }, next: { $dynamicRef: '#link' } },
  };
  const warnings = await importDocument(
    document(
      {
        '/nodes': post({ $ref: '#node' }),
        '/trees': post(tree, { $ref: '#tree' }),
        '/chains': post(chain, { $ref: '#link' }),
      },
      { Node: node },
    ),
  );
  assert.deepEqual(warnings, [], 'no recursion cut');
  const deep = { name: 'a', children: [{ name: 'b', children: [{ children: [] }] }] };
  assert.deepEqual(await send('/nodes', deep), {
    status: 422,
    body: missing(['children', 0, 'children', 0, 'name'], { children: [] }),
  });
  assert.deepEqual(await send('/nodes', { name: 'a', children: [{ name: 'b' }] }), {
    status: 200,
    body: { name: 'string', children: [{ name: 'string', children: [] }] },
  });
  assert.deepEqual(await send('/trees', { label: 'a', kids: [{ label: 'b', kids: [{}] }] }), {
    status: 422,
    body: missing(['kids', 0, 'kids', 0, 'label'], {}),
  });
  assert.deepEqual(await send('/trees', { label: 'a' }), {
    status: 200,
    body: { label: 'string', kids: [{ label: 'string', kids: [] }] },
  });
  assert.deepEqual(await send('/chains', { id: 1, next: { id: 2, next: {} } }), {
    status: 422,
    body: missing(['next', 'next', 'id'], {}),
  });
  assert.deepEqual(await send('/chains', { id: 1 }), { status: 200, body: { id: 0, next: { id: 0 } } });
  assert.deepEqual(errors, []);
});

test('an $anchor in a resource a $id names, referred to from outside it', async () => {
  const pet = {
    $id: 'https://example.com/schemas/pet',
    type: 'object',
    properties: { tag: { $anchor: 'tag', type: 'string', minLength: 2 }, alias: { $ref: '#tag' } },
  };
  const body = { type: 'object', properties: { tag: { $ref: 'https://example.com/schemas/pet#tag' } } };
  assert.deepEqual(await importDocument(document({ '/tags': post(body) }, { Pet: pet })), []);
  const tooShort = await send('/tags', { tag: 'x' });
  assert.equal(tooShort.status, 422);
  assert.deepEqual((tooShort.body as { detail: { loc: unknown }[] }).detail[0]?.loc, ['body', 'tag']);
  assert.deepEqual(await send('/tags', { tag: 'xy' }), { status: 200, body: { tag: 'string' } });
  assert.deepEqual(errors, []);
});

test('an $anchor referred to inside the resource a $id names, that resource reached by a JSON pointer', async () => {
  // swagger-parser reads a bare `#/…` there from the document's root once it got there by a pointer: the anchor's
  // pointer in its resource is written with the resource's URI.
  const pet = {
    $id: 'https://example.com/schemas/pet',
    type: 'object',
    properties: { tag: { $anchor: 'tag', type: 'string', minLength: 2 }, alias: { $ref: '#tag' } },
  };
  assert.deepEqual(
    await importDocument(document({ '/pets': post({ $ref: '#/components/schemas/Pet' }) }, { Pet: pet })),
    [],
  );
  const tooShort = await send('/pets', { tag: 'xy', alias: 'x' });
  assert.equal(tooShort.status, 422);
  assert.deepEqual((tooShort.body as { detail: { loc: unknown }[] }).detail[0]?.loc, ['body', 'alias']);
  assert.equal((await send('/pets', { tag: 'xy', alias: 'xy' })).status, 200);
  assert.deepEqual(errors, []);
});

test('a $ref to an anchor no schema has is refused, naming the reference and where it is', async () => {
  const pets = document({ '/pets': post({ $ref: '#Pett' }) }, { Pet: PET });
  assert.equal(
    await refusal(pets),
    'The document cannot be imported: a $ref at #/paths/~1pets/post/requestBody/content/application~1json/schema points to "#Pett", but no schema has "$anchor": "Pett" (did you mean "#Pet"?)',
  );
  const nested = document({ '/x': post({ type: 'object', properties: { a: { $ref: '#nowhere' } } }) });
  assert.equal(
    await refusal(nested),
    'The document cannot be imported: a $ref at #/paths/~1x/post/requestBody/content/application~1json/schema/properties/a points to "#nowhere", but no schema has "$anchor": "nowhere"',
  );
  const inResource = document(
    { '/x': post({ $ref: 'https://example.com/pet#Tag' }) },
    { Pet: { $id: 'https://example.com/pet', $defs: { Tag: { $anchor: 'tag' } } } },
  );
  assert.match(
    await refusal(inResource),
    /points to "https:\/\/example.com\/pet#Tag", but no schema of https:\/\/example.com\/pet has "\$anchor": "Tag" \(did you mean "#tag"\?\)$/,
  );
  const twice = document({ '/x': post({ $ref: '#Pet' }) }, { Pet: PET, Other: { ...PET, type: 'string' } });
  assert.equal(
    await refusal(twice),
    'The document cannot be imported: "$anchor": "Pet" names two schemas, #/components/schemas/Pet and #/components/schemas/Other: a "$ref": "#Pet" could mean either; rename one',
  );
  assert.deepEqual(errors, []);
});

test('an anchor in a file beside the document: refused when referred to from the document, named when from inside', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'openapi-anchors-'));
  try {
    const schemas = { Pet: { type: 'object', properties: { tag: { $ref: '#Tag' } } }, Tag: { $anchor: 'Tag' } };
    await writeFile(join(folder, 'schemas.json'), JSON.stringify(schemas));
    const file = join(folder, 'openapi.json');
    const byPointer = JSON.stringify(document({ '/p': post({ $ref: 'schemas.json#/Pet' }) }));
    const { warnings } = await importOpenApi({ text: byPointer, file });
    assert.ok(
      warnings.includes(
        'POST /p request body: a $ref to "#Tag" is not followed (it leads back to itself, or to an anchor in a file beside the document: anchors are looked up in the document itself only, refer to that schema by its JSON pointer); accepts anything there',
      ),
      JSON.stringify(warnings),
    );
    const byAnchor = JSON.stringify(document({ '/p': post({ $ref: 'schemas.json#Tag' }) }));
    await assert.rejects(importOpenApi({ text: byAnchor, file }), {
      message: `${file}: a $ref at #/paths/~1p/post/requestBody/content/application~1json/schema points to "schemas.json#Tag", an anchor in another file: anchors are looked up in the document itself only; refer to the schema by its JSON pointer in that file ("schemas.json#/…")`,
    });
  } finally {
    await rm(folder, { recursive: true });
  }
});

test('a schema that is only a $ref to its own anchor describes nothing: named in a warning, never a hang', async () => {
  const loop = document({ '/p': post({ $ref: '#A' }) }, { A: { $anchor: 'A', $ref: '#A' } });
  const { routes, warnings } = await importOpenApi({ document: loop });
  assert.deepEqual(routes[0]?.validate?.body, {});
  assert.ok(
    warnings.some((warning) =>
      /^POST \/p request body: a \$ref to "#\/\S+" is not followed \(it leads back to itself/.test(warning),
    ),
    JSON.stringify(warnings),
  );
});

test('an anchor under a key that is not valid Unicode is refused saying so, not a 500', async () => {
  const pets = document({ '/pets': post({ $ref: '#Pet' }) }, { Pet: { properties: { '\ud800': PET } } });
  assert.equal(
    await refusal(pets),
    'The document cannot be imported: "$anchor": "Pet" names the schema at #/components/schemas/Pet/properties/\ud800, under a key that is not valid Unicode (it holds a lone surrogate, half of a UTF-16 pair): no $ref can reach it; rename the key',
  );
  assert.deepEqual(errors, []);
});

test('a $ref to an anchor no schema has, among long anchor names, is refused at once (the anchor meant is looked for within a typo)', async () => {
  // Comparing each name with the one written, letter by letter, took the product of their lengths: half a minute.
  const long = 'n'.repeat(30_000);
  const schemas = { A: { $anchor: `${long}a` }, B: { $anchor: `${long}b` }, C: { $anchor: `x${long}` } };
  const doc = document({ '/p': post({ $ref: `#${long}c` }) }, schemas);
  const started = performance.now();
  await assert.rejects(importOpenApi({ document: doc }), /no schema has "\$anchor": "n+…"$/);
  assert.ok(performance.now() - started < 5000, `${Math.round(performance.now() - started)} ms`);
});

test('a refusal names a long anchor, reference or key by its start: a line to read, not megabytes', async () => {
  const long = 'x'.repeat(1_000_000);
  const dangling = document({ '/p': post({ $ref: `#${long}` }) }, { Pet: PET });
  const twice = document(
    { '/p': post({ $ref: '#y' }) },
    { A: { properties: { [long]: { $anchor: long } } }, B: { $anchor: long } },
  );
  for (const doc of [dangling, twice]) {
    const detail = await refusal(doc);
    assert.ok(detail.length < 1000, `${detail.length} characters: ${detail.slice(0, 300)}`);
    assert.match(detail, /"x+…"/);
  }
  assert.deepEqual(errors, []);
});

test('an anchor in a resource two schemas name (a $id written twice, or the document’s own) is refused, not read from the wrong root', async () => {
  // The anchor's place was worked out from one root and read from the other: here the whole document, as a schema
  // that accepts anything.
  const own = document({ '/p': post({ $ref: '#Pet' }) }, { Pet: { ...PET, $id: 'file:///openapi-document' } });
  assert.equal(
    await refusal(own),
    'The document cannot be imported: a $ref at #/paths/~1p/post/requestBody/content/application~1json/schema points to "#Pet", an anchor in file:///openapi-document, which the document and the "$id" at #/components/schemas/Pet both name: a pointer from either root could be meant; give the schema an $id of its own',
  );
  const twice = document(
    { '/p': post({ $ref: 'https://example.com/pet#tag' }) },
    {
      Pet: { $id: 'https://example.com/pet', properties: { tag: { $anchor: 'tag', type: 'string' } } },
      Other: { $id: 'https://example.com/pet', type: 'integer' },
    },
  );
  assert.match(
    await refusal(twice),
    /points to "https:\/\/example.com\/pet#tag", an anchor in https:\/\/example.com\/pet, which the "\$id" at #\/components\/schemas\/Pet and the "\$id" at #\/components\/schemas\/Other both name: /,
  );
  assert.deepEqual(errors, []);
});

test('an $anchor in a resource a relative $id names: a bare "#name" inside it names its anchor, not the document’s', async () => {
  // swagger-parser reads a bare `#/…` there from the document's root once it got there by a JSON pointer: the
  // import was refused with `points to "#/properties/tag", which does not exist`, a pointer the user never wrote.
  const pet = {
    $id: 'pets.json',
    type: 'object',
    properties: { tag: { $anchor: 'tag', type: 'string', minLength: 2 }, alias: { $ref: '#tag' } },
  };
  const body = {
    type: 'object',
    properties: { pet: { $ref: '#/components/schemas/Pet' }, tag: { $ref: 'pets.json#tag' } },
  };
  // The document's own `tag` is another schema: `#tag` inside the resource is not it.
  const doc = document({ '/pets': post(body) }, { Pet: pet, Tag: { $anchor: 'tag', type: 'integer' } });
  assert.deepEqual(await importDocument(doc), []);
  const tooShort = await send('/pets', { pet: { tag: 'xy', alias: 'x' } });
  assert.equal(tooShort.status, 422);
  assert.deepEqual((tooShort.body as { detail: { loc: unknown }[] }).detail[0]?.loc, ['body', 'pet', 'alias']);
  assert.equal((await send('/pets', { pet: { tag: 'xy', alias: 'xy' }, tag: 'ab' })).status, 200);
  assert.equal((await send('/pets', { tag: 'a' })).status, 422);
  // Read from a file in a folder whose name the parser escapes once more: the same schema.
  const folder = await mkdtemp(join(tmpdir(), 'openapi anchors ö-'));
  try {
    const fromFile = await importOpenApi({ text: JSON.stringify(doc), file: join(folder, 'openapi.json') });
    const asValue = await importOpenApi({ document: doc });
    assert.deepEqual(fromFile.routes[0]?.validate?.body, asValue.routes[0]?.validate?.body);
    assert.match(JSON.stringify(asValue.routes[0]?.validate?.body), /"tag":\{"type":"string","minLength":2\}/);
  } finally {
    await rm(folder, { recursive: true });
  }
  assert.deepEqual(errors, []);
});

test('an $anchor in a resource a relative $id names in another folder is refused, saying what to write instead', async () => {
  const pet = {
    $id: 'schemas/pet',
    type: 'object',
    properties: { tag: { $anchor: 'tag', type: 'string', minLength: 2 }, alias: { $ref: '#tag' } },
  };
  assert.equal(
    await refusal(document({ '/pets': post({ $ref: '#/components/schemas/Pet' }) }, { Pet: pet })),
    'The document cannot be imported: a $ref at #/components/schemas/Pet/properties/alias points to "#tag", an anchor in file:///schemas/pet, but the "$id" at #/components/schemas/Pet names that resource relative to another folder than the document\'s: swagger-parser resolves such a URI against a folder of its own, so the schema cannot be named to it; write that "$id" as an absolute URI ("https://example.com/…") or as a file name in the document\'s folder ("pet.json"), or refer to the schema by its JSON pointer',
  );
  // Up a folder, even when the document is at the root, where `..` leads nowhere else.
  const up = document({ '/pets': post({ $ref: '#/components/schemas/Pet' }) }, { Pet: { ...pet, $id: '../pet' } });
  assert.match(await refusal(up), /an anchor in file:\/\/\/pet, but the "\$id" at #\/components\/schemas\/Pet names/);
  // The folder itself: the document, to the parser, when it has no file.
  const folder = document({ '/pets': post({ $ref: '#/components/schemas/Pet' }) }, { Pet: { ...pet, $id: './' } });
  assert.match(await refusal(folder), /an anchor in file:\/\/\/, but the "\$id" at #\/components\/schemas\/Pet names/);
  assert.deepEqual(errors, []);
});

test('an $anchor or $dynamicAnchor that is no anchor name is refused, naming its place and what to write', async () => {
  const at = (schema: Record<string, unknown>) =>
    refusal(document({ '/p': post({ $ref: '#/components/schemas/Pet' }) }, { Pet: { type: 'object', ...schema } }));
  const rule = 'an anchor is a name that starts with a letter or _, then letters, digits, -, _ or .';
  const example = '(e.g. "$anchor": "Pet", referred to as "$ref": "#Pet")';
  const prefix = 'The document cannot be imported: the "$anchor" at #/components/schemas/Pet is';
  assert.equal(await at({ $anchor: 1 }), `${prefix} 1: ${rule} ${example}`);
  assert.equal(await at({ $anchor: true }), `${prefix} true: ${rule} ${example}`);
  assert.equal(await at({ $anchor: null }), `${prefix} null: ${rule} ${example}`);
  assert.equal(await at({ $anchor: { name: 'Pet' } }), `${prefix} an object: ${rule} ${example}`);
  assert.equal(await at({ $anchor: ['Pet'] }), `${prefix} a list: ${rule} ${example}`);
  assert.equal(await at({ $anchor: 'a pet' }), `${prefix} "a pet": ${rule} ${example}`);
  assert.equal(await at({ $anchor: '1pet' }), `${prefix} "1pet": ${rule} ${example}`);
  assert.equal(await at({ $anchor: '' }), `${prefix} "": ${rule} ${example}`);
  assert.equal(
    await at({ $anchor: '#Pet' }),
    `${prefix} "#Pet": ${rule}; write "Pet", without its # (a "$ref": "#Pet" names it)`,
  );
  assert.equal(
    await at({ properties: { next: { $dynamicAnchor: 7 } } }),
    'The document cannot be imported: the "$dynamicAnchor" at #/components/schemas/Pet/properties/next is 7: an anchor is a name that starts with a letter or _, then letters, digits, -, _ or . (e.g. "$dynamicAnchor": "Pet", referred to as "$dynamicRef": "#Pet")',
  );
  const long = await at({ $anchor: ` ${'x'.repeat(1_000_000)}` });
  assert.ok(long.length < 1000, long.slice(0, 300));
  assert.deepEqual(errors, []);
});

test('an "$anchor" that is data, or a property so named, is no anchor: imported as written', async () => {
  const schema = {
    type: 'object',
    properties: { $anchor: { type: 'integer', example: { $anchor: 1 }, enum: [{ $anchor: true }, 2] } },
    default: { $anchor: { not: 'a name' } },
    examples: [{ $dynamicAnchor: 3 }],
  };
  assert.deepEqual(await importDocument(document({ '/p': post(schema) })), []);
  assert.equal((await send('/p', { $anchor: 2 })).status, 200);
  assert.deepEqual(errors, []);
});
