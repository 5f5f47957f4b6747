import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { METHODS } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeWorkspaceText, encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { CONTROL_API_PREFIX } from '../src/shared/control-api';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { WORKSPACE_VERSION, type WorkspaceInput, WorkspaceSchema } from '../src/shared/workspace';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { describe, inPool, invalidUtf8TextFrame, playFrames, problemWith, sometimes } from './helpers/fuzz';
import { type RawResponse, rawHttp } from './helpers/raw-http';
import { WAIT_MS } from './helpers/wait';
import { workspaceDir } from './helpers/workspace-files';

// A seeded fuzz run against what users define themselves (the AGORA pack has its own, fuzz-mocked-api.test.ts):
// routes with path parameters, conditions, schemas, templates and faults; collections written and read with random
// filters; a static folder; a rules and an echo socket; an AG-UI agent whose scenario reads the request. Whatever
// comes in, the engine answers below 500, every error is FastAPI JSON, nothing hangs past a bound, nothing is
// logged as an error, a collection holds what its writes answered, and what clients stored still saves, loads,
// exports, re-imports and comes back the same.
// FUZZ_SEED=<n> runs another seed, FUZZ_SCALE=<n> n times as many inputs (the failing input is printed either way).

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const HTTP_REQUESTS = 2000 * SCALE;
const COLLECTION_OPS = 1000 * SCALE;
const AGENT_RUNS = 200 * SCALE;
const SOCKETS = 16 * SCALE;
const FRAMES_PER_SOCKET = 30;
const CONCURRENCY = 24;
/** A request must be answered (or its connection closed) within this; the engine's own limits are ~2 s here. */
const BOUND_MS = WAIT_MS;
const LIMITS = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxBodyBytes: 64 * 1024,
  maxPayloadBytes: 64 * 1024,
  speed: 0,
};
const HMAC_SECRET = 'fuzz-secret';

// --- the world under test ------------------------------------------------------------------------------------

/** A schema using most of what JSON Schema offers, for a route's validation and a collection's records alike. */
const SHAPE_SCHEMA = {
  type: 'object',
  properties: {
    n: { type: 'integer', minimum: -5 },
    f: { type: ['number', 'null'], exclusiveMaximum: 1e300 },
    b: { type: 'boolean', default: false },
    opt: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null },
    union: {
      oneOf: [
        { type: 'integer' },
        { type: 'string', format: 'date-time' },
        { type: 'array', items: { type: 'number' }, maxItems: 5 },
      ],
    },
    tree: { $ref: '#/$defs/node' },
    map: { type: 'object', additionalProperties: { type: 'integer' }, propertyNames: { pattern: '^[a-z]+$' } },
    pp: { type: 'object', patternProperties: { '^n_': { type: 'number' } } },
    cond: {
      if: { type: 'object', properties: { kind: { const: 'x' } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, not a promise's
      then: { required: ['x'] },
      else: { properties: { y: { type: 'integer' } } },
    },
    list: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'boolean' }], items: { type: 'string' } },
    email: { type: 'string', format: 'email' },
    uuid: { type: 'string', format: 'uuid' },
    day: { type: 'string', format: 'date' },
    re: { type: 'string', format: 'regex' },
    both: {
      allOf: [
        { type: 'object', properties: { a: { type: 'integer', default: 1 } } },
        { properties: { b: { type: 'number' } } },
      ],
    },
    tags: { type: 'array', uniqueItems: true, items: { enum: ['x', 'y', 1, { z: [1] }] } },
  },
  $defs: {
    node: {
      type: 'object',
      properties: { v: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
    },
  },
};

