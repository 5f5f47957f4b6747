import type { MessageBoxOptions, MessageBoxReturnValue, RenderProcessGoneDetails } from 'electron';

/** The parts of Electron's `dialog` used here, so tests can answer the questions. */
export interface Dialogs {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showErrorBox(title: string, content: string): void;
}

export async function askUseFreePort(dialogs: Dialogs, port: number): Promise<boolean> {
  const { response } = await dialogs.showMessageBox({
    type: 'warning',
    title: 'Port in use',
    message: `Port ${port} is already in use`,
    detail:
      'Another program — perhaps another mock — listens on it. Start the mock on a free port for this session ' +
      '(the Help menu shows which), or quit and free the port. The port is set in settings.json in the ' +
      'app’s data folder, or with --port.',
    buttons: ['Use a free port', 'Quit'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  });
  return response === 0;
}

/** Asks what to do about a console whose renderer died: true means reload it, false means quit the app. */
export async function askReloadAfterCrash(dialogs: Dialogs, details: RenderProcessGoneDetails): Promise<boolean> {
  const { response } = await dialogs.showMessageBox({
    type: 'error',
    title: 'Console stopped',
    message: 'The console window stopped working',
    detail: `Reason: ${details.reason} (exit code ${details.exitCode}). The mock server keeps running; reload the console to reconnect to it.`,
    buttons: ['Reload', 'Quit'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  return response === 0;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
