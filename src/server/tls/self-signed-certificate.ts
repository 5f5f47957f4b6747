import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../support/logger';
import { writeFileAtomic } from '../workspace/atomic-file';
import { readCertificateFiles } from './certificate-files';
import { checkTlsIdentity, type TlsIdentity } from './tls-identity';

const DAY_MS = 86_400_000;
/** A year: long enough that a browser exception rarely has to be given again. */
const VALID_DAYS = 365;
/** A certificate this close to its end is replaced at start, not in the middle of someone's work. */
const RENEW_DAYS = 30;
/** What a client may connect as: the names and addresses of this machine's loopback. */
const HOSTNAMES = ['localhost'];
const ADDRESSES = ['127.0.0.1', '::1'];
/** How long another engine's key may wait for its certificate: it is written right after, so this is generous. */
const PEER_WAIT_MS = 5_000;
const PEER_POLL_MS = 20;

/** Where the engine keeps its own certificate, in the config folder (mkcert's file names). */
export function selfSignedFiles(configDir: string): { certFile: string; keyFile: string } {
  const folder = join(configDir, 'tls');
  return { certFile: join(folder, 'localhost.pem'), keyFile: join(folder, 'localhost-key.pem') };
}

/**
 * The engine's own certificate for localhost, 127.0.0.1 and ::1: the one kept in the config folder while it is
 * valid for more than a month (so a browser's exception for it survives restarts), else a new one, kept for the
 * next start. A folder it cannot write to costs only that: the new certificate is served all the same.
 */
export async function selfSignedIdentity(configDir: string, logger: Logger, now = Date.now()): Promise<TlsIdentity> {
  const { certFile, keyFile } = selfSignedFiles(configDir);
  let reason: string;
  let first = false;
  try {
    const stored = await readCertificateFiles(certFile, keyFile, { selfSigned: true, now });
    const stale = staleness(stored, now);
    if (stale === undefined) return stored;
    reason = stale;
  } catch (error) {
    first = !existsSync(certFile);
    reason = first ? 'there was none yet' : (error as Error).message;
  }
  // A first certificate is created, never written over: engines starting at the same moment would each serve
  // their own, and only the last one written would be there at the next start (the others' browser exceptions
  // lost). The key is the claim: the engine that puts it there first writes its certificate beside it, and the
  // others serve that one.
  const made = await generate(now);
  try {
    await mkdir(join(configDir, 'tls'), { recursive: true, mode: 0o700 });
    // The key first: a certificate on disk always has its key beside it (a crash in between leaves the old
    // certificate, or none, which no longer matches, and the next start makes a new pair).
    const claimed = await writeFileAtomic(keyFile, made.private, {}, { mode: 0o600, exclusive: first }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (first && error.code === 'EEXIST') return false;
        throw error;
      },
    );
    if (!claimed) {
      const theirs = await madeMeanwhile(certFile, keyFile, now);
      if (theirs) {
        logger.info(`serving the self-signed certificate another agui-mock made at the same moment: ${certFile}`);
        return theirs;
      }
      // A key without its certificate (a start that stopped in between): replaced, as a damaged pair is.
      await writeFileAtomic(keyFile, made.private, {}, { mode: 0o600 });
      reason = 'the stored key had no certificate';
    }
    await writeFileAtomic(certFile, made.cert);
    logger.info(`made a self-signed certificate for localhost, 127.0.0.1 and ::1 (${reason}): ${certFile}`);
  } catch (error) {
    logger.warn(
      `could not keep the self-signed certificate in ${certFile} (${(error as Error).message}): browsers will ask to trust it again after a restart`,
    );
  }
  return checkTlsIdentity({ text: made.cert, file: certFile }, { text: made.private, file: keyFile }, true, now);
}

/**
 * The pair another engine is writing: its key is there, its certificate follows within moments (one write). Read
 * until both are there and serve, up to PEER_WAIT_MS after the key was written; undefined when none came (a key
 * left alone long ago is not waited for).
 */
async function madeMeanwhile(certFile: string, keyFile: string, now: number): Promise<TlsIdentity | undefined> {
  const keyWritten = await stat(keyFile).then(
    (found) => Math.min(found.mtimeMs, Date.now()),
    () => Date.now(),
  );
  const deadline = keyWritten + PEER_WAIT_MS;
  for (;;) {
    const stored = await readCertificateFiles(certFile, keyFile, { selfSigned: true, now }).catch(() => undefined);
    if (stored && staleness(stored, now) === undefined) return stored;
    if (Date.now() >= deadline) return undefined;
    await sleep(PEER_POLL_MS);
  }
}

/** Why a stored certificate should be replaced, or undefined to keep it. */
function staleness({ certificate, info }: TlsIdentity, now: number): string | undefined {
  if (info.validTo - now < RENEW_DAYS * DAY_MS)
    return `the stored one ends on ${new Date(info.validTo).toISOString().slice(0, 10)}`;
  const missing = [
    ...HOSTNAMES.filter((name) => certificate.checkHost(name) === undefined),
    ...ADDRESSES.filter((address) => certificate.checkIP(address) === undefined),
  ];
  if (missing.length > 0) return `the stored one is not for ${missing.join(', ')}`;
  return undefined;
}

/** An ECDSA P-256 certificate: every browser and client takes it, and it is made in milliseconds. */
async function generate(now: number): Promise<{ cert: string; private: string }> {
  // Loaded only here: the library and what it brings are needed once a year, not at every start.
  const { generate: makeCertificate } = await import('selfsigned');
  return makeCertificate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'AG-UI Mock Console (development only)' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      // An hour back: a client whose clock is a little behind still accepts it.
      notBeforeDate: new Date(now - 3_600_000),
      notAfterDate: new Date(now + VALID_DAYS * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...HOSTNAMES.map((value) => ({ type: 2 as const, value })),
            ...ADDRESSES.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    },
  );
}
