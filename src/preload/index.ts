import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi } from './desktop-bridge';

contextBridge.exposeInMainWorld(
  'desktop',
  createDesktopApi((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
);
