// How code that runs on plain Node is bundled, by the package's build (build-bundles.mjs) and by the bench, which
// measures the engine compiled as it ships: one ESM bundle for Node 20, dependencies left external.
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};
