import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { reportUncaughtErrors } from '../src/main/error-reports';
import { decodeWorkspaceBytes } from '../src/server/workspace/workspace-file';
import { CONTROL_API_PREFIX } from '../src/shared/control-api';
import { SECTION_URLS } from '../src/shared/mounts/mount-sections';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { type ControlRoute, controlApiRoutes } from './helpers/control-routes';
import { errorLogger } from './helpers/error-logger';
import { everySectionWorkspace } from './helpers/every-section-world';
import { describe, problemWith, sometimes } from './helpers/fuzz';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A seeded property-based fuzz of the whole control API: random requests to every route its routers declare (read
// from the routers themselves, so a new route is fuzzed the day it is added), with ids that exist and ids no one
// should send, random queries, and bodies that start as valid shapes and are then bent (wrong types, extra keys,
// `__proto__`, deep nesting, long strings, huge numbers, nulls), or are not JSON at all. Every answer comes within a
// bound, below 500, a 4xx in FastAPI's shape; after each write that succeeded the workspace still exports as a file
// that opens; and at the end the health check answers, the workspace saves and opens again, and the mocked API
// answers. Each route leads rounds of its own, so none is left out by the draw (120 rounds drawn at random left 6 of
// the 63 paths unsent). FUZZ_SEED=<n> runs another seed, FUZZ_RUNS=<n> n rounds led by each route.

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 1);
/** An answer must come within this: generous for a busy 2-core machine, short of the test's own timeout. */
const BOUND_MS = 10_000;

const dir = await workspaceDir();

/** Everything the desktop app would show as an error dialog, and every error the engine logged as its own. */
const uncaught: string[] = [];
reportUncaughtErrors(process, (title, error) => uncaught.push(`${title}: ${String(error)}`));
const { logger, errors: engineBugs } = errorLogger();

const { document: startDocument, file: startFile } = await everySectionWorkspace(dir, 'Fuzzed');
const server = await startWorkspaceEngine(dir, startFile, { logger });
const api = controlClient(server);

const ROUTES = controlApiRoutes(server);

// ——— valid bodies, the starting point of every mutation —————————————————————————————

/** Stands for an open connection's id, filled in when the request is sent. */
const CONNECTION = '$connection';
const event = { type: 'CUSTOM', name: 'fuzz', value: { n: 1 } };
const scenario = startDocument.scenarios[0];
const payload = { name: 'Greeting', kind: 'text', body: 'Hallo' };
const openapi = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Fuzz', version: '1' },
  paths: { '/things/{id}': { get: { operationId: 'get-thing', responses: { '200': { description: 'ok' } } } } },
});
const mountBodies = Object.fromEntries(
  Object.entries(SECTION_URLS).flatMap(([section, url]) => {
    const items = startDocument[section as keyof typeof SECTION_URLS] as { id: string }[];
    const item = items[0];
    return [
      [`PUT /${url}`, { items }],
      [`POST /${url}`, item && { ...item, id: `${item.id}-new` }],
      [`PUT /${url}/:id`, item],
      [`DELETE /${url}/:id`, null],
      [`POST /${url}/:id/duplicate`, null],
    ];
  }),
);

/**
 * A valid body of every route that takes one (`null`: it takes none). A route that takes a body and is not here
 * fails the test: a new route gets its valid example, and is fuzzed from it.
 */
