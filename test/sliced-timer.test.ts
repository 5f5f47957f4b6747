import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { slicedTimeout } from '../src/server/support/sliced-timer';

/** Holds the thread for `ms`, as a burst of frames would. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

function settled(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

test('work runs once its time has come, in the order it came due', async () => {
  const ran: number[] = [];
  for (const [index, ms] of [30, 0, 10, 10].entries()) slicedTimeout(() => ran.push(index), ms);
  await settled(() => ran.length === 4);
  assert.deepEqual(ran, [1, 2, 3, 0]);
});

test('a cancelled timer never runs its work, also when it already fired and waits its turn', async () => {
  const ran: number[] = [];
  const timers: { cancel(): void }[] = [];
  // Twenty items due together, 5 ms each: after the first two or three the slice is spent and the rest wait.
  for (let index = 0; index < 20; index++)
    timers.push(
      slicedTimeout(() => {
        busy(5);
        ran.push(index);
        // By now item 15 has fired and waits in the queue.
        if (index === 5) timers[15]?.cancel();
      }, 1),
    );
  const never = slicedTimeout(() => ran.push(-1), 50);
  never.cancel();
  // Due after the cancelled one: once it ran, the cancelled one would have.
  let sentinel = false;
  slicedTimeout(() => {
    sentinel = true;
  }, 100);
  await settled(() => sentinel);
  assert.deepEqual(
    ran,
    Array.from({ length: 20 }, (_, index) => index).filter((index) => index !== 15),
  );
});

test('I/O is served between slices of a burst of due work, not after all of it', async () => {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => {});
    socket.on('data', () => socket.end('pong'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = (await import('node:net')).connect(port, '127.0.0.1');
  client.on('error', () => {});
  await once(client, 'connect');

  const ITEMS = 200;
  let done = 0;
  let doneWhenAnswered = -1;
  client.once('data', () => {
    doneWhenAnswered = done;
  });
  // 200 runs' frames due at once, 2 ms each: 400 ms of work.
  for (let index = 0; index < ITEMS; index++)
    slicedTimeout(() => {
      busy(2);
      done++;
    }, 5);
  // The ping arrives as the burst starts; the server answers in the first poll phase it gets.
  setTimeout(() => client.write('ping'), 5);
  await settled(() => done === ITEMS && doneWhenAnswered >= 0);
  client.destroy();
  server.close();
  assert.ok(
    doneWhenAnswered < ITEMS / 2,
    `the ping was answered after ${doneWhenAnswered} of ${ITEMS} items: I/O waited behind the burst`,
  );
});
