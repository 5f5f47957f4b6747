import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * Node 20 puts back the terminal modes of the standard streams that were a terminal when it started as it exits, and
 * aborts when it cannot (`ResetStdio`: the terminal hung up, EIO) — after every change was saved, but with a crash
 * (SIGABRT, then SIGSEGV) for an exit code. It leaves alone a stream that is another file by then. Call at start;
 * the function it gives points those streams at /dev/null, for just before exiting once the terminal hung up.
 */
export function stdioOffHungUpTerminal(): () => void {
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  return () => {
    for (const fd of terminals) {
      try {
        closeSync(fd);
        // The lowest free descriptor: the one just closed, as nothing else opens files while the process exits.
        const reopened = openSync('/dev/null', fd === 0 ? 'r' : 'w');
        if (reopened !== fd) closeSync(reopened);
      } catch {
        // A stream closed already is left alone by Node too.
      }
    }
  };
}
