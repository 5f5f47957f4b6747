import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { WORKSPACE_MAX_BYTES } from '../../../shared/workspace-max-bytes';
import { fileKind } from '../../support/file-kind';
import { describeBytes } from '../../workspace/bounded-file';
import { WorkspaceError } from '../../workspace/workspace-error';
import { notAWorkspaceFile } from '../../workspace/workspace-file';
import { describeFsErrorAt } from '../../workspace/workspace-fs-errors';

/** What is at `file` now: its stats, `missing`, or the reason it cannot be looked at. */
async function lookUp(file: string): Promise<Stats | 'missing' | NodeJS.ErrnoException> {
  try {
    return await stat(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (error as NodeJS.ErrnoException);
  }
}

/**
 * A path the console chose for open, save as or new, checked before the workspace service uses it: the service
 * must never read from a pipe or device (a read that never ends), replace one by renaming over it, or report a
 * folder or an unusable name as a disk failure. Throws WorkspaceError (`not-found`, `exists` or `invalid`).
 */
export async function checkWorkspacePath(path: string, intent: 'open' | 'save-as' | 'new'): Promise<string> {
  const file = resolve(path);
  const operation = intent === 'open' ? 'load' : 'save';
  const refuse = (problem: string, reason: 'invalid' | 'not-found' = 'invalid') =>
    new WorkspaceError({ operation, reason, file, problem });
  // The request's check takes absolute paths of every system (the console may run elsewhere); this one is the
  // engine's: `C:\\x.json` on Linux would be a file named so in the folder the engine runs in.
  if (!isAbsolute(path)) {
    const problem = `not an absolute path on this system (${process.platform})`;
    throw new WorkspaceError({ operation, reason: 'invalid', file: path, problem });
  }
  const found = await lookUp(file);
  if (found instanceof Error) throw refuse(`cannot use this path (${await describeFsErrorAt(found, file, 'read')})`);
  if (found === 'missing') {
    if (intent === 'open') throw refuse('no such file', 'not-found');
    return file;
  }
  // `new` refuses any existing path itself (409), a folder with words of its own.
  if (intent === 'new') return file;
  if (!found.isFile()) throw refuse(notAWorkspaceFile(fileKind(found)));
  if (intent === 'open' && found.size > WORKSPACE_MAX_BYTES)
    throw refuse(`the file is larger than ${describeBytes(WORKSPACE_MAX_BYTES)}: no workspace is that big`);
  return file;
}
