/**
 * The typed map of IPC channels between Electron's main process and the preload — one entry per
 * method, the only way the renderer reaches the desktop host. Shared so both sides agree at compile time.
 */
export interface ConsoleConnection {
  /** Base URL of the engine (the control API lives under `/__console/api`). */
  engineUrl: string;
  token: string;
}

/** Which native file dialog to show for a workspace file. */
export type WorkspaceFileDialog = 'open' | 'save';

export interface DesktopIpcChannels {
  'desktop:console-connection': { args: []; result: ConsoleConnection };
  /** A native Open / Save As dialog for a workspace file; the chosen path, or null when cancelled. */
  'desktop:choose-workspace-file': { args: [mode: WorkspaceFileDialog, suggestedName?: string]; result: string | null };
}

export type DesktopChannel = keyof DesktopIpcChannels;

/**
 * Each `window.desktop` method and the one channel it sends on. The preload builds the API from this table
 * and main registers a handler for every channel, so neither side can add a method the other lacks.
 */
export const DESKTOP_METHODS = {
  consoleConnection: 'desktop:console-connection',
  chooseWorkspaceFile: 'desktop:choose-workspace-file',
} as const satisfies Record<string, DesktopChannel>;

export type DesktopMethod = keyof typeof DESKTOP_METHODS;

/** What the preload exposes as `window.desktop` (absent when the console runs in a browser). */
export type DesktopApi = {
  readonly [M in DesktopMethod]: (
    ...args: DesktopIpcChannels[(typeof DESKTOP_METHODS)[M]]['args']
  ) => Promise<DesktopIpcChannels[(typeof DESKTOP_METHODS)[M]]['result']>;
};
