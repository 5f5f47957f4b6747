import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { MockServer } from '../src/server/index';
import type { FeedItem, FeedServerMessage } from '../src/shared/control-api';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';
import { rawHttp } from './helpers/raw-http';
import { eventually } from './helpers/wait';

const ofType = <T extends FeedItem['type']>(items: FeedItem[], type: T) =>
  items.filter((item): item is Extract<FeedItem, { type: T }> => item.type === type);

/** How often the feed sends a busy connection's counters (`connection-updated`): every fifth 50 ms flush. */
const COUNTERS_EVERY_MS = 250;

/**
 * Waits until a frame subscription has taken effect (the feed does not answer it): the client sends a frame the
 * engine answers (not JSON: an `agora:error`), and the answer comes through the feed. Returns how many frames
 * the feed had delivered by then.
 */
async function probeFrames(feed: FeedClient, client: AguiSocket): Promise<number> {
  const answers = client.events.length;
  client.send('probe');
  await client.waitUntil(() => client.events.length > answers);
  await feed.waitFor(() =>
    ofType(feed.items, 'frame').some(
      (item) => item.frame.direction === 'out' && item.frame.text.includes('agora:error'),
    ),
  );
  return ofType(feed.items, 'frame').length;
}

test('the feed wants the token as its first message; a wrong one is closed with 4001', async () => {
  const server = await startTestEngine();
  const wrong = await FeedClient.connect(server, 'wrong-token');
  const code = await new Promise<number>((resolve) => wrong.socket.once('close', (c) => resolve(c)));
  assert.equal(code, 4001);

  const notAuth = new WebSocket(`${server.url.replace('http', 'ws')}/__console/live`);
  await new Promise((resolve) => notAuth.once('open', resolve));
  notAuth.send(JSON.stringify({ type: 'subscribe-frames', connectionIds: '*' }));
  assert.equal(await new Promise<number>((resolve) => notAuth.once('close', (c) => resolve(c))), 4001);

  const good = await FeedClient.connect(server);
  await good.waitFor(() => good.messages.some((message) => message.type === 'ready'));
  const [ready] = good.messages;
  assert.equal(ready?.type === 'ready' && ready.server.urls.http, server.url);
  good.close();
});

test('the feed refuses a foreign Host at the upgrade with 403', async () => {
  const server = await startTestEngine();
  const response = await rawHttp(server.port, [upgradeRequest(`evil.example:${server.port}`)]);
  assert.equal(response.status, 403);
});

/** A WebSocket handshake for the feed, as a browser page would send it. */
function upgradeRequest(host: string, origin?: string): string {
  return (
    `GET /__console/live HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `${origin === undefined ? '' : `Origin: ${origin}\r\n`}` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
  );
}

test('a name that is not this machine is refused 403, by the API and the feed alike, saying what to use instead', async () => {
  const server = await startTestEngine();
  // A LAN or container name, with --host 0.0.0.0: it was "only answers requests addressed to this machine", which
  // it is.
  const host = `mybox.local:${server.port}`;
  const answers = [
    await rawHttp(server.port, [
      `GET /__console/api/server HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${server.token}\r\n\r\n`,
    ]),
    await rawHttp(server.port, [upgradeRequest(host)]),
  ];
  for (const answer of answers) {
    assert.equal(answer.status, 403);
    assert.equal(
      JSON.parse(answer.body).detail,
      "Forbidden host: the console answers only requests addressed to localhost, an IP address or the engine's --host (a DNS-rebinding guard); use one of those in the URL, or start the engine with --host set to the name you use",
    );
  }
});

test('the feed refuses another origin at the upgrade with 403: only the console page itself may open it', async () => {
  const server = await startTestEngine();
  const host = `127.0.0.1:${server.port}`;
  for (const origin of [
    'http://evil.example',
    `http://evil.example:${server.port}`,
    `http://localhost:${server.port}`,
    `http://127.0.0.1:${server.port + 1}`,
    `https://${host}`,
    'null',
    'file://',
    `ftp://${host}`,
  ]) {
    const response = await rawHttp(server.port, [upgradeRequest(host, origin)]);
    assert.equal(response.status, 403, origin);
    assert.match(JSON.parse(response.body).detail, /Forbidden origin/, origin);
  }
  // The console's own origin, and clients that send none (scripts, these tests), are let through to the token.
  for (const origin of [`http://${host}`, `HTTP://${host}`, undefined]) {
    const socket = new WebSocket(`ws://${host}/__console/live`, origin === undefined ? {} : { origin });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.close();
  }
});

