import type send from 'koa-send';
import { loadModule } from './load-module';

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
