import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import { createWorkspaceFile, readWorkspaceFile } from '../src/server/workspace/workspace-file';
import type { Connection } from '../src/server/ws/connection';
import type { SocketMessageResult } from '../src/shared/raw-messages';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';
import { RawSocket } from './helpers/raw-socket';
import { openTcp } from './helpers/tcp-client';
import { eventually } from './helpers/wait';

// A rules action's `broadcast` (frames for the endpoint's other connections: a chat room) and the control API's
// `POST /sockets/:id/messages`, with real `ws` clients. A frame that must NOT arrive is checked against a marker sent
// after it to everyone: frames on a connection keep their order, so once the marker is in, the other is not coming.

const wsUrl = (server: MockServer, path: string) => `${server.url.replace(/^http/, 'ws')}${path}`;

type Detail = { detail: { loc: (string | number)[]; msg: string }[] };

async function addSocket(server: MockServer, definition: Record<string, unknown>): Promise<void> {
  const created = await controlClient(server).post('/sockets', definition);
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

/** Opens a client, one at a time, and notes the engine's connection for it (the newest: made before `open` fires). */
async function openAs(server: MockServer, path: string, connections: Map<RawSocket, Connection>): Promise<RawSocket> {
  const client = await RawSocket.open(wsUrl(server, path));
  const connection = [...server.context.registry.openConnections()].at(-1);
  assert.ok(connection);
  connections.set(client, connection);
  return client;
}

const CHAT = {
  id: 'chat',
  path: '/chat/:room',
  behaviour: {
    type: 'rules',
    rules: [
      {
        id: 'join',
        match: { json: [{ path: '$.op', equals: 'join' }] },
        setFlags: ['joined'],
        reply: [{ json: { joined: '{{params.room}}' } }],
        // Flags change before receivers are chosen: the one joining is not told of itself (to: others anyway).
        broadcast: { frames: [{ text: '{{query.user}} joined' }], sameParams: ['room'], toFlags: ['joined'] },
      },
      {
        id: 'say',
        match: { json: [{ path: '$.op', equals: 'say' }] },
        requireFlags: ['joined'],
        reply: [{ json: { ok: true, n: '{{counter}}' } }],
        broadcast: {
          frames: [
            { json: { from: '{{query.user}}', room: '{{params.room}}', text: '{{json.text}}', n: '{{counter}}' } },
          ],
          sameParams: ['room'],
          toFlags: ['joined'],
        },
      },
      {
        id: 'shout',
        match: { text: '^shout ' },
        reply: [{ text: 'you shouted' }],
        broadcast: { to: 'all', frames: [{ text: '{{query.user}}: {{message}}' }], sameParams: ['room'] },
      },
      {
        id: 'sum',
        match: { json: [{ path: '$.op', equals: 'sum' }] },
        reply: [{ text: 'summed' }],
        broadcast: { frames: [{ text: '{{add json.a 1}}' }] },
      },
      { id: 'leave', match: { text: '^leave$' }, reply: [{ text: 'bye' }], close: { code: 4000, reason: 'left' } },
    ],
  },
};

test('broadcast: a chat room — the sender’s message reaches its room only, rendered with the sender’s values', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  await addSocket(server, CHAT);
  await addSocket(server, { id: 'other', path: '/other', behaviour: { type: 'echo' } });

  const engine = new Map<RawSocket, Connection>();
  const open = (room: string, user: string) => openAs(server, `/chat/${room}?user=${user}`, engine);
  const alice = await open('lobby', 'alice');
  const bob = await open('lobby', 'bob');
  const carol = await open('lobby', 'carol');
  const dave = await open('attic', 'dave');
  const erin = await open('lobby', 'erin');
  const outsider = await RawSocket.open(wsUrl(server, '/other'));
  // Everyone but erin joins, one after the other.
  for (const client of [alice, bob, carol, dave]) {
    client.sendJson({ op: 'join' });
    await client.waitUntil(() => client.texts.some((text) => text.startsWith('{"joined"')));
  }
  await alice.waitUntil(() => alice.texts.includes('carol joined'));
  assert.deepEqual(
    alice.texts.filter((text) => text.endsWith(' joined')),
    ['bob joined', 'carol joined'],
    'the lobby’s joined members hear of each newcomer, not of the attic’s',
  );

  alice.sendJson({ op: 'say', text: 'hi' });
  const said = JSON.stringify({ from: 'alice', room: 'lobby', text: 'hi', n: 1 });
  await bob.waitUntil(() => bob.texts.includes(said));
  await carol.waitUntil(() => carol.texts.includes(said));
  await alice.waitUntil(() => alice.texts.includes('{"ok":true,"n":1}'));

  // A marker to every connection of the endpoint: what was sent before it has arrived once it has.
  const marked = await api.post<SocketMessageResult>('/sockets/chat/messages', { text: 'marker 1' });
  assert.equal(marked.status, 200, JSON.stringify(marked.body));
  assert.equal(marked.body.socketId, 'chat');
  assert.equal(marked.body.size, 8);
  assert.equal(marked.body.connections.length, 5, 'the five chat connections, not the echo’s');
  for (const client of [alice, bob, carol, dave, erin]) await client.waitUntil(() => client.texts.includes('marker 1'));
  assert.ok(!alice.texts.includes(said), 'to: others leaves the sender out');
  assert.ok(!dave.texts.includes(said), 'another room does not hear it');
  assert.ok(!erin.texts.includes(said), 'a connection without the flag does not hear it');
  assert.equal(outsider.frames.length, 0, 'another endpoint’s client gets nothing');
  // The receivers' frames went through their connections: logged, counted, on the feed.
  assert.ok(
    engine
      .get(bob)
      ?.frames.toArray()
      .some((frame) => frame.direction === 'out' && frame.text === said),
  );

  // to: all — the sender too, after its reply; no flags required, so erin hears it; the attic does not.
  alice.send('shout hey');
  for (const client of [alice, bob, carol, erin])
    await client.waitUntil(() => client.texts.includes('alice: shout hey'));
  const mine = alice.texts.slice(alice.texts.indexOf('marker 1') + 1);
  assert.deepEqual(mine, ['you shouted', 'alice: shout hey'], 'the reply first, then the broadcast');
  await api.post('/sockets/chat/messages', { json: { marker: 2 } });
  await dave.waitUntil(() => dave.texts.includes('{"marker":2}'));
  assert.ok(!dave.texts.includes('alice: shout hey'));

  // A broadcast template that fails sends nothing of the action, reply included; the sender's connection says why.
  alice.sendJson({ op: 'sum', a: 'abc' });
  await eventually(
    () => /rule sum broadcast: template error/.test(engine.get(alice)?.lastError?.message ?? ''),
    'the failed template reported on the sender',
  );
  await api.post('/sockets/chat/messages', { text: 'marker 3' });
  for (const client of [alice, bob]) await client.waitUntil(() => client.texts.includes('marker 3'));
  assert.ok(!alice.texts.includes('summed'));
  assert.equal(bob.texts.at(-1), 'marker 3');

  await Promise.all([alice, bob, carol, dave, erin, outsider].map((client) => client.close()));
});

