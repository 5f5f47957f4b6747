import assert from 'node:assert/strict';
import { createServer, request as httpRequest, METHODS } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { z } from 'zod';
import { ApiKeyGate } from '../src/server/gateway/api-key-gate';
import { createHttpApp } from '../src/server/http/app';
import { MAX_ECHOED_INPUT_CHARS, TRUNCATED_INPUT_MARK } from '../src/server/http/echoed-input';
import { HttpError } from '../src/server/http/http-errors';
import { jsonBody } from '../src/server/http/json-body';
import { RequestLog } from '../src/server/http/request-log';
import { parseRequestPart } from '../src/server/http/validation';
import { RetentionBudget } from '../src/server/support/retention-budget';
import type { ServerInfo } from '../src/shared/control-api';
import type { RequestLogEntry } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { rawHttp } from './helpers/raw-http';
import { openTcp } from './helpers/tcp-client';
import { eventually, WAIT_MS } from './helpers/wait';

// The pipeline as the engine composes it, with test routes that exercise what real routes rarely do
// (throwing unexpectedly, echoing any body).
const { logger, errors: logged } = errorLogger();
const requestLog = new RequestLog({ capacity: 5, bodyBytes: 32 }, new RetentionBudget(1024 * 1024));
const ItemSchema = z.object({ name: z.string().max(10), count: z.number().int().min(1) }).strict();
const router = new Router();
router.put(
  '/echo',
  jsonBody(() => ({ maxBodyBytes: 1024, maxJsonDepth: 8 })),
  (ctx) => {
    ctx.body = { received: ctx.request.body ?? null };
  },
);
router.post(
  '/items',
  jsonBody(() => ({ maxBodyBytes: 1024, maxJsonDepth: 8 })),
  (ctx) => {
    const item = parseRequestPart(ItemSchema, ctx.request.body, 'body');
    ctx.status = 201;
    ctx.body = item;
  },
);
// Accepts inputs of any depth, to see how a 422 echoes them.
router.post(
  '/named',
  jsonBody(() => ({ maxBodyBytes: 2 * 1024 * 1024, maxJsonDepth: 1000 })),
  (ctx) => {
    ctx.body = parseRequestPart(z.object({ name: z.string().max(2000) }).strict(), ctx.request.body, 'body');
  },
);
router.get('/unserialisable', (ctx) => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  ctx.body = { cycle };
});
router.get('/boom', () => {
  throw new Error('secret internal detail');
});
router.get('/teapot', () => {
  throw new HttpError(418, 'I am a teapot');
});
const app = createHttpApp({
  logger,
  requestLog,
  consoleArea: (_ctx, next) => next(),
  gateway: new ApiKeyGate(() => ({ enabled: false, keys: [] })),
  mounts: compose([router.routes(), router.allowedMethods()]) as unknown as Middleware,
});
const server = createServer(app.callback());
let base = '';
let port = 0;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const put = (body: string, contentType = 'application/json') =>
  fetch(`${base}/echo`, { method: 'PUT', headers: { 'content-type': contentType }, body });

test('a body nested deeper than maxJsonDepth is refused with 400 naming the limit; one level less is served', async () => {
  const tooDeep = await put(`${'['.repeat(9)}${']'.repeat(9)}`);
  assert.equal(tooDeep.status, 400);
  assert.deepEqual(await tooDeep.json(), {
    detail: 'Request body rejected: JSON nested deeper than the limit of 8 levels (setting maxJsonDepth)',
  });
  const deepest = await put(`{"a":${'['.repeat(7)}${']'.repeat(7)}}`);
  assert.equal(deepest.status, 200);
});

test('a number too large for JSON to write (it parses as Infinity) is refused with 400 saying where', async () => {
  const huge = await put('{"items":[{"q":1},{"q":1e400}]}');
  assert.equal(huge.status, 400);
  assert.deepEqual(await huge.json(), {
    detail:
      'Request body rejected: the number at items.1.q is out of range: JSON numbers here are finite, at most about ±1.8e308',
  });
  const digits = await put(`-${'9'.repeat(400)}`);
  assert.equal(digits.status, 400);
  assert.match(((await digits.json()) as { detail: string }).detail, /the number at \(the value\) is out of range/);
  assert.deepEqual(await (await put('{"big":1.7e308,"small":-1e-400}')).json(), {
    received: { big: 1.7e308, small: 0 },
  });
});

