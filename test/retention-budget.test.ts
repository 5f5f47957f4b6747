import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { RingBuffer } from '../src/server/support/ring-buffer';
import { FrameLog, frameBytes } from '../src/server/ws/frame-log';
import { SharedText } from '../src/server/ws/shared-text';
import type { ConnectionSummary, FrameRecord } from '../src/shared/connections';
import type { ItemsPage, ServerInfo } from '../src/shared/control-api';
import type { RequestLogEntry, RequestLogPage } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';
import { garbageCollector, settledArrayBuffers } from './helpers/garbage';
import { eventually } from './helpers/wait';

const MIB = 1024 * 1024;

/** Code points below the surrogates; above them, each index stands for the code point 2,048 higher. */
const SURROGATES_START = 0xd800;
const SURROGATES = 0x800;

/**
 * Any code point but a lone surrogate, as fast-check's `unit: 'binary'` draws it: the same strings from the same
 * seed, shrunk the same way. Its own maps all 1.1 million code points back to their indexes, to tell which strings
 * it could have made (half a second of CPU, more than this file's property tests spend testing); this one works
 * the index out.
 */
const anyCodePoint = fc.nat({ max: 0x10ffff - SURROGATES }).map(
  (index) => String.fromCodePoint(index < SURROGATES_START ? index : index + SURROGATES),
  (value) => {
    const point = typeof value === 'string' ? value.codePointAt(0) : undefined;
    if (point === undefined || String.fromCodePoint(point) !== value || (point >= SURROGATES_START && point < 0xe000))
      throw new Error('not one code point');
    return point < SURROGATES_START ? point : point - SURROGATES;
  },
);

/** A raw client of the mocked `/ws` that counts the frames it gets. */
async function openSocket(url: string): Promise<{ socket: WebSocket; received: () => number }> {
  const socket = new WebSocket(url);
  let received = 0;
  socket.on('message', () => received++);
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => received };
}

/** Sends `count` text frames (not JSON: each is logged, and answered with an error frame) and waits for the answers. */
async function exchange(client: { socket: WebSocket; received: () => number }, count: number, chars: number) {
  const before = client.received();
  for (let i = 0; i < count; i++) client.socket.send(`${i} ${'x'.repeat(chars)}`);
  await eventually(() => client.received() >= before + count, `${count} answers`);
}

test('ring buffer: push, shift, at, resize and clear behave as a bounded FIFO', () => {
  type Op = { op: 'push'; value: number } | { op: 'shift' } | { op: 'resize'; capacity: number } | { op: 'clear' };
  const ops = fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.integer().map((value): Op => ({ op: 'push', value })) },
      { weight: 3, arbitrary: fc.constant<Op>({ op: 'shift' }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }).map((capacity): Op => ({ op: 'resize', capacity })) },
      { weight: 1, arbitrary: fc.constant<Op>({ op: 'clear' }) },
    ),
    { maxLength: 200 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), ops, (initial, list) => {
      const ring = new RingBuffer<number>(initial);
      let model: number[] = [];
      let capacity = initial;
      for (const step of list) {
        if (step.op === 'push') {
          model.push(step.value);
          const expected = model.length > capacity ? model.shift() : undefined;
          assert.equal(ring.push(step.value), expected);
        } else if (step.op === 'shift') {
          assert.equal(ring.shift(), model.shift());
        } else if (step.op === 'resize') {
          capacity = step.capacity;
          const dropped = model.splice(0, Math.max(0, model.length - capacity));
          assert.deepEqual(ring.resize(capacity), dropped);
        } else {
          ring.clear();
          model = [];
        }
        assert.deepEqual(ring.toArray(), model);
        assert.equal(ring.size, model.length);
        assert.equal(ring.at(0), model[0]);
        assert.equal(ring.at(model.length - 1), model.at(-1));
        assert.equal(ring.at(model.length), undefined);
      }
    }),
  );
});

