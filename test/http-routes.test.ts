import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import Router from '@koa/router';
import { jsonBody } from '../src/server/http/json-body';
import { type RouteInput, RouteSchema } from '../src/shared/mounts/route';
import type { RequestLogEntry } from '../src/shared/request-log';
import { startMountsApp } from './helpers/http-mounts-app';

const route = (input: RouteInput) => RouteSchema.parse(input);

const dir = mkdtempSync(join(tmpdir(), 'routes-'));
mkdirSync(join(dir, 'files'));
writeFileSync(join(dir, 'files', 'report.csv'), 'a,b\n1,2\n');
writeFileSync(join(dir, 'files', 'user-7.json'), '{"id":7}');
writeFileSync(join(dir, 'secret.txt'), 'not for clients');
writeFileSync(join(dir, 'settings.json'), '{"apiKey":"not for clients"}');

// A "pack" after the user's mounts: it reads JSON bodies with the engine's own parser.
const pack = new Router();
pack.post(
  '/pack/echo',
  jsonBody(() => ({ maxBodyBytes: 4096, maxJsonDepth: 8 })),
  (ctx) => {
    ctx.body = { pack: ctx.request.body ?? null };
  },
);

const app = await startMountsApp(
  {
    routes: [
      route({
        id: 'search',
        path: '/search',
        responses: [
          { id: 'page-2', when: { query: { page: 2 } }, body: { json: { page: 2 } } },
          { id: 'admin', when: { headers: { 'X-Role': { regex: '^adm' } } }, body: { json: { admin: true } } },
          {
            id: 'token',
            when: { headers: { 'x-token': { exists: true } } },
            body: { json: { token: '{{headers.x-token}}' } },
          },
        ],
      }),
      route({
        id: 'orders-vip',
        method: 'POST',
        path: '/orders',
        responses: [
          {
            id: 'vip',
            when: {
              body: [
                { path: '$.customer.tier', equals: 'gold' },
                { path: '$.items[*].sku', regex: '^VIP-' },
              ],
            },
            status: 201,
            body: { json: { vip: true, order: '{{body}}' } },
          },
        ],
      }),
      route({
        id: 'orders',
        method: 'POST',
        path: '/orders',
        responses: [
          {
            id: 'created',
            when: { body: [{ path: '$.items', exists: true }] },
            status: 201,
            headers: { Location: '/orders/{{counter}}' },
            body: { json: { id: '{{counter}}', items: '{{body.items}}', count: '{{length body.items}}' } },
          },
        ],
      }),
      route({
        id: 'pack-shadow',
        method: 'POST',
        path: '/pack/echo',
        responses: [{ id: 'never', when: { body: [{ path: '$.shadow', equals: true }] }, body: { json: 'shadowed' } }],
      }),
      route({
        id: 'form',
        method: 'POST',
        path: '/login',
        responses: [
          { id: 'ok', when: { body: [{ path: '$.user', equals: 'ada' }] }, body: { text: 'welcome {{body.user}}' } },
          { id: 'text', when: { body: [{ path: '$', contains: 'hello' }] }, body: { text: 'you said: {{body}}' } },
        ],
      }),
      route({
        id: 'sequence',
        path: '/sequence',
        responseMode: 'sequential',
        responses: [
          { id: 'one', body: { json: 1 } },
          { id: 'two', when: { query: { skip: { exists: false } } }, body: { json: 2 } },
          { id: 'three', body: { json: 3 } },
        ],
      }),
      route({
        id: 'random',
        path: '/random',
        responseMode: 'random',
        responses: [
          { id: 'never', when: { query: { never: true } }, body: { json: 'never' } },
          { id: 'a', body: { json: 'a' } },
          { id: 'b', body: { json: 'b' } },
        ],
      }),
      route({
        id: 'echo',
        method: 'ANY',
        path: '/echo/*rest',
        responses: [
          {
            id: 'echo',
            headers: { 'X-Method': '{{method}}', 'Content-Type': 'application/vnd.echo+json' },
            body: {
              json: {
                method: '{{method}}',
                rest: '{{params.rest}}',
                url: '{{url}}',
                path: '{{path}}',
                q: '{{query.q}}',
                when: '{{now "YYYY"}}',
                id: '{{uuid}}',
                named: '{{counter "shared"}}',
                label: 'n={{add (default query.n 0) 1}} {{#if (eq query.q "x")}}is x{{else}}not x{{/if}}',
                fallback: '{{default query.missing "none"}}',
                quoted: '{{json query}}',
              },
            },
          },
        ],
      }),
      route({
        id: 'shared-counter',
        path: '/shared',
        responses: [{ id: 'next', body: { json: '{{counter "shared"}}' } }],
      }),
      route({
        id: 'literal',
        path: '/literal',
        responses: [
          { id: 'raw', template: false, headers: { 'X-Raw': '{{x}}' }, body: { text: '{{not a template}}' } },
        ],
      }),
      route({
        id: 'broken-at-runtime',
        path: '/broken',
        responses: [{ id: 'random-range', body: { json: { n: '{{randomInt query.low query.high}}' } } }],
      }),
      route({
        id: 'bad-header-value',
        path: '/header-injection',
        responses: [{ id: 'echo', headers: { 'X-Echo': '{{query.v}}' } }],
      }),
      route({
        id: 'typed-by-query',
        path: '/typed',
        responses: [{ id: 'typed', headers: { 'Content-Type': '{{query.type}}' }, body: { json: { ok: true } } }],
      }),
      route({
        id: 'text-echo',
        method: 'POST',
        path: '/text-echo',
        responses: [{ id: 'echo', body: { text: 'got {{body.data}}{{#if body.more}}, {{body.more}}{{/if}}' } }],
      }),
      route({
        id: 'inherited',
        method: 'POST',
        path: '/inherited',
        responses: [
          { id: 'own', body: { text: '[{{body.toLocaleString}}|{{body.a.valueOf}}|{{body.constructor}}|{{body.a}}]' } },
        ],
      }),
      route({ id: 'empty', method: 'DELETE', path: '/things/:id', responses: [{ id: 'gone', status: 200 }] }),
      route({
        id: 'report',
        path: '/report',
        responses: [
          { id: 'csv', headers: { 'Content-Disposition': 'attachment' }, body: { file: 'files/report.csv' } },
        ],
      }),
      route({
        id: 'report-again',
        path: '/report-again',
        // Out of the folder and back in: still the folder's file, served as the name was checked.
        responses: [{ id: 'csv', body: { file: `../${basename(dir)}/files/./report.csv` } }],
      }),
      route({
        id: 'user-file',
        path: '/users/:id/file',
        responses: [
          {
            id: 'file',
            headers: { 'Content-Type': 'application/x-user' },
            body: { file: 'files/user-{{params.id}}.json' },
          },
        ],
      }),
      route({
        id: 'validated',
        method: 'PUT',
        path: '/validated/:id',
        validate: {
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
          query: {
            type: 'object',
            properties: {
              verbose: { type: 'boolean' },
              tags: { type: 'array', items: { type: 'string' } },
              level: { enum: ['low', 'high'] },
            },
          },
          headers: {
            type: 'object',
            properties: { 'x-token': { type: 'string', minLength: 3 } },
            required: ['x-token'],
          },
          body: {
            type: 'object',
            properties: { name: { type: 'string', pattern: '^[a-z]+$' }, age: { type: 'integer' } },
            additionalProperties: false,
          },
        },
        responses: [
          {
            id: 'only-for-admins',
            when: { headers: { 'x-token': 'admin' } },
            body: {
              json: {
                id: '{{params.id}}',
                verbose: '{{query.verbose}}',
                tags: '{{query.tags}}',
                body: '{{body}}',
              },
            },
          },
        ],
      }),
    ],
  },
  { baseDir: dir, limits: { maxBodyBytes: 1024, maxJsonDepth: 8 }, after: pack },
);

