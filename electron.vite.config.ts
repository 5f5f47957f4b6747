import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // The engine's OpenAPI import thread, beside the main process (src/server/openapi/openapi-import-thread.ts).
          'openapi-import-worker': resolve('src/server/openapi/openapi-import-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one self-contained CommonJS file: no runtime requires but electron's own.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // Relative asset URLs: the same build is served by the engine under /__console/ and loaded by Electron.
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      // Served over HTTP to browsers too, not only loaded from disk by Electron: worth minifying.
      minify: true,
      // Vite's warning is about downloads: the console comes from the engine, on this machine or a local network (or
      // from disk in the app), where its one 0.8 MB chunk is no transfer worth splitting for; the warning only alarmed
      // every `npm start`.
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
