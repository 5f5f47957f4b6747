import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FeedBatch } from '../src/server/control/feed-batch';
import type { FeedItem } from '../src/shared/control-api';
import { decodeFeedMessage } from '../src/shared/feed-wire';

const frame = (direction: 'in' | 'out', text: string, binary = false, eventType: string | null = null): FeedItem => ({
  type: 'frame',
  connectionId: 'c1',
  frame: { seq: 1, at: 1, direction, size: text.length, text, binary, eventType },
});

test('frames survive the wire exactly, whether embedded raw or sent as strings', () => {
  const items: FeedItem[] = [
    frame(
      'out',
      JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', delta: 'Hé "quoted" \n\u2028 ✓', messageId: 'm' }),
      false,
      'TEXT_MESSAGE_CONTENT',
    ),
    // Frames of other protocols (an echo's reply, a raw frame from the console) are any text: never embedded.
    frame('out', 'Server echoes: hello'),
    frame('out', '{ "spaced" :  1 }'),
    frame('out', '1},"type":"connection-closed"'),
    frame('in', '{ "spaced" :  1 }'),
    frame('in', 'not json at all'),
    frame('in', '<12 bytes of binary data>', true),
    {
      type: 'request',
      request: {
        id: 1,
        at: 1,
        method: 'PUT',
        path: '/x',
        query: 'a=1',
        answeredBy: { kind: 'route', id: 'x', responseId: 'ok' },
        status: 200,
        durationMs: 1,
        remoteAddress: '::1',
        refusal: null,
      },
    },
    { type: 'connection-closed', connection: { id: 'c1' } as never },
  ];
  const batch = new FeedBatch();
  for (const item of items) batch.add(item);
  const wire = batch.finish(3).toString('utf8');
  assert.ok(wire.includes('"rawFrameText":{"type":"TEXT_MESSAGE_CONTENT"'), 'outgoing frame text embedded raw');
  assert.ok(wire.includes('"text":"{ \\"spaced\\" :  1 }"'), 'incoming text kept as a string');
  assert.ok(wire.includes('"text":"Server echoes: hello"'), 'a raw outgoing frame kept as a string');
  const decoded = decodeFeedMessage(wire);
  assert.equal(decoded.type, 'batch');
  assert.deepEqual(decoded.type === 'batch' && decoded.items, items);
  assert.equal(decoded.type === 'batch' && decoded.dropped, 3);
});

test('a batch grows past its first buffer without losing or mangling a byte', () => {
  // Multi-byte text (2, 3 and 4 bytes per character in UTF-8), a frame larger than the batch's first buffer, and
  // many small ones after it.
  const big = JSON.stringify({ type: 'STATE_SNAPSHOT', snapshot: { note: 'é✓😀'.repeat(20_000) } });
  const items: FeedItem[] = [frame('out', big, false, 'STATE_SNAPSHOT')];
  for (let i = 0; i < 300; i++)
    items.push(
      frame('out', JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', delta: `ß${i}✓` }), false, 'TEXT_MESSAGE_CONTENT'),
    );
  const batch = new FeedBatch();
  for (const item of items) batch.add(item);
  assert.equal(batch.count, items.length);
  const decoded = decodeFeedMessage(batch.finish(0).toString('utf8'));
  assert.deepEqual(decoded.type === 'batch' && decoded.items, items);
});