const VALID_BODIES: Record<string, unknown> = {
  ...mountBodies,
  'PATCH /server/settings': { speed: 0, heartbeatIntervalMs: 10_000, gatewayAuth: { enabled: false } },
  'DELETE /connections': null,
  'POST /connections/:id/close': { code: 1000, reason: 'bye' },
  'PATCH /connections/:id': { paused: false, latencyMs: 0 },
  'POST /connections/:id/terminate': null,
  'POST /connections/:id/messages': { text: 'hallo' },
  'POST /connections/:id/events': { events: [event], force: false },
  'POST /connections/:id/events/check': { events: [event] },
  'POST /events': { connectionIds: [CONNECTION], events: [event] },
  'POST /connections/:id/macros/:name': { text: 'Hallo', chunkSize: 2 },
  'POST /sockets/:id/messages': { json: { hello: 'everyone' } },
  'DELETE /requests': null,
  'POST /routes/import-openapi': { document: openapi, basePath: '/imported', dryRun: true },
  'PUT /collections/:id/records': { items: [{ id: 1, title: 'Dune' }] },
  'POST /collections/:id/records': { title: 'Hyperion' },
  'PUT /collections/:id/records/:recordId': { id: 1, title: 'Dune Messiah' },
  'DELETE /collections/:id/records/:recordId': null,
  'PUT /packs': { packs: [{ pack: 'agora-mock' }] },
  'POST /scenarios': { ...scenario, id: 'fuzz-scenario' },
  'PUT /scenarios/:id': scenario,
  'DELETE /scenarios/:id': null,
  'POST /scenarios/:id/run': { connectionId: CONNECTION },
  'POST /workspace/save': null,
  'POST /workspace/save-as': { path: join(dir, 'saved-as.agui.json') },
  'POST /workspace/open': { path: startFile },
  'POST /workspace/new': { template: 'generic', path: join(dir, 'new.agui.json') },
  'POST /workspace/import': startDocument,
  'POST /connections/:id/record': { name: 'Recorded' },
  'PUT /payloads': { items: [{ id: 'greeting', ...payload }] },
  'PUT /payloads/:id': payload,
  'DELETE /payloads/:id': null,
  'POST /state/users': { email: 'fuzz@example.com', name: 'Fuzz' },
  'PUT /state/users/:id': { name: 'Koen', preferences: { theme: 'dark' } },
  'DELETE /state/users/:id': null,
  'POST /state/sessions': { userId: 'koen', title: 'Fuzzed session' },
  'PUT /state/sessions/:id': { title: 'Renamed' },
  'DELETE /state/sessions/:id': null,
  'PUT /state/sessions/:id/history': {
    messages: [
      { role: 'user', content: 'Hallo' },
      { role: 'assistant', content: 'Goedemiddag' },
    ],
  },
  'POST /state/reset': null,
};

// ——— what a request is made of ————————————————————————————————————————————————————

/** Values no field expects: wrong types, nulls, huge numbers, long and odd strings, deep nesting, prototype keys. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.5,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    '{{steps.nope.id}}',
    [],
    {},
    [null],
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1000, max: 100_000 }).map((length) => 'x'.repeat(length)),
  fc.integer({ min: 20, max: 3000 }).map((depth) => nested(depth)),
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => ownKeyed(key, { polluted: true })),
);

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 ? { a: value } : [value];
  return value;
}

/** An object with `key` as its own property (as JSON.parse makes it): `__proto__` included. */
function ownKeyed(key: string, value: unknown, into: Record<string, unknown> = {}): Record<string, unknown> {
  Object.defineProperty(into, key, { value, enumerable: true, configurable: true, writable: true });
  return into;
}

/** Every place in a value that a mutation may change: the paths to its objects' keys and arrays' items. */
function placesIn(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  // Not into a deeply nested value a mutation put there: one of its first levels is enough.
  if (value === null || typeof value !== 'object' || at.length > 20) return [];
  const keys = Array.isArray(value) ? value.map((_item, index) => index) : Object.keys(value);
  return keys.flatMap((key) => [[...at, key], ...placesIn((value as Record<string, unknown>)[key], [...at, key])]);
}

type Mutation =
  | { kind: 'replace' | 'add'; place: number; key: string; value: unknown }
  | { kind: 'remove'; place: number }
  | { kind: 'whole'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      place: fc.nat(),
      key: fc.constant(''),
      value: hostileValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      place: fc.nat(),
      key: fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'id', ''),
        fc.string({ maxLength: 10 }),
      ),
      value: hostileValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), place: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('whole' as const), value: hostileValue }) },
);

