import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { reportUncaughtErrors } from '../src/main/error-reports';
import type { MockServer } from '../src/server/index';
import { CONTROL_API_PREFIX, type FeedServerMessage } from '../src/shared/control-api';
import { type MountSection, SECTION_URLS } from '../src/shared/mounts/mount-sections';
import { MAX_JSON_DEPTH_SETTING } from '../src/shared/settings';
import { agoraStore } from './helpers/agora';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { type ControlRoute, controlApiRoutes } from './helpers/control-routes';
import { errorLogger } from './helpers/error-logger';
import { everySectionWorkspace } from './helpers/every-section-world';
import { FeedClient } from './helpers/feed-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Seeded hostile input for the console's side of the engine: whatever a client sends to the control API (every route
// its routers declare, read from them), the console's files or the live feed — with or without the token, from any
// origin — the answer is a 4xx (or a success), never a 5xx, a hang, a crash or an uncaught error (which the desktop
// app would show as a dialog).
// FUZZ_SEED=<n> runs another seed.

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
/** Generous for a busy 2-core machine; a hang fails the case instead of the whole run timing out silently. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Hostile requests to each route of the control API. */
const RUNS_PER_ROUTE = 8;

const dir = await workspaceDir();

/** Everything the desktop app would turn into an error dialog, and everything the engine logged as its own bug. */
const uncaught: string[] = [];
reportUncaughtErrors(process, (title, error) => uncaught.push(`${title}: ${String(error)}`));
const { logger, errors: engineBugs } = errorLogger();

/** An engine on `file` (a new AGORA world by default), its console's files beside it (a `.env` among them). */
async function hostileEngine(name: string, file = join(dir, `${name}.agui.json`)): Promise<MockServer> {
  const rendererDir = join(dir, `${name}-console`);
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), '');
  await writeFile(join(rendererDir, '.env'), 'secret');
  return startWorkspaceEngine(dir, file, { logger, rendererDir });
}

function assertNoBugs(): void {
  assert.deepEqual(uncaught, [], 'no uncaught error (the desktop app would show a dialog)');
  assert.deepEqual(engineBugs, [], 'the engine logged no error of its own');
}

/**
 * The engine still answers, the console's API and the mocked API alike. `/health` is a pack's route: a hostile
 * `new` or `open` that succeeded may have loaded a world without it, which answers it 404.
 */
async function assertHealthy(server: MockServer): Promise<void> {
  const signal = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const control = await fetch(`${server.url}${CONTROL_API_PREFIX}/server`, {
    headers: { authorization: `Bearer ${server.token}` },
    signal: signal(),
  });
  assert.equal(control.status, 200, 'the engine still answers its control API');
  const health = await fetch(`${server.url}/health`, { signal: signal() });
  assert.ok(health.status === 200 || health.status === 404, `the mocked API still answers: ${health.status}`);
}

// ——— the control API and the console's files ————————————————————————————————————

/** Ids that exist, ids that do not, and ids no one should send. */
function idArbitrary(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...real) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '%2e%2e',
        '%00',
        '%E0%A4%A',
        '%',
        'x'.repeat(5000),
        '__proto__',
        'constructor',
        '0',
        '-1',
        'NaN',
      ),
    },
  );
}

const fifo = join(dir, 'a-pipe');
execFileSync('mkfifo', [fifo]);

/**
 * A workspace path: hostile constants, or a name inside the test's folder. Never another absolute path: the
 * tests may run as root, and a regression must not write (or rename over) anything else on the machine.
 */
const workspacePath = fc.oneof(
  fc.constantFrom(
    dir,
    fifo,
    join(dir, '..'),
    join(dir, 'missing', 'x.agui.json'),
    join(dir, 'n'.repeat(300)),
    join(dir, `${'t'.repeat(240)}.json`),
    `${dir}/a\u0000b`,
    'relative.agui.json',
    '~/x.agui.json',
    '/proc/self/mem',
    '',
    ' ',
  ),
  fc
    .string({ maxLength: 60 })
    .filter((name) => !/[/\\]/.test(name))
    .map((name) => join(dir, name)),
);

/** Any JSON, but never an object whose `path` is a string: that could be any absolute path (see workspacePath). */
const anyJson = fc
  .jsonValue({ maxDepth: 4 })
  .filter((value) => typeof (value as { path?: unknown } | null)?.path !== 'string');
