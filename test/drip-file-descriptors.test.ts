import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DRIP_HELD_FILE_MAX_BYTES } from '../src/server/routes/fault-body';
import type { ItemsPage } from '../src/shared/control-api';
import type { RequestLogEntry } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { filesOpenIn } from './helpers/open-files';
import { openTcp, type TcpClient } from './helpers/tcp-client';
import { eventually } from './helpers/wait';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A drip of a file held the file's descriptor from its first piece to its last, up to ten minutes: a client with a
// few thousand drips open at once (within maxConnections) left the engine out of descriptors (EMFILE), and with it
// workspace saves, static files and new connections. Between pieces a drip now holds none.

/** Drips open at once: each used to hold a descriptor of its own. */
const DRIPS = 8;
/** Read whole when the response starts, as large as that may be; the other, one byte more, opened for each piece. */
const FILES = { 'held.txt': DRIP_HELD_FILE_MAX_BYTES, 'reopened.txt': DRIP_HELD_FILE_MAX_BYTES + 1 };

const dir = await workspaceDir();
const site = join(dir, 'site');
mkdirSync(site);
for (const [name, size] of Object.entries(FILES)) writeFileSync(join(site, name), Buffer.alloc(size, 'a'));
const file = join(dir, 'drip.agui.json');
writeFileSync(
  file,
  JSON.stringify({
    version: 2,
    name: 'drip',
    routes: [
      {
        id: 'drip',
        path: '/drip/:name',
        // The second piece ten minutes after the first: the test looks at the engine between the two.
        responses: [
          {
            id: 'file',
            body: { file: 'site/{{params.name}}' },
            fault: { type: 'drip', chunks: 2, durationMs: 600_000 },
          },
        ],
      },
    ],
  }),
);
const server = await startWorkspaceEngine(dir, file);
const port = Number(new URL(server.url).port);
const api = controlClient(server);

/** What the client has of the response's body so far (latin1 text; the files are all "a"). */
function bodyOf(client: TcpClient): string {
  const end = client.received.indexOf('\r\n\r\n');
  return end < 0 ? '' : client.received.slice(end + 4);
}

async function logged(path: string): Promise<RequestLogEntry[]> {
  const { body } = await api.get<ItemsPage<RequestLogEntry>>(`/requests?path=${encodeURIComponent(path)}`);
  return body.items.filter((item) => item.path === path);
}

for (const [name, size] of Object.entries(FILES)) {
  test(`${name}: drips of a file at once hold no descriptor on it between their pieces`, async () => {
    const path = `/drip/${name}`;
    const firstPiece = 'a'.repeat(Math.floor(size / 2));
    const clients = await Promise.all(Array.from({ length: DRIPS }, () => openTcp(port)));
    try {
      for (const client of clients) client.socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await eventually(
        () => clients.every((client) => bodyOf(client).length >= firstPiece.length),
        'the first piece of every drip',
      );
      await eventually(
        () => filesOpenIn(site).length === 0,
        `no descriptor open on ${name} between pieces (${filesOpenIn(site).length} open)`,
      );
      for (const client of clients) {
        assert.match(
          client.received,
          new RegExp(`^HTTP/1\\.1 200 OK\\r\\n[^]*\\r\\ncontent-length: ${size}\\r\\n`, 'i'),
        );
        // All of the first piece and nothing more: the drip is between its pieces.
        assert.equal(bodyOf(client), firstPiece);
      }
    } finally {
      for (const client of clients) client.socket.destroy();
    }
    // Logged as ever: when the client left, with the status sent and the fault.
    await eventually(async () => (await logged(path)).length === DRIPS, `${DRIPS} drips of ${name} in the log`);
    for (const entry of await logged(path)) {
      assert.equal(entry.status, 200);
      assert.deepEqual(entry.answeredBy, { kind: 'route', id: 'drip', responseId: 'file', fault: 'drip' });
    }
  });

  test(`${name}: a HEAD of a dripped file says its length, sends no body and leaves no descriptor`, async () => {
    const response = await fetch(`${server.url}/drip/${name}`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String(size));
    assert.equal(await response.text(), '');
    await eventually(() => filesOpenIn(site).length === 0, `no descriptor open on ${name} after a HEAD`);
  });
}
