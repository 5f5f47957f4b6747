import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { parseCliArgs } from '../src/cli/cli-options';
import { buildCli, CLI, type CliRun, runCli, runCommand } from './helpers/cli-process';
import { WAIT_MS } from './helpers/wait';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
const running: CliRun[] = [];
const start = (args: string[]) => {
  const run = runCli(args);
  running.push(run);
  return run;
};

before(() => buildCli());
after(() => {
  for (const run of running) run.child.kill('SIGKILL');
});

test('serve prints its URLs, answers /health and /ws, and exits 0 on SIGTERM', async () => {
  const cli = start(['serve', '--port', '0', '--token', 'cli-test-token', '--speed', '0']);
  const [, consoleUrl] = await cli.waitFor(/^\s+Console\s+(\S+)/m);
  const [, httpUrl] = cli.stdout().match(/HTTP\s+(\S+)/) ?? [];
  const [, wsUrl] = cli.stdout().match(/WebSocket\s+(\S+)/) ?? [];
  assert.match(httpUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(wsUrl, `${httpUrl?.replace('http', 'ws')}/ws`);
  assert.equal(consoleUrl, `${httpUrl}/__console/#token=cli-test-token`);

  const health = await fetch(`${httpUrl}/health`);
  assert.equal(health.status, 200);
  await cli.waitFor(/GET \/health 200/);

  const client = new WebSocket(wsUrl ?? '');
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  await cli.waitFor(/ws open\s+\/ws/);
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  cli.child.kill('SIGTERM');
  assert.equal(await closed, 1001, 'sockets are closed with 1001 on shutdown');
  assert.deepEqual(await cli.exited(), { code: 0, signal: null });
});

test('SIGINT shuts down cleanly too', async () => {
  const cli = start(['serve', '--port', '0', '--quiet']);
  await cli.waitFor(/Console/);
  cli.child.kill('SIGINT');
  assert.equal((await cli.exited()).code, 0);
});

test('--quiet leaves out request lines', async () => {
  const cli = start(['serve', '--port', '0', '--quiet']);
  const [, httpUrl] = await cli.waitFor(/HTTP\s+(\S+)/);
  await (await fetch(`${httpUrl}/health`)).text();
  // Everything the CLI would print is out once it has exited.
  cli.child.kill('SIGTERM');
  assert.equal((await cli.exited()).code, 0);
  assert.match(cli.stdout(), /SIGTERM: closing connections/, 'the output is whole');
  assert.doesNotMatch(cli.stdout(), /GET \/health/);
});

test('a port in use is one clear line and exit 1, no stack trace', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const cli = start(['serve', '--port', String(port)]);
    assert.equal((await cli.exited()).code, 1);
    assert.equal(cli.stderr(), `port ${port} is in use — pick another with --port, or --port 0 for any free port\n`);
  } finally {
    blocker.close();
  }
});

test('a host that is not on this machine is one line naming --host and exit 1, no stack trace', async () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of a real machine.
  const cli = start(['serve', '--port', '0', '--host', '192.0.2.1']);
  assert.equal((await cli.exited()).code, 1);
  assert.equal(
    cli.stderr(),
    'agui-mock: cannot start: --host 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL): listen on one of ' +
      'its own addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)\n',
  );
});

/** Each command started at once (usage errors, each a process of its own), and their ends in the same order. */
function finishedAll(commands: readonly (readonly string[])[]) {
  return Promise.all(commands.map((args) => start([...args]).finished()));
}

test('invalid options print the usage and exit 2', async () => {
  const commands = [
    ['serve', '--bogus'],
    ['serve', '--port', 'abc'],
    ['serve', '--port', '70000'],
    ['serve', '--heartbeat', '0.005'],
    ['frobnicate'],
    [],
  ];
  for (const [index, cli] of (await finishedAll(commands)).entries()) {
    const args = commands[index] ?? [];
    assert.equal(cli.code, 2, `exit code for ${args.join(' ')}`);
    assert.match(cli.stderr, /^agui-mock: .+\n\nUsage:/, `message for ${args.join(' ')}`);
  }
});

