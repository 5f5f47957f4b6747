import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// Slow clients are cut off: headers, whole requests and idle keep-alive connections each have a time limit (engine
// settings, applied live), a client past it gets 408 where an answer is still possible. Long-lived responses (SSE
// streams, WebSockets after their upgrade) are not requests in progress and stay open.

const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };
/** Node checks for expired requests once a second; a loaded machine adds more. Generous, and far below Node's own
 * defaults (60 s for headers, 300 s per request), which these tests would not survive. */
const SLACK_MS = 15_000;

interface SlowClient {
  /** Everything the server sent. */
  readonly received: string;
  /** Resolves once the first bytes are written. */
  readonly started: Promise<void>;
  /** Resolves with the time from connecting until the server closed the connection. */
  readonly closed: Promise<number>;
}

/** A raw connection that sends `start`, then one character of `drip` every `everyMs` until the server closes it. */
function slowClient(port: number, start: string, drip = '', everyMs = 100): SlowClient {
  const socket = connect(port, '127.0.0.1');
  const began = performance.now();
  let received = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('error', () => {});
  const started = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.on('connect', () => {
    socket.write(start);
    let next = 0;
    if (drip) timer = setInterval(() => socket.write(drip.charAt(next++ % drip.length)), everyMs);
  });
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(performance.now() - began);
    }),
  );
  return {
    get received() {
      return received;
    },
    started,
    closed,
  };
}

/** How long the server took to close the connection; Infinity when it had not after the limit and the slack. */
function closedAfter(client: SlowClient, limitMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), limitMs + SLACK_MS);
  });
  return Promise.race([client.closed, gaveUp]).finally(() => clearTimeout(timer));
}

async function assertTimedOut(client: SlowClient, limitMs: number, what: string): Promise<void> {
  const elapsedMs = await closedAfter(client, limitMs);
  assert.ok(elapsedMs >= limitMs, `${what}: cut off after ${elapsedMs} ms, before its ${limitMs} ms were up`);
  assert.ok(elapsedMs < limitMs + SLACK_MS, `${what}: still open ${elapsedMs} ms after it started`);
  assert.match(client.received, /^HTTP\/1\.1 408 Request Timeout\r\n/, what);
  assert.match(client.received, /\r\nConnection: close\r\n/, what);
  const body = JSON.parse(client.received.slice(client.received.indexOf('\r\n\r\n') + 4));
  assert.match(body.detail, /^Request Timeout: .*headersTimeoutMs.*requestTimeoutMs/, what);
}

test('the timeouts are settings with sane defaults', () => {
  assert.equal(DEFAULT_SETTINGS.headersTimeoutMs, 10_000);
  assert.equal(DEFAULT_SETTINGS.requestTimeoutMs, 30_000);
  assert.equal(DEFAULT_SETTINGS.keepAliveTimeoutMs, 5_000);
});

