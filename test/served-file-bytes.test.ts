import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { DRIP_HELD_FILE_MAX_BYTES } from '../src/server/routes/fault-body';
import { controlClient } from './helpers/control-client';
import { errorLogger } from './helpers/error-logger';
import { eventually, WAIT_MS } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A file a static folder or a route sends is announced with the Content-Length it had when it was looked at. One
// that grew while it was sent (a log being written) used to send its new bytes after that length, where the client
// reads the next response on the connection; one that shrank left a keep-alive client waiting for the missing bytes
// until the connection's idle timeout (here ten minutes) closed it. A route's fault that plays a file (drip,
// malformed, reset, empty) used to read it whole first: past 2 GiB a 500, below it that much memory per request.

/** Large enough that the client's unread socket buffers hold only part of it when the file changes. */
const FILE_BYTES = 32 * 1024 * 1024;

const dir = await workspaceDir();
mkdirSync(join(dir, 'site'));
const file = join(dir, 'files.agui.json');
writeFileSync(
  file,
  JSON.stringify({
    version: 2,
    name: 'files',
    routes: [
      { id: 'file', path: '/file/:name', responses: [{ id: 'file', body: { file: 'site/{{params.name}}' } }] },
      ...['drip', 'malformed', 'reset', 'empty'].map((fault) => ({
        id: fault,
        path: `/${fault}/:name`,
        responses: [
          {
            id: 'file',
            body: { file: 'site/{{params.name}}' },
            fault: fault === 'drip' ? { type: fault, chunks: 2, durationMs: 100 } : { type: fault },
          },
        ],
      })),
      {
        id: 'drip-slow',
        path: '/drip-slow/:name',
        responses: [
          {
            id: 'file',
            body: { file: 'site/{{params.name}}' },
            fault: { type: 'drip', chunks: 2, durationMs: 600_000 },
          },
        ],
      },
      {
        id: 'drip-text',
        path: '/drip-text',
        responses: [
          { id: 'text', body: { text: 'a'.repeat(1000) }, fault: { type: 'drip', chunks: 2, durationMs: 100 } },
        ],
      },
      {
        id: 'drip-echo',
        method: 'POST',
        path: '/drip-echo',
        responses: [
          { id: 'text', body: { text: '{{body.t}}{{body.t}}' }, fault: { type: 'drip', chunks: 2, durationMs: 100 } },
        ],
      },
    ],
    staticFolders: [{ id: 'site', path: '/site', folder: 'site' }],
  }),
);
const { logger, errors } = errorLogger();
const server = await startWorkspaceEngine(dir, file, {
  logger,
  settings: { keepAliveTimeoutMs: 600_000, maxBodyBytes: 64 * 1024 * 1024 },
});
const port = Number(new URL(server.url).port);

interface Received {
  contentLength: number;
  bodyBytes: number;
  /** Body bytes other than the "a" the files are written with. */
  otherBytes: number;
}

function otherThanA(bytes: Buffer): number {
  let count = 0;
  for (const byte of bytes) if (byte !== 0x61) count++;
  return count;
}

/**
 * GETs `path` on a raw connection, stops reading once the response's head is in, calls `change` (the file changes
 * while its response is being sent), then reads on until the server closes the connection. Fails after `WAIT_MS`.
 */
