import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpsCall } from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import WebSocket from 'ws';

export interface CertificateFiles {
  cert: string;
  key: string;
}

/** openssl's key options for each key type a user may bring. */
const OPENSSL_KEYS = {
  ed25519: ['-newkey', 'ed25519'],
  rsa: ['-newkey', 'rsa:2048'],
  /** Below OpenSSL's default security level: it reads, matches and dates as well as any, and serves no one. */
  rsa512: ['-newkey', 'rsa:512'],
  ecdsa: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
} as const;

/** A self-signed certificate for localhost and 127.0.0.1 made the way users make one: `openssl req -x509`. */
export function opensslCertificate(
  dir: string,
  type: keyof typeof OPENSSL_KEYS,
  name: string = type,
): CertificateFiles {
  const files = { cert: join(dir, `${name}-cert.pem`), key: join(dir, `${name}-key.pem`) };
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-nodes',
      ...OPENSSL_KEYS[type],
      '-keyout',
      files.key,
      '-out',
      files.cert,
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return files;
}

/** A certificate for localhost whose validity ended yesterday (openssl 3.0 cannot date one in the past). */
export async function expiredCertificate(dir: string): Promise<CertificateFiles> {
  const day = 86_400_000;
  const made = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    notBeforeDate: new Date(Date.now() - 30 * day),
    notAfterDate: new Date(Date.now() - day),
  });
  const files = { cert: join(dir, 'expired-cert.pem'), key: join(dir, 'expired-key.pem') };
  writeFileSync(files.cert, made.cert);
  writeFileSync(files.key, made.private);
  return files;
}

/** Browsers' way of writing a SHA-256 fingerprint, as the engine reports it. */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** A GET over HTTPS that trusts exactly `ca` (the server's certificate), with verification on. */
export function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; peerFingerprint: string }> {
  return httpsRequest(url, ca, { headers });
}

/** A request over HTTPS that trusts exactly `ca`; a `json` body is sent as such. */
export function httpsRequest(
  url: string,
  ca: string,
  { method = 'GET', headers = {}, json }: { method?: string; headers?: Record<string, string>; json?: unknown },
): Promise<{ status: number; body: string; peerFingerprint: string }> {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const sent = body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
    const request = httpsCall(url, { ca, method, headers: sent }, (response) => {
      const peerFingerprint = (response.socket as import('node:tls').TLSSocket).getPeerX509Certificate()
        ?.fingerprint256;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: text, peerFingerprint: peerFingerprint ?? '' }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Opens a WSS connection that trusts exactly `ca`; rejects on a failed handshake. */
export async function openWss(url: string, ca: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, { ca, headers });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}
