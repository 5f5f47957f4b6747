/** Where the console lives on the engine: the only pages the window may show and the only IPC senders trusted. */
export const CONSOLE_PATH = '/__console/';

export function consolePageUrl(engineUrl: string): string {
  return new URL(CONSOLE_PATH, engineUrl).href;
}

/**
 * True for the engine's own console pages. The path matters as well as the origin: the mocked API on the same
 * origin serves data a user edits, which must never get the console's token.
 */
export function isConsolePage(url: string, engineUrl: string): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  return parsed.origin === new URL(engineUrl).origin && parsed.pathname.startsWith(CONSOLE_PATH);
}

/** The URL itself when it is plain http(s) for a browser to open, else undefined (file:, javascript:, custom schemes). */
export function externalHttpUrl(url: string): string | undefined {
  const parsed = parseUrl(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return undefined;
  // Credentials in a link are a phishing trick; a browser shows them as part of the host name.
  if (parsed.username || parsed.password) return undefined;
  return parsed.href;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
