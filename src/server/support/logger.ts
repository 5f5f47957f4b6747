import { terminalText } from './terminal-text';

/** The engine's only output channel: the CLI prints it, Electron forwards it, tests silence it. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Messages quote files and clients: their control characters are shown escaped (`terminalText`). */
export const consoleLogger: Logger = {
  info: (message) => console.log(terminalText(message)),
  warn: (message) => console.warn(terminalText(message)),
  error: (message, error) => console.error(terminalText(message), error ?? ''),
};

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
