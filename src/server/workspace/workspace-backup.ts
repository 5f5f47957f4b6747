import { constants, copyFile } from 'node:fs/promises';
import { WorkspaceError } from './workspace-error';
import { describeFsErrorAt } from './workspace-fs-errors';

/**
 * Keeps a file about to be migrated as `<file>.bak` (or `<file>.<now>.bak` when that exists), never over anything.
 * Returns the backup's path; a copy the disk refuses is a WorkspaceError saying why, the file left as it was.
 */
export async function backUpOriginal(file: string, now: number): Promise<string> {
  for (const backup of [`${file}.bak`, `${file}.${now}.bak`]) {
    try {
      await copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WorkspaceError({
          operation: 'save',
          file,
          problem: `cannot keep the original before migrating (${await describeFsErrorAt(error, backup)}); nothing was changed`,
          cause: error,
        });
      }
    }
  }
  throw new WorkspaceError({ operation: 'save', file, problem: 'cannot keep the original before migrating' });
}
