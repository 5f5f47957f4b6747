import {
  HostUnavailableError,
  PortInUseError,
  startMockServer,
  TlsError,
  tuneEngineGc,
  WorkspaceError,
} from '../server/index';
import { packageVersion } from '../server/support/package-root';
import { shellWord } from '../server/support/shell-word';
import { terminalText } from '../server/support/terminal-text';
import type { ServeOptions } from './cli-options';
import { stdioOffHungUpTerminal } from './hung-up-terminal';
import { printBanner, watchTraffic } from './terminal-output';
import { workspaceMissing } from './workspace-commands';
import { writeWorkspaceError } from './workspace-error-lines';

/**
 * Exit code of a stop that lost unsaved changes (closing's save failed or was stopped, and they could not be kept
 * beside the file; Ctrl+C's copy of an untitled world's edits could not be written): the log said which.
 */
const UNSAVED_CHANGES_LOST_EXIT = 3;
/** Exit code of a second Ctrl+C while stopping, as a shell reports an interrupted command (128 + SIGINT). */
const INTERRUPTED_EXIT = 130;

/**
 * `agui-mock serve [options]`: runs the engine until SIGINT, SIGTERM or SIGHUP, then exits 0, or
 * UNSAVED_CHANGES_LOST_EXIT when stopping lost changes (INTERRUPTED_EXIT on a second Ctrl+C while stopping); exit 1
 * when it cannot start.
 */
export async function serve(options: ServeOptions): Promise<number> {
  // This process is the engine.
  tuneEngineGc();
  let server: Awaited<ReturnType<typeof startMockServer>>;
  const creating = options.workspace !== undefined && (await workspaceMissing(options.workspace));
  try {
    server = await startMockServer({
      host: options.host,
      port: options.port,
      token: options.token,
      workspace: options.workspace,
      // The recent list is the desktop app's and `serve`'s: opened files go into it, as they always have.
      recentWorkspaces: true,
      ...(options.template !== undefined && { template: options.template }),
      // Only flags given: the rest come from the workspace (or the defaults).
      settings: {
        ...(options.speed !== undefined && { speed: options.speed }),
        ...(options.heartbeatSeconds !== undefined && {
          heartbeatIntervalMs: Math.round(options.heartbeatSeconds * 1000),
        }),
        ...(options.maxPayloadBytes !== undefined && { maxPayloadBytes: options.maxPayloadBytes }),
        ...(options.tls !== undefined && { tls: options.tls }),
        ...(options.apiKeys.length > 0 && { gatewayAuth: { enabled: true, keys: options.apiKeys } }),
      },
    });
  } catch (error) {
    if (error instanceof WorkspaceError) {
      writeWorkspaceError('agui-mock: cannot start: ', error);
      return 1;
    }
    if (error instanceof TlsError) {
      process.stderr.write(`agui-mock: cannot start: ${terminalText(error.message)}\n`);
      return 1;
    }
    if (error instanceof PortInUseError) {
      process.stderr.write(`port ${error.port} is in use — pick another with --port, or --port 0 for any free port\n`);
      return 1;
    }
    if (error instanceof HostUnavailableError) {
      process.stderr.write(`agui-mock: cannot start: --host ${error.problem}\n`);
      return 1;
    }
    const { code, message } = error as NodeJS.ErrnoException;
    process.stderr.write(`agui-mock: could not start on ${options.host}:${options.port}: ${code ?? message}\n`);
    return 1;
  }
  const stopWatching = options.quiet ? () => {} : watchTraffic(server);
  const offHungUpTerminal = stdioOffHungUpTerminal();
  const running = server;
  process.on('uncaughtException', (error) => stopAfterInternalError(running, error));
  const stopped = new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('SIGHUP', onSighup);
      // A second Ctrl+C quits at once, as people expect; what that leaves unsaved is said, not lost without a word.
      process.once('SIGINT', () => {
        const unsaved = server.workspace.status().dirty;
        process.stderr.write(
          unsaved
            ? `agui-mock: stopped at once: changes since the last save were not written: exit ${INTERRUPTED_EXIT}\n`
            : `agui-mock: stopped at once: exit ${INTERRUPTED_EXIT}\n`,
        );
        process.exit(INTERRUPTED_EXIT);
      });
      // A terminal that hung up takes no more output: its EIO is no reason to stop saving.
      if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
      process.stdout.write(`\n${signal}: closing connections…\n`);
      stopWatching();
      keptEdits(server, signal)
        .then(() => server.close())
        .then(
          () => {
            const code = server.workspace.unsavedChangesLost() ? UNSAVED_CHANGES_LOST_EXIT : 0;
            if (code !== 0)
              process.stderr.write(`agui-mock: stopped, but unsaved changes were lost (said above): exit ${code}\n`);
            resolve(code);
            // Nothing is left to do, but tearing down a big world's heap takes a second: exit once output is out.
            process.stdout.write('', () =>
              process.stderr.write('', () => {
                if (signal === 'SIGHUP') offHungUpTerminal();
                process.exit(code);
              }),
            );
          },
          (error: unknown) => {
            process.stderr.write(`agui-mock: error while shutting down: ${terminalText((error as Error).message)}\n`);
            resolve(1);
          },
        );
    };
    const onSigint = () => shutdown('SIGINT');
    const onSigterm = () => shutdown('SIGTERM');
    // The terminal closed (its window, an ssh session dropped): stopped as SIGTERM stops, changes saved, not killed.
    const onSighup = () => shutdown('SIGHUP');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('SIGHUP', onSighup);
  });
  if (options.workspace !== undefined)
    process.stdout.write(
      creating
        ? `workspace ${terminalText(options.workspace)} did not exist: created it from the ${options.template ?? 'agora'} template\n`
        : `workspace ${terminalText(server.workspace.status().path ?? options.workspace)}${templateUnused(options.template)}\n`,
    );
  // Only now: whoever reads the banner may signal us at once.
  printBanner(server, packageVersion());
  return stopped;
}

