import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WAIT_MS } from './wait';

// Node cannot open a pseudo-terminal, Python's standard library can: the command runs as the session leader of a
// terminal of its own, whose other end this closes to hang it up — as a terminal window closing does.
const PTY_SCRIPT = `
import json, os, pty, select, sys
command = json.loads(sys.argv[1])
try:
    pid, fd = pty.fork()
except OSError as error:
    print(json.dumps({'unavailable': f'no pseudo-terminal to be had here ({error})'}), flush=True)
    sys.exit(0)
if pid == 0:
    os.execvp(command[0], command)
seen = b''
while b'Console' not in seen:
    if not select.select([fd], [], [], 60)[0]:
        sys.exit('no banner within 60 s: ' + seen.decode('utf8', 'replace'))
    seen += os.read(fd, 65536)
print(json.dumps({'banner': seen.decode('utf8', 'replace')}), flush=True)
while True:
    ready = select.select([fd, sys.stdin], [], [], 120)[0]
    if not ready or sys.stdin in ready:
        break
    try:
        os.read(fd, 65536)
    except OSError:
        break
os.close(fd)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    'code': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
}), flush=True)
`;

export interface TerminalSession {
  /** What the command wrote to its terminal until its banner's `Console` line. */
  banner: string;
  /** Closes the terminal (the command gets SIGHUP) and resolves with how the command ended. */
  hangUp(): Promise<{ code: number | null; signal: number | null }>;
}

/**
 * `command` on a terminal of its own, in `env`; where none can be made (no Python 3, or no pseudo-terminals: a
 * container without devpts), why not.
 */
export async function inTerminal(
  command: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<TerminalSession | { unavailable: string }> {
  const python = spawn('python3', ['-c', PTY_SCRIPT, JSON.stringify(command)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  const started = await new Promise<boolean>((resolve) => {
    python.once('spawn', () => resolve(true));
    python.once('error', () => resolve(false));
  });
  if (!started) return { unavailable: 'no python3 here to give the command a terminal of its own' };
  const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the terminal said nothing within ${WAIT_MS} ms`)), WAIT_MS);
    });
    try {
      const line = await Promise.race([lines.next(), late]);
      if (line.done) throw new Error('the terminal ended early');
      return JSON.parse(line.value);
    } finally {
      clearTimeout(timer);
    }
  };
  const first = (await next()) as { banner: string } | { unavailable: string };
  if ('unavailable' in first) return first;
  const { banner } = first;
  return {
    banner,
    hangUp: async () => {
      python.stdin.end('hang up\n');
      return (await next()) as { code: number | null; signal: number | null };
    },
  };
}
