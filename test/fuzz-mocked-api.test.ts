import assert from 'node:assert/strict';
import { METHODS } from 'node:http';
import { test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { CONTROL_API_PREFIX } from '../src/shared/control-api';
import { startTestEngine } from './helpers/engine';
import { errorLogger } from './helpers/error-logger';
import { describe, inPool, invalidUtf8TextFrame, playFrames, problemWith, sometimes } from './helpers/fuzz';
import { type RawResponse, rawHttp } from './helpers/raw-http';
import { WAIT_MS } from './helpers/wait';

// A seeded fuzz run against the mocked API: a few thousand random HTTP requests (raw TCP, so framing, lengths
// and encodings can lie, and fetch) and a few hundred random WebSocket frames to /ws. Whatever comes in, the
// engine answers below 500, every error is FastAPI JSON, nothing hangs past a bound, nothing crashes, and the
// engine still answers /health afterwards. The seed makes a failure reproducible: the failing request is printed.
// FUZZ_SEED=<n> runs another seed.

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_612);
const RAW_REQUESTS = 2000;
const FETCH_REQUESTS = 300;
const SOCKETS = 12;
const FRAMES_PER_SOCKET = 30;
/** Requests in flight at once. */
const CONCURRENCY = 32;
/** A request must be answered (or its connection closed) within this; the engine's own limits are ~2 s here. */
const BOUND_MS = WAIT_MS;
const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 1000, maxBodyBytes: 64 * 1024 };

const { logger, errors } = errorLogger();
const server = await startTestEngine({ settings: LIMITS, logger });

// --- what a request is made of -------------------------------------------------------------------------------

/** The mocked API's routes (and the control API's, which answers without a token too), with the query they read. */
const ROUTES: readonly (readonly [method: string, path: string, query?: string])[] = [
  ['GET', '/'],
  ['GET', '/health'],
  ['GET', '/agents'],
  ['GET', '/sessions', 'user_id=koen'],
  ['GET', '/sessions/session-koen-hotel-sunset/history', 'include_tools=true'],
  ['GET', '/sessions/session-koen-hotel-sunset/metadata'],
  ['PUT', '/sessions/session-koen-hotel-sunset'],
  ['DELETE', '/sessions/session-fuzz'],
  ['GET', '/users/me', 'user_id=koen'],
  ['GET', '/users/me/preferences', 'user_id=koen'],
  ['PUT', '/users/me/preferences', 'user_id=koen'],
  ['POST', '/users'],
  ['GET', '/users', 'limit=5&offset=1'],
  ['GET', '/users/koen'],
  ['PUT', '/users/koen'],
  ['DELETE', '/users/nobody'],
  ['GET', '/mock_documents/inspectie-rapport.pdf'],
  ['POST', '/agent'],
  ['GET', '/ws'],
  ['GET', `${CONTROL_API_PREFIX}/server`],
  ['PATCH', `${CONTROL_API_PREFIX}/server/settings`],
];
const KNOWN_PATHS = [...new Set(ROUTES.map(([, path]) => path))];

const QUERY_KEYS = ['user_id', 'limit', 'offset', 'include_tools', 'q'];

const valueText = fc.oneof(
  fc.constantFrom('koen', '1', '-1', '0', 'true', 'no', '', '1e309', '99999999999999999999', '%', '%zz', '%00'),
  fc.string({ maxLength: 12 }),
);

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN_PATHS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.webSegment()).map(([p, s]) => `${p}/${s}`) },
  { weight: 2, arbitrary: fc.webPath().map((p) => p || '/') },
  // Encoded, broken-encoded and non-ASCII segments.
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom('%E0%A4%A', '%', '%zz', '%2F', '%00', '..', '~', 'ü', '%C3%BC', '//')), {
        minLength: 1,
        maxLength: 4,
      })
      .map((parts) => `/users/${parts.join('')}`),
  },
  // Overlong: some past Node's 16 KiB header limit.
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => `/${'a'.repeat(n)}`) },
);

const query = sometimes(
  fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), valueText), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')),
  50,
);

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  { weight: 3, arbitrary: fc.constantFrom(...METHODS) },
  // Tokens Node's parser does not know.
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,8}$/) },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'json',
  ';;;',
];
const ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'zstd', 'gzip, gzip', 'GZIP'];
const ACCEPTS = ['*/*', 'text/event-stream', 'application/vnd.ag-ui.event+proto', 'application/json', 'image/*', ''];

