import { externalHttpUrl, isConsolePage } from './console-page';

interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/** The parts of Electron's WebContents the guard uses. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface NavigationGuardOptions {
  engineUrl: string;
  /** shell.openExternal in the app. */
  openExternal: (url: string) => Promise<void>;
  onOpenError?: (url: string, error: unknown) => void;
}

/**
 * Keeps the window on the console: navigating or redirecting elsewhere is cancelled, new windows are never
 * created, and a link to an http(s) page opens in the user's browser instead. Any other scheme is dropped.
 */
export function guardNavigation(contents: GuardedContents, options: NavigationGuardOptions): void {
  const openOutside = (url: string) => {
    const external = externalHttpUrl(url);
    if (!external) return;
    options.openExternal(external).catch((error: unknown) => options.onOpenError?.(external, error));
  };
  const keepOnConsole = (details: NavigationEvent) => {
    if (isConsolePage(details.url, options.engineUrl)) return;
    details.preventDefault();
    openOutside(details.url);
  };
  contents.on('will-navigate', keepOnConsole);
  contents.on('will-redirect', (details) => {
    // A redirect is the server's doing, not a click: cancel it but open nothing.
    if (!isConsolePage(details.url, options.engineUrl)) details.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}
