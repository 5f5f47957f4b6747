import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { WAIT_MS } from './wait';

export const CLI = 'out/cli/agui-mock.js';

/** Set by `npm test` (scripts/test.mjs) once it has built the package for this run. */
const PACKAGE_BUILT_ENV = 'AGUI_MOCK_PACKAGE_BUILT';

/**
 * Builds the CLI bundle the way `npm run build:package` does, so tests run the real `bin` file. `npm test` builds it
 * once before any test runs and says so (PACKAGE_BUILT_ENV): then each file that runs the CLI need not build it again.
 */
export function buildCli(): void {
  if (process.env[PACKAGE_BUILT_ENV] === '1') return;
  const result = spawnSync(process.execPath, ['scripts/build-bundles.mjs'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`CLI build failed: ${result.stderr}`);
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout match, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves once the process has ended and its output is read whole. Awaited in place of spawnSync beside an engine
   * this process serves: spawnSync holds this process's event loop, and a run longer than the engine's keep-alive
   * timeout (a busy machine) had the engine close a client's idle connection just as the client reused it ('fetch
   * failed'). A process still running after `timeoutMs` is killed, and the promise rejects naming it.
   */
  finished(timeoutMs?: number): Promise<CliResult>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How long a command may run before `finished` gives up on it: generous for a busy 2-core machine. */
const CLI_RUN_MS = 120_000;

/** `env` adds to (or overrides) this process's environment, e.g. `AGUI_MOCK_CONFIG_DIR`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  return runCommand(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
}

/** Any command (an installed `agui-mock`, `npx …`), watched like the CLI. */
export function runCommand(command: string, args: string[], options: SpawnOptions = {}): CliRun {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exit = once(child, 'exit').then(
    ([code, signal]) => ({ code, signal }) as { code: number | null; signal: NodeJS.Signals | null },
  );
  // 'close' comes after 'exit', once stdout and stderr have ended. Made now, so not one is missed; a process that
  // could not start rejects both, which only a caller awaiting one should hear of.
  const finish = once(child, 'close').then(([code]) => ({ code: code as number | null, stdout: out, stderr: err }));
  exit.catch(() => {});
  finish.catch(() => {});
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    finished(timeoutMs = CLI_RUN_MS) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${command} ${args.join(' ')} still ran after ${timeoutMs} ms; stderr: ${err.slice(-500)}`));
        }, timeoutMs);
      });
      return Promise.race([finish, late]).finally(() => clearTimeout(timer));
    },
    waitFor(pattern, timeoutMs = WAIT_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`exited before ${pattern}; stdout: ${out}; stderr: ${err}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', onExit);
        };
        child.stdout?.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}
