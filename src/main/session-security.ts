import { CONSOLE_CSP } from '../shared/console-csp';
import { isConsolePage } from './console-page';

type Headers = Record<string, string[]>;

interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: Headers;
}

/** The parts of an Electron Session this hardening touches. */
export interface HardenedSession {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl: string },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void;
  webRequest: {
    onHeadersReceived(
      listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: Headers }) => void) => void,
    ): void;
  };
}

/** Adds the console's CSP to a console response that came without one; leaves every other response as it is. */
export function withConsoleCsp(details: HeadersReceivedDetails, engineUrl: string): Headers | undefined {
  const headers = details.responseHeaders ?? {};
  if (!isConsolePage(details.url, engineUrl)) return details.responseHeaders;
  const hasCsp = Object.keys(headers).some((name) => name.toLowerCase() === 'content-security-policy');
  return hasCsp ? headers : { ...headers, 'Content-Security-Policy': [CONSOLE_CSP] };
}

/** What the console itself uses: its Copy buttons write to the clipboard (navigator.clipboard.writeText). */
const CONSOLE_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Whether a page at `url` (or origin) may have `permission`: only the console, and only what it uses. */
export function isPermissionAllowed(permission: string, url: string, engineUrl: string): boolean {
  if (!CONSOLE_PERMISSIONS.has(permission)) return false;
  const origin = new URL(engineUrl).origin;
  return url === origin || isConsolePage(url, engineUrl);
}

/**
 * The console needs no camera, microphone, notifications, geolocation, clipboard reading or anything else a
 * page can ask for: every such permission is refused without asking, and every console response carries a
 * strict CSP.
 */
export function hardenSession(session: HardenedSession, engineUrl: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, engineUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, engineUrl),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = withConsoleCsp(details, engineUrl);
    callback(responseHeaders ? { responseHeaders } : {});
  });
}
