import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApiRoutes } from '../src/server/openapi/openapi-routes-import';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Imported routes served by a real engine: what a client of the documented API sends is taken, what it may not send
// is refused.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

/** Imports the document in-process, as the CLI does, and adds its routes to the engine; gives back the warnings. */
async function serve(document: unknown): Promise<string[]> {
  const { routes, warnings } = await openApiRoutes({ document }, { maxJsonDepth: 64 });
  for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);
  return warnings;
}

async function send(method: string, path: string, contentType: string, body: string) {
  const response = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': contentType }, body });
  return { status: response.status, body: await response.text() };
}

const json = (method: string, path: string, body: unknown) =>
  send(method, path, 'application/json', JSON.stringify(body));

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

test('a discriminator picks the oneOf option by its value: explicit mapping, else the schema name', async () => {
  const pets = { oneOf: [ref('Cat'), ref('Dog')], discriminator: { propertyName: 'pet_type' } };
  const warnings = await serve({
    openapi: '3.0.3',
    info: { title: 'Pets', version: '1' },
    paths: {
      '/pets': {
        patch: {
          requestBody: { content: { 'application/json': { schema: pets } } },
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: pets } } } },
        },
      },
      // Cat and Dog inherit Pet's discriminator: it picks between them as the one beside the oneOf does.
      '/inherited': {
        patch: {
          requestBody: { content: { 'application/json': { schema: { oneOf: [ref('Cat'), ref('Dog')] } } } },
          responses: { '204': { description: 'ok' } },
        },
      },
      '/options': {
        patch: {
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  oneOf: [ref('One'), ref('Two')],
                  discriminator: {
                    propertyName: 'discrim',
                    mapping: { 'Option One': '#/components/schemas/One', 'Option Two': 'Two' },
                  },
                },
              },
            },
          },
          responses: { '204': { description: 'ok' } },
        },
      },
      '/inline': {
        patch: {
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  oneOf: [ref('One'), { type: 'object', properties: { discrim: { type: 'string' } } }],
                  discriminator: { propertyName: 'discrim' },
                },
              },
            },
          },
          responses: { '204': { description: 'ok' } },
        },
      },
    },
    components: {
      schemas: {
        // Neither Cat nor Dog requires a property the other lacks: only the discriminator tells them apart.
        Pet: {
          type: 'object',
          required: ['pet_type'],
          properties: { pet_type: { type: 'string' } },
          discriminator: { propertyName: 'pet_type' },
        },
        Cat: {
          allOf: [ref('Pet'), { type: 'object', properties: { hunts: { type: 'boolean' }, age: { type: 'integer' } } }],
        },
        Dog: { allOf: [ref('Pet'), { type: 'object', properties: { bark: { type: 'boolean' } } }] },
        One: {
          type: 'object',
          required: ['discrim'],
          properties: { discrim: { type: 'string' }, optionone: { type: 'number' } },
        },
        Two: {
          type: 'object',
          required: ['discrim'],
          properties: { discrim: { type: 'string' }, optiontwo: { type: 'string' } },
        },
      },
    },
  });

  assert.equal((await json('PATCH', '/pets', { pet_type: 'Cat', hunts: true, age: 3 })).status, 200);
  assert.equal((await json('PATCH', '/pets', { pet_type: 'Dog', bark: false })).status, 200);
  assert.equal((await json('PATCH', '/pets', { pet_type: 'Bird' })).status, 422, 'a value that picks no option');
  assert.equal((await json('PATCH', '/pets', { pet_type: 'Cat', age: 'old' })).status, 422, 'the option picked fails');
  assert.equal((await json('PATCH', '/inherited', { pet_type: 'Cat', hunts: true })).status, 204);
  assert.equal((await json('PATCH', '/inherited', { pet_type: 'Bird' })).status, 422);
  assert.equal((await json('PATCH', '/options', { discrim: 'Option One', optionone: 1.5 })).status, 204);
  assert.equal((await json('PATCH', '/options', { discrim: 'Option Two', optiontwo: 'x' })).status, 204);
  assert.equal((await json('PATCH', '/options', { discrim: 'One' })).status, 422, 'mapped: the value, not the name');

  // The generated answer carries the tag of the option it was generated from, so it satisfies its schema.
  const answer = await json('PATCH', '/pets', { pet_type: 'Dog' });
  assert.equal(JSON.parse(answer.body).pet_type, 'Cat');
  assert.deepEqual(
    warnings.filter((warning) => !warning.startsWith('schema Pet:')),
    [
      'PATCH /inline request body: the discriminator is dropped (option 2 is not a schema of components.schemas and no mapping names it); the oneOf validates without it',
    ],
  );
  assert.match(
    warnings.join('\n'),
    /schema Pet: the discriminator has no oneOf or anyOf beside it to pick from; dropped/,
  );
});

