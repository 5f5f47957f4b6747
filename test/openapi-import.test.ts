import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { match } from 'path-to-regexp';
import { importOpenApi, OpenApiImportError } from '../src/server/openapi/import-openapi';
import { importOpenApiRoutes } from '../src/server/openapi/openapi-routes-import';
import type { JsonObject } from '../src/shared/json-value';
import { type Route, type RouteInput, RouteSchema } from '../src/shared/mounts/route';

const FIXTURES = resolve('test/fixtures/openapi');

/** The ajv options the route engine is asked to use (see docs/routes.md, "Mock a FastAPI backend from its OpenAPI document"). */
function engineAjv(draft: '2020-12' | '07' = '2020-12') {
  const options = { strict: false, allErrors: true, coerceTypes: true, logger: false } as const;
  const ajv = draft === '2020-12' ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

async function importFixture(name: string) {
  const file = join(FIXTURES, name);
  return importOpenApi({ text: readFileSync(file, 'utf8'), file });
}

/** Every route is one the workspace accepts, and every validation schema compiles under both drafts. */
function checkRoutes(routes: RouteInput[]): Route[] {
  return routes.map((input) => {
    const route = RouteSchema.parse(input);
    for (const place of ['params', 'query', 'headers', 'body'] as const) {
      const schema = route.validate?.[place];
      if (!schema) continue;
      for (const draft of ['2020-12', '07'] as const) {
        assert.doesNotThrow(() => engineAjv(draft).compile(schema), `${route.id} ${place} compiles (draft ${draft})`);
      }
    }
    return route;
  });
}

function byId(routes: Route[], id: string): Route {
  const route = routes.find((candidate) => candidate.id === id);
  assert.ok(route, `route ${id} among ${routes.map((r) => r.id).join(', ')}`);
  return route;
}

/** The JSON body of a route's response. */
function jsonOf(route: Route | undefined, index = 0): JsonObject {
  const body = route?.responses[index]?.body;
  assert.ok(body && 'json' in body, `response ${index} of ${route?.id} has a JSON body`);
  return body.json as JsonObject;
}

function document(paths: unknown, extra: Record<string, unknown> = {}): unknown {
  return { openapi: '3.1.0', info: { title: 'Test', version: '1' }, paths, ...extra };
}

function ok(schema?: unknown) {
  return { description: 'OK', ...(schema !== undefined && { content: { 'application/json': { schema } } }) };
}

async function rejects(input: Parameters<typeof importOpenApi>[0], pattern: RegExp, options = {}) {
  await assert.rejects(importOpenApi(input, options), (error: unknown) => {
    assert.ok(error instanceof OpenApiImportError, `an OpenApiImportError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test("FastAPI's /openapi.json imports without edits: one route per operation, typed parameters, bodies", async () => {
  const { routes: inputs, warnings, title } = await importFixture('fastapi-tutorial.openapi.json');
  const routes = checkRoutes(inputs);
  assert.equal(title, 'Tutorial server');
  assert.deepEqual(
    routes.map((route) => [route.method, route.path, route.id, route.name]),
    [
      ['GET', '/', 'read-root-get', 'Read Root'],
      ['GET', '/status', 'read-status-status-get', 'Read Status'],
      ['GET', '/items/:item_id', 'read-item-items-item-id-get', 'Read Item'],
      ['POST', '/items', 'create-item-items-post', 'Create Item'],
    ],
    'the StaticFiles mount is not in the document, so no route for /static',
  );

  const root = byId(routes, 'read-root-get');
  assert.deepEqual(root.responses[0]?.body, { json: { message: 'Server is running' } }, 'the media-type example');
  assert.equal(root.responses[0]?.headers['content-type'], 'application/json');

  const status = byId(routes, 'read-status-status-get');
  assert.deepEqual(status.responses[0]?.body, { json: null }, 'FastAPI documents an untyped response as {}');
  assert.ok(warnings.some((warning) => warning.startsWith('GET /status response 200: the document says any JSON')));

  const readItem = byId(routes, 'read-item-items-item-id-get');
  assert.deepEqual(readItem.validate?.params, {
    type: 'object',
    properties: { item_id: { type: 'integer', title: 'Item Id' } },
    required: ['item_id'],
  });
  assert.deepEqual(readItem.validate?.query, {
    type: 'object',
    properties: { q: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Q' } },
  });
  assert.deepEqual(
    readItem.responses.map((response) => [response.id, response.status, response.when]),
    [
      ['200', 200, undefined],
      ['404', 404, undefined],
      ['422', 422, undefined],
    ],
    'the success response first; the others documented after it, with no condition',
  );
  assert.deepEqual(readItem.responses[1]?.body, { json: { message: 'string' } }, 'sampled from Message');
  assert.deepEqual(readItem.responses[2]?.body, {
    json: { detail: [{ loc: ['string'], msg: 'string', type: 'string' }] },
  });
  const matched = match(readItem.path)('/items/5');
  assert.ok(matched && matched.params.item_id === '5');

  // Path parameters arrive as text: with the engine's ajv (coerceTypes) `5` passes and `abc` does not.
  const params = engineAjv().compile(readItem.validate?.params as JsonObject);
  assert.equal(params({ item_id: '5' }), true);
  assert.equal(params({ item_id: 'abc' }), false);

  const create = byId(routes, 'create-item-items-post');
  assert.equal(create.validate?.bodyRequired, true);
  const body = engineAjv().compile(create.validate?.body as JsonObject);
  assert.equal(body({ name: 'Foo', is_offer: null }), true);
  assert.equal(body({ name: 'Foo' }), true);
  assert.equal(body({ is_offer: true }), false, 'name is required');
  assert.deepEqual(
    create.responses.map((response) => response.status),
    [201, 422],
  );
  assert.deepEqual(create.responses[0]?.body, { json: { name: 'string', is_offer: null } }, 'sampled from Item');
});

test('an OpenAPI 3.0 YAML document: $refs, nullable, exclusive bounds, examples, headers, default, 204, text', async () => {
  const { routes: inputs, warnings } = await importFixture('bookshop-3.0.yaml');
  const routes = checkRoutes(inputs);
  assert.ok(
    routes.every((route) => route.path.startsWith('/api/v1/')),
    'served under the first server path, variables at their defaults',
  );

  const list = byId(routes, 'list-books');
  assert.equal(list.description, 'Books in the shop, optionally filtered by genre.');
  assert.deepEqual(list.validate?.query?.properties, {
    limit: { type: 'integer', maximum: 100, default: 20, exclusiveMinimum: 0, description: 'How many books at most' },
    genre: { type: ['string', 'null'], enum: ['fiction', 'poetry', null] },
  });
  assert.deepEqual(list.validate?.headers, {
    type: 'object',
    properties: { 'x-request-id': { type: 'string', format: 'uuid' } },
    required: ['x-request-id'],
  });
  assert.ok(warnings.includes('GET /books: cookie parameter "session" is not validated'));
  assert.deepEqual(list.responses[0]?.body, {
    json: [
      { id: 1, title: 'Dune', price: 9.5, subtitle: null },
      { id: 2, title: 'Emma', price: 7, subtitle: 'A novel' },
    ],
  });
  assert.deepEqual(
    list.responses.map((response) => [response.id, response.status]),
    [
      ['200', 200],
      ['default', 500],
    ],
  );

  const create = byId(routes, 'create-book');
  const bookSchema = create.validate?.body as JsonObject;
  assert.deepEqual(bookSchema.required, ['title', 'price'], 'the read-only id is not required in a request');
  assert.deepEqual((bookSchema.properties as JsonObject).price, {
    type: 'number',
    format: 'money',
    exclusiveMinimum: 0,
    examples: [9.5],
  });
  assert.equal(create.responses[0]?.status, 201);
  assert.equal(create.responses[0]?.headers.location, '/api/v1/books/3');
  assert.deepEqual(jsonOf(create).title, 'Dune', 'schema example used');

  // The recursive Category is kept as a $defs entry that refers to itself, so any depth of tree validates.
  const validateBook = engineAjv().compile(bookSchema);
  let tree: JsonObject = { name: 'leaf' };
  for (let level = 0; level < 50; level++) tree = { name: `level ${level}`, subcategories: [tree], parent: null };
  assert.equal(validateBook({ title: 'Dune', price: 9.5, category: tree }), true);
  assert.equal(validateBook({ title: 'Dune', price: 9.5, category: { subcategories: [{}] } }), false);
  assert.equal(validateBook({ title: 'Dune', price: 0 }), false, 'exclusiveMinimum: 0 refuses 0');
  assert.equal(validateBook({ title: 'Dune', price: 1, subtitle: null }), true, 'nullable');

  const get = byId(routes, 'get-book');
  assert.equal(get.path, '/api/v1/books/:bookId');
  assert.deepEqual(get.validate?.params?.required, ['bookId'], 'path-item parameters apply to its operations');
  assert.deepEqual(
    get.responses.map((response) => response.status),
    [200, 404],
    'the 2xx first, whatever the document order',
  );
  assert.deepEqual(get.responses[1]?.body, { json: { code: 404, message: 'Book not found' } });

  const remove = byId(routes, 'delete-book');
  assert.equal(remove.responses[0]?.status, 204);
  assert.equal(remove.responses[0]?.body, undefined);

  const replace = byId(routes, 'replace-categories');
  assert.equal(replace.validate?.bodyRequired, false, 'requestBody.required defaults to false');

  assert.deepEqual(byId(routes, 'health').responses[0]?.body, { text: 'ok' });
  assert.equal(byId(routes, 'health').responses[0]?.headers['content-type'], 'text/plain');
});

test('$refs to files beside the document are followed only when importing from a file', async () => {
  const { routes } = await importFixture('split/main.yaml');
  assert.deepEqual(checkRoutes(routes)[0]?.responses[0]?.body, { json: { id: 7, label: 'seven' } });

  const text = readFileSync(join(FIXTURES, 'split', 'main.yaml'), 'utf8');
  await rejects(
    { text },
    /\$ref at #\/paths\/~1things~1\{id\}\/.* points to ".*schemas\.yaml".*only when importing from a file/,
  );

  const folder = mkdtempSync(join(tmpdir(), 'openapi-import-'));
  const outside = text.replace(
    "'schemas.yaml#/Thing'",
    `'${relative(folder, join(FIXTURES, 'split', 'schemas.yaml'))}#/Thing'`,
  );
  writeFileSync(join(folder, 'spec.yaml'), outside);
  await rejects(
    { text: outside, file: join(folder, 'spec.yaml') },
    /schemas\.yaml: a \$ref cannot be followed: outside the document's folder/,
  );
  // Refused for where it points, before the disk is asked whether such a file exists (no ENOENT, no real path).
  const nowhere = text.replace("'schemas.yaml#/Thing'", "'../../no/such/file.yaml#/Thing'");
  writeFileSync(join(folder, 'nowhere.yaml'), nowhere);
  await rejects(
    { text: nowhere, file: join(folder, 'nowhere.yaml') },
    /cannot be followed: outside the document's folder/,
  );
  const missing = text.replace("'schemas.yaml#/Thing'", "'missing.yaml#/Thing'");
  writeFileSync(join(folder, 'refers-to-missing.yaml'), missing);
  await rejects(
    { text: missing, file: join(folder, 'refers-to-missing.yaml') },
    /a \$ref cannot be followed: no such file missing\.yaml$/,
  );

  const remote = text.replace("'schemas.yaml#/Thing'", "'https://example.com/schemas.yaml#/Thing'");
  await rejects({ text: remote, file: join(FIXTURES, 'split', 'main.yaml') }, /network are not followed/);
});

/** Folder names a URL escapes: swagger-parser once escaped the document's `file:` URL again, leading every `$ref` out. */
const ESCAPED_FOLDER_NAMES = [
  'my dir',
  '100% ö',
  'a#b?c',
  'literal%20name',
  '%2e%2e',
  'a%2Fb',
  ...(process.platform === 'win32' ? [] : ['back\\slash']),
];

/** A folder called `name` holding `schemas.json` and `sub/x.json`, with `secret.json` beside it (outside). */
function folderNamed(name: string): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'openapi-folder-')), name);
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, '..', 'secret.json'), JSON.stringify({ Pet: { type: 'string', example: 'secret' } }));
  const pet = { type: 'object', properties: { name: { type: 'string', example: 'rex' } } };
  writeFileSync(join(folder, 'schemas.json'), JSON.stringify({ Pet: pet, Broken: { $ref: 'sub/x.json#/Nope' } }));
  writeFileSync(join(folder, 'sub', 'x.json'), JSON.stringify({ X: { type: 'integer', example: 3 } }));
  writeFileSync(join(folder, 'broken.json'), '{"Pet": ');
  return folder;
}

/** A document in `folder` whose paths each answer the schema a `$ref` names, as read from that file. */
function documentIn(folder: string, refs: Record<string, string>) {
  const paths = Object.fromEntries(
    Object.entries(refs).map(([path, $ref]) => [path, { get: { responses: { '200': ok({ $ref }) } } }]),
  );
  const text = JSON.stringify(document(paths));
  const file = join(folder, 'openapi.json');
  writeFileSync(file, text);
  return { text, file };
}

test('$refs to files beside a document in a folder whose name a URL escapes (space, %, #, ?, ö) are followed', async () => {
  for (const name of ESCAPED_FOLDER_NAMES) {
    const folder = folderNamed(name);
    // Out of the folder and back in by its name, escaped as a URI: inside.
    const back = `../${encodeURIComponent(name)}/schemas.json#/Pet`;
    const refs = { '/pet': './schemas.json#/Pet', '/x': 'sub/x.json#/X', '/back': back };
    const { routes } = await importOpenApi(documentIn(folder, refs));
    const [pet, x, again] = checkRoutes(routes);
    assert.deepEqual(jsonOf(pet), { name: 'rex' }, name);
    assert.deepEqual(x?.responses[0]?.body, { json: 3 }, name);
    assert.deepEqual(jsonOf(again), { name: 'rex' }, name);

    // A problem in a file beside the document names that file as the document's $refs do, or as the disk does.
    await rejects(
      documentIn(folder, { '/pet': 'schemas.json#/Nope' }),
      /a \$ref at #\/paths\/~1pet\/get\/responses\/200\/content\/application~1json\/schema points to "schemas\.json#\/Nope", which does not exist$/,
    );
    await rejects(
      documentIn(folder, { '/pet': 'schemas.json#/Broken' }),
      /a \$ref at schemas\.json#\/Broken points to "sub\/x\.json#\/Nope", which does not exist$/,
    );
    await assert.rejects(importOpenApi(documentIn(folder, { '/pet': 'broken.json#/Pet' })), (error: Error) => {
      assert.ok(error.message.includes(`Error parsing ${join(folder, 'broken.json')}: `), error.message);
      return true;
    });
  }
});

test("a $ref out of the document's folder is refused whatever its escapes, whatever the folder is called", async () => {
  for (const name of ['plain', ...ESCAPED_FOLDER_NAMES]) {
    const folder = folderNamed(name);
    const refs = [
      '../secret.json',
      '%2e%2e/secret.json',
      '.%2E/secret.json',
      '..%2fsecret.json',
      '..%2Fsecret.json',
      'sub%2f..%2f..%2fsecret.json',
      'sub/%2e%2e/%2e%2e/secret.json',
      '..\\secret.json',
      `../${encodeURIComponent(name)}/../secret.json`,
      pathToFileURL(join(folder, '..', 'secret.json')).href,
    ];
    for (const ref of refs) {
      await assert.rejects(importOpenApi(documentIn(folder, { '/pet': `${ref}#/Pet` })), (error: Error) => {
        // Where it leads and the document's folder, as the file system names them.
        const refused = `${join(folder, '..', 'secret.json')}: a $ref cannot be followed: outside the document's folder ${folder}: not read`;
        assert.equal(error.message, refused, `${name}: ${ref}`);
        return true;
      });
    }
  }
});

test('recursive models (as FastAPI writes them) stay recursive through $defs, and sampling ends', async () => {
  const tree = {
    title: 'TreeNode',
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', title: 'Name' },
      children: { type: 'array', items: { $ref: '#/components/schemas/TreeNode' }, title: 'Children' },
      parent: { anyOf: [{ $ref: '#/components/schemas/TreeNode' }, { type: 'null' }] },
    },
  };
  const { routes, warnings } = await importOpenApi({
    document: document(
      {
        '/tree': {
          post: {
            operationId: 'save_tree',
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/TreeNode' } } },
            },
            responses: { '200': ok({ $ref: '#/components/schemas/TreeNode' }) },
          },
        },
      },
      { components: { schemas: { TreeNode: tree } } },
    ),
  });
  const [route] = checkRoutes(routes);
  const body = route?.validate?.body as JsonObject;
  assert.equal(body.title, 'TreeNode');
  assert.deepEqual(Object.keys(body.$defs as JsonObject), ['TreeNode']);
  assert.deepEqual((body.properties as JsonObject).children, {
    type: 'array',
    items: { $ref: '#/$defs/TreeNode' },
    title: 'Children',
  });
  const validate = engineAjv().compile(body);
  assert.equal(validate({ name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] }), true);
  assert.equal(validate({ name: 'a', children: [{ children: [] }] }), false);
  assert.ok(jsonOf(route).name === 'string');
  assert.deepEqual(warnings, []);
});