/** An existing workspace is served as it is: a --template given for creating it is said to be unused, not dropped. */
function templateUnused(template: string | undefined): string {
  return template === undefined ? '' : ` (--template ${template} not used: it only makes a missing file)`;
}

/**
 * Ctrl+C (SIGINT: a person at the terminal) keeps an untitled world's console changes in a file and says where;
 * SIGTERM (a service manager, CI tearing down) stops without writing anything.
 */
async function keptEdits(server: Awaited<ReturnType<typeof startMockServer>>, signal: string): Promise<void> {
  if (signal !== 'SIGINT') return;
  const kept = await server.workspace.keepUntitledEdits();
  if (kept !== undefined)
    process.stdout.write(
      `The untitled workspace's console changes are kept in ${terminalText(kept)}\n  agui-mock serve --workspace ${terminalText(shellWord(kept))} opens them\n`,
    );
}

/** How long a stop after an internal error may take to save the workspace and close before the process exits. */
const INTERNAL_ERROR_STOP_MS = 3000;
let stoppingAfterInternalError = false;

/**
 * An exception nothing caught (an unhandled rejection becomes one) is a bug in the engine, and its state can no
 * longer be trusted: rather than die at once and lose the edits autosave had not written yet, it says so, saves the
 * workspace and closes (within `INTERNAL_ERROR_STOP_MS`), then exits 1. A second one on the way out exits at once.
 */
function stopAfterInternalError(server: Awaited<ReturnType<typeof startMockServer>>, error: unknown): void {
  const stack = (error as Error)?.stack ?? String(error);
  process.stderr.write(`agui-mock: internal error (a bug; please report it with these lines): ${stack}\n`);
  if (stoppingAfterInternalError) process.exit(1);
  stoppingAfterInternalError = true;
  process.stderr.write('agui-mock: saving the workspace and stopping\n');
  const exit = () => process.stderr.write('', () => process.exit(1));
  setTimeout(exit, INTERNAL_ERROR_STOP_MS).unref();
  server.close().then(exit, exit);
}