function getWhileChanging(path: string, change: () => void, headers = ''): Promise<Received> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let head = Buffer.alloc(0);
    let received: Received | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${path}: the connection was still open after ${WAIT_MS} ms (${JSON.stringify(received)})`));
    }, WAIT_MS);
    socket.on('data', (data: Buffer) => {
      if (received) {
        received.bodyBytes += data.length;
        received.otherBytes += otherThanA(data);
        return;
      }
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const contentLength = Number(/content-length: (\d+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1]);
      const body = head.subarray(end + 4);
      received = { contentLength, bodyBytes: body.length, otherBytes: otherThanA(body) };
      socket.pause();
      change();
      socket.resume();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      if (received) resolve(received);
      else reject(new Error(`${path}: closed before a response head`));
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
  });
}

for (const [mount, prefix] of [
  ['a static folder', '/site'],
  ['a route', '/file'],
  ['a drip fault', '/drip'],
] as const) {
  test(`${mount}: a file that grows while it is sent sends its announced length, nothing after it`, async () => {
    const name = `${prefix.slice(1)}-grows.log`;
    writeFileSync(join(dir, 'site', name), Buffer.alloc(FILE_BYTES, 'a'));
    const received = await getWhileChanging(
      `${prefix}/${name}`,
      () => appendFileSync(join(dir, 'site', name), Buffer.alloc(1024 * 1024, 'b')),
      'Connection: close\r\n',
    );
    assert.deepEqual(received, { contentLength: FILE_BYTES, bodyBytes: FILE_BYTES, otherBytes: 0 });
  });

  // A drip holds no descriptor between its pieces: what a rename does to it is tested after these.
  if (prefix !== '/drip')
    test(`${mount}: a file renamed over the one being sent sends none of its bytes`, async () => {
      const name = `${prefix.slice(1)}-replaced.log`;
      writeFileSync(join(dir, 'site', name), Buffer.alloc(FILE_BYTES, 'a'));
      writeFileSync(join(dir, 'site', 'other.tmp'), Buffer.alloc(FILE_BYTES, 'b'));
      const received = await getWhileChanging(
        `${prefix}/${name}`,
        () => renameSync(join(dir, 'site', 'other.tmp'), join(dir, 'site', name)),
        'Connection: close\r\n',
      );
      assert.deepEqual(received, { contentLength: FILE_BYTES, bodyBytes: FILE_BYTES, otherBytes: 0 });
    });

  test(`${mount}: a file that shrinks while it is sent drops the connection rather than leave it waiting`, async () => {
    const name = `${prefix.slice(1)}-shrinks.log`;
    writeFileSync(join(dir, 'site', name), Buffer.alloc(FILE_BYTES, 'a'));
    const received = await getWhileChanging(`${prefix}/${name}`, () => truncateSync(join(dir, 'site', name), 10));
    assert.equal(received.contentLength, FILE_BYTES);
    assert.ok(received.bodyBytes < FILE_BYTES, `${received.bodyBytes} bytes`);
    // Said once in the engine's log, though Koa reports it twice (the body's error, then the response's).
    const said = () => errors.filter((line) => line.includes(`${prefix}/${name}`));
    await eventually(() => said().length > 0, 'the error in the log');
    await eventually(
      async () =>
        (await controlClient(server).get<{ total: number }>(`/requests?path=${prefix}/${name}&view=summary`)).body
          .total > 0,
      'the request in the request log',
    );
    assert.equal(said().length, 1, said().join('\n'));
  });
}

test('a drip of a file too large to hold, renamed over or removed meanwhile, drops the connection', async () => {
  // A drip fault once read each piece by name: its second half was the other file's (the workspace file's keys,
  // say). Opened again for each piece, it is only ever the very file it was: the name is another file's, or none.
  const changes: [string, (path: string) => void, string][] = [
    ['renamed over', (path) => renameSync(join(dir, 'site', 'other.tmp'), path), 'another file was put in its place'],
    ['removed', (path) => rmSync(path), 'it was removed or renamed'],
  ];
  for (const [change, make, why] of changes) {
    const name = `reopened-${change.replace(' ', '-')}.log`;
    const path = join(dir, 'site', name);
    writeFileSync(path, Buffer.alloc(FILE_BYTES, 'a'));
    writeFileSync(join(dir, 'site', 'other.tmp'), Buffer.alloc(FILE_BYTES, 'b'));
    const received = await getWhileChanging(`/drip/${name}`, () => make(path), 'Connection: close\r\n');
    assert.equal(received.contentLength, FILE_BYTES, change);
    assert.ok(received.bodyBytes < FILE_BYTES, `${change}: ${received.bodyBytes} bytes`);
    assert.equal(received.otherBytes, 0, change);
    await eventually(
      () => errors.some((line) => line.includes(`/drip/${name}`) && line.includes(`next piece (${why})`)),
      `${change}: the dropped drip in the log`,
    );
  }
});

test('a drip of a file it holds whole sends the bytes the file had when its response began, whatever happens', async () => {
  // Each piece was read from the file as its turn came: rewritten meanwhile, the rest was the new text; cut
  // shorter, the connection dropped.
  const changes: [string, (path: string) => void][] = [
    ['rewritten in place', (path) => writeFileSync(path, Buffer.alloc(DRIP_HELD_FILE_MAX_BYTES, 'b'))],
    ['cut shorter', (path) => truncateSync(path, 10)],
    ['grown', (path) => appendFileSync(path, 'b')],
    ['renamed over', (path) => renameSync(join(dir, 'site', 'other.tmp'), path)],
    ['removed', (path) => rmSync(path)],
  ];
  for (const [change, make] of changes) {
    const name = `held-${change.replaceAll(' ', '-')}.txt`;
    const path = join(dir, 'site', name);
    writeFileSync(path, Buffer.alloc(DRIP_HELD_FILE_MAX_BYTES, 'a'));
    writeFileSync(join(dir, 'site', 'other.tmp'), Buffer.alloc(DRIP_HELD_FILE_MAX_BYTES, 'b'));
    const received = await getWhileChanging(`/drip/${name}`, () => make(path), 'Connection: close\r\n');
    const whole = { contentLength: DRIP_HELD_FILE_MAX_BYTES, bodyBytes: DRIP_HELD_FILE_MAX_BYTES, otherBytes: 0 };
    assert.deepEqual(received, whole, change);
  }
});

test('a drip gives back what it held of a file once it ends, played out or left by its client', async () => {
  const holdings = server.context.world.dripHoldings;
  const name = 'given-back.txt';
  writeFileSync(join(dir, 'site', name), Buffer.alloc(1000, 'a'));
  let heldWhilePlaying = -1;
  const received = await getWhileChanging(
    `/drip/${name}`,
    () => {
      heldWhilePlaying = holdings.heldBytes;
    },
    'Connection: close\r\n',
  );
  assert.equal(heldWhilePlaying, 1000);
  assert.equal(received.bodyBytes, 1000);
  await eventually(() => holdings.heldBytes === 0, 'the copy of the drip played out given back');

  // A drip of ten minutes whose client leaves once the head is in: its copy goes with it, not ten minutes later.
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`GET /drip-slow/${name} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  assert.equal(holdings.heldBytes, 1000);
  socket.destroy();
  await eventually(() => holdings.heldBytes === 0, 'the copy of the drip its client left given back');

  // A HEAD sends no body: the drip made for it is let go with its response.
  const head = await fetch(`${server.url}/drip-slow/${name}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '1000');
  await eventually(() => holdings.heldBytes === 0, 'the copy of the drip a HEAD made given back');
});

test('drips past what the engine lets them hold: a small file drips from the file, a text 503 saying why', async () => {
  const holdings = server.context.world.dripHoldings;
  const name = 'past-the-bound.txt';
  const path = join(dir, 'site', name);
  writeFileSync(path, Buffer.alloc(1000, 'a'));
  const text = await fetch(`${server.url}/drip-text`);
  assert.equal(await text.text(), 'a'.repeat(1000), 'within the bound, a text drips');
  await eventually(() => holdings.heldBytes === 0, 'the text drip given back');

  // Thousands of drips at once, as far as the bound is concerned.
  const othersGiveBack = holdings.take(holdings.limitBytes - 500);
  assert.ok(othersGiveBack);
  try {
    const refused = await fetch(`${server.url}/drip-text`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    const { detail } = (await refused.json()) as { detail: string };
    assert.match(detail, /drip-text.*hold all the engine lets drips hold \(64 MiB\).*1000 bytes.*try again/);

    // A file is read as it plays instead of held: another file put in its place is not sent.
    writeFileSync(join(dir, 'site', 'other.tmp'), Buffer.alloc(1000, 'b'));
    const received = await getWhileChanging(
      `/drip/${name}`,
      () => renameSync(join(dir, 'site', 'other.tmp'), path),
      'Connection: close\r\n',
    );
    assert.equal(holdings.heldBytes, holdings.limitBytes - 500);
    assert.equal(received.otherBytes, 0);
    assert.ok(received.bodyBytes < 1000, `${received.bodyBytes} bytes`);
  } finally {
    othersGiveBack();
  }
  const again = await fetch(`${server.url}/drip-text`);
  assert.equal(again.status, 200, 'once other drips end, a text drips again');
  await again.arrayBuffer();
});

test('a text drip larger than drips may hold at all: a 413 saying why, where waiting would never help', async () => {
  const holdings = server.context.world.dripHoldings;
  // 36 MB of three-byte characters, written twice: 72 MB of UTF-8, past the whole bound in bytes, not in characters.
  const tooLarge = await fetch(`${server.url}/drip-echo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ t: '€'.repeat(12_000_000) }),
  });
  assert.equal(tooLarge.status, 413);
  assert.equal(tooLarge.headers.get('retry-after'), null);
  const { detail } = (await tooLarge.json()) as { detail: string };
  assert.match(detail, /drip-echo.*72000000 bytes, more than the engine's drips may hold at all \(64 MiB\)/);
  assert.equal(holdings.heldBytes, 0);

  const small = await fetch(`${server.url}/drip-echo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ t: '€€' }),
  });
  assert.equal(small.status, 200);
  assert.equal(await small.text(), '€€€€');
  await eventually(() => holdings.heldBytes === 0, 'the small text drip given back');
});

test('a fault plays a file past 2 GiB as it plays a small one: nothing is read whole first', async () => {
  const name = 'huge.bin';
  // Sparse: 3 GiB long, no disk taken.
  writeFileSync(join(dir, 'site', name), '');
  truncateSync(join(dir, 'site', name), 3 * 1024 ** 3);
  const drip = await getHead(`/drip/${name}`);
  assert.match(drip, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(drip, /\r\ncontent-length: 3221225472\r\n/i);
  const malformed = await readUntilClosed(`/malformed/${name}`);
  assert.match(malformed.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
  // The corrupt chunk holds at most 1 MiB of the body.
  assert.ok(malformed.length < 1024 * 1024 + 1024, `${malformed.length} bytes`);
  for (const fault of ['reset', 'empty']) assert.equal((await readUntilClosed(`/${fault}/${name}`)).length, 0, fault);
});

/** The response head of a GET of `path`; the connection is dropped once it is in. */
function getHead(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${path}: no response head in ${WAIT_MS} ms`));
    }, WAIT_MS);
    socket.on('data', (data: Buffer) => {
      head += data.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(head.slice(0, end + 2));
    });
    socket.on('error', () => {});
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

/** Every byte the server sends in answer to a GET of `path`, until it closes the connection. */
function readUntilClosed(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${path}: the connection was still open after ${WAIT_MS} ms`));
    }, WAIT_MS);
    socket.on('data', (data: Buffer) => chunks.push(data));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}
