import assert from 'node:assert/strict';
import { link, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildCli, runCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// What is stored can be served: a route that could never answer as written is refused when it is stored — by
// `validate`, on loading, and by the control API — saying what to fix. A template or schema naming a path parameter
// the path does not declare (it would always be empty), a body on a status that sends none (it would be dropped), the
// workspace file as a response's file (it is never served: always 403), a schema for the parameters, query or
// headers that is not an object (every request would be a 422), a response header given twice in different case
// (one would be dropped), a condition on a header no client can send (it would never hold), a schema requiring one.

const dir = await workspaceDir();
before(() => buildCli());
const file = join(dir, 'mock.agui.json');
await writeFile(file, JSON.stringify({ version: 2, name: 'refused' }));
await writeFile(join(dir, 'data.json'), '{"served":true}');
const server = await startTestEngine({ workspace: file });
const api = controlClient(server);

const route = (id: string, path: string, ...responses: Record<string, unknown>[]) => ({ id, path, responses });
const notInPath = (read: string, at: string, path: string, name: string, has: string) =>
  `template error: ${read} (line 1, column ${at}): the path ${path} has no parameter "${name}" (${has})`;

interface Issue {
  at: (string | number)[];
  words: string;
}
/** A mount that could never answer as written: where its problems are, in what words. */
type Mount = { id: string } & Record<string, unknown>;
interface Mistake {
  mount: Mount;
  issues: Issue[];
}
const mistake = (mount: Mount, at: Issue['at'], words: string): Mistake => ({
  mount,
  issues: [{ at, words }],
});

const PARAM_MISTAKES: Mistake[] = [
  mistake(
    route('typo', '/items/:id', { id: 'a', body: { json: { id: '{{params.item_id}}' } } }),
    ['responses', 0, 'body', 'json', 'id'],
    notInPath('params.item_id', '3', '/items/:id', 'item_id', 'it has :id'),
  ),
  mistake(
    route('header', '/items/:id', { id: 'a', headers: { Location: '/items/{{params.item}}' } }),
    ['responses', 0, 'headers', 'Location'],
    notInPath('params.item', '10', '/items/:id', 'item', 'it has :id'),
  ),
  mistake(
    route('text', '/shops/:shop/items/:id', { id: 'a', body: { text: 'item {{params.shopId}}' } }),
    ['responses', 0, 'body', 'text'],
    notInPath('params.shopId', '8', '/shops/:shop/items/:id', 'shopId', 'it has :shop, :id'),
  ),
  mistake(
    route('file', '/users/:id', { id: 'a', body: { file: 'users/{{params.user}}.json' } }),
    ['responses', 0, 'body', 'file'],
    notInPath('params.user', '9', '/users/:id', 'user', 'it has :id'),
  ),
  {
    // Inside a block, a subexpression, from @root in a loop, by `lookup` with a name written in the template.
    mount: route('blocks', '/orders', {
      id: 'a',
      body: {
        json: {
          block: '{{#if params.id}}yes{{/if}}',
          sub: '{{add (default params.n 1) 1}}',
          root: '{{#each body.items}}{{@root.params.order}}{{/each}}',
          lookup: '{{lookup params "id"}}',
        },
      },
    }),
    issues: [
      {
        at: ['responses', 0, 'body', 'json', 'block'],
        words: notInPath('params.id', '7', '/orders', 'id', 'it has none'),
      },
      {
        at: ['responses', 0, 'body', 'json', 'sub'],
        words: notInPath('params.n', '16', '/orders', 'n', 'it has none'),
      },
      {
        at: ['responses', 0, 'body', 'json', 'root'],
        words: notInPath('@root.params.order', '23', '/orders', 'order', 'it has none'),
      },
      {
        at: ['responses', 0, 'body', 'json', 'lookup'],
        words: notInPath('lookup params "id"', '1', '/orders', 'id', 'it has none'),
      },
    ],
  },
];

/** A route whose requests are checked against `validate`. */
const validated = (id: string, path: string, validate: Record<string, unknown>) => ({
  ...route(id, path, { id: 'a' }),
  validate,
});

const SCHEMA_PARAM_MISTAKE = mistake(
  validated('declared', '/declared/:id', {
    params: { type: 'object', properties: { id: { type: 'integer' }, item_id: { type: 'integer' } } },
  }),
  ['validate', 'params', 'properties', 'item_id'],
  'the path /declared/:id has no parameter "item_id" (it has :id)',
);

const SOCKET_MISTAKE = mistake(
  { id: 'chat', path: '/chat/:room', behaviour: { type: 'echo', reply: '{{params.rooom}}: {{message}}' } },
  ['behaviour', 'reply'],
  notInPath('params.rooom', '3', '/chat/:room', 'rooom', 'it has :room'),
);

const BODILESS_MISTAKES: Mistake[] = [
  mistake(
    route('no-content', '/gone', { id: 'a', status: 204, body: { json: { x: 1 } } }),
    ['responses', 0, 'body'],
    'a 204 response has no body: remove `body` or use 200',
  ),
  mistake(
    route('reset-content', '/reset', { id: 'a', status: 205, body: { text: 'done' } }),
    ['responses', 0, 'body'],
    'a 205 response has no body: remove `body` or use 200',
  ),
  mistake(
    route('not-modified', '/cached', { id: 'a', status: 304, body: { text: 'hello' } }),
    ['responses', 0, 'body'],
    'a 304 response has no body: remove `body` or use 200',
  ),
];

const notAnObject = (part: string, words: string, types: string) =>
  `validate.${part} must describe an object (${words} by name), not ${types}: write {"type": "object", "properties": {…}}`;
const NOT_AN_OBJECT_MISTAKES: Mistake[] = [
  mistake(
    validated('query-text', '/query-text', { query: { type: 'string' } }),
    ['validate', 'query'],
    notAnObject('query', 'the query parameters', '"string"'),
  ),
  mistake(
    validated('params-list', '/params-list/:id', { params: { type: 'array' } }),
    ['validate', 'params'],
    notAnObject('params', 'the path parameters', '"array"'),
  ),
  mistake(
    validated('headers-text', '/headers-text', { headers: { type: ['string', 'null'] } }),
    ['validate', 'headers'],
    notAnObject('headers', 'the headers', '"string" or "null"'),
  ),
];

const HEADER_MISTAKES: Mistake[] = [
  mistake(
    route('twice', '/twice', { id: 'a', headers: { 'X-A': '1', 'x-a': '2' } }),
    ['responses', 0, 'headers', 'x-a'],
    'header X-A given twice (as "X-A" and "x-a"): names ignore case, so only one would be sent; keep one',
  ),
  mistake(
    route('unsendable', '/unsendable', { id: 'a', when: { headers: { 'Bad Name': 'x' } } }),
    ['responses', 0, 'when', 'headers', 'Bad Name'],
    '"Bad Name" is not a valid header name',
  ),
  mistake(
    {
      ...route('unsendable-schema', '/unsendable-schema', { id: 'a' }),
      validate: { headers: { type: 'object', properties: { 'bad name': { type: 'string' } }, required: ['bad name'] } },
    },
    ['validate', 'headers'],
    '"bad name" is not a valid header name',
  ),
];

const neverServed = (name: string) =>
  `"${name}" is the workspace file (or its backup), which is never served (it may hold the gateway's keys): name another file`;
/** Routes answering with the workspace file `name` (or its backup, by another spelling). */
const fileMistakes = (name: string): Mistake[] => [
  mistake(
    route('keys', '/keys', { id: 'a', body: { file: name } }),
    ['responses', 0, 'body', 'file'],
    neverServed(name),
  ),
  mistake(
    route('backup', '/backup', { id: 'a', body: { file: `./${name}.bak` } }),
    ['responses', 0, 'body', 'file'],
    neverServed(`./${name}.bak`),
  ),
];

const valueAt = (root: unknown, path: (string | number)[]) =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], root);

