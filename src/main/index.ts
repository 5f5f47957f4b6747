// The desktop host: composes the main-process modules with the real Electron. Each module takes the Electron
// pieces it needs as parameters, so its logic is tested without the Electron binary (test/main-*.test.ts).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, screen, session, shell } from 'electron';
import { consoleLogger, type MockServer, startMockServer, tuneEngineGc } from '../server/index';
import { packageRoot } from '../server/support/package-root';
import { appMenuTemplate } from './app-menu';
import { consolePageUrl, isConsolePage } from './console-page';
import { readDesktopSettings } from './desktop-settings';
import { askReloadAfterCrash, askSaveBeforeQuit, askUseFreePort, chooseWorkspaceFile, describeError } from './dialogs';
import { trustEngineCertificate } from './engine-certificate';
import { startEngine } from './engine-host';
import { reportRendererCrash, reportUncaughtErrors } from './error-reports';
import { type ChooseFile, desktopHandlers, registerDesktopIpc } from './ipc-handlers';
import { claimSingleInstance, focusWindow, quitGracefully, quitOnSignals } from './lifecycle';
import { guardNavigation } from './navigation-guard';
import { confirmQuit } from './quit-confirmation';
import { hardenSession } from './session-security';
import { mainWindowOptions } from './window-options';
import { rememberWindowState, restoredPlacement } from './window-state';
import { readWindowState, writeWindowState } from './window-state-store';

const PRELOAD = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const ICON = fileURLToPath(new URL('../../resources/icon.png', import.meta.url));

let mainWindow: BrowserWindow | undefined;
let engine: MockServer | undefined;

function report(title: string, error: unknown): void {
  console.error(`${title}:`, error);
  dialog.showErrorBox(title, describeError(error));
}

reportUncaughtErrors(process, report);
// The engine lives in this process.
tuneEngineGc();

const lifecycle = quitGracefully(app, {
  confirmQuit: () =>
    confirmQuit({
      status: () => engine?.workspace.status(),
      ask: (name) => askSaveBeforeQuit(dialog, name),
      chooseFile: (name) => chooseWorkspaceFile(dialog, 'save', name),
      saveAs: (path) => (engine ? engine.workspace.saveAs(path) : Promise.resolve()),
      report: (error) => showErrorMessage('The workspace was not saved', error),
    }),
  closeEngine: () => engine?.close() ?? Promise.resolve(),
  onError: (error) => console.error('quitting:', error),
});
quitOnSignals(process, lifecycle.quitWithoutAsking, async () => {
  const kept = await engine?.workspace.keepUntitledEdits();
  if (kept !== undefined) console.log(`The untitled workspace's console changes are kept in ${kept}`);
});

if (claimSingleInstance(app, () => mainWindow)) {
  app
    .whenReady()
    .then(launch)
    .catch((error: unknown) => fail(error));
}

async function launch(): Promise<void> {
  const userData = app.getPath('userData');
  const { settings, problem } = readDesktopSettings(join(userData, 'settings.json'), process.argv);
  if (problem) console.warn(`settings ignored, using defaults: ${problem}`);
  try {
    engine = await startEngine(settings.port, {
      start: startMockServer,
      askUseFreePort: (port) => askUseFreePort(dialog, port),
      options: { logger: consoleLogger, workspace: settings.workspace, recentWorkspaces: true },
    });
  } catch (error) {
    return fail(error);
  }
  if (!engine) return app.quit();
  const running = engine;
  hardenSession(session.defaultSession, running.url);
  trustEngineCertificate(session.defaultSession, running);
  const chooseFile: ChooseFile = (mode, suggestedName) => chooseWorkspaceFile(dialog, mode, suggestedName);
  registerDesktopIpc(ipcMain, desktopHandlers(running, chooseFile), (url) => isConsolePage(url, running.url));
  // The File menu works on the engine's workspace directly; the console follows through its live feed.
  const workspaceAction = (action: () => Promise<unknown>) => () =>
    void action().catch((error: unknown) => showErrorMessage('Workspace', error));
  const saveAs = async () => {
    const path = await chooseFile('save', running.workspace.status().name);
    if (path) await running.workspace.saveAs(path);
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        appName: app.name,
        urls: { http: running.url, ws: running.wsUrl, console: running.consoleUrl },
        actions: {
          openWorkspace: workspaceAction(async () => {
            const path = await chooseFile('open', undefined);
            if (path) await running.workspace.open(path);
          }),
          saveWorkspace: workspaceAction(() => (running.workspace.status().path ? running.workspace.save() : saveAs())),
          saveWorkspaceAs: workspaceAction(saveAs),
          copy: (text) => clipboard.writeText(text),
          openExternal: (url) =>
            void shell.openExternal(url).catch((error: unknown) => report('Could not open', error)),
          openDocs,
        },
      }),
    ),
  );
  mainWindow = createMainWindow(running, join(userData, 'window-state.json'));
}

function createMainWindow(running: MockServer, stateFile: string): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const placement = restoredPlacement(readWindowState(stateFile), workAreas);
  const window = new BrowserWindow(mainWindowOptions(PRELOAD, placement.bounds, ICON));
  if (placement.maximized) window.maximize();
  rememberWindowState(window, (state) => {
    try {
      writeWindowState(stateFile, state);
    } catch (error) {
      console.warn('could not save the window position:', error);
    }
  });
  guardNavigation(window.webContents, {
    engineUrl: running.url,
    openExternal: (url) => shell.openExternal(url),
    onOpenError: (url, error) => report(`Could not open ${url}`, error),
  });
  reportRendererCrash(window.webContents, {
    ask: (details) => askReloadAfterCrash(dialog, details),
    quit: () => app.quit(),
    isQuitting: lifecycle.isQuitting,
  });
  window.once('ready-to-show', () => focusWindow(window));
  // Closing the window quits the app, asked first (`confirmQuit`): the window stays when the answer is to stay.
  window.on('close', (event) => {
    if (lifecycle.isQuitting()) return;
    event.preventDefault();
    app.quit();
  });
  window.on('closed', () => {
    mainWindow = undefined;
  });
  window.loadURL(consolePageUrl(running.url)).catch((error: unknown) => report('The console did not load', error));
  return window;
}

/** The README: beside the app when packaged (an extra resource), in the repository when run from source. */
function openDocs(): void {
  const readme = app.isPackaged ? join(process.resourcesPath, 'README.md') : join(packageRoot(), 'README.md');
  shell.openPath(readme).then((problem) => {
    if (problem) dialog.showErrorBox('Could not open the documentation', `${readme}: ${problem}`);
  });
}

/** An error the person can act on, in its own words (`report` adds the stack, for faults of ours). */
function showErrorMessage(title: string, error: unknown): void {
  dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
}

/** A start failure is the user's to fix (a broken workspace file, a port not allowed): the message says what. */
function fail(error: unknown): void {
  console.error('AG-UI Mock Console could not start:', error);
  showErrorMessage('AG-UI Mock Console could not start', error);
  app.exit(1);
}
