import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import {
  BACKLOG_CLOSE,
  type Connection,
  MAX_UNSENT_BYTES,
  SLOW_CLIENT_BUFFER_BYTES,
} from '../src/server/ws/connection';
import type { ConnectionSummary } from '../src/shared/connections';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';
import { eventually } from './helpers/wait';

// What a connection keeps for a client that does not read, or for frames held back (a delay, the console's pause):
// bounded in bytes. Run events are never dropped: the connection is closed with BACKLOG_CLOSE instead; echo, push
// and rules frames are dropped and counted.

const BIG_TEXT = 'x'.repeat(64 * 1024);

/** An engine whose `/ws` plays a 64 KB answer to "zzbig", so a few hundred runs fill any socket buffer. */
async function engineWithBigRun(): Promise<MockServer> {
  const server = await startTestEngine({ template: 'generic' });
  const created = await controlClient(server).post('/scenarios', {
    id: 'zz-big',
    name: 'Big answer',
    triggers: [{ match: 'substring', value: 'zzbig' }],
    steps: [{ type: 'text', chunks: [BIG_TEXT] }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return server;
}

/** The engine's own connection for a path (the newest one). */
function connectionAt(server: MockServer, path: string): Connection {
  const connection = server.context.registry
    .list()
    .filter((candidate) => candidate.path === path)
    .at(-1);
  assert.ok(connection, `a connection on ${path}`);
  return connection;
}

const ask = (content: string) => JSON.stringify({ threadId: 'slow', messages: [{ role: 'user', content }] });

test('an AG-UI client that does not read is closed with 1008 once its unsent frames pass the bound', async () => {
  const server = await engineWithBigRun();
  const client = await RawSocket.open(server.wsUrl);
  const connection = connectionAt(server, '/ws');
  client.tcp.pause();

  // Runs one after another (each its 64 KB answer), until the engine gives up on the client; what waits for it
  // stays within the bound (plus what one turn writes) all along.
  let most = 0;
  for (let sent = 0; connection.isOpen; sent++) {
    assert.ok(sent < 5_000, `still open after ${sent} runs, ${connection.unsentBytes} bytes unsent`);
    client.send(ask('zzbig'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    most = Math.max(most, connection.unsentBytes);
    assert.ok(connection.unsentBytes <= MAX_UNSENT_BYTES + 1024 * 1024, `${connection.unsentBytes} bytes unsent`);
  }
  assert.ok(most > MAX_UNSENT_BYTES / 2, `the socket did fill (${most} bytes at most)`);
  assert.equal(connection.heldBytes, 0, 'nothing held once closing');
  assert.equal(connection.summary().lastError?.message, BACKLOG_CLOSE.reason, 'the console sees why');

  // The client reads again: what was sent, then the close, with its code and reason.
  client.tcp.resume();
  const closed = await client.waitForClose();
  assert.deepEqual(closed, { code: BACKLOG_CLOSE.code, reason: BACKLOG_CLOSE.reason });
  await eventually(() => connection.state === 'closed', 'the engine saw the close');
  const summary = connection.summary();
  assert.equal(summary.closeCode, 1008);
  assert.equal(summary.closeReason, BACKLOG_CLOSE.reason);
  // Every frame that went out was a whole run event: none was dropped from the middle of the stream.
  assert.equal(summary.skippedFrames, 0);
  assert.equal(summary.heldFramesDropped, 0);
});

test('a client that never reads again: the engine records its close code all the same', async () => {
  const server = await engineWithBigRun();
  const client = await RawSocket.open(server.wsUrl);
  const connection = connectionAt(server, '/ws');
  client.tcp.pause();
  for (let sent = 0; connection.isOpen; sent++) {
    assert.ok(sent < 5_000, 'closed in the end');
    client.send(ask('zzbig'));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // ws gives up on the close handshake (30 s) or the client drops: either way the engine says why it closed.
  client.socket.terminate();
  await eventually(() => connection.state === 'closed', 'closed');
  assert.equal(connection.summary().closeCode, BACKLOG_CLOSE.code);
  assert.equal(connection.summary().closeReason, BACKLOG_CLOSE.reason);
});

test('run events held behind a console pause are bounded: past the bound the connection closes, no hole in the stream', async () => {
  const server = await engineWithBigRun();
  const client = await RawSocket.open(server.wsUrl);
  const connection = connectionAt(server, '/ws');
  const api = controlClient(server);
  assert.equal((await api.patch(`/connections/${connection.id}`, { paused: true })).status, 200);

  let held = 0;
  for (let sent = 0; connection.isOpen; sent++) {
    assert.ok(sent < 1_000, `still open after ${sent} runs, ${connection.heldBytes} bytes held`);
    held = connection.summary().heldFrames;
    client.send(ask('zzbig'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.ok(connection.heldBytes <= MAX_UNSENT_BYTES, `${connection.heldBytes} bytes held`);
  }
  const closed = await client.waitForClose();
  assert.equal(closed.code, BACKLOG_CLOSE.code);
  assert.equal(closed.reason, BACKLOG_CLOSE.reason);
  assert.equal(client.frames.length, 0, 'the paused frames were dropped with the connection, not sent in part');
  const summary = connection.summary();
  // None went out: what was held is counted as dropped with the connection (held frames that never went out).
  assert.equal(summary.counters.framesOut, 0);
  assert.ok(held > 0 && summary.heldFramesDropped >= held, `${summary.heldFramesDropped} dropped, ${held} held`);
  assert.equal(summary.heldFrames, 0);
});

test('echo with delayMs: replies beyond the byte bound are dropped and counted, the connection goes on', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const created = await api.post('/sockets', {
    id: 'slowecho',
    path: '/slow',
    behaviour: { type: 'echo', delayMs: 60_000 },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const client = await RawSocket.open(`${server.url.replace(/^http/, 'ws')}/slow`);
  const connection = connectionAt(server, '/slow');

  const frame = 'y'.repeat(200_000);
  const count = 40;
  for (let index = 0; index < count; index++) client.send(frame);
  await eventually(() => connection.counters.framesIn === count, 'every frame arrived');
  await eventually(() => connection.summary().heldFramesDropped > 0, 'replies dropped');

  // Held: up to the bound, and the one frame that passed it.
  const held = connection.summary().heldFrames;
  assert.ok(connection.heldBytes <= SLOW_CLIENT_BUFFER_BYTES + frame.length + 1024, `${connection.heldBytes} held`);
  assert.ok(held >= 5 && held <= 6, `${held} replies held`);
  assert.equal(connection.summary().heldFramesDropped, count - held);
  assert.equal(connection.isOpen, true, 'an echo loses replies, not its connection');

  // The console sees the count.
  const seen = await api.get<ConnectionSummary>(`/connections/${connection.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.heldFramesDropped, count - held);
  assert.equal(seen.body.heldFrames, held);

  // A frame that may not be skipped (the console's own) still closes nothing while under the larger bound.
  assert.equal((await api.post(`/connections/${connection.id}/messages`, { text: 'from the console' })).status, 200);
  assert.equal(connection.isOpen, true);
  await client.close();
  assert.equal(connection.heldBytes, 0, 'what was held is let go with the connection');
});
