// Files picked or dropped for a candidate: a queue with a guessed kind per file, and the
// import that sends them one by one (the webview reads each file; only bytes cross over).
import { BackendError, addDocument, type DocumentKind } from './backend';

export interface QueuedFile {
  file: File;
  kind: DocumentKind;
}

export interface ImportOutcome {
  file: string;
  error?: BackendError;
  noTextReason?: string | null;
}

/** Guesses a file's kind from its name; the first unnamed one is the CV. */
export function queue(files: Iterable<File>, existing: QueuedFile[]): QueuedFile[] {
  const out = [...existing];
  for (const file of files) {
    const name = file.name.toLowerCase();
    let kind: DocumentKind;
    if (/lettre|letter|motivation|cover/.test(name)) kind = 'letter';
    else if (/\bcv\b|resume|résumé|curriculum/.test(name)) kind = 'cv';
    else kind = out.some((q) => q.kind === 'cv') ? 'other' : 'cv';
    out.push({ file, kind });
  }
  return out;
}

/** Imports the files in order, reporting progress; one failure does not stop the others. */
export async function importAll(
  candidate: string,
  files: QueuedFile[],
  progress: (done: number, total: number) => void,
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  for (const [i, q] of files.entries()) {
    progress(i, files.length);
    try {
      const added = await addDocument(candidate, q.kind, q.file);
      outcomes.push({ file: q.file.name, noTextReason: added.no_text_reason });
    } catch (raw) {
      outcomes.push({ file: q.file.name, error: BackendError.from(raw) });
    }
  }
  progress(files.length, files.length);
  return outcomes;
}

/** Whether a drag carries files from outside (not a card being moved on a board). */
export const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
