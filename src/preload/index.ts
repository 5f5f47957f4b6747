import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopApi, DesktopChannel, DesktopIpcChannels } from '../shared/desktop-api';

function invoke<C extends DesktopChannel>(
  channel: C,
  ...args: DesktopIpcChannels[C]['args']
): Promise<DesktopIpcChannels[C]['result']> {
  return ipcRenderer.invoke(channel, ...args);
}

const desktop: DesktopApi = {
  consoleConnection: () => invoke('desktop:console-connection'),
};

contextBridge.exposeInMainWorld('desktop', desktop);
