import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { controlClient } from './helpers/control-client';
import { filesOpenIn } from './helpers/open-files';
import { eventually } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Opening a FIFO for reading waits for a writer inside one of libuv's few file-system threads: a handful of such
// requests used to hold them all and hang unrelated file work. Only regular files inside their folder are sent,
// decided before anything is opened. A hang is caught by a guard, never judged by a short time.

/** A guard against a hang: a FIFO that was opened would wait for ever, so any finite guard catches it. */
const GUARD_MS = 15_000;

const dir = await workspaceDir();
const site = join(dir, 'site');
mkdirSync(join(site, 'folder'), { recursive: true });
writeFileSync(join(site, 'hello.txt'), 'hello');
writeFileSync(join(site, 'app.js'), 'console.log(1)');
writeFileSync(join(site, 'app.js.gz'), gzipSync('console.log("zipped")'));
execFileSync('mkfifo', [join(site, 'fifo')]);
const hasZero = existsSync('/dev/zero');
if (hasZero) symlinkSync('/dev/zero', join(site, 'zero'));
// A regular file outside the workspace folder, reached through a link inside it.
const outside = join(dir, '..', `outside-${process.pid}.txt`);
writeFileSync(outside, 'secret');
after(() => rm(outside, { force: true }));
symlinkSync(outside, join(site, 'secret'));
// Links that lead back to themselves: stat fails with ELOOP.
symlinkSync('loop', join(site, 'loop'));
symlinkSync('ping', join(site, 'pong'));
symlinkSync('pong', join(site, 'ping'));
const socketServer = createServer();
await new Promise<void>((done) => socketServer.listen(join(site, 'socket'), done));
after(() => new Promise<void>((done) => socketServer.close(() => done())));

const file = join(dir, 'fifo.agui.json');
writeFileSync(
  file,
  JSON.stringify({
    version: 2,
    name: 'fifo',
    routes: [
      { id: 'fr2', path: '/fr2/:name', responses: [{ id: 'file', body: { file: 'site/{{params.name}}' } }] },
      {
        id: 'drip',
        path: '/drip/:name',
        responses: [
          { id: 'file', body: { file: 'site/{{params.name}}' }, fault: { type: 'drip', chunks: 1, durationMs: 1 } },
        ],
      },
    ],
    staticFolders: [{ id: 'site', path: '/site', folder: 'site' }],
  }),
);
const server = await startWorkspaceEngine(dir, file);

