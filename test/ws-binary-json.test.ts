import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { framesIn } from './helpers/connection-frames';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';

// A binary frame whose bytes are UTF-8 JSON is read as JSON as a text frame is (websockets.md: `message` is a binary
// message's text decoded as UTF-8, `json` the message parsed as JSON), under the same limits; other bytes are not JSON.

const wsUrl = (server: MockServer, path: string) => `${server.url.replace(/^http/, 'ws')}${path}`;

async function addSocket(server: MockServer, definition: Record<string, unknown>): Promise<void> {
  const created = await controlClient(server).post('/sockets', definition);
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

const SUB = [{ path: '$.op', equals: 'sub' }];

test('rules: a binary frame holding JSON meets `json` matches (with `binary: true` too) and `{{json.*}}`', async () => {
  const server = await startTestEngine({ template: 'blank' });
  await addSocket(server, {
    id: 'r1',
    path: '/r1',
    behaviour: {
      type: 'rules',
      rules: [
        { id: 'binjson', match: { binary: true, json: SUB }, reply: [{ text: 'binary+json: {{json.op}}' }] },
        { id: 'anyjson', match: { json: SUB }, reply: [{ json: { op: '{{json.op}}', n: '{{json.n}}' } }] },
        { id: 'bin', match: { binary: true }, reply: [{ text: 'bin: message={{message}} json.op={{json.op}}' }] },
      ],
    },
  });
  const client = await RawSocket.open(wsUrl(server, '/r1'));
  client.send(Buffer.from('{"op":"sub"}'));
  client.send('{"op":"sub","n":7}');
  // Not UTF-8: not JSON, whatever a lenient decoding makes of it.
  client.send(Buffer.concat([Buffer.from('{"op":"sub","x":"'), Buffer.from([0xff]), Buffer.from('"}')]));
  // JSON the engine refuses as text frames' (a `__proto__` key): read as text, with the frame log saying why.
  client.send(Buffer.from('{"op":"sub","__proto__":{}}'));
  client.send(Buffer.from('[1,2]'));
  await client.waitForFrames(5);
  assert.deepEqual(client.texts, [
    'binary+json: sub',
    '{"op":"sub","n":7}',
    'bin: message={"op":"sub","x":"\uFFFD"} json.op=',
    'bin: message={"op":"sub","__proto__":{}} json.op=',
    'bin: message=[1,2] json.op=',
  ]);
  const logged = await framesIn(server, '/r1');
  assert.equal(logged[2]?.finding, undefined, 'bytes that are not UTF-8 are not JSON: nothing to explain');
  assert.equal(
    logged[3]?.finding?.message,
    'Read as text, not JSON: a key named "__proto__" is not accepted (at /__proto__): rename the key',
  );
  assert.equal(logged[4]?.finding, undefined);
  await client.close();
});

test('echo and push read a binary frame as JSON: reply templates, startOn', async () => {
  const server = await startTestEngine({ template: 'blank' });
  await addSocket(server, { id: 'echo', path: '/echo', behaviour: { type: 'echo', reply: 'id={{json.id}}' } });
  await addSocket(server, {
    id: 'feed',
    path: '/feed',
    behaviour: {
      type: 'push',
      intervalMs: 10,
      count: 1,
      startOn: { binary: true, json: SUB },
      frame: { json: { topic: '{{json.topic}}' } },
    },
  });
  const echo = await RawSocket.open(wsUrl(server, '/echo'));
  echo.send(Buffer.from('{"id":3}'));
  echo.send('{"id":4}');
  await echo.waitForFrames(2);
  assert.deepEqual(
    echo.frames.map((frame) => [frame.text, frame.binary]),
    [
      ['id=3', true],
      ['id=4', false],
    ],
  );
  await echo.close();

  const feed = await RawSocket.open(wsUrl(server, '/feed'));
  feed.send(Buffer.from('{"op":"sub","topic":"prices"}'));
  await feed.waitForFrames(1);
  assert.deepEqual(feed.texts, ['{"topic":"prices"}']);
  await feed.close();
});

test('an endpoint that reads no JSON does not parse binary frames', async () => {
  const server = await startTestEngine({ template: 'blank' });
  await addSocket(server, { id: 'plain', path: '/plain', behaviour: { type: 'echo', reply: '{{message}}' } });
  const client = await RawSocket.open(wsUrl(server, '/plain'));
  client.send(Buffer.from('{"__proto__":1}'));
  client.send('{"__proto__":1}');
  await client.waitForFrames(2);
  const logged = await framesIn(server, '/plain');
  assert.equal(logged[0]?.finding, undefined, 'the binary frame was never read as JSON');
  assert.equal(logged[1]?.finding?.rule, 'J1', 'a text frame is, as before');
  await client.close();
});