const json = (path: string, body: unknown, method = 'POST', headers: Record<string, string> = {}) =>
  fetch(`${app.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const detail = async (response: Response) => ((await response.json()) as { detail: unknown }).detail;
const answered = (response: Response) => JSON.parse(response.headers.get('x-answered-by') ?? 'null');

test('query, header and body conditions choose the response; the first that holds answers', async () => {
  assert.deepEqual(await (await fetch(`${app.base}/search?page=2`)).json(), { page: 2 });
  assert.deepEqual(await (await fetch(`${app.base}/search?page=1&page=2`)).json(), { page: 2 }, 'the last value');
  assert.deepEqual(await (await fetch(`${app.base}/search`, { headers: { 'x-role': 'admin' } })).json(), {
    admin: true,
  });
  const token = await fetch(`${app.base}/search?page=3`, { headers: { 'x-token': 'abc' } });
  assert.deepEqual(await token.json(), { token: 'abc' });
  assert.deepEqual(answered(token), { kind: 'route', id: 'search', responseId: 'token' });
});

test('a route whose conditions all fail does not answer: the next route with the same method and path may', async () => {
  const vip = await json('/orders', { customer: { tier: 'gold' }, items: [{ sku: 'A-1' }, { sku: 'VIP-9' }] });
  assert.equal(vip.status, 201);
  assert.equal(answered(vip).id, 'orders-vip');
  assert.deepEqual(await vip.json(), {
    vip: true,
    order: { customer: { tier: 'gold' }, items: [{ sku: 'A-1' }, { sku: 'VIP-9' }] },
  });
  const plain = await json('/orders', { customer: { tier: 'gold' }, items: [{ sku: 'A-1' }] });
  assert.equal(answered(plain).id, 'orders');
  const first = (await plain.json()) as { id: number };
  assert.equal(typeof first.id, 'number');
  assert.equal(plain.headers.get('location'), `/orders/${first.id}`);
  assert.deepEqual({ ...first, id: 0 }, { id: 0, items: [{ sku: 'A-1' }], count: 1 });
  // The route's own counter moves once per template use.
  const second = (await (await json('/orders', { items: [] })).json()) as { id: number };
  assert.ok(second.id > first.id);
  const none = await json('/orders', { nothing: true });
  assert.equal(none.status, 404);
});

test('a body a route read but did not answer is still there for the pack after it', async () => {
  const response = await json('/pack/echo', { shadow: false, n: 1 });
  assert.deepEqual(await response.json(), { pack: { shadow: false, n: 1 } });
  const shadowed = await json('/pack/echo', { shadow: true });
  assert.deepEqual(await shadowed.json(), 'shadowed');
  const broken = await json('/pack/echo', '{"shadow": tru');
  assert.equal(broken.status, 400);
  assert.match(String(await detail(broken)), /^Malformed JSON in request body/);
});

test('form and text bodies can be matched and read', async () => {
  const form = await fetch(`${app.base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'user=ada&pass=x',
  });
  assert.equal(await form.text(), 'welcome ada');
  assert.equal(form.headers.get('content-type'), 'text/plain; charset=utf-8');
  const text = await fetch(`${app.base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'hello there',
  });
  assert.equal(await text.text(), 'you said: hello there');
});

test('sequential mode answers each applicable response in turn; random picks only among those that apply', async () => {
  const next = async (query = '') => (await fetch(`${app.base}/sequence${query}`)).json();
  assert.deepEqual([await next(), await next(), await next(), await next()], [1, 2, 3, 1]);
  assert.deepEqual([await next('?skip=1'), await next('?skip=1')], [3, 1]);
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) seen.add((await (await fetch(`${app.base}/random`)).json()) as string);
  assert.deepEqual([...seen].sort(), ['a', 'b']);
});

test('templates read the request; a string that is one expression keeps its JSON type', async () => {
  const response = await fetch(`${app.base}/echo/a/b%20c?q=x&n=41`, { method: 'PATCH' });
  assert.equal(response.headers.get('x-method'), 'PATCH');
  assert.equal(response.headers.get('content-type'), 'application/vnd.echo+json');
  const body = (await response.json()) as Record<string, unknown> & { id: string; named: number };
  assert.match(body.id, /^[0-9a-f-]{36}$/);
  assert.equal(body.when, String(new Date().getUTCFullYear()));
  assert.deepEqual(
    { ...body, id: '', when: '', named: 0 },
    {
      method: 'PATCH',
      rest: 'a/b c',
      url: '/echo/a/b%20c?q=x&n=41',
      path: '/echo/a/b%20c',
      q: 'x',
      id: '',
      when: '',
      named: 0,
      label: 'n=42 is x',
      fallback: 'none',
      quoted: '{"q":"x","n":"41"}',
    },
  );
  // A named counter is shared by every route that names it.
  const shared = (await (await fetch(`${app.base}/shared`)).json()) as number;
  assert.equal(shared, body.named + 1);
});

test('template: false sends strings exactly as written', async () => {
  const response = await fetch(`${app.base}/literal`);
  assert.equal(response.headers.get('x-raw'), '{{x}}');
  assert.equal(await response.text(), '{{not a template}}');
});

test('a value the request breaks a template with answers 400 saying what; the engine goes on', async () => {
  // The request's values are wrong, not the route (its own literal values are checked when it is stored): 400.
  const response = await fetch(`${app.base}/broken?low=5&high=1`);
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    detail:
      'Route broken-at-runtime, response random-range: randomInt: needs two integers, min <= max (got "5" and "1")',
  });
  // A fraction is no integer (it was rounded inwards: 1 and 1.5 drew 1).
  const fraction = await fetch(`${app.base}/broken?low=1&high=1.5`);
  assert.equal(fraction.status, 400);
  assert.match(String(await detail(fraction)), /randomInt: needs two integers, min <= max \(got "1" and "1\.5"\)$/);
  const ok = await fetch(`${app.base}/broken?low=1&high=1`);
  assert.deepEqual(await ok.json(), { n: 1 });
  // Past what crypto.randomInt draws from: the helper says so itself, rather than Node's words about its arguments.
  const wide = await fetch(`${app.base}/broken?low=0&high=${2 ** 48}`);
  assert.equal(wide.status, 400);
  assert.match(String(await detail(wide)), /randomInt: max - min must be less than 281474976710655 \(got 0 and/);
  assert.equal((await fetch(`${app.base}/broken?low=0&high=${2 ** 48 - 2}`)).status, 200);
  // A header longer than clients take (a 9 KB value here; 900 KB made Node's and undici's clients fail): 413.
  const long = await fetch(`${app.base}/header-injection?v=${'x'.repeat(9000)}`);
  assert.equal(long.status, 413);
  assert.match(String(await detail(long)), /header X-Echo would be 9000 characters .*at most 8192$/);
  assert.equal((await fetch(`${app.base}/header-injection?v=${'x'.repeat(8192)}`)).headers.get('x-echo')?.length, 8192);
  // A type the request leaves empty falls back to the body's, where it sent "Content-Type: " (blank).
  const untyped = await fetch(`${app.base}/typed`);
  assert.equal(untyped.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(
    (await fetch(`${app.base}/typed?type=application/vnd.x%2Bjson`)).headers.get('content-type'),
    'application/vnd.x+json',
  );
  const injected = await fetch(`${app.base}/header-injection?v=${encodeURIComponent('a\r\nSet-Cookie: x=1')}`);
  assert.equal(injected.status, 400, 'the request, not the route, put the line break there');
  assert.match(String(await detail(injected)), /^Route bad-header-value, response echo: header X-Echo cannot carry/);
  // An object JavaScript cannot write as text, in a plain lookup and through Handlebars: the request's doing too.
  for (const body of [{ data: { toString: 1 } }, { data: 1, more: { valueOf: 'x', toString: [] } }]) {
    const unprintable = await fetch(`${app.base}/text-echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(unprintable.status, 400, JSON.stringify(body));
    assert.match(
      String(await detail(unprintable)),
      /^Route text-echo, response echo: an object it inserts as text cannot be written as text \(its own "toString"/,
    );
  }
  const printable = await fetch(`${app.base}/text-echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { a: 1 }, more: [1, 2] }),
  });
  assert.equal(await printable.text(), 'got [object Object], 1,2');
  assert.deepEqual(app.logged, []);
});

test('a template reads own properties only, and says nothing about the others on stderr', async (t) => {
  // Handlebars prints its warning (to console.error) once per property name and process: this file's own names.
  const printed: unknown[][] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => printed.push(args));
  t.mock.method(console, 'warn', (...args: unknown[]) => printed.push(args));
  const response = await fetch(`${app.base}/inherited`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ a: 7 }),
  });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '[|||7]');
  assert.deepEqual(printed, []);
});

test('a GET route answers HEAD with its headers and no body; a response without a body keeps its status', async () => {
  const head = await fetch(`${app.base}/echo/x`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('x-method'), 'HEAD');
  assert.ok(Number(head.headers.get('content-length')) > 0);
  assert.equal(await head.text(), '');
  const getOnly = await fetch(`${app.base}/shared`, { method: 'HEAD' });
  assert.equal(getOnly.status, 200);
  const empty = await fetch(`${app.base}/things/1`, { method: 'DELETE' });
  assert.equal(empty.status, 200);
  assert.equal(await empty.text(), '');
  assert.equal(empty.headers.get('content-type'), null);
});

test('file bodies are served from the workspace folder with their type; never from outside it', async () => {
  const csv = await fetch(`${app.base}/report`);
  assert.equal(csv.status, 200);
  assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(csv.headers.get('content-disposition'), 'attachment');
  assert.equal(await csv.text(), 'a,b\n1,2\n');
  assert.deepEqual(await (await fetch(`${app.base}/users/7/file`)).json(), { id: 7 });
  const missing = await fetch(`${app.base}/users/8/file`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(await missing.json(), {
    detail: 'Route user-file, response file: file "files/user-8.json" not found',
  });
  const again = await fetch(`${app.base}/report-again`);
  assert.equal(again.status, 200, 'a name with .. that stays inside the folder is served, as it was accepted');
  assert.equal(await again.text(), 'a,b\n1,2\n');
  // %2F decodes into the parameter: a templated name may climb within the folder its template names (files/),
  // never beside it (the workspace file and its other files), nor out of the workspace folder.
  assert.deepEqual(await (await fetch(`${app.base}/users/x%2F..%2F..%2Ffiles%2Fuser-7/file`)).json(), { id: 7 });
  const beside = await fetch(`${app.base}/users/x%2F..%2F..%2Fsettings/file`);
  assert.equal(beside.status, 403);
  assert.equal(
    await detail(beside),
    'Route user-file, response file: "files/user-x/../../settings.json" is outside files/, the folder its template names',
  );
  const outside = await fetch(`${app.base}/users/x%2F..%2F..%2F..%2Fsecret/file`);
  assert.equal(outside.status, 403);
  assert.match(String(await detail(outside)), /outside the workspace folder/);
});

test('validation answers 422 in FastAPI shape before any response, every problem at once, path first', async () => {
  const response = await json('/validated/0?verbose=maybe&level=mid', { name: 'Ada!', age: 1.5, extra: true }, 'PUT', {
    'x-token': 'ab',
  });
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), {
    detail: [
      {
        type: 'greater_than_equal',
        loc: ['path', 'id'],
        msg: 'Input should be greater than or equal to 1',
        // The text as sent, as FastAPI echoes it (its own tests: `/path/param-lt0/0` → `"input": "0"`).
        input: '0',
        ctx: { ge: 1 },
      },
      {
        type: 'bool_parsing',
        loc: ['query', 'verbose'],
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: 'maybe',
      },
      {
        type: 'enum',
        loc: ['query', 'level'],
        msg: "Input should be 'low' or 'high'",
        input: 'mid',
        ctx: { expected: "'low' or 'high'" },
      },
      {
        type: 'string_too_short',
        loc: ['header', 'x-token'],
        msg: 'String should have at least 3 characters',
        input: 'ab',
        ctx: { min_length: 3 },
      },
      {
        type: 'string_pattern_mismatch',
        loc: ['body', 'name'],
        msg: "String should match pattern '^[a-z]+$'",
        input: 'Ada!',
        ctx: { pattern: '^[a-z]+$' },
      },
      {
        type: 'int_from_float',
        loc: ['body', 'age'],
        msg: 'Input should be a valid integer, got a number with a fractional part',
        input: 1.5,
      },
      // Extra keys after the declared fields, as pydantic lists them.
      { type: 'extra_forbidden', loc: ['body', 'extra'], msg: 'Extra inputs are not permitted', input: true },
    ],
  });
  const missingHeader = await json('/validated/1', {}, 'PUT');
  assert.deepEqual(await detail(missingHeader), [
    { type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null },
  ]);
});

test('validated values are converted for conditions and templates (lax booleans, repeated values as lists)', async () => {
  const response = await json('/validated/5?verbose=yes&tags=a&tags=b', { name: 'ada' }, 'PUT', { 'x-token': 'admin' });
  assert.deepEqual(await response.json(), { id: 5, verbose: true, tags: ['a', 'b'], body: { name: 'ada' } });
  // Valid, but no response applies: the route does not answer.
  const other = await json('/validated/5', { name: 'ada' }, 'PUT', { 'x-token': 'someone' });
  assert.equal(other.status, 404);
});

test('bodies a route reads are bounded: too large is 413, too deep is 400', async () => {
  const large = await json('/orders', { items: ['x'.repeat(2000)] });
  assert.equal(large.status, 413);
  const deep = await json('/orders', { items: [[[[[[[[[1]]]]]]]]] });
  assert.equal(deep.status, 400);
  assert.match(String(await detail(deep)), /nested deeper than the limit of 8 levels/);
});

test('a JSON body that is not UTF-8 is a 400 saying so, from a route that reads it and from the pack', async () => {
  const latin1 = Buffer.from('{"items":["caf\xe9"]}', 'latin1');
  for (const path of ['/orders', '/pack/echo']) {
    const response = await fetch(`${app.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: latin1,
    });
    assert.equal(response.status, 400, path);
    assert.equal(
      await detail(response),
      'Request body is not valid UTF-8 (byte 0xe9 at offset 14): send JSON encoded as UTF-8',
      path,
    );
  }
});