test('frame log: push, evict and resize keep the newest frames exactly, findings and all, as a bounded FIFO, and count their bytes', () => {
  type Op =
    | { op: 'push'; frame: FrameRecord; encoded: boolean }
    | { op: 'evict'; bytes: number }
    | { op: 'resize'; capacity: number };
  let seq = 0;
  const frame = fc
    .record({
      at: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
      direction: fc.constantFrom<FrameRecord['direction']>('in', 'out'),
      // Any code point, and now and then a long text.
      text: fc.oneof(
        { weight: 9, arbitrary: fc.string({ unit: anyCodePoint, maxLength: 300 }) },
        { weight: 1, arbitrary: fc.string({ unit: anyCodePoint, minLength: 1000, maxLength: 40_000 }) },
      ),
      binary: fc.boolean(),
      eventType: fc.option(fc.constantFrom('RUN_STARTED', 'TEXT_MESSAGE_CONTENT'), { nil: null }),
      finding: fc.option(fc.constant({ rule: 'T2', title: 'Text message not started', message: 'no start' }), {
        nil: undefined,
      }),
      // Its UTF-8 handed over with it, as a broadcast does (encoded once for every receiver).
      encoded: fc.boolean(),
    })
    .map(({ finding, encoded, ...fields }): Op => {
      const record: FrameRecord = { seq: ++seq, size: fields.text.length, ...fields };
      if (finding) record.finding = finding as FrameRecord['finding'];
      return { op: 'push', frame: record, encoded };
    });
  const ops = fc.array(
    fc.oneof(
      { weight: 6, arbitrary: frame },
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 600 }).map((bytes): Op => ({ op: 'evict', bytes })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }).map((capacity): Op => ({ op: 'resize', capacity })) },
    ),
    { maxLength: 200 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), ops, (initial, list) => {
      const log = new FrameLog(initial);
      const model: FrameRecord[] = [];
      let capacity = initial;
      const amount = (frames: FrameRecord[]) => ({
        items: frames.length,
        bytes: frames.reduce((sum, each) => sum + frameBytes(each), 0),
      });
      for (const step of list) {
        if (step.op === 'push') {
          model.push(step.frame);
          const dropped = model.length > capacity ? amount(model.splice(0, 1)).bytes : 0;
          // Its own shared text: the budget counts it in full, with the frame.
          const shared = step.encoded ? new SharedText(step.frame.text) : undefined;
          assert.equal(log.push(step.frame, frameBytes(step.frame), shared), frameBytes(step.frame) - dropped);
        } else if (step.op === 'evict') {
          // The oldest frames whose bytes first reach the amount asked for (all of them if they never do).
          let count = 0;
          let freed = 0;
          while (freed < step.bytes && count < model.length) freed += frameBytes(model[count++] as FrameRecord);
          assert.deepEqual(log.evictOldest(step.bytes), amount(model.splice(0, count)));
        } else {
          capacity = step.capacity;
          assert.deepEqual(log.resize(capacity), amount(model.splice(0, Math.max(0, model.length - capacity))));
        }
        assert.equal(log.retainedBytes, amount(model).bytes);
        assert.deepEqual(log.toArray(), model);
        assert.equal(log.size, model.length);
        // A page of the newest outgoing frames before the median seq, newest first, and how many there are.
        const before = model[model.length >> 1]?.seq ?? 0;
        const wanted = model.filter((each) => each.direction === 'out' && each.seq < before);
        const limit = 1 + (list.length % 4);
        assert.deepEqual(
          log.newest(limit, (seq, direction) => direction === 'out' && seq < before),
          { items: wanted.slice(-limit).reverse(), total: wanted.length },
        );
      }
    }),
  );
});

