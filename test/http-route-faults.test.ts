import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RouteInput, RouteSchema } from '../src/shared/mounts/route';
import { startMountsApp } from './helpers/http-mounts-app';
import { rawHttp } from './helpers/raw-http';
import { openTcp } from './helpers/tcp-client';

const route = (input: RouteInput) => RouteSchema.parse(input);
const BODY = JSON.stringify({ message: 'x'.repeat(100) });
const app = await startMountsApp({
  routes: [
    route({ id: 'slow', path: '/slow', responses: [{ id: 'late', delayMs: 300, body: { json: { late: true } } }] }),
    route({ id: 'stuck', path: '/stuck', responses: [{ id: 'forever', delayMs: 600_000, body: { json: 1 } }] }),
    route({ id: 'reset', path: '/reset', responses: [{ id: 'rst', fault: { type: 'reset' } }] }),
    route({
      id: 'empty',
      path: '/empty',
      responses: [{ id: 'fin', body: { text: 'never' }, fault: { type: 'empty' } }],
    }),
    route({
      id: 'malformed',
      path: '/malformed',
      responses: [
        { id: 'bad', status: 201, headers: { 'X-Kind': 'bad' }, body: { text: BODY }, fault: { type: 'malformed' } },
      ],
    }),
    route({
      id: 'drip',
      path: '/drip',
      responses: [{ id: 'slowly', body: { text: BODY }, fault: { type: 'drip', chunks: 4, durationMs: 600 } }],
    }),
    route({
      id: 'drip-forever',
      path: '/drip-forever',
      responses: [{ id: 'slowly', body: { text: BODY }, fault: { type: 'drip', chunks: 2, durationMs: 600_000 } }],
    }),
  ],
});

/** Timers alive in this process (the engine's and the test's): a timer left behind shows here. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('delayMs holds the answer back at least that long', async () => {
  const started = performance.now();
  const response = await fetch(`${app.base}/slow`);
  assert.deepEqual(await response.json(), { late: true });
  assert.ok(performance.now() - started >= 295, 'answered after the delay');
});

test('a client that leaves during a delay stops it: no timer is left, the request ends at once', async () => {
  const before = timers();
  const logged = app.requestLog.size;
  const controller = new AbortController();
  const pending = fetch(`${app.base}/stuck`, { signal: controller.signal }).catch((error: Error) => error);
  // The engine's timer for the delay is running once the request arrived.
  await until(() => timers() > before, 'the delay to start');
  controller.abort();
  assert.equal(((await pending) as Error).name, 'AbortError');
  // Ten minutes of delay end as soon as the client is gone: the request is logged and the timer cleared.
  await until(() => app.requestLog.size > logged, 'the request to end');
  await until(() => timers() <= before, 'the delay timer to be cleared');
  const [entry] = app.requestLog.page(() => true, 1, false).items;
  assert.equal(entry?.status, 499, "logged as the client's abort (nginx's 499), not as a 404");
  assert.deepEqual(entry?.answeredBy, { kind: 'route', id: 'stuck', responseId: 'forever' });
});

test('reset drops the connection with a TCP reset', async () => {
  await assert.rejects(rawHttp(app.port, ['GET /reset HTTP/1.1\r\nHost: x\r\n\r\n']), { code: 'ECONNRESET' });
  await assert.rejects(fetch(`${app.base}/reset`), TypeError);
});

test('empty closes the connection without a byte', async () => {
  await assert.rejects(rawHttp(app.port, ['GET /empty HTTP/1.1\r\nHost: x\r\n\r\n']), /^Error: incomplete response: $/);
});

test('malformed sends the status and headers, then a corrupt chunk, then closes', async () => {
  const response = await rawHttp(app.port, ['GET /malformed HTTP/1.1\r\nHost: x\r\n\r\n']);
  assert.equal(response.status, 201);
  assert.equal(response.headers['x-kind'], 'bad');
  assert.equal(response.headers['transfer-encoding'], 'chunked');
  assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(response.body, /^zz\r\n\{"message":"x+\r\n$/);
  // A real client sees the headers, then fails reading the body.
  const fetched = await fetch(`${app.base}/malformed`);
  assert.equal(fetched.status, 201);
  await assert.rejects(fetched.text(), TypeError);
});

test('a fault pipelined behind other requests waits its turn: the answers before it arrive whole', async () => {
  const slowAnswer = /^HTTP\/1\.1 200 OK\r\n[\s\S]*?\r\n\r\n\{"late":true\}/;
  for (const fault of ['malformed', 'empty', 'reset']) {
    const client = await openTcp(app.port);
    // Answered after 300 ms, while the fault's own answer is ready at once.
    client.socket.write(`GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /${fault} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await client.closed;
    assert.match(client.received, slowAnswer, `${fault}: the answer to /slow comes first, whole`);
    const rest = client.received.replace(slowAnswer, '');
    if (fault === 'malformed') assert.match(rest, /^HTTP\/1\.1 201 Created\r\n[\s\S]*\r\n\r\nzz\r\n/);
    else assert.equal(rest, '', `${fault}: nothing of its own`);
  }
});

test('drip sends the whole body in pieces spread over the duration', async () => {
  const started = performance.now();
  const response = await fetch(`${app.base}/drip`);
  assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(BODY)));
  const arrivals: number[] = [];
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    arrivals.push(performance.now() - started);
    text += decoder.decode(chunk, { stream: true });
  }
  assert.equal(text, BODY);
  // Four pieces, 200 ms apart: the last cannot arrive before ~600 ms; at least two arrive apart.
  assert.ok((arrivals.at(-1) ?? 0) >= 590, `last piece at ${arrivals.at(-1)} ms`);
  assert.ok(arrivals.length >= 2);
});

test('a client that leaves during a drip stops it: the timer goes with the stream', async () => {
  const before = timers();
  const controller = new AbortController();
  const response = await fetch(`${app.base}/drip-forever`, { signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  assert.ok((first.value?.length ?? 0) > 0);
  controller.abort();
  await reader.read().catch(() => undefined);
  await until(() => timers() <= before, 'the drip timer to be cleared');
});

test('faults are recorded as what answered', async () => {
  const answer = (path: string) => app.answers.findLast((entry) => entry.path === path)?.ref;
  assert.deepEqual(answer('/malformed'), { kind: 'route', id: 'malformed', responseId: 'bad', fault: 'malformed' });
  assert.deepEqual(answer('/reset'), { kind: 'route', id: 'reset', responseId: 'rst', fault: 'reset' });
  assert.deepEqual(answer('/drip'), { kind: 'route', id: 'drip', responseId: 'slowly', fault: 'drip' });
  assert.deepEqual(app.logged, []);
});
