import { createRequire } from 'node:module';

/**
 * `require` for the engine's ES modules: a package (or one file of it) loaded when first needed, or one its exports
 * map hides. Packages resolve from here as from any engine module. Not named `require`: electron-vite declares one
 * at the top of the desktop bundle, and a second is a syntax error.
 */
export const loadModule = createRequire(import.meta.url);
