// Browser-mode build of the renderer (`npm run build:renderer`, served by `lowbit serve`).
// Kept minimal on purpose: electron-vite uses renderer/ as its renderer root too.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true },
});
