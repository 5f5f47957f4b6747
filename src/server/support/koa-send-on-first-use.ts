import { createRequire } from 'node:module';
import type send from 'koa-send';

// Not named `require`: electron-vite declares one at the top of the desktop bundle, and a second is a syntax error.
const loadModule = createRequire(import.meta.url);
let loaded: typeof send | undefined;

/**
 * koa-send, loaded the first time a file is served rather than with the engine's modules: most engines never serve
 * one from disk, and every process that loads the engine (each CLI command, each library user's test file, the
 * desktop app) pays for what it imports.
 */
export function koaSend(): typeof send {
  loaded ??= loadModule('koa-send') as typeof send;
  return loaded;
}
