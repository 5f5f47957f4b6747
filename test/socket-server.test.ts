import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { MAX_MESSAGE_FRAGMENTS, SocketServer } from '../src/server/ws/socket-server';
import type { ConnectionSummary } from '../src/shared/connections';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';
import { RawSocket } from './helpers/raw-socket';
import { openTcp } from './helpers/tcp-client';
import { eventually, WAIT_MS } from './helpers/wait';

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** An upgrade request's headers, but for Sec-WebSocket-Version (and the blank line that ends them). */
const HANDSHAKE =
  'Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

test('an upgrade on an unknown path gets a raw 404 and the socket is closed', async () => {
  const server = await startTestEngine();
  const response = await rawHttp(server.port, [`GET /nope HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\n\r\n`]);
  assert.equal(response.status, 404);
  assert.deepEqual(JSON.parse(response.body), { detail: 'Not Found' });

  const client = new WebSocket(`ws://127.0.0.1:${server.port}/nope`);
  const status = await new Promise<number>((resolve) =>
    client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
  );
  assert.equal(status, 404);
});

test('an oversize frame closes the socket with 1009 and the process stays alive', async () => {
  const server = await startTestEngine({ settings: { maxPayloadBytes: 4096 } });
  const client = new WebSocket(server.wsUrl);
  client.on('error', () => {});
  await opened(client);
  const done = closed(client);
  client.send('x'.repeat(10_000));
  assert.equal((await done).code, 1009);
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
  // The limit changes for sockets opened afterwards.
  server.updateSettings({ maxPayloadBytes: 64 * 1024 });
  const second = new WebSocket(server.wsUrl);
  await opened(second);
  second.send(JSON.stringify({ pad: 'x'.repeat(10_000) }));
  const reply = await new Promise<string>((resolve) => second.once('message', (data) => resolve(data.toString())));
  assert.equal(JSON.parse(reply).type, 'CUSTOM', 'the bigger frame was read and answered');
  second.close();
});

test('a frame ws refuses is recorded with the close the engine sent (1009, 1007), not 1006', async () => {
  const server = await startTestEngine({ settings: { maxPayloadBytes: 4096 } });
  const api = controlClient(server);
  /** How the client saw the close, and how the console's API lists it (the newest closed connection). */
  const recorded = async (client: RawSocket) => {
    const seen = await client.waitForClose();
    await eventually(() => server.context.registry.openCount === 0, 'the engine to see the close');
    const id = server.context.registry.list().at(-1)?.id;
    const listed = await api.get<{ items: ConnectionSummary[] }>('/connections');
    const summary = listed.body.items.find((item) => item.id === id);
    assert.ok(summary);
    return { client: seen, summary };
  };

  const big = await RawSocket.open(server.wsUrl);
  big.send('x'.repeat(5000));
  const tooBig = await recorded(big);
  assert.equal(tooBig.client.code, 1009);
  assert.equal(tooBig.summary.closeCode, 1009);
  assert.equal(tooBig.summary.closeReason, 'Message too big: the limit is 4096 bytes (maxPayloadBytes, --max-payload)');
  assert.equal(tooBig.summary.lastError?.message, 'Max payload size exceeded');

  const badText = await RawSocket.open(server.wsUrl);
  badText.send(Buffer.from([0xc3, 0x28]), false);
  const invalid = await recorded(badText);
  assert.equal(invalid.client.code, 1007);
  assert.equal(invalid.summary.closeCode, 1007);
  assert.equal(invalid.summary.closeReason, 'Invalid UTF-8 in a text frame or close reason');

  // A client that leaves normally keeps its own close.
  const polite = await RawSocket.open(server.wsUrl);
  polite.socket.close(4000, 'done');
  assert.equal((await recorded(polite)).summary.closeCode, 4000);
});