const world: WorkspaceInput = {
  version: WORKSPACE_VERSION,
  name: 'fuzz',
  settings: { ...DEFAULT_SETTINGS, ...LIMITS },
  packs: [],
  routes: [
    { id: 'health', method: 'GET', path: '/health', responses: [{ id: 'ok', body: { json: { status: 'healthy' } } }] },
    {
      id: 'item',
      method: 'GET',
      path: '/api/items/:id',
      validate: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
        query: {
          type: 'object',
          properties: {
            verbose: { type: 'boolean' },
            tags: { type: 'array', items: { type: 'string', maxLength: 20 } },
            limit: { type: ['integer', 'null'], maximum: 1000 },
          },
        },
      },
      responses: [
        {
          id: 'verbose',
          when: { query: { verbose: 'true' }, headers: { 'X-Mode': { regex: '(?i)^full' } } },
          headers: { 'X-Echo': 'item {{params.id}} {{query.q}}', 'X-Agent': '{{headers.user-agent}}' },
          body: {
            json: {
              id: '{{params.id}}',
              next: '{{add params.id 1}}',
              tags: '{{query.tags}}',
              headers: '{{headers}}',
              url: '{{url}}',
              method: '{{method}}',
            },
          },
        },
        {
          id: 'plain',
          headers: { 'X-Echo': '{{query.q}}' },
          body: {
            json: { id: '{{params.id}}', q: '{{query.q}}', limit: '{{default query.limit 10}}', path: '{{path}}' },
          },
        },
      ],
    },
    {
      id: 'create-item',
      method: 'POST',
      path: '/api/items',
      validate: {
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, pattern: '^[\\pL\\d ]+$' },
            price: { type: 'number', minimum: 0 },
            tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
            kind: { enum: ['a', 'b', { c: 1 }] },
            meta: { type: 'object' },
            note: { type: 'string', default: null },
          },
          required: ['name'],
        },
      },
      responses: [
        {
          id: 'expensive',
          when: { body: [{ path: '$[?(@.price > 100)]', exists: true }] },
          status: 202,
          body: { json: { queued: '{{body.name}}', price: '{{body.price}}', note: '{{body.note}}' } },
        },
        {
          id: 'created',
          status: 201,
          headers: { Location: '/api/items/{{counter "items"}}', 'X-Name': '{{body.name}}' },
          body: {
            json: {
              item: '{{body}}',
              text: 'tags: {{#each body.tags}}{{@index}}={{this}};{{/each}} meta {{json body.meta}}',
              count: '{{length body.tags}}',
            },
          },
        },
      ],
    },
    {
      id: 'shape',
      method: 'POST',
      path: '/api/shape/:n',
      validate: {
        params: { type: 'object', properties: { n: { type: 'number' } } },
        query: {
          type: 'object',
          properties: Object.fromEntries(
            Object.entries(SHAPE_SCHEMA.properties).filter(
              ([name]) => !['tree', 'map', 'pp', 'cond', 'both'].includes(name),
            ),
          ),
        },
        body: SHAPE_SCHEMA,
      },
      responses: [
        {
          id: 'ok',
          headers: { 'X-N': '{{params.n}}', 'X-F': '{{body.f}}' },
          body: { json: { params: '{{params}}', query: '{{query}}', body: '{{body}}', tree: '{{json body.tree}}' } },
        },
      ],
    },
    {
      id: 'anything',
      method: 'ANY',
      path: '/echo/*rest',
      responses: [
        { id: 'reset', when: { headers: { 'X-Fault': 'reset' } }, fault: { type: 'reset' } },
        {
          id: 'drip',
          when: { headers: { 'X-Fault': 'drip' } },
          body: { text: '{{method}} {{url}}' },
          fault: { type: 'drip', chunks: 3, durationMs: 30 },
        },
        {
          id: 'text',
          when: { headers: { 'X-Mode': { contains: 'text' } } },
          headers: { 'Content-Type': '{{headers.x-type}}' },
          body: { text: '{{method}} {{params.rest}} {{json query}} {{json body 2}}' },
        },
        {
          id: 'deep',
          when: {
            body: [
              { path: '$..id', exists: true },
              { path: '$.tags[*]', contains: 'x' },
            ],
          },
          body: { json: { ids: '{{body.id}}', first: '{{lookup body.tags 0}}' } },
        },
        {
          id: 'echo',
          headers: { 'X-Rest': '{{params.rest}}' },
          body: { json: { rest: '{{params.rest}}', query: '{{query}}', body: '{{body}}', len: '{{length body}}' } },
        },
      ],
    },
    {
      id: 'calc',
      method: 'GET',
      path: '/calc/:a/:b',
      responseMode: 'sequential',
      responses: [
        { id: 'sum', body: { json: { sum: '{{add params.a params.b}}', product: '{{multiply params.a params.b}}' } } },
        { id: 'quotient', body: { json: { q: '{{divide params.a params.b}}', r: '{{randomInt params.a params.b}}' } } },
      ],
    },
    {
      id: 'file',
      method: 'GET',
      path: '/files/:name',
      responses: [{ id: 'file', body: { file: 'files/{{params.name}}' } }],
    },
  ],
  collections: [
    { id: 'shapes', path: '/api/shapes', idType: 'uuid', schema: SHAPE_SCHEMA, records: [] },
    {
      id: 'books',
      path: '/api/books',
      idField: 'id',
      idType: 'integer',
      schema: {
        type: 'object',
        properties: {
          title: { type: 'string', minLength: 1 },
          year: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
          status: { enum: ['draft', 'published'], default: 'draft' },
        },
        required: ['title'],
      },
      records: [
        { id: 1, title: 'Dune', year: 1965, tags: ['sf'], author: { name: 'Herbert' } },
        { id: 2, title: 'Emma', year: 1815 },
        { id: 3, title: 'Ubik', year: 1969, status: 'published' },
      ],
    },
    {
      id: 'notes',
      path: '/api/notes',
      idField: 'key',
      idType: 'string',
      records: [{ key: 'first', text: 'hello' }],
    },
  ],
  staticFolders: [{ id: 'static', path: '/static', folder: 'public', index: 'index.html' }],
  sockets: [
    {
      id: 'room',
      path: '/ws/room/:room',
      behaviour: {
        type: 'rules',
        onConnect: { reply: [{ json: { hello: '{{params.room}}', user: '{{query.user}}' } }] },
        rules: [
          { id: 'ping', match: { text: '(?i)^ping$' }, reply: [{ text: 'pong' }] },
          {
            id: 'login',
            match: { json: [{ path: '$.op', equals: 'login' }] },
            verify: {
              hmac: {
                secret: HMAC_SECRET,
                message: '{{json.ts}}{{json.user}}',
                signature: '{{json.sig}}',
                encoding: 'hex',
              },
            },
            setFlags: ['authed'],
            reply: [{ json: { ok: true, user: '{{json.user}}' } }],
          },
          {
            id: 'say',
            match: { json: [{ path: '$.op', equals: 'say' }] },
            requireFlags: ['authed'],
            reply: [{ json: { ok: true } }],
            broadcast: {
              frames: [{ json: { from: '{{json.user}}', text: '{{json.text}}', all: '{{this.json}}' } }],
              sameParams: ['room'],
            },
          },
          {
            id: 'shout',
            match: { json: [{ path: '$.items[?(@.n > 3)]', exists: true }] },
            reply: [{ text: 'many: {{#each json.items}}{{this.n}},{{/each}}' }],
            broadcast: { frames: [{ text: '{{message}}' }] },
          },
          { id: 'bye', match: { text: '^bye' }, reply: [{ text: 'ciao' }], close: { code: 4000, reason: 'bye now' } },
        ],
        unmatched: { reply: [{ json: { error: 'unknown message', was: '{{message}}', size: '{{size}}' } }] },
      },
    },
    { id: 'echo', path: '/ws/echo', behaviour: { type: 'echo', reply: 'Echo: {{message}} {{json this.json}}' } },
  ],
  agents: [{ id: 'agent', path: '/agent', scenarios: '*' }],
  scenarios: [
    {
      id: 'state-echo',
      name: 'State echo',
      triggers: [{ match: 'jsonPath', path: '$.forwardedProps.mode', equals: 'state', priority: 5 }],
      steps: [
        { type: 'stateSnapshot', snapshot: { client: '{{input.state}}', mode: 'state' } },
        { type: 'stateDelta', delta: [{ op: 'add', path: '/echo', value: '{{input.forwardedProps.value}}' }] },
        { type: 'setContext', values: { last: '{{input.forwardedProps}}', said: '{{lastUserMessage}}' } },
        { type: 'custom', name: 'echo', value: { props: '{{input.forwardedProps}}', context: '{{input.context}}' } },
        { type: 'text', spoken: false, chunks: ['You said: {{lastUserMessage}}'] },
      ],
    },
    {
      id: 'order',
      name: 'Order',
      triggers: [{ match: 'regex', pattern: '^order (\\d+)$' }],
      steps: [
        {
          type: 'toolCall',
          name: 'lookup_order',
          args: { order: '{{lastUserMessage}}', thread: '{{threadId}}' },
          result: { found: true, echo: '{{input.forwardedProps}}' },
        },
        { type: 'text', spoken: false, chunks: ['Order ', '{{lastUserMessage}} found'] },
      ],
    },
    {
      id: 'after-tool',
      name: 'After a tool',
      triggers: [{ match: 'lastMessage', role: 'tool', priority: 3 }],
      steps: [{ type: 'text', spoken: false, chunks: ['The tool said {{json lastMessage.content}}'] }],
    },
    {
      id: 'fallback',
      name: 'Fallback',
      triggers: [{ match: 'always', priority: -1 }],
      steps: [
        {
          type: 'branch',
          when: { match: 'context', key: 'said' },
          steps: [{ type: 'text', spoken: false, chunks: ['Again: {{json context.said}}'] }],
          otherwise: [{ type: 'text', spoken: false, chunks: ['Hello {{default threadId "you"}}'] }],
        },
      ],
    },
  ],
};

