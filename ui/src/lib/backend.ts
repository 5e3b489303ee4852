// The one module that talks to the desktop shell. Screens call these typed functions and
// never `invoke` directly. A failed command rejects with a `BackendError`, rebuilt from
// the `{code, message}` the shell sends: branch on `code`, show `message`.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';

export type Status = 'uninitialised' | 'keyring' | 'passphrase';
export type KeySource = 'keyring' | 'passphrase';

export interface StoreStatus {
  status: Status;
  data_dir: string;
  open: boolean;
}

export interface CipherReport {
  cipher_version: string;
  cipher_provider: string;
  cipher_provider_version: string;
  page_size: number;
  page_hmac: string;
  cipher_memory_security: boolean;
  secure_delete: boolean;
  foreign_keys: boolean;
  journal_mode: string;
  synchronous: string;
  temp_store_compiled: string;
  schema_version: number;
  schema_supported: number;
}

export interface StoreInfo {
  data_dir: string;
  database: string;
  key_source: KeySource;
  cipher: CipherReport;
}

/** A command's failure: a stable `code` to branch on and a human `message` to show. */
export class BackendError extends Error {
  readonly code: string;
  /** Facts for some codes, e.g. the existing candidate of `duplicate_candidate`. */
  readonly details: Record<string, unknown> | null;

  constructor(code: string, message: string, details: Record<string, unknown> | null = null) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
    this.details = details;
  }

  static from(raw: unknown): BackendError {
    if (raw instanceof BackendError) return raw;
    if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
      const { code, message, details } = raw as { code: unknown; message: unknown; details?: unknown };
      if (typeof code === 'string' && typeof message === 'string') {
        const facts = details && typeof details === 'object' ? (details as Record<string, unknown>) : null;
        return new BackendError(code, message, facts);
      }
    }
    const text = raw instanceof Error ? raw.message : String(raw);
    return new BackendError('ipc', text);
  }
}

async function call<T>(
  command: string,
  args?: Record<string, unknown> | Uint8Array,
  headers?: Record<string, string>,
): Promise<T> {
  try {
    return await invoke<T>(command, args, headers ? { headers } : undefined);
  } catch (raw) {
    throw BackendError.from(raw);
  }
}

export const storeStatus = () => call<StoreStatus>('store_status');
export const openStore = () => call<StoreInfo>('open_store');
export const createWithPassphrase = (passphrase: string) =>
  call<StoreInfo>('create_with_passphrase', { passphrase });
export const unlockWithPassphrase = (passphrase: string) =>
  call<StoreInfo>('unlock_with_passphrase', { passphrase });
export const storeInfo = () => call<StoreInfo>('store_info');

// ----- the recruitment pipeline -----

