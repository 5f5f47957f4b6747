import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import WebSocket from 'ws';
import type { MockServer } from '../src/server/index';
import { LIVE_FEED_PATH } from '../src/shared/control-api';
import { decodeFeedMessage } from '../src/shared/feed-wire';
import { buildCli, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// Problems in plain words that say what to fix, never zod's default English ("Invalid key in record", "Invalid
// option: expected one of …", "Invalid discriminator value", "List should have at least 1 items"): through
// `agui-mock validate` (the real bin file), the control API's 422s, the live feed's error frames, and, on the mocked
// API, FastAPI's own words.

const dir = await workspaceDir();
before(() => buildCli());
const server = await startTestEngine();
const api = controlClient(server);

/**
 * `validate FILE`'s problems, by path (the first on the line naming the file, the others one a line under it). Run
 * without holding the event loop (`finished`): this file's engine serves beside it.
 */
async function validateProblems(name: string, workspace: Record<string, unknown>): Promise<Map<string, string>> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify({ version: 2, name: 'plain words', ...workspace }));
  const result = await runCli(['validate', file]).finished();
  const [first = '', ...others] = result.stderr.trimEnd().split('\n');
  const lines = [first.replace(`agui-mock: ${file}: `, '').replace(/ \(and \d+ more problems?\)$/, ''), ...others];
  const problems = lines.map((line) => /^\s*(\S+): (.*)$/.exec(line)).filter((match) => match !== null);
  return new Map(problems.map(([, path = '', problem = '']) => [path, problem]));
}

/** A 422's status and issues. */
const answered = (answer: { status: number; body: unknown }) => ({
  status: answer.status,
  detail: (answer.body as { detail: unknown }).detail,
});

const route = (id: string, response: Record<string, unknown>) => ({ id, path: `/${id}`, responses: [response] });
const scenario = (id: string, steps: unknown[], triggers: unknown[] = []) => ({ id, name: id, triggers, steps });
const LONG_NAME = 'x'.repeat(201);
const LONG_NAME_SHOWN = `"${'x'.repeat(40)}…"`;

// ——— 1. A record key its schema refuses ————————————————————————————————————————————————

test('validate names a refused key and why, not "Invalid key in record"', async () => {
  const problems = await validateProblems('keys.agui.json', {
    routes: [
      route('empty-header', { id: 'a', headers: { '': 'v' } }),
      route('long-header', { id: 'a', headers: { [LONG_NAME]: 'v' } }),
      route('empty-query', { id: 'a', when: { query: { '': 'v' } } }),
    ],
    scenarios: [scenario('vars', [{ type: 'let', values: { 'a-b': 'x' } }])],
  });
  assert.equal(problems.get('routes.0.responses.0.headers.'), 'key "": must not be empty');
  assert.equal(
    problems.get(`routes.1.responses.0.headers.${LONG_NAME}`),
    `key ${LONG_NAME_SHOWN}: must be at most 200 characters`,
  );
  assert.equal(problems.get('routes.2.responses.0.when.query.'), 'key "": must not be empty');
  assert.equal(
    problems.get('scenarios.0.steps.0.values.a-b'),
    'key "a-b": a variable name is letters, digits and _ only',
  );
});

test('the control API names a refused key and why, and echoes the key', async () => {
  assert.deepEqual(answered(await api.post('/routes', route('empty-header', { id: 'a', headers: { '': 'v' } }))), {
    status: 422,
    detail: [
      {
        type: 'value_error',
        loc: ['body', 'responses', 0, 'headers', ''],
        msg: 'key "": must not be empty',
        input: '',
      },
    ],
  });
  assert.deepEqual(
    answered(await api.post('/scenarios', scenario('vars', [{ type: 'let', values: { 'a-b': 'x' } }]))),
    {
      status: 422,
      detail: [
        {
          type: 'value_error',
          loc: ['body', 'steps', 0, 'values', 'a-b'],
          msg: 'key "a-b": a variable name is letters, digits and _ only',
          input: 'a-b',
        },
      ],
    },
  );
});

// ——— 2. Saved payloads ——————————————————————————————————————————————————————————————————

const MACROS = 'text-message, tool-call, state-delta, approval-request, run-error';