test('a JSON key named __proto__ is refused in the same words everywhere: a schema, a condition, the pack', async () => {
  const words = 'A key named "__proto__" is not accepted in a JSON body (at /__proto__): rename the key';
  const validated = await json('/validated/1', '{"__proto__":{"name":"x"}}', 'PUT', { 'x-token': 'admin' });
  assert.equal(validated.status, 422);
  assert.deepEqual(await detail(validated), [
    { type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {}, ctx: { error: words } },
  ]);
  // The shadowing route's condition does not hold; the pack after it refuses the body.
  const packed = await json('/pack/echo', '{"__proto__":{"shadow":true}}');
  assert.equal(packed.status, 400);
  assert.equal(await detail(packed), words);
});

test('a route that does not need the body leaves it unread for the pack, even when it matches the path', async () => {
  const response = await json('/pack/echo', { untouched: true });
  assert.deepEqual(await response.json(), { pack: { untouched: true } });
});

test('the request log keeps the body a route read', async () => {
  await json('/orders', { items: [{ sku: 'logged' }] });
  const entry = app.requestLog.page(() => true, 1, true).items[0] as RequestLogEntry;
  assert.equal(entry.requestBody?.text, '{"items":[{"sku":"logged"}]}');
  assert.equal(entry.requestBody?.described, false);
});

test('a body the log does not keep as text is described, and marked so: one no route read, a file sent as bytes', async () => {
  const xml = '<thing id="1"/>';
  await fetch(`${app.base}/things/1`, { method: 'DELETE', headers: { 'content-type': 'application/xml' }, body: xml });
  const unread = app.requestLog.page(() => true, 1, true).items[0] as RequestLogEntry;
  assert.deepEqual(unread.requestBody, {
    text: `<${xml.length} bytes of application/xml, not read>`,
    size: xml.length,
    truncated: false,
    described: true,
    evicted: false,
  });
  const file = await fetch(`${app.base}/report`);
  const bytes = (await file.arrayBuffer()).byteLength;
  const served = app.requestLog.page(() => true, 1, true).items[0] as RequestLogEntry;
  assert.equal(served.responseBody?.described, true);
  assert.equal(served.responseBody?.size, bytes, "the file's size, not the description's");
  assert.equal(served.requestBody, null, 'a GET without a body has none');
});