/** `base` with the mutations applied, each at a place chosen among those the value has then. */
function mutated(base: unknown, mutations: readonly Mutation[]): unknown {
  let value = structuredClone(base);
  for (const change of mutations) {
    if (change.kind === 'whole') {
      value = change.value;
      continue;
    }
    const places = [[], ...placesIn(value)];
    const place = places[change.place % places.length] as (string | number)[];
    if (place.length === 0 && change.kind !== 'add') {
      value = change.kind === 'remove' ? undefined : change.value;
      continue;
    }
    const parentPath = change.kind === 'add' ? place : place.slice(0, -1);
    const parent = parentPath.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], value);
    if (parent === null || typeof parent !== 'object') continue;
    const record = parent as Record<string | number, unknown>;
    if (change.kind === 'add') {
      if (Array.isArray(parent)) parent.push(change.value);
      else ownKeyed(change.key, change.value, record);
    } else if (change.kind === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(place.at(-1)), 1);
      else delete record[place.at(-1) as string];
    } else ownKeyed(String(place.at(-1)), change.value, record);
  }
  return value;
}

const IDS_NO_ONE_HAS = [
  'does-not-exist',
  'x'.repeat(300),
  'x'.repeat(20_000),
  'a%2Fb',
  '%2F',
  '%2F..%2F..',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  encodeURIComponent('ü✓'),
  encodeURIComponent('😀'),
  '%E0%A4%A',
  '%00',
  '%',
  '..',
  '%2e%2e',
  '-1',
  '0',
  '1e999',
  'NaN',
];

/** A path parameter: one that exists when the request is sent (by its index among those), or one that does not. */
type IdChoice = { existing: number } | { literal: string };
const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((existing) => ({ existing })) },
  { weight: 2, arbitrary: fc.constantFrom(...IDS_NO_ONE_HAS).map((literal) => ({ literal })) },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 40 })
      .map((text) => ({ literal: encodeURIComponent(text) })),
  },
);

const QUERY_KEYS = [
  'limit',
  'offset',
  'before',
  'direction',
  'eventType',
  'state',
  'path',
  'pathPrefix',
  'kind',
  'method',
  'mount',
  'view',
  'userId',
  'pack',
  '__proto__',
  'constructor',
];
const queryValue = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '10001',
    '1e309',
    'NaN',
    '',
    'open',
    'closed',
    'summary',
    'full',
    'in',
    'out',
    'ws',
    'sse',
    'route:status',
    'none',
    'koen',
    '/books',
    'agora-mock',
    '%E0%A4%A',
    '%00',
    '[]',
    '{}',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
);
const query = sometimes(
  fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { minLength: 1, maxLength: 4 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&')),
  40,
);

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/octet-stream',
  'application/vnd.api+json',
];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A body as sent: the route's valid body bent by a few mutations, any JSON, or something that is not JSON. */
const body = (route: ControlRoute, method: string) => {
  const base = VALID_BODIES[`${method} ${route.path}`];
  return fc.oneof(
    {
      weight: base === undefined || base === null ? 0 : 6,
      arbitrary: fc.array(mutation, { maxLength: 3 }).map((changes) => ({ json: mutated(base, changes) })),
    },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: hostileValue.map((json) => ({ json })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc.constantFrom('', '{', '{"a":', 'null', '[1,]', '{"a":1}{"b":2}', '\ufeff{}', '{"a":1,"a":2}'),
          fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)),
        )
        .map((raw) => ({ raw })),
    },
  );
};

/** A request to `route`: mostly with a method it takes, its ids, maybe a query, a content type, and a body. */
const requestTo = (route: ControlRoute) =>
  fc
    .record({
      route: fc.constant(route),
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...route.methods) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      ids: fc.array(idChoice, { minLength: 2, maxLength: 2 }),
      query,
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
    })
    .chain((input) => body(input.route, input.method).map((sent) => ({ ...input, body: sent })));

