import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { selfSignedFiles } from '../src/server/tls/self-signed-certificate';
import { expiredCertificate, fingerprintOf, httpsGet, opensslCertificate, openWss } from './helpers/certificates';
import { buildCli, type CliRun, runCli } from './helpers/cli-process';

const dir = mkdtempSync(join(tmpdir(), 'agui-tls-cli-'));
const configDir = join(dir, 'config');
const running: CliRun[] = [];
const start = (args: string[]) => {
  const run = runCli(['serve', '--port', '0', '--token', 'tls-token', ...args], { AGUI_MOCK_CONFIG_DIR: configDir });
  running.push(run);
  return run;
};

before(() => buildCli());
after(() => {
  for (const run of running) run.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The banner's URLs and certificate line, once it is printed. */
async function banner(cli: CliRun) {
  const [, fingerprint, validUntil] = await cli.waitFor(
    /TLS\s+.*SHA-256 ([0-9A-F:]{95}), valid until (\d{4}-\d\d-\d\d)/,
    30_000,
  );
  const [, httpsUrl] = cli.stdout().match(/HTTPS\s+(\S+)/) ?? [];
  const [, wssUrl] = cli.stdout().match(/WebSocket\s+(\S+)/) ?? [];
  const [, consoleUrl] = cli.stdout().match(/^\s+Console\s+(\S+)/m) ?? [];
  return { fingerprint, validUntil, httpsUrl: httpsUrl ?? '', wssUrl: wssUrl ?? '', consoleUrl };
}

async function stop(cli: CliRun): Promise<void> {
  cli.child.kill('SIGTERM');
  assert.equal((await cli.exited()).code, 0);
}

test('serve --tls: https and wss with a self-signed certificate, the same one after a restart', async () => {
  const first = start(['--tls']);
  const shown = await banner(first);
  const cert = readFileSync(selfSignedFiles(configDir).certFile, 'utf8');
  assert.equal(shown.fingerprint, fingerprintOf(cert));
  assert.match(shown.httpsUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(shown.wssUrl, `${shown.httpsUrl.replace('https', 'wss')}/ws`);
  assert.equal(shown.consoleUrl, `${shown.httpsUrl}/__console/#token=tls-token`);
  const expected = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  assert.ok(Math.abs(Date.parse(shown.validUntil ?? '') - Date.parse(expected)) <= 86_400_000, shown.validUntil);
  assert.match(first.stdout(), /made a self-signed certificate/);

  assert.equal((await httpsGet(`${shown.httpsUrl}/health`, cert)).status, 200);
  const socket = await openWss(shown.wssUrl, cert);
  socket.close();
  await stop(first);

  const second = start(['--tls']);
  const again = await banner(second);
  assert.equal(again.fingerprint, shown.fingerprint, 'the certificate kept in the config folder is reused');
  assert.doesNotMatch(second.stdout(), /made a self-signed certificate/);
  assert.equal((await httpsGet(`${again.httpsUrl}/health`, cert)).status, 200);
  await stop(second);
});

test('two serve --tls renewing an expired certificate at the same moment both serve the one kept on disk', async () => {
  const renewDir = join(dir, 'config-renew');
  const { certFile, keyFile } = selfSignedFiles(renewDir);
  mkdirSync(dirname(certFile), { recursive: true });
  const expired = await expiredCertificate(dir);
  cpSync(expired.cert, certFile);
  cpSync(expired.key, keyFile);
  const serveTls = () => {
    const run = runCli(['serve', '--port', '0', '--token', 'tls-token', '--tls'], { AGUI_MOCK_CONFIG_DIR: renewDir });
    running.push(run);
    return run;
  };
  const runs = [serveTls(), serveTls()];
  const shown = await Promise.all(runs.map(banner));
  const kept = fingerprintOf(readFileSync(certFile, 'utf8'));
  assert.notEqual(kept, fingerprintOf(readFileSync(expired.cert, 'utf8')), 'renewed');
  assert.deepEqual(
    shown.map((seen) => seen.fingerprint),
    [kept, kept],
  );
  await Promise.all(runs.map(stop));
});

test('serve --cert --key: an openssl-made Ed25519 certificate over https and wss', async () => {
  const files = opensslCertificate(dir, 'ed25519');
  const cli = start(['--cert', files.cert, '--key', files.key]);
  const shown = await banner(cli);
  const cert = readFileSync(files.cert, 'utf8');
  assert.equal(shown.fingerprint, fingerprintOf(cert));
  assert.match(cli.stdout(), /certificate CN=localhost/);
  const health = await httpsGet(`${shown.httpsUrl}/health`, cert);
  assert.equal(health.status, 200);
  assert.equal(health.peerFingerprint, shown.fingerprint);
  const socket = await openWss(shown.wssUrl, cert);
  const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
  socket.send('not json');
  assert.match(await answer, /invalid_json/);
  socket.close();
  await stop(cli);
});

test('--key open to other users is served, with one line on stderr naming it and the chmod that closes it', {
  skip: process.platform === 'win32',
}, async () => {
  // A space in the name: the command is given quoted, ready to paste.
  const files = opensslCertificate(dir, 'ecdsa', 'shared key');
  const cert = readFileSync(files.cert, 'utf8');
  // The same key in a file of its own for each mode: both served at once.
  const closedKey = join(dir, 'closed-key.pem');
  cpSync(files.key, closedKey);
  const servedWithKeyMode = async (key: string, mode: number) => {
    chmodSync(key, mode);
    const cli = start(['--cert', files.cert, '--key', key]);
    const shown = await banner(cli);
    assert.equal((await httpsGet(`${shown.httpsUrl}/health`, cert)).status, 200);
    await stop(cli);
    return cli.stderr();
  };
  const [openKeySaid, closedKeySaid] = await Promise.all([
    servedWithKeyMode(files.key, 0o644),
    servedWithKeyMode(closedKey, 0o600),
  ]);
  assert.equal(
    openKeySaid,
    `the TLS key ${files.key} is open to other users of this machine (mode 0644): chmod 600 '${files.key}'\n`,
  );
  assert.equal(closedKeySaid, '');
});

test('a certificate the engine cannot serve: one clear line on stderr and exit 1', async () => {
  const good = opensslCertificate(dir, 'ecdsa', 'good');
  const other = opensslCertificate(dir, 'rsa', 'other');
  const expired = await expiredCertificate(dir);
  const workspace = join(dir, 'bad-setting.agui.json');
  writeFileSync(
    workspace,
    JSON.stringify({ version: 2, name: 'bad', settings: { tls: { cert: 'gone.pem', key: 'gone-key.pem' } } }),
  );
  const cases: [string, string[], RegExp][] = [
    [
      'missing certificate',
      ['--cert', join(dir, 'nope.pem'), '--key', good.key],
      /certificate .*nope\.pem: no such file/,
    ],
    ['missing key', ['--cert', good.cert, '--key', join(dir, 'nope-key.pem')], /key .*nope-key\.pem: no such file/],
    ['unreadable certificate (a folder)', ['--cert', dir, '--key', good.key], /is a folder, not a file/],
    ['key of another certificate', ['--cert', good.cert, '--key', other.key], /does not belong to the certificate/],
    ['expired certificate', ['--cert', expired.cert, '--key', expired.key], /expired on \d{4}-\d\d-\d\d/],
    ['workspace setting with missing files', ['--workspace', workspace], /certificate .*gone\.pem: no such file/],
  ];
  await Promise.all(
    cases.map(async ([name, args, message]) => {
      const cli = start(args);
      const { code } = await cli.exited();
      assert.equal(code, 1, `${name}: ${cli.stderr()}`);
      const lines = cli.stderr().trimEnd().split('\n');
      assert.equal(lines.length, 1, `${name}: one line, got ${cli.stderr()}`);
      assert.match(lines[0] ?? '', /^agui-mock: cannot start: (the TLS|cannot read the TLS) /, name);
      assert.match(lines[0] ?? '', message, name);
    }),
  );
});

test("validate reads the tls setting's certificate and key as serve would: exit 1 naming the file, 0 for a good pair", async () => {
  const good = opensslCertificate(dir, 'ecdsa', 'validated');
  const other = opensslCertificate(dir, 'rsa', 'validated-other');
  const folder = mkdtempSync(join(dir, 'validate-'));
  const check = async (name: string, tls: { cert: string; key: string }) => {
    const file = join(folder, `${name}.agui.json`);
    writeFileSync(file, JSON.stringify({ version: 2, name, settings: { tls } }));
    const cli = runCli(['validate', file]);
    return { ...(await cli.exited()), stdout: cli.stdout(), stderr: cli.stderr() };
  };
  // Relative to the workspace file's folder, as serve resolves them.
  const relative = (path: string) => join('..', basename(path));
  const [fine, missing, mismatched] = await Promise.all([
    check('fine', { cert: relative(good.cert), key: relative(good.key) }),
    check('missing', { cert: 'gone.pem', key: relative(good.key) }),
    check('mismatched', { cert: relative(good.cert), key: relative(other.key) }),
  ]);
  assert.equal(fine.code, 0, fine.stderr);
  assert.match(fine.stdout, /fine\.agui\.json: valid workspace "fine"/);
  for (const [result, message] of [
    [missing, /: settings\.tls: cannot read the TLS certificate .*validate-[^/]+\/gone\.pem: no such file/],
    [mismatched, /: settings\.tls: the TLS key .*validated-other-key\.pem does not belong to the certificate/],
  ] as const) {
    assert.equal(result.code, 1, result.stdout);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  }
});

test('--cert without --key (and the reverse), or with --tls, is a usage error', async () => {
  const refusals = [
    [['--cert', 'c.pem'], /--cert needs --key too/],
    [['--key', 'k.pem'], /--key needs --cert too/],
    // Before: --tls was silently ignored for the files.
    [
      ['--tls', '--cert', 'c.pem', '--key', 'k.pem'],
      /--tls makes a self-signed certificate and --cert\/--key serve yours/,
    ],
  ] as const;
  // Each a process of its own that reads nothing: started at once.
  const runs = await Promise.all(refusals.map(([args]) => start([...args]).finished()));
  for (const [index, [args, message]] of refusals.entries()) {
    assert.equal(runs[index]?.code, 2, args.join(' '));
    assert.match(runs[index]?.stderr ?? '', message);
  }
});
