import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MAX_FORM_FIELDS } from '../src/server/http/form-fields';
import type { ItemsPage } from '../src/shared/control-api';
import type { RouteInput } from '../src/shared/mounts/route';
import type { RequestLogEntry } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const routes: RouteInput[] = [
  {
    id: 'echo',
    method: 'POST',
    path: '/echo',
    responses: [{ id: 'ok', body: { json: { body: '{{body}}' } } }],
  },
  {
    id: 'sign-up',
    method: 'POST',
    path: '/sign-up',
    // A FastAPI form model whose field has a dotted alias: the name is one field, not a path.
    validate: {
      body: {
        type: 'object',
        properties: { 'user.name': { type: 'string', minLength: 2 }, plan: { type: 'string' } },
        required: ['user.name'],
      },
    },
    responses: [{ id: 'created', status: 201, body: { text: 'welcome {{lookup body "user.name"}} ({{body.plan}})' } }],
  },
  {
    id: 'order',
    method: 'POST',
    path: '/order',
    // FastAPI's `Form()` fields of a model: text converted to the declared types, as query values are.
    validate: {
      body: {
        type: 'object',
        properties: {
          quantity: { type: 'integer', minimum: 1 },
          gift: { type: 'boolean' },
          tags: { type: 'array', items: { type: 'string' } },
          note: { type: 'string' },
        },
        required: ['quantity'],
      },
    },
    responses: [{ id: 'ok', body: { json: '{{body}}' } }],
  },
];
for (const route of routes) assert.equal((await api.post('/routes', route)).status, 201, route.id);

const FORM = 'application/x-www-form-urlencoded';
const postForm = (path: string, form: string) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': FORM }, body: form });

test('form field names are kept as sent: dots, brackets and names objects have are fields like any other', async () => {
  const form = 'toString=1&constructor=2&hasOwnProperty=3&valueOf=4&__proto__=5&name=n&a.b=6&a[b][c]=7&a%5Bd%5D=8';
  const answer = await postForm('/echo', form);
  assert.equal(answer.status, 200);
  const { body } = (await answer.json()) as { body: object };
  // Compared as entries: an object literal with a `__proto__` key would set its prototype instead.
  assert.deepEqual(Object.entries(body), [
    ['toString', '1'],
    ['constructor', '2'],
    ['hasOwnProperty', '3'],
    ['valueOf', '4'],
    ['__proto__', '5'],
    ['name', 'n'],
    ['a.b', '6'],
    ['a[b][c]', '7'],
    ['a[d]', '8'],
  ]);
});

test('a repeated form field keeps all its values, in order, as `ctx.query` keeps a repeated parameter', async () => {
  const answer = await postForm('/echo', 'tag=a&tag=b&tag=c&c[]=1&c[]=2&one=x&empty=&plus=a+b%2B');
  const { body } = (await answer.json()) as { body: object };
  assert.deepEqual(body, { tag: ['a', 'b', 'c'], 'c[]': ['1', '2'], one: 'x', empty: '', plus: 'a b+' });
});