const dir = await workspaceDir();
await mkdir(join(dir, 'public', 'sub'), { recursive: true });
await mkdir(join(dir, 'files'));
await writeFile(join(dir, 'public', 'index.html'), '<h1>fuzz</h1>');
await writeFile(join(dir, 'public', 'data.json'), '{"a":1}');
await writeFile(join(dir, 'public', 'sub', 'notes.txt'), 'notes');
await writeFile(join(dir, 'public', '.hidden'), 'secret');
await writeFile(join(dir, 'files', 'a.json'), '{"file":"a"}');
await writeFile(join(dir, 'files', 'b.txt'), 'b');
const file = join(dir, 'fuzz.agui.json');
await writeFile(file, encodeWorkspace(WorkspaceSchema.parse(world)));

const { logger, errors } = errorLogger();
const server = await startTestEngine({
  workspace: file,
  settings: LIMITS,
  logger,
  workspaceOptions: { configDir: dir, autosaveDelayMs: 50 },
});

// --- what a request is made of -------------------------------------------------------------------------------

const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\ude00b'];
/** The shapes collection's ids: a few, so writes meet records written before (in either case, as uuids compare). */
const UUIDS = [
  '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
  '6F1C2D3E-4B5A-4C7D-8E9F-0A1B2C3D4E5F',
  'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
];

/** A path segment, sent as it is in the request line. */
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '2', '0', '-1', '42', 'abc', 'first', 'a.json', 'b.txt', 'data.json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E',
      '%2F',
      '%5C',
      '%00',
      '%',
      '%zz',
      '%E0%A4%A',
      '%ED%A0%80', // a lone surrogate, UTF-8 encoded
      'ü',
      '%C3%BC',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '1e400',
      '99999999999999999999',
      '9007199254740993',
      '-0',
      '1.5',
      '+5',
      '1_000',
      'NaN',
      'Infinity',
      '.hidden',
      'index.html',
      'sub',
      '..%2Ffuzz.agui.json',
      '..%2F..%2Fetc%2Fpasswd',
      'fuzz.agui.json',
      '',
      '~',
      '{{params}}',
    ),
  },
  { weight: 2, arbitrary: fc.webSegment() },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }).map((text) => encodeURIComponent(text)) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((n) => 'a'.repeat(n)) },
);

const segments = (min: number, max: number) =>
  fc.array(segment, { minLength: min, maxLength: max }).map((parts) => parts.join('/'));

/** Paths shaped like the mounts', with random segments where they take parameters (or where they do not). */
const path = fc.oneof(
  { weight: 3, arbitrary: segment.map((s) => `/api/items/${s}`) },
  { weight: 2, arbitrary: fc.constantFrom('/api/items', '/api/items/', '/health', '/api/books', '/api/notes') },
  { weight: 2, arbitrary: segment.map((s) => `/api/shape/${s}`) },
  { weight: 3, arbitrary: segments(1, 4).map((s) => `/echo/${s}`) },
  { weight: 2, arbitrary: fc.tuple(segment, segment).map(([a, b]) => `/calc/${a}/${b}`) },
  { weight: 2, arbitrary: segment.map((s) => `/files/${s}`) },
  { weight: 3, arbitrary: segment.map((s) => `/api/books/${s}`) },
  { weight: 2, arbitrary: segment.map((s) => `/api/notes/${s}`) },
  { weight: 3, arbitrary: segments(0, 3).map((s) => `/static/${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('/static', '/static//data.json', '/static/%2F%2Fdata.json', '/agent') },
  { weight: 1, arbitrary: segment.map((s) => `/ws/room/${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('/ws/echo', '/ws/room', '/__console/api/server') },
  { weight: 1, arbitrary: fc.webPath().map((p) => p || '/') },
);

/** The methods the mount at a path answers, so most requests reach it rather than end 405. */
function methodsFor(where: string): string[] {
  if (where.startsWith('/api/items')) return where.length > '/api/items/'.length ? ['GET'] : ['POST'];
  if (/^\/api\/(books|notes|shapes)\/?$/.test(where) || where.startsWith('/api/shape/')) return ['GET', 'POST'];
  if (where.startsWith('/api/')) return ['GET', 'PUT', 'PATCH', 'DELETE'];
  if (where.startsWith('/echo/')) return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  if (where.startsWith('/agent')) return ['POST'];
  return ['GET'];
}

const anyMethod = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
);

/** Method and path: mostly one the mount answers, else any. */
const target = fc.tuple(path, fc.nat(), fc.integer({ min: 0, max: 3 }), anyMethod).map(([where, pick, odds, other]) => {
  const methods = methodsFor(where);
  return { path: where, method: odds === 0 ? other : (methods[pick % methods.length] as string) };
});

const QUERY_KEYS = [
  'q',
  'verbose',
  'tags',
  'limit',
  'title',
  'year',
  'year_gte',
  'year_lte',
  'year_ne',
  'title_like',
  'author.name',
  'status',
  '_sort',
  '_order',
  '_page',
  '_limit',
  '_per_page',
  '_start',
  '_end',
  '_like',
  '_',
  'callback',
  'id',
  'key',
  '__proto__',
  'constructor',
  '__proto__[x]',
  'tags[]',
  'a[b][c]',
  'toString_like',
  'constructor_gte',
  '__proto__.x',
  'valueOf_ne',
  'n',
  'f',
  'b',
  'opt',
  'union',
  'email',
  'uuid',
  'day',
  're',
  'list',
  'user',
];

const queryValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'true',
      'yes',
      'no',
      '1',
      '0',
      '-1',
      '',
      'Dune',
      'dune',
      '1e400',
      '99999999999999999999',
      '9007199254740993',
      '-0',
      'NaN',
      'title',
      '-year',
      'constructor',
      '__proto__',
      'toString',
      'author.name',
      'tags.0',
      '-',
      '..',
      'year,title',
      'title,title,year,-year,x,y,z,a,b,c,d,e,f,g,h,i,j,k,l',
      'desc',
      '(a+)+$',
      '[',
      '(?i)d.*',
      'a{1000}',
      '\\',
      '__proto__',
      'full',
      'inf',
      'nan',
      ' 7 ',
      '1_000',
      '0x10',
      '2024-01-01',
      'a@b.c',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...LONE_SURROGATES) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => 'q'.repeat(n)) },
);