export type JobStatus = 'open' | 'on_hold' | 'closed';
export type Stage = 'new' | 'screening' | 'interview' | 'offer' | 'hired' | 'rejected' | 'withdrawn';
export const STAGES: Stage[] = ['new', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn'];
export type SourceKind = 'direct' | 'agency' | 'referral' | 'email' | 'job_board';
export const SOURCE_KINDS: SourceKind[] = ['direct', 'agency', 'referral', 'email', 'job_board'];
export type Language = 'fr' | 'en';
export type DocumentKind = 'cv' | 'letter' | 'other';

export interface Job {
  uuid: string;
  title: string;
  department: string | null;
  location: string | null;
  country: string;
  status: JobStatus;
  description: string;
  opened_at: string;
  closed_at: string | null;
  open_applications: number;
}

export interface NewJob {
  title: string;
  department: string | null;
  location: string | null;
  country: string;
  description: string;
}

export interface Source {
  kind: SourceKind;
  detail?: string | null;
}

export interface Candidate {
  uuid: string;
  full_name: string;
  emails: string[];
  phone: string | null;
  source: Source;
  language: Language;
  created_at: string;
  last_contact_at: string;
}

export interface CandidateForm {
  full_name: string;
  emails: string[];
  phone: string | null;
  source_kind: SourceKind;
  source_detail: string | null;
  language: Language;
}

export interface Application {
  uuid: string;
  candidate_uuid: string;
  candidate_name: string;
  job_uuid: string;
  job_title: string;
  stage: Stage;
  closed_reason: string | null;
  created_at: string;
  updated_at: string;
  /** A hire's contract end (YYYY-MM-DD), from which the country's retention period runs. */
  contract_end: string | null;
}

export interface BoardCard {
  application_uuid: string;
  candidate_uuid: string;
  candidate_name: string;
  stage: Stage;
  updated_at: string;
}

/** A column of a board: how many applications are at its stage, and a window of their
 * cards (most recently updated first) starting at `offset`. */
export interface BoardColumn {
  stage: Stage;
  total: number;
  offset: number;
  cards: BoardCard[];
}

export interface Board {
  job: Job;
  columns: BoardColumn[];
}

/** Cards asked for at a time, per board column. */
export const BOARD_PAGE = 25;

export interface Rating {
  criterion: string;
  score: number;
}

/** A warned criterion (age, family situation…) found in text HR wrote, stored with it. */
export interface GuardWarning {
  category: string;
  label_en: string;
  label_fr: string;
  words: string;
}

export interface Note {
  warnings?: GuardWarning[];
  uuid: string;
  candidate_uuid: string;
  application_uuid: string | null;
  kind: string;
  author: string;
  body: string;
  ratings: Rating[];
  created_at: string;
}

export interface NoteForm {
  body: string;
  feedback: boolean;
  application: string | null;
  ratings: Rating[];
}

export interface DocumentInfo {
  uuid: string;
  candidate_uuid: string;
  kind: string;
  file_name: string;
  media_type: string;
  size: number;
  sha256: string;
  text_status: string;
  added_at: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  summary: string;
  actor: string | null;
  reference: string | null;
}

export interface Profile {
  candidate: Candidate;
  applications: Application[];
  documents: DocumentInfo[];
  notes: Note[];
  timeline: TimelineEntry[];
}

export interface SearchHit {
  candidate_uuid: string;
  full_name: string;
  field: string;
  snippet: string;
  rank: number;
}

export interface SearchFilter {
  job?: string | null;
  stage?: Stage | null;
  source?: SourceKind | null;
}

export const listJobs = (status: JobStatus | null = null) => call<Job[]>('list_jobs', { status });
export const addJob = (job: NewJob) => call<Job>('add_job', { job });
export const setJobStatus = (job: string, status: JobStatus) => call<Job>('set_job_status', { job, status });
/** A job's board: every column's count and its first `limit` cards. */
export const jobBoard = (job: string, limit = BOARD_PAGE) =>
  call<Board>('job_board', { job, stage: null, offset: 0, limit });
/** More of one column of a job's board: its count and `limit` cards from `offset`. */
export const boardColumn = async (job: string, stage: Stage, offset: number, limit = BOARD_PAGE) =>
  (await call<Board>('job_board', { job, stage, offset, limit })).columns[0];
export const listCandidates = (limit: number, offset: number) =>
  call<{ candidates: Candidate[]; total: number }>('list_candidates', { limit, offset });
export const addCandidate = (candidate: CandidateForm) => call<Candidate>('add_candidate', { candidate });
export const candidateProfile = (candidate: string) => call<Profile>('candidate_profile', { candidate });
export const mergeCandidates = (keep: string, absorb: string) =>
  call<Candidate>('merge_candidates', { keep, absorb });
export const applyToJob = (candidate: string, job: string) => call<Application>('apply_to_job', { candidate, job });
export const moveStage = (application: string, stage: Stage, reason: string | null = null) =>
  call<Application>('move_stage', { application, stage, reason });
export const addNote = (candidate: string, note: NoteForm) => call<Note>('add_note', { candidate, note });
/** Sends a file's bytes (read in the webview) to be stored and its text extracted. */
/** The file's bytes go as the raw request body (a JSON array would be four times its size
 *  and slow near the 20 MB limit); who, what kind and the name go in headers. */
export const addDocument = async (candidate: string, kind: DocumentKind, file: File) =>
  call<{ document: DocumentInfo; no_text_reason: string | null }>(
    'add_document',
    new Uint8Array(await file.arrayBuffer()),
    {
      'x-vivier-candidate': candidate,
      'x-vivier-kind': kind,
      'x-vivier-file-name': encodeURIComponent(file.name),
    },
  );
/** A flagged passage of a document's extracted text (byte offsets into the revealed text). */
export interface FlaggedPassage {
  category: string;
  start: number;
  end: number;
}

export interface DocumentText {
  document: DocumentInfo;
  /** Masked ("[████]" over flagged passages) unless `revealed`. */
  text: string | null;
  revealed: boolean;
  flags: FlaggedPassage[];
}

/** A document's text; `reveal` shows its masked passages and is recorded in the audit log. */
export const documentText = (document: string, reveal = false) =>
  call<DocumentText>('document_text', { document, reveal });
export const documentPdf = async (document: string) =>
  new Uint8Array(await call<ArrayBuffer>('document_pdf', { document }));
export const search = (text: string, filter: SearchFilter = {}) =>
  call<SearchHit[]>('search', { text, job: filter.job ?? null, stage: filter.stage ?? null, source: filter.source ?? null });

// ----- the sensitive-category guard -----

export type GuardLevel = 'refused' | 'warned';

/** A passage the guard flags: byte offsets (UTF-8) into the checked text. */
export interface Finding {
  category: string;
  level: GuardLevel;
  start: number;
  end: number;
  words: string;
}

/** Checks text as HR types it; nothing is stored or recorded. */
export const guardCheck = (text: string) => call<Finding[]>('guard_check', { text });

// ----- stage-gated data: hiring details and custom fields -----

export interface HiringDetails {
  address: string | null;
  birth_date: string | null;
  birth_place: string | null;
  nationality: string | null;
  nir: string | null;
  iban: string | null;
  emergency_name: string | null;
  emergency_phone: string | null;
}

export interface HiringRecord {
  application_uuid: string;
  candidate_uuid: string;
  stage: Stage;
  /** Whether hiring details may be entered at this stage. */
  collectable: boolean;
  details: HiringDetails;
  updated_at: string | null;
}

export type FieldKind = 'text' | 'date' | 'number' | 'yes_no';
export const FIELD_KINDS: FieldKind[] = ['text', 'date', 'number', 'yes_no'];

export interface CustomField {
  name: string;
  kind: FieldKind;
  collect_from: Stage;
}

export interface CustomValue {
  field: string;
  kind: FieldKind;
  collect_from: Stage;
  value: string;
}

/** Hiring details may be collected from this stage on. */
export const HIRING_FROM: Stage = 'offer';
const PROGRESS: Partial<Record<Stage, number>> = { new: 0, screening: 1, interview: 2, offer: 3, hired: 4 };
/** Mirrors the engine's gate to decide what to show; the engine still decides what is stored. */
export const mayCollect = (stage: Stage, from: Stage) => {
  const at = PROGRESS[stage];
  const need = PROGRESS[from];
  return at !== undefined && need !== undefined && at >= need;
};

export const hiringDetails = (application: string) => call<HiringRecord>('hiring_details', { application });
export const setHiringDetails = (application: string, details: HiringDetails) =>
  call<HiringRecord>('set_hiring_details', { application, details });
export const customFields = () => call<CustomField[]>('custom_fields');
export const declareCustomField = (field: CustomField) => call<CustomField>('declare_custom_field', { field });
export const setCustomValue = (application: string, field: string, value: string) =>
  call<CustomValue>('set_custom_value', { application, field, value });
export const customValues = (application: string) => call<CustomValue[]>('custom_values', { application });

// ----- retention (promises P6, P7): due dates, holds, requests, the purge -----

/** Why a candidate's data goes when it does. */
export type RetentionRule = 'pool' | 'objection' | 'erasure' | 'hired_retention' | 'contract_running';

/** A legal hold, in force or released. `until` is the first instant after its last day. */
export interface HoldInfo {
  uuid: string;
  candidate_uuid: string;
  full_name: string;
  reason: string;
  placed_by: string;
  placed_at: string;
  until: string | null;
  released_by: string | null;
  released_at: string | null;
  in_force: boolean;
}

/** When a candidate's data must go and why; `due` is null while a contract runs. */
export interface RetentionStatus {
  candidate_uuid: string;
  full_name: string;
  last_contact_at: string;
  due: string | null;
  rule: RetentionRule;
  /** A legal hold in force suspends the purge. */
  held: boolean;
  objected_at: string | null;
  erasure_confirmed_at: string | null;
  restricted_at: string | null;
  holds: HoldInfo[];
}

/** A candidate whose data goes soon (or is overdue, e.g. held). */
export interface Upcoming {
  candidate_uuid: string;
  full_name: string;
  emails: string[];
  language: string;
  last_contact_at: string;
  due: string;
  rule: RetentionRule;
  held: boolean;
}

/** How many rows of each kind went with a person. */
export interface PurgeCounts {
  emails: number;
  applications: number;
  stage_events: number;
  hiring_details: number;
  custom_values: number;
  documents: number;
  letters: number;
  notes: number;
  ratings: number;
  messages: number;
  flags: number;
  index_entries: number;
  holds: number;
}

export interface Purged {
  candidate_uuid: string;
  rule: RetentionRule;
  due: string;
  counts: PurgeCounts;
}

/** A line of the purge log: nothing but the UUID, the date, the rule and the counts. */
export interface PurgeLogEntry {
  candidate_uuid: string;
  purged_at: string;
  rule: RetentionRule;
  counts: Partial<PurgeCounts>;
}

export interface PurgeReport {
  as_of: string;
  dry_run: boolean;
  purged: Purged[];
  /** UUIDs due but kept by a legal hold. */
  held: string[];
  cleanup: Record<string, unknown> | null;
}

/** An objection or erasure: `purged` when the data went at once, else the new `status`. */
export interface RequestOutcome {
  candidate_uuid: string;
  purged: Purged | null;
  status: RetentionStatus | null;
}

export interface RetentionSettings {
  pool_months: number;
  max_pool_months: number;
  default_hired_years: number;
  /** Years kept after a contract ends, per country of hire. */
  countries: [string, number][];
}

export const retentionStatus = (candidate: string) => call<RetentionStatus>('retention_status', { candidate });
export const upcomingPurges = (days: number) => call<Upcoming[]>('upcoming_purges', { days });
export const legalHolds = () => call<HoldInfo[]>('legal_holds');
/** `until`: the first instant after the hold's last day (see `dayAfter`), or null. */
export const placeHold = (candidate: string, reason: string, until: string | null) =>
  call<HoldInfo>('place_hold', { candidate, reason, until });
export const releaseHolds = (candidate: string) => call<HoldInfo[]>('release_holds', { candidate });
export const purgeLog = (limit: number) => call<PurgeLogEntry[]>('purge_log', { limit });
export const recordObjection = (candidate: string) => call<RequestOutcome>('record_objection', { candidate });
/** Fails with `hired_cannot_be_erased` for a hire: offer `restrictCandidate` instead. */
export const confirmErasure = (candidate: string) => call<RequestOutcome>('confirm_erasure', { candidate });
export const renewConsent = (candidate: string) => call<RetentionStatus>('renew_consent', { candidate });
export const restrictCandidate = (candidate: string) => call<RetentionStatus>('restrict_candidate', { candidate });
/** `end`: 'YYYY-MM-DD', or null while the contract runs. Only for a hired application. */
export const setContractEnd = (application: string, end: string | null) =>
  call<RetentionStatus>('set_contract_end', { application, end });
export const retentionSettings = () => call<RetentionSettings>('retention_settings');
export const setPoolMonths = (months: number) => call<RetentionSettings>('set_pool_months', { months });
export const setRetentionPeriod = (country: string, years: number) =>
  call<RetentionSettings>('set_retention_period', { country, years });
export const purgeNow = () => call<PurgeReport>('purge_now');

/** The event the app emits after a purge it ran (at start, hourly, or `purgeNow`). */
export const PURGED_EVENT = 'vivier://purged';

/** Calls `cb` with the number purged each time the app purges; returns the unsubscriber
 * (to return from `onMount`). */
export function onPurged(cb: (purged: number) => void): () => void {
  let unlisten: (() => void) | null = null;
  let stopped = false;
  listen<number>(PURGED_EVENT, (e) => cb(e.payload))
    .then((stop) => {
      if (stopped) stop();
      else unlisten = stop;
    })
    .catch(() => {
      // Not in the desktop shell: nothing to listen to.
    });
  return () => {
    stopped = true;
    unlisten?.();
  };
}