test('a JSON body arrives whole: plain, with charset, chunked, and split across TCP writes', async () => {
  assert.deepEqual(await (await put('{"a":1}')).json(), { received: { a: 1 } });
  assert.deepEqual(await (await put('{"a":"é"}', 'application/json; charset=utf-8')).json(), { received: { a: 'é' } });
  const chunked = await rawHttp(port, [
    'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    '4\r\n{"a"\r\n',
    '3\r\n:12\r\n',
    '1\r\n}\r\n0\r\n\r\n',
  ]);
  assert.equal(chunked.status, 200);
  assert.deepEqual(JSON.parse(chunked.body), { received: { a: 12 } });
  const body = '{"title":"split in three writes"}';
  const split = await rawHttp(port, [
    `PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body.slice(0, 10),
    body.slice(10),
  ]);
  assert.deepEqual(JSON.parse(split.body), { received: { title: 'split in three writes' } });
});

test('malformed JSON gets 400 with a message naming the problem', async () => {
  const response = await rawHttp(port, [
    'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n',
    '{"a": 1,}',
  ]);
  assert.equal(response.status, 400);
  const { detail } = JSON.parse(response.body);
  assert.match(detail, /^Malformed JSON in request body: .*(JSON|token|property)/i);
});

test('a body over the limit gets 413', async () => {
  const response = await put(JSON.stringify({ pad: 'x'.repeat(2000) }));
  assert.equal(response.status, 413);
  assert.deepEqual(await response.json(), {
    detail: 'Request body is too large: the limit is 1024 bytes (setting maxBodyBytes)',
  });
});

test('a body that is not JSON gets 415 naming the content type', async () => {
  const response = await put('a=1', 'application/x-www-form-urlencoded');
  assert.equal(response.status, 415);
  assert.match(
    ((await response.json()) as { detail: string }).detail,
    /application\/x-www-form-urlencoded.*application\/json/,
  );
});

test('each request is judged by its own Content-Type, however often each value came before', async () => {
  const types = [
    ['application/json', 200],
    ['text/plain', 415],
    ['application/vnd.api+json', 200],
    ['application/json; charset=utf-8', 200],
    ['application/jsonx', 415],
  ] as const;
  for (let round = 0; round < 3; round++) {
    for (const [type, status] of types) {
      const response = await put('{"a":1}', type);
      assert.equal(response.status, status, `${type}, round ${round + 1}`);
      await response.arrayBuffer();
    }
  }
});

test('a body without a Content-Type is read as JSON, as FastAPI reads it', async () => {
  // Raw: fetch names a type for a string body itself.
  const send = (body: string, type: string) =>
    rawHttp(port, [
      `PUT /echo HTTP/1.1\r\nHost: x\r\n${type}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    ]);
  for (const type of ['', 'Content-Type: \r\n']) {
    const read = await send('{"a":1}', type);
    assert.equal(read.status, 200, JSON.stringify(type));
    assert.deepEqual(JSON.parse(read.body), { received: { a: 1 } });
    const malformed = await send('a=1', type);
    assert.equal(malformed.status, 400, JSON.stringify(type));
    assert.match(JSON.parse(malformed.body).detail, /^Malformed JSON in request body/);
  }
});

test('an empty body is left for the schema to report as missing', async () => {
  const response = await fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), {
    detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
  });
});

