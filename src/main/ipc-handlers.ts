import type { MockServer } from '../server/index';
import type { DesktopChannel, DesktopIpcChannels, WorkspaceFileDialog } from '../shared/desktop-api';

/** One handler per channel of the typed map; the compiler insists on all of them. */
export type DesktopHandlers = {
  [C in DesktopChannel]: (
    ...args: DesktopIpcChannels[C]['args']
  ) => DesktopIpcChannels[C]['result'] | Promise<DesktopIpcChannels[C]['result']>;
};

/** What an `ipcMain.handle` listener gets; senderFrame is null once the frame has gone. */
export interface InvokeEvent {
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export class UntrustedSenderError extends Error {
  constructor(channel: string, url: string | undefined) {
    super(`refused ${channel}: request from ${url ?? 'a frame that has gone'}, not the console`);
    this.name = 'UntrustedSenderError';
  }
}

/** Shows a native file dialog; the chosen path or null. */
export type ChooseFile = (mode: WorkspaceFileDialog, suggestedName: string | undefined) => Promise<string | null>;

export function desktopHandlers(engine: Pick<MockServer, 'url' | 'token'>, chooseFile: ChooseFile): DesktopHandlers {
  return {
    'desktop:console-connection': () => ({ engineUrl: engine.url, token: engine.token }),
    'desktop:choose-workspace-file': (mode, suggestedName) => {
      // Arguments come from the renderer: check them rather than trust the types.
      if (mode !== 'open' && mode !== 'save') throw new TypeError('mode must be "open" or "save"');
      const name = typeof suggestedName === 'string' ? suggestedName.slice(0, 200) : undefined;
      return chooseFile(mode, name);
    },
  };
}

/**
 * Registers every handler behind a check of the sending frame (GitHub Desktop's trusted-sender pattern):
 * a page that is not the engine's console — an iframe, a page navigated to by mistake — gets an error, not
 * the token. Returns a function that removes them again.
 */
export function registerDesktopIpc(
  ipc: IpcMainLike,
  handlers: DesktopHandlers,
  isTrustedUrl: (url: string) => boolean,
): () => void {
  const channels = Object.keys(handlers) as DesktopChannel[];
  for (const channel of channels) {
    const handler = handlers[channel] as (...args: unknown[]) => unknown;
    ipc.handle(channel, (event, ...args) => {
      const url = event.senderFrame?.url;
      if (url === undefined || !isTrustedUrl(url)) throw new UntrustedSenderError(channel, url);
      return handler(...args);
    });
  }
  return () => {
    for (const channel of channels) ipc.removeHandler(channel);
  };
}
