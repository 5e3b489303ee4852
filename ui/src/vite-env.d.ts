/// <reference types="svelte" />
/// <reference types="vite/client" />

/** pdf.js's worker module, run on the page frame's own thread (src/frame/pdf-frame.ts). */
declare module 'pdfjs-dist/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
