import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import { RouteSchema } from '../src/shared/mounts/route';
import type { RequestLogEntry, RequestSummary } from '../src/shared/request-log';

const { routeFromRequest } = await rendererModule('features/routes/route-from-request.ts');
const {
  conditionRows,
  conditionsFrom,
  headersFrom,
  repeatedNames,
  withBodyKind,
  pathParamNames,
  paramType,
  withParamType,
} = await rendererModule('features/routes/route-form-values.ts');
const { fieldProblems, engineJsonIssues } = await rendererModule('features/routes/field-problems.ts');
const { countRequests } = await rendererModule('stores/requests-store.ts');
const { applyCollectionChanges, idText } = await rendererModule('stores/mounts-store.ts');

const logged = (patch: Partial<RequestLogEntry>): RequestLogEntry => ({
  id: 1,
  at: 0,
  method: 'GET',
  path: '/items/7',
  query: '',
  status: 200,
  durationMs: 1,
  remoteAddress: '127.0.0.1',
  requestHeaders: {},
  responseHeaders: { 'content-type': 'application/json; charset=utf-8' },
  requestBody: null,
  responseBody: { text: '{"id":7}', size: 8, truncated: false, described: false, evicted: false },
  answeredBy: { kind: 'pack', id: 'agora-mock' },
  refusal: null,
  nearMisses: [],
  ...patch,
});

test('a route from a logged request answers it as it was answered, its path literal, its id free', () => {
  const route = routeFromRequest(logged({}), ['get-items-7']);
  assert.equal(route.method, 'GET');
  assert.equal(route.path, '/items/7');
  assert.notEqual(route.id, 'get-items-7');
  assert.deepEqual(route.responses[0].body, { json: { id: 7 } });
  assert.equal(route.responses[0].status, 200);
  assert.equal(route.responses[0].template, false, 'a logged body is sent as it was, not as a template');
  // What it makes is a route the engine's schema takes.
  assert.equal(RouteSchema.safeParse(route).success, true);

  // A path as long as a route's may be: the name made from it is cut to a route name's length, not refused.
  const long = routeFromRequest(logged({ path: `/${'p'.repeat(1_999)}` }), []);
  assert.deepEqual(RouteSchema.safeParse(long).error?.issues ?? [], []);
  assert.ok(long.name.startsWith('GET /ppp'));

  // `:` and `*` in a logged path are literal, not parameters.
  const odd = routeFromRequest(logged({ path: '/a:b/*c', method: 'PURGE' }), []);
  assert.equal(odd.method, 'ANY');
  assert.deepEqual(pathParamNames(odd.path), []);
  assert.equal(RouteSchema.safeParse(odd).success, true);

  // A text answer stays text; a cut body says so.
  const text = routeFromRequest(
    logged({
      responseHeaders: { 'content-type': 'text/plain' },
      responseBody: { text: 'hello', size: 50_000, truncated: true, described: false, evicted: false },
    }),
    [],
  );
  assert.deepEqual(text.responses[0].body, { text: 'hello' });
  assert.match(text.description, /cut short/);

  // Bytes the log only described are not served as their description.
  const image = routeFromRequest(
    logged({
      responseHeaders: { 'content-type': 'image/png' },
      responseBody: {
        text: '<2048 bytes of binary data>',
        size: 2048,
        truncated: false,
        described: true,
        evicted: false,
      },
    }),
    [],
  );
  assert.equal(image.responses[0].body, undefined);
  assert.match(image.description, /was not text \(<2048 bytes of binary data>\): give the response a file/);
});

test('a route from a request nothing answered starts as a 200 with a JSON body to fill in', () => {
  const route = routeFromRequest(
    logged({
      status: 404,
      answeredBy: null,
      responseBody: { text: '{"detail":"Not Found"}', size: 22, truncated: false, described: false, evicted: false },
    }),
    [],
  );
  assert.equal(route.responses[0].status, 200);
  assert.deepEqual(route.responses[0].body, { json: {} });
  assert.match(route.description, /Nothing answered it/);
});