test("a recursive model's generated body stops where the schema lets it and satisfies it; one that cannot stop is named", async () => {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  /** A model with a required name. */
  const model = (properties: Record<string, unknown>, required = ['name']) => ({
    type: 'object',
    required,
    properties: { name: { type: 'string' }, ...properties },
  });
  const schemas = {
    // It stops at an empty list of children, and at the null of an optional parent.
    Tree: model({
      children: { type: 'array', items: ref('Tree') },
      parent: { anyOf: [ref('Tree'), { type: 'null' }] },
    }),
    // It stops by leaving out an optional next, and an optional list that may not be empty.
    List: model({ next: ref('List'), rest: { type: 'array', minItems: 1, items: ref('List') } }),
    // Every link requires the next: no body can stop.
    Chain: model({ next: ref('Chain') }, ['name', 'next']),
  };
  const post = (name: string) => ({
    post: {
      requestBody: { required: true, content: { 'application/json': { schema: ref(name) } } },
      responses: { '200': ok(ref(name)) },
    },
  });
  const { routes, warnings } = await importOpenApiRoutes(
    {
      document: document(
        { '/tree': post('Tree'), '/list': post('List'), '/chain': post('Chain') },
        { components: { schemas } },
      ),
    },
    [],
    { maxJsonDepth: 32 },
  );
  const served = Object.fromEntries(checkRoutes(routes).map((route) => [route.path, jsonOf(route)]));
  assert.deepEqual(served['/tree'], {
    name: 'string',
    children: [{ name: 'string', children: [], parent: null }],
    parent: { name: 'string', children: [], parent: null },
  });
  assert.deepEqual(served['/list'], { name: 'string', next: { name: 'string' }, rest: [{ name: 'string' }] });
  for (const route of routes.filter((route) => route.path !== '/chain')) {
    const validate = engineAjv().compile(route.validate?.body as JsonObject);
    assert.equal(validate(served[route.path]), true, `${route.path}: ${JSON.stringify(validate.errors)}`);
  }
  assert.deepEqual(warnings, [
    "POST /chain response 200: the body generated from the schema does not satisfy it (/next/next must have required property 'name' and 1 more); served as generated until you write one that does",
  ]);
});