test('frame logs sharing texts: the budget counts each shared text once, exactly, whichever way its frames go', () => {
  // A few texts each sent to several logs, as broadcasts are: small ones (copied into each log) and large ones
  // (kept as they are, one buffer for every log), any code point.
  const pool = fc.array(
    fc.oneof(
      fc.string({ unit: anyCodePoint, maxLength: 300 }),
      fc.string({ unit: anyCodePoint, minLength: 1400, maxLength: 12_000 }),
    ),
    { minLength: 1, maxLength: 4 },
  );
  const log = fc.integer({ min: 0, max: 2 });
  const ops = fc.array(
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({ op: fc.constant('push' as const), log, text: fc.nat(), finding: fc.boolean() }),
      },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('evict' as const), log, bytes: fc.nat({ max: 40_000 }) }) },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant('resize' as const), log, capacity: fc.integer({ min: 1, max: 8 }) }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), log }) },
    ),
    { maxLength: 150 },
  );
  fc.assert(
    fc.property(pool, ops, (texts, list) => {
      const shared = texts.map((text, index) => new SharedText(`${index} ${text}`));
      const logs = [new FrameLog(5), new FrameLog(5), new FrameLog(5)];
      // What the budget would count: the sum of what the logs said they added, less what they said went.
      let counted = 0;
      let seq = 0;
      const expected = () => {
        let bytes = 0;
        const held = new Map<SharedText, number>();
        for (const each of logs) {
          for (const frame of each.toArray()) {
            bytes += frameBytes(frame);
            const text = shared.find((candidate) => candidate.utf8.toString() === frame.text) as SharedText;
            // Kept as it is: over 4 KiB of UTF-8.
            if (text.utf8.length > 4096) held.set(text, (held.get(text) ?? 0) + 1);
          }
        }
        for (const [text, holders] of held) bytes -= (holders - 1) * text.retainedBytes;
        for (const text of shared) assert.equal(text.holders, held.get(text) ?? 0, 'the frames kept holding it');
        return bytes;
      };
      for (const step of list) {
        const target = logs[step.log] as FrameLog;
        if (step.op === 'push') {
          const text = shared[step.text % shared.length] as SharedText;
          const frame: FrameRecord = {
            seq: ++seq,
            at: seq,
            direction: 'out',
            size: text.utf8.length,
            text: text.utf8.toString(),
            binary: false,
            eventType: null,
          };
          if (step.finding) frame.finding = { rule: 'T2', title: 'Text message not started', message: 'no start' };
          counted += target.push(frame, frameBytes(frame), text);
        } else if (step.op === 'evict') counted -= target.evictOldest(step.bytes).bytes;
        else if (step.op === 'resize') counted -= target.resize(step.capacity).bytes;
        else counted -= target.clear().bytes;
        assert.equal(counted, expected());
      }
      for (const each of logs) counted -= each.clear().bytes;
      assert.equal(counted, 0, 'nothing is counted once no log keeps anything');
      assert.ok(shared.every((text) => text.holders === 0));
    }),
  );
});