/** Percent-encoded, except lone surrogates (which encodeURIComponent refuses): sent as their broken UTF-8. */
const encodeQueryPart = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};

const query = sometimes(
  fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeQueryPart(k)}=${encodeQueryPart(v)}`).join('&')),
  70,
);

/** JSON text a JSON.stringify would never write, or would write differently. */
const oddJson = fc.constantFrom(
  '{"name":1e400}',
  '{"name":"x","price":1e400}',
  '{"name":"x","price":-0}',
  '{"name":"x","price":-0.0e0,"tags":["-0"]}',
  '{"name":"\\ud800"}',
  '{"name":"a\\udfffb","tags":["\\ud83d"]}',
  '{"name":"\\u0000\\u001f\\u2028"}',
  '{"__proto__":{"name":"x"}}',
  '{"name":"x","meta":{"__proto__":{"polluted":true}}}',
  '{"name":"x","meta":{"\\u005f_proto__":1}}',
  '{"constructor":{"prototype":{"x":1}},"name":"x"}',
  '{"name":"x","name":"y"}',
  '{"title":"x","id":1.0}',
  '{"title":"x","id":-0}',
  '{"title":"x","id":1e2}',
  '{"title":"x","id":9007199254740993}',
  '{"key":"\\ud800","text":"x"}',
  '{"key":"..","text":"x"}',
  '{"key":"","text":"x"}',
  '{"title":"\\ud800","tags":["\\udfff"]}',
  '[1,2,3]',
  'null',
  '"text"',
  '12',
  '{"a":',
  '',
);

const jsonKey = fc.oneof(
  fc.constantFrom('name', 'price', 'tags', 'kind', 'meta', 'note', 'title', 'year', 'status', 'id', 'key', 'text'),
  fc.constantFrom('constructor', 'toString', 'prototype', '__proto__', '', 'a.b', '$', '@', '..'),
  fc.string({ maxLength: 6 }),
);

/** A character of any plane, now and then a lone surrogate, NUL or a line separator. */
const hostileChar = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '\u2028', '\ufeff') },
);
const hostileText = fc.string({ unit: hostileChar, maxLength: 16 });
const hostileJson = fc.jsonValue({ maxDepth: 4, stringUnit: hostileChar });

/** `known` fields, with hostile keys and values beside them. */
const withExtras = (known: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .tuple(known, fc.dictionary(fc.oneof(hostileText, jsonKey), hostileJson, { maxKeys: 4 }))
    .map(([fields, extra]) => JSON.stringify({ ...extra, ...fields }));

/** Records the books collection takes, carrying hostile text, keys and values besides. */
const bookRecord = withExtras(
  fc.record({
    title: hostileText.filter((text) => text.length > 0),
    year: sometimes(fc.oneof(fc.integer(), fc.constantFrom(-0, 9007199254740991, -9007199254740991)), 70),
    tags: sometimes(fc.array(hostileText, { maxLength: 5 }), 50),
    status: sometimes(fc.constantFrom('draft', 'published', null), 30),
    id: sometimes(fc.integer({ min: 1, max: 40 }), 10),
  }),
);

const NOTE_KEYS = ['first', 'k1', 'k2', 'a b', 'a/b', '…'];
/** Records the notes collection (string ids, no schema) takes. */
const noteRecord = withExtras(
  fc.record({ key: sometimes(fc.oneof(fc.constantFrom(...NOTE_KEYS), hostileText), 70), text: hostileJson }),
);

/** Objects shaped like the mounts' bodies, bent: keys and values replaced by random ones. */
const plausibleObject = fc.oneof(
  fc.record({
    name: fc.oneof(fc.constantFrom('Widget', 'a b 1', 'x', ''), fc.string({ maxLength: 20 }), fc.jsonValue()),
    price: sometimes(fc.oneof(fc.double(), fc.integer(), fc.constantFrom('12.5', 'yes', '1e400')), 80),
    tags: sometimes(fc.array(fc.oneof(fc.constantFrom('x', 'y', 'x'), fc.string({ maxLength: 4 }))), 60),
    kind: sometimes(fc.oneof(fc.constantFrom('a', 'b'), fc.constant({ c: 1 }), fc.jsonValue()), 30),
    meta: sometimes(fc.jsonValue({ maxDepth: 4 }), 40),
  }),
  fc.record({
    title: fc.oneof(fc.constantFrom('Dune', 'New', ''), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 })),
    year: sometimes(fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })), 60),
    status: sometimes(fc.oneof(fc.constantFrom('draft', 'published', null), fc.string({ maxLength: 5 })), 40),
    id: sometimes(fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string({ maxLength: 5 }), fc.jsonValue()), 30),
    tags: sometimes(fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }), 30),
  }),
  fc.record({
    key: sometimes(fc.oneof(fc.constantFrom('first', 'k', 'a b', '%2F', '../x'), fc.string({ maxLength: 8 })), 70),
    text: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 })),
  }),
  fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
);

/** Values a lax (pydantic) reading converts, or refuses: numbers, booleans and dates as text, and any JSON. */
const laxValue = fc.oneof(
  fc.constantFrom(
    '12',
    '1.5',
    ' 7 ',
    '-0',
    '1e400',
    '1e308',
    'inf',
    '-Infinity',
    'nan',
    'yes',
    'off',
    'true',
    '',
    '0x10',
    '1_000',
    '2024-01-01',
    '2024-02-30T25:61:00Z',
    'a@b.c',
    '(',
    '[a-',
    '00000000-0000-0000-0000-00000000000G',
    'x',
    'y',
  ),
  fc.constantFrom(1, -0, 1.5, 1e300, -1e300, 2 ** 53, true, null, [], {}, { z: [1] }),
  hostileJson,
);

const { node: shapeTree } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.record(
    { v: laxValue, children: fc.array(tie('node'), { maxLength: 3, depthIdentifier: 'tree' }) },
    { requiredKeys: [] },
  ),
}));

/** Bodies for the JSON Schema that uses most of what schemas offer. */
const shapeBody = fc
  .record(
    {
      n: laxValue,
      f: laxValue,
      b: laxValue,
      opt: laxValue,
      union: fc.oneof(laxValue, fc.array(laxValue, { maxLength: 6 })),
      tree: shapeTree,
      map: fc.dictionary(fc.oneof(jsonKey, hostileText), laxValue, { maxKeys: 4 }),
      pp: fc.dictionary(fc.constantFrom('n_a', 'n_', 'x', 'n_\ud800'), laxValue, { maxKeys: 3 }),
      cond: fc.record({ kind: fc.constantFrom('x', 'y'), x: laxValue, y: laxValue }, { requiredKeys: [] }),
      list: fc.array(laxValue, { maxLength: 4 }),
      email: laxValue,
      uuid: laxValue,
      day: laxValue,
      re: fc.oneof(laxValue, fc.constantFrom('(a+)+$', '\\', '[', '(?<n>x)', '\\p{L}', 'a{99999}')),
      both: fc.record({ a: laxValue, b: laxValue }, { requiredKeys: [] }),
      tags: fc.array(fc.oneof(fc.constantFrom('x', 'y', 1, { z: [1] }), laxValue), { maxLength: 4 }),
      id: fc.oneof(fc.constantFrom(...UUIDS), laxValue),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value));

/** Records the shapes collection takes: each field of its type (text a lax reading converts, now and then). */
const shapeRecord = withExtras(
  fc.record(
    {
      id: fc.constantFrom(...UUIDS),
      n: fc.oneof(fc.integer({ min: -5 }), fc.constantFrom('7', ' 12 ')),
      f: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, max: 1e299 }), fc.constant(null)),
      b: fc.oneof(fc.boolean(), fc.constantFrom('yes', 'off', '1')),
      opt: fc.oneof(fc.integer(), fc.constant(null)),
      union: fc.oneof(
        fc.integer(),
        fc.constant('2024-01-01T00:00:00Z'),
        fc.array(fc.double({ noNaN: true }), { maxLength: 5 }),
      ),
      map: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.integer(), { maxKeys: 3 }),
      pp: fc.dictionary(fc.constantFrom('n_a', 'n_b', 'other'), fc.double({ noNaN: true, noDefaultInfinity: true })),
      email: fc.constantFrom('a@b.co', 'x.y+z@ex.org'),
      uuid: fc.uuid(),
      day: fc.constantFrom('2024-01-01', '2024-02-29'),
      re: fc.constantFrom('^a+$', '[a-z]', '(?:x)'),
      both: fc.record(
        { a: fc.integer(), b: fc.double({ noNaN: true, noDefaultInfinity: true }) },
        { requiredKeys: [] },
      ),
      tags: fc.uniqueArray(fc.constantFrom('x', 'y', 1), { maxLength: 3 }),
      list: fc.tuple(fc.integer(), fc.boolean(), hostileText),
    },
    { requiredKeys: ['id'] },
  ),
);

/** JSON nested `depth` levels, of arrays or objects. */
const deepJson = fc
  .tuple(fc.integer({ min: 30, max: 2000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"id":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

const bodyText = fc.oneof(
  { weight: 5, arbitrary: plausibleObject.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: bookRecord },
  { weight: 2, arbitrary: noteRecord },
  { weight: 4, arbitrary: shapeBody },
  { weight: 3, arbitrary: oddJson },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: deepJson },
  // Wide: many keys, or a long list.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 100, max: 6000 }), fc.boolean())
      .map(([n, list]) =>
        list
          ? JSON.stringify({ name: 'x', tags: Array.from({ length: n }, (_, i) => `t${i % 50}`) })
          : JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
      ),
  },
  // Large: some over the body limit.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1000, max: 100_000 })
      .map((n) => JSON.stringify({ name: 'x', title: 't', text: 'p'.repeat(n) })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  // Form fields (sent as JSON too, where the content type says so).
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(jsonKey, fc.constantFrom(...QUERY_KEYS)), queryValue), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${encodeQueryPart(k)}=${encodeQueryPart(v)}`).join('&')),
  },
);

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=nope',
];

