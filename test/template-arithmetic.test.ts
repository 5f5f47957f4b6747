import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RouteInput } from '../src/shared/mounts/route';
import { buildCli, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// `add`, `subtract`, `multiply` and `divide` refuse what they cannot compute, as `randomInt` does: a request's
// values answer 400 naming the helper and the values, values written in the template are refused when stored.
// Before, they answered 200 with null ("{{divide 1 0}}" is Infinity, JSON has no such number) or "NaN" in text.

before(() => buildCli());
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

async function addRoute(route: RouteInput): Promise<void> {
  const added = await api.post('/routes', route);
  assert.equal(added.status, 201, JSON.stringify(added.body));
}

await addRoute({
  id: 'calc',
  path: '/calc',
  responses: [
    {
      id: 'all',
      body: {
        json: {
          sum: '{{add query.a query.b}}',
          difference: '{{subtract query.a query.b}}',
          product: '{{multiply query.a query.b}}',
          ratio: '{{divide query.a query.b}}',
          text: 'sum={{add query.a query.b}}',
        },
      },
    },
  ],
});
for (const helper of ['add', 'subtract', 'multiply', 'divide'])
  await addRoute({
    id: helper,
    method: 'ANY',
    path: `/${helper}`,
    responses: [{ id: 'one', body: { json: { value: `{{${helper} query.a query.b}}` } } }],
  });
await addRoute({
  id: 'body-sum',
  method: 'POST',
  path: '/body-sum',
  responses: [{ id: 'one', body: { json: { value: '{{add body.a body.b}}' } } }],
});

const calc = (query: string) => fetch(`${server.url}/calc?${query}`);

async function refused(path: string, detail: string, init?: RequestInit): Promise<void> {
  const response = await fetch(`${server.url}${path}`, init);
  assert.equal(response.status, 400, `${path}: ${response.status}`);
  assert.deepEqual(await response.json(), { detail }, path);
}

async function computed(path: string, value: unknown, init?: RequestInit): Promise<void> {
  const response = await fetch(`${server.url}${path}`, init);
  assert.equal(response.status, 200, path);
  assert.deepEqual(await response.json(), { value }, path);
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

test('a request value that is no number: 400 naming the helper and the values, not null or "NaN"', async () => {
  // The reported case: 200 {"sum":null,…,"text":"sum=NaN"} before.
  const response = await calc('a=abc&b=0');
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    detail: 'Route calc, response all: add: needs two numbers (got "abc" and "0")',
  });
  for (const helper of ['add', 'subtract', 'multiply', 'divide'])
    await refused(
      `/${helper}?a=2&b=x1`,
      `Route ${helper}, response one: ${helper}: needs two numbers (got "2" and "x1")`,
    );
  // Missing, blank, or text JavaScript reads as no finite number: none of them is a number to compute with.
  await refused('/add?b=1', 'Route add, response one: add: needs two numbers (got undefined and "1")');
  await refused('/add?a=&b=1', 'Route add, response one: add: needs two numbers (got "" and "1")');
  await refused('/add?a=%20&b=1', 'Route add, response one: add: needs two numbers (got " " and "1")');
  await refused('/add?a=1e400&b=1', 'Route add, response one: add: needs two numbers (got "1e400" and "1")');
  await refused('/add?a=Infinity&b=1', 'Route add, response one: add: needs two numbers (got "Infinity" and "1")');
  // A JSON body's values: a number is one, null, a boolean, a list or an object is not.
  await refused(
    '/body-sum',
    'Route body-sum, response one: add: needs two numbers (got null and 1)',
    postJson({ a: null, b: 1 }),
  );
  await refused(
    '/body-sum',
    'Route body-sum, response one: add: needs two numbers (got true and 1)',
    postJson({ a: true, b: 1 }),
  );
  await refused(
    '/body-sum',
    'Route body-sum, response one: add: needs two numbers (got object and 1)',
    postJson({ a: [2], b: 1 }),
  );
  await refused(
    '/body-sum',
    'Route body-sum, response one: add: needs two numbers (got object and 1)',
    postJson({ a: { n: 2 }, b: 1 }),
  );
  // Numbers and numeric text still compute, as before.
  const ok = await calc('a=3&b=1.5');
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { sum: 4.5, difference: 1.5, product: 4.5, ratio: 2, text: 'sum=4.5' });
  await computed('/add?a=-2&b=%201e3%20', 998);
  await computed('/body-sum', 1.5, postJson({ a: 1, b: '0.5' }));
});