/**
 * A round led by `route`: its request, now and then with one or two to any route at once, as the console and a
 * script may send them (races are hostile input too).
 */
const roundLedBy = (route: ControlRoute) =>
  fc
    .tuple(requestTo(route), fc.array(fc.constantFrom(...ROUTES).chain(requestTo), { maxLength: 2 }))
    .map(([led, others]) => [led, ...others]);

type FuzzRequest = ReturnType<typeof requestTo> extends fc.Arbitrary<infer T> ? T : never;

// ——— sending one ————————————————————————————————————————————————————————————————

async function ids<T>(path: string, id: (item: T) => unknown): Promise<string[]> {
  const { status, body: page } = await api.get<{ items?: T[] } | T[]>(path);
  if (status !== 200) return [];
  const items = Array.isArray(page) ? page : (page.items ?? []);
  return items.map((item) => String(id(item)));
}

const EVENT_TYPES = ['TEXT_MESSAGE_START', 'TOOL_CALL_START', 'RUN_FINISHED', 'STATE_DELTA', 'CUSTOM'];
const MACROS = ['text-message', 'tool-call', 'state-delta', 'approval-request', 'run-error'];

/** The ids that exist now for the parameter after `segment` (`connections/:id`); `parent` the one before it. */
async function existingIds(segment: string, parent: string | undefined): Promise<string[]> {
  switch (segment) {
    case 'macros':
      return MACROS;
    case 'templates':
      return EVENT_TYPES;
    case 'records': {
      const collection = await api.get<{ idField?: string }>(`/collections/${parent}`);
      const idField = collection.body?.idField ?? 'id';
      return ids<Record<string, unknown>>(`/collections/${parent}/records`, (record) => record[idField]);
    }
    case 'requests':
      return ids<{ id: string }>('/requests?view=summary', (entry) => entry.id);
    case 'users':
      return ids<{ id: string }>('/state/users', (user) => user.id);
    case 'sessions':
      return ids<{ sessionId: string }>('/state/sessions', (session) => session.sessionId);
    default:
      return ids<{ id: string }>(`/${segment}`, (item) => item.id);
  }
}

/** The request's path with its parameters filled in. */
async function target(input: FuzzRequest): Promise<string> {
  const segments = input.route.path.split('/');
  let parameter = 0;
  let parent: string | undefined;
  for (const [index, segment] of segments.entries()) {
    if (!segment.startsWith(':')) continue;
    const choice = input.ids[parameter++] as IdChoice;
    let value: string;
    if ('literal' in choice) value = choice.literal;
    else {
      const existing = await existingIds(segments[index - 1] as string, parent);
      value = encodeURIComponent(existing[choice.existing % existing.length] ?? 'none-exists');
    }
    segments[index] = value;
    parent = value;
  }
  return `${segments.join('/')}${input.query === undefined ? '' : `?${input.query}`}`;
}

/** Workspace paths only ever name files in the test's folder: the tests may run as root. */
function confined(route: string, value: unknown): unknown {
  if (!route.startsWith('/workspace/') || value === null || typeof value !== 'object') return value;
  const path = (value as { path?: unknown }).path;
  if (typeof path !== 'string' || !isAbsolute(path) || path.startsWith(`${dir}/`)) return value;
  return { ...value, path: join(dir, path.replace(/[/\\]/g, '_').slice(0, 200)) };
}

/** The body's text with the connection placeholder filled in. */
async function bodyText(input: FuzzRequest): Promise<string | Buffer | undefined> {
  if (input.body === undefined) return undefined;
  if ('raw' in input.body) return input.body.raw;
  let text = JSON.stringify(confined(input.route.path, input.body.json));
  if (text?.includes(CONNECTION)) {
    const [connection = 'none-open'] = await ids<{ id: string; state: string }>('/connections?state=open', (c) => c.id);
    text = text.replaceAll(CONNECTION, connection);
  }
  return text;
}

