import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { framesIn } from './helpers/connection-frames';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';

// JSON a raw socket's engine refuses to read as JSON (too deep, a `__proto__` key, a number out of range) is matched
// as text, as websockets.md says; the frame log's finding on it says why, for the console, since the client is not told.

const wsUrl = (server: MockServer, path: string) => `${server.url.replace(/^http/, 'ws')}${path}`;

const RULE = 'J1';
const TITLE = 'A JSON frame is read as JSON only within maxJsonDepth, with finite numbers and no "__proto__" key';

/** `{"op":"ping","deep":[[…1…]]}`: the object is one level, so `levels` arrays make it `levels + 1` deep. */
function nested(levels: number): string {
  return `{"op":"ping","deep":${'['.repeat(levels)}1${']'.repeat(levels)}}`;
}

test('a rules socket matches refused JSON as text, and logs a finding on the frame saying why and what to fix', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const created = await controlClient(server).post('/sockets', {
    id: 'ops',
    path: '/ops',
    behaviour: {
      type: 'rules',
      rules: [
        { id: 'json-ping', match: { json: [{ path: '$.op', equals: 'ping' }] }, reply: [{ json: { pong: true } }] },
        { id: 'text-ping', match: { text: '"op":"ping"' }, reply: [{ text: 'as text, json.op={{json.op}}' }] },
      ],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  const client = await RawSocket.open(wsUrl(server, '/ops'));
  const frames = [
    nested(64), // (a) 65 levels: one past the default maxJsonDepth, 64
    '{"op":"ping","a":{"b":{"__proto__":{"x":1}}}}', // (b)
    '{"op":"ping","n":1e400}', // a number JSON cannot write, refused in the same walk as depth
    '{"op":"ping"}', // (c)
    nested(63), // 64 levels: at the limit, read as JSON
  ];
  for (const frame of frames) client.send(frame);
  await client.waitForFrames(frames.length);
  // As the docs say: a `json` match never holds on refused JSON, a `text` match reads it, templates see no `json`.
  assert.deepEqual(client.texts, [
    'as text, json.op=',
    'as text, json.op=',
    'as text, json.op=',
    '{"pong":true}',
    '{"pong":true}',
  ]);

  const logged = await framesIn(server, '/ops');
  assert.deepEqual(
    logged.map((frame) => frame.text),
    frames,
  );
  assert.deepEqual(logged[0]?.finding, {
    rule: RULE,
    title: TITLE,
    message:
      'Read as text, not JSON: JSON nested deeper than the limit of 64 levels (setting maxJsonDepth); flatten it, or raise maxJsonDepth',
  });
  assert.deepEqual(logged[1]?.finding, {
    rule: RULE,
    title: TITLE,
    message: 'Read as text, not JSON: a key named "__proto__" is not accepted (at /a/b/__proto__): rename the key',
  });
  assert.deepEqual(logged[2]?.finding, {
    rule: RULE,
    title: TITLE,
    message:
      'Read as text, not JSON: the number at n is out of range: JSON numbers here are finite, at most about ±1.8e308; send it as a string',
  });
  assert.equal(logged[3]?.finding, undefined, 'JSON read as JSON has no finding');
  assert.equal(logged[4]?.finding, undefined, 'nor does JSON exactly at the depth limit');
  await client.close();
});

test('an echo socket sends refused JSON back as it came, with the same finding on the frame', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const created = await controlClient(server).post('/sockets', {
    id: 'echo',
    path: '/echo',
    behaviour: { type: 'echo' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const client = await RawSocket.open(wsUrl(server, '/echo'));
  const frames = ['{"\\u005f_proto__":1}', '{"ok":1}'];
  for (const frame of frames) client.send(frame);
  await client.waitForFrames(frames.length);
  assert.deepEqual(client.texts, frames);
  const logged = await framesIn(server, '/echo');
  assert.equal(
    logged[0]?.finding?.message,
    'Read as text, not JSON: a key named "__proto__" is not accepted (at /__proto__): rename the key',
  );
  assert.equal(logged[1]?.finding, undefined);
  await client.close();
});