test('an OpenAPI 3.0 model that may be null stops its recursion as null', async () => {
  const node = {
    type: 'object',
    nullable: true,
    required: ['name', 'parent'],
    properties: { name: { type: 'string' }, parent: { $ref: '#/components/schemas/Node' } },
  };
  const { routes, warnings } = await importOpenApiRoutes(
    {
      document: {
        openapi: '3.0.3',
        info: { title: 'Test', version: '1' },
        paths: { '/node': { get: { responses: { '200': ok({ $ref: '#/components/schemas/Node' }) } } } },
        components: { schemas: { Node: node } },
      },
    },
    [],
    { maxJsonDepth: 32 },
  );
  assert.deepEqual(jsonOf(checkRoutes(routes)[0]), { name: 'string', parent: { name: 'string', parent: null } });
  assert.deepEqual(warnings, []);
});

test('an OpenAPI 3.1 model whose link may be null (`const: null` first of its anyOf) stops its recursion as null', async () => {
  const link = { anyOf: [{ const: null }, { $ref: '#/components/schemas/Node' }] };
  const node = { type: 'object', required: ['name', 'parent'], properties: { name: { type: 'string' }, parent: link } };
  const { routes, warnings } = await importOpenApiRoutes(
    {
      document: {
        openapi: '3.1.0',
        info: { title: 'Test', version: '1' },
        paths: { '/node': { get: { responses: { '200': ok({ $ref: '#/components/schemas/Node' }) } } } },
        components: { schemas: { Node: node } },
      },
    },
    [],
    { maxJsonDepth: 32 },
  );
  // openapi-sampler alone merges the null into an object: `{"parent": {}}`, which lacks the required name.
  assert.deepEqual(jsonOf(checkRoutes(routes)[0]), { name: 'string', parent: null });
  assert.deepEqual(warnings, []);
});

