// Small display helpers shared by the pipeline screens: dates in the interface language,
// stage/source labels, and search snippets split into plain and marked parts.
import type { Lang, Strings } from './i18n';
import type { JobStatus, PurgeCounts, RetentionRule, Source, Stage } from './backend';

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
  return 'detail' in s && s.detail ? `${kind} — ${s.detail}` : kind;
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

/** A calendar day as typed ('YYYY-MM-DD'), or null when empty or invalid. */
export function calendarDay(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  return m ? m[0] : null;
}

/** A hold's last day from its end (the first instant after it, midnight UTC, as the engine
 * reads days): the UTC day one second earlier. */
export function lastDay(until: string, lang: Lang): string {
  const d = new Date(new Date(until).getTime() - 1000);
  if (Number.isNaN(d.getTime())) return until;
  return date(`${d.toISOString().slice(0, 10)}T12:00:00Z`, lang);
}

/** A number of months in words: "1 month", "24 months". */
export function monthsText(t: Strings, n: number): string {
  return (n === 1 ? t.months_one : t.months_other).replace('{n}', String(n));
}

/** A retention rule in words; the pool rule says how many months (24 when not known). */
export function ruleLabel(t: Strings, rule: RetentionRule, poolMonths: number | null): string {
  const text = t[`rule_${rule}` as keyof Strings] ?? rule;
  return text.replace('{months}', monthsText(t, poolMonths ?? 24));
}

const COUNT_KINDS: (keyof PurgeCounts)[] = [
  'emails',
  'applications',
  'stage_events',
  'hiring_details',
  'custom_values',
  'documents',
  'letters',
  'notes',
  'ratings',
  'messages',
  'flags',
  'index_entries',
  'holds',
];

/** What went in a purge, e.g. "e-mails 1, applications 2": kinds with none are left out. */
export function countsSummary(t: Strings, counts: Partial<PurgeCounts>): string {
  const parts = COUNT_KINDS.filter((k) => (counts[k] ?? 0) > 0).map(
    (k) => `${t[`count_${k}` as keyof Strings]} ${counts[k]}`,
  );
  return parts.length > 0 ? parts.join(', ') : t.count_nothing;
}
