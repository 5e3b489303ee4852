// The sandboxed PDF page view's script (pdf-frame.html). It runs in an opaque origin: it
// cannot reach the app's window or `invoke`, and its CSP forbids any network (the ipc://
// protocol included). WebKitGTK still shows every frame the IPC message handler; Tauri
// refuses what comes through it without the invoke key, which only the app's window holds
// (tests/e2e/tests/pdf_view.rs sends a forged command that way and finds it never ran). It waits for
// the bytes of one PDF from its parent, draws up to 50 pages on canvases with pdf.js (on
// this thread: a worker would need an origin), and answers only `ready`, `drawn` (a page
// count) or `failed`. PDF scripts are never run (pdf.js runs none without its scripting
// sandbox, which is not loaded), nor eval'd fonts.
import * as pdfjs from 'pdfjs-dist';
import * as worker from 'pdfjs-dist/build/pdf.worker.mjs';

(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;

const MAX_PAGES = 50;
const tell = (message: { kind: 'ready' | 'drawn' | 'failed'; pages?: number }) => parent.postMessage(message, '*');

async function draw(bytes: Uint8Array) {
  const host = document.getElementById('pages');
  if (!host) throw new Error('no page host');
  const pdf = await pdfjs.getDocument({
    data: bytes,
    isEvalSupported: false,
    useSystemFonts: true,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
  }).promise;
  for (let n = 1; n <= Math.min(pdf.numPages, MAX_PAGES); n++) {
    const page = await pdf.getPage(n);
    const viewport = page.getViewport({ scale: 1.3 });
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.dataset.testid = 'pdf-page';
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    host.appendChild(canvas);
    await page.render({ canvas, canvasContext: context, viewport }).promise;
  }
  return pdf.numPages;
}

let drawn = false;
window.addEventListener('message', (event) => {
  if (event.source !== parent || drawn) return;
  const bytes = (event.data as { pdf?: unknown } | null)?.pdf;
  if (!(bytes instanceof Uint8Array)) return;
  drawn = true;
  draw(bytes).then(
    (pages) => tell({ kind: 'drawn', pages }),
    (error: unknown) => {
      // Said in the frame only (its parent hears `failed`): what went wrong, for a test or
      // an inspector, never the document's content.
      document.body.dataset.failure = error instanceof Error ? error.name + ': ' + error.message : 'failed';
      tell({ kind: 'failed' });
    },
  );
});
tell({ kind: 'ready' });