test('a compressed frame, or a message in too many fragments, is recorded with a close reason saying what to send', async () => {
  const server = await startTestEngine();
  /** A raw client on /ws sends `bytes` (masked frames, mask 0) and the engine closes it: what the console records. */
  const refused = async (bytes: Buffer) => {
    const tcp = await openTcp(server.port);
    tcp.socket.write(`GET /ws HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\n\r\n`);
    await eventually(() => tcp.received.includes('\r\n\r\n'), 'the 101');
    tcp.socket.write(bytes);
    await tcp.closed;
    await eventually(() => server.context.registry.openCount === 0, 'the engine to see the close');
    const summary = server.context.registry.list().at(-1)?.summary();
    assert.ok(summary);
    return { code: summary.closeCode, reason: summary.closeReason };
  };
  const frame = (first: number, payload: string) =>
    Buffer.concat([Buffer.from([first, 0x80 | payload.length, 0, 0, 0, 0]), Buffer.from(payload)]);

  // RSV1 is permessage-deflate's bit: this server never negotiates it.
  assert.deepEqual(await refused(frame(0xc1, 'hi')), {
    code: 1002,
    reason:
      'Compressed frame (RSV1 set), but no compression was negotiated: this server speaks no permessage-deflate; send frames uncompressed',
  });
  // A text message begun, then continued a byte at a time past the bound (each fragment a buffer of its own).
  const fragments = [frame(0x01, 'a'), ...Array.from({ length: MAX_MESSAGE_FRAGMENTS }, () => frame(0x00, 'a'))];
  assert.deepEqual(await refused(Buffer.concat(fragments)), {
    code: 1008,
    reason: `A message in more than ${MAX_MESSAGE_FRAGMENTS} fragments: send it whole, or in larger fragments`,
  });
});

// Each on an engine of its own, waiting for its beats: side by side.
describe('the heartbeat', { concurrency: true }, () => {
  // Heartbeat tests wait for what happens (a close, a number of pings), never for a number of intervals; the bound is
  // the suite's generous one, so a heartbeat that never acts still fails.
  test('the heartbeat terminates a peer that does not answer pings', { timeout: WAIT_MS }, async () => {
    const server = await startTestEngine({ settings: { heartbeatIntervalMs: 1000 } });
    const silent = new WebSocket(server.wsUrl, { autoPong: false });
    let pings = 0;
    silent.on('ping', () => pings++);
    const terminated = closed(silent);
    await opened(silent);
    const { code } = await terminated;
    assert.equal(code, 1006, 'terminated without a closing handshake');
    assert.ok(pings >= 1, 'it was pinged first');
  });

  test('a peer that answers pings stays connected', { timeout: WAIT_MS }, async () => {
    // Long enough that the engine reads each answer before its next beat even when this process is starved of CPU
    // for a while (client and engine share one event loop here); a peer that never answers goes after two beats.
    const server = await startTestEngine({ settings: { heartbeatIntervalMs: 1000 } });
    const healthy = new WebSocket(server.wsUrl);
    const silent = new WebSocket(server.wsUrl, { autoPong: false });
    let pings = 0;
    const pinged = new Promise<void>((resolve) =>
      healthy.on('ping', () => {
        if (++pings === 3) resolve();
      }),
    );
    const silentClosed = closed(silent);
    await Promise.all([opened(healthy), opened(silent)]);
    // A second ping comes only if the first was answered in time: the beat before it would have terminated instead.
    await pinged;
    assert.equal((await silentClosed).code, 1006, 'the silent peer, in the same beats, was terminated');
    assert.equal(healthy.readyState, WebSocket.OPEN, 'the peer that answers is still connected');
    healthy.close();
  });

  test('heartbeat 0 disables pings', async () => {
    const server = await startTestEngine({ settings: { heartbeatIntervalMs: 0 } });
    const silent = new WebSocket(server.wsUrl, { autoPong: false });
    await opened(silent);
    let pinged = false;
    silent.on('ping', () => {
      pinged = true;
    });
    // A negative check has no event to wait for: 300 ms is several beats at the intervals the tests above use.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(pinged, false);
    assert.equal(silent.readyState, WebSocket.OPEN);
    silent.close();
  });
});

