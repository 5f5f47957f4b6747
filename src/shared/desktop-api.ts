/**
 * The typed map of IPC channels between Electron's main process and the preload — one entry per
 * method, the only way the renderer reaches the desktop host. Shared so both sides agree at compile time.
 */
export interface ConsoleConnection {
  /** Base URL of the engine (the control API lives under `/__console/api`). */
  engineUrl: string;
  token: string;
}

export interface DesktopIpcChannels {
  'desktop:console-connection': { args: []; result: ConsoleConnection };
}

export type DesktopChannel = keyof DesktopIpcChannels;

/** What the preload exposes as `window.desktop` (absent when the console runs in a browser). */
export interface DesktopApi {
  consoleConnection(): Promise<ConsoleConnection>;
}