/** JSON nested `depth` levels, of arrays or objects. */
const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 3000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

const runAgentInput = fc.record({
  threadId: fc.oneof(fc.uuid(), fc.string({ maxLength: 5 })),
  runId: fc.uuid(),
  messages: fc.array(
    fc.record({
      id: fc.uuid(),
      role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'nobody'),
      content: fc.constantFrom('Hallo', 'Genereer rapport', 'Start inspectie bij Restaurant Bella Rosa', 'x'),
    }),
    { maxLength: 3 },
  ),
  tools: fc.constant([]),
  context: fc.constant([]),
  state: sometimes(fc.jsonValue({ maxDepth: 4 }), 50),
  resume: sometimes(
    fc.array(fc.record({ interruptId: fc.string({ maxLength: 8 }), status: fc.constantFrom('resolved', 'no') })),
    20,
  ),
});

/** Bodies shaped like what the routes take, then bent: fields replaced by random JSON. */
const plausibleBody = fc.oneof(
  runAgentInput,
  fc.record({ email: fc.oneof(fc.emailAddress(), fc.string()), name: fc.string({ maxLength: 40 }) }),
  fc.record({ theme: fc.oneof(fc.string(), fc.jsonValue()), notifications_enabled: fc.jsonValue() }),
  fc.record({ title: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue({ maxDepth: 3 })) }),
);

const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: plausibleBody.map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: deepJson },
  // Large: some over the body limit.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 150_000 }).map((n) => JSON.stringify({ pad: 'p'.repeat(n) })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  // Truncated JSON.
  {
    weight: 1,
    arbitrary: fc.tuple(plausibleBody, fc.nat()).map(([value, cut]) => JSON.stringify(value).slice(0, cut % 40)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
);

/** How the body is framed: its true length, chunked, or a Content-Length that lies (or is missing). */
const framing = fc.oneof(
  { weight: 10, arbitrary: fc.constant('exact' as const) },
  { weight: 3, arbitrary: fc.constant('chunked' as const) },
  { weight: 1, arbitrary: fc.constant('short' as const) },
  { weight: 1, arbitrary: fc.constant('long' as const) },
  { weight: 1, arbitrary: fc.constant('none' as const) },
  { weight: 1, arbitrary: fc.constant('both' as const) },
);

/** Method, path and query: mostly a real route (sometimes with a random query), else anything. */
const target = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...ROUTES), fc.boolean(), query)
      .map(([[m, p, q], keepQuery, randomQuery]) => ({ method: m, path: p, query: keepQuery ? q : randomQuery })),
  },
  { weight: 2, arbitrary: fc.record({ method, path, query }) },
);

const rawRequest = fc.record({
  target,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  encoding: sometimes(fc.constantFrom(...ENCODINGS), 15),
  /** Compress the body as the header says (when it names a real encoding), or send it as it is anyway. */
  compress: fc.boolean(),
  accept: sometimes(fc.constantFrom(...ACCEPTS), 30),
  origin: sometimes(fc.constantFrom('http://localhost:3000', 'null', 'x'), 20),
  upgrade: sometimes(fc.constantFrom('websocket', 'h2c', 'nonsense'), 5),
  expect: sometimes(fc.constantFrom('100-continue', 'the unexpected'), 5),
  extraHeaders: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.string({ maxLength: 30 })), {
    maxLength: 3,
  }),
  host: fc.oneof({ weight: 10, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  close: fc.boolean(),
  body,
  framing,
  /** Written in this many TCP writes. */
  pieces: fc.integer({ min: 1, max: 3 }),
});

type RawRequest = typeof rawRequest extends fc.Arbitrary<infer T> ? T : never;

function encodeBody(request: RawRequest): Buffer | undefined {
  if (request.body === undefined) return undefined;
  const plain = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
  if (!request.compress) return plain;
  if (request.encoding === 'gzip') return gzipSync(plain);
  if (request.encoding === 'deflate') return deflateSync(plain);
  if (request.encoding === 'br') return brotliCompressSync(plain);
  return plain;
}

/** Header-safe text: what a client library would refuse to send is left out. */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e]/g, '');