test('large REST bodies (the out-of-memory repro, scaled down) keep the log within the budget, as bounded text', async () => {
  const server = await startTestEngine({ settings: { retainedMemoryBytes: 4 * MIB, logBodyBytes: 16 * 1024 } });
  const api = controlClient(server);
  const retention = async () => (await api.get<ServerInfo>('/server')).body.retention;
  // Each body is ~64 kB of JSON, four times what the log keeps of one; 300 of them are 19 MB, over four times the
  // budget, which the old log (holding every parsed body) kept whole. (Larger bodies only cost the test more: the
  // log keeps 16 kB of each whatever its size.)
  const body = JSON.stringify({ theme: 'dark', notes: 'n'.repeat(64_000) });
  for (let i = 0; i < 300; i++) {
    const response = await fetch(`${server.url}/users/me/preferences?user_id=nobody`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.ok(response.status >= 400 && response.status < 500, `refused, not failed (${response.status})`);
    await response.arrayBuffer();
    if (i % 50 === 49) {
      const stats = await retention();
      assert.ok(stats.usedBytes <= stats.limitBytes, `within the budget after ${i + 1}: ${stats.usedBytes}`);
    }
  }
  const stats = await retention();
  assert.equal(stats.limitBytes, 4 * MIB);
  assert.ok(stats.usedBytes <= stats.limitBytes);
  assert.ok(stats.evicted.requestBodies.items > 0, 'old bodies were evicted');
  assert.equal(stats.evicted.requests.items, 0, 'entries without their bodies fit: none was evicted whole');

  const page = (await api.get<RequestLogPage<RequestLogEntry>>('/requests')).body;
  assert.equal(page.total, 300);
  assert.equal(page.log.kept, 300);
  assert.equal(page.log.bodiesEvictedForMemory, stats.evicted.requestBodies.items);
  assert.equal(page.log.retainedBytes, stats.usedBytes, 'the request log is all the engine retains here');
  const [newest] = page.items;
  const oldest = page.items.at(-1);
  assert.ok(newest?.requestBody && oldest?.requestBody);
  // The newest keeps the first 16 kB of the JSON text as it arrived; the full size stays visible.
  assert.equal(newest.requestBody.truncated, true);
  assert.equal(newest.requestBody.evicted, false);
  assert.equal(newest.requestBody.size, Buffer.byteLength(body));
  assert.equal(newest.requestBody.text, body.slice(0, 16 * 1024));
  assert.ok(Buffer.byteLength(newest.responseBody?.text ?? '') <= 16 * 1024);
  // The oldest lost its bodies to the budget, and says so.
  assert.deepEqual(oldest.requestBody, {
    text: '',
    size: Buffer.byteLength(body),
    truncated: true,
    described: false,
    evicted: true,
  });
  assert.equal((await api.get<RequestLogEntry>(`/requests/${oldest.id}`)).body.requestBody?.evicted, true);
});

test('request bodies are logged as the text that arrived, cut at logBodyBytes on a character boundary', async () => {
  const server = await startTestEngine({ settings: { logBodyBytes: 1024 } });
  const api = controlClient(server);
  const put = (body: string) =>
    fetch(`${server.url}/users/me/preferences?user_id=koen`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    }).then((response) => response.arrayBuffer());
  const spaced = '{ "theme" :   "dark" }';
  await put(spaced);
  // 'é' is two bytes: 1,024 bytes would end in the middle of one after the 23 bytes before it.
  const accented = JSON.stringify({ theme: 'light', note: 'é'.repeat(2000) });
  await put(accented);
  const { items } = (await api.get<RequestLogPage<RequestLogEntry>>('/requests')).body;
  const [second, first] = items;
  assert.deepEqual(first?.requestBody, {
    text: spaced,
    size: spaced.length,
    truncated: false,
    described: false,
    evicted: false,
  });
  const cut = second?.requestBody;
  assert.ok(cut);
  assert.equal(cut.truncated, true);
  assert.equal(cut.size, Buffer.byteLength(accented));
  assert.ok(accented.startsWith(cut.text), 'a start of the text as sent');
  assert.ok(!cut.text.includes('\uFFFD'), 'no character cut in half');
  assert.equal(Buffer.byteLength(cut.text), 1023, 'the whole characters that fit in 1,024 bytes');
});

test('a frame flood with a small budget: closed connections go first, open ones keep their newest frames', async () => {
  const server = await startTestEngine({ settings: { retainedMemoryBytes: 2 * MIB } });
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.length > 0);
  const retention = async () => (await api.get<ServerInfo>('/server')).body.retention;
  const connections = async (state: string) =>
    (await api.get<ItemsPage<ConnectionSummary>>(`/connections?state=${state}`)).body.items;

  // Four connections that said a little and left.
  for (let i = 0; i < 4; i++) {
    const client = await openSocket(server.wsUrl);
    await exchange(client, 3, 100);
    client.socket.close(1000);
  }
  await eventually(async () => (await connections('closed')).length === 4, 'four closed connections');
  const closedIds = (await connections('closed')).map((connection) => connection.id);
  // Announced to the feed before they are evicted (the feed never names the removal of a connection it never named).
  await feed.waitFor(() =>
    closedIds.every((id) => feed.items.some((i) => i.type === 'connection-closed' && i.connection.id === id)),
  );
  // One quiet open connection and five noisy ones.
  const quiet = await openSocket(server.wsUrl);
  await exchange(quiet, 2, 100);
  const noisy = await Promise.all(Array.from({ length: 5 }, () => openSocket(server.wsUrl)));
  assert.equal((await retention()).evicted.closedConnections.items, 0, 'nothing evicted while under the budget');

  // About 5 × 120 × 8 kB = 5 MB of frames, over twice the budget.
  await Promise.all(noisy.map((client) => exchange(client, 120, 4000)));

  const stats = await retention();
  assert.ok(stats.usedBytes <= stats.limitBytes, `within the budget: ${stats.usedBytes} of ${stats.limitBytes}`);
  assert.equal(stats.evicted.closedConnections.items, 4, 'every closed connection went first');
  assert.ok(stats.evicted.openConnectionFrames.items > 0, 'then old frames of open connections');
  assert.equal(stats.evicted.requestBodies.items + stats.evicted.requests.items, 0);
  assert.deepEqual(await connections('closed'), []);
  await feed.waitFor(
    () => closedIds.every((id) => feed.items.some((i) => i.type === 'connection-removed' && i.connectionId === id)),
    10_000,
  );

  const open = await connections('open');
  assert.equal(open.length, 6);
  // The engine's accounting adds up: what it counts is exactly what the open connections hold.
  assert.equal(
    open.reduce((sum, connection) => sum + connection.frameLog.retainedBytes, 0),
    stats.usedBytes,
  );
  for (const connection of open) {
    const { frameLog, counters } = connection;
    const sent = counters.framesIn + counters.framesOut;
    const { body } = await api.get<ItemsPage<FrameRecord>>(`/connections/${connection.id}/frames?limit=10000`);
    assert.equal(body.items.length, frameLog.kept);
    assert.equal(body.items[0]?.seq, sent, 'the newest frame is kept');
    if (frameLog.retainedBytes < 10_000) {
      assert.equal(frameLog.evictedForMemory, 0, 'the quiet connection keeps its whole log');
      assert.equal(frameLog.kept, sent);
      continue;
    }
    assert.ok(frameLog.evictedForMemory > 0, 'a noisy connection gave up frames');
    assert.equal(body.items.at(-1)?.seq, frameLog.evictedForMemory + 1, 'only the oldest went, in order');
    assert.equal(frameLog.kept + frameLog.evictedForMemory, sent);
    assert.ok(frameLog.kept > 0);
  }
  assert.equal(open.filter((connection) => connection.frameLog.evictedForMemory > 0).length, 5);
  for (const client of [quiet, ...noisy]) client.socket.close();
  feed.close();
});

