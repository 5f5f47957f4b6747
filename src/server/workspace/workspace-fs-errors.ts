/**
 * A file system error as people read it: what went wrong in words, with the code for searching. `access` says
 * whether the file was being read or written (a permission refusal names which).
 */
export function describeFsError(error: unknown, access: 'read' | 'write' = 'write'): string {
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied: the folder or file is not ${access === 'read' ? 'readable' : 'writable'} (${code})`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOENT':
      return 'the folder does not exist (ENOENT)';
    case 'EISDIR':
      return 'the path is a folder (EISDIR)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (ENOTDIR)';
    case 'ENAMETOOLONG':
      return 'the file name or path is longer than the file system allows (ENAMETOOLONG)';
    case 'ELOOP':
      return 'the path has too many symbolic links (ELOOP)';
    default:
      // Node's message mostly starts with its code already ("EFBIG: file too large, write").
      return code && !message.startsWith(code) ? `${code}: ${message}` : message;
  }
}