async function send(input: FuzzRequest) {
  const path = await target(input);
  const text = await bodyText(input);
  const withBody = text !== undefined && input.method !== 'GET' && input.method !== 'HEAD';
  const headers: Record<string, string> = { authorization: `Bearer ${server.token}` };
  if (withBody && input.contentType) headers['content-type'] = input.contentType;
  const what = `${input.method} ${path.slice(0, 200)} ${describe(typeof text === 'string' ? text.slice(0, 300) : text)}`;
  const started = performance.now();
  let response: Response;
  let answer: string;
  try {
    response = await fetch(`${server.url}${CONTROL_API_PREFIX}${path}`, {
      method: input.method,
      headers,
      body: withBody ? text : undefined,
      signal: AbortSignal.timeout(BOUND_MS),
    });
    answer = await response.text();
  } catch (error) {
    assert.fail(`no answer within ${BOUND_MS} ms (${(error as Error).message}): ${what}`);
  }
  const ms = Math.round(performance.now() - started);
  return { response, answer, what: `${what} → ${response.status} in ${ms} ms: ${answer.slice(0, 300)}` };
}

/** The workspace as its file would be written now opens again: exported whole, its bytes decoded as a file's. */
async function assertExportOpens(after: string): Promise<void> {
  const exported = await fetch(`${server.url}${CONTROL_API_PREFIX}/workspace/export`, {
    headers: { authorization: `Bearer ${server.token}` },
    signal: AbortSignal.timeout(BOUND_MS),
  });
  const bytes = new Uint8Array(await exported.arrayBuffer());
  assert.equal(
    exported.status,
    200,
    `the workspace exports after ${after}: ${Buffer.from(bytes).toString().slice(0, 300)}`,
  );
  assert.doesNotThrow(() => decodeWorkspaceBytes(bytes, 'export'), `the export opens after ${after}`);
}

/**
 * Why an answer breaks the rules (see `problemWith`), or undefined. The workspace's routes answer their failures as
 * `{"detail": WorkspaceProblem}`, documented beside FastAPI's two shapes.
 */
function errorShapeProblem(response: Response, text: string, hasBody: boolean): string | undefined {
  const problem = problemWith(response.status, response.headers.get('content-type') ?? undefined, text, hasBody);
  if (problem === undefined || !problem.includes("not FastAPI's shape")) return problem;
  const detail = (JSON.parse(text) as { detail?: Record<string, unknown> }).detail;
  const isWorkspaceProblem = ['operation', 'file', 'problem', 'message', 'at'].every((key) => key in (detail ?? {}));
  return isWorkspaceProblem ? undefined : problem;
}

/**
 * No uncaught error (the desktop app would show a dialog) and no error the engine logged as its own since `since`
 * (counts of each): a shrinking run is blamed only for what it caused.
 */
function assertNoBugs(after: string, since = { uncaught: 0, engineBugs: 0 }): void {
  assert.deepEqual(uncaught.slice(since.uncaught), [], `no uncaught error after ${after}`);
  assert.deepEqual(engineBugs.slice(since.engineBugs), [], `the engine logged no error of its own after ${after}`);
}

// ——— the runs ——————————————————————————————————————————————————————————————————

test('every route that takes a body has a valid example to fuzz from', () => {
  const missing = ROUTES.flatMap((route) =>
    route.methods.filter((m) => !['GET', 'HEAD'].includes(m)).map((m) => `${m} ${route.path}`),
  ).filter((key) => !(key in VALID_BODIES));
  assert.deepEqual(missing, []);
  assert.ok(ROUTES.length > 80, `the routers declare ${ROUTES.length} routes`);
});

