/** The parts of a BrowserWindow that bringing it forward needs. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isVisible(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** The parts of Electron's `app` the lifecycle wiring uses. */
export interface AppLifecycle {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  quit(): void;
  exit(code?: number): void;
}

export function focusWindow(window: FocusableWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}

/**
 * One app per user: two would fight over the port and the window-state file. A second launch brings the
 * first one's window forward and exits. Returns whether this process is the one that goes on.
 */
export function claimSingleInstance(app: AppLifecycle, currentWindow: () => FocusableWindow | undefined): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusWindow(currentWindow()));
  return true;
}

export interface QuitOptions {
  /**
   * Asked before quitting (the window closed, the menu's Quit; not a signal: `quitWithoutAsking`): false keeps the
   * app running as it was. The desktop asks whether to save an untitled workspace changed in the console.
   */
  confirmQuit?: () => Promise<boolean>;
  /** Closes the engine: every socket gets 1001 (going away) before the process ends. */
  closeEngine: () => Promise<void>;
  onError: (error: unknown) => void;
  /** After this long the app exits even if a client never finishes its closing handshake. */
  timeoutMs?: number;
}

/**
 * Quitting asks first (`confirmQuit`), then waits for the engine to close, so clients see a clean 1001 rather than a
 * dropped TCP connection. The app quits when its window closes: a mock server left running without a window would
 * hold the port. Returns whether a quit is under way (asked and confirmed), for handlers that must not treat the
 * teardown as a failure and for a window's close, which asks through `app.quit()` first.
 */
export function quitGracefully(
  app: AppLifecycle,
  options: QuitOptions,
): { isQuitting: () => boolean; quitWithoutAsking: () => void } {
  let state: 'running' | 'asking' | 'closing' | 'closed' = 'running';
  let ask = options.confirmQuit;
  const close = () => {
    state = 'closing';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs ?? 5_000);
    });
    Promise.race([options.closeEngine(), timeout])
      .catch(options.onError)
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        app.quit();
      });
  };
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state !== 'running') return;
    if (!ask) return close();
    state = 'asking';
    ask()
      .catch((error: unknown) => {
        // A question that failed must not trap the user in an app that cannot quit.
        options.onError(error);
        return true;
      })
      .then((quit) => {
        if (quit) close();
        else state = 'running';
      });
  });
  return {
    isQuitting: () => state === 'closing' || state === 'closed',
    quitWithoutAsking: () => {
      ask = undefined;
      app.quit();
    },
  };
}

/**
 * Ctrl+C in the terminal that ran `npm start` (or a SIGTERM) quits the same graceful way as the menu, without a
 * question: a signal asks for the process to end, and nobody may be at the window to answer. Ctrl+C (SIGINT: a
 * person at that terminal) first runs `beforeInterrupt` — the desktop keeps an untitled world's console changes, as
 * `agui-mock serve` does — once: a second Ctrl+C quits at once.
 */
export function quitOnSignals(
  process: { on(signal: NodeJS.Signals, listener: () => void): unknown },
  quit: () => void,
  beforeInterrupt: () => Promise<unknown> = async () => {},
) {
  let interrupted = false;
  process.on('SIGTERM', quit);
  process.on('SIGINT', () => {
    if (interrupted) return quit();
    interrupted = true;
    beforeInterrupt().then(quit, quit);
  });
}
