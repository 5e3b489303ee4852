// Builds the sandboxed PDF page view's script (src/frame/pdf-frame.ts) as one classic
// script, dist/pdf-frame.js, next to public/pdf-frame.html: a frame with an opaque origin
// cannot load module scripts from the app (they are fetched with CORS), a classic one it can.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  clearScreen: false,
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: false,
    target: 'es2022',
    lib: {
      entry: 'src/frame/pdf-frame.ts',
      formats: ['iife'],
      name: 'vivierPdfFrame',
      fileName: () => 'pdf-frame.js',
    },
  },
});
