import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/**
 * Loads a renderer module at run time for the console's logic tests. The renderer is type-checked by
 * tsconfig.web.json; tsconfig.node.json's project does not list its files, so this import is one tsc does not follow.
 * tsx compiles it on the way in, also when `npm test` runs the test itself compiled (`scripts/build-tests.mjs`).
 */
// biome-ignore lint/suspicious/noExplicitAny: the module's types belong to the web project
export function rendererModule(path: string): Promise<any> {
  return tsImport(pathToFileURL(resolve('src/renderer/src', path)).href, import.meta.url);
}
