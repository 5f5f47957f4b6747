import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { FeedItem } from '../src/shared/control-api';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';
import { rawHttp } from './helpers/raw-http';

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
  const response = await rawHttp(server.port, [
    `GET /__console/live HTTP/1.1\r\nHost: evil.example:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  ]);
  assert.equal(response.status, 403);
});

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

test('frame counters reach every subscriber a few times a second, even without following the frames', async () => {
  const server = await startTestEngine();
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const client = await AguiSocket.open(server.wsUrl);
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