test('the closed connections kept follow the budget; a lower budget evicts at once; frames dropped for size are released', async () => {
  const server = await startTestEngine({ settings: { retainedMemoryBytes: MIB } });
  const api = controlClient(server);
  const closedCount = async () => (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=closed')).body.total;
  const retention = async () => (await api.get<ServerInfo>('/server')).body.retention;
  for (let i = 0; i < 25; i++) {
    const client = await openSocket(server.wsUrl);
    await exchange(client, 1, 10);
    client.socket.close(1000);
    await eventually(async () => (await closedCount()) === Math.min(i + 1, 20), `closed connection ${i + 1} listed`);
  }
  assert.equal(await closedCount(), 20, 'one per MiB of budget, at least 20');
  assert.equal((await retention()).evicted.closedConnections.items, 0, 'a count limit, not a budget eviction');

  assert.equal((await api.patch('/server/settings', { retainedMemoryBytes: 32 * MIB })).status, 200);
  const open = await openSocket(server.wsUrl);
  await exchange(open, 200, 4000);
  const before = await retention();
  assert.ok(before.usedBytes > 1.5 * MIB, `${before.usedBytes} retained`);
  assert.equal(before.evicted.openConnectionFrames.items, 0);

  assert.equal((await api.patch('/server/settings', { retainedMemoryBytes: 1000 })).status, 422, 'below 1 MiB');
  assert.equal((await api.patch('/server/settings', { retainedMemoryBytes: MIB })).status, 200);
  const lowered = await retention();
  assert.ok(lowered.usedBytes <= MIB, `${lowered.usedBytes} retained`);
  assert.equal(lowered.evicted.closedConnections.items, 20);
  assert.ok(lowered.evicted.openConnectionFrames.items > 0);
  assert.equal(await closedCount(), 0);

  const connection = async () =>
    (await api.get<ItemsPage<ConnectionSummary>>('/connections?state=open')).body.items[0]?.frameLog;
  const keptBefore = (await connection())?.kept ?? 0;
  assert.ok(keptBefore > 10);
  await api.patch('/server/settings', { frameBufferSize: 10 });
  const frameLog = await connection();
  assert.equal(frameLog?.kept, 10);
  assert.equal(frameLog?.droppedForSize, keptBefore - 10);
  assert.equal((await retention()).usedBytes, frameLog?.retainedBytes, 'what was dropped was released');
  open.socket.close();
});

test("frame log: the texts are kept outside V8's heap, and their chunks go with the frames", async () => {
  const collect = garbageCollector();
  const log = new FrameLog(10_000);
  const frames = 4000;
  let textBytes = 0;
  let last = '';
  const buffersBefore = await settledArrayBuffers();
  const before = process.memoryUsage();
  for (let seq = 1; seq <= frames; seq++) {
    const text = JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', messageId: `m${seq}`, delta: 'ä'.repeat(1000) });
    textBytes += Buffer.byteLength(text);
    last = text;
    const frame: FrameRecord = { seq, at: seq, direction: 'out', size: 0, text, binary: false, eventType: null };
    log.push(frame, frameBytes(frame));
  }
  collect();
  const kept = process.memoryUsage();
  // The strings pushed are garbage now: the heap holds the columns, a few bytes a frame.
  assert.ok(kept.heapUsed - before.heapUsed < textBytes / 8, `heap grew ${kept.heapUsed - before.heapUsed} B`);
  assert.ok(kept.arrayBuffers - buffersBefore >= textBytes, `chunks hold ${textBytes} B of text`);
  assert.equal(log.toArray().at(-1)?.text, last);
  log.evictOldest(Number.POSITIVE_INFINITY);
  assert.ok((await settledArrayBuffers()) - buffersBefore < textBytes / 8, 'the chunks went with them');
});

test('a page of frames holds at most 32 MiB of their text: the older ones are counted, and come with the next page', async () => {
  const server = await startTestEngine({ template: 'echo' });
  const api = controlClient(server);
  const { socket, received } = await openSocket(`${server.url.replace('http', 'ws')}/big`);
  // 17 frames of a MiB in, 17 echoed out: 34 MiB of text. Megabyte frames of control characters, six characters
  // each in JSON, made a page of the default 200 longer than a string can be: a 500 instead of the frames.
  const frame = 'x'.repeat(MIB - 32);
  for (let index = 0; index < 17; index++) {
    socket.send(frame);
    // One at a time: an echo is skipped while more than a MiB waits unsent to its client (as for any slow client),
    // and this client shares the engine's process, so on a busy machine a burst of echoes lost one now and then.
    await eventually(() => received() === index + 1, `echo ${index + 1} to arrive`);
  }
  const [connection] = (await api.get<ItemsPage<ConnectionSummary>>('/connections')).body.items;
  assert.ok(connection);
  const first = await api.get<ItemsPage<FrameRecord>>(`/connections/${connection.id}/frames?limit=10000`);
  assert.equal(first.status, 200);
  assert.equal(first.body.total, 34);
  const text = (page: ItemsPage<FrameRecord>) => page.items.reduce((sum, item) => sum + item.text.length, 0);
  assert.ok(text(first.body) <= 32 * MIB, `${text(first.body)} characters`);
  assert.equal(first.body.items.length, 32, 'the newest frames that fit');
  const oldest = first.body.items.at(-1)?.seq;
  const next = await api.get<ItemsPage<FrameRecord>>(`/connections/${connection.id}/frames?before=${oldest}`);
  assert.deepEqual(
    next.body.items.map((item) => item.seq),
    [2, 1],
  );
  socket.close();
});

test('a page of full logged requests holds at most 64 MiB as the budget counts them: summaries list them all', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.equal((await api.patch('/server/settings', { logBodyBytes: MIB })).status, 200);
  // 33 requests keeping a MiB of text each (2 MiB as the budget counts). Megabyte bodies of control characters, six
  // characters each in JSON, made the whole log one string longer than V8 allows: GET /requests answered 500.
  const body = 'x'.repeat(MIB - 64);
  for (let index = 0; index < 33; index++) {
    const response = await fetch(`${server.url}/nothing-here`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    assert.equal(response.status, 404);
  }
  await eventually(() => server.context.requestLog.size === 33, 'every request to be logged');
  const full = await api.get<RequestLogPage>('/requests');
  assert.equal(full.status, 200);
  assert.equal(full.body.total, 33);
  assert.equal(full.body.items.length, 31, 'the newest that fit');
  assert.equal(full.body.items[0]?.id, 33);
  assert.equal((full.body.items as RequestLogEntry[])[0]?.requestBody?.text.length, MIB - 64);
  const summaries = await api.get<RequestLogPage>('/requests?view=summary');
  assert.equal(summaries.body.items.length, 33);
  assert.equal((await api.get<RequestLogEntry>('/requests/1')).body.requestBody?.text.length, MIB - 64);
});
