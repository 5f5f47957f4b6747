import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { type MockServer, PortInUseError, startMockServer } from '../server/index';
import type { DesktopIpcChannels } from '../shared/desktop-api';

const DEFAULT_PORT = 8000;
let server: MockServer | undefined;
let window: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.whenReady().then(launch, (error: unknown) => fail(error));
}

async function launch(): Promise<void> {
  server = await startEngine();
  if (!server) return app.quit();
  const engine = server;
  ipcMain.handle('desktop:console-connection', (event): DesktopIpcChannels['desktop:console-connection']['result'] => {
    // Only the console loaded from our own engine may ask for the token.
    if (!event.senderFrame || new URL(event.senderFrame.url).origin !== engine.url)
      throw new Error('refused: request from an unexpected frame');
    return { engineUrl: engine.url, token: engine.token };
  });
  window = createWindow(engine);
}

async function startEngine(): Promise<MockServer | undefined> {
  try {
    return await startMockServer({ port: DEFAULT_PORT });
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      message: `Port ${DEFAULT_PORT} is in use`,
      detail: 'Another program (or another mock) listens on it. Start the mock on a free port instead?',
      buttons: ['Use a free port', 'Quit'],
      defaultId: 0,
      cancelId: 1,
    });
    return response === 0 ? startMockServer({ port: 0 }) : undefined;
  }
}

function createWindow(engine: MockServer): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'AG-UI Mock Console',
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== engine.url) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    const { protocol } = new URL(url);
    if (protocol === 'http:' || protocol === 'https:') void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    dialog.showErrorBox('The console crashed', `Reason: ${details.reason}. Reload it from the View menu.`);
  });
  win.on('closed', () => {
    window = undefined;
  });
  void win.loadURL(`${engine.url}/__console/`);
  return win;
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !server) return;
  // Close the engine first so every socket gets 1001, then really quit.
  event.preventDefault();
  quitting = true;
  server.close().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());

function fail(error: unknown): void {
  dialog.showErrorBox('AG-UI Mock Console could not start', String((error as Error)?.message ?? error));
  app.exit(1);
}