test('a recursion that does not go through a named schema, or inside a parameter, is cut with a warning', async () => {
  const inner = { type: 'object', properties: { again: { $ref: '#/components/schemas/Outer/properties/inner' } } };
  const { routes, warnings } = await importOpenApi({
    document: document(
      {
        '/outer': {
          post: {
            parameters: [
              { name: 'filter', in: 'query', schema: { type: 'array', items: { $ref: '#/components/schemas/Outer' } } },
            ],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Outer' } } } },
            responses: { '200': ok() },
          },
        },
      },
      { components: { schemas: { Outer: { type: 'object', properties: { inner } } } } },
    ),
  });
  checkRoutes(routes);
  assert.ok(warnings.some((warning) => /request body: a schema contains itself; the recursion is cut/.test(warning)));
  assert.ok(warnings.some((warning) => /query parameter filter: a schema contains itself/.test(warning)));
});

test('OpenAPI 3.0 schemas become JSON Schema ajv compiles; OpenAPI-only keywords are dropped', async () => {
  const schemas = {
    Pet: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      xml: { name: 'pet' },
      externalDocs: { url: 'https://example.com' },
      'x-internal': true,
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: ['cat', 'dog'] },
        owner: { allOf: [{ $ref: '#/components/schemas/Owner' }], nullable: true },
        age: { type: 'integer', minimum: 0, exclusiveMinimum: false, maximum: 30, exclusiveMaximum: true },
        // Python's end of text: RE2, which runs the engine's patterns, has no such escape.
        tag: { type: 'string', pattern: '^[a-z]+\\Z', example: 'tabby', format: 'custom-format' },
        pair: { type: 'array', items: { type: 'string' }, deprecated: true },
      },
    },
    Owner: { type: 'object', properties: { name: { type: 'string' } } },
  };
  const { routes, warnings } = await importOpenApi({
    document: {
      openapi: '3.0.3',
      info: { title: 'Pets', version: '1' },
      paths: {
        '/pets': {
          post: {
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
            responses: { '200': ok({ $ref: '#/components/schemas/Pet' }) },
          },
        },
      },
      components: { schemas },
    },
  });
  const [route] = checkRoutes(routes);
  assert.equal(route?.id, 'post-pets', 'no operationId: method and path');
  assert.deepEqual(route?.validate?.body, {
    type: 'object',
    required: ['kind'],
    properties: {
      kind: { type: 'string', enum: ['cat', 'dog'] },
      owner: { anyOf: [{ allOf: [{ $ref: '#/$defs/Owner' }] }, { type: 'null' }] },
      age: { type: 'integer', minimum: 0, exclusiveMaximum: 30 },
      tag: { type: 'string', format: 'custom-format', examples: ['tabby'] },
      pair: { type: 'array', items: { type: 'string' } },
    },
    $defs: { Owner: { type: 'object', properties: { name: { type: 'string' } } } },
  });
  assert.ok(
    warnings.includes(
      'POST /pets request body: pattern "^[a-z]+\\\\Z" is dropped: not a pattern the engine can run: invalid escape sequence at `\\Z` (patterns use RE2 syntax: no lookaround, no backreferences)',
    ),
    warnings.join('\n'),
  );
  assert.deepEqual(jsonOf(route), {
    kind: 'cat',
    owner: { name: 'string' },
    age: 0,
    tag: 'tabby',
    pair: ['string'],
  });
});

