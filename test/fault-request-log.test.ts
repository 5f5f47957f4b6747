import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchTraffic } from '../src/cli/terminal-output';
import type { ItemsPage } from '../src/shared/control-api';
import type { RouteInput } from '../src/shared/mounts/route';
import type { RequestLogEntry } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';
import { eventually, WAIT_MS } from './helpers/wait';

/**
 * A route fault is logged as what the client got: no status where none was sent (nginx's 444, as a client that left
 * is nginx's 499), the status sent before a broken body, and the time until the response really ended.
 */
const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
const port = Number(new URL(server.url).port);
const BODY = JSON.stringify({ message: 'x'.repeat(100) });
/** What a timer firing a little early and rounding to the log's microseconds can take off a duration. */
const MARGIN_MS = 25;
const DRIP_MS = 1000;

const routes: RouteInput[] = [
  { id: 'flaky', path: '/flaky', responses: [{ id: 'rst', headers: { 'X-Kind': 'reset' }, fault: { type: 'reset' } }] },
  {
    id: 'empty',
    path: '/empty',
    responses: [{ id: 'fin', headers: { 'X-Kind': 'empty' }, body: { text: 'never' }, fault: { type: 'empty' } }],
  },
  {
    id: 'malformed',
    path: '/malformed',
    responses: [
      { id: 'bad', status: 201, headers: { 'X-Kind': 'bad' }, body: { text: BODY }, fault: { type: 'malformed' } },
    ],
  },
  {
    id: 'drip',
    path: '/drip',
    responses: [{ id: 'slowly', body: { text: BODY }, fault: { type: 'drip', chunks: 4, durationMs: DRIP_MS } }],
  },
  {
    id: 'drip-forever',
    path: '/drip-forever',
    responses: [{ id: 'slowly', body: { text: BODY }, fault: { type: 'drip', chunks: 2, durationMs: 600_000 } }],
  },
];
for (const route of routes) {
  const added = await api.post('/routes', route);
  assert.equal(added.status, 201, JSON.stringify(added.body));
}

async function entries(path: string): Promise<RequestLogEntry[]> {
  const { body } = await api.get<ItemsPage<RequestLogEntry>>(`/requests?path=${encodeURIComponent(path)}`);
  return body.items.filter((item) => item.path === path);
}

/** The newest entry for `path`, once there is one more than `before`. */
async function loggedAfter(path: string, before: number): Promise<RequestLogEntry> {
  let found: RequestLogEntry[] = [];
  await eventually(async () => {
    found = await entries(path);
    return found.length > before;
  }, `${path} to be logged`);
  return found[0] as RequestLogEntry;
}

test('reset sends no status: logged as 444 (no response, as nginx logs it) with the fault, no headers', async () => {
  const before = (await entries('/flaky')).length;
  await assert.rejects(rawHttp(port, ['GET /flaky HTTP/1.1\r\nHost: x\r\n\r\n']), { code: 'ECONNRESET' });
  const entry = await loggedAfter('/flaky', before);
  assert.equal(entry.status, 444);
  assert.deepEqual(entry.answeredBy, { kind: 'route', id: 'flaky', responseId: 'rst', fault: 'reset' });
  assert.deepEqual(entry.responseHeaders, {}, 'the route would have sent X-Kind: the client got nothing');
  assert.equal(entry.responseBody, null);
  assert.match(entry.remoteAddress, /127\.0\.0\.1/, 'who it was, though the socket is gone');
});

test('empty sends no status: logged as 444 with the fault, no headers', async () => {
  const before = (await entries('/empty')).length;
  await assert.rejects(rawHttp(port, ['GET /empty HTTP/1.1\r\nHost: x\r\n\r\n']), /^Error: incomplete response: $/);
  const entry = await loggedAfter('/empty', before);
  assert.equal(entry.status, 444);
  assert.deepEqual(entry.answeredBy, { kind: 'route', id: 'empty', responseId: 'fin', fault: 'empty' });
  assert.deepEqual(entry.responseHeaders, {});
});

test('drip is logged once its body is all sent, timed to then', async () => {
  const before = (await entries('/drip')).length;
  const response = await fetch(`${server.url}/drip`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  assert.ok(((await reader.read()).value?.length ?? 0) > 0, 'a first piece');
  // The response is still going out: it is not in the log yet.
  assert.equal((await entries('/drip')).length, before, 'not logged before the response ended');
  while (!(await reader.read()).done) {}
  const entry = await loggedAfter('/drip', before);
  assert.equal(entry.status, 200);
  assert.deepEqual(entry.answeredBy, { kind: 'route', id: 'drip', responseId: 'slowly', fault: 'drip' });
  // The last piece goes out `durationMs` after the first: the request took at least that long.
  assert.ok(entry.durationMs >= DRIP_MS - MARGIN_MS, `logged at ${entry.durationMs} ms, the drip takes ${DRIP_MS}`);
});

test('a drip the client leaves is logged when it left, timed to then', async () => {
  const before = (await entries('/drip-forever')).length;
  const heldMs = 300;
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(`${server.url}/drip-forever`, { agent: false }, (response) => {
      response.once('data', async () => {
        await sleep(heldMs);
        request.destroy();
        resolve();
      });
    });
    request.on('error', () => {});
    request.setTimeout(WAIT_MS, () => reject(new Error('no first piece of the drip')));
    request.end();
  });
  const entry = await loggedAfter('/drip-forever', before);
  assert.equal(entry.status, 200, 'the status went out before the client left');
  assert.equal(entry.answeredBy?.fault, 'drip');
  assert.ok(entry.durationMs >= heldMs - MARGIN_MS, `logged at ${entry.durationMs} ms, the client stayed ${heldMs}`);
});

test('the serve log line says what the client got: no status and the fault, or the status sent and the fault', async () => {
  const lines: string[] = [];
  const stop = watchTraffic(server, (text) => lines.push(text));
  try {
    await assert.rejects(rawHttp(port, ['GET /flaky HTTP/1.1\r\nHost: x\r\n\r\n']), { code: 'ECONNRESET' });
    await assert.rejects(rawHttp(port, ['GET /empty HTTP/1.1\r\nHost: x\r\n\r\n']));
    const malformed = await rawHttp(port, ['GET /malformed HTTP/1.1\r\nHost: x\r\n\r\n']);
    assert.equal(malformed.status, 201);
    await eventually(() => lines.length >= 3, 'three lines');
  } finally {
    stop();
  }
  const [reset, empty, broken] = lines.map((line) => line.replace(/^\S+ /, ''));
  assert.match(reset ?? '', /^GET \/flaky 444 reset \(fault\) \d+\.\d ms\n$/);
  assert.match(empty ?? '', /^GET \/empty 444 empty \(fault\) \d+\.\d ms\n$/);
  assert.match(broken ?? '', /^GET \/malformed 201 malformed \(fault\) \d+\.\d ms\n$/);
  const [entry] = await entries('/malformed');
  assert.equal(entry?.status, 201, 'the status that was sent, before the corrupt chunk');
  assert.equal(entry?.answeredBy?.fault, 'malformed');
});
