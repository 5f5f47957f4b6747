/**
 * Loads a renderer module at run time for the console's logic tests. The renderer is type-checked by
 * tsconfig.web.json; tsconfig.node.json's project does not list its files, so this import is one tsc does not follow.
 */
// biome-ignore lint/suspicious/noExplicitAny: the module's types belong to the web project
export function rendererModule(path: string): Promise<any> {
  return import(new URL(`../../src/renderer/src/${path}`, import.meta.url).href);
}
