import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  type CertificateCheck,
  type CertificateSession,
  CHROMIUM_DECIDES,
  certificateVerdict,
  TRUST,
  trustEngineCertificate,
} from '../src/main/engine-certificate';
import { fingerprintOf, opensslCertificate } from './helpers/certificates';

const dir = mkdtempSync(join(tmpdir(), 'agui-main-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const engineCert = readFileSync(opensslCertificate(dir, 'ecdsa', 'engine').cert, 'utf8');
const otherCert = readFileSync(opensslCertificate(dir, 'ecdsa', 'other').cert, 'utf8');
const fingerprint = fingerprintOf(engineCert);
const ENGINE = 'https://127.0.0.1:8443';

const check = (hostname: string, data: string): CertificateCheck => ({ hostname, certificate: { data } });

test("the engine's own certificate on the engine's host is trusted", () => {
  assert.equal(certificateVerdict(check('127.0.0.1', engineCert), ENGINE, fingerprint), TRUST);
  assert.equal(certificateVerdict(check('localhost', engineCert), 'https://localhost:8443', fingerprint), TRUST);
});

test('IPv6 engines: Chromium may give the host with or without brackets', () => {
  for (const hostname of ['::1', '[::1]'])
    assert.equal(certificateVerdict(check(hostname, engineCert), 'https://[::1]:8443', fingerprint), TRUST, hostname);
});

test('anything else is left to Chromium: another certificate, another host, an unreadable certificate', () => {
  assert.equal(certificateVerdict(check('127.0.0.1', otherCert), ENGINE, fingerprint), CHROMIUM_DECIDES);
  assert.equal(certificateVerdict(check('example.com', engineCert), ENGINE, fingerprint), CHROMIUM_DECIDES);
  assert.equal(certificateVerdict(check('localhost', engineCert), ENGINE, fingerprint), CHROMIUM_DECIDES);
  assert.equal(certificateVerdict(check('127.0.0.1', 'not a certificate'), ENGINE, fingerprint), CHROMIUM_DECIDES);
  assert.equal(certificateVerdict(check('127.0.0.1', ''), ENGINE, fingerprint), CHROMIUM_DECIDES);
});

test('the session gets a verify proc only when the engine serves TLS, and it answers with the verdict', () => {
  const procs: Parameters<CertificateSession['setCertificateVerifyProc']>[0][] = [];
  const session: CertificateSession = { setCertificateVerifyProc: (proc) => procs.push(proc) };
  trustEngineCertificate(session, { url: 'http://127.0.0.1:8123', tls: null });
  assert.equal(procs.length, 0, 'plain HTTP: Chromium keeps its own verification untouched');

  trustEngineCertificate(session, { url: ENGINE, tls: { fingerprint } });
  assert.equal(procs.length, 1);
  const verdicts: number[] = [];
  procs[0]?.(check('127.0.0.1', engineCert), (verdict) => verdicts.push(verdict));
  procs[0]?.(check('127.0.0.1', otherCert), (verdict) => verdicts.push(verdict));
  assert.deepEqual(verdicts, [TRUST, CHROMIUM_DECIDES]);
});
