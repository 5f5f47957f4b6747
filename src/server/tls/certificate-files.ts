import { readFile, stat } from 'node:fs/promises';
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
  const [cert, key] = await Promise.all([readPem(certFile, 'certificate'), readPem(keyFile, 'key')]);
  return checkTlsIdentity(cert, key, selfSigned, now);
}

async function readPem(file: string, what: 'certificate' | 'key'): Promise<PemText> {
  try {
    const stats = await stat(file);
    if (stats.isDirectory()) throw new TlsError(`the TLS ${what} ${file} is a folder, not a file`);
    // A device or a pipe (/dev/zero, a FIFO) could be read forever.
    if (!stats.isFile()) throw new TlsError(`the TLS ${what} ${file} is not a regular file`);
    if (stats.size > MAX_PEM_BYTES)
      throw new TlsError(`the TLS ${what} ${file} is ${stats.size} bytes: too big to be a PEM ${what}`);
    return { text: await readFile(file, 'utf8'), file };
  } catch (error) {
    if (error instanceof TlsError) throw error;
    throw new TlsError(`cannot read the TLS ${what} ${file}: ${readProblem(error)}`);
  }
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