const headerName = fc.constantFrom(
  'X-Mode',
  'X-Fault',
  'X-Type',
  'X-Token',
  'User-Agent',
  'Accept',
  'Origin',
  'Cookie',
  'Authorization',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
  'X-Other',
);
const headerValue = fc.oneof(
  fc.constantFrom('full', 'FULL text', 'text', 'reset', 'drip', '', '{{x}}'),
  fc.constantFrom('application/json', 'text/html', ';', 'x', 'text/plain; charset=nope', 'text/plain; charset=utf-16'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 20 }),
  fc.integer({ min: 100, max: 8000 }).map((n) => 'h'.repeat(n)),
);

const httpRequest = fc.record({
  target,
  query,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
  body: sometimes(
    fc.oneof(
      { weight: 8, arbitrary: bodyText },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    ),
    70,
  ),
});

type HttpRequest = typeof httpRequest extends fc.Arbitrary<infer T> ? T : never;

/** Text HTTP allows in a header value (Latin-1's upper half, obs-text, included): line breaks and controls are left out. */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');

function requestBytes(request: HttpRequest): Buffer {
  const { method, path: where } = request.target;
  const target = request.query === undefined ? where : `${where}?${request.query}`;
  const payload = request.body === undefined ? undefined : Buffer.from(request.body);
  const requestLine = Buffer.from(`${method} ${target} HTTP/1.1\r\n`, 'utf8');
  const lines = [`Host: 127.0.0.1:${server.port}`, 'Connection: close'];
  if (request.contentType) lines.push(`Content-Type: ${request.contentType}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${headerSafe(value)}`);
  if (payload) lines.push(`Content-Length: ${payload.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([requestLine, head, payload ?? Buffer.alloc(0)]);
}

/** Sends one request; its failures are added to `failures`, its status counted (0: no answer), its response given. */
async function send(
  request: HttpRequest,
  failures: string[],
  statuses: Map<number, number>,
): Promise<RawResponse | undefined> {
  let response: RawResponse;
  try {
    response = await rawHttp(server.port, [requestBytes(request)], 1, {
      timeoutMs: BOUND_MS,
      head: request.target.method === 'HEAD',
    });
  } catch (error) {
    const message = (error as Error).message;
    if (message === 'raw HTTP request timed out') failures.push(`hung past ${BOUND_MS} ms: ${describe(request)}`);
    // Closed without an answer: the `reset` fault asked for it; otherwise it must be rare (checked by the caller).
    else statuses.set(0, (statuses.get(0) ?? 0) + 1);
    return undefined;
  }
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const problem = problemWith(
    response.status,
    response.headers['content-type'],
    response.body,
    request.target.method !== 'HEAD',
  );
  if (problem) failures.push(`${problem}\n  for ${describe(request)}`);
  return response;
}

/**
 * What a collection said it did is what it holds: the record a write answered with is the one read back at its
 * place (a POST's Location), and a deleted one is gone.
 */
async function readBack(request: HttpRequest, response: RawResponse, failures: string[]): Promise<void> {
  const { method, path: where } = request.target;
  const written =
    (method === 'POST' && response.status === 201) || (['PUT', 'PATCH'].includes(method) && response.status === 200);
  const deleted = method === 'DELETE' && response.status === 204;
  if (!written && !deleted) return;
  const place = method === 'POST' ? response.headers.location : where;
  const read = await fetch(`${server.url}${place}`);
  const text = await read.text();
  if (deleted && read.status !== 404) failures.push(`deleted, then read ${read.status}: ${describe(request)}`);
  if (written && (read.status !== 200 || text !== response.body)) {
    failures.push(
      `answered ${describe(response.body)}, then read ${read.status} ${describe(text)} at ${place}: ${describe(request)}`,
    );
  }
}

const faulted = (request: HttpRequest) =>
  request.headers.some(([name, value]) => name === 'X-Fault' && headerSafe(value) === 'reset');

// --- the runs --------------------------------------------------------------------------------------------------

test(`${HTTP_REQUESTS} random requests to the user's mounts: no 5xx, FastAPI errors, nothing left hanging`, async (t) => {
  const errorsBefore = errors.length;
  const requests = fc.sample(httpRequest, { seed: SEED, numRuns: HTTP_REQUESTS });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  await inPool(requests, CONCURRENCY, async (request) => {
    await send(request, failures, statuses);
  });
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${HTTP_REQUESTS} requests broke the rules`);
  assert.deepEqual(errors.slice(errorsBefore, errorsBefore + 5), [], 'no unhandled error was logged');
  t.diagnostic(`statuses: ${JSON.stringify([...statuses].sort(([a], [b]) => a - b))}`);
  const unanswered =
    (statuses.get(0) ?? 0) -
    requests.filter((request) => faulted(request) && request.target.path.startsWith('/echo/')).length;
  assert.ok(unanswered < HTTP_REQUESTS / 20, `${unanswered} connections closed without an answer`);
  for (const status of [200, 201, 400, 403, 404, 405, 413, 422]) {
    assert.ok(statuses.has(status), `no ${status} among ${JSON.stringify([...statuses])}`);
  }
});

test(`${COLLECTION_OPS} random collection writes interleaved with filtered reads: no 5xx, FastAPI errors, writes read back`, async (t) => {
  const errorsBefore = errors.length;
  /** Each collection with the ids and records it takes: mostly, so that writes meet records written before. */
  const collection = fc.oneof(
    fc.record({
      where: fc.constant('/api/books'),
      id: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 30 }).map(String) },
        { weight: 1, arbitrary: segment },
      ),
      record: fc.oneof({ weight: 3, arbitrary: bookRecord }, { weight: 1, arbitrary: bodyText }),
    }),
    fc.record({
      where: fc.constant('/api/notes'),
      id: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...NOTE_KEYS).map(encodeURIComponent) },
        { weight: 1, arbitrary: segment },
      ),
      record: fc.oneof({ weight: 3, arbitrary: noteRecord }, { weight: 1, arbitrary: bodyText }),
    }),
    fc.record({
      where: fc.constant('/api/shapes'),
      id: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...UUIDS) }, { weight: 1, arbitrary: segment }),
      record: fc.oneof(
        { weight: 4, arbitrary: shapeRecord },
        { weight: 2, arbitrary: shapeBody },
        { weight: 1, arbitrary: bodyText },
      ),
    }),
  );
  const operation: fc.Arbitrary<HttpRequest> = fc
    .record({
      collection,
      kind: fc.constantFrom('create', 'change', 'change', 'list'),
      method: fc.constantFrom('PUT', 'PATCH', 'PATCH', 'DELETE', 'GET'),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('application/merge-patch+json', 'text/plain') },
      ),
      withBody: fc.integer({ min: 0, max: 9 }),
      query,
      head: fc.integer({ min: 0, max: 9 }),
    })
    .map(({ collection: { where, id, record }, kind, method, contentType, withBody, query: search, head }) => {
      const base = { headers: [] as HttpRequest['headers'] };
      if (kind === 'create') {
        return { ...base, target: { method: 'POST', path: where }, query: undefined, contentType, body: record };
      }
      if (kind === 'change') {
        const body = withBody > 0 && method !== 'GET' && method !== 'DELETE' ? record : undefined;
        return { ...base, target: { method, path: `${where}/${id}` }, query: undefined, contentType, body };
      }
      const verb = head === 0 ? 'HEAD' : 'GET';
      return { ...base, target: { method: verb, path: where }, query: search, contentType: undefined, body: undefined };
    });
  const operations = fc.sample(operation, { seed: SEED + 1, numRuns: COLLECTION_OPS });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  // One at a time, so each write can be read back before another changes it.
  for (const request of operations) {
    const response = await send(request, failures, statuses);
    if (response) await readBack(request, response, failures);
  }
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${COLLECTION_OPS} operations broke the rules`);
  assert.deepEqual(errors.slice(errorsBefore, errorsBefore + 5), [], 'no unhandled error was logged');
  t.diagnostic(`statuses: ${JSON.stringify([...statuses].sort(([a], [b]) => a - b))}`);
  assert.ok((statuses.get(0) ?? 0) < COLLECTION_OPS / 20, 'connections closed without an answer');
  for (const status of [200, 201, 204, 404, 422]) {
    assert.ok(statuses.has(status), `no ${status} among ${JSON.stringify([...statuses])}`);
  }
  // A listing still reads whatever was stored, and counts it.
  for (const where of ['/api/books', '/api/notes', '/api/shapes']) {
    const listing = await fetch(`${server.url}${where}?_sort=id`);
    assert.equal(listing.status, 200, where);
    const records = (await listing.json()) as unknown[];
    assert.equal(String(records.length), listing.headers.get('x-total-count'), where);
  }
});

