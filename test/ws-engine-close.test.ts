import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchTraffic } from '../src/cli/terminal-output';
import type { ConnectionSummary } from '../src/shared/connections';
import type { ItemsPage } from '../src/shared/control-api';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { clientCloseFrame, clientFrame, openTcpWebSocket, serverClose } from './helpers/tcp-websocket';
import { eventually } from './helpers/wait';

// A close the engine starts (a rules action, the console) is what the console records, whatever the client answers:
// its own code, or nothing at all (ws then gives up after 30 s and says 1006); what the client sends after it is
// logged, never handled. Raw TCP clients, since a library client echoes the engine's code at once.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);
for (const definition of [
  { id: 'echo', path: '/echo/:test', behaviour: { type: 'echo' } },
  { id: 'agui', path: '/agui/:test', behaviour: { type: 'agui' } },
  {
    id: 'bye',
    path: '/bye/:test',
    behaviour: {
      type: 'rules',
      rules: [{ id: 'bye', match: { text: '^bye' }, reply: [], close: { code: 4000, reason: 'bye now' } }],
    },
  },
]) {
  const created = await api.post('/sockets', definition);
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

/** The connection on `path` (each test a path of its own), as the console's API lists it. */
async function listed(path: string): Promise<ConnectionSummary> {
  const page = await api.get<ItemsPage<ConnectionSummary>>(`/connections?path=${encodeURIComponent(path)}`);
  assert.equal(page.body.items.length, 1, `one connection on ${path}`);
  return page.body.items[0] as ConnectionSummary;
}

/** Waits for the connection on `path` to be closed, as the console lists it. */
async function closedAt(path: string): Promise<ConnectionSummary> {
  await eventually(async () => (await listed(path)).state === 'closed', `the engine to see ${path} closed`);
  return listed(path);
}

test("a rules close answered with the client's own code is recorded with the engine's code and reason", async () => {
  const lines: string[] = [];
  const stop = watchTraffic(server, (text) => lines.push(text));
  const client = await openTcpWebSocket(server.port, '/bye/answered');
  client.socket.write(clientFrame(0x1, Buffer.from('bye')));
  await eventually(() => serverClose(client) !== undefined, "the engine's close frame");
  assert.deepEqual(serverClose(client), { code: 4000, reason: 'bye now' });

  client.socket.write(clientCloseFrame(4999, 'my own code'));
  const summary = await closedAt('/bye/answered');
  stop();
  assert.equal(summary.closeCode, 4000);
  assert.equal(summary.closeReason, 'bye now');
  assert.ok(
    lines.some((line) => line.includes('ws close /bye/answered 4000 ')),
    `the serve log says 4000: ${JSON.stringify(lines)}`,
  );
});

test("a console close the client never answers is recorded with the console's code and reason", async () => {
  const client = await openTcpWebSocket(server.port, '/echo/never-answers');
  const { id } = await listed('/echo/never-answers');
  const closing = await api.post(`/connections/${id}/close`, { code: 4002, reason: 'console bye' });
  assert.ok(closing.status < 300, JSON.stringify(closing.body));
  await eventually(() => serverClose(client) !== undefined, "the engine's close frame");
  assert.deepEqual(serverClose(client), { code: 4002, reason: 'console bye' });

  // It never answers: it drops, as ws would after its 30 s wait, so the test does not wait them.
  client.socket.destroy();
  const summary = await closedAt('/echo/never-answers');
  assert.equal(summary.closeCode, 4002);
  assert.equal(summary.closeReason, 'console bye');
});

test("a console close after the client's own close was answered does not replace the client's code", async () => {
  // Half-open: ws has answered the client's close and waits for its end of TCP, so the engine still lists it open.
  const client = await openTcpWebSocket(server.port, '/echo/client-first', { allowHalfOpen: true });
  const { id } = await listed('/echo/client-first');
  client.socket.write(clientCloseFrame(4001, 'leaving'));
  await eventually(() => serverClose(client) !== undefined, "ws's answer to the client's close");
  assert.deepEqual(serverClose(client), { code: 4001, reason: 'leaving' });

  const late = await api.post(`/connections/${id}/close`, { code: 4002, reason: 'console bye' });
  assert.ok(late.status < 300, JSON.stringify(late.body));
  client.socket.end();
  const summary = await closedAt('/echo/client-first');
  assert.equal(summary.closeCode, 4001);
  assert.equal(summary.closeReason, 'leaving');
});

test("frames a client sends after the engine's close are logged as received, and nothing acts on them", async () => {
  const client = await openTcpWebSocket(server.port, '/agui/sends-after');
  const { id } = await listed('/agui/sends-after');
  assert.ok((await api.post(`/connections/${id}/close`, { code: 4002, reason: 'console bye' })).status < 300);
  await eventually(() => serverClose(client) !== undefined, "the engine's close frame");

  // Sent after the close frame went out, as a client that has not read it yet would: the client did send it.
  const late = { threadId: 'late', runId: 'r1', messages: [{ id: 'm1', role: 'user', content: 'hello' }] };
  client.socket.write(clientFrame(0x1, Buffer.from(JSON.stringify(late))));
  client.socket.write(clientCloseFrame(4002, 'console bye'));
  const summary = await closedAt('/agui/sends-after');
  assert.equal(summary.counters.framesIn, 1);
  assert.equal(summary.counters.framesOut, 0);
  // Not played: a run would have named its thread on the connection.
  assert.equal(summary.threadId, null);
});
