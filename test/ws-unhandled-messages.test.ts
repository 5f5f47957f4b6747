import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { MAX_UNHANDLED_BYTES } from '../src/server/ws/unhandled-messages';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// A socket's messages are read as they come and handled in their turn (behind the run work already due): a client
// that sends faster than the engine handles must wait for it, not have the engine read and keep all it sends. Four
// clients sending 1 MB run requests as fast as their sockets take them had hundreds of megabytes of messages
// waiting in the engine, growing for as long as they sent.

const SOCKETS = 4;
const MESSAGES = 100;
const MESSAGE = JSON.stringify({ threadId: 'flood', messages: [{ role: 'user', content: 'y'.repeat(1_000_000) }] });

test('clients sending faster than the engine handles are read no further ahead than the bound', async () => {
  const server = await startTestEngine();
  let mostAhead = 0;
  await Promise.all(
    Array.from({ length: SOCKETS }, async () => {
      const socket = new WebSocket(server.wsUrl);
      socket.on('error', () => {});
      // Each message is handled by a run starting (RUN_STARTED, maybe after the runs queued before it) or a refusal.
      let answered = 0;
      socket.on('message', (data) => {
        const event = JSON.parse(data.toString()) as { type: string; name?: string };
        if (event.type === 'RUN_STARTED' || event.name === 'agora:error') answered++;
      });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      const connection = server.context.registry.list().at(-1);
      assert.ok(connection);
      // Messages the engine has read (each logged as it arrives) and not answered yet.
      const watch = setInterval(() => {
        mostAhead = Math.max(mostAhead, connection.counters.framesIn - answered);
      }, 2);
      try {
        for (let sent = 0; sent < MESSAGES; sent++) {
          socket.send(MESSAGE);
          // As fast as the socket takes them: the client's own buffer stays small.
          await eventually(() => socket.bufferedAmount < 2 * MESSAGE.length, 'the client’s sends to go out');
        }
        await eventually(() => answered === MESSAGES, `all ${MESSAGES} messages answered (${answered} so far)`);
      } finally {
        clearInterval(watch);
        socket.terminate();
      }
    }),
  );
  // Read and waiting: what the bound lets through (a message or two of 1 MB), the runs queued behind the one
  // playing (4 MiB of them), and answers on their way back; far below the dozens read ahead without the bound.
  const bound = Math.ceil(MAX_UNHANDLED_BYTES / MESSAGE.length) + 1;
  assert.ok(mostAhead <= bound + 4 + 6, `at most ${bound + 10} messages read and not handled, saw ${mostAhead}`);
});