test('route ids come from operationId, slugged and unique; paths keep their literal text', async () => {
  const { routes } = await importOpenApi({
    document: document({
      '/things:batchGet': { post: { operationId: 'batchGetThings', responses: { '200': ok() } } },
      '/things/{thing-id}': {
        get: { operationId: 'getThing', responses: { '200': ok() } },
        put: { operationId: 'getThing', responses: { '200': ok() } },
        delete: { operationId: '___', responses: { '200': ok() } },
      },
      '/files/{name}.json': { get: { responses: { '200': ok() } } },
    }),
  });
  assert.deepEqual(
    checkRoutes(routes).map((route) => [route.id, route.path]),
    [
      ['batch-get-things', '/things\\:batchGet'],
      ['get-thing', '/things/:"thing-id"'],
      ['get-thing-2', '/things/:"thing-id"'],
      ['delete-things-thing-id', '/things/:"thing-id"'],
      ['get-files-name-json', '/files/:name.json'],
    ],
  );
  assert.ok(match(routes[0]?.path as string)('/things:batchGet'));
  const file = match(routes[4]?.path as string)('/files/report.json');
  assert.ok(file && file.params.name === 'report');
});

test('responses: ranges, default without a 2xx, no 2xx at all, none at all, and literal {{ }}', async () => {
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/only-default': {
        get: { responses: { default: ok({ type: 'object', properties: { ok: { type: 'boolean' } } }) } },
      },
      '/ranges': {
        get: {
          responses: {
            '4XX': { description: 'Client error' },
            '2XX': ok({ type: 'string', examples: ['fine'] }),
            '503': { description: 'Down' },
          },
        },
      },
      '/errors-only': { get: { responses: { '404': { description: 'Gone' } } } },
      '/none': { get: {} },
      '/template': {
        get: {
          responses: {
            '200': {
              description: 'A literal template',
              content: { 'application/json': { example: { text: 'Hello {{name}}' } } },
            },
          },
        },
      },
    }),
  });
  const [onlyDefault, ranges, errorsOnly, none, literal] = checkRoutes(routes);
  assert.deepEqual(
    onlyDefault?.responses.map((r) => [r.id, r.status, r.body]),
    [['default', 200, { json: { ok: true } }]],
  );
  assert.ok(warnings.includes('GET /only-default: no 2xx response documented; the "default" response answers as 200'));
  assert.deepEqual(
    ranges?.responses.map((r) => [r.id, r.status]),
    [
      ['2xx', 200],
      ['4xx', 400],
      ['503', 503],
    ],
  );
  assert.deepEqual(ranges?.responses[0]?.body, { json: 'fine' });
  assert.equal(errorsOnly?.responses[0]?.status, 404);
  assert.ok(warnings.includes('GET /errors-only: no 2xx response documented; it answers 404 until you add one'));
  assert.deepEqual(
    none?.responses.map((r) => [r.id, r.status, r.body]),
    [['200', 200, undefined]],
  );
  assert.equal(literal?.responses[0]?.template, false, 'imported text is sent as written');
});

test('a base path is a prefix without its trailing slash: / is none, /api/ is /api, api is /api', async () => {
  const paths = async (basePath: string) =>
    (
      await importOpenApi(
        { document: document({ '/items/{id}': { get: { responses: { '200': ok() } } } }) },
        { basePath },
      )
    ).routes.map((route) => route.path);
  assert.deepEqual(await paths('/'), ['/items/:id']);
  assert.deepEqual(await paths(''), ['/items/:id']);
  assert.deepEqual(await paths('/api/'), ['/api/items/:id']);
  assert.deepEqual(await paths('api'), ['/api/items/:id']);
});

test("an operation's own servers, else its path item's, override the document's: routes live under their path", async () => {
  const get = (servers?: unknown) => ({
    get: { ...(servers !== undefined && { servers }), responses: { '200': ok() } },
  });
  const input = {
    document: document(
      {
        '/plain': get(),
        '/path-level': { servers: [{ url: '/v1' }], ...get() },
        '/operation-level': { servers: [{ url: '/v1' }], ...get([{ url: '/v3' }]) },
        '/other-host': get([{ url: 'https://other.example.com/{version}', variables: { version: { default: 'v4' } } }]),
        '/empty-list': get([]),
        '/console': get([{ url: '/__console' }]),
      },
      { servers: [{ url: 'https://api.example.com/v2' }] },
    ),
  };
  const { routes, warnings } = await importOpenApi(input);
  assert.deepEqual(
    routes.map((route) => route.path),
    ['/v2/plain', '/v1/path-level', '/v3/operation-level', '/v4/other-host', '/v2/empty-list', '/v2/console'],
  );
  assert.deepEqual(warnings.length, 2);
  // Served under its server's path, as the others: a client sends its requests to the other host until told.
  assert.equal(
    warnings[0],
    "GET /other-host: the real API serves it on another host, other.example.com (its own server; the document's is api.example.com); the mock serves it with the others, at /v4/other-host: send a client's requests for other.example.com to the mock too",
  );
  assert.match(
    warnings[1] ?? '',
    /^GET \/console: no route can have a path under \/__console, the path of its own server \(.*\); imported under the document's$/,
  );
  // A base path given is put before every path, whatever the servers say.
  const based = await importOpenApi(input, { basePath: '/api' });
  assert.ok(based.routes.every((route) => route.path.startsWith('/api/')));
});