function requestBytes(request: RawRequest, port: number): Buffer[] {
  const { method: verb, path: where, query: search } = request.target;
  const payload = encodeBody(request);
  const lines = [`${verb} ${search === undefined ? where : `${where}?${search}`} HTTP/1.1`];
  if (request.host) lines.push(`Host: 127.0.0.1:${port}`);
  if (request.contentType) lines.push(`Content-Type: ${request.contentType}`);
  if (request.encoding) lines.push(`Content-Encoding: ${request.encoding}`);
  if (request.accept !== undefined) lines.push(`Accept: ${request.accept}`);
  if (request.origin) lines.push(`Origin: ${request.origin}`);
  if (request.upgrade) {
    lines.push('Connection: Upgrade', `Upgrade: ${request.upgrade}`);
    lines.push('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
  } else if (request.close) lines.push('Connection: close');
  if (request.expect) lines.push(`Expect: ${request.expect}`);
  for (const [name, value] of request.extraHeaders) lines.push(`X-${name}: ${headerSafe(value)}`);
  let framed: Buffer = Buffer.alloc(0);
  if (payload) {
    switch (request.framing) {
      case 'exact':
        lines.push(`Content-Length: ${payload.length}`);
        framed = payload;
        break;
      case 'short':
        lines.push(`Content-Length: ${Math.floor(payload.length / 2)}`);
        framed = payload;
        break;
      case 'long':
        lines.push(`Content-Length: ${payload.length + 10}`);
        framed = payload;
        break;
      case 'none':
        framed = payload;
        break;
      case 'chunked':
      case 'both':
        if (request.framing === 'both') lines.push(`Content-Length: ${payload.length}`);
        lines.push('Transfer-Encoding: chunked');
        framed = Buffer.concat([
          Buffer.from(`${payload.length.toString(16)}\r\n`),
          payload,
          Buffer.from('\r\n0\r\n\r\n'),
        ]);
        break;
    }
  }
  const whole = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), framed]);
  const size = Math.ceil(whole.length / request.pieces);
  return Array.from({ length: request.pieces }, (_, index) => whole.subarray(index * size, (index + 1) * size));
}

// --- the runs --------------------------------------------------------------------------------------------------

test(`${RAW_REQUESTS} random raw HTTP requests: no 5xx, FastAPI errors, nothing left hanging`, async (t) => {
  const errorsBefore = errors.length;
  const requests = fc.sample(rawRequest, { seed: SEED, numRuns: RAW_REQUESTS });
  const failures: string[] = [];
  let closedWithoutAnswer = 0;
  const statuses = new Map<number, number>();
  await inPool(requests, CONCURRENCY, async (request) => {
    let response: RawResponse;
    try {
      response = await rawHttp(server.port, requestBytes(request, server.port), 1, {
        timeoutMs: BOUND_MS,
        head: request.target.method === 'HEAD',
      });
    } catch (error) {
      const message = (error as Error).message;
      if (message === 'raw HTTP request timed out') failures.push(`hung past ${BOUND_MS} ms: ${describe(request)}`);
      // Closed without an answer (the HTTP/2 preface, a reset): allowed, it does not hang.
      else closedWithoutAnswer++;
      return;
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const hasBody = request.target.method !== 'HEAD' && response.status !== 101;
    const problem = problemWith(response.status, response.headers['content-type'], response.body, hasBody);
    if (problem) failures.push(`${problem}\n  for ${describe(request)}`);
  });
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${RAW_REQUESTS} requests broke the rules`);
  assert.deepEqual(errors.slice(errorsBefore, errorsBefore + 5), [], 'no unhandled error was logged');
  t.diagnostic(`statuses: ${JSON.stringify([...statuses].sort(([a], [b]) => a - b))}`);
  assert.ok(closedWithoutAnswer < RAW_REQUESTS / 20, `${closedWithoutAnswer} connections closed without an answer`);
  // The run covers the interesting answers, not only 404s.
  for (const status of [200, 400, 404, 405, 408, 413, 415, 422]) {
    assert.ok(statuses.has(status), `no ${status} among ${JSON.stringify([...statuses])}`);
  }
});

test(`${FETCH_REQUESTS} random fetch requests: no 5xx, FastAPI errors, nothing left hanging`, async () => {
  const errorsBefore = errors.length;
  const fetchRequest = fc.record({
    // fetch refuses CONNECT, TRACE and TRACK itself.
    target: target.filter(({ method: verb }) => /^[A-Z]+$/.test(verb) && !['CONNECT', 'TRACE', 'TRACK'].includes(verb)),
    contentType: sometimes(fc.constantFrom(...CONTENT_TYPES), 80),
    accept: sometimes(fc.constantFrom(...ACCEPTS), 50),
    body: sometimes(
      fc.oneof(
        plausibleBody.map((value) => JSON.stringify(value)),
        deepJson,
        fc.string(),
      ),
      70,
    ),
  });
  const requests = fc.sample(fetchRequest, { seed: SEED + 1, numRuns: FETCH_REQUESTS });
  const failures: string[] = [];
  await inPool(requests, CONCURRENCY, async (request) => {
    const { method: verb, path: where, query: search } = request.target;
    const url = `${server.url}${where}${search === undefined ? '' : `?${search}`}`;
    const headers: Record<string, string> = {};
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.accept) headers.accept = request.accept;
    const withBody = request.body !== undefined && !['GET', 'HEAD'].includes(verb);
    let response: Response;
    try {
      response = await fetch(url, {
        method: verb,
        headers,
        body: withBody ? request.body : undefined,
        signal: AbortSignal.timeout(BOUND_MS),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError') failures.push(`hung past ${BOUND_MS} ms: ${describe(request)}`);
      // Anything else fetch refused to send, or a connection the server closed: not a hang.
      return;
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      failures.push(`the body did not arrive within ${BOUND_MS} ms: ${describe(request)}`);
      return;
    }
    const problem = problemWith(
      response.status,
      response.headers.get('content-type') ?? undefined,
      text,
      verb !== 'HEAD',
    );
    if (problem) failures.push(`${problem}\n  for ${describe(request)}`);
  });
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${FETCH_REQUESTS} requests broke the rules`);
  assert.deepEqual(errors.slice(errorsBefore, errorsBefore + 5), [], 'no unhandled error was logged');
});

