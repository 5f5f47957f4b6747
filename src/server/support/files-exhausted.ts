/**
 * Why a file could not be opened when the process ran out of file descriptors, and what raises the limit: its own
 * open-file limit (EMFILE, reached by files and connections alike), or the system's (ENFILE). Undefined for any
 * other error.
 */
export function filesExhausted(error: unknown): { why: string; remedy: string } | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EMFILE':
      return {
        why: 'the engine has as many files and connections open as its limit allows (EMFILE)',
        remedy: 'raise the limit on open files (ulimit -n) where the engine runs',
      };
    case 'ENFILE':
      return {
        why: 'the system has as many files open as it allows (ENFILE)',
        remedy: "close programs, or raise the system's limit (fs.file-max)",
      };
    default:
      return undefined;
  }
}