/** Stores each mistake through the control API: a 422 with each of its problems at its field, echoing the value. */
async function assertRefused(section: 'routes' | 'sockets', mistakes: readonly Mistake[]): Promise<void> {
  for (const { mount, issues } of mistakes) {
    const answer = await api.post(`/${section}`, mount);
    assert.deepEqual(
      { status: answer.status, detail: (answer.body as { detail: unknown }).detail },
      {
        status: 422,
        detail: issues.map(({ at, words }) => ({
          type: 'value_error',
          loc: ['body', ...at],
          msg: words,
          input: valueAt(mount, at),
        })),
      },
      mount.id,
    );
  }
}

test('a template or schema naming a path parameter its path does not declare is refused; one its path declares serves', async () => {
  await assertRefused('routes', [...PARAM_MISTAKES, SCHEMA_PARAM_MISTAKE]);
  await assertRefused('sockets', [SOCKET_MISTAKE]);
  assert.equal((await fetch(`${server.url}/items/1`)).status, 404, 'nothing of them was stored');

  const item = route('item', '/shop/:shop/item/:id', {
    id: 'a',
    headers: { 'X-Shop': '{{params.shop}}' },
    body: {
      json: {
        id: '{{params.id}}',
        root: '{{#each body}}{{/each}}{{@root.params.shop}}',
        looked: '{{lookup params "id"}}',
        // A name the request gives is read as it comes: nothing to check when stored.
        dynamic: '{{lookup params query.name}}',
        whole: '{{json params}}',
      },
    },
  });
  assert.equal((await api.post('/routes', item)).status, 201);
  // `template: false` sends the text as written: `{{params.x}}` is not read.
  const raw = route('raw', '/raw', { id: 'a', template: false, body: { text: '{{params.x}}' } });
  assert.equal((await api.post('/routes', raw)).status, 201);
  const chat = { id: 'chat', path: '/chat/:room', behaviour: { type: 'echo', reply: '{{params.room}}: {{message}}' } };
  assert.equal((await api.post('/sockets', chat)).status, 201);

  const answer = await fetch(`${server.url}/shop/north/item/7?name=shop`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('x-shop'), 'north');
  assert.deepEqual(await answer.json(), {
    id: '7',
    root: 'north',
    looked: '7',
    dynamic: 'north',
    whole: '{"shop":"north","id":"7"}',
  });
  assert.equal(await (await fetch(`${server.url}/raw`)).text(), '{{params.x}}');
});