test('a body in another media type the operation declares is taken unchecked; one it does not declare is refused', async () => {
  const pet = {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
  };
  const created = { '201': { description: 'created' } };
  const warnings = await serve({
    openapi: '3.0.3',
    info: { title: 'Pet store', version: '1' },
    paths: {
      '/pet': {
        post: {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('Pet') },
              'application/xml': { schema: ref('Pet') },
              // The same model as form fields: the engine checks those against it.
              'application/x-www-form-urlencoded': { schema: ref('Pet') },
            },
          },
          responses: created,
        },
      },
      '/upload': {
        post: {
          requestBody: {
            content: {
              'application/json': { schema: ref('Pet') },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string' } } } },
              'text/*': { schema: { type: 'string' } },
            },
          },
          responses: created,
        },
      },
    },
    components: { schemas: { Pet: pet } },
  });

  const xml = '<Pet><name>Rex</name></Pet>';
  assert.equal((await send('POST', '/pet', 'application/xml; charset=utf-8', xml)).status, 201);
  assert.equal((await json('POST', '/pet', { name: 'Rex', age: 3 })).status, 201);
  assert.equal((await json('POST', '/pet', { age: 3 })).status, 422, 'JSON is checked');
  assert.equal((await send('POST', '/pet', 'application/x-www-form-urlencoded', 'name=Rex&age=3')).status, 201);
  assert.equal(
    (await send('POST', '/pet', 'application/x-www-form-urlencoded', 'age=3')).status,
    422,
    'form fields too',
  );
  const undeclared = await send('POST', '/pet', 'text/plain', xml);
  assert.equal(undeclared.status, 422, 'a media type the operation does not declare');
  assert.match(undeclared.body, /model_attributes_type/);

  const multipart = '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nhello\r\n--b--\r\n';
  assert.equal((await send('POST', '/upload', 'multipart/form-data; boundary=b', multipart)).status, 201);
  assert.equal((await send('POST', '/upload', 'text/csv', 'a,b\n1,2\n')).status, 201, 'text/* declared');
  assert.equal((await send('POST', '/upload', 'application/octet-stream', 'bytes')).status, 422);

  assert.deepEqual(warnings.sort(), [
    'POST /pet: a request body in application/xml is not validated (taken as sent)',
    'POST /upload: a request body in multipart/form-data or text/* is not validated (taken as sent)',
  ]);
});

test('a pattern is kept when the engine can run it (RE2), JavaScript unicode mode aside; one it cannot is dropped alone', async () => {
  const hex = '[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}';
  const query = (name: string, pattern: string) => ({ in: 'query', name, schema: { type: 'string', pattern } });
  const warnings = await serve({
    openapi: '3.0.3',
    info: { title: 'Patterns', version: '1' },
    paths: {
      '/keys': {
        get: {
          parameters: [
            // Literal braces: JavaScript refuses them in unicode mode, RE2 reads them as text.
            query('key', `^(?:{${hex}}|${hex})$`),
            // Python's named group, which RE2 reads too.
            query('tag', '^(?P<tag>[a-z]+)$'),
            // A lookbehind RE2 cannot run: that pattern alone is dropped, the rest of the query is still checked.
            query('after', '(?<=a)b'),
            { in: 'query', name: 'page', schema: { type: 'integer' } },
          ],
          responses: { '204': { description: 'ok' } },
        },
      },
    },
  });
  const get = async (search: string) => (await fetch(`${server.url}/keys?${search}`)).status;
  const key = '0123-4567-89ab-cdef-0123-4567-89ab-cdef';
  assert.equal(await get(`key=${encodeURIComponent(`{${key}}`)}`), 204);
  assert.equal(await get(`key=${key}`), 204);
  assert.equal(await get('key=0123'), 422);
  assert.equal(await get('tag=abc'), 204);
  assert.equal(await get('tag=ABC'), 422);
  assert.equal(await get('after=xyz'), 204);
  assert.equal(await get('page=x'), 422);
  assert.deepEqual(warnings, [
    'GET /keys query parameter after: pattern "(?<=a)b" is dropped: not a pattern the engine can run: invalid named capture at `(?<=a)b` (patterns use RE2 syntax: no lookaround, no backreferences)',
  ]);
});
