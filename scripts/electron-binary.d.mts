export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/** Whether the Electron binary is installed, answered from files alone (see electron-binary.mjs). */
export function electronBinary(): ElectronBinary;