test('a binary response (an image, a PDF) is not sampled into text: empty until given a file, with a warning', async () => {
  const binary = (type: string, extra = {}) => ({
    description: 'Bytes',
    content: { [type]: { schema: { type: 'string', format: 'binary' }, ...extra } },
  });
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/logo': { get: { responses: { '200': binary('image/png') } } },
      '/report': { get: { responses: { '200': binary('application/pdf', { example: '%PDF-1.7' }) } } },
      '/export': {
        get: { responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } } } },
      },
    }),
  });
  const [logo, report, csv] = checkRoutes(routes);
  assert.equal(logo?.responses[0]?.body, undefined);
  assert.equal(logo?.responses[0]?.headers['content-type'], 'image/png');
  assert.ok(
    warnings.includes(
      'GET /logo response 200: image/png is binary; answers with an empty body until you give it a file (body.file)',
    ),
  );
  assert.deepEqual(report?.responses[0]?.body, { text: '%PDF-1.7' }, 'an example written for it is used');
  assert.equal(
    typeof (csv?.responses[0]?.body as { text?: unknown } | undefined)?.text,
    'string',
    'text is still sampled',
  );
});

test('request bodies other than JSON, ignored or unsendable headers and unknown methods are reported, not imported', async () => {
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/upload': {
        post: {
          parameters: [
            { name: 'Authorization', in: 'header', schema: { type: 'string' } },
            // No client can send it: a route requiring it could only refuse, and it would not be stored.
            { name: 'Trace Id', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          ],
          requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } },
          responses: { '200': ok() },
        },
        trace: { responses: { '200': ok() } },
      },
      '/__console/api': { get: { responses: { '200': ok() } } },
      // Two parameters with nothing between them: no path a router can match, so that operation alone is skipped.
      '/pair/{x}{y}': { get: { responses: { '200': ok() } } },
      'x-internal': { note: 'an extension, not a path' },
    }),
  });
  const [route] = checkRoutes(routes);
  assert.equal(routes.length, 1);
  assert.equal(route?.validate, undefined);
  assert.deepEqual(warnings.sort(), [
    'GET /__console/api: not imported: path: paths under /__console belong to the console',
    'GET /pair/{x}{y}: the path template is malformed; skipped',
    'POST /upload: header parameter "Trace Id" is not a valid header name (no client can send it); ignored',
    'POST /upload: path parameter "id" is not in the path; ignored',
    'POST /upload: the request body is multipart/form-data; only JSON bodies are validated',
    'TRACE /upload: TRACE cannot be mocked; skipped',
  ]);
});

test("the engine's schema check drops a schema it cannot compile, with a warning", async () => {
  const { routes, warnings } = await importOpenApi(
    {
      document: document({
        '/items': {
          post: {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { type: 'object', minLength: -1 } } },
            },
            responses: { '200': ok() },
          },
        },
      }),
    },
    {
      checkSchema: (schema) => {
        try {
          engineAjv().compile(schema);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    },
  );
  assert.equal(checkRoutes(routes)[0]?.validate?.body, undefined);
  assert.match(warnings[0] ?? '', /^POST \/items: the body schema cannot be used \(schema is invalid: .*minLength/);
});

test('documents that are not OpenAPI 3.0/3.1 are refused with a message that says so', async () => {
  await rejects({ text: '', file: 'empty.json' }, /^empty\.json: the document is empty$/);
  await rejects(
    { text: '{"info": {}}', file: 'x.json' },
    /^x\.json: not an OpenAPI document: it has no "openapi" field/,
  );
  await rejects(
    { text: 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n' },
    /Swagger 2\.0 document.*Convert it/,
  );
  await rejects({ document: { openapi: '4.0.0', info: {}, paths: {} } }, /OpenAPI version "4\.0\.0" is not supported/);
  // YAML's `openapi: 3.0` is the number 3: before, "OpenAPI version 3 is not supported".
  await rejects({ document: { openapi: 3.1, info: {}, paths: {} } }, /the "openapi" field is the number 3\.1: write/);
  await rejects(
    { text: 'openapi: 3.0\ninfo: {title: t, version: "1"}\npaths: {}\n' },
    /the number 3: write the version as text/,
  );
  await rejects({ document: [1, 2] }, /not an OpenAPI document/);
  await rejects({ document: { openapi: '3.1.0', when: new Date() } }, /values JSON cannot carry/);
});

test('syntax errors name the line and column; invalid documents and broken $refs say where', async () => {
  await rejects({ text: '{"openapi": "3.1.0",\n  "info": }', file: 'api.json' }, /^api\.json:2:11: invalid JSON: /);
  await rejects(
    { text: 'openapi: 3.1.0\ninfo: [a, b\npaths: {}\n', file: 'api.yaml' },
    /^api\.yaml:\d+:\d+: invalid YAML: /,
  );
  await rejects({ text: 'openapi: 3.0.0\nopenapi: 3.0.1\n' }, /invalid YAML: Map keys must be unique/);
  // Named where it is, as a number JSON cannot write (`1e400`) is: a key alone says nothing in a long document.
  await rejects(
    { text: 'openapi: 3.1.0\npaths:\n  /pets/{id}:\n    get:\n      x-limit: [1, .nan]\n', file: 'api.yaml' },
    /^api\.yaml: the number at paths\.\/pets\/\{id\}\.get\.x-limit\.1 is out of range: JSON numbers here are finite/,
  );
  await rejects(
    { document: document({ '/a': { get: { responses: { '200': { content: {} } } } } }) },
    /does not follow the OpenAPI schema: #\/paths\/~1a\/get\/responses\/200 must have required property 'description'/,
  );
  await rejects(
    { document: document({ '/a': { get: { responses: { '200': ok({ $ref: '#/components/schemas/Nope' }) } } } }) },
    /a \$ref at #\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema points to "#\/components\/schemas\/Nope", which does not exist/,
  );
});

// A hang here would be the defect: the timeout turns it into a failure.
test('oversized, deeply nested and self-expanding documents are refused or bounded', { timeout: 120_000 }, async () => {
  await rejects(
    { text: `{"openapi":"3.1.0","pad":"${'x'.repeat(2000)}"}`, file: 'big.json' },
    /^big\.json: the document is \d+ bytes, more than the import's limit of 1000 bytes: import it in parts \(documents of fewer paths\)$/,
    { maxBytes: 1000 },
  );
  const deepJson = `{"openapi":"3.1.0","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  await rejects({ text: deepJson }, /JSON nested deeper than the limit of 80 levels/);
  await rejects({ text: `openapi: 3.1.0\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n` }, /nest|deeper/);
  await rejects({ text: 'openapi: 3.1.0\nx: &a [1, *a]\n' }, /nest/);
  const deepValue = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
  await rejects({ document: { openapi: '3.1.0', x: deepValue } }, /JSON nested deeper than the limit/);
  const cyclic: Record<string, unknown> = { openapi: '3.1.0' };
  cyclic.self = cyclic;
  await rejects({ document: cyclic }, /JSON nested deeper than the limit/);

  // 40 schemas that each use the next twice: inlined (as a parameter) that is 2^40 nodes.
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) {
    const next = { $ref: `#/components/schemas/S${i + 1}` };
    schemas[`S${i}`] = i === 39 ? { type: 'string' } : { type: 'object', properties: { a: next, b: next } };
  }
  const expanding = (where: 'query' | 'body') =>
    document(
      {
        '/x': {
          post: {
            ...(where === 'query' && {
              // A list (the query style the engine reads), so its items are written out in full.
              parameters: [
                { name: 'q', in: 'query', schema: { type: 'array', items: { $ref: '#/components/schemas/S0' } } },
              ],
            }),
            ...(where === 'body' && {
              requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/S0' } } } },
            }),
            responses: { '200': ok({ $ref: '#/components/schemas/S0' }) },
          },
        },
      },
      { components: { schemas } },
    );
  await rejects({ document: expanding('query') }, /schemas expand to more than the import can hold|nests deeper/);
  // As a body the schemas stay shared ($defs); only the generated example would explode, so it is not generated.
  const { routes, warnings } = await importOpenApi({ document: expanding('body') });
  const [route] = checkRoutes(routes);
  const body = route?.validate?.body;
  assert.equal(Object.keys(body?.$defs as JsonObject).length, 39, 'S1…S39, each once; S0 is the body itself');
  assert.equal(route?.responses[0]?.body, undefined);
  assert.ok(warnings.some((warning) => /too large to generate/.test(warning)));

  const million = await importOpenApi({
    document: document({ '/x': { get: { responses: { '200': ok({ type: 'array', minItems: 1e9, items: {} }) } } } }),
  });
  assert.equal(million.routes[0]?.responses[0]?.body, undefined);
});

