import type { MenuItemConstructorOptions } from 'electron';

export interface EngineUrls {
  http: string;
  ws: string;
  /** The console with its token, for opening it in a browser. */
  console: string;
}

export interface MenuActions {
  /** File menu: the engine's workspace, with native dialogs for the paths. */
  openWorkspace(): void;
  saveWorkspace(): void;
  saveWorkspaceAs(): void;
  copy(text: string): void;
  /** shell.openExternal in the app. */
  openExternal(url: string): void;
  /** Opens the project README with the system's viewer. */
  openDocs(): void;
}

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  urls: EngineUrls;
  actions: MenuActions;
}

/**
 * The app menu as a template (Menu.buildFromTemplate in the app). Every item either has an Electron role or a
 * click handler: nothing is shown that does nothing.
 */
export function appMenuTemplate({ platform, appName, urls, actions }: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
      { label: 'Save Workspace', accelerator: 'CmdOrCtrl+S', click: () => actions.saveWorkspace() },
      { label: 'Save Workspace As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveWorkspaceAs() },
      { type: 'separator' },
      { role: 'close' },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      { role: 'forceReload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: `Copy HTTP address (${urls.http})`, click: () => actions.copy(urls.http) },
      { label: `Copy WebSocket address (${urls.ws})`, click: () => actions.copy(urls.ws) },
      { label: 'Copy console address with token', click: () => actions.copy(urls.console) },
      { label: 'Open console in browser', click: () => actions.openExternal(urls.console) },
      { type: 'separator' },
      { label: 'Documentation', click: () => actions.openDocs() },
    ],
  };
  return [
    ...(mac ? [{ label: appName, role: 'appMenu' as const }] : []),
    file,
    // Without the Edit menu, copy and paste shortcuts do not reach text fields on macOS.
    { role: 'editMenu' },
    view,
    ...(mac ? [{ role: 'windowMenu' as const }] : []),
    help,
  ];
}