test('validation errors are 422 arrays in FastAPI shape, from zod issues', async () => {
  const response = await fetch(`${base}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'far too long a name', count: 0, extra: true }),
  });
  assert.equal(response.status, 422);
  const { detail } = (await response.json()) as {
    detail: { type: string; loc: unknown[]; msg: string; input: unknown }[];
  };
  assert.deepEqual(
    detail.map((issue) => [issue.type, issue.loc]),
    [
      ['string_too_long', ['body', 'name']],
      ['greater_than_equal', ['body', 'count']],
      ['extra_forbidden', ['body', 'extra']],
    ],
  );
  assert.equal(detail[0]?.input, 'far too long a name');
  assert.equal(detail[0]?.msg, 'String should have at most 10 characters');
});

test('an unexpected exception is 500 without the stack, and is logged', async () => {
  const response = await fetch(`${base}/boom`);
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), { detail: 'Internal Server Error' });
  assert.doesNotMatch(text, /secret|at .*\.ts/);
  assert.ok(logged.some((line) => line.includes('GET /boom')));
});

test('errors thrown on purpose keep their status and detail', async () => {
  const response = await fetch(`${base}/teapot`);
  assert.equal(response.status, 418);
  assert.deepEqual(await response.json(), { detail: 'I am a teapot' });
});

test('the request log keeps method, path, status, time and capped bodies, newest first', async () => {
  await put(JSON.stringify({ note: 'y'.repeat(100) }));
  const everything = () => requestLog.page(() => true, Number.MAX_SAFE_INTEGER, true).items as RequestLogEntry[];
  const [latest] = everything();
  assert.ok(latest);
  assert.equal(latest.method, 'PUT');
  assert.equal(latest.path, '/echo');
  assert.equal(latest.status, 200);
  assert.ok(latest.durationMs >= 0);
  assert.equal(latest.requestBody?.truncated, true);
  assert.equal(latest.requestBody?.text.length, 32);
  assert.ok((latest.requestBody?.size ?? 0) > 100);
  assert.equal(latest.requestHeaders['content-type'], 'application/json');
  assert.ok(everything().length <= 5, 'bounded');
});

test('on the engine: unknown route 404, wrong method 405 with Allow, CORS for any origin', async () => {
  const engine = await startTestEngine();
  const missing = await fetch(`${engine.url}/no/such/route`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { detail: 'Not Found' });

  const wrongMethod = await fetch(`${engine.url}/health`, { method: 'DELETE' });
  assert.equal(wrongMethod.status, 405);
  assert.deepEqual(await wrongMethod.json(), { detail: 'Method Not Allowed' });
  assert.match(wrongMethod.headers.get('allow') ?? '', /GET/);

  const preflight = await fetch(`${engine.url}/health`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-api-key',
    },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-api-key/);

  // An OPTIONS request that is not a preflight is answered as any other, with CORS headers: the 404 here, and a
  // route's own answer when one serves OPTIONS.
  const notPreflight = await fetch(`${engine.url}/no/such/route`, {
    method: 'OPTIONS',
    headers: { origin: 'http://app.test' },
  });
  assert.equal(notPreflight.status, 404);
  assert.equal(notPreflight.headers.get('access-control-allow-origin'), 'http://app.test');
  const defined = await controlClient(engine).put('/routes/anything', {
    id: 'anything',
    method: 'ANY',
    path: '/anything',
    responses: [{ id: 'ok', body: { json: { answered: '{{method}}' } } }],
  });
  assert.equal(defined.status, 201, JSON.stringify(defined.body));
  const routeOptions = await fetch(`${engine.url}/anything`, {
    method: 'OPTIONS',
    headers: { origin: 'http://app.test' },
  });
  assert.deepEqual([routeOptions.status, await routeOptions.json()], [200, { answered: 'OPTIONS' }]);
  assert.equal(routeOptions.headers.get('access-control-allow-origin'), 'http://app.test');
  assert.equal(routeOptions.headers.get('access-control-allow-credentials'), 'true');
  assert.match(routeOptions.headers.get('vary') ?? '', /Origin/);

  // On a pack's path, as on a user route's, an OPTIONS request no route serves is a 405, as FastAPI answers it.
  const packOptions = await fetch(`${engine.url}/health`, { method: 'OPTIONS' });
  assert.equal(packOptions.status, 405);
  assert.deepEqual(await packOptions.json(), { detail: 'Method Not Allowed' });
  assert.match(packOptions.headers.get('allow') ?? '', /GET/);

  const simple = await fetch(`${engine.url}/health`, { headers: { origin: 'http://example.test' } });
  assert.equal(simple.headers.get('access-control-allow-origin'), 'http://example.test');
  const sameOrigin = await fetch(`${engine.url}/health`);
  assert.equal(sameOrigin.headers.get('access-control-allow-origin'), null, 'no Origin, no CORS headers');
  const errorWithCors = await fetch(`${engine.url}/nope`, { headers: { origin: 'http://example.test' } });
  assert.equal(errorWithCors.headers.get('access-control-allow-origin'), 'http://example.test', 'errors keep CORS');
});

test('422 entries keep FastAPI key order: type, loc, msg, input', async () => {
  const response = await fetch(`${base}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ok', count: 'three' }),
  });
  const text = await response.text();
  assert.match(text, /^\{"detail":\[\{"type":"[a-z_]+","loc":\["body","count"\],"msg":"[^"]+","input":"three"\}\]\}$/);
});

test('a method no route serves (PURGE, PROPFIND, …) is 405 with Allow on a known path, 404 elsewhere', async () => {
  // Every method Node parses but those with an answer here, HEAD (no body to read) and CONNECT (which never
  // reaches the app; the engine test below covers it).
  const unserved = METHODS.filter((method) => !['CONNECT', 'HEAD', 'PUT', 'OPTIONS'].includes(method));
  assert.ok(unserved.includes('PURGE') && unserved.includes('PROPFIND') && unserved.includes('MKCOL'));
  for (const method of unserved) {
    const known = await rawHttp(port, [`${method} /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    assert.equal(known.status, 405, `${method} /echo`);
    assert.equal(known.headers.allow, 'PUT', method);
    assert.deepEqual(JSON.parse(known.body), { detail: 'Method Not Allowed' }, method);
    const unknown = await rawHttp(port, [`${method} /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    assert.equal(unknown.status, 404, `${method} /nowhere`);
    assert.equal(unknown.headers.allow, undefined, `${method}: no Allow where nothing is served`);
    assert.deepEqual(JSON.parse(unknown.body), { detail: 'Not Found' }, method);
  }
});

/** A JSON body PUT to /echo with the Content-Encoding given, as sent (raw: fetch would name the coding itself). */
const sendEncoded = (body: Buffer, encoding: string) =>
  rawHttp(port, [
    `PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    body,
  ]);

test('a compressed body is decoded; one that does not decode is 400 naming its encoding, an unknown encoding 415', async () => {
  const json = Buffer.from('{"a":1}');
  for (const [encoding, encoded] of [
    ['gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['br', brotliCompressSync(json)],
  ] as const) {
    const decoded = await sendEncoded(encoded, encoding);
    assert.equal(decoded.status, 200, encoding);
    assert.deepEqual(JSON.parse(decoded.body), { received: { a: 1 } });
    for (const broken of [Buffer.from('not compressed at all'), encoded.subarray(0, encoded.length - 4)]) {
      const refused = await sendEncoded(broken, encoding);
      assert.equal(refused.status, 400, `${encoding}: ${broken.toString('hex')}`);
      assert.match(
        JSON.parse(refused.body).detail,
        new RegExp(`could not be decoded as ${encoding} \\(its Content-Encoding\\): .+`),
      );
    }
  }
  const unknown = await sendEncoded(json, 'zstd');
  assert.equal(unknown.status, 415);
  assert.match(JSON.parse(unknown.body).detail, /Unsupported Content-Encoding "zstd".*gzip, deflate, br/);
  // A small body that decodes to more than the limit is refused like a large one, without inflating it all.
  const spaces = Buffer.alloc(64 * 1024 * 1024, ' ');
  for (const [encoding, bomb] of [
    ['gzip', gzipSync(spaces)],
    ['br', brotliCompressSync(spaces, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } })],
  ] as const) {
    const refused = await sendEncoded(bomb, encoding);
    assert.equal(refused.status, 413, encoding);
    assert.match(
      JSON.parse(refused.body).detail,
      /^Request body is too large: the limit is \d+ bytes \(setting maxBodyBytes\)$/,
    );
  }
});

test('a Content-Encoding is read whatever its case: codings are case-insensitive, their limits the same', async () => {
  const json = Buffer.from('{"a":1}');
  for (const [encoding, encoded] of [
    ['GZIP', gzipSync(json)],
    ['Gzip', gzipSync(json)],
    ['  gzip  ', gzipSync(json)],
    ['Deflate', deflateSync(json)],
    ['BR', brotliCompressSync(json)],
    ['IDENTITY', json],
  ] as const) {
    const decoded = await sendEncoded(encoded, encoding);
    assert.equal(decoded.status, 200, `${encoding}: ${decoded.body}`);
    assert.deepEqual(JSON.parse(decoded.body), { received: { a: 1 } }, encoding);
  }
  const broken = await sendEncoded(Buffer.from('not compressed at all'), 'GZIP');
  assert.equal(broken.status, 400);
  assert.match(
    JSON.parse(broken.body).detail,
    /^Request body could not be decoded as gzip \(its Content-Encoding\): .+/,
  );
  const bomb = await sendEncoded(gzipSync(Buffer.alloc(64 * 1024 * 1024, ' ')), 'GZip');
  assert.equal(bomb.status, 413);
  assert.match(JSON.parse(bomb.body).detail, /^Request body is too large: the limit is 1024 bytes/);
  // An identity body is held to its Content-Length whatever the case of the coding's name.
  const short = await rawHttp(port, [
    'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: Identity\r\nContent-Length: 2000\r\n\r\n{}',
  ]);
  assert.equal(short.status, 413);
  const unknown = await sendEncoded(json, 'ZSTD');
  assert.equal(unknown.status, 415);
  assert.match(
    JSON.parse(unknown.body).detail,
    /^Unsupported Content-Encoding "ZSTD": send the body uncompressed or as gzip, deflate, br$/,
  );
});

test('a JSON body is UTF-8, UTF-16 or UTF-32 as Python reads it; one that is not is refused with 400 saying where', async () => {
  const sendBytes = (body: Buffer) =>
    rawHttp(port, [
      `PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    ]);
  // Latin-1 é, after a U+FFFD sent as such (three bytes of UTF-8): the offset counts bytes.
  const latin1 = Buffer.concat([Buffer.from('{"a":"\uFFFD caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
  const refused = await sendBytes(latin1);
  assert.equal(refused.status, 400);
  assert.deepEqual(JSON.parse(refused.body), {
    detail: 'Request body is not valid UTF-8 (byte 0xe9 at offset 13): send JSON encoded as UTF-8',
  });
  // An encoded surrogate (CESU-8) and a sequence cut short at the end are not UTF-8 either.
  for (const bytes of [
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
  ]) {
    const answer = await sendBytes(Buffer.concat([Buffer.from('"'), Buffer.from(bytes)]));
    assert.equal(answer.status, 400, JSON.stringify(bytes));
    assert.match(JSON.parse(answer.body).detail, /^Request body is not valid UTF-8 \(byte 0x[0-9a-f]{2} at offset 1\)/);
  }
  const withBom = await sendBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]));
  assert.equal(withBom.status, 200);
  assert.deepEqual(JSON.parse(withBom.body), { received: { a: 'é' } });
  // UTF-16 and UTF-32, told by a byte order mark or by where the first bytes are zero, as Python's json.loads
  // reads them (FastAPI's request.json()).
  const text = '{"a":"é😀"}';
  const utf16le = Buffer.from(text, 'utf16le');
  const utf32 = (littleEndian: boolean) => {
    const points = [...text].map((char) => char.codePointAt(0) as number);
    const bytes = Buffer.alloc(4 * points.length);
    for (const [at, point] of points.entries()) {
      if (littleEndian) bytes.writeUInt32LE(point, 4 * at);
      else bytes.writeUInt32BE(point, 4 * at);
    }
    return bytes;
  };
  for (const [name, bytes] of [
    ['UTF-16LE', utf16le],
    ['UTF-16BE', Buffer.from(utf16le).swap16()],
    ['UTF-16LE with its mark', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le])],
    ['UTF-32LE', utf32(true)],
    ['UTF-32BE with its mark', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32(false)])],
  ] as const) {
    const read = await sendBytes(bytes);
    assert.equal(read.status, 200, name);
    assert.deepEqual(JSON.parse(read.body), { received: { a: 'é😀' } }, name);
  }
  const cut = await sendBytes(utf16le.subarray(0, utf16le.length - 1));
  assert.equal(cut.status, 400);
  assert.deepEqual(JSON.parse(cut.body), {
    detail: 'Request body is not valid UTF-16LE, as its first bytes say it is: send JSON encoded as UTF-8',
  });
});

