import type { BuildOptions } from 'esbuild';

/** How code that runs on plain Node is bundled (see node-bundle-options.mjs). */
export const NODE_BUNDLE_OPTIONS: BuildOptions;
