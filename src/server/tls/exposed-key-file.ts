import { stat } from 'node:fs/promises';
import { shellWord } from '../support/shell-word';

/** Any access for the group or others: a private key is then not private (ssh's rule for its own keys). */
const SHARED_BITS = 0o077;

/**
 * The warning for a private key file other users of this machine may read (or change), as ssh gives for its keys;
 * undefined when it is its owner's only, or on Windows, where files have no such mode bits.
 */
export async function exposedKeyWarning(keyFile: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  // Read a moment ago: a file gone since is for the next start to report, not this warning.
  const mode = await stat(keyFile).then(
    (found) => found.mode & 0o777,
    () => 0,
  );
  if ((mode & SHARED_BITS) === 0) return undefined;
  return `the TLS key ${keyFile} is open to other users of this machine (mode 0${mode.toString(8)}): chmod 600 ${shellWord(keyFile)}`;
}
