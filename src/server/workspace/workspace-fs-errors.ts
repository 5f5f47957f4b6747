/** A file system error as people read it: what went wrong in words, with the code for searching. */
export function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied: the folder or file is not writable (${code})`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOENT':
      return 'the folder does not exist (ENOENT)';
    case 'EISDIR':
      return 'the path is a folder (EISDIR)';
    default:
      return code ? `${code}: ${message}` : message;
  }
}