test('broadcast: a megabyte text reaches every peer exactly, as a text frame, and its frame logs; a peer not reading is skipped', async () => {
  // The socket's definition, a megabyte, is a control API body.
  const server = await startTestEngine({ template: 'blank', settings: { maxBodyBytes: 4 * 1024 * 1024 } });
  // Multi-byte UTF-8 (two, three and four bytes), a megabyte of it — under the MiB past which a peer's frames are
  // skipped, so a reader gets the short text behind it too.
  const big = 'ünïcode ✓ 🎉 '.repeat(52_000);
  const small = 'and a short one — ✓';
  await addSocket(server, {
    id: 'room',
    path: '/room',
    behaviour: {
      type: 'rules',
      unmatched: { broadcast: { to: 'all', frames: [{ text: big, template: false }, { text: small }] } },
    },
  });
  const engine = new Map<RawSocket, Connection>();
  const readers = [];
  for (let index = 0; index < 5; index++) readers.push(await openAs(server, '/room', engine));
  const stalled = await openAs(server, '/room', engine);
  stalled.tcp.pause();
  const stalledConnection = engine.get(stalled) as Connection;
  const [sender] = readers as [RawSocket];

  // Each broadcast goes to the stalled peer's socket until more than a MiB of it waits unsent there (the kernel's
  // buffers take a few first): from then on it is skipped, and the readers still get every frame.
  let rounds = 0;
  while (stalledConnection.summary().skippedFrames === 0) {
    assert.ok(rounds < 40, `the stalled peer was never skipped: ${stalledConnection.unsentBytes} bytes unsent`);
    sender.send('go');
    rounds++;
    for (const reader of readers) await reader.waitForFrames(2 * rounds);
  }
  for (const reader of readers) {
    assert.equal(reader.frames.length, 2 * rounds);
    reader.frames.forEach((frame, index) => {
      assert.equal(frame.binary, false, 'a text frame');
      assert.ok(frame.text === (index % 2 === 0 ? big : small), `frame ${index} is the text sent, byte for byte`);
    });
    const logged = engine
      .get(reader)
      ?.frames.toArray()
      .filter((frame) => frame.direction === 'out');
    assert.equal(logged?.length, 2 * rounds, 'every frame sent is in the connection’s frame log');
    assert.ok(logged?.every((frame, index) => frame.text === (index % 2 === 0 ? big : small) && !frame.binary));
    assert.equal(logged?.[0]?.size, Buffer.byteLength(big));
  }
  const stalledLog = stalledConnection.frames.toArray().filter((frame) => frame.direction === 'out');
  assert.ok(stalledLog.length < 2 * rounds, 'what was skipped is not logged as sent');
  assert.ok(stalledLog.every((frame, index) => frame.text === (index % 2 === 0 ? big : small)));
  await Promise.all(readers.map((reader) => reader.close()));
  stalled.socket.terminate();
});

