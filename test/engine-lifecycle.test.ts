import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import {
  HostUnavailableError,
  MockServerOptionsError,
  PortInUseError,
  silentLogger,
  startMockServer,
} from '../src/server/index';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';
import { readJson, workspaceDir } from './helpers/workspace-files';

/** Handles and timers alive right now, by type (what would keep the process from exiting). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

test('GET /health answers on a free port', async () => {
  const server = await startTestEngine();
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  assert.equal(server.wsUrl, `ws://127.0.0.1:${server.port}/ws`);
  assert.match(server.consoleUrl, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/__console/#token=.{16,}$`));
  const response = await fetch(`${server.url}/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'healthy', service: 'agora-mock', protocol: 'ag-ui' });
});

test('each launch gets its own random console token unless one is given', async () => {
  const a = await startTestEngine();
  const b = await startTestEngine();
  const fixed = await startTestEngine({ token: 'fixed-token-123' });
  assert.notEqual(a.token, b.token);
  assert.equal(fixed.token, 'fixed-token-123');
});

test('close() closes sockets with 1001, stops timers and leaves no open handle', async () => {
  const before = activeResources();
  // The heartbeat's timer runs (at its default interval, so it never terminates the client mid-test on a busy
  // machine); close() must stop it.
  const server = await startMockServer({ port: 0, logger: silentLogger });
  const client = new WebSocket(server.wsUrl);
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const keepAlive = await fetch(`${server.url}/health`, { headers: { connection: 'keep-alive' } });
  await keepAlive.text();
  await server.close();
  assert.equal(await closed, 1001);
  await server.close(); // a second close is harmless
  // Closed handles leave the list once the event loop has run their close callbacks; a leaked one never does.
  const leaked = () =>
    ['TCPServerWrap', 'TCPSocketWrap', 'Timeout']
      .filter((type) => (activeResources()[type] ?? 0) > (before[type] ?? 0))
      .map((type) => `${type} (before ${before[type] ?? 0}, now ${activeResources()[type]})`);
  await eventually(() => leaked().length === 0, 'the handles and timers to go').catch(() =>
    assert.fail(`leaked: ${leaked().join(', ')}`),
  );
});

test('a taken port is reported as PortInUseError', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    await assert.rejects(startMockServer({ port, logger: silentLogger }), (error: unknown) => {
      assert.ok(error instanceof PortInUseError);
      assert.equal(error.port, port);
      return true;
    });
  } finally {
    blocker.close();
  }
});

test('a host that cannot be a host is refused before anything starts, naming the option', async () => {
  for (const [host, problem] of [
    ['not a host!', /^startMockServer: host: must be an IP address .* \(got "not a host!"\)$/],
    ['[::1]', /^startMockServer: host: an IPv6 address goes without brackets: ::1/],
    ['a..b', /^startMockServer: host: must be an IP address/],
  ] as const) {
    await assert.rejects(startMockServer({ port: 0, host, logger: silentLogger }), (error: unknown) => {
      assert.ok(error instanceof MockServerOptionsError, host);
      assert.ok(error instanceof TypeError);
      assert.match(error.message, problem);
      return true;
    });
  }
});

test('a host not on this machine, or a name that does not resolve, is a HostUnavailableError saying what to fix', async () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737), on no real machine; `.invalid` never resolves (RFC 2606).
  await assert.rejects(startMockServer({ port: 0, host: '192.0.2.1', logger: silentLogger }), (error: unknown) => {
    assert.ok(error instanceof HostUnavailableError);
    assert.equal(error.host, '192.0.2.1');
    assert.equal(error.code, 'EADDRNOTAVAIL');
    assert.match(error.message, /^startMockServer: host: 192\.0\.2\.1 is not an address of this machine .*0\.0\.0\.0/);
    return true;
  });
  const host = 'no-such-host.invalid';
  await assert.rejects(startMockServer({ port: 0, host, logger: silentLogger }), (error: unknown) => {
    assert.ok(error instanceof HostUnavailableError);
    // ENOTFOUND, or EAI_AGAIN where no name server answers (an offline machine).
    assert.match(
      error.message,
      /^startMockServer: host: no-such-host\.invalid (does not resolve|could not be resolved)/,
    );
    return true;
  });
});

test('after close() updateSettings says the server is closed, and nothing is changed or saved', async () => {
  const dir = await workspaceDir();
  const file = join(dir, 'closed.agui.json');
  const server = await startTestEngine({ workspace: file, template: 'blank', settings: { speed: 1 } });
  const closing = server.close();
  // From the moment close() is called, not only once it is done.
  assert.throws(() => server.updateSettings({ speed: 2 }), /^Error: updateSettings: the server is closed/);
  await closing;
  assert.throws(() => server.updateSettings({ speed: 3 }), /^Error: updateSettings: the server is closed/);
  assert.equal(server.settings().speed, 1, 'the last settings it ran with');
  assert.equal(((await readJson(file)).settings as { speed?: number } | undefined)?.speed ?? 1, 1);
});

test('settings change at run time and are validated', async () => {
  const server = await startTestEngine();
  assert.equal(server.updateSettings({ speed: 2 }).speed, 2);
  assert.equal(server.settings().speed, 2);
  assert.throws(() => server.updateSettings({ heartbeatIntervalMs: -1 }), {
    name: 'MockServerOptionsError',
    message:
      'updateSettings: heartbeatIntervalMs: must be at least 0; heartbeatIntervalMs: 0 (off) or at least 1000 ms',
  });
  assert.throws(() => server.updateSettings({ speeed: 0 } as never), {
    message: 'updateSettings: settings: unknown field speeed',
  });
  assert.equal(server.settings().heartbeatIntervalMs, 30_000, 'a rejected update changes nothing');
  assert.equal(server.settings().speed, 2);
});

test('options startMockServer cannot take are one error in words, before anything starts', async () => {
  const cases: [string, unknown, string][] = [
    ['a misspelt option', { prot: 8000 }, 'startMockServer: options: unknown field prot'],
    ['a misspelt setting', { settings: { speeed: 0 } }, 'startMockServer: settings: unknown field speeed'],
    ['a setting out of range', { settings: { speed: 500 } }, 'startMockServer: settings.speed: must be at most 100'],
    ['a port out of range', { port: 70_000 }, 'startMockServer: port: must be at most 65535'],
    ['a port as text', { port: '8000' }, 'startMockServer: port: must be a number'],
    [
      'a short token',
      { token: 'abc' },
      'startMockServer: token: 8 to 256 characters of letters, digits, ".", "_", "~" or "-"',
    ],
    [
      'a logger without its functions',
      { logger: console.log },
      'startMockServer: logger: must be a logger: an object with info, warn and error functions',
    ],
    ['not an object', 8000, 'startMockServer: options: must be an object'],
  ];
  for (const [name, options, message] of cases) {
    await assert.rejects(startMockServer(options as never), (error: unknown) => {
      assert.ok(error instanceof MockServerOptionsError, `${name}: ${error}`);
      assert.ok(error instanceof TypeError, name);
      assert.equal(error.message, message, name);
      return true;
    });
  }
  // Several at once: each named.
  await assert.rejects(startMockServer({ port: -1, token: '' } as never), {
    message: /^startMockServer: port: must be at least 0; token: /,
  });
});