test('values refused in words: a negative number after a numeric option (its value), an empty --host', async () => {
  const refusals = [
    [['serve', '--port', '-1'], "--port must be a number from 0 to 65535 (got '-1')"],
    [['serve', '--speed', '-0.5'], "--speed must be a number from 0 to 100 (got '-0.5')"],
    [['serve', '--heartbeat', '-3', '--quiet'], "--heartbeat must be a number from 0 to 3600 (got '-3')"],
    // Plain decimals only: what JavaScript's Number() would also read is more likely a typo.
    [['serve', '--port', '0x50'], "--port must be a number from 0 to 65535 (got '0x50')"],
    [['serve', '--port', '1e3'], "--port must be a number from 0 to 65535 (got '1e3')"],
    [['serve', '--port', ' 80'], "--port must be a number from 0 to 65535 (got ' 80')"],
    // After `--`, arguments are positional, as typed.
    [['serve', '--', '--port', '-1'], "unexpected argument '--port'"],
    [['serve', '--host='], '--host needs an interface: a name or address such as 127.0.0.1 or 0.0.0.0'],
    [
      ['serve', '--host', 'not a host!'],
      '--host must be an IP address (127.0.0.1, 0.0.0.0 for every interface, ::1) or a host name such as localhost (got "not a host!")',
    ],
    [['serve', '--host', '[::1]'], '--host an IPv6 address goes without brackets: ::1 (got "[::1]")'],
  ] as const;
  const runs = await finishedAll(refusals.map(([args]) => args));
  for (const [index, [args, message]] of refusals.entries()) {
    assert.equal(runs[index]?.code, 2, args.join(' '));
    assert.equal(runs[index]?.stderr.split('\n')[0], `agui-mock: ${message}`);
  }
});

test('AGUI_MOCK_TOKEN gives the console token without showing it in ps; --token wins; a bad one is one line, exit 2', async () => {
  // From the environment: the console takes it, and the process's arguments (what `ps` shows every user) do not hold it.
  const cli = runCli(['serve', '--port', '0', '--quiet'], { AGUI_MOCK_TOKEN: 'from-the-env.123' });
  running.push(cli);
  const [, consoleUrl] = await cli.waitFor(/^\s+Console\s+(\S+)/m);
  assert.match(consoleUrl ?? '', /\/__console\/#token=from-the-env\.123$/);
  const [, httpUrl] = cli.stdout().match(/HTTP\s+(\S+)/) ?? [];
  const api = (token: string) =>
    fetch(`${httpUrl}/__console/api/workspace`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await api('from-the-env.123')).status, 200);
  assert.equal((await api('another-token')).status, 401);
  if (process.platform === 'linux')
    assert.doesNotMatch(readFileSync(`/proc/${cli.child.pid}/cmdline`, 'utf8'), /from-the-env/);
  cli.child.kill('SIGTERM');
  assert.equal((await cli.exited()).code, 0);

  const both = await parseCliArgs(['serve', '--token', 'from-the-flag'], { AGUI_MOCK_TOKEN: 'from-the-env.123' });
  assert.equal(both.command === 'serve' && both.token, 'from-the-flag');
  // The flag wins: the variable is not used, so not checked either.
  const flagOnly = await parseCliArgs(['serve', '--token', 'from-the-flag'], { AGUI_MOCK_TOKEN: 'bad' });
  assert.equal(flagOnly.command === 'serve' && flagOnly.token, 'from-the-flag');
  const neither = await parseCliArgs(['serve'], {});
  assert.equal(neither.command === 'serve' && neither.token, undefined);
  // Only serve takes a token: the other commands leave the variable alone.
  assert.equal((await parseCliArgs(['validate', 'x.json'], { AGUI_MOCK_TOKEN: 'bad' })).command, 'validate');

  const refusals = await Promise.all(
    ['', 'short', 'has space in it', 'x'.repeat(257), 'ünïcödé-token'].map(async (bad) => {
      const refused = runCli(['serve', '--port', '0', '--quiet'], { AGUI_MOCK_TOKEN: bad });
      running.push(refused);
      return [(await refused.exited()).code, refused.stderr(), refused.stdout()];
    }),
  );
  const said =
    'agui-mock: the environment variable AGUI_MOCK_TOKEN must be 8 to 256 characters of letters, digits, ".", "_", "~" or "-"\n';
  assert.deepEqual(refusals, Array(5).fill([2, said, '']));
});

test('a decimal written without its leading zero is the number it says', async () => {
  // It was refused as "--speed must be a number from 0 to 100 (got '.5')", which it is.
  const options = await parseCliArgs(['serve', '--speed', '.5']);
  assert.equal(options.command === 'serve' && options.speed, 0.5);
  await assert.rejects(parseCliArgs(['serve', '--speed', '-.5']), {
    message: "--speed must be a number from 0 to 100 (got '-.5')",
  });
});

