import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { silentLogger, startMockServer, TlsError } from '../src/server/index';
import { selfSignedFiles, selfSignedIdentity } from '../src/server/tls/self-signed-certificate';
import type { ServerInfo } from '../src/shared/control-api';
import type { TlsSetting } from '../src/shared/settings';
import { expiredCertificate, fingerprintOf, httpsGet, opensslCertificate, openWss } from './helpers/certificates';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { openTcp, type TcpClient } from './helpers/tcp-client';
import { eventually, WAIT_MS } from './helpers/wait';

const dir = mkdtempSync(join(tmpdir(), 'agui-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An AGORA `/ws` exchange over WSS: a frame out, the engine's answer back. */
async function wssRoundTrip(url: string, ca: string): Promise<string> {
  const socket = await openWss(url, ca);
  const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
  socket.send('not json');
  const text = await answer;
  socket.close();
  return text;
}

async function serverInfo(url: string, token: string, ca: string): Promise<ServerInfo> {
  const response = await httpsGet(`${url}/__console/api/server`, ca, { authorization: `Bearer ${token}` });
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as ServerInfo;
}

test('self-signed: made on first use in the config folder, served over https and wss, reused after a restart', async () => {
  const configDir = join(dir, 'config');
  const start = () => startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const first = await start();
  const { certFile, keyFile } = selfSignedFiles(configDir);
  const cert = readFileSync(certFile, 'utf8');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(first.wsUrl, `${first.url.replace('https', 'wss')}/ws`);
  assert.equal(first.tls?.fingerprint, fingerprintOf(cert));
  assert.equal(first.tls?.selfSigned, true);
  assert.ok((first.tls?.validTo ?? 0) > Date.now() + 300 * 86_400_000, 'valid for about a year');
  assert.deepEqual(first.tls?.names, ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']);

  const health = await httpsGet(`${first.url}/health`, cert);
  assert.equal(health.status, 200);
  assert.equal(health.peerFingerprint, first.tls?.fingerprint);
  const info = await serverInfo(first.url, first.token, cert);
  assert.deepEqual(info.tls, first.tls);
  assert.equal(info.urls.http, first.url);
  assert.match(info.urls.ws ?? '', /^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
  assert.deepEqual(info.startupSettings, { tls: 'self-signed' });
  assert.match(await wssRoundTrip(first.wsUrl, cert), /invalid_json/);
  await first.close();

  const second = await start();
  assert.equal(second.tls?.fingerprint, first.tls?.fingerprint, 'the same certificate after a restart');
  assert.equal(readFileSync(certFile, 'utf8'), cert);
  assert.equal((await httpsGet(`${second.url}/health`, cert)).status, 200);
});

test('two engines making the self-signed certificate at the same moment serve the one kept on disk', async () => {
  const configDir = join(dir, 'config-race');
  const { certFile, keyFile } = selfSignedFiles(configDir);
  const said: string[] = [];
  const logger = { info: (line: string) => said.push(line), warn: (line: string) => said.push(line), error: () => {} };
  // Each made its own and served it, and only the last one written stayed: the other's browser exception was lost
  // at its next start.
  const [one, other] = await Promise.all([
    selfSignedIdentity(configDir, logger),
    selfSignedIdentity(configDir, logger),
  ]);
  const kept = readFileSync(certFile, 'utf8');
  assert.deepEqual([one.cert, other.cert], [kept, kept]);
  assert.deepEqual([one.key, other.key], Array(2).fill(readFileSync(keyFile, 'utf8')));
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  assert.deepEqual(readdirSync(join(configDir, 'tls')).sort(), ['localhost-key.pem', 'localhost.pem'], 'no temp files');
  assert.equal(said.filter((line) => line.startsWith('made a self-signed certificate')).length, 1, said.join('\n'));
  assert.equal(said.filter((line) => line.startsWith('serving the self-signed certificate another')).length, 1);

  // A key left alone by a start that stopped before its certificate was written, its lock still there: replaced at
  // once, the lock taken over, not waited on.
  rmSync(certFile);
  const longAgo = new Date(Date.now() - 3_600_000);
  utimesSync(keyFile, longAgo, longAgo);
  const lockFile = join(configDir, 'tls', 'localhost.lock');
  writeFileSync(lockFile, '');
  utimesSync(lockFile, longAgo, longAgo);
  said.length = 0;
  const started = Date.now();
  const renewed = await selfSignedIdentity(configDir, logger);
  assert.ok(Date.now() - started < 4_000, "a lock taken an hour ago is no other engine's, still writing its pair");
  assert.deepEqual(readdirSync(join(configDir, 'tls')).sort(), ['localhost-key.pem', 'localhost.pem'], 'no lock left');
  assert.equal(renewed.cert, readFileSync(certFile, 'utf8'));
  assert.equal(renewed.key, readFileSync(keyFile, 'utf8'));
  assert.notEqual(renewed.cert, kept);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.deepEqual(said, [
    `made a self-signed certificate for localhost, 127.0.0.1 and ::1 (the stored key had no certificate): ${certFile}`,
  ]);
});

test('verification stays on: a client that trusts another certificate is refused', async () => {
  const configDir = join(dir, 'config-other');
  const server = await startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const stranger = readFileSync(opensslCertificate(dir, 'ecdsa', 'stranger').cert, 'utf8');
  await assert.rejects(httpsGet(`${server.url}/health`, stranger), /self[- ]signed|unable to verify/i);
  await assert.rejects(openWss(server.wsUrl, stranger), /self[- ]signed|unable to verify/i);
});

test('a stored self-signed certificate that expired is replaced at start', async () => {
  const configDir = join(dir, 'config-expired');
  const { certFile, keyFile } = selfSignedFiles(configDir);
  mkdirSync(join(configDir, 'tls'), { recursive: true });
  const expired = await expiredCertificate(dir);
  cpSync(expired.cert, certFile);
  cpSync(expired.key, keyFile);
  const server = await startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const cert = readFileSync(certFile, 'utf8');
  assert.notEqual(server.tls?.fingerprint, fingerprintOf(readFileSync(expired.cert, 'utf8')));
  assert.equal(server.tls?.fingerprint, fingerprintOf(cert));
  assert.equal((await httpsGet(`${server.url}/health`, cert)).status, 200);
});

test('two engines renewing an expired self-signed certificate at the same moment serve the one kept on disk', async () => {
  const configDir = join(dir, 'config-renew-race');
  const { certFile, keyFile } = selfSignedFiles(configDir);
  mkdirSync(join(configDir, 'tls'), { recursive: true });
  const expired = await expiredCertificate(dir);
  cpSync(expired.cert, certFile);
  cpSync(expired.key, keyFile);
  chmodSync(keyFile, 0o644);
  // Each made and served its own, and the files kept were the last written: one engine's certificate was not the
  // one on disk (its browser exception lost at the next start), or the key was one engine's, the certificate the
  // other's.
  const start = () => startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const [one, other] = await Promise.all([start(), start()]);
  const kept = readFileSync(certFile, 'utf8');
  assert.notEqual(fingerprintOf(kept), fingerprintOf(readFileSync(expired.cert, 'utf8')), 'renewed');
  for (const server of [one, other]) {
    assert.equal(server.tls?.fingerprint, fingerprintOf(kept));
    assert.equal((await httpsGet(`${server.url}/health`, kept)).peerFingerprint, fingerprintOf(kept));
  }
  assert.ok(createPublicKey(readFileSync(keyFile, 'utf8')).equals(new X509Certificate(kept).publicKey), 'one pair');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the renewed key is readable by its owner only');
  assert.deepEqual(readdirSync(join(configDir, 'tls')).sort(), ['localhost-key.pem', 'localhost.pem'], 'no lock left');
});

test('the workspace setting: an openssl-made Ed25519 certificate, paths relative to the workspace file', async () => {
  const folder = join(dir, 'project');
  mkdirSync(folder);
  const files = opensslCertificate(folder, 'ed25519');
  const file = join(folder, 'demo.agui.json');
  const tls: TlsSetting = { cert: 'ed25519-cert.pem', key: 'ed25519-key.pem' };
  writeFileSync(file, JSON.stringify({ version: 2, name: 'tls', settings: { tls } }));
  const server = await startTestEngine({ workspace: file, workspaceOptions: { configDir: join(dir, 'config-ws') } });
  const cert = readFileSync(files.cert, 'utf8');
  assert.equal(server.tls?.fingerprint, fingerprintOf(cert));
  assert.equal(server.tls?.selfSigned, false);
  assert.equal(server.tls?.certFile, files.cert);
  const info = await serverInfo(server.url, server.token, cert);
  assert.deepEqual(info.settings.tls, tls, 'the setting as the file has it');
  assert.equal(info.tls?.fingerprint, fingerprintOf(cert));
  assert.match(info.urls.http, /^https:/);
});

test('RSA and ECDSA certificates made with openssl serve https and wss', async () => {
  for (const type of ['rsa', 'ecdsa'] as const) {
    const files = opensslCertificate(dir, type);
    const cert = readFileSync(files.cert, 'utf8');
    const server = await startTestEngine({ settings: { tls: files }, workspaceOptions: { configDir: dir } });
    const health = await httpsGet(`${server.url}/health`, cert);
    assert.equal(health.status, 200, type);
    assert.equal(health.peerFingerprint, fingerprintOf(cert), type);
    assert.match(await wssRoundTrip(server.wsUrl, cert), /invalid_json/, type);
    await server.close();
  }
});

test('a certificate the engine cannot serve fails the start with a TlsError that says what to fix', async () => {
  const good = opensslCertificate(dir, 'ecdsa', 'good');
  const other = opensslCertificate(dir, 'ecdsa', 'other');
  const expired = await expiredCertificate(dir);
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  const tooSmall = opensslCertificate(dir, 'rsa512');
  const brokenChain = join(dir, 'broken-chain.pem');
  writeFileSync(
    brokenChain,
    `${readFileSync(good.cert, 'utf8')}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
  );
  const encrypted = join(dir, 'encrypted-key.pem');
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(encrypted, privateKey);
  const cases: [string, TlsSetting, RegExp][] = [
    [
      'missing certificate',
      { cert: join(dir, 'nope.pem'), key: good.key },
      /cannot read the TLS certificate .*nope\.pem: no such file/,
    ],
    [
      'missing key',
      { cert: good.cert, key: join(dir, 'nope-key.pem') },
      /cannot read the TLS key .*nope-key\.pem: no such file/,
    ],
    ['a folder', { cert: dir, key: good.key }, /is a folder, not a file/],
    ['a device', { cert: good.cert, key: '/dev/zero' }, /the TLS key \/dev\/zero is not a regular file/],
    ['a key of another certificate', { cert: good.cert, key: other.key }, /does not belong to the certificate/],
    ['expired', expired, /expired on \d{4}-\d\d-\d\d/],
    [
      'swapped',
      { cert: good.key, key: good.cert },
      /holds a private key, not a certificate: are the certificate and key swapped\?/,
    ],
    ['not PEM', { cert: notPem, key: good.key }, /is not a PEM certificate/],
    ['an encrypted key', { cert: good.cert, key: encrypted }, /is encrypted: give it unencrypted \(openssl pkey -in/],
    // Both read, match and date well; before, they failed the listen with OpenSSL's bare code.
    ['a 512-bit RSA key', tooSmall, /rsa512-key\.pem is too small for OpenSSL's security level: make a new one/],
    [
      'a broken block after the certificate',
      { cert: brokenChain, key: good.key },
      /broken-chain\.pem cannot be served with the key .*good-key\.pem: .*is every block of the certificate file/,
    ],
    [
      'a file that says it is empty and is not',
      { cert: '/proc/self/status', key: good.key },
      /is not a PEM certificate/,
    ],
  ];
  for (const [name, tls, message] of cases) {
    await assert.rejects(
      startMockServer({ port: 0, logger: silentLogger, settings: { tls }, workspaceOptions: { configDir: dir } }),
      (error: unknown) => {
        assert.ok(error instanceof TlsError, `${name}: ${String(error)}`);
        assert.match(error.message, message, name);
        assert.doesNotMatch(error.message, /\n/, `${name}: one line`);
        return true;
      },
    );
  }
});

test("over https the console's origin is https: the same host and port over http is another origin", async () => {
  const configDir = join(dir, 'config-origin');
  const server = await startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const cert = readFileSync(selfSignedFiles(configDir).certFile, 'utf8');
  const asked = (origin: string) =>
    httpsGet(`${server.url}/__console/api/server`, cert, { authorization: `Bearer ${server.token}`, origin });
  assert.equal((await asked(server.url)).status, 200);
  assert.equal((await asked(server.url.replace('https:', 'http:'))).status, 403);
});

test('a tls setting changed while running waits for a restart: the server info tells both', async () => {
  const configDir = join(dir, 'config-pending');
  const server = await startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const cert = readFileSync(selfSignedFiles(configDir).certFile, 'utf8');
  server.updateSettings({ tls: 'off' });
  const info = await serverInfo(server.url, server.token, cert);
  assert.equal(info.settings.tls, 'off');
  assert.deepEqual(info.startupSettings, { tls: 'self-signed' });
  assert.match(info.urls.http, /^https:/, 'still served over https until a restart');
});

test("the library's updateSettings refuses certificate files a start could not serve with, as the control API does", async () => {
  const folder = join(dir, 'library-check');
  mkdirSync(folder);
  const good = opensslCertificate(folder, 'ecdsa', 'library');
  // A pair of its own, whose key belongs to another certificate than library-cert.pem.
  opensslCertificate(folder, 'ecdsa', 'library-other');
  const file = join(folder, 'library.agui.json');
  writeFileSync(file, JSON.stringify({ version: 2, name: 'library' }));
  const server = await startTestEngine({ workspace: file, workspaceOptions: { configDir: folder } });
  const refusals: [TlsSetting, RegExp][] = [
    [
      { cert: 'missing.pem', key: 'library-key.pem' },
      /^updateSettings: tls: cannot read the TLS certificate .*missing\.pem: no such file \(ENOENT\)$/,
    ],
    [
      { cert: 'library-cert.pem', key: 'library-other-key.pem' },
      /the TLS key .*library-other-key\.pem does not belong to the certificate/,
    ],
    [{ cert: '.', key: 'library-key.pem' }, /the TLS certificate .* is a folder, not a file/],
    [{ cert: 'huge.pem', key: 'library-key.pem' }, /the TLS certificate .*huge\.pem is larger than 1 MiB/],
  ];
  writeFileSync(join(folder, 'huge.pem'), Buffer.alloc(2 * 1024 * 1024, 0x41));
  for (const [tls, message] of refusals) {
    assert.throws(
      () => server.updateSettings({ tls }),
      { name: 'MockServerOptionsError', message },
      JSON.stringify(tls),
    );
  }
  assert.equal(server.settings().tls, 'off', 'nothing refused was stored');
  // Relative to the workspace file's folder, as a start reads them.
  const relative = { cert: 'library-cert.pem', key: 'library-key.pem' };
  assert.deepEqual(server.updateSettings({ tls: relative }).tls, relative);
  assert.deepEqual(server.updateSettings({ tls: { cert: good.cert, key: good.key } }).tls, good);
});

test('the control API refuses certificate files the next start could not serve with, read beside the workspace', async () => {
  const folder = join(dir, 'patch-check');
  mkdirSync(folder);
  const files = opensslCertificate(folder, 'ed25519');
  const file = join(folder, 'patched.agui.json');
  writeFileSync(file, JSON.stringify({ version: 2, name: 'patched' }));
  const server = await startTestEngine({ workspace: file, workspaceOptions: { configDir: join(dir, 'config-patch') } });
  const api = controlClient(server);
  const missing = await api.patch<{ detail: { loc: unknown[]; msg: string }[] }>('/server/settings', {
    tls: { cert: 'missing-cert.pem', key: 'ed25519-key.pem' },
  });
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.body.detail[0]?.loc, ['body', 'tls']);
  assert.match(String(missing.body.detail[0]?.msg), /missing-cert\.pem/);
  const swapped = await api.patch('/server/settings', { tls: { cert: 'ed25519-key.pem', key: 'ed25519-cert.pem' } });
  assert.equal(swapped.status, 422);
  assert.equal(server.settings().tls, 'off', 'nothing stored');
  const good = await api.patch('/server/settings', { tls: { cert: 'ed25519-cert.pem', key: 'ed25519-key.pem' } });
  assert.equal(good.status, 200, JSON.stringify(good.body));
  assert.deepEqual(server.settings().tls, { cert: 'ed25519-cert.pem', key: 'ed25519-key.pem' });
  assert.ok(files.cert.startsWith(folder));
});

test('a workspace opened with certificate files a start could not serve with: the server info says why before a restart', async () => {
  const folder = join(dir, 'open-check');
  mkdirSync(folder);
  const served = join(folder, 'served.agui.json');
  writeFileSync(served, JSON.stringify({ version: 2, name: 'served' }));
  const colleague = join(folder, 'colleague.agui.json');
  const tls = { cert: 'certs/colleague-cert.pem', key: 'certs/colleague-key.pem' };
  writeFileSync(colleague, JSON.stringify({ version: 2, name: 'colleague', settings: { tls } }));
  const server = await startTestEngine({
    workspace: served,
    workspaceOptions: { configDir: join(dir, 'config-open') },
  });
  const api = controlClient(server);
  assert.equal((await api.get<ServerInfo>('/server')).body.pendingTlsProblem, null, 'nothing waits');
  const opened = await api.post('/workspace/open', { path: colleague });
  assert.equal(opened.status, 200, "the user's file opens as it is");
  const waiting = (await api.get<ServerInfo>('/server')).body;
  assert.deepEqual(waiting.settings.tls, tls);
  assert.match(
    String(waiting.pendingTlsProblem),
    /cannot read the TLS certificate .*certs\/colleague-cert\.pem: no such file/,
  );
  // Once the files are in place they serve: nothing to warn about.
  mkdirSync(join(folder, 'certs'));
  const made = opensslCertificate(join(folder, 'certs'), 'ecdsa', 'colleague');
  assert.equal((await api.get<ServerInfo>('/server')).body.pendingTlsProblem, null);
  // The same files at start: none waits, so none is checked.
  const restarted = await startTestEngine({
    workspace: colleague,
    workspaceOptions: { configDir: join(dir, 'config-open') },
  });
  const ca = readFileSync(made.cert, 'utf8');
  const atStart = await serverInfo(restarted.url, restarted.token, ca);
  assert.equal(atStart.pendingTlsProblem, null);
  assert.deepEqual(atStart.startupSettings.tls, tls);
});

/**
 * Waits for the engine to close `client`'s connection; after 20 s fails naming `what`, and drops the connection
 * itself so the engine can still stop.
 */
async function closedByEngine(client: TcpClient, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      client.socket.destroy();
      reject(new Error(what));
    }, 20_000);
  });
  try {
    await Promise.race([client.closed, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `bytes` on a raw TCP connection and reads all that comes back until the engine closes it. */
async function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  const client = await openTcp(port);
  client.socket.write(bytes);
  await closedByEngine(client, 'the connection stayed open');
  return client.received;
}

/** The `detail` of a raw HTTP answer's FastAPI-shaped body. */
function detailOf(answer: string): string {
  return (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { detail: string }).detail;
}

test('plain HTTP on the TLS port is answered 400 with the https URL to use; garbage is closed; HTTPS serves on', async () => {
  const configDir = join(dir, 'config-garbage');
  const server = await startTestEngine({ settings: { tls: 'self-signed' }, workspaceOptions: { configDir } });
  const cert = readFileSync(selfSignedFiles(configDir).certFile, 'utf8');

  const plain = await rawExchange(server.port, `GET /health?x=1 HTTP/1.1\r\nHost: localhost:${server.port}\r\n\r\n`);
  assert.match(plain, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(plain, /\r\nConnection: close\r\n/);
  const detail = detailOf(plain);
  assert.match(
    detail,
    new RegExp(`this port serves HTTPS; send the request to https://localhost:${server.port}/health\\?x=1 `),
  );

  // No Host header (HTTP/1.0): the URL names the address the connection came in on. HEAD: no body.
  const head = await rawExchange(server.port, 'HEAD /users HTTP/1.0\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(head, /\r\n\r\n$/, 'a HEAD answer carries no body');
  // A plain WebSocket handshake (ws:// for a wss:// engine) gets the same answer.
  const upgrade = await rawExchange(
    server.port,
    'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  assert.match(upgrade, /send the request to https:\/\/127\.0\.0\.1\/ws /);

  // Neither TLS nor HTTP, or a broken handshake: closed without an answer, as before.
  assert.equal(await rawExchange(server.port, 'hello\r\n'), '');
  const broken = await rawExchange(server.port, Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0]));
  assert.ok(!broken.startsWith('HTTP/'), 'a TLS alert at most');
  assert.equal((await httpsGet(`${server.url}/health`, cert)).status, 200);
});

// Each test has an engine of its own and spends its time waiting for that engine's header timeout: side by side.
describe('the header timeout on the TLS port', { concurrency: true }, () => {
  test('a connection to the TLS port that sends nothing is closed after the header timeout', async () => {
    const configDir = join(dir, 'config-silent');
    const server = await startTestEngine({
      settings: { tls: 'self-signed', headersTimeoutMs: 1000 },
      workspaceOptions: { configDir },
    });
    const client = await openTcp(server.port);
    const opened = Date.now();
    await closedByEngine(client, 'a silent connection stayed open');
    assert.ok(Date.now() - opened >= 900, `closed after ${Date.now() - opened} ms, not before its timeout`);
  });

  test('a plain request written in pieces is read until its head is whole; one whose head stops is answered at the timeout', async () => {
    const configDir = join(dir, 'config-pieces');
    const server = await startTestEngine({
      settings: { tls: 'self-signed', headersTimeoutMs: 1000 },
      workspaceOptions: { configDir },
    });

    // The pause between writes only makes them separate TCP segments (no Nagle here), as a slow client's are.
    const pieces = await openTcp(server.port);
    pieces.socket.setNoDelay(true);
    for (const piece of ['GE', 'T /health?x=1 HT', `TP/1.1\r\nHost: localhost:${server.port}\r\n`, '\r\n']) {
      pieces.socket.write(piece);
      await sleep(50);
    }
    await closedByEngine(pieces, 'a request written in pieces was not answered');
    assert.match(pieces.received, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(detailOf(pieces.received), new RegExp(`https://localhost:${server.port}/health\\?x=1 `));

    // The three connections below each wait out the header timeout on a connection of their own: they are opened
    // together, and each is then checked as before.
    // The request line and a header, then nothing: answered when the header timeout ends the wait.
    const stalled = await openTcp(server.port);
    stalled.socket.write(`GET /users HTTP/1.1\r\nHost: localhost:${server.port}\r\n`);

    // A head whose headers trickle in a byte at a time is not waited for beyond the timeout (counted from the
    // connection's start, not from its last byte).
    const trickle = await openTcp(server.port);
    const trickleStarted = Date.now();
    trickle.socket.write('GET /trickle HTTP/1.1\r\n');
    const slowHead = `Host: localhost:${server.port}\r\nX-Padding: ${'x'.repeat(60)}\r\n\r\n`;
    let sent = 0;
    const dribble = setInterval(() => {
      if (trickle.socket.destroyed || sent >= slowHead.length) clearInterval(dribble);
      else trickle.socket.write(slowHead[sent++] ?? '');
    }, 100);

    // Half a request line, then nothing: closed at the timeout without an answer.
    const half = await openTcp(server.port);
    half.socket.write('GET /us');

    await closedByEngine(stalled, 'a stalled request head was never answered');
    assert.match(detailOf(stalled.received), new RegExp(`https://localhost:${server.port}/users `));

    await closedByEngine(trickle, 'a trickled head kept its connection open');
    clearInterval(dribble);
    const trickleMs = Date.now() - trickleStarted;
    assert.ok(sent < slowHead.length, `the headers (${slowHead.length} bytes at 10 a second) were not waited for`);
    assert.ok(trickleMs < 1000 + 5000, `answered or closed ${trickleMs} ms after it opened (timeout 1000 ms)`);
    assert.match(trickle.received, /^HTTP\/1\.1 400 Bad Request\r\n/, 'its request line had come: answered from it');

    await closedByEngine(half, 'half a request line stayed open');
    assert.equal(half.received, '');
    // A line that cannot be one is closed at once.
    assert.equal(await rawExchange(server.port, 'GET /x HTTP/9.9\r\n'), '');
  });
});

test('closing the engine closes connections whose TLS handshake is not done, without waiting for their timeout', async () => {
  const configDir = join(dir, 'config-handshakes');
  // The longest header timeout there is: a close that waited for it would wait ten minutes.
  const server = await startTestEngine({
    settings: { tls: 'self-signed', headersTimeoutMs: 600_000 },
    workspaceOptions: { configDir },
  });
  const silent = await openTcp(server.port);
  // A whole ClientHello, then nothing: the engine answers it and waits for the client's next handshake message.
  const stopped = await openTcp(server.port);
  stopped.socket.write(await clientHello());
  await eventually(() => stopped.received.length > 0, "the engine's answer to the ClientHello");
  // The start of a TLS record that never comes whole.
  const partial = await openTcp(server.port);
  partial.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
  const clients = [silent, stopped, partial];

  const closing = server.close();
  // Unref'd: the bound keeps no process alive once the close has come.
  const closedInTime = await Promise.race([closing.then(() => true), sleep(WAIT_MS, false, { ref: false })]);
  if (!closedInTime) for (const client of clients) client.socket.destroy();
  await closing;
  assert.ok(closedInTime, "the engine's close waited for connections whose handshake was not done");
  await Promise.all(clients.map((client) => client.closed));
});

/** The first bytes a TLS client sends: its ClientHello, as a server of ours receives it. */
async function clientHello(): Promise<Buffer> {
  const catcher = createNetServer();
  const hello = new Promise<Buffer>((resolve) =>
    catcher.once('connection', (socket) =>
      socket.once('data', (bytes: Buffer) => {
        resolve(bytes);
        socket.destroy();
      }),
    ),
  );
  await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
  const client = tlsConnect({
    port: (catcher.address() as AddressInfo).port,
    host: '127.0.0.1',
    rejectUnauthorized: false,
  });
  client.on('error', () => {});
  try {
    return await hello;
  } finally {
    client.destroy();
    catcher.close();
  }
}

test('--cert/--key for one run (a launch setting) are served but not written into the workspace file', async () => {
  const file = join(dir, 'launch.agui.json');
  writeFileSync(file, JSON.stringify({ version: 2, name: 'launch', settings: { tls: 'off' } }));
  const files = opensslCertificate(dir, 'ecdsa', 'launch');
  const server = await startTestEngine({
    workspace: file,
    settings: { tls: files },
    workspaceOptions: { configDir: dir },
  });
  assert.equal(server.tls?.certFile, files.cert);
  server.updateSettings({ approvalTimeoutMs: 4321 });
  await server.workspace.save();
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { settings: { tls: unknown; approvalTimeoutMs: number } };
  assert.equal(saved.settings.approvalTimeoutMs, 4321);
  assert.equal(saved.settings.tls, 'off');
});
