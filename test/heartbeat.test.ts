import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import WebSocket from 'ws';
import { Heartbeat, PINGS_PER_TURN } from '../src/server/ws/heartbeat';
import type { ConnectionSummary } from '../src/shared/connections';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

/** A socket as the heartbeat uses one: pings are counted, a terminate noted. */
class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  constructor(private readonly onPing: () => void) {
    super();
  }
  ping(): void {
    this.pings++;
    this.onPing();
  }
  terminate(): void {
    this.terminated = true;
  }
}

test('a beat pings its sockets a hundred per turn of the event loop, every one of them in the end', async () => {
  let pinged = 0;
  let firstTurn: number | undefined;
  const onPing = () => {
    // Queued before the beat's own next slice: it runs once the first slice is over, before the second.
    if (pinged++ === 0) setImmediate(() => (firstTurn = pinged));
  };
  const sockets = Array.from({ length: 2 * PINGS_PER_TURN + 50 }, () => new FakeSocket(onPing));
  const heartbeat = new Heartbeat(0);
  for (const socket of sockets) heartbeat.track(socket as unknown as WebSocket);
  heartbeat.setInterval(20);
  try {
    await eventually(() => sockets.every((socket) => socket.pings >= 1), 'every socket pinged');
    assert.equal(firstTurn, PINGS_PER_TURN, 'the first turn pinged one slice, then let I/O in');
    // None answered: the next beat terminates them all, a slice at a time too.
    await eventually(() => sockets.every((socket) => socket.terminated), 'every silent socket terminated');
  } finally {
    heartbeat.stop();
  }
});

test('a socket that answers is pinged again; one that closed during a beat is skipped', async () => {
  const heartbeat = new Heartbeat(0);
  const answering = new FakeSocket(() => queueMicrotask(() => answering.emit('pong')));
  heartbeat.track(answering as unknown as WebSocket);
  // The last socket, in the beat's last slice, closes while the first slice runs.
  let late: FakeSocket | undefined;
  const sockets = Array.from({ length: 2 * PINGS_PER_TURN }, () => new FakeSocket(() => late?.emit('close')));
  late = sockets.at(-1);
  for (const socket of sockets) heartbeat.track(socket as unknown as WebSocket);
  heartbeat.setInterval(20);
  try {
    const silent = sockets.slice(0, -1);
    await eventually(
      () => answering.pings >= 3 && silent.every((socket) => socket.terminated),
      'the answering socket pinged beat after beat, the silent ones terminated',
    );
    assert.equal(answering.terminated, false);
    assert.equal(late?.pings, 0, 'closed before its turn: never pinged');
    assert.equal(late?.terminated, false, 'and never terminated');
  } finally {
    heartbeat.stop();
  }
});

test('a client that answers no ping is dropped at the next beat, and the console is told why', async () => {
  const server = await startTestEngine({ settings: { heartbeatIntervalMs: 1000 } });
  const api = controlClient(server);
  // ws answers pings by itself unless told not to: this client plays a half-open connection.
  const silent = new WebSocket(server.wsUrl, { autoPong: false });
  silent.on('error', () => {});
  await new Promise((resolve) => silent.once('open', resolve));
  const closed = new Promise((resolve) => silent.once('close', resolve));
  const gone = async () => {
    const { body } = await api.get<{ items: ConnectionSummary[] }>('/connections');
    return body.items.find((item) => item.state === 'closed');
  };
  await eventually(async () => (await gone()) !== undefined, 'the heartbeat to drop the silent client', 15_000);
  const connection = await gone();
  assert.match(String(connection?.closeReason), /^No pong to the heartbeat's ping within 1000 ms: dropped as gone/);
  assert.match(String(connection?.lastError?.message), /No pong to the heartbeat's ping/);
  await closed;
});
