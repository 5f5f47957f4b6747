import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import type { FeedItem, ItemsPage, ServerInfo } from '../src/shared/control-api';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';

const WAIT_MS = 15_000;

function ofType<T extends FeedItem['type']>(items: FeedItem[], type: T): Extract<FeedItem, { type: T }>[] {
  return items.filter((item): item is Extract<FeedItem, { type: T }> => item.type === type);
}

async function waitUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('DELETE /connections?state=closed forgets closed connections, frees their memory, tells the feed', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);

  const stays = await AguiSocket.open(server.wsUrl);
  const closing = await Promise.all([AguiSocket.open(server.wsUrl), AguiSocket.open(server.wsUrl)]);
  for (const client of closing) {
    client.send('x'.repeat(50_000));
    await client.close();
  }
  await waitUntil(
    async () => (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed')).body.total === 2,
    'two closed connections',
  );
  // The feed names a connection's removal only once it has announced the connection (a connection that opened and
  // closed between two flushes, then was removed, is never mentioned at all): wait for the announcements first.
  await feed.waitFor(() => ofType(feed.items, 'connection-closed').length === 2);
  const before = (await api.get<ServerInfo>('/server')).body.retention.usedBytes;
  const closedIds = (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed')).body.items.map(
    (c) => c.id,
  );

  const cleared = await api.delete<{ removed: number }>('/connections?state=closed');
  assert.equal(cleared.status, 200);
  assert.deepEqual(cleared.body, { removed: 2 });

  const left = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.deepEqual(
    left.map((c) => c.state),
    ['open'],
    'the open connection stays',
  );
  for (const id of closedIds) assert.equal((await api.get(`/connections/${id}`)).status, 404);
  const after = (await api.get<ServerInfo>('/server')).body.retention.usedBytes;
  assert.ok(before - after >= 2 * 100_000, `the frames' memory is given back (${before} → ${after} bytes)`);

  await feed.waitFor(() => ofType(feed.items, 'connection-removed').length === 2);
  assert.deepEqual(
    ofType(feed.items, 'connection-removed')
      .map((item) => item.connectionId)
      .sort(),
    closedIds.sort(),
  );

  // Nothing left to clear is not an error.
  assert.deepEqual((await api.delete('/connections?state=closed')).body, { removed: 0 });
  await stays.close();
  feed.close();
});

test('DELETE /connections refuses anything but state=closed, and leaves open connections alone', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  await waitUntil(async () => (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.total === 1, 'one');
  for (const query of ['', '?state=open', '?state=closing', '?state=everything']) {
    const answer = await api.delete<{ detail: unknown }>(`/connections${query}`);
    assert.equal(answer.status, 422, query);
    assert.match(JSON.stringify(answer.body.detail), /state/, query);
  }
  assert.equal((await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.total, 1);
  await client.close();
});

test('a frame that broke a sequence rule carries the finding: in the frames API and on the feed', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const client = await AguiSocket.open(server.wsUrl);
  await feed.waitFor(() => ofType(feed.items, 'connection-opened').length === 1);
  const id = ofType(feed.items, 'connection-opened')[0]?.connection.id ?? '';
  feed.send({ type: 'subscribe-frames', connectionIds: [id] });

  // Valid events carry nothing; one sent anyway (no run started) names the rule the client would throw on.
  await api.post(`/connections/${id}/events`, {
    events: [{ type: 'RUN_STARTED', threadId: 't', runId: 'r' }],
  });
  const forced = await api.post<{ findings: { rule: string }[] }>(`/connections/${id}/events`, {
    force: true,
    events: [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'nope', delta: '!' }],
  });
  assert.equal(forced.status, 200);
  assert.equal(forced.body.findings[0]?.rule, 'T2');
  // Held behind a pause, the frame keeps its finding until it goes out.
  await api.patch(`/connections/${id}`, { paused: true });
  await api.post(`/connections/${id}/events`, {
    force: true,
    events: [{ type: 'RUN_STARTED', threadId: 't', runId: 'again' }],
  });
  await api.patch(`/connections/${id}`, { paused: false });
  await client.waitUntil(() => client.events.length === 3);

  const frames = (await api.get<ItemsPage<FrameRecord>>(`/connections/${id}/frames`)).body.items.reverse();
  assert.deepEqual(
    frames.map((frame) => frame.finding?.rule ?? null),
    [null, 'T2', 'R2'],
  );
  const t2 = frames[1]?.finding;
  assert.match(t2?.title ?? '', /need an open text message/);
  assert.match(t2?.message ?? '', /nope/);
  assert.equal(Object.hasOwn(frames[0] ?? {}, 'finding'), false, 'a valid frame has no finding field');

  await feed.waitFor(() => ofType(feed.items, 'frame').length === 3);
  assert.deepEqual(
    ofType(feed.items, 'frame').map((item) => item.frame.finding ?? null),
    frames.map((frame) => frame.finding ?? null),
  );
  await client.close();
  feed.close();
});

test('a socket error is kept on the connection: invalid UTF-8 from the client, then the close', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const socket = new WebSocket(server.wsUrl);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('open', resolve));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.send(Buffer.from([0xc3, 0x28]), { binary: false });
  assert.equal(await closed, 1007);
  await waitUntil(
    async () => (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed')).body.total === 1,
    'the connection closed',
  );
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.match(connection?.lastError?.message ?? '', /UTF-8/);
  assert.ok((connection?.lastError?.at ?? 0) <= (connection?.closedAt ?? 0));
  assert.equal(connection?.state, 'closed');
});
