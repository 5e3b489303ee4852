// The board shown again at start: which job's board was last open with a database, kept
// in the webview's storage (the job's id only, nothing about a candidate), and that board
// asked for as early as the page runs, before the store is known open and before any
// screen is mounted, so that its data is on its way while the frame is built.
//
// The page cannot know which database it will open before the shell says so, so the
// last board opened with any database is remembered too; the early answer is used only
// when the store that opens is that database and that job is still its last board.
import { jobBoard, type Board } from './backend';

const KEY = 'vivier.lastBoard';
const keyOf = (database: string) => `${KEY}:${database}`;

interface Last {
  database: string;
  job: string;
}

function readLast(): Last | null {
  try {
    const last = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    return typeof last?.database === 'string' && typeof last?.job === 'string' ? last : null;
  } catch {
    return null;
  }
}

let early: { last: Last; board: Promise<Board> } | null = null;

/** Asks for the last board opened (with whichever database) at once. Called once, when
 * the page starts. A failure (the store not open yet, the job gone) is kept quiet: the
 * board asks again when it is mounted. */
export function askEarly() {
  const last = readLast();
  if (!last) return;
  performance.mark('vivier:board-asked');
  const board = jobBoard(last.job);
  board.then(() => performance.mark('vivier:board-answer')).catch(() => {});
  early = { last, board };
}

/** The job whose board was last open with `database`, if any. */
export const lastBoardOf = (database: string): string | null => localStorage.getItem(keyOf(database));

/** The early answer for `job`'s board in `database`, once: null when it was asked for
 * another database or job, or never. */
export function takeEarly(database: string, job: string): Promise<Board> | null {
  const taken = early;
  early = null;
  return taken && taken.last.database === database && taken.last.job === job ? taken.board : null;
}

export function remember(database: string, job: string) {
  localStorage.setItem(keyOf(database), job);
  localStorage.setItem(KEY, JSON.stringify({ database, job }));
}

export function forget(database: string) {
  localStorage.removeItem(keyOf(database));
  if (readLast()?.database === database) localStorage.removeItem(KEY);
}
