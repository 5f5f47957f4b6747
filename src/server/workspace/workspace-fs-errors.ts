import { stat } from 'node:fs/promises';
import { dirname, parse, resolve, sep } from 'node:path';
import { filesExhausted } from '../support/files-exhausted';

/**
 * What was found at the place a file system call failed, so its error can be said for that place: the folder a file
 * was to be written in, whether that folder is there, the part of a path that is a file. Found by `describeFsErrorAt`.
 */
export interface FsErrorPlace {
  /** The file asked for (the one the save replaces or creates, or the one read). */
  file: string;
  /** The folder the failing write was in: the file's, or its symbolic link target's. */
  folder: string;
  /** Whether `folder` is there and is a folder (looked at only for ENOENT when writing). */
  folderExists?: boolean;
  /** The first part of the path that is not a folder (looked at only for ENOTDIR). */
  notAFolder?: string;
  /**
   * The folder on the path the engine may not look into (looked at only for a permission refused reading); none
   * found, the file's own permissions refused it.
   */
  closedFolder?: string;
}

/**
 * A file system error as people read it: what went wrong in words, with the code for searching. `access` says
 * whether the file was being read or written (a permission refusal names which). With `place` (see
 * `describeFsErrorAt`), a write names the folder and says the reason as it is there: the one wording every workspace
 * file operation (open, save, save as, new, autosave, the watcher's look) uses.
 */
export function describeFsError(error: unknown, access: 'read' | 'write' = 'write', place?: FsErrorPlace): string {
  const { code, message, syscall } = error as NodeJS.ErrnoException;
  const folder = place && access === 'write' ? place.folder : undefined;
  const exhausted = filesExhausted(error);
  if (exhausted) return `${exhausted.why}: ${exhausted.remedy}`;
  switch (code) {
    case 'ENOSPC':
      return folder ? `the disk is full: no room in ${folder} (ENOSPC)` : 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return folder
        ? `the disk quota is exceeded: no room in ${folder} (EDQUOT)`
        : 'the disk quota is exceeded (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      if (folder)
        return `permission denied: not allowed to write in ${folder} (${code}); allow the user the engine runs as to write there, or choose another folder`;
      if (place?.closedFolder)
        return `permission denied: not allowed to look into ${place.closedFolder} (${code}); allow the user the engine runs as to open it, or choose another folder`;
      // Every folder on the way could be looked into: the refusal is the file's own.
      if (place && access === 'read')
        return `permission denied: not allowed to read ${place.file} (${code}); allow the user the engine runs as to read it, or choose another file`;
      return `permission denied: the folder or file is not ${access === 'read' ? 'readable' : 'writable'} (${code})`;
    case 'EROFS':
      return folder ? `${folder} is on a read-only file system (EROFS)` : 'the file system is read-only (EROFS)';
    case 'ENOENT':
      if (!folder) return 'the folder does not exist (ENOENT)';
      if (!place?.folderExists) return `the folder ${folder} does not exist (ENOENT)`;
      // The folder is there and still the file could not be made: a file system that takes no new files (/proc).
      if (syscall === 'rename')
        return `the temporary file in ${folder} was removed before it could replace the file (ENOENT)`;
      return `no file can be created in ${folder}: the folder exists, but its file system does not take new files (ENOENT)`;
    case 'EISDIR':
      return place ? `${place.file} is a folder (EISDIR)` : 'the path is a folder (EISDIR)';
    case 'ENOTDIR':
      return place?.notAFolder
        ? `a part of the path, ${place.notAFolder}, is a file, not a folder (ENOTDIR)`
        : 'a part of the path is a file, not a folder (ENOTDIR)';
    case 'EEXIST':
      return place ? `${place.file} already exists (EEXIST)` : 'the file already exists (EEXIST)';
    case 'ENAMETOOLONG':
      return 'the file name or path is longer than the file system allows (ENAMETOOLONG)';
    case 'ELOOP':
      return 'the path has too many symbolic links (ELOOP)';
    default:
      // Node's message mostly starts with its code already ("EFBIG: file too large, write").
      return code && !message.startsWith(code) ? `${code}: ${message}` : message;
  }
}

/**
 * `describeFsError` for a failure reading or writing `file`, after looking at the place it failed: the folder the
 * failing call was in (beside a symbolic link's target, where saves write), whether that folder is there (ENOENT:
 * a missing folder, or one such as /proc where no file can be created), which part of the path is a file (ENOTDIR),
 * which folder on it the engine may not look into (a permission refused reading).
 * Never throws; what cannot be looked at is left unsaid.
 */
export async function describeFsErrorAt(
  error: unknown,
  file: string,
  access: 'read' | 'write' = 'write',
): Promise<string> {
  const failed = error as NodeJS.ErrnoException & { dest?: string };
  // A rename or link names its target as `dest`; an open names the temp file beside the target.
  const at = typeof failed?.dest === 'string' ? failed.dest : typeof failed?.path === 'string' ? failed.path : file;
  const place: FsErrorPlace = { file, folder: dirname(resolve(at)) };
  if (failed?.code === 'ENOENT' && access === 'write') place.folderExists = await isFolder(place.folder);
  if (failed?.code === 'ENOTDIR') place.notAFolder = await firstNotAFolder(dirname(resolve(file)));
  if ((failed?.code === 'EACCES' || failed?.code === 'EPERM') && access === 'read')
    place.closedFolder = await firstClosedFolder(resolve(file));
  return describeFsError(error, access, place);
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The first part of `folder`, from the root down, that is there and is not a folder (undefined: none found). */
async function firstNotAFolder(folder: string): Promise<string | undefined> {
  const { root } = parse(folder);
  let path = root;
  for (const part of folder.slice(root.length).split(sep).filter(Boolean)) {
    path = path === root ? `${root}${part}` : `${path}${sep}${part}`;
    try {
      if (!(await stat(path)).isDirectory()) return path;
    } catch {
      return undefined; // missing or not to be looked at: not an ENOTDIR this can explain
    }
  }
  return undefined;
}

/**
 * The folder the engine may not look into on the way to `path`: the one holding the first part of it whose stat is
 * refused (undefined: every part can be looked at, so the refusal is the file's own).
 */
async function firstClosedFolder(path: string): Promise<string | undefined> {
  const { root } = parse(path);
  let at = root;
  for (const part of path.slice(root.length).split(sep).filter(Boolean)) {
    const next = at === root ? `${root}${part}` : `${at}${sep}${part}`;
    try {
      await stat(next);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      return code === 'EACCES' || code === 'EPERM' ? at : undefined;
    }
    at = next;
  }
  return undefined;
}