test('a body on a 204, 205 or 304 response is refused; a 204 without one serves', async () => {
  await assertRefused('routes', BODILESS_MISTAKES);
  assert.equal((await fetch(`${server.url}/gone`)).status, 404, 'nothing of them was stored');

  assert.equal((await api.post('/routes', route('empty', '/empty', { id: 'a', status: 204 }))).status, 201);
  const empty = await fetch(`${server.url}/empty`);
  assert.equal(empty.status, 204);
  assert.equal(await empty.text(), '');
});

test('the workspace file (or its backup) as a response file is refused; a file beside it serves', async () => {
  await assertRefused('routes', fileMistakes('mock.agui.json'));
  assert.equal((await fetch(`${server.url}/keys`)).status, 404, 'nothing of them was stored');

  const data = route('data', '/data', { id: 'a', body: { file: 'data.json' } });
  assert.equal((await api.post('/routes', data)).status, 201);
  const answer = await fetch(`${server.url}/data`);
  assert.equal(answer.status, 200);
  assert.equal(await answer.text(), '{"served":true}');
});

test('a hard link to a version of the workspace file a save has since replaced is refused as the file is', async () => {
  // Made before the save, the link reaches the version the save replaced: no longer the file, never served either.
  await link(file, join(dir, 'before-save.json'));
  assert.equal((await api.post('/workspace/save')).status, 200);
  await assertRefused('routes', [
    mistake(
      route('old-keys', '/old-keys', { id: 'a', body: { file: 'before-save.json' } }),
      ['responses', 0, 'body', 'file'],
      neverServed('before-save.json'),
    ),
  ]);
});

