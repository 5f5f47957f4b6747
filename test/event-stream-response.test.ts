import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { negotiateEventStream } from '../src/server/agents/event-stream-format';
import { EventStreamResponse } from '../src/server/agents/event-stream-response';
import { WAIT_MS } from './helpers/wait';

// When an event stream's headers leave: with the frames written in the same turn (one write for a run at speed 0),
// or alone at the end of the turn when no frame comes in it, so a client sees the stream start before a late event.

const sse = negotiateEventStream('text/event-stream', () => 'text/event-stream');
assert.ok(sse && !sse.binary);

let onRequest: (response: ServerResponse) => void = () => {};
const server = createServer((_request, response) => onRequest(response));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
after(() => server.close());

function stream(response: ServerResponse) {
  return new EventStreamResponse({
    response,
    format: sse as NonNullable<typeof sse>,
    keepAliveMs: 0,
    onClosed() {},
    onEncodeError(error) {
      throw error;
    },
  });
}

/** POSTs and resolves with the response once its headers arrived; the body is read on as it comes. */
async function open() {
  const sent = request({ port, host: '127.0.0.1', method: 'POST', path: '/agent' });
  sent.end('{}');
  const [response] = (await Promise.race([
    once(sent, 'response'),
    // Unreferenced: a pending guard would hold the test process open for the whole WAIT_MS after the last test.
    new Promise((_, reject) => setTimeout(() => reject(new Error('no response headers')), WAIT_MS).unref()),
  ])) as [IncomingMessage];
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    body += chunk;
  });
  const ended = once(response, 'end');
  return {
    response,
    ended,
    get body() {
      return body;
    },
  };
}

test('a stream that writes nothing in its first turn still starts: its headers go out alone', async () => {
  let transport: EventStreamResponse | undefined;
  onRequest = (response) => {
    transport = stream(response);
  };
  const client = await open();
  assert.equal(client.response.statusCode, 200);
  assert.equal(client.response.headers['content-type'], 'text/event-stream');
  assert.equal(client.response.headers['transfer-encoding'], 'chunked');
  assert.ok(transport);
  const started = '{"type":"RUN_STARTED","threadId":"t","runId":"r"}';
  transport.send(started, Buffer.byteLength(started));
  transport.endAfterFrame('{"type":"RUN_STARTED","threadId":"t","runId":"r"}');
  await client.ended;
  assert.equal(client.body, 'data: {"type":"RUN_STARTED","threadId":"t","runId":"r"}\n\n');
});

test('frames written in the turn the stream opens leave with its headers, in one response of known length', async () => {
  // Text of any width: each frame's room is worked out from its UTF-8 length.
  const frames = [
    '{"type":"RUN_STARTED","threadId":"t","runId":"r"}',
    '{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"Grüße aus Köln 🌍"}',
    '{"type":"RUN_FINISHED","threadId":"t","runId":"r"}',
  ];
  onRequest = (response) => {
    const transport = stream(response);
    for (const frame of frames) transport.send(frame, Buffer.byteLength(frame));
    transport.endAfterFrame(frames[2] as string);
  };
  const client = await open();
  await client.ended;
  const body = frames.map((frame) => `data: ${frame}\n\n`).join('');
  assert.equal(client.body, body);
  // A length is only known when the headers had not gone out before the body was complete.
  assert.equal(client.response.headers['content-length'], String(Buffer.byteLength(body)));
  assert.equal(client.response.headers['transfer-encoding'], undefined);
});