/** A raw socket on the feed (no helper smoothing anything over), and what it receives. */
async function rawFeed(server: MockServer) {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/__console/live`);
  socket.on('error', () => {});
  const received: FeedServerMessage[] = [];
  socket.on('message', (data) => received.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, received, closed };
}

async function assertHealthy(server: MockServer): Promise<void> {
  assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the engine still answers');
}

test('a first message that is not a valid auth closes with 4001 and says what to send; the engine lives on', async () => {
  const server = await startTestEngine();
  const firstMessages: (string | Buffer)[] = [
    '{"type":"auth","token":null}',
    '{"type":"auth","token":42}',
    '{"type":"auth","token":["a"]}',
    '{"type":"auth","token":{"toString":"x"}}',
    '{"type":"auth"}',
    '{"type":"auth","token":""}',
    '{"type":"subscribe-frames","connectionIds":"*"}',
    'null',
    '"auth"',
    'not json',
    `{"type":"auth","token":"${'x'.repeat(200 * 1024)}"}`,
    `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    Buffer.from(JSON.stringify({ type: 'auth', token: server.token })),
  ];
  for (const first of firstMessages) {
    const feed = await rawFeed(server);
    feed.socket.send(first, { binary: Buffer.isBuffer(first) });
    const { code, reason } = await feed.closed;
    assert.equal(code, 4001, String(first).slice(0, 60));
    assert.match(reason, /^Unauthorized: the first message must be \{"type":"auth","token":"<console token>"\}$/);
    assert.deepEqual(feed.received, [], 'nothing is sent before auth');
  }
  const wrong = await rawFeed(server);
  wrong.socket.send(JSON.stringify({ type: 'auth', token: 'not-the-token' }));
  assert.match((await wrong.closed).reason, /wrong token/);
  await assertHealthy(server);
  const good = await FeedClient.connect(server);
  await good.waitFor(() => good.messages.some((message) => message.type === 'ready'));
  good.close();
});

