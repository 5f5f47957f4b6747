import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { importOpenApi, type OpenApiInput } from '../src/server/openapi/import-openapi';
import { OpenApiImportError } from '../src/server/openapi/openapi-import-error';
import { buildCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// An OpenAPI document that cannot be imported is refused with one line that says what and where: the schema problem
// itself, not what the validator derives from it (an `if`'s `else`, a `oneOf` as a whole, the alternatives the value
// was not meant for), and for a `$ref` that leads nowhere, the place in the document that holds it.

// The console's import runs on the npm package's build of the worker (out/lib/).
before(() => buildCli());
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

const document = (paths: unknown, extra: Record<string, unknown> = {}) => ({
  openapi: '3.1.0',
  info: { title: 'Wording', version: '1' },
  paths,
  ...extra,
});
const json = (schema: unknown) => ({ description: 'OK', content: { 'application/json': { schema } } });

/** The message importOpenApi refuses the input with. */
async function refusal(input: OpenApiInput): Promise<string> {
  try {
    await importOpenApi(input);
  } catch (error) {
    assert.ok(error instanceof OpenApiImportError, `an OpenApiImportError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the import was expected to fail');
}

/** What the console's import answers (422 `detail`) for a document. */
async function consoleRefusal(text: string): Promise<string> {
  const response = await api.post<{ detail: string }>('/routes/import-openapi', { document: text, dryRun: true });
  assert.equal(response.status, 422, JSON.stringify(response.body));
  return response.body.detail;
}

const NO_DESCRIPTION =
  "the document does not follow the OpenAPI schema: #/paths/~1items/get/responses/200 must have required property 'description'";

test('a response without a description: the missing property, not the validator\'s "else" or "oneOf"', async () => {
  const missing = document({ '/items': { get: { responses: { '200': { content: {} } } } } });
  assert.equal(await refusal({ document: missing }), NO_DESCRIPTION);
  assert.equal(await consoleRefusal(JSON.stringify(missing)), `The document cannot be imported: ${NO_DESCRIPTION}`);
  // OpenAPI 3.0 allows a Reference there: its `$ref` is not what a response without one is missing.
  const yaml =
    'openapi: 3.0.3\ninfo: {title: T, version: "1"}\npaths:\n  /items:\n    get:\n      responses:\n        "200": {content: {}}\n';
  assert.equal(await refusal({ text: yaml, file: 'api.yaml' }), `api.yaml: ${NO_DESCRIPTION}`);
});

test('a value outside an enum names the allowed values once, not each alternative it failed', async () => {
  const parameter = { name: 'q', in: 'body', schema: { type: 'string' } };
  const responses = { '200': { description: 'OK' } };
  for (const openapi of ['3.0.3', '3.1.0']) {
    const message = await refusal({
      document: { ...document({ '/items': { get: { parameters: [parameter], responses } } }), openapi },
    });
    assert.match(
      message,
      /^the document does not follow the OpenAPI schema: #\/paths\/~1items\/get\/parameters\/0\/in must be equal to one of the allowed values: "(path|query|header|cookie)", "(path|query|header|cookie)", "(path|query|header|cookie)", "(path|query|header|cookie)"$/,
      `${openapi}: ${message}`,
    );
  }
});

test('a $ref to nothing names the place that holds it', async () => {
  const dangling = document({
    '/items': { get: { responses: { '200': json({ $ref: '#/components/schemas/Nope' }) } } },
  });
  const expected =
    'a $ref at #/paths/~1items/get/responses/200/content/application~1json/schema points to ' +
    '"#/components/schemas/Nope", which does not exist';
  assert.equal(await refusal({ document: dangling }), expected);
  assert.equal(await consoleRefusal(JSON.stringify(dangling)), `The document cannot be imported: ${expected}`);

  // In a component the operations use: where it is written, not where it is reached from.
  const nested = document(
    { '/items': { get: { responses: { '200': json({ $ref: '#/components/schemas/Item' }) } } } },
    {
      components: {
        schemas: { Item: { type: 'object', properties: { owner: { $ref: '#/components/schemas/Owner' } } } },
      },
    },
  );
  assert.equal(
    await refusal({ document: nested }),
    'a $ref at #/components/schemas/Item/properties/owner points to "#/components/schemas/Owner", which does not exist',
  );
});

test('a $ref into a file beside the document, to a place the file lacks or that cannot be read, says which and where', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'openapi-wording-'));
  after(() => rm(folder, { recursive: true, force: true }));
  const fixture = resolve('test/fixtures/openapi/split');
  const main = (await readFile(join(fixture, 'main.yaml'), 'utf8')).replace(
    "'schemas.yaml#/Thing'",
    "'schemas.yaml#/Nope'",
  );
  await writeFile(join(folder, 'main.yaml'), main);
  await writeFile(join(folder, 'schemas.yaml'), await readFile(join(fixture, 'schemas.yaml'), 'utf8'));
  const at = '#/paths/~1things~1{id}/get/responses/200/content/application~1json/schema';
  assert.equal(
    await refusal({ text: main, file: join(folder, 'main.yaml') }),
    `${join(folder, 'main.yaml')}: a $ref at ${at} points to "schemas.yaml#/Nope", which does not exist`,
  );
  // A $ref to nothing inside that file: named in it.
  const schemas = await readFile(join(fixture, 'schemas.yaml'), 'utf8');
  await writeFile(join(folder, 'schemas.yaml'), `${schemas.trimEnd()}\n    gone: { $ref: '#/Gone' }\n`);
  const valid = main.replace("'schemas.yaml#/Nope'", "'schemas.yaml#/Thing'");
  await writeFile(join(folder, 'valid.yaml'), valid);
  assert.equal(
    await refusal({ text: valid, file: join(folder, 'valid.yaml') }),
    `${join(folder, 'valid.yaml')}: a $ref at schemas.yaml#/Thing/properties/gone points to "schemas.yaml#/Gone", which does not exist`,
  );
  // The same document pasted (no file): the reference is not followed, and the message says where it is.
  assert.match(
    await consoleRefusal(main),
    new RegExp(
      `^The document cannot be imported: a \\$ref at ${at.replace(/[{}]/g, '\\$&')} points to ".*schemas\\.yaml", ` +
        'which cannot be read \\(references to other files are followed only when importing from a file',
    ),
  );
});

test('a chain of hundreds of models, one inside the next: how deep and where, without a pointer of thousands of characters', async () => {
  const schemas: Record<string, unknown> = { S300: { type: 'string' } };
  for (let index = 0; index < 300; index++)
    schemas[`S${index}`] = { type: 'object', properties: { next: { $ref: `#/components/schemas/S${index + 1}` } } };
  const chain = document(
    { '/a': { get: { responses: { '200': json({ $ref: '#/components/schemas/S0' }) } } } },
    { components: { schemas } },
  );
  const message = await consoleRefusal(JSON.stringify(chain));
  assert.match(
    message,
    /^The document cannot be imported: its \$refs put schemas more than 500 deep, one inside the next \(at #\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/…\d+ levels…(\/[\w~]+){4}\): the import follows at most 500 levels; a model that refers back to itself is kept as a recursion/,
  );
  assert.ok(message.length < 400, `${message.length} characters`);
});

test('a document nested too deep is refused at the place it is too deep, not with the limit alone', async () => {
  // A real document, with one response's model nested 70 levels (a generated tree, say): past 64 + 16.
  const real = JSON.parse(
    await readFile(resolve('test/fixtures/openapi/oas-examples/parameters-common.json'), 'utf8'),
  ) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  let nested: unknown = { type: 'string' };
  for (let level = 0; level < 70; level++) nested = { type: 'object', properties: { child: nested } };
  const get = real.paths['/anything/{id}/override']?.get;
  assert.ok(get);
  get.responses['200'] = json(nested);
  const expected =
    'JSON nested deeper than the limit of 80 levels (the maxJsonDepth setting, 64, and 16 levels of the document ' +
    'around a schema) at #/paths/~1anything~1{id}~1override/get/responses/200/content/application~1json/…69 levels…/' +
    'properties/child/properties/child';
  assert.equal(await refusal({ text: JSON.stringify(real), file: 'common.json' }), `common.json: ${expected}`);
  assert.equal(await consoleRefusal(JSON.stringify(real)), `The document cannot be imported: ${expected}`);
});