test('a saved macro payload names an unknown macro and the macros there are, not "Invalid option", as pydantic words a 422', async () => {
  const macro = (body: Record<string, unknown>) => ({ name: 'Macro', kind: 'macro', body });
  const refused = async (body: Record<string, unknown>) => answered(await api.put('/payloads/macro', macro(body)));

  assert.deepEqual(await refused({ macro: 'nope', params: {} }), {
    status: 422,
    detail: [
      {
        type: 'enum',
        loc: ['body', 'body', 'macro'],
        msg: `Input should be 'text-message', 'tool-call', 'state-delta', 'approval-request' or 'run-error': unknown macro "nope": expected one of ${MACROS}`,
        input: 'nope',
      },
    ],
  });
  // The macro's own parameters, checked against its schema: in the words its route uses (pydantic's).
  assert.deepEqual(await refused({ macro: 'text-message', params: { text: 5 } }), {
    status: 422,
    detail: [
      { type: 'string_type', loc: ['body', 'body', 'params', 'text'], msg: 'Input should be a valid string', input: 5 },
    ],
  });
  assert.deepEqual(await refused({ macro: 'state-delta', params: { delta: [] } }), {
    status: 422,
    detail: [
      {
        type: 'too_short',
        loc: ['body', 'body', 'params', 'delta'],
        msg: 'List should have at least 1 item after validation, not 0: a state delta needs at least one operation',
        input: [],
      },
    ],
  });
  assert.deepEqual(answered(await api.put('/payloads/burst', { name: 'Burst', kind: 'events', body: [] })), {
    status: 422,
    detail: [
      {
        type: 'too_short',
        loc: ['body', 'body'],
        msg: 'List should have at least 1 item after validation, not 0: a payload of events needs at least one event',
        input: [],
      },
    ],
  });
  assert.deepEqual(answered(await api.put('/payloads/unnamed', { name: '', kind: 'text', body: '' })), {
    status: 422,
    detail: [
      { type: 'string_too_short', loc: ['body', 'name'], msg: 'String should have at least 1 character', input: '' },
    ],
  });
});

test('validate words a saved payload as the control API does', async () => {
  const problems = await validateProblems('payloads.agui.json', {
    payloads: [
      { id: 'macro', name: 'Macro', kind: 'macro', body: { macro: 'nope', params: {} } },
      { id: 'burst', name: 'Burst', kind: 'events', body: [] },
    ],
  });
  assert.equal(problems.get('payloads.0.body.macro'), `unknown macro "nope": expected one of ${MACROS}`);
  assert.equal(problems.get('payloads.1.body'), 'a payload of events needs at least one event');
});

// ——— 3. The live feed ———————————————————————————————————————————————————————————————————

/** The feed's answer to each message, after authenticating. */
async function feedAnswers(engine: MockServer, messages: string[]): Promise<string[]> {
  const socket = new WebSocket(`${engine.url.replace('http', 'ws')}${LIVE_FEED_PATH}`);
  const details: string[] = [];
  let ready: () => void = () => {};
  const readyNow = new Promise<void>((resolve) => {
    ready = resolve;
  });
  let answered: () => void = () => {};
  socket.on('message', (data) => {
    const message = decodeFeedMessage(data.toString());
    if (message.type === 'ready') ready();
    if (message.type !== 'error') return;
    details.push(message.detail);
    answered();
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token: engine.token }));
  await readyNow;
  for (const message of messages) {
    const next = new Promise<void>((resolve) => {
      answered = resolve;
    });
    socket.send(message);
    await next;
  }
  socket.close();
  return details;
}

const SEND = 'Send {"type":"subscribe-frames" or "unsubscribe-frames","connectionIds":["<id>",…] or "*"}';

test('the live feed words an unknown message type and other mistakes plainly, not zod\'s "Invalid discriminator"', async () => {
  const details = await feedAnswers(server, [
    '{"type":"explode"}',
    '{"connectionIds":"*"}',
    '{"type":"subscribe-frames","connectionIds":"*","extra":true}',
    '[]',
  ]);
  assert.deepEqual(details, [
    `Message ignored: unknown type "explode": expected one of auth, subscribe-frames, unsubscribe-frames. ${SEND}`,
    `Message ignored: missing type: expected one of auth, subscribe-frames, unsubscribe-frames. ${SEND}`,
    `Message ignored: message: unknown field extra. ${SEND}`,
    `Message ignored: message: must be an object. ${SEND}`,
  ]);
});

// ——— 4. Lists that need at least one item ——————————————————————————————————————————————————

/** Each list, the scenario or socket holding it empty, where, and the words that say what it is. */
const EMPTY_LISTS = {
  textChunks: {
    scenario: scenario('text', [{ type: 'text', chunks: [] }]),
    at: ['steps', 0, 'chunks'],
    words: 'a text step needs at least one chunk',
  },
  reasoningChunks: {
    scenario: scenario('reasoning', [{ type: 'reasoning', chunks: [] }]),
    at: ['steps', 0, 'chunks'],
    words: 'a reasoning step needs at least one chunk',
  },
  argsChunks: {
    scenario: scenario('args', [{ type: 'toolCall', name: 'lookup', argsChunks: [], result: 'ok' }]),
    at: ['steps', 0, 'argsChunks'],
    words: 'argsChunks needs at least one piece (or give args instead)',
  },
  branches: {
    scenario: scenario('random', [{ type: 'random', branches: [] }]),
    at: ['steps', 0, 'branches'],
    words: 'a random step needs at least one branch',
  },
  conditions: {
    scenario: scenario('all', [], [{ match: 'all', conditions: [] }]),
    at: ['triggers', 0, 'conditions'],
    words: '`all` and `any` need at least one condition',
  },
};
const EMPTY_SCENARIOS = {
  socket: { id: 'live', path: '/live', behaviour: { type: 'agui', scenarios: [] } },
  at: ['behaviour', 'scenarios'],
  words: 'list at least one scenario id, or "*" for every scenario',
};
const AT_LEAST_ONE = 'List should have at least 1 item after validation, not 0';

