// The one module that talks to the desktop shell. Screens call these typed functions and
// never `invoke` directly. A failed command rejects with a `BackendError`, rebuilt from
// the `{code, message}` the shell sends: branch on `code`, show `message`.
//
// The types of what crosses the bridge (payloads, error codes, the stage order) are
// generated from the Rust types into `generated.ts` and re-exported from here; only the
// UI's own types (forms, filters) are written by hand.
import { invoke } from '@tauri-apps/api/core';
import { save } from '@tauri-apps/plugin-dialog';
import { listen } from '@tauri-apps/api/event';
import type {
  AddedDocument,
  Application,
  BackupInfo,
  BackupList,
  Board,
  Candidate,
  CandidateForm,
  CandidatePage,
  Company,
  CustomField,
  CustomValue,
  DocumentInfo,
  DocumentText,
  ErrorCode,
  FieldKind,
  Finding,
  HiringDetails,
  HiringRecord,
  HoldInfo,
  Job,
  LetterLang,
  LetterRecord,
  OfferInput,
  OfferRecord,
  TemplateInfo,
  JobStatus,
  NewJob,
  Note,
  NoteForm,
  Profile,
  PurgeLogEntry,
  PurgeReport,
  RequestOutcome,
  RestorePlan,
  RestoreReport,
  RetentionSettings,
  RetentionStatus,
  SearchHit,
  Source,
  Stage,
  StaleOpen,
  StoreInfo,
  StoreStatus,
  Upcoming,
  Withheld,
  Confirmed,
  Imported,
  Linked,
  RightsRequest,
  TriageItem,
  AccessArchive,
  EditForm,
  ComposeRequest,
  MailTemplateInfo,
  MailTemplateKind,
  MailPreview,
  Queued,
  RenewalReport,
  RequestDashboard,
  RequestDetail,
  RequestFilter,
  NewRightsRequest,
} from './generated';

export type {
  AddedDocument,
  Application,
  BackupInfo,
  BackupList,
  RestorePlan,
  RestoreReport,
  Board,
  BoardCard,
  BoardColumn,
  Candidate,
  CandidateForm,
  CandidatePage,
  Category,
  CipherReport,
  Cleanup,
  CommandError,
  Company,
  CustomField,
  CustomValue,
  DocumentInfo,
  DocumentText,
  ErrorCode,
  FieldKind,
  Finding,
  FlaggedPassage,
  GuardWarning,
  HiringDetails,
  HiringRecord,
  LetterLang,
  LetterRecord,
  Offer,
  OfferInput,
  OfferRecord,
  TemplateInfo,
  HoldInfo,
  Job,
  JobStatus,
  KeySource,
  Language,
  Level as GuardLevel,
  NewJob,
  Note,
  NoteForm,
  Profile,
  PurgeCounts,
  PurgeLogEntry,
  PurgeReport,
  Purged,
  Rating,
  RatingForm,
  RequestOutcome,
  RetentionSettings,
  RetentionStatus,
  Rule as RetentionRule,
  SearchHit,
  Source,
  Stage,
  StaleOpen,
  Status,
  StoreInfo,
  StoreStatus,
  TimelineEntry,
  Upcoming,
  Withheld,
  WithheldReason,
  Confirmed,
  Imported,
  Intake,
  Intent,
  Linked,
  RightsRequest,
  TriageItem,
  AccessArchive,
  ComposeRequest,
  MailTemplateInfo,
  MailTemplateKind,
  MailPreview,
  Queued,
  RenewalReport,
  RenewalSkip,
  SkipReason,
  RequestChannel,
  RequestDashboard,
  RequestDetail,
  RequestEvent,
  RequestFilter,
  RequestIdentity,
  RequestKind,
  RequestStatus,
  NewRightsRequest,
} from './generated';
import { STAGE_PROGRESS } from './generated';
export { ERROR_CODES, HIRING_FROM, STAGES } from './generated';

/** A command's failure: a stable `code` to branch on and a human `message` to show
 * (`ipc` when the shell could not be reached at all). */
export class BackendError extends Error {
  readonly code: ErrorCode | 'ipc';
  /** Facts for some codes, e.g. the existing candidate of `duplicate_candidate`. */
  readonly details: Record<string, unknown> | null;

