import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import type { RestoredBounds } from './window-state';

/** Electron's security checklist, spelled out even where it is the default so a change of default cannot weaken it. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;

export function mainWindowOptions(
  preloadPath: string,
  bounds: RestoredBounds = {},
  iconPath?: string,
): BrowserWindowConstructorOptions {
  return {
    // The taskbar icon on Linux and Windows when run from source; installers bring their own.
    ...(iconPath ? { icon: iconPath } : {}),
    ...DEFAULT_WINDOW_SIZE,
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    title: 'AG-UI Mock Console',
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}