test('response conditions: the form rows and the `when` JSON round-trip, rows still being written left out', () => {
  const when = {
    params: { id: '7' },
    query: { q: { regex: '^a' } },
    headers: { 'x-mode': { exists: true } },
    body: [{ path: '$.kind', equals: 3 }],
  };
  const rows = conditionRows(when);
  assert.deepEqual(
    rows.map((row: { part: string; op: string }) => `${row.part}:${row.op}`),
    ['params:equals', 'query:regex', 'headers:exists', 'body:equals'],
  );
  assert.deepEqual(conditionsFrom(rows), when);
  assert.equal(conditionsFrom([{ part: 'query', name: ' ', op: 'equals', value: 'x' }]), undefined);
  assert.deepEqual(
    headersFrom([
      { name: 'X-A', value: '1' },
      { name: '', value: 'half' },
    ]),
    { 'X-A': '1' },
  );
  assert.deepEqual([...repeatedNames([{ name: 'X-A' }, { name: 'x-a ' }, { name: 'B' }])], ['x-a']);
});

test('bodies change kind keeping what they can; path parameters get FastAPI-like types', () => {
  assert.deepEqual(withBodyKind({ json: { a: 1 } }, 'text'), { text: '{\n  "a": 1\n}' });
  assert.deepEqual(withBodyKind({ text: '{"a":1}' }, 'json'), { json: { a: 1 } });
  assert.equal(withBodyKind({ json: 1 }, 'none'), undefined);
  assert.deepEqual(pathParamNames('/items/:id/*rest'), ['id', 'rest']);
  assert.deepEqual(pathParamNames('/items/:'), [], 'a path that does not parse has none');

  const typed = withParamType({ path: '/items/:id' }, 'id', 'integer');
  assert.deepEqual(typed.validate, {
    params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
  });
  assert.equal(paramType(typed, 'id'), 'integer');
  assert.equal(paramType(typed, 'other'), 'text');
  assert.deepEqual(withParamType(typed, 'id', 'text'), { path: '/items/:id' }, 'back to text: no validate left');
  const custom = { validate: { params: { properties: { id: { type: 'integer', minimum: 1 } } } } };
  assert.equal(paramType(custom, 'id'), 'custom');
});

test("field problems: the schema's and the engine's, at their fields and within them", () => {
  const problems = fieldProblems(
    [{ path: ['responses', 0, 'status'], message: 'responses.0.status: Too big' }],
    [
      { type: 'value_error', loc: ['body', 'path'], msg: 'the path does not compile' },
      { type: 'x', loc: ['query', 'q'], msg: 'not about the body' },
    ],
  );
  assert.equal(problems.at('responses', 0, 'status'), 'Too big');
  assert.equal(problems.at('path'), 'the path does not compile');
  assert.equal(problems.within('responses'), true);
  assert.equal(problems.within('method'), false);
  assert.deepEqual(engineJsonIssues([{ type: 'v', loc: ['body', 'responses', 1], msg: 'bad' }]), [
    { path: ['responses', 1], message: 'responses[1]: bad' },
  ]);
});

test('served counts go on from the engine’s, counting each request after it once', () => {
  const summary = (id: number, answeredBy: RequestSummary['answeredBy']) => ({ id, answeredBy }) as RequestSummary;
  const start = { 'route:hello': 2 };
  const next = countRequests(start, 5, [
    summary(5, { kind: 'route', id: 'hello' }),
    summary(6, { kind: 'route', id: 'hello' }),
    summary(7, null),
  ]);
  assert.deepEqual(next, { counts: { 'route:hello': 3, none: 1 }, countedThrough: 7 });
  assert.equal(countRequests(start, 9, [summary(8, null)]).counts, start, 'nothing new, nothing changed');
});

test('collection changes from the feed apply to the records in place, by id', () => {
  const books = { id: 'books', path: '/books', idField: 'id', idType: 'integer', enabled: true, records: [] };
  const [after] = applyCollectionChanges(
    [{ ...books, records: [{ id: 1, title: 'Dune' }] }],
    [
      { type: 'created', collection: 'books', id: 2, record: { id: 2, title: 'Emma' } },
      { type: 'patched', collection: 'books', id: 1, record: { id: 1, title: 'Dune Messiah' } },
      { type: 'deleted', collection: 'books', id: 2 },
      { type: 'created', collection: 'unknown', id: 1, record: { id: 1 } },
    ],
  );
  assert.deepEqual(after.records, [{ id: 1, title: 'Dune Messiah' }]);
  const [reset] = applyCollectionChanges([books], [{ type: 'reset', collection: 'books', records: [{ id: 9 }] }]);
  assert.deepEqual(reset.records, [{ id: 9 }]);
  assert.equal(idText('a'), 'a');
  assert.equal(idText(7), '7');
});
