const STORAGE_KEY = 'agui-console-token';

export interface ConsoleAccess {
  /** Origin of the engine (the control API is under `/__console/api`). */
  engineUrl: string;
  /** Empty when none was given: the console then explains how to open it. */
  token: string;
}

/**
 * Where the token comes from: Electron's preload, else `#token=…` in the address (moved to sessionStorage and
 * removed from the address bar so it is not shared by copying the URL), else what this tab kept.
 */
export async function resolveConsoleAccess(): Promise<ConsoleAccess> {
  if (window.desktop) {
    const { engineUrl, token } = await window.desktop.consoleConnection();
    return { engineUrl, token };
  }
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(STORAGE_KEY, fromHash);
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
  }
  return { engineUrl: window.location.origin, token: fromHash ?? sessionStorage.getItem(STORAGE_KEY) ?? '' };
}

/** Keeps a token typed into the console's token screen for this tab. */
export function rememberToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}
