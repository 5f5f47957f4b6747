import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { MAX_OUTPUT_BYTES } from '../src/server/openapi/import-limits';
import { type ControlClient, controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';

/**
 * `$ref`s repeat what they point to: a document of a few lines whose refs double at each of 28 levels is hundreds of
 * millions of values written out. Used as an example or as a schema's `default` or `enum`, such a value was walked
 * whole (a 500 after 80 s for an example, seconds to minutes and the import's memory limit for the rest); it is
 * measured only as far as the routes' limit, and left out with a warning that says why.
 */

const { logger, errors } = errorLogger();
const server: MockServer = await startTestEngine({ template: 'blank', logger });
const api: ControlClient = controlClient(server);
const LIMIT = { timeout: 90_000 };

/** `#/components/schemas/d0`: a list of two `d1`s, each a list of two `d2`s… 28 levels, 2^27 strings at the end. */
const LEVELS = 28;
const doubling = Object.fromEntries(
  Array.from({ length: LEVELS }, (_, level) => [
    `d${level}`,
    level + 1 < LEVELS
      ? {
          type: 'array',
          prefixItems: [{ $ref: `#/components/schemas/d${level + 1}` }, { $ref: `#/components/schemas/d${level + 1}` }],
        }
      : { type: 'string' },
  ]),
);
const HUGE = { $ref: '#/components/schemas/d0' };

async function importDryRun(operation: Record<string, unknown>) {
  const document = {
    openapi: '3.1.0',
    info: { title: 'refs', version: '1' },
    paths: { '/x': { post: { operationId: 'x', ...operation } } },
    components: { schemas: doubling },
  };
  const started = performance.now();
  const answer = await api.post<{ warnings: string[] }>('/routes/import-openapi', {
    document: JSON.stringify(document),
    dryRun: true,
  });
  return { ...answer, ms: performance.now() - started };
}

const leftOut = (what: string) =>
  `${what} would be more than ${MAX_OUTPUT_BYTES} bytes written out (each $ref in it repeats what it points to)`;

test('an example made of doubling $refs is left out, with a warning, in moments', LIMIT, async () => {
  const answer = await importDryRun({
    responses: {
      200: {
        description: 'ok',
        headers: { 'X-Trace': { schema: { type: 'string' }, example: HUGE } },
        content: { 'application/json': { example: HUGE } },
      },
    },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
  assert.ok(answer.body.warnings.includes(`POST /x response 200: ${leftOut('an example')}; not used`));
  assert.ok(answer.body.warnings.includes(`POST /x response 200 header X-Trace: ${leftOut('an example')}; not used`));
  assert.ok(answer.ms < 30_000, `${answer.ms.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
});

test("a schema's default or enum made of doubling $refs is dropped, with a warning, in moments", LIMIT, async () => {
  const answer = await importDryRun({
    requestBody: {
      content: {
        'application/json': {
          schema: { type: 'object', properties: { a: { default: HUGE }, b: { enum: [HUGE, 1] } } },
        },
      },
    },
    responses: { 204: { description: 'done' } },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
  for (const keyword of ['default', 'enum'])
    assert.ok(
      answer.body.warnings.includes(`POST /x request body: ${leftOut(`the value of ${keyword}`)}; dropped`),
      JSON.stringify(answer.body.warnings),
    );
  assert.ok(answer.ms < 30_000, `${answer.ms.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
});

test('routes that would pass their limit together are refused with what to import instead', LIMIT, async () => {
  // Each route's answer is the shared 1.1 MB example; 32 of them pass the routes' 32 MiB.
  const paths = Object.fromEntries(
    Array.from({ length: 32 }, (_, index) => [
      `/x${index}`,
      {
        get: {
          operationId: `x${index}`,
          responses: {
            200: {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Big' } } },
            },
          },
        },
      },
    ]),
  );
  const document = {
    openapi: '3.1.0',
    info: { title: 'big', version: '1' },
    paths,
    components: { schemas: { Big: { type: 'string', example: 'x'.repeat(1_100_000) } } },
  };
  const answer = await api.post<{ detail: unknown }>('/routes/import-openapi', {
    document: JSON.stringify(document),
    dryRun: true,
  });
  assert.equal(answer.status, 422, JSON.stringify(answer.body).slice(0, 300));
  assert.match(
    JSON.stringify(answer.body.detail),
    new RegExp(
      `the routes would take more than ${MAX_OUTPUT_BYTES} bytes \\(at GET /x\\d+\\): import part of the document \\(fewer paths or operations\\), or shorten its examples and models`,
    ),
  );
  assert.deepEqual(errors, []);
});
