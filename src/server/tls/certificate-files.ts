import { describeBytes, type FileRefusal, readRegularFile, readRegularFileSync } from '../workspace/bounded-file';
import { describeFsError } from '../workspace/workspace-fs-errors';
import { TlsError } from './tls-error';
import { checkTlsIdentity, type PemText, type TlsIdentity } from './tls-identity';

/** Far more than a certificate chain or a key takes: a bigger file is something else. */
const MAX_PEM_BYTES = 1024 * 1024;

/** Reads a certificate and its key from PEM files and checks them. */
export async function readCertificateFiles(
  certFile: string,
  keyFile: string,
  { selfSigned = false, now = Date.now() } = {},
): Promise<TlsIdentity> {
  const [cert, key] = await Promise.allSettled([readPem(certFile, 'certificate'), readPem(keyFile, 'key')]);
  // The certificate's problem first, whichever read ended first: the same files always get the same message.
  if (cert.status === 'rejected') throw cert.reason;
  if (key.status === 'rejected') throw key.reason;
  return checkTlsIdentity(cert.value, key.value, selfSigned, now);
}

/**
 * `readCertificateFiles` for a caller that cannot wait (the library's synchronous `updateSettings`), with the same
 * checks and messages.
 */
export function readCertificateFilesSync(certFile: string, keyFile: string): TlsIdentity {
  const read = (file: string, what: PemWhat) => {
    try {
      return pemText(readRegularFileSync(file, MAX_PEM_BYTES), file, what);
    } catch (error) {
      throw error instanceof TlsError ? error : unreadable(file, what, error);
    }
  };
  return checkTlsIdentity(read(certFile, 'certificate'), read(keyFile, 'key'), false);
}

type PemWhat = 'certificate' | 'key';

async function readPem(file: string, what: PemWhat): Promise<PemText> {
  let bytes: Awaited<ReturnType<typeof readRegularFile>>;
  try {
    // Bounded as it is read, not by the size a stat reports: /proc files say 0 and hold hundreds of megabytes.
    bytes = await readRegularFile(file, MAX_PEM_BYTES);
  } catch (error) {
    throw unreadable(file, what, error);
  }
  return pemText(bytes, file, what);
}

function unreadable(file: string, what: PemWhat, error: unknown): TlsError {
  return new TlsError(`cannot read the TLS ${what} ${file}: ${readProblem(error)}`);
}

/** The file's text, or the TlsError that says why what was found is not one. */
function pemText(bytes: Buffer | FileRefusal, file: string, what: PemWhat): PemText {
  if (Buffer.isBuffer(bytes)) return { text: bytes.toString('utf8'), file };
  if (bytes.refused === 'too large')
    throw new TlsError(
      `the TLS ${what} ${file} is larger than ${describeBytes(MAX_PEM_BYTES)}: too big to be a PEM ${what}`,
    );
  // A device or a pipe (/dev/zero, a FIFO) could be read forever.
  if (bytes.what === 'a folder') throw new TlsError(`the TLS ${what} ${file} is a folder, not a file`);
  throw new TlsError(`the TLS ${what} ${file} is not a regular file (it is ${bytes.what})`);
}

function readProblem(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file (ENOENT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${(error as NodeJS.ErrnoException).code})`;
    default:
      return describeFsError(error);
  }
}