test('--help and --version', async () => {
  const [help, serveHelp, initHelp, ver] = await Promise.all([
    start(['--help']).finished(),
    start(['serve', '--help']).finished(),
    start(['init', '-h']).finished(),
    start(['--version']).finished(),
  ]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /agui-mock serve \[options\]/);
  assert.match(help.stdout, /--port N/);
  // A command's own help: its synopsis and options, not the other commands'.
  assert.equal(serveHelp.code, 0);
  assert.match(serveHelp.stdout, /^Usage:\n {2}agui-mock serve \[options\]/);
  assert.match(serveHelp.stdout, /--port N/);
  assert.doesNotMatch(serveHelp.stdout, /agui-mock validate FILE|Options for init/);
  assert.equal(initHelp.code, 0);
  assert.match(
    initHelp.stdout,
    /agui-mock init \[FILE\][\s\S]*Options for init:[\s\S]*All commands and options: agui-mock --help/,
  );
  assert.doesNotMatch(initHelp.stdout, /--port N/);
  assert.equal(ver.code, 0);
  assert.equal(ver.stdout, `${version}\n`);
});

test('--api-key requires the key on the mocked API (repeatable), never on the console, and keeps it off the screen', async () => {
  const cli = start(['serve', '--port', '0', '--speed', '0', '--api-key', 'cli-key-one', '--api-key', 'cli-key-two']);
  const [, httpUrl] = await cli.waitFor(/HTTP\s+(\S+)/);
  await cli.waitFor(/API keys\s+required: X-API-Key header \/ \?token= \(2 keys\)/);
  assert.equal((await fetch(`${httpUrl}/health`)).status, 401);
  await cli.waitFor(/GET \/health 401 .*gateway auth: no X-API-Key header/);
  assert.equal((await fetch(`${httpUrl}/health`, { headers: { 'X-API-Key': 'cli-key-two' } })).status, 200);
  const client = new WebSocket(`${httpUrl?.replace('http', 'ws')}/ws?token=wrong-one`);
  client.on('error', () => {});
  assert.equal(await new Promise<number>((resolve) => client.once('close', (code) => resolve(code))), 4001);
  await cli.waitFor(/ws close \/ws 4001 .*gateway auth: \?token= is not one of the keys/);
  assert.doesNotMatch(cli.stdout(), /cli-key-one|cli-key-two|wrong-one/, 'keys and tokens never reach the terminal');
  cli.child.kill('SIGTERM');
  assert.equal((await cli.exited()).code, 0);
});

test('an --api-key without a value, or with a space or control character, is a usage error (exit 2)', async () => {
  const commands = [
    ['serve', '--api-key'],
    ['serve', '--api-key', '--port', '0'],
    ['serve', '--api-key', 'has space'],
    ['serve', '--api-key', 'bell\u0007'],
  ];
  for (const [index, cli] of (await finishedAll(commands)).entries()) {
    const args = commands[index];
    assert.equal(cli.code, 2, `exit code for ${JSON.stringify(args)}`);
    assert.match(cli.stderr, /^agui-mock: .*api-key.+\n\nUsage:/s, `message for ${JSON.stringify(args)}`);
  }
});

test('a file name that is not UTF-8 is a usage error, not another file: serve never makes a "\uFFFD" one beside it', {
  // Before, serve created and served another file, and ran until stopped.
  timeout: WAIT_MS,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'agui-cli-names-'));
  after(() => rm(dir, { recursive: true, force: true }));
  // Node takes arguments as UTF-8: the byte 0xFF arrives as U+FFFD, naming a file that is not there.
  await writeFile(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xff]), Buffer.from('.json')]), '{}');
  const commands = ['validate "$NAME"', 'serve --port 0 --quiet --workspace "$NAME"', 'init "$NAME"'];
  const runs = commands.map((args) => {
    const cli = runCommand(
      'sh',
      ['-c', `NAME="$(printf '\\377.json')"; exec "$0" "$1" ${args}`, process.execPath, resolve(CLI)],
      { cwd: dir },
    );
    running.push(cli);
    return cli.finished();
  });
  // All three at once: a file any of them made is in the folder once they have ended.
  for (const [index, cli] of (await Promise.all(runs)).entries()) {
    const args = commands[index];
    assert.equal(cli.code, 2, args);
    assert.match(
      cli.stderr,
      /^agui-mock: (FILE|--workspace) "\uFFFD\.json": the name is not UTF-8 \(\uFFFD stands for bytes that are not\), so agui-mock cannot open it; rename it in UTF-8\n/,
      args,
    );
  }
  assert.deepEqual(await readdir(dir, { encoding: 'buffer' }), [Buffer.from([0xff, ...Buffer.from('.json')])]);
});
