import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { takeLockFile } from '../support/lock-file';
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
/** A pair is written in milliseconds: a lock older than this was left by an engine that died holding it. */
const LOCK_STALE_MS = 10_000;
/** Longer than a stale lock lasts, so a start waits for the one holding it, or takes over one left behind. */
const LOCK_WAIT_MS = LOCK_STALE_MS + 5_000;

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
  const stored = await storedIdentity(certFile, keyFile, now);
  if (stored.identity) return stored.identity;
  const made = await generate(now);
  try {
    await mkdir(join(configDir, 'tls'), { recursive: true, mode: 0o700 });
    // A new pair, the first or a renewal, is written by one engine at a time: engines starting at the same moment
    // would each serve their own, and only the last one written would be there at the next start (the others'
    // browser exceptions lost), or the key of one beside the certificate of another. The one that takes the lock
    // first writes its pair; the others, once they have it, find that pair and serve it.
    const lockFile = join(configDir, 'tls', 'localhost.lock');
    const release = await takeLockFile(lockFile, { waitMs: LOCK_WAIT_MS, staleMs: LOCK_STALE_MS });
    if (!release) throw new Error(`another agui-mock held ${lockFile} too long`);
    try {
      const theirs = await storedIdentity(certFile, keyFile, now);
      if (theirs.identity) {
        logger.info(`serving the self-signed certificate another agui-mock made at the same moment: ${certFile}`);
        return theirs.identity;
      }
      // The key first: a certificate on disk always has its key beside it (a crash in between leaves the old
      // certificate, or none, which no longer matches, and the next start makes a new pair).
      await writeFileAtomic(keyFile, made.private, {}, { mode: 0o600 });
      await writeFileAtomic(certFile, made.cert);
    } finally {
      await release();
    }
    logger.info(`made a self-signed certificate for localhost, 127.0.0.1 and ::1 (${stored.reason}): ${certFile}`);
  } catch (error) {
    logger.warn(
      `could not keep the self-signed certificate in ${certFile} (${(error as Error).message}): browsers will ask to trust it again after a restart`,
    );
  }
  return checkTlsIdentity({ text: made.cert, file: certFile }, { text: made.private, file: keyFile }, true, now);
}

/** The pair kept in the config folder when it serves on, else why a new one is made. */
async function storedIdentity(
  certFile: string,
  keyFile: string,
  now: number,
): Promise<{ identity: TlsIdentity; reason?: never } | { identity?: never; reason: string }> {
  try {
    const stored = await readCertificateFiles(certFile, keyFile, { selfSigned: true, now });
    const stale = staleness(stored, now);
    return stale === undefined ? { identity: stored } : { reason: stale };
  } catch (error) {
    if (existsSync(certFile)) return { reason: (error as Error).message };
    // A key alone: a start that stopped before it wrote the certificate.
    return { reason: existsSync(keyFile) ? 'the stored key had no certificate' : 'there was none yet' };
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