test('validate says which list is empty and that it needs at least one', async () => {
  const problems = await validateProblems('lists.agui.json', {
    scenarios: Object.values(EMPTY_LISTS).map((mistake) => mistake.scenario),
    sockets: [EMPTY_SCENARIOS.socket],
  });
  Object.values(EMPTY_LISTS).forEach((mistake, index) => {
    assert.equal(problems.get(['scenarios', index, ...mistake.at].join('.')), mistake.words);
  });
  assert.equal(problems.get(['sockets', 0, ...EMPTY_SCENARIOS.at].join('.')), EMPTY_SCENARIOS.words);
});

test("the control API says which list is empty, after pydantic's words", async () => {
  for (const mistake of Object.values(EMPTY_LISTS)) {
    assert.deepEqual(answered(await api.post('/scenarios', mistake.scenario)), {
      status: 422,
      detail: [
        { type: 'too_short', loc: ['body', ...mistake.at], msg: `${AT_LEAST_ONE}: ${mistake.words}`, input: [] },
      ],
    });
  }
  assert.deepEqual(answered(await api.post('/sockets', EMPTY_SCENARIOS.socket)), {
    status: 422,
    detail: [
      {
        type: 'too_short',
        loc: ['body', ...EMPTY_SCENARIOS.at],
        msg: `${AT_LEAST_ONE}: ${EMPTY_SCENARIOS.words}`,
        input: [],
      },
    ],
  });
  assert.deepEqual(answered(await api.post('/events', { events: [] })), {
    status: 422,
    detail: [
      { type: 'too_short', loc: ['body', 'events'], msg: `${AT_LEAST_ONE}: send at least one event`, input: [] },
    ],
  });
  assert.deepEqual(answered(await api.post('/events', { events: [{ type: 'CUSTOM' }], connectionIds: [] })), {
    status: 422,
    detail: [
      {
        type: 'too_short',
        loc: ['body', 'connectionIds'],
        msg: `${AT_LEAST_ONE}: list at least one connection id, or leave connectionIds out to send to every open connection`,
        input: [],
      },
    ],
  });
});

// ——— 5. The mocked API: a page number past the integers ——————————————————————————————————————

/** A collection of books on the mocked API, added by the first test that needs it. */
let books: Promise<unknown> | undefined;
const booksCollection = () => {
  books ??= api.post('/collections', { id: 'books', path: '/books', records: [{ id: 1 }] }).then((created) => {
    assert.equal(created.status, 201);
  });
  return books;
};

test('a collection page past the integers says so, not "unable to parse string as an integer"', async () => {
  await booksCollection();
  const tooLarge = await fetch(`${server.url}/books?_page=99999999999999999999`);
  assert.equal(tooLarge.status, 422);
  assert.deepEqual(await tooLarge.json(), {
    detail: [
      {
        type: 'value_error',
        loc: ['query', '_page'],
        msg: 'Value error, 99999999999999999999 is past the integers this mock keeps exact (-9007199254740991 to 9007199254740991)',
        input: '99999999999999999999',
      },
    ],
  });
  // Text that is no integer at all keeps FastAPI's words.
  const notANumber = await fetch(`${server.url}/books?_page=two`);
  assert.deepEqual(await notANumber.json(), {
    detail: [
      {
        type: 'int_parsing',
        loc: ['query', '_page'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: 'two',
      },
    ],
  });
});

test('a record id past the integers says so, not "unable to parse string as an integer"', async () => {
  await booksCollection();
  const tooLarge = await fetch(`${server.url}/books/99999999999999999999`);
  assert.equal(tooLarge.status, 422);
  assert.deepEqual(await tooLarge.json(), {
    detail: [
      {
        type: 'value_error',
        loc: ['path', 'id'],
        msg: 'Value error, 99999999999999999999 is past the integers this mock keeps exact (-9007199254740991 to 9007199254740991)',
        input: '99999999999999999999',
      },
    ],
  });
});

// ——— Also: an OpenAPI operation the route schema refuses ————————————————————————————————————————

test('an imported operation the route schema refuses is left out in plain words', async () => {
  const longPath = `/${'p'.repeat(2500)}`;
  const document = {
    openapi: '3.0.0',
    info: { title: 'Long', version: '1' },
    paths: { [longPath]: { get: { responses: { '200': { description: 'ok' } } } } },
  };
  const imported = await api.post<{ warnings: string[] }>('/routes/import-openapi', {
    document: JSON.stringify(document),
    dryRun: true,
  });
  assert.equal(imported.status, 200);
  assert.deepEqual(imported.body.warnings, [`GET ${longPath}: not imported: path: must be at most 2000 characters`]);
});
