import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

// main, preload and renderer are built from the project's own top-level folders.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The job worker is its own entry: JobManager loads it beside index.js; so is the
        // sample pool's thread (main/jobs/pool/sample-pool.ts loads it beside itself) and the
        // training pool's (main/jobs/train-pool/train-pool.ts).
        input: {
          index: resolve('main/index.ts'),
          worker: resolve('main/jobs/worker.ts'),
          'pool-worker': resolve('main/jobs/pool/pool-worker.ts'),
          'train-worker': resolve('main/jobs/train-pool/train-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [svelte()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