test('a parsed document handed in is not changed', async () => {
  const input = JSON.parse(readFileSync(join(FIXTURES, 'fastapi-tutorial.openapi.json'), 'utf8'));
  const before = JSON.stringify(input);
  await importOpenApi({ document: input });
  assert.equal(JSON.stringify(input), before);
});

test('a documented 1xx response is skipped with a warning: a route answers with a final status', async () => {
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/socket': { get: { operationId: 'socket', responses: { '101': { description: 'Switching' }, '200': ok() } } },
    }),
  });
  const [route] = checkRoutes(routes);
  assert.deepEqual(
    route?.responses.map((response) => response.status),
    [200],
  );
  assert.ok(
    warnings.includes('GET /socket: response "101" is an interim (1xx) answer, which a route cannot give; skipped'),
  );
});

test('documented headers the engine sets from the body (Content-Length, Trailer…) are left out with a warning', async () => {
  const header = (example: string) => ({ schema: { type: 'string' }, example });
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/sums': {
        get: {
          operationId: 'sums',
          responses: {
            '200': {
              ...ok({ type: 'object' }),
              headers: { Trailer: header('X-Sum'), 'Content-Length': header('12'), 'X-Rate': header('5') },
            },
          },
        },
      },
    }),
  });
  const [route] = checkRoutes(routes);
  assert.deepEqual(route?.responses[0]?.headers, { 'content-type': 'application/json', 'x-rate': '5' });
  for (const name of ['Trailer', 'Content-Length'])
    assert.ok(
      warnings.some((warning) => warning.includes(`header "${name}" is the engine's to set from the body it sends`)),
      `${name}: ${warnings.join(' | ')}`,
    );
});

test('a response $ref that rounds in a circle or leads to a schema is imported empty, with a warning', async () => {
  const { routes, warnings } = await importOpenApi({
    document: document(
      {
        '/circle': { get: { operationId: 'circle', responses: { '200': { $ref: '#/components/responses/A' } } } },
        '/schema': { get: { operationId: 'schema', responses: { '200': { $ref: '#/components/schemas/S' } } } },
      },
      {
        components: {
          responses: { A: { $ref: '#/components/responses/B' }, B: { $ref: '#/components/responses/A' } },
          schemas: { S: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    ),
  });
  const checked = checkRoutes(routes);
  for (const id of ['circle', 'schema']) {
    const [response] = byId(checked, id).responses;
    assert.equal(response?.status, 200);
    assert.equal(response?.body, undefined);
  }
  assert.deepEqual(warnings, [
    'GET /circle response 200: not a Response object (its $ref "#/components/responses/A" leads in a circle); ' +
      'answers with an empty body',
    'GET /schema response 200: not a Response object (it has no description); answers with an empty body',
  ]);
});

test('list and object parameters sent in a style the engine does not read are not checked, with a warning', async () => {
  const list = { type: 'array', items: { type: 'integer' } };
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/p/{ids}': {
        parameters: [{ name: 'X-Token', in: 'header', required: true, schema: { type: 'integer' } }],
        get: {
          operationId: 'styles',
          parameters: [
            { name: 'ids', in: 'path', required: true, schema: list },
            { name: 'tags', in: 'query', schema: list },
            { name: 'csv', in: 'query', explode: false, schema: list },
            { name: 'pipe', in: 'query', style: 'pipeDelimited', schema: list },
            { name: 'filter', in: 'query', style: 'deepObject', schema: { type: 'object' } },
            { name: 'x-token', in: 'header', schema: { type: 'string' } },
          ],
          responses: { '200': ok() },
        },
      },
    }),
  });
  const [route] = checkRoutes(routes);
  // Repeated keys (?tags=1&tags=2), the query list the engine reads, keep their schema; the others take anything.
  assert.deepEqual(route?.validate?.query?.properties, { tags: list, csv: {}, pipe: {}, filter: {} });
  assert.deepEqual(route?.validate?.params?.properties, { ids: {} });
  // The operation's own x-token overrides the path item's X-Token: one header, optional, a string.
  assert.deepEqual(route?.validate?.headers, { type: 'object', properties: { 'x-token': { type: 'string' } } });
  for (const [place, name, style] of [
    ['path', 'ids', 'as style "simple"'],
    ['query', 'csv', 'as style "form"'],
    ['query', 'pipe', 'as style "pipeDelimited"'],
    ['query', 'filter', 'as style "deepObject"'],
  ])
    assert.ok(
      warnings.includes(
        `GET /p/{ids} ${place} parameter ${name}: a list or object sent ${style}, which the engine does not read; its value is not checked`,
      ),
      `${name}: ${warnings.join(' | ')}`,
    );
});