test('the registry sees a socket open, exchange frames and close', async () => {
  const server = await startTestEngine();
  const events: string[] = [];
  server.context.registry.subscribe((event) => events.push(event.type));
  const client = new WebSocket(server.wsUrl, { headers: { 'user-agent': 'registry-test' } });
  await opened(client);
  const [connection] = [...server.context.registry.openConnections()];
  assert.ok(connection);
  assert.equal(connection.path, '/ws');
  assert.equal(connection.userAgent, 'registry-test');
  assert.equal(connection.remoteAddress, '127.0.0.1');
  client.send('not json');
  await new Promise((resolve) => client.once('message', resolve));
  const done = closed(client);
  client.close(1000, 'bye');
  await done;
  await eventually(() => connection.state === 'closed', 'the registry to see the close');
  assert.equal(connection.closeCode, 1000);
  assert.equal(connection.counters.framesIn, 1);
  assert.equal(connection.counters.framesOut, 1);
  assert.deepEqual(
    connection.frames.toArray().map((frame) => frame.direction),
    ['in', 'out'],
  );
  assert.deepEqual(
    events.filter((type) => type !== 'frame'),
    ['opened', 'closed'],
  );
  assert.equal(server.context.registry.get(connection.id), connection, 'closed connections stay listed');
});

