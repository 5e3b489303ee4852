// Small display helpers shared by the pipeline screens: dates in the interface language,
// stage/source labels, and search snippets split into plain and marked parts.
import type { Lang, Strings } from './i18n';
import type { JobStatus, Source, Stage } from './backend';

export function date(iso: string, lang: Lang): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB');
}

export function dateTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export const stageLabel = (t: Strings, s: Stage) => t[`stage_${s}` as keyof Strings];
export const jobStatusLabel = (t: Strings, s: JobStatus) => t[`job_status_${s}` as keyof Strings];

export function sourceLabel(t: Strings, s: Source): string {
  const kind = t[`source_${s.kind}` as keyof Strings];
  return s.detail ? `${kind} — ${s.detail}` : kind;
}

/** A snippet's parts: the engine marks matched words between `[` and `]`. Rendered as text
 * nodes and <mark> elements, never as HTML. */
export function snippetParts(snippet: string): { text: string; mark: boolean }[] {
  const parts: { text: string; mark: boolean }[] = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), mark: false });
    parts.push({ text: m[1], mark: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), mark: false });
  return parts;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