test('a readOnly property is not required in a request, declared beside the schema that requires it in allOf', async () => {
  const base = { type: 'object', properties: { id: { type: 'integer', readOnly: true } } };
  const { routes } = await importOpenApi({
    document: document(
      {
        '/users': {
          post: {
            operationId: 'create',
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
            },
            responses: { '201': ok({ $ref: '#/components/schemas/User' }) },
          },
        },
      },
      {
        components: {
          schemas: {
            Base: base,
            User: {
              allOf: [
                { $ref: '#/components/schemas/Base' },
                { type: 'object', required: ['id', 'name'], properties: { name: { type: 'string' } } },
              ],
            },
          },
        },
      },
    ),
  });
  const [route] = checkRoutes(routes);
  const validate = new Ajv2020({ strict: false }).compile(route?.validate?.body as object);
  // Before: {"name": "a"} was refused for the missing id the server assigns.
  assert.equal(validate({ name: 'a' }), true, JSON.stringify(validate.errors));
  assert.equal(validate({}), false, 'name is still required');
});

test('a number JSON cannot write (1e400) refuses the document, naming where it is', async () => {
  const text =
    '{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/n":{"get":{"parameters":[{"name":"n",' +
    '"in":"query","schema":{"type":"integer","maximum":1e400}}],"responses":{"200":{"description":"ok"}}}}}}';
  // Before: imported without that operation, warned as "validate.query.properties: Invalid input".
  await rejects({ text }, /^the number at paths\.\/n\.get\.parameters\.0\.schema\.maximum is out of range/);
});

test('a document of webhooks only, or without paths, imports no routes and says why', async () => {
  const hook = {
    post: { requestBody: { content: { 'application/json': { schema: {} } } }, responses: { '200': ok() } },
  };
  for (const extra of [{ webhooks: { newPet: hook } }, { paths: {}, webhooks: { newPet: hook } }]) {
    const { routes, warnings } = await importOpenApi({
      document: { openapi: '3.1.0', info: { title: 'Hooks', version: '1' }, ...extra },
    });
    assert.deepEqual(routes, []);
    assert.deepEqual(warnings, [
      'the document describes no paths (webhooks and callbacks are not imported): no routes to add',
    ]);
  }
});

test('a generated body that breaks its own schema is named in a warning, checked as the engine validates', async () => {
  const schema = {
    type: 'object',
    required: ['code', 'email', 'n', 'tags'],
    properties: {
      code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]+$' },
      email: { type: 'string', format: 'email' },
      n: { type: 'integer', minimum: 5, multipleOf: 7 },
      tags: { type: 'array', minItems: 2, uniqueItems: true, items: { type: 'string' } },
    },
  };
  const fine = {
    type: 'object',
    properties: { id: { type: 'string', format: 'uuid' }, at: { type: 'string', format: 'date-time' } },
  };
  const { routes, warnings } = await importOpenApiRoutes(
    {
      document: document({
        '/codes': { get: { responses: { '200': ok(schema) } } },
        '/fine': { get: { responses: { '200': ok(fine) } } },
        // An example the document gives is its author's word: used as written, not judged.
        '/written': {
          get: {
            responses: {
              '200': { description: 'OK', content: { 'application/json': { schema, example: { code: 'x' } } } },
            },
          },
        },
      }),
    },
    [],
    { maxJsonDepth: 32 },
  );
  assert.deepEqual(warnings, [
    'GET /codes response 200: the body generated from the schema does not satisfy it (/code must match pattern "^[A-Z]{3}-[0-9]+$" and 2 more); served as generated until you write one that does',
  ]);
  assert.deepEqual(routes.find((route) => route.path === '/written')?.responses[0]?.body, { json: { code: 'x' } });
  const served = routes.find((route) => route.path === '/codes')?.responses[0]?.body;
  assert.deepEqual(served, { json: { code: 'string', email: 'user@example.com', n: 5, tags: ['string', 'string'] } });
});

test('texts cut to what a route keeps, and what openapi-sampler says, are warnings of the operation', async (t) => {
  const long = (length: number) => 'x'.repeat(length);
  const written = t.mock.method(console, 'warn', () => undefined);
  const { routes, warnings } = await importOpenApi({
    document: document({
      '/events': {
        get: {
          summary: long(300),
          description: long(5000),
          parameters: [{ in: 'query', name: 'q', description: long(4500), schema: { type: 'string' } }],
          responses: {
            '200': { ...ok({ type: 'string', format: 'date-time', maxLength: 10 }), description: long(250) },
          },
        },
      },
    }),
  });
  const [route] = checkRoutes(routes);
  assert.equal(route?.name?.length, 200);
  assert.ok(route?.name?.endsWith('…'));
  assert.equal(route?.description?.length, 4000);
  assert.equal(route?.responses[0]?.name?.length, 200);
  assert.equal(written.mock.callCount(), 0, 'nothing written to the console');
  assert.deepEqual(warnings.sort(), [
    'GET /events query parameter q: the description is 4500 characters long; cut to the 4000 the route keeps',
    'GET /events response 200: generating the body: Using maxLength = 10 is incorrect with format "date-time"',
    'GET /events response 200: the description is 250 characters long; cut to the 200 the route keeps',
    'GET /events: the description is 5000 characters long; cut to the 4000 the route keeps',
    'GET /events: the summary is 300 characters long; cut to the 200 the route keeps',
  ]);
});