test('a division by zero the request asks for: 400, where it answered null', async () => {
  for (const zero of ['0', '-0', '0.0', '0e5'])
    await refused(
      `/divide?a=1&b=${zero}`,
      `Route divide, response one: divide: cannot divide by zero (got "1" and "${zero}")`,
    );
  await refused('/divide?a=0&b=0', 'Route divide, response one: divide: cannot divide by zero (got "0" and "0")');
  await refused(
    '/body-sum',
    'Route body-sum, response one: add: needs two numbers (got "x" and 0)',
    postJson({ a: 'x', b: 0 }),
  );
  // Zero divided, and the other helpers given a zero, are fine.
  await computed('/divide?a=0&b=4', 0);
  await computed('/divide?a=7&b=2', 3.5);
  await computed('/multiply?a=5&b=0', 0);
  await computed('/subtract?a=0&b=0', 0);
});

test('a result past what a number holds: 400, where it answered null', async () => {
  await refused(
    '/multiply?a=1e200&b=1e200',
    'Route multiply, response one: multiply: the result is too large for a number (got "1e200" and "1e200")',
  );
  await refused(
    '/add?a=1.7e308&b=1.7e308',
    'Route add, response one: add: the result is too large for a number (got "1.7e308" and "1.7e308")',
  );
  await refused(
    '/subtract?a=-1.7e308&b=1.7e308',
    'Route subtract, response one: subtract: the result is too large for a number (got "-1.7e308" and "1.7e308")',
  );
  await refused(
    '/divide?a=1e300&b=1e-300',
    'Route divide, response one: divide: the result is too large for a number (got "1e300" and "1e-300")',
  );
  // Up to the largest number, results are as JavaScript computes them.
  await computed('/multiply?a=1e150&b=1e150', 1e150 * 1e150);
  await computed('/add?a=1.7e308&b=1e292', 1.7e308 + 1e292);
  await computed('/divide?a=1&b=1e-300', 1 / 1e-300);
});

test('arguments written in the template are checked when stored (422), as randomInt’s are', async () => {
  const stored = await api.post<{ detail: { loc: unknown[]; msg: string; input: string }[] }>('/routes', {
    id: 'literal',
    path: '/literal',
    responses: [
      {
        id: 'one',
        body: {
          json: {
            fixed: '{{add "abc" 1}}',
            byZero: '{{divide 1 0}}',
            huge: 'h={{multiply "1e200" "1e200"}}',
            flag: '{{subtract true 1}}',
            inner: '{{#if (gt (add null 1) 0)}}y{{/if}}',
          },
        },
      },
    ],
  });
  assert.equal(stored.status, 422, JSON.stringify(stored.body));
  assert.deepEqual(
    stored.body.detail.map(({ loc, msg }) => [loc.at(-1), msg]),
    [
      ['fixed', 'template error: add: needs two numbers (got "abc" and 1) (line 1, column 1)'],
      ['byZero', 'template error: divide: cannot divide by zero (got 1 and 0) (line 1, column 1)'],
      [
        'huge',
        'template error: multiply: the result is too large for a number (got "1e200" and "1e200") (line 1, column 3)',
      ],
      ['flag', 'template error: subtract: needs two numbers (got true and 1) (line 1, column 1)'],
      ['inner', 'template error: add: needs two numbers (got null and 1) (line 1, column 11)'],
    ],
  );
  assert.equal((await fetch(`${server.url}/literal`)).status, 404, 'the refused route is not served');
  // Literals that compute are stored, and give what they gave.
  await addRoute({
    id: 'literal-ok',
    path: '/literal-ok',
    responses: [
      { id: 'one', body: { json: { value: '{{add "3" 1.5}}', text: '{{divide 1 8}}/{{multiply -2 "4"}}' } } },
    ],
  });
  const ok = await fetch(`${server.url}/literal-ok`);
  assert.deepEqual(await ok.json(), { value: 4.5, text: '0.125/-8' });
});

test('agui-mock validate names a workspace’s literal arithmetic that cannot compute', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'arith-validate-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'arith.agui.json');
  await writeFile(
    file,
    JSON.stringify({
      version: 2,
      name: 'arith',
      routes: [
        {
          id: 'calc',
          path: '/calc',
          responses: [
            {
              id: 'a',
              body: {
                json: {
                  sum: '{{add query.a 1}}',
                  fixed: '{{add "abc" 1}}',
                  byZero: '{{divide 1 0}}',
                },
              },
            },
          ],
        },
      ],
    }),
  );
  // Run without holding the event loop (`finished`): this file's engine serves beside it.
  const run = await runCli(['validate', file], { AGUI_MOCK_CONFIG_DIR: dir }).finished();
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /routes\.0\.responses\.0\.body\.json\.fixed: template error: add: needs two numbers \(got "abc" and 1\)/,
  );
  assert.match(
    run.stderr,
    /routes\.0\.responses\.0\.body\.json\.byZero: template error: divide: cannot divide by zero \(got 1 and 0\)/,
  );
  assert.doesNotMatch(run.stderr, /json\.sum/, 'values from the request wait for the request');
});
