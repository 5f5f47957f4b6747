import type { RenderProcessGoneDetails } from 'electron';

/** The parts of WebContents a crash report needs. */
export interface CrashingContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetails) => void): unknown;
  reload(): void;
  isDestroyed(): boolean;
}

export interface CrashReportOptions {
  /** Asks the user; true reloads the console, false quits the app. */
  ask: (details: RenderProcessGoneDetails) => Promise<boolean>;
  quit: () => void;
  /** While the app quits, renderers going away is expected. */
  isQuitting: () => boolean;
}

/** A crashed or killed console is said in a dialog offering to reload it, instead of leaving a blank window. */
export function reportRendererCrash(contents: CrashingContents, options: CrashReportOptions): void {
  contents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || options.isQuitting()) return;
    options.ask(details).then(
      (reload) => {
        if (!reload) options.quit();
        else if (!contents.isDestroyed()) contents.reload();
      },
      () => options.quit(),
    );
  });
}

export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/**
 * A bug in main is shown to the user (and logged) instead of vanishing: without a listener Electron prints
 * it to a terminal nobody sees when the app was opened from a launcher.
 */
export function reportUncaughtErrors(process: ProcessEvents, report: (title: string, error: unknown) => void): void {
  process.on('uncaughtException', (error) => report('Unexpected error in AG-UI Mock Console', error));
  process.on('unhandledRejection', (reason) => report('Unhandled promise rejection in AG-UI Mock Console', reason));
}
