// Builds the UI into ui/dist, which the desktop shell embeds. Everything is emitted as
// files next to index.html: nothing inline, so the app's strict CSP holds.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    cssCodeSplit: false,
  },
});
