import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { BACKLOG_CLOSE, type Connection, MAX_UNSENT_BYTES } from '../src/server/ws/connection';
import { startTestEngine } from './helpers/engine';
import { openTcp, type TcpClient } from './helpers/tcp-client';
import { eventually } from './helpers/wait';

// An SSE client that does not read is held to the bound a WebSocket is (4 MiB unsent, pipelined responses queued on
// its connection included): past it the engine drops the connection and says why, rather than holding the whole
// stream. And a connection pipelining many requests is watched by one listener, not one per response.

const CHUNK = 'x'.repeat(64 * 1024);
/** Chunks a big run streams: 48 MiB, one every 5 ms (each event written in a turn of its own, unless late). */
const BIG_CHUNKS = 768;
/**
 * Chunks each pipelined run streams: 3 MiB, under the bound alone, well over it a dozen together; one every 20 ms.
 * The test's client reads in the engine's own process, so on a busy machine it waits as long as the engine, and an
 * engine running late sends every chunk then due in one turn: every 5 ms, 320 ms late (seen at a load of 10) was the
 * bound by itself; every 20 ms, that takes 1.3 s.
 */
const PIPELINED_CHUNKS = 48;
const PIPELINED_CHUNK_DELAY_MS = 20;

const server = await startTestEngine({ template: 'generic', settings: { speed: 1 } });
for (const [id, count, chunkDelayMs] of [
  ['zz-sse-big', BIG_CHUNKS, 5],
  ['zz-sse-pipelined', PIPELINED_CHUNKS, PIPELINED_CHUNK_DELAY_MS],
] as const) {
  server.context.scenarios.put({
    id,
    name: id,
    triggers: [{ match: 'substring', value: id }],
    // The chunk through a variable: a scenario's own JSON stays small.
    steps: [
      { type: 'let', values: { chunk: CHUNK } },
      { type: 'text', chunks: Array.from({ length: count }, () => '{{vars.chunk}}'), chunkDelayMs },
    ],
  });
}

/** A raw POST /agent for a run on `threadId` answering `text`, as a client writes it on its connection. */
function runRequest(threadId: string, text: string): string {
  const body = JSON.stringify({
    threadId,
    runId: 'run',
    messages: [{ id: 'm1', role: 'user', content: text }],
    tools: [],
    context: [],
  });
  return [
    'POST /agent HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'Accept: text/event-stream',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/**
 * How many RUN_FINISHED events `client` has received, counted as its bytes arrive: a wait matching the whole text
 * (megabytes of it) every 10 ms spent more CPU than the engine streaming it.
 */
function runsFinished(client: TcpClient): () => number {
  const mark = '"type":"RUN_FINISHED"';
  let count = 0;
  // The end of what came before, shorter than the mark: a mark split between two chunks is counted once.
  let tail = '';
  client.socket.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + mark.length)) count++;
    tail = text.slice(-(mark.length - 1));
  });
  return () => count;
}

/** The engine's connections for the threads named `prefix…`. */
function connectionsOf(prefix: string): Connection[] {
  return server.context.registry.list().filter((connection) => connection.threadId?.startsWith(prefix));
}

test('an SSE client that does not read is dropped past 4 MiB unsent, not sent its whole stream', async () => {
  const client = await openTcp(server.port);
  client.socket.pause();
  client.socket.write(runRequest('slow-sse', 'zz-sse-big'));
  await eventually(() => connectionsOf('slow-sse').length === 1, 'the stream to open');
  const [connection] = connectionsOf('slow-sse') as [Connection];

  // Watched as it streams: what waits for the client stays within the bound, plus what one turn writes: chunks
  // fall due together when the engine runs late, one every 5 ms of its lateness — judged on the engine's own loop
  // (it runs in this process), with 8 MiB (128 chunks: 640 ms late) as the least allowed.
  const streamBytes = BIG_CHUNKS * CHUNK.length;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  let most = 0;
  await eventually(() => {
    most = Math.max(most, connection.unsentBytes);
    const lateChunks = Math.ceil(loopDelay.max / 1e6 / 5) + 2;
    const allowed = MAX_UNSENT_BYTES + Math.max(8 * 1024 * 1024, lateChunks * CHUNK.length);
    assert.ok(connection.unsentBytes <= allowed, `${connection.unsentBytes} bytes unsent (${allowed} allowed)`);
    return connection.state === 'closed' || connection.counters.bytesOut >= streamBytes;
  }, 'the engine to give up on the client, or to have sent it the whole stream');
  loopDelay.disable();
  assert.equal(connection.state, 'closed', `closed, not sent all ${connection.counters.bytesOut} bytes`);
  assert.ok(most > MAX_UNSENT_BYTES / 2, `the socket did fill (${most} bytes at most)`);
  assert.ok(
    connection.counters.bytesOut < streamBytes / 2,
    `${connection.counters.bytesOut} of ${streamBytes} bytes handed over`,
  );
  const summary = connection.summary();
  assert.equal(summary.closeCode, BACKLOG_CLOSE.code);
  assert.equal(summary.closeReason, BACKLOG_CLOSE.reason);
  assert.equal(summary.lastError?.message, BACKLOG_CLOSE.reason, 'the console sees why');
  assert.equal(summary.activeRunId, null, 'its run stopped');
  // The engine dropped the connection: the client, reading again, finds it closed.
  client.socket.resume();
  await client.closed;
});