/** Which route leads each round: every route RUNS_PER_ROUTE times, in an order of the seed's. */
const LEADERS = fc.sample(
  fc.shuffledSubarray(
    ROUTES.flatMap((route) => Array<ControlRoute>(RUNS_PER_ROUTE).fill(route)),
    { minLength: ROUTES.length * RUNS_PER_ROUTE },
  ),
  { seed: SEED, numRuns: 1 },
)[0] as ControlRoute[];
/** The whole fuzz must end within this: generous for a busy 2-core machine. */
const FUZZ_LIMIT_MS = 120_000;

test(`${LEADERS.length} rounds of 1–3 random control API requests, each route leading ${RUNS_PER_ROUTE}: answered in time, never a 5xx, errors in FastAPI's shape, the workspace still saves`, async (t) => {
  // Something real to point at: an open connection that ran, a closed one, a logged request, a saved payload.
  const agora = `${server.url.replace(/^http/, 'ws')}/ws`;
  const ran = await AguiSocket.open(agora);
  ran.ask('hallo');
  await ran.waitForRuns(1);
  await ran.close();
  // Left open for the fuzz to send into, close and terminate; a plain client, as the fuzz sends it any frame.
  const open = new WebSocket(agora);
  await once(open, 'open');
  open.on('error', () => {});
  await fetch(`${server.url}/books`);
  assert.equal((await api.put('/payloads/greeting', payload)).status, 201);
  const statuses = new Map<number, number>();
  const deadline = performance.now() + FUZZ_LIMIT_MS;
  // A property a round: the failing round is shrunk alone, led by its route still.
  for (const [round, route] of LEADERS.entries()) {
    assert.ok(performance.now() < deadline, `${round} of ${LEADERS.length} rounds in ${FUZZ_LIMIT_MS} ms`);
    await fc.assert(
      fc.asyncProperty(roundLedBy(route), async (inputs) => {
        const since = { uncaught: uncaught.length, engineBugs: engineBugs.length };
        const answers = await Promise.all(inputs.map(send));
        const what = answers.map((answer) => answer.what).join('\n  and at once ');
        for (const [index, { response, answer }] of answers.entries()) {
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const hasBody = inputs[index]?.method !== 'HEAD';
          assert.equal(errorShapeProblem(response, answer, hasBody), undefined, what);
        }
        assertNoBugs(what, since);
        const wrote = answers.some(({ response }, index) => response.ok && WRITES.has(inputs[index]?.method as string));
        if (wrote) await assertExportOpens(what);
      }),
      { seed: SEED + round, numRuns: 1, includeErrorInReport: true },
    );
  }
  t.diagnostic(`statuses: ${JSON.stringify([...statuses].sort(([a], [b]) => a - b))}`);
  // The run reaches the routes' own answers, not only the router's 404s and 405s.
  for (const status of [200, 201, 404, 422])
    assert.ok(statuses.has(status), `no ${status} among ${JSON.stringify([...statuses])}`);
  open.terminate();
});

test('after the fuzz: the health check answers, the workspace saves and opens again, the mocked API answers', async () => {
  const health = await fetch(`${server.url}/__console/health`, { signal: AbortSignal.timeout(BOUND_MS) });
  assert.equal(health.status, 200);
  const before = await api.get<{ path: string | null }>('/workspace');
  // A fuzzed `new` without a path leaves the world in memory only: it is saved as a file of the test's folder then.
  const saved =
    before.body.path === null
      ? await api.post('/workspace/save-as', { path: join(dir, 'after-fuzz.agui.json') })
      : await api.post('/workspace/save');
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const file = (await api.get<{ path: string }>('/workspace')).body.path;
  assert.ok(file.startsWith(dir), `saved in the test's folder: ${file}`);
  decodeWorkspaceBytes(await readFile(file), file);
  const reopened = await api.post('/workspace/open', { path: file });
  assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
  // The mocked API answers whatever the fuzz left mounted: a 404 of its own when nothing serves the path.
  const mocked = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(BOUND_MS) });
  assert.ok(mocked.status < 500, `the mocked API answers: ${mocked.status}`);
  assert.ok((await mocked.json()) !== null);
  assertNoBugs('the checks after the fuzz');
});