test(`a form of up to ${MAX_FORM_FIELDS} fields is read whole; more is refused, naming the limit`, async () => {
  const form = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=${i}`).join('&');
  const whole = await postForm('/echo', form(MAX_FORM_FIELDS));
  assert.equal(whole.status, 200);
  const { body } = (await whole.json()) as { body: Record<string, string> };
  assert.equal(Object.keys(body).length, MAX_FORM_FIELDS);
  assert.equal(body[`k${MAX_FORM_FIELDS - 1}`], String(MAX_FORM_FIELDS - 1));

  const refused = await postForm('/echo', form(1500));
  assert.equal(refused.status, 413);
  assert.deepEqual(await refused.json(), {
    detail: `Request body has too many form fields: the limit is ${MAX_FORM_FIELDS} fields; send fewer, or send the data as JSON`,
  });
  // The log shows the form that was refused, as it was sent.
  const { body: log } = await api.get<ItemsPage<RequestLogEntry>>('/requests');
  const logged = log.items.find((entry) => entry.path === '/echo' && entry.status === 413);
  assert.match(String(logged?.requestBody?.text), /^k0=0&k1=1&k2=2/);
});

test('form fields are validated by their names as sent, read by templates, and logged as sent', async () => {
  const created = await postForm('/sign-up', 'user.name=ada&plan=pro');
  assert.equal(created.status, 201);
  assert.equal(await created.text(), 'welcome ada (pro)');

  const tooShort = await postForm('/sign-up', 'user.name=a');
  assert.equal(tooShort.status, 422);
  assert.deepEqual(await tooShort.json(), {
    detail: [
      {
        type: 'string_too_short',
        loc: ['body', 'user.name'],
        msg: 'String should have at least 2 characters',
        input: 'a',
        ctx: { min_length: 2 },
      },
    ],
  });

  const { body: log } = await api.get<ItemsPage<RequestLogEntry>>('/requests');
  const logged = log.items.find((entry) => entry.path === '/sign-up' && entry.status === 201);
  assert.equal(logged?.requestBody?.text, 'user.name=ada&plan=pro');
});

test('validated form fields are converted as query values are: numbers, lax booleans, lists; a repeated single field its last', async () => {
  const ok = await postForm('/order', 'quantity=2&gift=yes&tags=a&tags=b&note=x&note=y');
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { quantity: 2, gift: true, tags: ['a', 'b'], note: 'y' });
  const bad = await postForm('/order', 'quantity=0&gift=perhaps');
  assert.equal(bad.status, 422);
  const { detail } = (await bad.json()) as { detail: { type: string; loc: unknown[]; input: unknown }[] };
  assert.deepEqual(
    detail.map(({ type, loc, input }) => ({ type, loc, input })),
    [
      { type: 'greater_than_equal', loc: ['body', 'quantity'], input: '0' },
      { type: 'bool_parsing', loc: ['body', 'gift'], input: 'perhaps' },
    ],
    'problems echo the text as sent, as for query values',
  );
  // JSON bodies are JSON: their values are not read as text.
  const json = await fetch(`${server.url}/order`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ quantity: 3 }),
  });
  assert.deepEqual(await json.json(), { quantity: 3 });
});

test('a form declaring a charset is read in it: escapes and bytes alike; an unknown charset is 415 naming it', async () => {
  const post = (contentType: string, body: string | Buffer) =>
    fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': contentType }, body });
  // The last: a parameter Koa cannot parse does not hide the charset.
  for (const charset of ['iso-8859-1', 'latin1', 'windows-1252', '"ISO-8859-1"', 'iso-8859-1; foo']) {
    const escaped = await post(`${FORM}; charset=${charset}`, 'name=Ren%E9&city=K%F6ln+am+Rhein&caf%E9=1');
    assert.equal(escaped.status, 200, charset);
    assert.deepEqual(await escaped.json(), { body: { name: 'René', city: 'Köln am Rhein', café: '1' } }, charset);
  }
  // As Python decodes (FastAPI's forms): windows-1252 has € and ’ where ISO 8859-1 has control characters.
  assert.deepEqual(await (await post(`${FORM}; charset=windows-1252`, 'p=%80%99')).json(), { body: { p: '€™' } });
  assert.deepEqual(await (await post(`${FORM}; charset=iso-8859-1`, 'p=%80')).json(), { body: { p: '\u0080' } });
  assert.deepEqual(await (await post(`${FORM}; charset=shift_jis`, 'p=%93%FA')).json(), { body: { p: '日' } });
  // A byte sent as it is (not escaped) is read in the charset too, and the log shows the form in it.
  const raw = await post(`${FORM}; charset=latin1`, Buffer.from('name=Ren\xe9&x=%2B%26', 'latin1'));
  assert.deepEqual(await raw.json(), { body: { name: 'René', x: '+&' } });
  const { body: log } = await api.get<ItemsPage<RequestLogEntry>>('/requests');
  assert.equal(log.items.find((entry) => entry.path === '/echo')?.requestBody?.text, 'name=René&x=%2B%26');
  // No charset, or UTF-8's: UTF-8, as before.
  for (const type of [FORM, `${FORM}; charset=UTF-8`]) {
    assert.deepEqual(await (await post(type, 'name=Ren%C3%A9')).json(), { body: { name: 'René' } }, type);
  }
  const unknown = await post(`${FORM}; charset=klingon`, 'name=x');
  assert.equal(unknown.status, 415);
  assert.deepEqual(await unknown.json(), {
    detail:
      'Unsupported charset "klingon" of the form body: send it in UTF-8 (no charset), or in a charset such as iso-8859-1 or windows-1252',
  });
});

test('a form body is read whatever the case of its Content-Encoding', async () => {
  const response = await fetch(`${server.url}/echo`, {
    method: 'POST',
    headers: { 'content-type': FORM, 'content-encoding': 'GZIP' },
    body: gzipSync('name=ada'),
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { body: { name: 'ada' } });
  // The log keeps the header as it was sent.
  const { body: log } = await api.get<ItemsPage<RequestLogEntry>>('/requests');
  assert.equal(log.items.find((entry) => entry.path === '/echo')?.requestHeaders['content-encoding'], 'GZIP');
});
