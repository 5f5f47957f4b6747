import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';

// The two classic servers as templates, end to end over real sockets: what their own clients (and the FastAPI
// tutorial's pytest suite) expect, exactly.

const exact = async (response: Response) => ({ status: response.status, body: await response.text() });
const wsUrl = (httpUrl: string, path: string) => `${httpUrl.replace(/^http/, 'ws')}${path}`;

/** The tutorial client's login: base64 HMAC-SHA256 of timestamp + GET + /users/self/verify. */
function login(secret: string, apiKey = 'abc') {
  const timestamp = String(Date.now() / 1000);
  const sign = createHmac('sha256', secret).update(`${timestamp}GET/users/self/verify`).digest('base64');
  return { op: 'login', args: [{ apiKey, passphrase: '', timestamp, sign }] };
}

test('fastapi-tutorial: every REST route answers as the FastAPI server does', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  assert.deepEqual(await exact(await fetch(`${server.url}/`)), {
    status: 200,
    body: '{"message":"Server is running"}',
  });
  assert.deepEqual(await exact(await fetch(`${server.url}/status`)), { status: 200, body: '{"status":"ok"}' });
  const file = await fetch(`${server.url}/static/data.txt`);
  assert.equal(file.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await file.text(), 'This is a test file served by FastAPI.');
  assert.deepEqual(await exact(await fetch(`${server.url}/items/1`)), {
    status: 200,
    body: '{"item_id":1,"name":"The One Item"}',
  });
  assert.deepEqual(await exact(await fetch(`${server.url}/items/999`)), {
    status: 404,
    body: '{"detail":"Item with ID 999 not found."}',
  });
  const notInteger = await fetch(`${server.url}/items/abc`);
  assert.equal(notInteger.status, 422);
  assert.equal(((await notInteger.json()) as { detail: { type: string }[] }).detail[0]?.type, 'int_parsing');

  const post = (body: unknown) =>
    fetch(`${server.url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.deepEqual(await exact(await post({ name: 'Foo', is_offer: true })), {
    status: 201,
    body: '{"message":"Item created successfully","item_data":{"name":"Foo","is_offer":true}}',
  });
  assert.deepEqual(await exact(await post({ name: 'Bar' })), {
    status: 201,
    body: '{"message":"Item created successfully","item_data":{"name":"Bar","is_offer":null}}',
  });
  const missing = await post({});
  assert.equal(missing.status, 422);
  assert.deepEqual(((await missing.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc, ['body', 'name']);
  const notString = await post({ name: 123 });
  assert.equal(notString.status, 422);
  assert.deepEqual(((await notString.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc, ['body', 'name']);
});

test('fastapi-tutorial: /ws/echo answers "Echo: <message>"', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const client = await RawSocket.open(wsUrl(server.url, '/ws/echo'));
  client.send('Hello WebSocket');
  client.send('second');
  await client.waitForFrames(2);
  assert.deepEqual(client.texts, ['Echo: Hello WebSocket', 'Echo: second']);
  await client.close();
});

test('fastapi-tutorial: /ws/stream pushes the time and the message every second', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const client = await RawSocket.open(wsUrl(server.url, '/ws/stream'));
  await client.waitForFrames(3, 30_000);
  const updates = client.texts.slice(0, 3).map((text) => JSON.parse(text) as { timestamp: string; message: string });
  for (const update of updates) {
    assert.deepEqual(Object.keys(update), ['timestamp', 'message']);
    assert.equal(update.message, 'This is a periodic update from the server.');
    assert.ok(!Number.isNaN(Date.parse(update.timestamp)), `${update.timestamp} is an ISO-8601 time`);
  }
  // The engine's own clock: one a second from connect (no faster), and never far behind on a busy machine.
  const openedAt = server.context.registry.list().find((connection) => connection.path === '/ws/stream')?.openedAt;
  assert.ok(openedAt);
  updates.forEach((update, index) => {
    const offset = Date.parse(update.timestamp) - openedAt;
    assert.ok(offset >= index * 1000 - 5 && offset < index * 1000 + 5000, `update ${index + 1} at +${offset} ms`);
  });
  await client.close();
});

test('fastapi-tutorial: /ws/v5/private logs in with a right signature, refuses a wrong one, and hangs up', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const url = wsUrl(server.url, '/ws/v5/private');

  const good = await RawSocket.open(url);
  good.sendJson(login('def'));
  const goodClose = await good.waitForClose();
  assert.deepEqual(
    good.texts.map((text) => JSON.parse(text)),
    [{ event: 'login', success: true }],
  );
  assert.equal(goodClose.code, 1000);

  const bad = await RawSocket.open(url);
  bad.sendJson(login('not-the-secret'));
  await bad.waitForClose();
  assert.deepEqual(
    bad.texts.map((text) => JSON.parse(text)),
    [{ event: 'login', success: false, message: 'Authentication failed' }],
  );

  const otherKey = await RawSocket.open(url);
  otherKey.sendJson(login('def', 'someone-else'));
  await otherKey.waitForClose();
  assert.deepEqual(
    otherKey.texts.map((text) => JSON.parse(text)),
    [{ event: 'login', success: false, message: 'Authentication failed' }],
  );

  // Not JSON at all: the tutorial server cannot read it and hangs up without a word.
  const garbage = await RawSocket.open(url);
  garbage.send('hello?');
  await garbage.waitForClose();
  assert.deepEqual(garbage.texts, []);
});

test('echo: the classic websockets echo server on any path, binary as binary', async () => {
  const server = await startTestEngine({ template: 'echo' });
  for (const path of ['/', '/anything/at/all?x=1']) {
    const client = await RawSocket.open(wsUrl(server.url, path));
    client.send('Hello, world!');
    client.send(Buffer.from([104, 105]));
    await client.waitForFrames(2);
    assert.equal(client.frames[0]?.text, 'Server echoes: Hello, world!');
    assert.equal(client.frames[0]?.binary, false);
    assert.equal(client.frames[1]?.text, 'Server echoes: hi');
    assert.equal(client.frames[1]?.binary, true);
    await client.close();
  }
  // Both connections show in the console as raw (not AG-UI) sockets of the endpoint.
  const connections = server.context.registry.list().map((connection) => connection.summary());
  assert.deepEqual(
    connections.map((connection) => [connection.path, connection.protocol, connection.mount?.id]).sort(),
    [
      ['/', 'raw', 'echo'],
      ['/anything/at/all', 'raw', 'echo'],
    ],
  );
});