test('broadcast: receivers closing or closed are skipped; the endpoint’s connections stay one room across an edit', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  await addSocket(server, CHAT);
  const engine = new Map<RawSocket, Connection>();
  const open = (user: string) => openAs(server, `/chat/lobby?user=${user}`, engine);
  const alice = await open('alice');
  const bob = await open('bob');
  const carol = await open('carol');
  for (const client of [alice, bob, carol]) {
    client.sendJson({ op: 'join' });
    await client.waitUntil(() => client.texts.some((text) => text.startsWith('{"joined"')));
  }

  // Carol is closing: her `leave` waits behind a pause (its reply and close held), so her socket is still open.
  const carols = engine.get(carol) as Connection;
  assert.equal((await api.patch(`/connections/${carols.id}`, { paused: true })).status, 200);
  carol.send('leave');
  await eventually(() => carols.counters.framesIn === 2, 'carol’s leave handled');
  const held = carols.summary().heldFrames;
  alice.sendJson({ op: 'say', text: 'still there?' });
  const said = JSON.stringify({ from: 'alice', room: 'lobby', text: 'still there?', n: 1 });
  await bob.waitUntil(() => bob.texts.includes(said));
  assert.equal(carols.summary().heldFrames, held, 'nothing queued behind her close');
  await api.patch(`/connections/${carols.id}`, { paused: false });
  assert.deepEqual(await carol.waitForClose(), { code: 4000, reason: 'left' });
  assert.equal(carol.texts.at(-1), 'bye', 'the frames she had, and none from after her leave');
  assert.ok(!carol.texts.includes(said));

  // Closed: gone from the room; the others still hear each other.
  const closedOut = carols.counters.framesOut;
  bob.sendJson({ op: 'say', text: 'she left' });
  await alice.waitUntil(() => alice.texts.some((text) => text.includes('she left')));
  assert.equal(carols.counters.framesOut, closedOut);

  // An edit: connections keep the endpoint they came through, and old and new clients are still one room.
  const edited = await api.put('/sockets/chat', {
    ...CHAT,
    behaviour: {
      ...CHAT.behaviour,
      rules: CHAT.behaviour.rules.map((rule) =>
        rule.id === 'join' ? { ...rule, reply: [{ text: 'welcome' }] } : rule,
      ),
    },
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  const dan = await open('dan');
  dan.sendJson({ op: 'join' });
  await dan.waitUntil(() => dan.texts.includes('welcome'));
  await alice.waitUntil(() => alice.texts.includes('dan joined'));
  alice.sendJson({ op: 'say', text: 'hello dan' });
  await dan.waitUntil(() => dan.texts.some((text) => text.includes('hello dan')));

  await Promise.all([alice, bob, dan].map((client) => client.close()));
});

test('broadcast: on connect, unmatched, and to the sender alone when it is the only one', async () => {
  const server = await startTestEngine({ template: 'blank' });
  await addSocket(server, {
    id: 'relay',
    path: '/relay',
    behaviour: {
      type: 'rules',
      onConnect: { broadcast: { frames: [{ text: 'someone came: {{connection.id}}' }] } },
      unmatched: {
        broadcast: { to: 'all', frames: [{ text: 'relayed {{message}}' }, { text: 'and again', delayMs: 5 }] },
      },
    },
  });
  const first = await RawSocket.open(wsUrl(server, '/relay'));
  first.send('alone');
  await first.waitUntil(() => first.texts.includes('and again'));
  assert.deepEqual(first.texts, ['relayed alone', 'and again'], 'to: all with no one else: the sender only');
  const second = await RawSocket.open(wsUrl(server, '/relay'));
  await first.waitUntil(() => first.texts.some((text) => text.startsWith('someone came: ')));
  second.send('both');
  for (const client of [first, second]) await client.waitUntil(() => client.texts.at(-1) === 'and again');
  assert.deepEqual(second.texts, ['relayed both', 'and again'], 'a greeting to others does not reach the newcomer');
  await Promise.all([first.close(), second.close()]);
});

test('broadcast: what could never reach anyone is refused when stored, and by validate', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const refused = await api.post<Detail>('/sockets', {
    id: 'chat',
    path: '/chat/:room',
    behaviour: {
      type: 'rules',
      onConnect: { broadcast: { frames: [{ text: 'hi' }], toFlags: ['nobody-sets-this'] } },
      rules: [{ id: 'say', broadcast: { frames: [{ text: '{{params.rom}}' }], sameParams: ['room', 'rom'] } }],
    },
  });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  const issues = Object.fromEntries(refused.body.detail.map((issue) => [issue.loc.join('.'), issue.msg]));
  assert.deepEqual(Object.keys(issues).sort(), [
    'body.behaviour.onConnect.broadcast.toFlags.0',
    'body.behaviour.rules.0.broadcast.frames.0.text',
    'body.behaviour.rules.0.broadcast.sameParams.1',
  ]);
  assert.match(
    issues['body.behaviour.rules.0.broadcast.sameParams.1'] ?? '',
    /the path \/chat\/:room has no parameter "rom" \(it has :room\)/,
  );
  assert.match(
    issues['body.behaviour.onConnect.broadcast.toFlags.0'] ?? '',
    /no action sets the flag "nobody-sets-this"/,
  );
  const empty = await api.post<Detail>('/sockets', {
    id: 'e',
    path: '/e',
    behaviour: { type: 'rules', unmatched: { broadcast: { frames: [], to: 'everyone' } } },
  });
  assert.equal(empty.status, 422);
  assert.deepEqual(empty.body.detail.map((issue) => issue.loc.join('.')).sort(), [
    'body.behaviour.unmatched.broadcast.frames',
    'body.behaviour.unmatched.broadcast.to',
  ]);
  assert.equal((await api.get<{ items: unknown[] }>('/sockets')).body.items.length, 0, 'nothing was stored');

  // The same check as `agui-mock validate` runs: reading the file compiles its world.
  const dir = await mkdtemp(join(tmpdir(), 'agui-broadcast-'));
  try {
    const file = join(dir, 'chat.agui.json');
    await createWorkspaceFile(file, 'blank');
    const workspace = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    workspace.sockets = [
      {
        id: 'plain',
        path: '/plain',
        behaviour: { type: 'rules', unmatched: { broadcast: { frames: [{ text: 'x' }], sameParams: ['room'] } } },
      },
    ];
    await writeFile(file, JSON.stringify(workspace));
    await assert.rejects(readWorkspaceFile(file), (error: unknown) => {
      assert.ok(error instanceof WorkspaceError);
      assert.match(
        error.message,
        /sockets\.0\.behaviour\.unmatched\.broadcast\.sameParams\.0: the path \/plain has no parameter "room" \(it has none\)/,
      );
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('POST /sockets/:id/messages: one frame to every open connection of the endpoint, saying which', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  await addSocket(server, { id: 'feed', path: '/feed/:topic', behaviour: { type: 'rules' } });
  await addSocket(server, { id: 'quiet', path: '/quiet', behaviour: { type: 'echo' } });
  const a = await RawSocket.open(wsUrl(server, '/feed/x'));
  const b = await RawSocket.open(wsUrl(server, '/feed/y'));
  const c = await RawSocket.open(wsUrl(server, '/quiet'));
  await eventually(() => server.context.registry.openCount === 3, 'three connections open');

  const sent = await api.post<SocketMessageResult>('/sockets/feed/messages', { json: { notice: 'maintenance' } });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const feedIds = server.context.registry
    .list()
    .filter((connection) => connection.mount?.id === 'feed')
    .map((connection) => connection.id)
    .sort();
  assert.deepEqual(sent.body.connections.map((connection) => connection.connectionId).sort(), feedIds);
  assert.ok(sent.body.connections.every((connection) => connection.held === false));
  for (const client of [a, b]) await client.waitUntil(() => client.texts.includes('{"notice":"maintenance"}'));
  await api.post('/sockets/quiet/messages', { text: 'to the echo' });
  await c.waitUntil(() => c.texts.includes('to the echo'));
  assert.deepEqual(c.texts, ['to the echo']);

  await b.close();
  await eventually(() => server.context.registry.openCount === 2, 'b closed');
  const after = await api.post<SocketMessageResult>('/sockets/feed/messages', { text: 'again' });
  assert.equal(after.body.connections.length, 1, 'a closed connection is not sent to');
  await a.waitUntil(() => a.texts.includes('again'));

  const none = await api.post<{ detail: string }>('/sockets/nope/messages', { text: 'x' });
  assert.equal(none.status, 404);
  assert.match(none.body.detail, /No enabled socket endpoint nope/);
  const bad = await api.post<Detail>('/sockets/feed/messages', { text: 'x', json: 1 });
  assert.equal(bad.status, 422);
  await a.close();
  await c.close();
  const idle = await api.post<SocketMessageResult>('/sockets/feed/messages', { text: 'anyone?' });
  assert.equal(idle.status, 200);
  assert.deepEqual(idle.body.connections, [], 'an endpoint with no one on it: sent to nobody');
});

test('POST /sockets/:id/messages?pack=: a pack’s socket (AGORA’s /ws), AG-UI or not', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await RawSocket.open(wsUrl(server, '/ws'));
  const pack = server.context.registry.list().at(-1)?.mount?.pack;
  assert.ok(pack, 'AGORA’s /ws belongs to its pack');
  const workspaceOnly = await api.post('/sockets/ws/messages', { text: 'x' });
  assert.equal(workspaceOnly.status, 404, 'without ?pack, the workspace’s own sockets');
  const sent = await api.post<SocketMessageResult>(`/sockets/ws/messages?pack=${pack}`, { text: 'hello agora' });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.connections.length, 1);
  await client.waitUntil(() => client.texts.includes('hello agora'));
  await client.close();
});

test('broadcast: clients connecting all at once, each greeting broadcast to the room, do not hold up the engine', async () => {
  const server = await startTestEngine({ template: 'blank' });
  await addSocket(server, {
    id: 'lobby',
    path: '/lobby',
    behaviour: {
      type: 'rules',
      // To those greeted before: the count of frames does not depend on when each greeting has its turn.
      onConnect: { setFlags: ['here'], broadcast: { frames: [{ text: 'someone joined' }], toFlags: ['here'] } },
      rules: [],
    },
  });
  // Raw TCP clients that never read (they cost this process nothing), connected first and then upgraded in one go,
  // so their upgrades arrive together: each greeting goes to every client greeted before it, 319,600 frames.
  const CLIENTS = 800;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openTcp(server.port)));
  for (const client of clients) client.socket.pause();
  const holdUp = await loopHoldUpDuring(async () => {
    for (const client of clients)
      client.socket.write(
        `GET /lobby HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    // Each client hears of every one greeted after it.
    const frames = (CLIENTS * (CLIENTS - 1)) / 2;
    const sent = () => server.context.registry.list().reduce((sum, { counters }) => sum + counters.framesOut, 0);
    await eventually(() => sent() === frames, `${frames} greetings sent`);
  });
  for (const client of clients) client.socket.destroy();
  // Greeted in their turns, a broadcast to at most 800 clients at a time, with I/O between: the upgrades' own work
  // is what is left. Greeted in the upgrades' I/O callback, all 319,600 frames went out in one stretch (seconds).
  assert.ok(holdUp.busyMs < 1000, `the engine was held up ${Math.round(holdUp.busyMs)} ms at once`);
});