/** `promise`, or a failure naming `what` once the guard has passed. */
async function guarded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${GUARD_MS} ms (a hang)`)), GUARD_MS);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function get(path: string, init: RequestInit = {}) {
  return guarded(
    (async () => {
      const response = await fetch(`${server.url}${path}`, init);
      return { status: response.status, text: await response.text(), headers: response.headers };
    })(),
    path,
  );
}

test('regular files are served as before (content type, HEAD, a .gz twin)', async () => {
  for (const path of ['/site/hello.txt', '/fr2/hello.txt', '/drip/hello.txt']) {
    const answer = await get(path);
    assert.equal(answer.status, 200, path);
    assert.equal(answer.text, 'hello', path);
    assert.equal(answer.headers.get('content-type'), 'text/plain; charset=utf-8', path);
  }
  const head = await get('/site/hello.txt', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '5');
  assert.equal(head.text, '');
  const zipped = await get('/site/app.js', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(zipped.headers.get('content-encoding'), 'gzip');
  assert.equal(zipped.text, 'console.log("zipped")');
  // The type is the plain file's; a cache told the answer depends on the encoding keeps it from other clients.
  for (const path of ['/site/app.js', '/fr2/app.js']) {
    const twin = await get(path, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(twin.headers.get('content-type'), 'text/javascript; charset=utf-8', path);
    assert.equal(twin.headers.get('vary'), 'Accept-Encoding', path);
  }
});

test('a FIFO, a socket and a folder are refused at once, as not found', async () => {
  for (const path of ['/site/fifo', '/site/socket', '/site/folder', '/site/fifo/']) {
    const answer = await get(path);
    assert.equal(answer.status, 404, path);
    assert.deepEqual(JSON.parse(answer.text), { detail: 'Not Found' }, path);
  }
  const kinds: [string, RegExp][] = [
    ['fifo', /is not a regular file \(it is a named pipe \(FIFO\)\)/],
    ['socket', /is not a regular file \(it is a socket\)/],
  ];
  for (const [name, detail] of kinds) {
    for (const prefix of ['/fr2', '/drip']) {
      const answer = await get(`${prefix}/${name}`);
      assert.equal(answer.status, 404, `${prefix}/${name}`);
      assert.match(JSON.parse(answer.text).detail, detail, `${prefix}/${name}`);
    }
  }
  assert.equal((await get('/fr2/folder')).status, 404);
  assert.match(JSON.parse((await get('/drip/folder')).text).detail, /is not a regular file \(it is a folder\)/);
});

test('a link out of the folder is refused, to a device or to a file, by static folders and routes alike', async () => {
  const links = hasZero ? ['secret', 'zero'] : ['secret'];
  for (const name of links) {
    const folder = await get(`/site/${name}`);
    assert.deepEqual(
      [folder.status, JSON.parse(folder.text)],
      [403, { detail: `Static folder site: file "${name}" is reached through a link out of its folder` }],
      name,
    );
    for (const prefix of ['/fr2', '/drip']) {
      const answer = await get(`${prefix}/${name}`);
      assert.equal(answer.status, 403, `${prefix}/${name}`);
      assert.match(JSON.parse(answer.text).detail, /is reached through a link out of its folder/);
      assert.doesNotMatch(answer.text, /secret"?$/);
    }
  }
});

test('many FIFO requests at once leave file work free: files are served, the workspace saves', async () => {
  const fifos = await Promise.all(
    Array.from({ length: 8 }, (_, i) => get(i % 2 ? '/site/fifo' : '/fr2/fifo', { method: i % 4 ? 'GET' : 'HEAD' })),
  );
  for (const answer of fifos) assert.equal(answer.status, 404);
  const served = await get('/site/hello.txt');
  assert.deepEqual([served.status, served.text], [200, 'hello']);
  const saved = await guarded(controlClient(server).post('/workspace/save'), 'the workspace save');
  assert.equal(saved.status, 200);
});

test('a HEAD, a client gone mid-file and a refusal leave no descriptor open', async () => {
  // A descriptor left open is closed in the end by the garbage collector, which says so: that is a leak too.
  const closedByGc: string[] = [];
  const onWarning = (warning: Error) => {
    if (/on garbage collection/.test(warning.message)) closedByGc.push(warning.message);
  };
  process.on('warning', onWarning);
  after(() => process.off('warning', onWarning));
  writeFileSync(join(site, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 'b'));
  for (const path of ['/site/big.bin', '/fr2/big.bin', '/drip/big.bin', '/site/hello.txt']) {
    assert.equal((await get(path, { method: 'HEAD' })).status, 200, path);
  }
  for (const path of ['/site/big.bin', '/fr2/big.bin', '/drip/big.bin']) await goneAfterHead(path);
  assert.equal((await get('/drip/hello.txt')).status, 200);
  assert.equal((await get('/site/fifo')).status, 404);
  await eventually(() => filesOpenIn(site).length === 0, `no descriptor open in ${site}: ${filesOpenIn(site)}`);
  // A warning is emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(closedByGc, []);
});

/** GETs `path` and closes the connection once the response's head is in, the body mostly unsent. */
function goneAfterHead(path: string): Promise<void> {
  return guarded(
    new Promise<void>((resolve) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.on('data', () => socket.destroy());
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    }),
    path,
  );
}

test('a link that leads back to itself is not found, by static folders and routes alike, never a 500', async () => {
  for (const name of ['loop', 'ping', 'loop/x']) {
    const folder = await get(`/site/${name}`);
    assert.deepEqual([folder.status, JSON.parse(folder.text)], [404, { detail: 'Not Found' }], name);
    for (const prefix of ['/fr2', '/drip']) {
      // A route's parameter is one segment: `loop/x` goes in encoded.
      const answer = await get(`${prefix}/${encodeURIComponent(name)}`);
      assert.equal(answer.status, 404, `${prefix}/${name}`);
      assert.match(JSON.parse(answer.text).detail, /not found: a symbolic link on its way leads back to itself$/);
    }
  }
});

test('a name longer than the file system takes is not found, a fault playing it too, never a 500', async () => {
  const name = 'a'.repeat(300);
  assert.deepEqual((await get(`/site/${name}`)).status, 404);
  for (const prefix of ['/fr2', '/drip']) {
    const answer = await get(`${prefix}/${name}`);
    assert.equal(answer.status, 404, prefix);
    assert.match(JSON.parse(answer.text).detail, /file "site\/a+" not found$/, prefix);
  }
});

test('a file the engine may not read is refused 403 saying so, not a 500', async (t) => {
  // A sysctl only root may write and nobody may read: even root's open for reading is refused (EACCES).
  const folder = '/proc/sys/vm';
  const name = 'compact_memory';
  try {
    closeSync(openSync(join(folder, name), 'r'));
    t.skip(`${folder}/${name} can be read here: no file this process may not read`);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES') {
      t.skip(`${folder}/${name}: ${(error as Error).message}`);
      return;
    }
  }
  const api = controlClient(server);
  assert.equal((await api.post('/static-folders', { id: 'vm', path: '/vm', folder })).status, 201);
  try {
    const answer = await get(`/vm/${name}`);
    assert.equal(answer.status, 403, answer.text);
    assert.match(JSON.parse(answer.text).detail, /file "compact_memory" cannot be read by the engine \(EACCES/);
  } finally {
    assert.equal((await api.delete('/static-folders/vm')).status, 204);
  }
});