test('a schema for the path parameters, query or headers that is not an object is refused; an object one serves', async () => {
  await assertRefused('routes', NOT_AN_OBJECT_MISTAKES);
  assert.equal((await fetch(`${server.url}/query-text`)).status, 404, 'nothing of them was stored');

  const typed = validated('typed', '/typed/:id', {
    params: { type: 'object', properties: { id: { type: 'integer' } } },
    query: { type: ['object', 'null'] },
    headers: { properties: { 'x-token': { type: 'string' } } },
  });
  assert.equal((await api.post('/routes', typed)).status, 201);
  assert.equal((await fetch(`${server.url}/typed/7`)).status, 200);
  assert.equal((await fetch(`${server.url}/typed/seven`)).status, 422);
});

test('a response header given twice in different case, or a condition on a header no client can send, is refused', async () => {
  await assertRefused('routes', HEADER_MISTAKES);
  assert.equal((await fetch(`${server.url}/twice`)).status, 404, 'nothing of them was stored');

  // Conditions name headers in any case; the response sends its header as written.
  const headed = route('headed', '/headed', {
    id: 'a',
    when: { headers: { 'X-Token': 'secret' } },
    headers: { 'X-A': '1' },
  });
  assert.equal((await api.post('/routes', headed)).status, 201);
  const answer = await fetch(`${server.url}/headed`, { headers: { 'x-token': 'secret' } });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('x-a'), '1');
});

test('validate (and so loading) refuses each, every problem at its path', async () => {
  const mistaken = join(dir, 'mistaken.agui.json');
  // The workspace file being validated is the one its routes may not serve.
  const routes = [
    ...PARAM_MISTAKES,
    SCHEMA_PARAM_MISTAKE,
    ...BODILESS_MISTAKES,
    ...fileMistakes('mistaken.agui.json'),
    ...NOT_AN_OBJECT_MISTAKES,
    ...HEADER_MISTAKES,
  ];
  const document = {
    version: 2,
    name: 'mistaken',
    routes: routes.map(({ mount }) => mount),
    sockets: [SOCKET_MISTAKE.mount],
  };
  await writeFile(mistaken, JSON.stringify(document));
  // Run without holding the event loop (`finished`): this file's engine serves beside it.
  const result = await runCli(['validate', mistaken]).finished();
  assert.equal(result.code, 1, result.stderr);
  const [first = '', ...others] = result.stderr.trimEnd().split('\n');
  const lines = [first.replace(`agui-mock: ${mistaken}: `, '').replace(/ \(and \d+ more problems?\)$/, ''), ...others];
  const expected = [
    ...routes.flatMap(({ issues }, index) =>
      issues.map(({ at, words }) => `${['routes', index, ...at].join('.')}: ${words}`),
    ),
    ...SOCKET_MISTAKE.issues.map(({ at, words }) => `${['sockets', 0, ...at].join('.')}: ${words}`),
  ];
  assert.deepEqual(
    lines.map((line) => line.trim()),
    expected,
  );
});

test('the file a response may not name is the one it is served from: opening another makes the first a file like any other', async () => {
  const first = join(dir, 'first.agui.json');
  const second = join(dir, 'second.agui.json');
  await writeFile(first, JSON.stringify({ version: 2, name: 'first' }));
  const routes = [route('first', '/first', { id: 'a', body: { file: 'first.agui.json' } })];
  await writeFile(second, JSON.stringify({ version: 2, name: 'second', routes }));
  const engine = await startTestEngine({ workspace: first });

  // Checked against second, the file it is served from once open: naming first is no mistake.
  await engine.workspace.open(second);
  assert.equal(engine.workspace.filePath(), second);
  const answer = await fetch(`${engine.url}/first`);
  assert.equal(answer.status, 200);
  assert.equal(((await answer.json()) as { name: string }).name, 'first');
});