test('a JSON key named __proto__ is refused with 400 naming where it is and what to do', async () => {
  const nested = await put('{"items":[{"ok":1},{"__proto__":{"admin":true}}]}');
  assert.equal(nested.status, 400);
  assert.deepEqual(await nested.json(), {
    detail: 'A key named "__proto__" is not accepted in a JSON body (at /items/1/__proto__): rename the key',
  });
  // Escaped, and under a key that needs escaping in a JSON Pointer.
  const escaped = await put('{"a/b~c":{"\\u005f_proto__":1}}');
  assert.equal(escaped.status, 400);
  assert.deepEqual(await escaped.json(), {
    detail: 'A key named "__proto__" is not accepted in a JSON body (at /a~1b~0c/__proto__): rename the key',
  });
  // The name as a value, or inside a longer key, is no such key.
  assert.deepEqual(await (await put('{"key":"__proto__","__proto__x":1}')).json(), {
    received: { key: '__proto__', __proto__x: 1 },
  });
  // Nested past the depth limit: that is what is said (the walk for the key never sees so deep a value).
  const deep = await put(`${'['.repeat(20)}{"__proto__":1}${']'.repeat(20)}`);
  assert.equal(deep.status, 400);
  assert.match(((await deep.json()) as { detail: string }).detail, /^Request body rejected: .*nested deeper/);
  // A long way to the key: the pointer keeps its start and its end.
  const far = await put(`{"${'a'.repeat(150)}":{"${'b'.repeat(150)}":{"__proto__":1}}}`);
  assert.equal(far.status, 400);
  assert.equal(
    ((await far.json()) as { detail: string }).detail,
    `A key named "__proto__" is not accepted in a JSON body (at /${'a'.repeat(119)}…${'b'.repeat(50)}/__proto__): rename the key`,
  );
});

