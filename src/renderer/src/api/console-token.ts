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
  const fromHash = takeTokenFromAddress();
  return { engineUrl: window.location.origin, token: fromHash ?? sessionStorage.getItem(STORAGE_KEY) ?? '' };
}

/** `#token=…` in the address, kept for this tab and removed from the address bar; null when there is none. */
function takeTokenFromAddress(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token')?.trim();
  if (!token) return null;
  sessionStorage.setItem(STORAGE_KEY, token);
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
  return token;
}

/**
 * Calls `listener` with the token when a console URL is pasted into the address bar of this open tab: only the
 * `#token=…` part changes, so the page does not load again by itself. Not in the desktop app (no address bar).
 */
export function onTokenInAddress(listener: (token: string) => void): void {
  if (window.desktop) return;
  window.addEventListener('hashchange', () => {
    const token = takeTokenFromAddress();
    if (token) listener(token);
  });
}

/**
 * The token in what a person pasted into the token field: the token itself, or a whole console URL
 * (`http://127.0.0.1:8000/__console/#token=…`, as the engine prints it), or `Bearer …`.
 */
export function tokenFromPaste(text: string): string {
  const trimmed = text.trim();
  const hash = trimmed.indexOf('#');
  if (hash !== -1) {
    const token = new URLSearchParams(trimmed.slice(hash + 1)).get('token')?.trim();
    if (token) return token;
  }
  return trimmed.replace(/^bearer\s+/i, '');
}

/** Keeps a token typed into the console's token screen for this tab. */
export function rememberToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}
