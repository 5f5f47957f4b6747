import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { WAIT_MS } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A file a static folder or a route sends is announced with the Content-Length it had when it was looked at. One
// that grew while it was sent (a log being written) used to send its new bytes after that length, where the client
// reads the next response on the connection; one that shrank left a keep-alive client waiting for the missing bytes
// until the connection's idle timeout (here ten minutes) closed it.

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
    routes: [{ id: 'file', path: '/file/:name', responses: [{ id: 'file', body: { file: 'site/{{params.name}}' } }] }],
    staticFolders: [{ id: 'site', path: '/site', folder: 'site' }],
  }),
);
const server = await startWorkspaceEngine(dir, file, { settings: { keepAliveTimeoutMs: 600_000 } });
const port = Number(new URL(server.url).port);

interface Received {
  contentLength: number;
  bodyBytes: number;
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
        return;
      }
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const contentLength = Number(/content-length: (\d+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1]);
      received = { contentLength, bodyBytes: head.length - end - 4 };
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
] as const) {
  test(`${mount}: a file that grows while it is sent sends its announced length, nothing after it`, async () => {
    const name = `${prefix.slice(1)}-grows.log`;
    writeFileSync(join(dir, 'site', name), Buffer.alloc(FILE_BYTES, 'a'));
    const received = await getWhileChanging(
      `${prefix}/${name}`,
      () => appendFileSync(join(dir, 'site', name), Buffer.alloc(1024 * 1024, 'b')),
      'Connection: close\r\n',
    );
    assert.deepEqual(received, { contentLength: FILE_BYTES, bodyBytes: FILE_BYTES });
  });

  test(`${mount}: a file that shrinks while it is sent drops the connection rather than leave it waiting`, async () => {
    const name = `${prefix.slice(1)}-shrinks.log`;
    writeFileSync(join(dir, 'site', name), Buffer.alloc(FILE_BYTES, 'a'));
    const received = await getWhileChanging(`${prefix}/${name}`, () => truncateSync(join(dir, 'site', name), 10));
    assert.equal(received.contentLength, FILE_BYTES);
    assert.ok(received.bodyBytes < FILE_BYTES, `${received.bodyBytes} bytes`);
  });
}
