import { DESKTOP_METHODS, type DesktopApi, type DesktopChannel } from '../shared/desktop-api';

/** Sends one message on one channel and resolves with main's answer (ipcRenderer.invoke in the app). */
export type Invoke = (channel: DesktopChannel, ...args: unknown[]) => Promise<unknown>;

/**
 * `window.desktop`: one method per channel of the typed map, each forwarding only its own arguments — never a
 * generic `invoke` or `ipcRenderer` itself, which would let any script in the page reach any channel.
 */
export function createDesktopApi(invoke: Invoke): DesktopApi {
  const methods = Object.entries(DESKTOP_METHODS).map(([method, channel]) => [
    method,
    (...args: unknown[]) => invoke(channel, ...args),
  ]);
  return Object.freeze(Object.fromEntries(methods)) as DesktopApi;
}
