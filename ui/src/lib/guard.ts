// Turns the guard's findings (UTF-8 byte offsets, as the engine counts) into runs of the
// JavaScript string (UTF-16), so that flagged words can be drawn as <mark> elements built
// from text, never from HTML.
import type { Finding, FlaggedPassage } from './backend';
import { fill, type Strings } from './i18n';

const encoder = new TextEncoder();

/** Maps each UTF-8 byte offset that starts a character (and the end) to its string index. */
export function byteIndex(text: string): Map<number, number> {
  const map = new Map<number, number>();
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    map.set(bytes, index);
    bytes += encoder.encode(ch).length;
    index += ch.length;
  }
  map.set(bytes, index);
  return map;
}

export interface Run<T> {
  text: string;
  /** The finding or flagged passage this run is, or null for plain text. */
  mark: T | null;
}

/** The text split into plain runs and marked runs, in order; overlapping spans are skipped. */
export function runs<T extends Finding | FlaggedPassage>(text: string, spans: T[]): Run<T>[] {
  const map = byteIndex(text);
  const out: Run<T>[] = [];
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const start = map.get(span.start);
    const end = map.get(span.end);
    if (start === undefined || end === undefined || start < at || end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), mark: null });
    out.push({ text: text.slice(start, end), mark: span });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: null });
  return out;
}

/** The masked preview split into text and the engine's masks ("[████]"). */
export const MASK = '[████]';
export function maskedParts(text: string): { text: string; masked: boolean }[] {
  const out: { text: string; masked: boolean }[] = [];
  text.split(MASK).forEach((part, i) => {
    if (i > 0) out.push({ text: MASK, masked: true });
    if (part) out.push({ text: part, masked: false });
  });
  return out;
}

/** A category's name in the UI language (the code itself for a category this UI does not know). */
export function categoryLabel(t: Strings, code: string): string {
  return (t[`guard_cat_${code}` as keyof Strings] as string | undefined) ?? code;
}

/**
 * The one-line reason of a finding (or of a warning recorded with a note, which has the
 * same fields), in the UI language, built from
 * its structured fields (never from the engine's English text): "health — “has MS”
 * describes the candidate."
 */
export function explanation(
  t: Strings,
  f: Pick<Finding, 'why' | 'words' | 'phrase'> & { category: string },
): string {
  const key =
    f.why === 'criterion' && f.category === 'criminal_record' ? 'guard_why_criminal_record' : `guard_why_${f.why}`;
  const template = (t[key as keyof Strings] as string | undefined) ?? '';
  return `${categoryLabel(t, f.category)} — ${fill(template, { phrase: f.phrase || f.words, words: f.words })}`;
}