test("an endpoint's bug is logged and answered (500 or close 1011), never an uncaught exception", async () => {
  const server = createServer();
  const logged: string[] = [];
  const sockets = new SocketServer(server, {
    maxPayloadBytes: 1024,
    heartbeatIntervalMs: 0,
    logger: { info: () => {}, warn: () => {}, error: (message) => logged.push(message) },
  });
  sockets.register({
    path: '/refuse-throws',
    refuse: () => {
      throw new Error('bug in refuse');
    },
    accept: () => {},
  });
  sockets.register({
    path: '/accept-throws',
    accept: () => {
      throw new Error('bug in accept');
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(async () => {
    await sockets.close();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  after(() => process.off('uncaughtException', record));

  const refused = new WebSocket(`ws://127.0.0.1:${port}/refuse-throws`);
  refused.on('error', () => {});
  const status = await new Promise<number>((resolve) =>
    refused.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
  );
  assert.equal(status, 500);
  const accepted = new WebSocket(`ws://127.0.0.1:${port}/accept-throws`);
  accepted.on('error', () => {});
  assert.equal((await closed(accepted)).code, 1011);
  assert.deepEqual(logged, [
    'WebSocket /refuse-throws: checking an upgrade failed',
    'WebSocket /accept-throws: accepting a socket failed',
  ]);
  assert.deepEqual(uncaught, []);
});

test('a client asking only for subprotocols the endpoint does not serve gets 400 naming them, and it is logged', async () => {
  const warnings: string[] = [];
  const server = await startTestEngine({
    template: 'blank',
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  const created = await controlClient(server).post('/sockets', {
    id: 'v1',
    path: '/v1',
    subprotocols: ['agui.v1', 'agui.v0'],
    behaviour: { type: 'echo' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const url = `${server.url.replace(/^http/, 'ws')}/v1`;

  const refused = await rawHttp(server.port, [
    `GET /v1 HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: nope, other\r\n\r\n`,
  ]);
  assert.equal(refused.status, 400);
  const detail =
    'Unsupported subprotocol: the client asked for nope, other; this endpoint serves agui.v1, agui.v0. ' +
    'Ask for one of them in Sec-WebSocket-Protocol, or for none.';
  assert.deepEqual(JSON.parse(refused.body), { detail });
  assert.deepEqual(warnings, [`WebSocket upgrade /v1 refused (400): ${detail}`]);
  assert.equal(server.context.registry.list().length, 0, 'no connection was opened');

  // A ws client sees the answer instead of a connection dropped with 1006.
  const client = new WebSocket(url, 'nope');
  client.on('error', () => {});
  const status = await new Promise<number>((resolve) =>
    client.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
  );
  assert.equal(status, 400);

  // One served among those asked for is chosen; asking for none connects without one, as before.
  const negotiated = new WebSocket(url, ['nope', 'agui.v0']);
  await opened(negotiated);
  assert.equal(negotiated.protocol, 'agui.v0');
  negotiated.close();
  const plain = new WebSocket(url);
  await opened(plain);
  assert.equal(plain.protocol, '');
  plain.close();
});

test('a Sec-WebSocket-Protocol that is not a list of names is a malformed handshake (400) saying what is wrong', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const control = controlClient(server);
  const v1 = { id: 'v1', path: '/v1', subprotocols: ['agui.v1'], behaviour: { type: 'echo' } };
  assert.equal((await control.post('/sockets', v1)).status, 201);
  assert.equal((await control.post('/sockets', { id: 'any', path: '/any', behaviour: { type: 'echo' } })).status, 201);
  const upgrade = (path: string, header: string) =>
    rawHttp(server.port, [
      `GET ${path} HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${header}\r\n\r\n`,
    ]);
  const fix =
    'Send subprotocol names separated by commas ("agui.v1, agui.v0"): no spaces inside a name, no empty entries, ' +
    'none twice (RFC 6455 §4.1).';
  // Not read as the names "a" and "b c", which the endpoint does not serve; the same where it serves none.
  for (const path of ['/v1', '/any']) {
    const refused = await upgrade(path, 'a,,b c');
    assert.equal(refused.status, 400);
    assert.deepEqual(JSON.parse(refused.body), {
      detail: `Invalid Sec-WebSocket-Protocol header "a,,b c": unexpected character at index 2. ${fix}`,
    });
  }
  const twice = await upgrade('/v1', 'agui.v1, agui.v1');
  assert.deepEqual(JSON.parse(twice.body), {
    detail: `Invalid Sec-WebSocket-Protocol header "agui.v1, agui.v1": the "agui.v1" subprotocol is duplicated. ${fix}`,
  });
  assert.equal(server.context.registry.list().length, 0, 'no connection was opened');
});

test('an unsupported Sec-WebSocket-Version gets 426 with the version spoken (RFC 6455 §4.4); a missing one 400', async () => {
  const server = await startTestEngine();
  const unsupported = await rawHttp(server.port, [`GET /ws HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 99\r\n\r\n`]);
  assert.equal(unsupported.status, 426);
  assert.equal(unsupported.headers['sec-websocket-version'], '13');
  assert.deepEqual(JSON.parse(unsupported.body), {
    detail: 'Unsupported Sec-WebSocket-Version 99: this server speaks version 13 (RFC 6455)',
  });
  // Version 8, a draft before RFC 6455 that ws would take, is refused the same way.
  const draft = await rawHttp(server.port, [`GET /ws HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 8\r\n\r\n`]);
  assert.equal(draft.status, 426);
  assert.equal(draft.headers['sec-websocket-version'], '13');
  assert.equal(server.context.registry.list().length, 0, 'no connection was opened');
  const missing = await rawHttp(server.port, [`GET /ws HTTP/1.1\r\n${HANDSHAKE}\r\n`]);
  assert.equal(missing.status, 400);
  assert.equal(missing.headers['sec-websocket-version'], '13');
  assert.deepEqual(JSON.parse(missing.body), { detail: 'Missing Sec-WebSocket-Version header: send 13 (RFC 6455)' });
});

test('a client that resets its socket after the upgrade is a closed connection, not a warning', async () => {
  const warnings: string[] = [];
  const server = await startTestEngine({
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  const client = await openTcp(server.port);
  client.socket.write(`GET /ws HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\n\r\n`);
  await eventually(() => client.received.startsWith('HTTP/1.1 101'), 'the upgrade answered');
  const [connection] = server.context.registry.list();
  assert.ok(connection, 'the socket is listed');
  client.socket.resetAndDestroy();
  await eventually(() => connection.state === 'closed', 'the registry to see the reset');
  assert.equal(connection.closeCode, 1006);
  assert.deepEqual(warnings, []);
});

test('an upgrade pipelined behind another request is answered after it, and its socket then works', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const slow = { id: 'slow', path: '/slow', responses: [{ id: 'late', delayMs: 300, body: { text: 'late' } }] };
  assert.equal((await api.post('/routes', slow)).status, 201);
  const echo = { id: 'echo', path: '/echo', behaviour: { type: 'echo', reply: 'hi {{message}}' } };
  assert.equal((await api.post('/sockets', echo)).status, 201);
  for (const path of ['/echo', '/nowhere']) {
    const client = await openTcp(server.port);
    // Node hands the upgrade's socket over while the answer to /slow, 300 ms away, is still to be written.
    client.socket.write(
      `GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET ${path} HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\n\r\n`,
    );
    const next = path === '/echo' ? '101 Switching Protocols' : '404 Not Found';
    await eventually(() => client.received.includes(`HTTP/1.1 ${next}`), `the upgrade to ${path} answered`);
    assert.match(
      client.received,
      new RegExp(`^HTTP/1\\.1 200 OK\\r\\n[\\s\\S]*\\r\\n\\r\\nlateHTTP/1\\.1 ${next}\\r\\n`),
    );
    if (path === '/echo') {
      // A masked text frame "yo" (mask 0): the echo answers on the upgraded socket.
      client.socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, ...Buffer.from('yo')]));
      await eventually(() => client.received.endsWith('\x81\x05hi yo'), 'the echo');
    }
    client.socket.destroy();
  }
});

test('an upgrade is routed on the path it asks for, as sent: the one its connection, parameters and log read', async () => {
  const warnings: string[] = [];
  const errors: string[] = [];
  const server = await startTestEngine({
    template: 'blank',
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: (message) => errors.push(message) },
  });
  const control = controlClient(server);
  for (const socket of [
    { id: 'room', path: '/chat/:room', behaviour: { type: 'echo', reply: '{{params.room}} {{path}} {{query.u}}' } },
    { id: 'rest', path: '/any/*rest', behaviour: { type: 'echo', reply: '{{query.u}}' } },
  ]) {
    const created = await control.post('/sockets', socket);
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  /** A raw upgrade to `target`, then one masked text frame "hi": the status line, and the reply's text if any. */
  const upgrade = async (target: string) => {
    const tcp = await openTcp(server.port);
    tcp.socket.write(`GET ${target} HTTP/1.1\r\n${HANDSHAKE}Sec-WebSocket-Version: 13\r\n\r\n`);
    await eventually(() => tcp.received.includes('\r\n\r\n'), `an answer to GET ${target}`);
    const status = tcp.received.slice(0, tcp.received.indexOf('\r\n'));
    if (!status.includes(' 101 ')) return { status, reply: '' };
    tcp.socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69]));
    const head = tcp.received.indexOf('\r\n\r\n') + 4;
    // A short unmasked text frame: 0x81, its length, its text.
    await eventually(() => tcp.received.length > head + 2, `the reply on ${target}`);
    const length = tcp.received.charCodeAt(head + 1);
    await eventually(() => tcp.received.length >= head + 2 + length, `the whole reply on ${target}`);
    const reply = Buffer.from(tcp.received.slice(head + 2, head + 2 + length), 'latin1').toString('utf8');
    tcp.socket.destroy();
    return { status, reply };
  };

  // Dot segments, `//` and `\` are not resolved (a URL's normalised path took `/chat/a/../lobby` to the room
  // endpoint with no room, and logged `//chat/lobby` refused as `/`), as the HTTP routes do not resolve them.
  for (const target of ['/chat/a/../lobby', '/chat/./lobby', '//chat/lobby', '/chat\\lobby']) {
    const { status } = await upgrade(target);
    assert.match(status, / 404 /, target);
    assert.ok(warnings.includes(`WebSocket upgrade ${target} refused (404): Not Found`), warnings.join('\n'));
  }
  // An absolute-form target is its path; the query is read from the target as sent, whatever precedes it.
  assert.deepEqual(await upgrade('http://example.com/chat/lobby?u=ann'), {
    status: 'HTTP/1.1 101 Switching Protocols',
    reply: 'lobby /chat/lobby ann',
  });
  assert.deepEqual(await upgrade('/chat/%2e%2e?u=bo'), {
    status: 'HTTP/1.1 101 Switching Protocols',
    reply: '.. /chat/%2e%2e bo',
  });
  assert.deepEqual(await upgrade('/any//[x?u=cy'), { status: 'HTTP/1.1 101 Switching Protocols', reply: 'cy' });
  assert.deepEqual(
    server.context.registry
      .list()
      .map((connection) => connection.path)
      .sort(),
    ['/any//[x', '/chat/%2e%2e', '/chat/lobby'],
  );
  assert.deepEqual(errors, []);
});