test('a 422 echoes small inputs exactly and large ones as a bounded excerpt', async () => {
  const post = (body: string) =>
    fetch(`${base}/named`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  type Issue = { type: string; loc: unknown[]; msg: string; input: unknown };
  const issue = async (body: string) => {
    const response = await post(body);
    assert.equal(response.status, 422);
    const { detail } = (await response.json()) as { detail: Issue[] };
    assert.equal(detail.length, 1);
    return detail[0] as Issue;
  };
  assert.deepEqual(await issue('{"name":[1,{"a":"b"}]}'), {
    type: 'string_type',
    loc: ['body', 'name'],
    msg: 'Input should be a valid string',
    input: [1, { a: 'b' }],
  });
  // An input whose JSON is exactly the bound is still echoed whole.
  const fits = ['x'.repeat(MAX_ECHOED_INPUT_CHARS - 4)];
  assert.equal(JSON.stringify(fits).length, MAX_ECHOED_INPUT_CHARS);
  assert.deepEqual((await issue(JSON.stringify({ name: fits }))).input, fits);

  const huge = 'y'.repeat(900_000);
  const longText = await issue(JSON.stringify({ name: huge }));
  assert.equal(longText.type, 'string_too_long');
  assert.equal(longText.input, `${'y'.repeat(MAX_ECHOED_INPUT_CHARS)}${TRUNCATED_INPUT_MARK}`);
  const longList = await issue(JSON.stringify({ name: [huge] }));
  assert.equal(longList.input, `["${'y'.repeat(MAX_ECHOED_INPUT_CHARS - 2)}${TRUNCATED_INPUT_MARK}`);
  const longObject = await issue(`{"name":${JSON.stringify({ text: huge })}}`);
  assert.equal(longObject.input, `{"text":"${'y'.repeat(MAX_ECHOED_INPUT_CHARS - 9)}${TRUNCATED_INPUT_MARK}`);
  const nested = `${'['.repeat(999)}${']'.repeat(999)}`;
  const deep = await issue(`{"name":${nested}}`);
  assert.equal(deep.input, `${nested.slice(0, MAX_ECHOED_INPUT_CHARS)}${TRUNCATED_INPUT_MARK}`);
  // A key is echoed in `loc`: a huge one is cut the same way.
  const longKey = await issue(JSON.stringify({ name: 'ok', [huge]: 1 }));
  assert.deepEqual(longKey.loc, ['body', `${'y'.repeat(MAX_ECHOED_INPUT_CHARS)}${TRUNCATED_INPUT_MARK}`]);
  assert.equal(longKey.input, 1);
});

test('a response that cannot be serialised is a FastAPI-shaped 500 naming the route, logged', async () => {
  const response = await fetch(`${base}/unserialisable`);
  assert.equal(response.status, 500);
  assert.match(String(response.headers.get('content-type')), /^application\/json/);
  assert.deepEqual(await response.json(), {
    detail: 'Internal Server Error: the response of GET /unserialisable could not be serialised as JSON',
  });
  assert.ok(logged.some((line) => line.includes('GET /unserialisable')));
  assert.equal((await fetch(`${base}/teapot`)).status, 418, 'the server carries on');
});

test('on the engine: unknown methods and CONNECT follow the same rule, in the control API too', async () => {
  const engine = await startTestEngine();
  const raw = (requestLine: string, headers = '') =>
    rawHttp(engine.port, [`${requestLine} HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\n${headers}\r\n`]);
  const purge = await raw('PURGE /health');
  assert.equal(purge.status, 405);
  assert.equal(purge.headers.allow, 'HEAD, GET');
  assert.deepEqual(JSON.parse(purge.body), { detail: 'Method Not Allowed' });
  assert.equal((await raw('PROPFIND /users/me/preferences')).status, 405);
  assert.deepEqual(JSON.parse((await raw('SEARCH /nowhere')).body), { detail: 'Not Found' });

  const connectKnown = await raw('CONNECT /agent');
  assert.equal(connectKnown.status, 405);
  assert.equal(connectKnown.headers.allow, 'POST');
  assert.deepEqual(JSON.parse(connectKnown.body), { detail: 'Method Not Allowed' });
  const connectAuthority = await raw('CONNECT example.com:443');
  assert.equal(connectAuthority.status, 404);
  assert.deepEqual(JSON.parse(connectAuthority.body), { detail: 'Not Found' });

  const authorised = `Authorization: Bearer ${engine.token}\r\n`;
  const controlKnown = await raw('LOCK /__console/api/server', authorised);
  assert.equal(controlKnown.status, 405);
  assert.equal(controlKnown.headers.allow, 'HEAD, GET');
  assert.deepEqual(JSON.parse(controlKnown.body), { detail: 'Method Not Allowed' });
  const controlUnknown = await raw('MKCOL /__console/api/nowhere', authorised);
  assert.equal(controlUnknown.status, 404);
  assert.deepEqual(JSON.parse(controlUnknown.body), { detail: 'Not Found' });
});

test('on the engine: a CONNECT pipelined behind another request is answered after it; the engine carries on', async (t) => {
  const engine = await startTestEngine();
  for (const target of ['/agent', 'example.com:443']) {
    const client = await openTcp(engine.port);
    t.after(() => client.socket.destroy());
    // Node hands a CONNECT's socket over while the answer to the request before it is still to be written.
    client.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\n\r\nCONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const closed = await Promise.race([client.closed.then(() => true), sleep(WAIT_MS, false, { ref: false })]);
    assert.ok(closed, `the connection closes after the answers: ${client.received}`);
    const statuses = [...client.received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
    assert.deepEqual(statuses, [200, target === '/agent' ? 405 : 404], client.received);
  }
  assert.equal((await fetch(`${engine.url}/health`)).status, 200, 'the engine carries on');
});

test('on the engine: malformed HTTP gets FastAPI JSON with the right status, and the connection is closed', async () => {
  const engine = await startTestEngine();
  const garbage = await rawHttp(engine.port, ['NOT HTTP AT ALL\r\n\r\n']);
  assert.equal(garbage.status, 400);
  assert.equal(garbage.headers.connection, 'close');
  assert.match(JSON.parse(garbage.body).detail, /^Bad Request: malformed HTTP \(.+\)$/);
  const badLength = await rawHttp(engine.port, [
    'POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
  ]);
  assert.equal(badLength.status, 400);
  assert.match(JSON.parse(badLength.body).detail, /^Bad Request: malformed HTTP/);
  const hugeHeaders = await rawHttp(engine.port, [
    `GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
  ]);
  assert.equal(hugeHeaders.status, 431);
  assert.match(JSON.parse(hugeHeaders.body).detail, /^Request Header Fields Too Large: .*16384 bytes/);
  const longUrl = await rawHttp(engine.port, [`GET /${'u'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
  assert.equal(longUrl.status, 431);
  const noHost = await rawHttp(engine.port, ['GET /health HTTP/1.1\r\n\r\n']);
  assert.equal(noHost.status, 400);
  assert.deepEqual(JSON.parse(noHost.body), { detail: 'Bad Request: an HTTP/1.1 request needs a Host header' });
  // An expectation other than 100-continue is ignored, as FastAPI does, instead of Node's bare 417.
  const expecting = await rawHttp(engine.port, ['GET /health HTTP/1.1\r\nHost: x\r\nExpect: the unexpected\r\n\r\n']);
  assert.equal(expecting.status, 200);
  // Handshakes ws refuses are answered like the rest, not with its HTML page.
  const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n';
  const postUpgrade = await rawHttp(engine.port, [
    `POST /ws HTTP/1.1\r\nHost: x\r\n${upgrade}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  ]);
  assert.equal(postUpgrade.status, 405);
  assert.equal(postUpgrade.headers.allow, 'GET');
  assert.deepEqual(JSON.parse(postUpgrade.body), {
    detail: 'Invalid HTTP method POST: a WebSocket handshake is a GET request (RFC 6455 §4.1)',
  });
  const keyless = await rawHttp(engine.port, [`GET /ws HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`]);
  assert.equal(keyless.status, 400);
  assert.match(String(keyless.headers['content-type']), /^application\/json/);
  assert.deepEqual(JSON.parse(keyless.body), { detail: 'Missing or invalid Sec-WebSocket-Key header' });
  // A HEAD request gets the status and the body's length, never the body (its client would read it as garbage).
  const head = await openTcp(engine.port);
  head.socket.end(Buffer.from('HEAD /health/\xfc HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'));
  await head.closed;
  const headAnswer = head.received;
  assert.match(headAnswer, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Content-Length: \d+\r\n[\s\S]*\r\n\r\n$/);
  assert.equal((await fetch(`${engine.url}/health`)).status, 200, 'the engine carries on');
});

test('on the engine: a client that resets its connection mid-body is logged as 499 (client closed request), not as an error', async () => {
  const { logger, errors } = errorLogger();
  const engine = await startTestEngine({ logger });
  for (const [method, path] of [
    ['POST', '/agent'],
    ['PUT', '/users/me/preferences?user_id=koen'],
  ]) {
    const client = await openTcp(engine.port);
    // Node answers 100 Continue as it hands the request to the app: the reset then comes while the body is read.
    client.socket.write(
      `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n`,
    );
    await eventually(() => client.received.startsWith('HTTP/1.1 100 Continue'), 'the engine to take the request');
    client.socket.write('{"a":');
    client.socket.resetAndDestroy();
  }
  const logged = () => engine.context.requestLog.page(() => true, 10, false).items;
  await eventually(() => logged().length === 2, 'both requests logged');
  assert.deepEqual(
    logged().map((entry) => [entry.method, entry.status]),
    [
      ['PUT', 499],
      ['POST', 499],
    ],
  );
  assert.deepEqual(errors, []);
});

test('on the engine: a client that leaves during a drip is not an engine error', async () => {
  const { logger, errors } = errorLogger();
  const engine = await startTestEngine({ template: 'blank', logger });
  const api = controlClient(engine);
  const stored = await api.put('/routes/drip', {
    id: 'drip',
    path: '/drip',
    responses: [
      { id: 'slowly', body: { text: 'x'.repeat(1000) }, fault: { type: 'drip', chunks: 10, durationMs: 60_000 } },
    ],
  });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
  const open = async () => (await api.get<ServerInfo>('/server')).body.connectionLimit.open;
  const before = await open();
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(`${engine.url}/drip`, { agent: false }, (response) => {
      response.once('data', () => {
        request.destroy();
        resolve();
      });
    });
    request.on('error', () => {});
    request.setTimeout(WAIT_MS, () => reject(new Error('no first piece of the drip')));
    request.end();
  });
  await eventually(async () => (await open()) === before, 'the engine to see the client gone');
  assert.deepEqual(errors, []);
});

test('on the engine: garbage pipelined behind a request not answered yet is answered after it', async (t) => {
  const engine = await startTestEngine();
  for (const garbage of [
    'NOT HTTP AT ALL\r\n\r\n',
    `GET /x HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
  ]) {
    const client = await openTcp(engine.port);
    t.after(() => client.socket.destroy());
    // Node reports the garbage while the answer to /health is still to be written.
    client.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n${garbage}`);
    const closed = await Promise.race([client.closed.then(() => true), sleep(WAIT_MS, false, { ref: false })]);
    assert.ok(closed, `the connection closes after the answers: ${client.received}`);
    const statuses = [...client.received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
    assert.deepEqual(statuses, [200, garbage.startsWith('NOT') ? 400 : 431], client.received);
  }
});

test('on the engine: garbage after a request whose response is streaming cuts the stream, never corrupts it', async () => {
  const engine = await startTestEngine({ settings: { speed: 1 } });
  engine.context.scenarios.put({
    id: 'long-wait',
    name: 'Long wait',
    triggers: [{ match: 'substring', value: 'long wait' }],
    steps: [{ type: 'step', name: 'waiting', steps: [{ type: 'wait', ms: 60_000 }] }],
  });
  const body = JSON.stringify({
    threadId: 'garbage-after',
    runId: 'r1',
    messages: [{ id: 'm1', role: 'user', content: 'long wait' }],
    tools: [],
    context: [],
  });
  const socket = connect(engine.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(
    `POST /agent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  await eventually(() => received.includes('STEP_STARTED'), 'the stream to start');
  socket.write('GARBAGE\r\n\r\n');
  await closed;
  assert.equal(received.match(/HTTP\/1\.1/g)?.length, 1, 'no second status line was written into the stream');
  assert.doesNotMatch(received, /Bad Request/);
  const connections = engine.context.registry.list().filter((connection) => connection.kind === 'sse');
  await eventually(() => connections.every((connection) => connection.state === 'closed'), 'the stream to close');
});
