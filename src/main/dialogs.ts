import type {
  MessageBoxOptions,
  MessageBoxReturnValue,
  OpenDialogOptions,
  OpenDialogReturnValue,
  RenderProcessGoneDetails,
  SaveDialogOptions,
  SaveDialogReturnValue,
} from 'electron';
import type { WorkspaceFileDialog } from '../shared/desktop-api';

/** The parts of Electron's `dialog` used here, so tests can answer the questions. */
export interface Dialogs {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showErrorBox(title: string, content: string): void;
}

export interface FileDialogs {
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

const WORKSPACE_FILTERS = [
  { name: 'AG-UI mock workspace', extensions: ['agui.json', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

/** A native dialog for a workspace file: the chosen path, or null when cancelled. */
export async function chooseWorkspaceFile(
  dialogs: FileDialogs,
  mode: WorkspaceFileDialog,
  suggestedName = 'mock.agui.json',
): Promise<string | null> {
  if (mode === 'open') {
    const { canceled, filePaths } = await dialogs.showOpenDialog({
      title: 'Open workspace',
      properties: ['openFile'],
      filters: WORKSPACE_FILTERS,
    });
    return canceled ? null : (filePaths[0] ?? null);
  }
  const { canceled, filePath } = await dialogs.showSaveDialog({
    title: 'Save workspace as',
    defaultPath: suggestedName.endsWith('.json') ? suggestedName : `${suggestedName}.agui.json`,
    filters: WORKSPACE_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return canceled || !filePath ? null : filePath;
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

/** What to do with an untitled workspace changed in the console, on quitting. */
export type UnsavedWorkspaceAnswer = 'save' | 'discard' | 'cancel';

export async function askSaveBeforeQuit(dialogs: Dialogs, name: string): Promise<UnsavedWorkspaceAnswer> {
  const { response } = await dialogs.showMessageBox({
    type: 'warning',
    title: 'Unsaved workspace',
    message: `Save the workspace “${name}” before quitting?`,
    detail:
      'It lives only in memory and was changed in the console (routes, scenarios, data or settings): quitting ' +
      'without saving loses those changes.',
    buttons: ['Save as…', 'Quit without saving', 'Cancel'],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
  });
  return (['save', 'discard', 'cancel'] as const)[response] ?? 'cancel';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