test(`${AGENT_RUNS} random RunAgentInput-ish bodies to the agent: answered or streamed to an end`, async (t) => {
  const errorsBefore = errors.length;
  const text = fc.oneof(
    fc.constantFrom('order 12', 'order x', 'hello', 'state', '', 'order 99999999999999999999'),
    hostileText,
    fc.constantFrom(...LONE_SURROGATES),
  );
  const message = fc.record({
    id: fc.oneof(fc.uuid(), fc.string({ maxLength: 4 }), fc.constantFrom(...LONE_SURROGATES)),
    role: fc.constantFrom('user', 'user', 'assistant', 'tool', 'system', 'developer', 'nobody'),
    content: fc.oneof({ weight: 15, arbitrary: text }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }),
    toolCallId: sometimes(fc.string({ maxLength: 5 }), 30),
  });
  const input = fc.record({
    threadId: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('t1', 't2', 't3') },
      { weight: 2, arbitrary: fc.string({ maxLength: 5 }) },
      { weight: 1, arbitrary: fc.constantFrom(...LONE_SURROGATES) },
    ),
    runId: fc.uuid(),
    messages: fc.array(message, { maxLength: 3 }),
    tools: fc.oneof(
      { weight: 15, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    ),
    context: fc.oneof(
      fc.constant([]),
      fc.array(fc.record({ description: fc.string({ maxLength: 5 }), value: fc.string({ maxLength: 5 }) }), {
        maxLength: 2,
      }),
    ),
    state: sometimes(hostileJson, 60),
    forwardedProps: sometimes(
      fc.record({
        mode: fc.constantFrom('state', 'state', 'other', 5),
        value: hostileJson,
        user: sometimes(fc.string({ maxLength: 5 }), 50),
      }),
      70,
    ),
    parentRunId: sometimes(fc.oneof(fc.uuid(), hostileText), 10),
    resume: sometimes(
      fc.array(fc.record({ interruptId: hostileText, status: fc.constantFrom('resolved', 'cancelled', 'no') })),
      10,
    ),
  });
  const run = fc.record({
    body: fc.oneof(
      { weight: 8, arbitrary: input.map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: oddJson },
      { weight: 1, arbitrary: deepJson },
    ),
    accept: fc.oneof(
      { weight: 8, arbitrary: fc.constant('text/event-stream') },
      { weight: 1, arbitrary: fc.constantFrom('*/*', 'application/vnd.ag-ui.event+proto', 'application/json', '') },
    ),
  });
  const runs = fc.sample(run, { seed: SEED + 2, numRuns: AGENT_RUNS });
  const failures: string[] = [];
  const outcomes = new Map<string, number>();
  await inPool(runs, 8, async ({ body, accept }) => {
    let response: Response;
    let streamed: string;
    try {
      response = await fetch(`${server.url}/agent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body,
        signal: AbortSignal.timeout(BOUND_MS),
      });
      streamed = await response.text();
    } catch (error) {
      failures.push(`${(error as Error).name} ${(error as Error).message}: ${describe(body)}`);
      return;
    }
    const problem = problemWith(response.status, response.headers.get('content-type') ?? undefined, streamed, true);
    if (response.status !== 200)
      outcomes.set(String(response.status), (outcomes.get(String(response.status)) ?? 0) + 1);
    if (problem) failures.push(`${problem}\n  for ${describe(body)}`);
    if (problem || !response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const events = streamed
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string });
    const last = events.at(-1)?.type;
    const outcome = last === 'RUN_ERROR' ? `RUN_ERROR ${(events.at(-1) as { code?: string }).code}` : `${last}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (last !== 'RUN_FINISHED' && last !== 'RUN_ERROR')
      failures.push(`the stream ended on ${last}: ${describe(body)}`);
  });
  t.diagnostic(`outcomes: ${JSON.stringify([...outcomes])}`);
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${AGENT_RUNS} runs broke the rules`);
  assert.deepEqual(errors.slice(errorsBefore, errorsBefore + 5), [], 'no unhandled error was logged');
});

test(`${SOCKETS * FRAMES_PER_SOCKET} random frames to the rules and echo sockets: answered or closed properly`, async (t) => {
  const errorsBefore = errors.length;
  const signed = fc
    .record({ ts: fc.string({ maxLength: 8 }), user: fc.string({ maxLength: 8 }) })
    .map(({ ts, user }) => ({
      op: 'login',
      ts,
      user,
      sig: createHmac('sha256', HMAC_SECRET).update(`${ts}${user}`).digest('hex'),
    }));
  const frame = fc.oneof(
    { weight: 3, arbitrary: signed.map((value) => ({ text: JSON.stringify(value) })) },
    {
      weight: 4,
      arbitrary: fc
        .record({
          op: fc.oneof(fc.constantFrom('login', 'say', 'join'), fc.jsonValue({ maxDepth: 1 })),
          user: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
          text: fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 3 })),
          ts: sometimes(fc.jsonValue({ maxDepth: 1 }), 50),
          sig: sometimes(
            fc.oneof(
              fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 64 }),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            50,
          ),
          items: sometimes(fc.array(fc.record({ n: fc.oneof(fc.integer(), fc.string({ maxLength: 3 })) })), 30),
        })
        .map((value) => ({ text: JSON.stringify(value) })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom('ping', 'PING', 'bye', 'pong', '', '{{message}}').map((text) => ({ text })),
    },
    { weight: 2, arbitrary: oddJson.map((text) => ({ text })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => ({ text: JSON.stringify(value) })) },
    { weight: 1, arbitrary: deepJson.map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 80_000 }).map((n) => ({ text: 'x'.repeat(n) })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ binary: Buffer.from(bytes) })) },
    {
      weight: 1,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ binary: Buffer.from(JSON.stringify(value)) })),
    },
    { weight: 1, arbitrary: invalidUtf8TextFrame },
  );
  const plan = fc.record({
    where: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom('/ws/room/lobby', '/ws/room/lobby?user=ann', '/ws/room/%C3%BC?user=%ED%A0%80'),
      },
      { weight: 1, arbitrary: segment.map((s) => `/ws/room/${s}`) },
      { weight: 2, arbitrary: fc.constant('/ws/echo') },
    ),
    frames: fc.array(frame, { minLength: FRAMES_PER_SOCKET, maxLength: FRAMES_PER_SOCKET }),
  });
  const plans = fc.sample(plan, { seed: SEED + 3, numRuns: SOCKETS });
  const wsBase = server.url.replace(/^http/, 'ws');
  const failures: string[] = [];
  let received = 0;
  await Promise.all(
    plans.map(async ({ where, frames }, index) => {
      const progress = { sent: 0 };
      while (progress.sent < frames.length) {
        const outcome = await playFrames(
          `${wsBase}${where}`,
          frames,
          progress,
          (_data, isBinary) => {
            received++;
            // A rules endpoint sends text and JSON frames only; an echo answers binary with binary.
            if (isBinary && where.startsWith('/ws/room/'))
              failures.push(`socket ${index}: a binary frame from ${where}`);
          },
          BOUND_MS,
        );
        if (outcome.hung)
          failures.push(`socket ${index} (${where}): neither answered nor closed within ${BOUND_MS} ms`);
        if (!outcome.opened) {
          // A path no endpoint serves is refused below 500; anything else is a failure.
          if (outcome.refused === undefined || outcome.refused >= 500) {
            failures.push(`socket ${index} (${where}): the upgrade failed (${outcome.refused ?? outcome.code})`);
          }
          return;
        }
        // 1000 normal, 1007 invalid UTF-8, 1009 too big, 4000 the `bye` rule; never 1011 (server error) or 1006.
        if (![1000, 1005, 1007, 1009, 4000].includes(outcome.code)) {
          failures.push(
            `socket ${index} (${where}): closed with ${outcome.code} after frame ${progress.sent}: ${describe(frames[progress.sent - 1])}`,
          );
        }
      }
    }),
  );
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} WebSocket problems`);
  t.diagnostic(`frames received: ${received}`);
  assert.ok(received >= SOCKETS, `the endpoints answered: ${received} frames received`);
  assert.deepEqual(errors.slice(errorsBefore, errorsBefore + 5), [], 'no unhandled error was logged');
});

test('after the fuzz: the engine answers, and the world it holds saves, exports, re-imports and comes back the same', async () => {
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  const control = controlClient(server);
  const collections = (text: string) => JSON.parse(text).collections;
  const api = `${server.url}${CONTROL_API_PREFIX}`;
  const authorization = `Bearer ${server.token}`;
  const exported = await fetch(`${api}/workspace/export`, { headers: { authorization } });
  assert.equal(exported.status, 200);
  const document = await exported.text();
  // The file a save writes loads again, holding the same records.
  const saved = await control.post('/workspace/save');
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const onDisk = await readFile(file, 'utf8');
  assert.doesNotThrow(() => decodeWorkspaceText(onDisk, file), 'the saved file loads');
  assert.deepEqual(collections(onDisk), collections(document), 'the saved file holds the records served');
  // The export, as its text, imports and exports again the same.
  const imported = await fetch(`${api}/workspace/import`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: document,
  });
  assert.equal(imported.status, 200, await imported.text());
  const again = await fetch(`${api}/workspace/export`, { headers: { authorization } });
  assert.deepEqual(collections(await again.text()), collections(document), 'the records came back as they were');
  assert.deepEqual(errors, [], 'nothing was logged as an error');
});
