import { createRequire } from 'node:module';

/**
 * `require` for the engine's ES modules: a package (or one file of it) loaded when first needed, or one its exports
 * map hides. Packages resolve from here as from any engine module. Not named `require`: electron-vite declares one
 * at the top of the desktop bundle, and a second is a syntax error.
 */
export const loadModule = createRequire(import.meta.url);

/**
 * A module loaded by its first use rather than with the engine's modules (`agui-mock validate` and `init` load those
 * to check worlds and serve nothing; every process that loads the engine pays for what it imports): `load` runs once,
 * at the first call, and later calls answer what it loaded without resolving it again (some are called per request).
 */
export function loadedOnFirstUse<T>(load: () => unknown): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= load() as T;
    return loaded;
  };
}
