import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Custom roots: main from src-main/index.ts, the preload emitted as CommonJS so the
// renderer keeps the sandbox, the renderer from src-renderer/.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The cache writer runs on a worker thread of its own (src-core/cache/writer.ts).
        input: { index: resolve(import.meta.dirname, 'src-main/index.ts'), 'cache-writer': resolve(import.meta.dirname, 'src-core/cache/writer-worker.ts') },
        external: ['electron', '@napi-rs/keyring', 'better-sqlite3-multiple-ciphers'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve(import.meta.dirname, 'src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves bundles unminified by default; the renderer ships to a window, so minify it.
      minify: true,
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
