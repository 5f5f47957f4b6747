import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { askUseFreePort, type Dialogs } from '../src/main/dialogs';
import { startEngine } from '../src/main/engine-host';
import { type MockServer, type MockServerOptions, silentLogger, startMockServer } from '../src/server/index';

/** A real listener on a free loopback port, so the engine meets a genuinely busy port. */
async function busyPort(): Promise<number> {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const address = blocker.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/** electron's dialog answering with one button index, remembering what it was asked. */
function answering(response: number) {
  const asked: Parameters<Dialogs['showMessageBox']>[0][] = [];
  const dialogs: Dialogs = {
    showMessageBox: async (options) => {
      asked.push(options);
      return { response, checkboxChecked: false };
    },
    showErrorBox: () => assert.fail('no error box expected'),
  };
  return { dialogs, asked };
}

const startQuietly = (options: MockServerOptions) => startMockServer({ ...options, logger: silentLogger });

function closeAfter(server: MockServer | undefined): void {
  if (server) after(() => server.close());
}

test('a free port starts the engine on it without asking anything', async () => {
  const { dialogs, asked } = answering(1);
  const probe = await startQuietly({ port: 0 });
  const port = probe.port;
  await probe.close();
  const server = await startEngine(port, { start: startQuietly, askUseFreePort: (p) => askUseFreePort(dialogs, p) });
  closeAfter(server);
  assert.equal(server?.port, port);
  assert.equal(asked.length, 0);
});

test('busy port, answer "Use a free port": the engine starts on another port and answers /health', async () => {
  const port = await busyPort();
  const { dialogs, asked } = answering(0);
  const server = await startEngine(port, { start: startQuietly, askUseFreePort: (p) => askUseFreePort(dialogs, p) });
  closeAfter(server);
  assert.ok(server);
  assert.notEqual(server.port, port);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  assert.equal(asked.length, 1);
  assert.match(asked[0]?.message ?? '', new RegExp(`Port ${port} is already in use`));
  assert.deepEqual(asked[0]?.buttons, ['Use a free port', 'Quit']);
  assert.equal(asked[0]?.cancelId, 1, 'closing the dialog (Esc) means quit, not a surprise port');
});

test('busy port, answer "Quit": no engine is started', async () => {
  const port = await busyPort();
  const { dialogs } = answering(1);
  let starts = 0;
  const server = await startEngine(port, {
    start: (options) => {
      starts++;
      return startQuietly(options);
    },
    askUseFreePort: (p) => askUseFreePort(dialogs, p),
  });
  assert.equal(server, undefined);
  assert.equal(starts, 1, 'only the first attempt on the busy port');
});

test('other start failures are not mistaken for a busy port', async () => {
  const { dialogs, asked } = answering(0);
  await assert.rejects(
    startEngine(8000, {
      start: () => Promise.reject(new Error('EACCES')),
      askUseFreePort: (p) => askUseFreePort(dialogs, p),
    }),
    /EACCES/,
  );
  assert.equal(asked.length, 0);
});

test('a workspace given to the desktop app is loaded by the engine, created from the template when missing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agui-desktop-workspace-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const workspace = join(dir, 'desk.agui.json');
  const options = { workspace, workspaceOptions: { configDir: dir } };
  const server = await startEngine(0, { start: startQuietly, askUseFreePort: async () => false, options });
  closeAfter(server);
  assert.ok(server);
  assert.ok(existsSync(workspace));
  await server.close();

  // A broken file fails the start with a message naming it, for the start-failure dialog; it is not overwritten.
  writeFileSync(workspace, '{ broken');
  await assert.rejects(
    startEngine(0, { start: startQuietly, askUseFreePort: async () => false, options }),
    /desk\.agui\.json/,
  );
  assert.equal(readFileSync(workspace, 'utf8'), '{ broken');
});