const anyJsonButAString = anyJson.filter((value) => typeof value !== 'string');
const scenarioBody = fc.record(
  {
    id: fc.oneof(fc.constant('hostile'), fc.string({ maxLength: 20 })),
    name: fc.oneof(fc.constant('Hostile'), anyJson),
    triggers: fc.oneof(
      fc.constant([{ match: 'regex', pattern: '(a+)+$' }]),
      fc.constant([{ match: 'regex', pattern: '(' }]),
      anyJson,
    ),
    steps: fc.oneof(
      fc.constant([{ type: 'text', chunks: ['{{unknown}}'] }]),
      fc.constant([{ type: 'emit', event: { type: 'CUSTOM', name: 'x', value: '{{steps.nope.id}}' } }]),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

/** A body as sent: anything JSON, near-valid shapes for the routes, not JSON, or nested past any limit. */
const rawBody = fc.oneof(
  { weight: 3, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: scenarioBody.map((value) => JSON.stringify(value)) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          path: fc.oneof(workspacePath, anyJsonButAString),
          template: fc.oneof(fc.constantFrom('agora', 'generic'), anyJson),
          connectionId: fc.oneof(fc.constantFrom('unknown'), anyJson),
          connectionIds: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), anyJson),
          events: fc.oneof(fc.constant([{ type: 'RUN_ERROR', message: 'x' }]), anyJson),
          code: fc.oneof(fc.integer({ min: -1, max: 5000 }), anyJson),
          reason: fc.string({ maxLength: 130 }),
          email: fc.oneof(fc.emailAddress(), anyJson),
          name: fc.oneof(fc.string({ maxLength: 210 }), anyJson),
          userId: fc.oneof(fc.constantFrom('koen', 'nobody'), anyJson),
          title: fc.string({ maxLength: 210 }),
          messages: anyJson,
          speed: fc.oneof(fc.double(), anyJson),
          maxJsonDepth: fc.oneof(fc.integer({ min: 0, max: 2000 }), anyJson),
          agentPath: fc.oneof(fc.constantFrom('/agent', '/__console/api', '/ws', '/x/../y'), fc.string()),
          paused: anyJson,
          latencyMs: anyJson,
          force: anyJson,
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 10, max: 20_000 }))
      .map(([open, depth]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`),
  },
);

/** A path no route declares (`/:nothing`): the router's own 404s and 405s are answers too. */
const UNDECLARED_ROUTE: ControlRoute = { methods: ['GET', 'POST'], path: '/:nothing' };

/** The path segment before each of a route's parameters: `records` for `/collections/:id/records/:recordId`. */
function parameterResources(path: string): string[] {
  const segments = path.split('/');
  return segments.flatMap((segment, index) => (segment.startsWith(':') ? [segments[index - 1] as string] : []));
}

/**
 * Real ids to point at, by the path segment before a route's parameter (see `parameterResources`). A route whose
 * parameter follows a segment not here fails the test: a new resource gets real ids to be sent.
 */
function realIds(server: MockServer): Record<string, string[]> {
  const definitions = server.context.world.definitions();
  const mounts = Object.entries(SECTION_URLS).map(([section, url]) => [
    url,
    definitions[section as MountSection].map((mount) => mount.id),
  ]);
  return {
    ...Object.fromEntries(mounts),
    // `/:nothing`: a name no resource has.
    '': ['nope'],
    connections: server.context.registry.list().map((connection) => connection.id),
    requests: server.context.requestLog.page(() => true, 10, false).items.map((entry) => String(entry.id)),
    records: (server.context.world.collection('books')?.list() ?? []).map((record) => String(record.id)),
    payloads: server.context.payloads.list().map((payload) => payload.id),
    scenarios: server.context.scenarios.list().map((scenario) => scenario.id),
    users: [
      'koen',
      ...agoraStore(server)
        .listUsers({ limit: 10, offset: 0 })
        .users.map((user) => user.id),
    ],
    sessions: agoraStore(server)
      .listAllSessions()
      .map((session) => session.sessionId),
    macros: ['text-message', 'tool-call', 'state-delta', 'approval-request', 'run-error'],
    templates: ['TEXT_MESSAGE_START', 'RUN_FINISHED', 'CUSTOM'],
  };
}

const hostileQuery = fc.oneof(
  fc.constantFrom('limit=0', 'limit=1e9', 'before=-1', 'state=open&state=x', 'view=x', 'userId=', 'a=%E0%A4%A'),
  fc.string({ maxLength: 40 }).map((text) => `limit=${encodeURIComponent(text)}&method=${encodeURIComponent(text)}`),
);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';

interface HostileRequest {
  method: Method;
  path: string;
  body: string | undefined;
  contentType: string | undefined;
  token: 'right' | 'wrong' | 'none';
  origin: string | undefined;
}

/** Requests to the route `method path`: its parameters real ids or hostile ones, any query, body, token, origin. */
function routeRequest(
  server: MockServer,
  ids: Record<string, string[]>,
  method: Method,
  path: string,
): fc.Arbitrary<HostileRequest> {
  const own = server.url;
  const segments = path.split('/');
  return fc
    .record({
      segments: fc.tuple(
        ...segments.map((segment, index) =>
          segment.startsWith(':') ? idArbitrary(ids[segments[index - 1] as string] ?? []) : fc.constant(segment),
        ),
      ),
      query: fc.option(hostileQuery, { freq: 2, nil: undefined }),
      // Mostly the route's own method; now and then another one.
      otherMethod: fc.oneof(
        { weight: 9, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom<Method>('GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD') },
      ),
      body: fc.option(rawBody, { freq: 6 }),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded') },
      ),
      token: fc.oneof(
        { weight: 8, arbitrary: fc.constant<HostileRequest['token']>('right') },
        { weight: 1, arbitrary: fc.constantFrom<HostileRequest['token']>('wrong', 'none') },
      ),
      origin: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant(own) },
        { weight: 1, arbitrary: fc.constantFrom('http://evil.example', 'null', own.replace('127.0.0.1', 'localhost')) },
      ),
    })
    .map((input) => {
      const sent = input.otherMethod ?? method;
      const query = input.query === undefined ? '' : `?${input.query}`;
      return {
        method: sent,
        path: `${CONTROL_API_PREFIX}${input.segments.join('/')}${query}`,
        body: sent === 'GET' || sent === 'HEAD' ? undefined : (input.body ?? undefined),
        contentType: input.contentType,
        token: input.token,
        origin: input.origin,
      } satisfies HostileRequest;
    });
}

const consoleFileRequest: fc.Arbitrary<HostileRequest> = fc
  .oneof(
    fc.constantFrom(
      '',
      'index.html',
      'assets/app.js',
      '.env',
      'assets',
      '%2e%2e/%2e%2e/etc/passwd',
      '%00',
      'a%E0%A4%A',
    ),
    fc.string({ maxLength: 60 }).map(encodeURIComponent),
  )
  .map((file) => ({
    method: 'GET',
    path: `/__console/${file}`,
    body: undefined,
    contentType: undefined,
    token: 'none',
    origin: undefined,
  }));

async function send(server: MockServer, request: HostileRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (request.token !== 'none') headers.authorization = `Bearer ${request.token === 'right' ? server.token : 'nope'}`;
  if (request.contentType && request.body !== undefined) headers['content-type'] = request.contentType;
  if (request.origin) headers.origin = request.origin;
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers,
    body: request.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}

test('hostile requests to the control API and the console files: never a 5xx, a hang or an uncaught error', async () => {
  // Something real to point at: a world with something in every section, an open and a closed connection to its
  // agent, a logged request, a saved payload.
  const server = await hostileEngine('api', (await everySectionWorkspace(dir, 'api')).file);
  const agent = `${server.url.replace(/^http/, 'ws')}/ws`;
  const open = await AguiSocket.open(agent);
  open.ask('hallo');
  await open.waitForRuns(1);
  const closed = await AguiSocket.open(agent);
  await closed.close();
  await fetch(`${server.url}/health`);
  const saved = await controlClient(server).put('/payloads/greeting', { name: 'Greeting', kind: 'text', body: 'Hi' });
  assert.equal(saved.status, 201);
  const ids = realIds(server);
  // Read from the routers: a route added later is sent hostile requests too.
  const routes = [...controlApiRoutes(server), UNDECLARED_ROUTE];
  assert.ok(
    routes.some((route) => route.path.startsWith('/state/')),
    "the serving pack's routes are among them",
  );
  const resources = new Set(routes.flatMap((route) => parameterResources(route.path)));
  const unpointed = [...resources].filter((name) => !ids[name]?.length);
  assert.deepEqual(unpointed, [], 'every route parameter has real ids to point at (see realIds)');

  const answersWell = async (request: HostileRequest) => {
    const { status, text } = await send(server, request);
    const what = `${request.method} ${request.path.slice(0, 120)} ${request.body?.slice(0, 120) ?? ''} → ${status} ${text.slice(0, 200)}`;
    assert.ok(status >= 200 && status < 500, what);
    if (status >= 400 && request.method !== 'HEAD') {
      const body = JSON.parse(text) as { detail?: unknown };
      assert.ok(body.detail !== undefined && body.detail !== null && body.detail !== '', `a detail: ${what}`);
    }
    assertNoBugs();
  };
  const options = { endOnFailure: true, includeErrorInReport: true };
  // Each route in turn, so that none is left to chance, each with its own seed. Deletes and then the workspace's
  // routes last: the ids of the routes before point at what still exists, and a `new`, `open` or `import` that
  // succeeds loads another world.
  const rank = ([method, path]: [Method, string]) => (path.startsWith('/workspace/') ? 2 : method === 'DELETE' ? 1 : 0);
  const sends = routes
    .flatMap((route) => route.methods.map((method): [Method, string] => [method as Method, route.path]))
    .sort((a, b) => rank(a) - rank(b));
  let seed = SEED;
  for (const [method, path] of sends)
    await fc.assert(fc.asyncProperty(routeRequest(server, ids, method, path), answersWell), {
      ...options,
      seed: seed++,
      numRuns: RUNS_PER_ROUTE,
    });
  await fc.assert(fc.asyncProperty(consoleFileRequest, answersWell), { ...options, seed, numRuns: 40 });
  await assertHealthy(server);
  await open.close();
  assertNoBugs();
});

test('hostile workspace paths for open, save as and new: 4xx with a problem that names the file, never 5xx', async () => {
  const server = await hostileEngine('paths');
  const api = fc.record({
    route: fc.constantFrom('open', 'save-as', 'new'),
    path: fc.oneof(workspacePath, anyJsonButAString),
    template: fc.option(fc.constantFrom('agora', 'generic'), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(api, async ({ route, path, template }) => {
      const { status, text } = await send(server, {
        method: 'POST',
        path: `${CONTROL_API_PREFIX}/workspace/${route}`,
        body: JSON.stringify({ path, ...(template && route === 'new' && { template }) }),
        contentType: 'application/json',
        token: 'right',
        origin: undefined,
      });
      const what = `${route} ${JSON.stringify(path)?.slice(0, 100)} → ${status} ${text.slice(0, 300)}`;
      assert.ok(status < 500, what);
      if (status >= 400) assert.ok(JSON.parse(text).detail, what);
      assertNoBugs();
    }),
    { seed: SEED, numRuns: 80, endOnFailure: true, includeErrorInReport: true },
  );
  await assertHealthy(server);
});

test('values nested just under the deepest maxJsonDepth are stored, served, played, saved and fed without a 5xx', async () => {
  const server = await hostileEngine('deep');
  server.updateSettings({ maxJsonDepth: MAX_JSON_DEPTH_SETTING });
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.some((message) => message.type === 'ready'));
  feed.send({ type: 'subscribe-frames', connectionIds: '*' });
  const api = controlClient(server);
  // The body's own levels (object, steps, step, event…) plus the value: just under the limit.
  const deep = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
    return value;
  };
  const value = deep(MAX_JSON_DEPTH_SETTING - 6);
  const scenario = {
    id: 'deep',
    name: 'Deep',
    triggers: [{ match: 'substring', value: 'deep' }],
    steps: [{ type: 'emit', event: { type: 'CUSTOM', name: 'deep', value } }],
  };
  const answers = [
    await api.post('/scenarios', scenario),
    await api.post('/state/users', { email: 'deep@example.com', name: 'Deep', preferences: { deep: value } }),
  ];
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('deep');
  await client.waitForRuns(1);
  const [connection] = server.context.registry.list();
  assert.ok(connection);
  answers.push(
    await api.post(`/connections/${connection.id}/events`, {
      force: true,
      events: [{ type: 'CUSTOM', name: 'x', value }],
    }),
    await api.post(`/connections/${connection.id}/record`, {}),
    await api.get('/workspace/export'),
    await api.post('/workspace/save'),
  );
  for (const answer of answers) assert.ok(answer.status < 300, `${answer.status} ${JSON.stringify(answer.body)}`);
  await feed.waitFor(() => feed.items.some((item) => item.type === 'frame' && item.frame.text?.includes('"deep"')));
  await client.close();
  feed.close();
  await assertHealthy(server);
  assertNoBugs();
});

// ——— the live feed ————————————————————————————————————————————————————————————————

const feedMessage = fc.oneof(
  { weight: 3, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(fc.constantFrom('auth', 'subscribe-frames', 'unsubscribe-frames'), anyJson),
          token: anyJson,
          connectionIds: fc.oneof(
            fc.constant('*'),
            fc.array(fc.string({ maxLength: 120 }), { maxLength: 5 }),
            fc.integer({ min: 990, max: 1010 }).map((count) => Array.from({ length: count }, (_, i) => `c${i}`)),
            anyJson,
          ),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 50 }).map((bytes) => Buffer.from(bytes)) },
);

interface FeedSession {
  origin: string | undefined;
  authFirst: 'right' | 'wrong' | 'none';
  messages: (string | Buffer)[];
}

const KNOWN_SERVER_MESSAGES = new Set(['ready', 'batch', 'error']);
const MARKER = 'end-of-session-marker';

/** Opens the feed, plays the session, and reports how it ended (undefined: still open) and what came back. */
async function play(server: MockServer, session: FeedSession) {
  const url = `${server.url.replace('http', 'ws')}/__console/live`;
  const socket = new WebSocket(url, session.origin === undefined ? {} : { origin: session.origin });
  const received: FeedServerMessage[] = [];
  let closedWith: number | undefined;
  let refusedWith: number | undefined;
  socket.on('message', (data) => received.push(JSON.parse(data.toString())));
  socket.on('unexpected-response', (_request, response) => {
    refusedWith = response.statusCode;
    socket.terminate();
  });
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('close', (code) => {
    closedWith = code;
  });
  const opened = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  if (opened) {
    if (session.authFirst !== 'none')
      socket.send(JSON.stringify({ type: 'auth', token: session.authFirst === 'right' ? server.token : 'nope' }));
    for (const message of session.messages) {
      if (socket.readyState !== WebSocket.OPEN) break;
      socket.send(message, { binary: Buffer.isBuffer(message) });
    }
    // A message the engine answers with an error frame naming it: once that is back, every earlier one was handled.
    if (socket.readyState === WebSocket.OPEN)
      socket.send(`{"type":"unsubscribe-frames","connectionIds":[],"${MARKER}":1}`);
    const deadline = Date.now() + REQUEST_TIMEOUT_MS;
    while (socket.readyState === WebSocket.OPEN && Date.now() < deadline) {
      const answered = received.some((message) => message.type === 'error' && message.detail.includes(MARKER));
      if (answered) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const stillOpen = socket.readyState === WebSocket.OPEN;
    socket.close();
    await ended;
    return { refusedWith, closedWith: stillOpen ? undefined : closedWith, received };
  }
  await ended;
  return { refusedWith, closedWith, received };
}

test('hostile live feed clients: refused, told, or closed with 4001/1008 — never a crash or an uncaught error', async () => {
  const server = await hostileEngine('feed');
  const own = server.url;
  const session = fc.record({
    origin: fc.option(fc.constantFrom(own, 'http://evil.example', 'null', own.replace('127.0.0.1', 'localhost')), {
      freq: 2,
    }),
    authFirst: fc.constantFrom<FeedSession['authFirst']>('right', 'right', 'right', 'wrong', 'none'),
    messages: fc.array(feedMessage, { maxLength: 6 }),
  });
  await fc.assert(
    fc.asyncProperty(session, async (generated) => {
      const input: FeedSession = { ...generated, origin: generated.origin ?? undefined };
      const { refusedWith, closedWith, received } = await play(server, input);
      const what = `${JSON.stringify(input).slice(0, 300)} → refused ${refusedWith}, closed ${closedWith}`;
      const foreign = input.origin !== undefined && input.origin !== own;
      if (foreign) assert.equal(refusedWith, 403, what);
      else if (input.authFirst !== 'right') assert.equal(closedWith, 4001, what);
      else {
        assert.equal(refusedWith, undefined, what);
        assert.ok(closedWith === undefined || closedWith === 1008, what);
        assert.equal(received[0]?.type, 'ready', what);
      }
      for (const message of received) assert.ok(KNOWN_SERVER_MESSAGES.has(message.type), what);
      assertNoBugs();
    }),
    { seed: SEED, numRuns: 150, endOnFailure: true, includeErrorInReport: true },
  );
  await assertHealthy(server);
  assertNoBugs();
});