  constructor(code: ErrorCode | 'ipc', message: string, details: Record<string, unknown> | null = null) {
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
        return new BackendError(code as ErrorCode, message, facts);
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

export type SourceKind = Source['kind'];
export const SOURCE_KINDS: SourceKind[] = ['direct', 'agency', 'referral', 'email', 'job_board'];
export type DocumentKind = 'cv' | 'letter' | 'other';

/** Cards asked for at a time, per board column. */
export const BOARD_PAGE = 25;

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
  call<CandidatePage>('list_candidates', { limit, offset });
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
  call<AddedDocument>(
    'add_document',
    new Uint8Array(await file.arrayBuffer()),
    {
      'x-vivier-candidate': candidate,
      'x-vivier-kind': kind,
      'x-vivier-file-name': encodeURIComponent(file.name),
    },
  );
/** A document's text; `reveal` shows its masked passages and is recorded in the audit log. */
export const documentText = (document: string, reveal = false) =>
  call<DocumentText>('document_text', { document, reveal });
/** A PDF's original bytes for the page view; a document with refused passages is refused
 * (`reveal_required`) unless `reveal`, which is recorded in the audit log as a reveal. */
export const documentPdf = async (document: string, reveal = false) =>
  new Uint8Array(await call<ArrayBuffer>('document_pdf', { document, reveal }));
/** Asks the OS's save dialog where to put a copy, `fileName` proposed; null when cancelled.
 * The dialog itself asks before replacing a file. */
export const chooseCopyPath = (fileName: string) => save({ defaultPath: fileName });
/** Writes a copy of a document to `path` (from `chooseCopyPath`), whole or not at all; a
 * document with masked passages needs `reveal` (`reveal_required` otherwise). Audited
 * as an export. */
export const saveDocumentCopy = (document: string, path: string, reveal: boolean) =>
  call<DocumentInfo>('save_document_copy', { document, path, reveal });
export const search = (text: string, filter: SearchFilter = {}) =>
  call<SearchHit[]>('search', { text, job: filter.job ?? null, stage: filter.stage ?? null, source: filter.source ?? null });

// ----- the sensitive-category guard -----

/** Checks text as HR types it; nothing is stored or recorded. */
export const guardCheck = (text: string) => call<Finding[]>('guard_check', { text });

// ----- stage-gated data: hiring details and custom fields -----

export const FIELD_KINDS: FieldKind[] = ['text', 'date', 'number', 'yes_no'];

/** The engine's gate (`may_collect`), from the generated stage progress, to decide what to
 * show; the engine still decides what is stored. */
export const mayCollect = (stage: Stage, from: Stage) => {
  const at = STAGE_PROGRESS[stage];
  const need = STAGE_PROGRESS[from];
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

// ----- offer letters: offer details, templates, preview and generation -----

export const offerDetails = (application: string) => call<OfferRecord>('offer_details', { application });
export const setOffer = (application: string, offer: OfferInput) =>
  call<OfferRecord>('set_offer', { application, offer });
export const letterTemplates = () => call<TemplateInfo[]>('letter_templates');
/** The letter's PDF as it would be generated now (nothing stored). */
export const previewOfferLetter = async (application: string, template: string | null, lang: LetterLang | null) =>
  new Uint8Array(await call<ArrayBuffer>('preview_offer_letter', { application, template, lang }));
export const generateOfferLetter = (application: string, template: string | null, lang: LetterLang | null) =>
  call<LetterRecord>('generate_offer_letter', { application, template, lang });
export const companyDetails = () => call<Company>('company_details');
/** A null field keeps its value, an empty one clears it; the logo is hex. */
export const setCompany = (company: Company) => call<Company>('set_company', { company });
export const saveLetterTemplate = (name: string, language: LetterLang | null, body: string, add: boolean) =>
  call<TemplateInfo>('save_letter_template', { name, language, body, add });

// ----- retention (promises P6, P7): due dates, holds, requests, the purge -----

export const retentionStatus = (candidate: string) => call<RetentionStatus>('retention_status', { candidate });
export const upcomingPurges = (days: number) => call<Upcoming[]>('upcoming_purges', { days });
export const legalHolds = () => call<HoldInfo[]>('legal_holds');
/** `until`: the hold's last day ('YYYY-MM-DD'), or null while it has none. */
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
/** HR's purge: also confirms (and clears) a withheld unattended purge's notice. */
export const purgeNow = () => call<PurgeReport>('purge_now');
/** The notice of an unattended purge that waited for HR's confirmation, or null. */
export const withheldPurge = () => call<Withheld | null>('withheld_purge');
/** People kept only because an application is open, with no stage move for longer than
 * the pool period (oldest first). */
export const staleApplications = () => call<StaleOpen[]>('stale_applications');

// ----- mail intake: dropped .eml/.mbox files, triage, requests read in replies -----

/** Takes in a dropped .eml or .mbox file: each message imported once, tied to a candidate
 *  or left in triage; its bytes go as the raw body, its name in a header. */
export const importMail = async (file: File) =>
  call<Imported[]>('mail_import', new Uint8Array(await file.arrayBuffer()), {
    'x-vivier-file-name': encodeURIComponent(file.name),
  });
export const triageList = () => call<TriageItem[]>('triage_list');
/** `candidate`: a UUID, a prefix or one of their email addresses. */
export const triageLink = (message: string, candidate: string) => call<Linked>('triage_link', { message, candidate });
export const triageCreate = (message: string, name: string | null) => call<Linked>('triage_create', { message, name });
export const triageDismiss = (message: string) => call<string>('triage_dismiss', { message });
/** Requests by due date; `all` adds the confirmed and dismissed ones. */
export const rightsRequests = (all = false) => call<RightsRequest[]>('rights_requests', { all });
/** An erasure may fail with `hired_cannot_be_erased`; an already decided one with `request_decided`. */
export const confirmRequest = (request: string) => call<Confirmed>('confirm_request', { request });
export const dismissRequest = (request: string) => call<string>('dismiss_request', { request });
/** The backups (oldest first), their folder and how many months each is kept. */
export const listBackups = () => call<BackupList>('list_backups');
/** Takes an encrypted backup now. */
export const backUpNow = () => call<BackupInfo>('back_up_now');
/** What restoring `file` would do: how many erased people it purges again, and whether
 * it needs the risk accepted (`risk`, an error code). Writes nothing. */
export const restorePlan = (file: string) => call<RestorePlan>('restore_plan', { file });
/** Restores `file` in place of the database, purging again whoever the ledger lists. */
export const restoreBackup = (file: string, acceptRisk: boolean) =>
  call<RestoreReport>('restore_backup', { file, acceptRisk });

// ----- composing email: templates, preview, queue, consent-renewal requests -----
/** Every mail template (each kind in French and English, edited or shipped). */
export const mailTemplates = () => call<MailTemplateInfo[]>('mail_templates');
/** Fails with `template_syntax`, `merge_fields`, `invalid_input` or `sensitive_data` (nothing stored). */
export const saveMailTemplate = (kind: MailTemplateKind, language: LetterLang, body: string) =>
  call<MailTemplateInfo>('save_mail_template', { kind, language, body });
export const resetMailTemplate = (kind: MailTemplateKind, language: LetterLang) =>
  call<MailTemplateInfo>('reset_mail_template', { kind, language });
/** The message as it would be sent; fails with `merge_fields` naming what is missing. */
export const previewMail = (request: ComposeRequest) => call<MailPreview>('preview_mail', { request });
/** Queues the message in the outbox; `no_recipient` when the candidate has no e-mail. */
export const queueMail = (request: ComposeRequest) => call<Queued>('queue_mail', { request });
/** Queues the consent-renewal request to those whose data goes within `withinDays` (or to
 * `candidates` among them); the report says who was left out and why. */
export const requestRenewals = (withinDays: number, candidates: string[] | null) =>
  call<RenewalReport>('request_renewals', { withinDays, candidates });
/** The requests register on the app's today: overdue, due this week, later, done lately. */
export const requestDashboard = () => call<RequestDashboard>('request_dashboard');
/** The register, filtered, by due date. */
export const requestList = (filter: RequestFilter) => call<RightsRequest[]>('request_list', { filter });
/** One request with its history (who did what, when). */
export const requestShow = (request: string) => call<RequestDetail>('request_show', { request });
/** A request entered by hand; a received date in the future fails with `invalid_input`. */
export const requestAdd = (req: NewRightsRequest) => call<RightsRequest>('request_add', { new: req });
/** How the identity of the sender of a request from an unknown address was checked. */
export const requestIdentity = (request: string, note: string) =>
  call<RightsRequest>('request_identity', { request, note });
/** The engine acts (an erasure purges at once); fails with `identity_check_needed`,
 * `hired_cannot_be_erased` or `request_decided`. */
export const requestConfirm = (request: string) => call<Confirmed>('request_confirm', { request });
/** Refused with the reason the candidate is told (`reason_required` when empty). */
export const requestRefuse = (request: string, reason: string) =>
  call<RightsRequest>('request_refuse', { request, reason });
/** 1 or 2 months, with a reason; after the first month: `extension_refused`. */
export const requestExtend = (request: string, months: number, reason: string) =>
  call<RightsRequest>('request_extend', { request, months, reason });

/** The event the app emits after a purge it ran (at start, hourly, or `purgeNow`). */
export const PURGED_EVENT = 'vivier://purged';

/** The event the app emits when its own (unattended) purge waited for HR: the notice. */
export const PURGE_WITHHELD_EVENT = 'vivier://purge-withheld';

/** Calls `cb` with the number purged each time the app purges; returns the unsubscriber
 * (to return from `onMount`). */
export function onPurged(cb: (purged: number) => void): () => void {
  return subscribe<number>(PURGED_EVENT, cb);
}

/** Calls `cb` with the notice each time the app's own purge waits for HR's confirmation;
 * returns the unsubscriber. */
export function onPurgeWithheld(cb: (notice: Withheld) => void): () => void {
  return subscribe<Withheld>(PURGE_WITHHELD_EVENT, cb);
}

function subscribe<T>(event: string, cb: (payload: T) => void): () => void {
  let unlisten: (() => void) | null = null;
  let stopped = false;
  listen<T>(event, (e) => cb(e.payload))
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

// ----- mail settings, the app's mail check, links in messages -----

export type {
  ImapForm,
  ImapTested,
  MailCheck,
  MailSettings,
  ServerForm,
  SmtpForm,
  Taken,
  TextSegment,
} from './generated';
import type { ImapForm, ImapTested, MailCheck, MailSettings, SmtpForm, TextSegment } from './generated';
import { openUrl } from '@tauri-apps/plugin-opener';

/** The saved IMAP and SMTP settings; passwords never come back, only whether one is kept. */
export const mailSettings = () => call<MailSettings>('mail_settings');
/** `password`: null or empty keeps the one in the keyring. */
export const saveImapSettings = (settings: ImapForm, password: string | null) =>
  call<MailSettings>('save_imap_settings', { settings, password });
export const saveSmtpSettings = (settings: SmtpForm, password: string | null) =>
  call<MailSettings>('save_smtp_settings', { settings, password });
/** Tests the saved settings; fails with `mail_auth_failed`, `mail_certificate_refused`,
 *  `mail_unreachable`, `mail_timeout`, `mail_not_configured`, `mail_protocol`… */
export const testImap = () => call<ImapTested>('test_imap');
export const testSmtp = () => call<string>('test_smtp');
/** Checks the mailbox now (after a check in progress, never beside it). */
export const checkMailNow = () => call<MailCheck>('check_mail_now');
export const mailCheckStatus = () => call<MailCheck>('mail_check_status');
/** Texts cut into plain and link segments; only http(s) and mailto links have an `href`. */
export const linkSegments = (texts: string[]) => call<TextSegment[][]>('link_segments', { texts });
/** Opens a link outside the app (system browser or mail client); the capability allows
 *  only http, https and mailto. */
export const openOutside = (href: string) => openUrl(href);

/** The event the app emits after each mail check, with its status. */
export const MAIL_CHECKED_EVENT = 'vivier://mail-checked';

/** Calls `cb` with the status after each mail check; returns the unsubscriber. */
export function onMailChecked(cb: (status: MailCheck) => void): () => void {
  return subscribe<MailCheck>(MAIL_CHECKED_EVENT, cb);
}
// ----- the candidate's right of access (promise P5) -----

/** Asks the OS's save dialog where to put a candidate's access archive; null when cancelled. */
export const chooseAccessArchivePath = (fileName: string) =>
  save({ defaultPath: fileName, filters: [{ name: 'ZIP', extensions: ['zip'] }] });
/** Writes the access archive of a candidate (everything held on them, their documents and
 * messages, a summary PDF in their language) to `path`, whole or not at all; audited as an
 * access export. `merge_fields` when the company's name is not set. */
export const exportAccess = (candidate: string, path: string, lang: LetterLang | null = null) =>
  call<AccessArchive>('export_access', { candidate, path, lang });
/** Corrects a candidate's name, addresses or phone (absent fields stay); the engine makes
 * the search index forget the old values and marks letters that print the old name
 * outdated. `duplicate_candidate` when a new value is someone else's. */
export const editCandidate = (candidate: string, edit: Partial<EditForm>) =>
  call<Candidate>('edit_candidate', {
    candidate,
    edit: { full_name: null, add_emails: [], remove_emails: [], phone: null, ...edit },
  });