test(`${SOCKETS * FRAMES_PER_SOCKET} random WebSocket frames to /ws: answered or closed properly, never a crash`, async (t) => {
  const errorsBefore = errors.length;
  const frame = fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => ({ text: JSON.stringify(value) })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(runAgentInput, fc.constantFrom(undefined, 'RunAgentInput', 'agora:tool_approval_response', 'x'))
        .map(([input, type]) => ({ text: JSON.stringify(type ? { type, ...input } : input) })),
    },
    { weight: 1, arbitrary: deepJson.map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ binary: Buffer.from(bytes) })) },
    { weight: 1, arbitrary: invalidUtf8TextFrame },
  );
  const plans = fc.sample(fc.array(frame, { minLength: FRAMES_PER_SOCKET, maxLength: FRAMES_PER_SOCKET }), {
    seed: SEED + 2,
    numRuns: SOCKETS,
  });
  const failures: string[] = [];
  await Promise.all(
    plans.map(async (frames, index) => {
      const progress = { sent: 0 };
      while (progress.sent < frames.length) {
        const outcome = await playFrames(
          server.wsUrl,
          frames,
          progress,
          (data, isBinary) => {
            if (isBinary) return failures.push(`socket ${index}: the server sent a binary frame`);
            try {
              JSON.parse(data.toString());
            } catch {
              failures.push(
                `socket ${index}: the server sent a frame that is not JSON: ${data.toString().slice(0, 100)}`,
              );
            }
          },
          BOUND_MS,
        );
        if (outcome.hung) failures.push(`socket ${index}: neither answered nor closed within ${BOUND_MS} ms`);
        if (!outcome.opened) {
          const how = outcome.refused === undefined ? `close ${outcome.code}` : `answered ${outcome.refused}`;
          failures.push(`socket ${index}: the upgrade failed (${how})`);
          return;
        }
        // 1000 normal, 1007 invalid UTF-8, 1009 too big; never 1011 (server error) or 1006 (dropped).
        if (![1000, 1005, 1007, 1009].includes(outcome.code)) {
          failures.push(
            `socket ${index}: closed with ${outcome.code} after frame ${progress.sent}: ${describe(frames[progress.sent - 1])}`,
          );
        }
      }
    }),
  );
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} WebSocket problems`);
  // What the engine logged is shown, not judged, here: what a /ws client sees is checked above.
  for (const logged of new Set(errors.slice(errorsBefore))) t.diagnostic(`logged during the /ws run: ${logged}`);
});

test('after the fuzz: /health answers, no stream is left open', async () => {
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'healthy', service: 'agora-mock', protocol: 'ag-ui' });
  const streams = () => server.context.registry.list().filter((connection) => connection.kind === 'sse');
  const deadline = performance.now() + BOUND_MS;
  while (streams().some((connection) => connection.state !== 'closed') && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(
    streams()
      .filter((connection) => connection.state !== 'closed')
      .map((connection) => connection.summary()),
    [],
    'every SSE stream ended',
  );
});