test('after auth, an unusable message gets an error frame and changes nothing; the engine lives on', async () => {
  const server = await startTestEngine();
  const feed = await rawFeed(server);
  feed.socket.send(JSON.stringify({ type: 'auth', token: server.token }));
  const readyOrErrors = (count: number) =>
    waitUntil(() => feed.received.filter((message) => message.type !== 'batch').length >= count);
  await readyOrErrors(1);
  const unusable: [string | Buffer, RegExp][] = [
    ['{"type":"subscribe-frames"}', /connectionIds/],
    ['{"type":"subscribe-frames","connectionIds":null}', /connectionIds: must be "\*" or a list/],
    ['{"type":"subscribe-frames","connectionIds":7}', /connectionIds/],
    ['{"type":"subscribe-frames","connectionIds":{"0":"a","length":1}}', /connectionIds/],
    ['{"type":"unsubscribe-frames","connectionIds":[1,2]}', /connectionIds/],
    ['{"type":"subscribe-frames","connectionIds":[""]}', /connectionIds/],
    [JSON.stringify({ type: 'subscribe-frames', connectionIds: ['x'.repeat(101)] }), /connectionIds/],
    [JSON.stringify({ type: 'subscribe-frames', connectionIds: ids(1001) }), /connectionIds/],
    ['{"type":"subscribe-frames","connectionIds":"*","extra":true}', /message: unknown field extra/],
    ['{"type":"subscribe-frames","connectionIds":"*","__proto__":{}}', /A key named "__proto__" is not accepted/],
    ['{"type":"subscribe-frames","connectionIds":"*","\\u005f_proto__":{}}', /A key named "__proto__" is not accepted/],
    ['{"type":"explode"}', /unknown type "explode": expected one of auth, subscribe-frames, unsubscribe-frames/],
    ['{"type":"auth","token":"again"}', /already authenticated/],
    ['[]', /message: must be an object/],
    ['not json', /not JSON/],
    [Buffer.from('{"type":"subscribe-frames","connectionIds":"*"}'), /binary/],
    [`{"a":${'['.repeat(100)}${']'.repeat(100)}}`, /nested deeper than the limit of 64 levels/],
    [`{"type":"subscribe-frames","connectionIds":["${'x'.repeat(130 * 1024)}"]}`, /larger than 131072 bytes/],
  ];
  for (const [index, [message, expected]] of unusable.entries()) {
    feed.socket.send(message, { binary: Buffer.isBuffer(message) });
    await readyOrErrors(index + 2);
    const answer = feed.received.filter((item) => item.type === 'error').at(-1);
    assert.ok(answer?.type === 'error', String(message).slice(0, 60));
    assert.match(answer.detail, expected, String(message).slice(0, 60));
    assert.match(answer.detail, /^Message ignored: /);
  }
  // Following ids is bounded as a whole, not only per message.
  feed.socket.send(JSON.stringify({ type: 'subscribe-frames', connectionIds: ids(1000) }));
  feed.socket.send(JSON.stringify({ type: 'subscribe-frames', connectionIds: ['one-more'] }));
  await readyOrErrors(unusable.length + 2);
  assert.match(JSON.stringify(feed.received.at(-1)), /following more than 1000 connections by id/);
  feed.socket.send(JSON.stringify({ type: 'unsubscribe-frames', connectionIds: '*' }));

  // None of it broke the subscription machinery: a valid subscribe still delivers frames.
  feed.socket.send(JSON.stringify({ type: 'subscribe-frames', connectionIds: '*' }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('hallo');
  await client.waitForRuns(1);
  await waitUntil(() =>
    feed.received.some((message) => message.type === 'batch' && JSON.stringify(message).includes('"type":"frame"')),
  );
  await client.close();
  await assertHealthy(server);
  feed.socket.close();
});

test('following every connection ("*"), unsubscribing one by id is refused with an error saying how; following by id then works', async () => {
  const server = await startTestEngine();
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.some((message) => message.type === 'ready'));
  const newest = () => [...server.context.registry.openConnections()].at(-1)?.id ?? '';
  const first = await AguiSocket.open(server.wsUrl);
  const firstId = newest();
  const second = await AguiSocket.open(server.wsUrl);
  const secondId = newest();
  assert.notEqual(firstId, secondId);
  /** Sends a frame the engine answers, and waits for the answer to come through the feed. */
  const probe = async (client: AguiSocket, id: string) => {
    const seen = ofType(feed.items, 'frame').length;
    const answers = client.events.length;
    client.send('probe');
    await client.waitUntil(() => client.events.length > answers);
    await feed.waitFor(() =>
      ofType(feed.items, 'frame')
        .slice(seen)
        .some((item) => item.connectionId === id && item.frame.direction === 'out'),
    );
  };
  const errors = () => feed.messages.filter((message) => message.type === 'error');

  feed.send({ type: 'subscribe-frames', connectionIds: '*' });
  await probe(first, firstId);
  feed.send({ type: 'unsubscribe-frames', connectionIds: [firstId] });
  await feed.waitFor(() => errors().length === 1);
  const [refusal] = errors();
  assert.ok(refusal?.type === 'error');
  assert.match(refusal.detail, /^Message ignored: this subscriber follows every connection's frames \("\*"\)/);
  assert.match(refusal.detail, /send \{"type":"unsubscribe-frames","connectionIds":"\*"\}, then/);
  // It changed nothing: the first connection's frames still come.
  await probe(first, firstId);

  // As the error says: everything off, then the ids to follow.
  feed.send({ type: 'unsubscribe-frames', connectionIds: '*' });
  feed.send({ type: 'subscribe-frames', connectionIds: [secondId] });
  await probe(second, secondId);
  const followed = ofType(feed.items, 'frame').length;
  // The first one's answer goes out before the second's probe is sent: once that is on the feed, so would it be.
  const answers = first.events.length;
  first.send('probe');
  await first.waitUntil(() => first.events.length > answers);
  await probe(second, secondId);
  assert.ok(
    ofType(feed.items, 'frame')
      .slice(followed)
      .every((item) => item.connectionId === secondId),
    'the first connection is no longer followed',
  );
  assert.equal(errors().length, 1);
  await Promise.all([first.close(), second.close()]);
  feed.close();
});

test('a client that keeps sending garbage is closed with 1008 after a bounded number of error frames', async () => {
  const server = await startTestEngine();
  const feed = await rawFeed(server);
  feed.socket.send(JSON.stringify({ type: 'auth', token: server.token }));
  for (let i = 0; i < 100; i++) feed.socket.send('{"type":"subscribe-frames","connectionIds":5}');
  const { code, reason } = await feed.closed;
  assert.equal(code, 1008);
  assert.match(reason, /more than 20 unusable messages/);
  assert.equal(feed.received.filter((message) => message.type === 'error').length, 20);
  await assertHealthy(server);
});

function ids(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `connection-${index}`);
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('connections, frames (when subscribed), requests, state and settings changes arrive in batches', async () => {
  const server = await startTestEngine();
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);

  const client = await AguiSocket.open(server.wsUrl);
  await feed.waitFor(() => ofType(feed.items, 'connection-opened').length === 1);
  const connectionId = ofType(feed.items, 'connection-opened')[0]?.connection.id ?? '';
  client.ask('hallo');
  await client.waitForRuns(1);
  // Once the feed reports counters that include the whole run, it has queued whatever it would send of its frames.
  await feed.waitFor(() =>
    ofType(feed.items, 'connection-updated').some(
      ({ connection }) =>
        connection.id === connectionId &&
        connection.counters.framesIn === 1 &&
        connection.counters.framesOut === client.events.length,
    ),
  );
  assert.equal(ofType(feed.items, 'frame').length, 0, 'no frames before subscribing');

  feed.send({ type: 'subscribe-frames', connectionIds: [connectionId] });
  const probed = await probeFrames(feed, client);
  const before = client.events.length;
  client.ask('nog een keer');
  await client.waitForRuns(2);
  const expectedFrames = probed + 1 + client.events.length - before;
  await feed.waitFor(() => ofType(feed.items, 'frame').length === expectedFrames);
  const frames = ofType(feed.items, 'frame');
  assert.equal(frames[probed]?.frame.direction, 'in');
  assert.ok(frames.every((item) => item.connectionId === connectionId));
  const frameBatches = feed.messages.filter(
    (message) => message.type === 'batch' && message.items.some((item) => item.type === 'frame'),
  );
  assert.ok(
    frameBatches.length < expectedFrames,
    `batched: ${frameBatches.length} messages for ${expectedFrames} frames`,
  );

  await fetch(`${server.url}/users/me/preferences?user_id=koen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{"theme":"dark"}',
  });
  await feed.waitFor(() => ofType(feed.items, 'request').length === 1);
  const [request] = ofType(feed.items, 'request');
  assert.deepEqual(
    [request?.request.method, request?.request.path, request?.request.status],
    ['PUT', '/users/me/preferences', 200],
  );
  // The feed carries the summary; headers and bodies are read when the console opens the request.
  const full = await controlClient(server).get<{ requestBody: { text: string } }>(`/requests/${request?.request.id}`);
  assert.equal(full.body.requestBody.text, '{"theme":"dark"}');
  await feed.waitFor(() => ofType(feed.items, 'state-changed').some((item) => item.change.type === 'user-updated'));

  await controlClient(server).patch('/server/settings', { speed: 3 });
  await feed.waitFor(() => ofType(feed.items, 'settings-changed').some((item) => item.settings.speed === 3));

  await client.close();
  await feed.waitFor(() => ofType(feed.items, 'connection-closed').length === 1);
  feed.send({ type: 'unsubscribe-frames', connectionIds: '*' });
  feed.close();
});

test('a subscriber that reads too slowly is told how many items it dropped; memory stays bounded', async () => {
  const server = await startTestEngine({ liveFeed: { maxPending: 200, maxBufferedBytes: 64 * 1024 } });
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const client = await AguiSocket.open(server.wsUrl);
  feed.send({ type: 'subscribe-frames', connectionIds: '*' });
  const subscribedAt = performance.now();
  const probed = await probeFrames(feed, client);
  // Stop reading: the kernel buffers fill, then the engine's per-subscriber cap takes over.
  const tcp = (feed.socket as unknown as { _socket: import('node:net').Socket })._socket;
  tcp.pause();

  const frames = 3000;
  const answered = client.events.length + frames;
  const junk = `not json ${'x'.repeat(2000)}`;
  for (let i = 0; i < frames; i++) client.send(junk);
  await client.waitUntil(() => client.events.length === answered);
  tcp.resume();
  const received = () => ofType(feed.items, 'frame').length - probed;
  // Every frame is delivered or counted as dropped: wait until all are accounted for.
  await feed.waitFor(() => received() + feed.dropped >= 2 * frames);
  assert.ok(feed.dropped > 0, 'drops were reported');
  assert.ok(received() < 2 * frames, 'not everything was delivered');
  // Drops count every item, the connection's counters too (at most one per interval since subscribing).
  const counterItems = Math.ceil((performance.now() - subscribedAt) / COUNTERS_EVERY_MS) + 1;
  assert.ok(received() + feed.dropped <= 2 * frames + counterItems, 'nothing counted twice');
  await client.close();
  feed.close();
});

test("a slow subscriber's backlog is bounded in bytes too: large frames are dropped and counted, not held", async () => {
  const server = await startTestEngine({ liveFeed: { maxPendingBytes: 256 * 1024, maxBufferedBytes: 64 * 1024 } });
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const client = await AguiSocket.open(server.wsUrl);
  feed.send({ type: 'subscribe-frames', connectionIds: '*' });
  const probed = await probeFrames(feed, client);
  const tcp = (feed.socket as unknown as { _socket: import('node:net').Socket })._socket;
  tcp.pause();

  // 200 frames of 20 kB: far under the 5,000 items a backlog may hold, far over its bytes. Frames of a megabyte of
  // control characters (six megabytes each in JSON) held the engine at 2 GB for a hundred of them.
  const frames = 200;
  const answered = client.events.length + frames;
  const junk = `not json ${'x'.repeat(20_000)}`;
  for (let i = 0; i < frames; i++) client.send(junk);
  await client.waitUntil(() => client.events.length === answered);
  tcp.resume();
  const received = () => ofType(feed.items, 'frame').length - probed;
  await feed.waitFor(() => received() + feed.dropped >= 2 * frames);
  assert.ok(feed.dropped > 0, 'drops were reported');
  assert.ok(received() < 2 * frames, 'not everything was held');
  await client.close();
  feed.close();
});

test('with many busy connections, counters go out a hundred summaries at a time, every connection in its turn', async () => {
  const server = await startTestEngine();
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const sockets = await Promise.all(
    Array.from({ length: 150 }, async () => {
      const socket = new WebSocket(server.wsUrl);
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('open', resolve));
      return socket;
    }),
  );
  // Their openings first (a connection opened and busy within one flush would go out once, opened).
  await feed.waitFor(() => ofType(feed.items, 'connection-opened').length === sockets.length);
  // Not JSON: each connection answers with an agora:error, so every one has a frame in and a frame out.
  for (const socket of sockets) socket.send('probe');
  const busy = (item: FeedItem) =>
    item.type === 'connection-updated' &&
    item.connection.counters.framesIn === 1 &&
    item.connection.counters.framesOut === 1;
  const reported = () =>
    new Set(feed.items.filter(busy).map((item) => (item as { connection: { id: string } }).connection.id));
  await feed.waitFor(() => reported().size === sockets.length);
  const perMessage = feed.messages.map((message) => (message.type === 'batch' ? message.items.filter(busy).length : 0));
  assert.ok(Math.max(...perMessage) <= 100, `at most 100 summaries per update, got ${Math.max(...perMessage)}`);
  for (const socket of sockets) socket.close();
  feed.close();
});

test('frame counters reach every subscriber a few times a second, even without following the frames', async () => {
  const server = await startTestEngine();
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const client = await AguiSocket.open(server.wsUrl);
  await feed.waitFor(() => ofType(feed.items, 'connection-opened').length === 1);
  client.ask('hallo');
  await client.waitForRuns(1);
  await feed.waitFor(() =>
    ofType(feed.items, 'connection-updated').some(
      (item) => item.connection.counters.framesOut === client.events.length && item.connection.counters.framesIn === 1,
    ),
  );
  assert.equal(ofType(feed.items, 'frame').length, 0, 'frames themselves only go to subscribers of the connection');
  await client.close();
  feed.close();
});

test('a connection whose summary changes several times within a flush goes out once, as it is at the flush', async () => {
  const server = await startTestEngine({ settings: { speed: 0 } });
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  // At speed 0 an HTTP run opens its connection, names its thread, starts, plays and ends its run and closes its
  // connection in one go: six changes before the next flush.
  const threadId = `thread-${crypto.randomUUID()}`;
  const response = await fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ threadId, runId: 'r1', messages: [{ id: 'm1', role: 'user', content: 'hallo' }] }),
  });
  assert.ok((await response.text()).includes('RUN_FINISHED'));
  const closed = () => ofType(feed.items, 'connection-closed').find((item) => item.connection.threadId === threadId);
  await feed.waitFor(() => closed() !== undefined);
  const id = closed()?.connection.id;
  const summaries = feed.items.filter(
    (item) => item.type.startsWith('connection-') && 'connection' in item && item.connection.id === id,
  );
  // The closing summary says it all; a flush that fell inside the request adds the opening one, nothing more.
  assert.ok(summaries.length <= 2, `one summary per flush at most, got ${summaries.map((item) => item.type)}`);
  assert.equal(summaries.at(-1)?.type, 'connection-closed');
  assert.ok(summaries.length === 1 || summaries[0]?.type === 'connection-opened');
  assert.equal(closed()?.connection.activeRunId, null, 'the closing summary is the latest: the run is over');
  assert.equal(closed()?.connection.state, 'closed');
  feed.close();
});

test('a connection removed before any summary of it went out is never mentioned on the feed', async () => {
  // Summaries go out with the flush tick, an hour away here; every other item goes out at once (batches of one).
  const server = await startTestEngine({ liveFeed: { flushIntervalMs: 3_600_000, maxBatch: 1 } });
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const client = await AguiSocket.open(server.wsUrl);
  await client.close();
  await eventually(
    async () => (await api.get<{ total: number }>('/connections?state=closed')).body.total === 1,
    'the engine to see the socket closed',
  );
  assert.equal((await api.delete<{ removed: number }>('/connections?state=closed')).body.removed, 1);
  // An item published after the removal: once it is here, anything published before it would be too.
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  await feed.waitFor(() => ofType(feed.items, 'request').some((item) => item.request.path === '/health'));
  assert.deepEqual(
    feed.items.filter((item) => item.type.startsWith('connection-')).map((item) => item.type),
    [],
    'opened, closed and removed between two flushes: nothing to tell',
  );
  feed.close();
});