// Each test below has an engine of its own and spends its time waiting for the engine's timers: side by side.
describe('time limits, each on its own engine', { concurrency: true }, () => {
  test('clients slow to send headers, or a body, get 408 and are disconnected; silent ones too', async () => {
    const engine = await startTestEngine({ settings: LIMITS });
    const drippingHeaders = Array.from({ length: 50 }, () =>
      slowClient(engine.port, 'GET /health HTTP/1.1\r\n', 'X-Slow: y\r\n'),
    );
    const drippingUpgrade = slowClient(engine.port, 'GET /ws HTTP/1.1\r\nHost: x\r\n', 'X-Slow: y\r\n');
    const silent = slowClient(engine.port, '');
    const drippingBody = slowClient(
      engine.port,
      'PUT /users/me/preferences?user_id=koen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      ' ',
    );
    for (const [index, client] of drippingHeaders.entries()) {
      await assertTimedOut(client, LIMITS.headersTimeoutMs, `dripping headers #${index}`);
    }
    await assertTimedOut(drippingUpgrade, LIMITS.headersTimeoutMs, 'a slow WebSocket upgrade');
    await assertTimedOut(silent, LIMITS.headersTimeoutMs, 'a connection that sends nothing');
    await assertTimedOut(drippingBody, LIMITS.requestTimeoutMs, 'a dripping body');
    assert.equal((await fetch(`${engine.url}/health`)).status, 200);
  });

  test('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    const engine = await startTestEngine({ settings: LIMITS });
    const idle = slowClient(engine.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const elapsed = await closedAfter(idle, LIMITS.keepAliveTimeoutMs);
    assert.match(idle.received, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(idle.received, /\r\nKeep-Alive: timeout=1\r\n/);
    assert.ok(elapsed >= LIMITS.keepAliveTimeoutMs, `closed after ${elapsed} ms`);
    assert.ok(elapsed < LIMITS.keepAliveTimeoutMs + SLACK_MS, `closed after ${elapsed} ms`);
  });

  test('a change to the timeouts applies to the connections already open', async () => {
    const engine = await startTestEngine({ settings: { headersTimeoutMs: 600_000, requestTimeoutMs: 3_600_000 } });
    const control = controlClient(engine);
    const dripping = slowClient(engine.port, 'GET /health HTTP/1.1\r\n', 'X-Slow: y\r\n');
    // In progress under the old limit, then the limit is tightened under it.
    await dripping.started;
    const changed = await control.patch<Record<string, number>>('/server/settings', { headersTimeoutMs: 1000 });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.headersTimeoutMs, 1000);
    await assertTimedOut(dripping, 1000, 'dripping headers after the change');
    const refused = await control.patch<{ detail: { loc: unknown[] }[] }>('/server/settings', { requestTimeoutMs: 10 });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.detail[0]?.loc, ['body', 'requestTimeoutMs']);
  });

  test('SSE streams and WebSockets outlive the request and keep-alive timeouts', async () => {
    const engine = await startTestEngine({
      // Pings at 1 s: the client answers from this same event loop, and a shorter interval would let a busy
      // machine's hold-up between a ping and the engine reading its pong cut off a healthy socket.
      settings: { ...LIMITS, speed: 1, heartbeatIntervalMs: 1000 },
      agentHttp: { keepAliveMs: 250 },
    });
    engine.context.scenarios.put({
      id: 'long-wait',
      name: 'Long wait',
      triggers: [{ match: 'substring', value: 'long wait' }],
      steps: [{ type: 'step', name: 'waiting', steps: [{ type: 'wait', ms: 600_000 }] }],
    });
    const abort = new AbortController();
    const response = await fetch(`${engine.url}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        threadId: 'outlives',
        runId: 'r1',
        messages: [{ id: 'm1', role: 'user', content: 'long wait' }],
        tools: [],
        context: [],
      }),
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let keepAlives = 0;
    let streamEnded = false;
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) break;
          keepAlives += decoder.decode(chunk.value).split(': keep-alive').length - 1;
        }
        streamEnded = true;
      } catch {
        // Aborted at the end of the test.
      }
    })();

    const socket = new WebSocket(engine.wsUrl);
    let pings = 0;
    let socketClosed = false;
    socket.on('ping', () => pings++);
    socket.on('close', () => {
      socketClosed = true;
    });
    await new Promise((resolve) => socket.once('open', resolve));

    // Counted on the engine's own clock: 16 keep-alive comments 250 ms apart, and 5 pings 1 s apart, are 4 s, twice
    // the request timeout and four times the keep-alive timeout, with four connection checks in between.
    await eventually(() => keepAlives >= 16 && pings >= 5, 'keep-alive comments and pings to flow');
    assert.equal(streamEnded, false, 'the SSE stream is still open');
    assert.equal(socketClosed, false, 'the WebSocket is still open');
    assert.equal(socket.readyState, WebSocket.OPEN);
    abort.abort();
    await reading;
    socket.close();
  });
});