test('pipelined runs play in turn: one read at full speed is never dropped for the runs queued behind it', async () => {
  // Played at once, the runs behind the first would wait in memory, counted against a client reading all it gets.
  const count = 3;
  const client = await openTcp(server.port);
  const finished = runsFinished(client);
  client.socket.write(
    Array.from({ length: count }, (_, index) => runRequest(`turns-${index}`, 'zz-sse-pipelined')).join(''),
  );
  await eventually(
    () => finished() === count || client.socket.closed,
    'every run to finish (or the connection to be dropped)',
  );
  assert.equal((client.received.match(/"type":"RUN_FINISHED"/g) ?? []).length, count);
  for (const connection of connectionsOf('turns-')) assert.notEqual(connection.summary().closeCode, BACKLOG_CLOSE.code);
  client.socket.destroy();
  await client.closed;
});

test('pipelined runs on a connection that is not read: the first is dropped at the bound, the queued ones with it', async () => {
  const count = 3;
  const client = await openTcp(server.port);
  client.socket.pause();
  client.socket.write(Array.from({ length: count }, (_, index) => runRequest(`piped-${index}`, 'zz-sse-big')).join(''));
  const streamBytes = BIG_CHUNKS * CHUNK.length;
  const sent = () => connectionsOf('piped-').reduce((sum, connection) => sum + connection.counters.bytesOut, 0);
  await eventually(
    () =>
      (connectionsOf('piped-').length === count && connectionsOf('piped-').every(({ state }) => state === 'closed')) ||
      sent() >= streamBytes,
    'the engine to give up on the client, or to have sent it a whole stream',
  );
  assert.ok(sent() < streamBytes / 2, `${sent()} of ${streamBytes} bytes handed over`);
  for (const connection of connectionsOf('piped-')) {
    const summary = connection.summary();
    assert.equal(summary.state, 'closed');
    assert.equal(summary.closeCode, BACKLOG_CLOSE.code, `${summary.threadId} closed with 1008`);
    assert.equal(summary.closeReason, BACKLOG_CLOSE.reason);
    assert.equal(summary.lastError?.message, BACKLOG_CLOSE.reason, `${summary.threadId} says why`);
  }
  assert.equal(
    connectionsOf('piped-').filter((connection) => connection.counters.bytesOut > 0).length,
    1,
    'the queued runs never played',
  );
  client.socket.resume();
  await client.closed;
});

test('twenty pipelined runs on one connection are all answered, with no listener leak warning', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  // A tenth of the speed: each run still streams its chunks in turns of their own (30 ms in all, not 300), and the
  // runs behind it wait for the socket all the same; twenty of them take a second of the file, not six.
  server.updateSettings({ speed: 0.1 });
  try {
    const count = 20;
    const client = await openTcp(server.port);
    client.socket.write(Array.from({ length: count }, (_, index) => runRequest(`many-${index}`, 'Hallo')).join(''));
    await eventually(
      () => (client.received.match(/"type":"RUN_FINISHED"/g) ?? []).length === count,
      'every run to finish',
    );
    assert.equal((client.received.match(/^HTTP\/1\.1 200 /gm) ?? []).length, count);
    // A warning is emitted on the next tick of its cause: let any due come in.
    await new Promise((resolve) => setImmediate(resolve));
    client.socket.destroy();
    await client.closed;
    await eventually(() => connectionsOf('many-').every(({ state }) => state === 'closed'), 'the streams to close');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.map((warning) => `${warning.name}: ${warning.message}`),
      [],
    );
  } finally {
    process.off('warning', onWarning);
    server.updateSettings({ speed: 1 });
  }
});
