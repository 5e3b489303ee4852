// Generated from the Rust types by src-tauri/src/error/bindings.rs: do not edit by hand.
// Change the Rust types, then: VIVIER_WRITE_BINDINGS=1 cargo test -p vivier-app bindings

/**
 * What an access export wrote (identifiers and counts only).
 */
export type AccessArchive = { candidate_uuid: string, 
/**
 * The summary's language.
 */
language: LetterLang, 
/**
 * Rows given in data.json, all tables together.
 */
rows: number, documents: number, messages: number, 
/**
 * Entries of the zip archive.
 */
entries: number, 
/**
 * Size of the archive in bytes.
 */
bytes: number, };

export type AddedDocument = { document: DocumentInfo, 
/**
 * Why no text could be read, when none could (the document is stored all the same).
 */
no_text_reason: string | null, };

export type Application = { uuid: string, candidate_uuid: string, candidate_name: string, job_uuid: string, job_title: string, stage: Stage, closed_reason: string | null, created_at: string, updated_at: string, 
/**
 * A hire's contract end, from which the retention period of the country runs.
 */
contract_end: string | null, };

/**
 * A file the message carries.
 */
export type Attached = { filename: string, size: number, };

/**
 * One backup in the backup folder.
 */
export type BackupInfo = { file: string, path: string, reason: Reason, taken_at: string, size: number, 
/**
 * When it is destroyed (taken + the retention months).
 */
destroy_at: string, };

/**
 * The backups and where they go.
 */
export type BackupList = { folder: string, 
/**
 * How many months a backup is kept (12 at most).
 */
months: number, 
/**
 * Oldest first.
 */
backups: Array<BackupInfo>, };

/**
 * A job's board: its columns in the order of [`Stage::ALL`] (or the one column asked
 * for), each with its count and a window of its cards, so that a board of thousands of
 * applications is sent and drawn a page at a time.
 */
export type Board = { job: Job, columns: Array<BoardColumn>, };

/**
 * One card of a job's board.
 */
export type BoardCard = { application_uuid: string, candidate_uuid: string, candidate_name: string, stage: Stage, updated_at: string, };

/**
 * One column of a job's board: how many of the job's applications are at its stage, and
 * a window of their cards, most recently updated first (ties: latest application first).
 */
export type BoardColumn = { stage: Stage, 
/**
 * Every application of the job at this stage, shown or not.
 */
total: number, 
/**
 * The position of the first of `cards` in the column (0 for its top).
 */
offset: number, cards: Array<BoardCard>, };

export type Candidate = { uuid: string, full_name: string, emails: Array<string>, phone: string | null, source: Source, language: Language, created_at: string, last_contact_at: string, };

/**
 * A candidate as the add form sends it.
 */
export type CandidateForm = { full_name: string, emails: Array<string>, phone: string | null, source_kind: string, source_detail: string | null, language: Language, };

export type CandidatePage = { candidates: Array<Candidate>, total: number, };

/**
 * The categories the guard knows. The first eight are refused (special categories of
 * data the employer never collects); the others are warned (criteria of discrimination
 * that HR may need to write about, but should think twice).
 */
export type Category = "racial_ethnic_origin" | "political_opinions" | "religious_beliefs" | "trade_union" | "sex_life_orientation" | "health" | "genetic_biometric" | "pregnancy_family_plans" | "age" | "family_situation" | "physical_appearance" | "place_of_residence" | "native_language" | "gender" | "criminal_record";

/**
 * What SQLCipher and SQLite report about the open database, for `vivier doctor`.
 */
export type CipherReport = { cipher_version: string, cipher_provider: string, cipher_provider_version: string, page_size: number, 
/**
 * How each page is authenticated: `HMAC_SHA256` (`HMAC_SHA512` for an older store).
 */
page_hmac: string, cipher_memory_security: boolean, secure_delete: boolean, foreign_keys: boolean, journal_mode: string, synchronous: string, temp_store_compiled: string, schema_version: number, schema_supported: number, };

/**
 * What the clean-up after a purge did.
 */
export type Cleanup = { 
/**
 * The search index was merged, dropping the deleted rows' terms.
 */
index_optimised: boolean, 
/**
 * False when another connection kept a read open: the next run finishes it.
 */
wal_truncated: boolean, 
/**
 * Pages given back to the file system.
 */
pages_reclaimed: number, 
/**
 * The file was rebuilt once to allow reclaiming pages (databases created before it).
 */
vacuumed: boolean, 
/**
 * Time spent on each step, in milliseconds: index merge, pages, WAL.
 */
index_ms: number, reclaim_ms: number, wal_ms: number, };

/**
 * What a command returns when it fails.
 */
export type CommandError = { code: ErrorCode, message: string, 
/**
 * Facts the UI needs to offer a way out, for some codes only (e.g. the existing
 * candidate of a `duplicate_candidate`).
 */
details?: JsonValue, };

/**
 * The company's details, as settings (`letters.company`).
 */
export type Company = { name: string | null, 
/**
 * One or more lines.
 */
address: string | null, 
/**
 * SIRET, company number, …
 */
registration: string | null, signatory: string | null, signatory_title: string | null, 
/**
 * PNG or JPEG bytes, hex-encoded in the setting.
 */
logo: string | null, };

/**
 * What to compose: for whom, which template, and what HR fills in.
 */
export type ComposeRequest = { 
/**
 * The candidate (UUID, prefix or email address).
 */
candidate: string, kind: MailTemplateKind | null, 
/**
 * Default: the candidate's language.
 */
language: LetterLang | null, 
/**
 * Default: the candidate's latest application.
 */
application: string | null, 
/**
 * For a request acknowledgement; default: the candidate's latest pending request.
 */
request: string | null, 
/**
 * The fields HR fills in (interview date, time, place).
 */
fields: { [key in string]: string }, };

/**
 * What confirming a request did.
 */
export type Confirmed = { request: string, kind: RequestKind, 
/**
 * For an erasure or objection: what the retention engine did.
 */
outcome: RequestOutcome | null, 
/**
 * For a withdrawal: the applications closed.
 */
withdrawn: Array<string>, };

/**
 * The kinds of contract an offer may be for.
 */
export type Contract = "cdi" | "cdd" | "internship" | "freelance";

/**
 * A declared custom field.
 */
export type CustomField = { name: string, kind: FieldKind, collect_from: Stage, };

/**
 * A custom field's value on one application.
 */
export type CustomValue = { field: string, kind: FieldKind, collect_from: Stage, value: string, };

/**
 * What the profile and lists show of a document (its content is fetched on demand).
 */
export type DocumentInfo = { uuid: string, candidate_uuid: string, kind: string, file_name: string, media_type: string, size: number, sha256: string, text_status: string, added_at: string, 
/**
 * Why the document has no text, when it has none (None for documents stored before
 * the reason was kept).
 */
text_reason: NoTextReason | null, 
/**
 * For an offer letter: when a later letter for the same application replaced it.
 */
superseded_at: string | null, 
/**
 * For a current offer letter: it no longer prints the candidate's name as corrected
 * since (regenerate it).
 */
outdated: boolean, };

export type DocumentText = { document: DocumentInfo, text: string | null, 
/**
 * Whether `text` is the original (a reveal, audited) rather than the masked preview.
 */
revealed: boolean, flags: Array<FlaggedPassage>, };

/**
 * Changes from the profile's edit form; absent fields stay as they are.
 */
export type EditForm = { full_name: string | null, add_emails: Array<string>, remove_emails: Array<string>, 
/**
 * Present (possibly empty, which clears it) to change the phone.
 */
phone: string | null, source_kind: string | null, source_detail: string | null, language: Language | null, };

/**
 * A stable error code. Its string ([`Code::as_str`], also its serde form) never changes
 * once released: scripts and the UI depend on it.
 */
export type ErrorCode = "usage" | "unhealthy" | "extract_failed" | "timer_not_installed" | "audit_broken" | "no_data_dir" | "not_initialised" | "already_initialised" | "key_file_missing" | "database_missing" | "key_file_damaged" | "key_mismatch" | "keyring_unavailable" | "keyring_locked" | "keyring_entry_missing" | "keyring_entry_invalid" | "passphrase_required" | "wrong_passphrase" | "weak_passphrase" | "passphrase_mismatch" | "random_source" | "invalid_key" | "wrong_key" | "not_a_vivier_database" | "schema_too_new" | "damaged" | "data_dir_unwritable" | "disk_full" | "migration_failed" | "unsafe_build" | "io" | "database" | "not_found" | "ambiguous_id" | "duplicate_candidate" | "already_applied" | "invalid_input" | "invalid_transition" | "reason_required" | "job_closed" | "stage_gate" | "template_syntax" | "merge_fields" | "letter_failed" | "sensitive_data" | "reveal_required" | "hired_cannot_be_erased" | "purged" | "purge_withheld" | "ledger_damaged" | "ledger_missing" | "backup_older_than_ledger" | "backup_damaged" | "backup_missing" | "backup_failed" | "confirmation_required" | "unsupported_document" | "document_mismatch" | "document_too_large" | "empty_document" | "encrypted" | "corrupt" | "too_large" | "too_deep" | "mail_not_configured" | "mail_auth_failed" | "mail_certificate_refused" | "mail_unreachable" | "mail_timeout" | "mail_protocol" | "mail_rejected" | "message_rejected" | "not_in_triage" | "request_decided" | "store_closed" | "not_pdf" | "internal" | "no_recipient" | "extension_refused" | "identity_check_needed";

/**
 * A custom field as the declaration form sends it.
 */
export type FieldForm = { name: string, kind: FieldKind, collect_from: Stage, };

/**
 * What a custom field holds.
 */
export type FieldKind = "text" | "date" | "number" | "yes_no";

/**
 * One passage of the text that belongs to a category.
 */
export type Finding = { category: Category, level: Level, 
/**
 * Byte offsets into the original text (character boundaries).
 */
start: number, end: number, 
/**
 * The original text of the span.
 */
words: string, 
/**
 * Why the guard decided this level (see docs/guard.md).
 */
why: Why, 
/**
 * The words that decided, as written: the term with its cue ("has MS", "il est
 * syndiqué"), or the term alone when it decided by itself.
 */
phrase: string, };

/**
 * A flagged passage of a document's extracted text: its category and byte span (the span
 * locates the passage in the revealed text; the masked text shows a mask there instead).
 */
export type FlaggedPassage = { category: string, start: number, end: number, };

/**
 * A warned criterion found in text HR wrote: its category, the words, and why it was
 * warned (the UI builds its one-line explanation from `why` and `phrase`).
 */
export type GuardWarning = { category: string, label_en: string, label_fr: string, words: string, why: Why, 
/**
 * The words that decided, with their cue ("il a 45 ans").
 */
phrase: string, };

/**
 * The hiring details of one application. Every field is optional: HR fills them in as
 * the contract is prepared. `Debug` names the fields that are set, never their values.
 */
export type HiringDetails = { address: string | null, birth_date: string | null, birth_place: string | null, 
/**
 * ISO 3166 alpha-2 code, upper case.
 */
nationality: string | null, 
/**
 * French social-security number: 15 characters, no spaces (2A/2B kept as letters).
 */
nir: string | null, 
/**
 * Upper case, no spaces.
 */
iban: string | null, emergency_name: string | null, 
/**
 * Normalised as `+CC…`.
 */
emergency_phone: string | null, };

/**
 * An application's hiring details, as the profile and the hiring form show them.
 */
export type HiringRecord = { application_uuid: string, candidate_uuid: string, stage: Stage, 
/**
 * Whether hiring details may be entered at this stage (the form appears only then).
 */
collectable: boolean, details: HiringDetails, 
/**
 * When the details were last changed; `None` when there are none.
 */
updated_at: string | null, };

/**
 * One legal hold, in force or released.
 */
export type HoldInfo = { uuid: string, candidate_uuid: string, full_name: string, reason: string, placed_by: string, placed_at: string, until: string | null, released_by: string | null, released_at: string | null, in_force: boolean, };

/**
 * The IMAP mailbox the app checks.
 */
export type ImapForm = { server: ServerForm, 
/**
 * The folder read, e.g. `INBOX`.
 */
mailbox: string, 
/**
 * A folder taken-in messages are moved to; none: they are flagged and left in place.
 */
move_to: string | null, 
/**
 * How often the app checks, in minutes.
 */
every_minutes: number, };

/**
 * What a successful IMAP test saw.
 */
export type ImapTested = { mailbox: string, messages: number, };

/**
 * One message of a file, as taken in.
 */
export type Imported = { 
/**
 * The file's name (its last component).
 */
file: string, 
/**
 * The message's place in its file, from 1.
 */
index: number, } & (Intake | { 
/**
 * Always "rejected".
 */
outcome: string, code: ErrorCode, rejected: Rejected, message: string, } | { 
/**
 * Always "failed".
 */
outcome: string, code: ErrorCode, message: string, });

/**
 * What intake did with a message.
 */
export type Intake = { "outcome": "matched", message: string, candidate: string, matched: Matched, intent: Intent, 
/**
 * The request opened for the detected right.
 */
request: string | null, 
/**
 * The application created (an application email naming an open job).
 */
application: string | null, 
/**
 * Attachments stored as documents.
 */
documents: Array<string>, 
/**
 * Attachments kept in the raw message only, with why (not a document type, too large...).
 */
skipped: Array<string>, 
/**
 * Attachments stored as documents whose text could not be read (damaged, over the
 * extraction's limits of time or memory...), with why: stored, marked without text.
 */
no_text: Array<string>, } | { "outcome": "triaged", message: string, reason: TriageReason, intent: Intent, } | { "outcome": "duplicate", message: string, };

/**
 * What a reply asks for.
 */
export type Intent = "access" | "correction" | "erasure" | "objection" | "renewal" | "withdrawal" | "none";

export type Job = { uuid: string, title: string, department: string | null, location: string | null, country: string, status: JobStatus, description: string, opened_at: string, closed_at: string | null, 
/**
 * Applications still open (not hired, rejected or withdrawn).
 */
open_applications: number, };

/**
 * Whether a job takes applications.
 */
export type JobStatus = "open" | "on_hold" | "closed";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * How the open store's key is kept.
 */
export type KeySource = "keyring" | "passphrase";

/**
 * Language for correspondence with a candidate.
 */
export type Language = "fr" | "en";

/**
 * The language of a letter.
 */
export type LetterLang = "fr" | "en";

/**
 * A generated letter: the document stored, and the earlier letters it superseded.
 */
export type LetterRecord = { document: DocumentInfo, pages: number, superseded: Array<string>, };

/**
 * Whether a category stops an operation or only warns.
 */
export type Level = "refused" | "warned";

/**
 * What a triage decision did.
 */
export type Linked = { message: string, candidate: string, intent: Intent, request: string | null, };

/**
 * Where the app's mail check stands.
 */
export type MailCheck = { 
/**
 * An IMAP mailbox is configured.
 */
configured: boolean, 
/**
 * How often the app checks, in minutes (when configured).
 */
every_minutes: number | null, 
/**
 * When the last check ended, successful or not.
 */
last_check: string | null, 
/**
 * The last check's failure, if it failed.
 */
last_error: CommandError | null, 
/**
 * What the last successful check took in.
 */
taken: Taken, 
/**
 * Messages of the outbox the last check sent.
 */
sent: number, };

/**
 * A message as it would be sent.
 */
export type MailPreview = { candidate_uuid: string, kind: MailTemplateKind, language: LetterLang, 
/**
 * None: the candidate has no email address (queueing is refused).
 */
to: string | null, subject: string, body: string, attachments: Array<Attached>, 
/**
 * The Message-ID this one answers (a request acknowledgement answers the reply).
 */
in_reply_to: string | null, };

/**
 * The saved mail settings, without the passwords: only whether one is kept.
 */
export type MailSettings = { imap: ImapForm | null, smtp: SmtpForm | null, imap_password_saved: boolean, smtp_password_saved: boolean, };

/**
 * A mail template as HR sees it.
 */
export type MailTemplateInfo = { kind: MailTemplateKind, language: LetterLang, 
/**
 * Stored in the database (HR edited the shipped text).
 */
edited: boolean, body: string, 
/**
 * The fields HR fills in when composing this kind (the others come from the file).
 */
extra_fields: Array<string>, };

/**
 * The kinds of message HR sends from a template.
 */
export type MailTemplateKind = "acknowledgement" | "interview" | "rejection" | "offer" | "request_ack" | "renewal";

/**
 * How a message was tied to its candidate.
 */
export type Matched = "thread" | "sender" | "agency" | "application" | "hr";

/**
 * A position to fill, as HR opens it.
 */
export type NewJob = { title: string, department: string | null, location: string | null, 
/**
 * ISO 3166 alpha-2 country of hire (decides the retention period once hired).
 */
country: string, description: string, };

/**
 * A request entered by hand.
 */
export type NewRightsRequest = { 
/**
 * The candidate: UUID, prefix or email address.
 */
candidate: string, kind: RequestKind, channel: RequestChannel, 
/**
 * When it was received; today when not given. Never in the future.
 */
received?: string, 
/**
 * What HR notes (how it came, what was asked).
 */
note?: string, };

/**
 * Why a document has no text, as a stable code: the profile shows it ("encrypted: no
 * text", "no text: could not be checked") and the UI branches on it, never on the reason's
 * words. Stored with the document (`documents.text_reason`, migration 0008).
 */
export type NoTextReason = "no_text" | "encrypted" | "unreadable";

export type Note = { uuid: string, candidate_uuid: string, application_uuid: string | null, kind: string, author: string, body: string, ratings: Array<Rating>, created_at: string, 
/**
 * Warned criteria found in the text (stored, shown, recorded).
 */
warnings: Array<GuardWarning>, };

/**
 * A note or interview feedback as the profile's form sends it.
 */
export type NoteForm = { body: string, feedback: boolean, application: string | null, ratings: Array<RatingForm>, };

/**
 * Checked offer details. The salary is in minor units (cents).
 */
export type Offer = { position: string, contract: Contract, end_date: string | null, cdd_reason: string | null, start_date: string, salary_cents: number, currency: string, working_time: string | null, trial_period: string | null, place: string | null, manager: string | null, answer_by: string | null, clauses: Array<string>, };

/**
 * Offer details as typed: every field optional (a partial update keeps the others).
 */
export type OfferInput = { position: string | null, contract: string | null, end_date: string | null, cdd_reason: string | null, start_date: string | null, salary: string | null, currency: string | null, working_time: string | null, trial_period: string | null, place: string | null, manager: string | null, answer_by: string | null, 
/**
 * Replaces the extra clauses when given (an empty list clears them).
 */
clauses: Array<string> | null, };

/**
 * An application's offer details, as the form and `vivier offer show` give them.
 */
export type OfferRecord = { application_uuid: string, candidate_uuid: string, stage: Stage, 
/**
 * Whether offer details may be entered at this stage.
 */
collectable: boolean, offer: Offer | null, updated_at: string | null, };

/**
 * Everything the candidate profile shows.
 */
export type Profile = { candidate: Candidate, applications: Array<Application>, documents: Array<DocumentInfo>, notes: Array<Note>, timeline: Array<TimelineEntry>, };

/**
 * How many rows of each kind went with a person.
 */
export type PurgeCounts = { emails: number, applications: number, stage_events: number, hiring_details: number, custom_values: number, offers: number, documents: number, letters: number, notes: number, ratings: number, messages: number, requests: number, flags: number, index_entries: number, holds: number, };

/**
 * A line of the purge log: nothing but the UUID, the date, the rule and the counts.
 */
export type PurgeLogEntry = { candidate_uuid: string, purged_at: string, rule: Rule, counts: Partial<PurgeCounts>, };

/**
 * The outcome of one purge run.
 */
export type PurgeReport = { as_of: string, dry_run: boolean, purged: Array<Purged>, 
/**
 * Due but suspended by a legal hold.
 */
held: Array<string>, 
/**
 * Kept because a stored date of theirs does not read (`doctor` lists the columns).
 */
unreadable: Array<string>, cleanup: Cleanup | null, 
/**
 * The notice of a withheld unattended purge that this purge answered.
 */
confirmed: Withheld | null, };

/**
 * One person purged (or, in a dry run, who would be).
 */
export type Purged = { candidate_uuid: string, rule: Rule, due: string, counts: PurgeCounts, };

/**
 * A composed message in the outbox.
 */
export type Queued = { outbox_uuid: string, message_id: string, preview: MailPreview, };

export type Rating = { criterion: string, score: number, };

export type RatingForm = { criterion: string, score: number, };

/**
 * Why a backup was taken.
 */
export type Reason = "daily" | "manual" | "before_migration" | "before_restore";

/**
 * Why a message was not parsed. Nothing of it is stored.
 */
export type Rejected = { "reason": "too_large", size: number, limit: number, } | { "reason": "header_line_too_long", limit: number, } | { "reason": "too_deep", limit: number, } | { "reason": "too_many_parts", limit: number, } | { "reason": "too_many_attachments", count: number, limit: number, } | { "reason": "attachment_too_large", size: number, limit: number, } | { "reason": "not_a_message" };

/**
 * What a renewal run queued and left out.
 */
export type RenewalReport = { queued: Array<Queued>, skipped: Array<RenewalSkip>, };

/**
 * A candidate left out of a renewal run, and why.
 */
export type RenewalSkip = { candidate_uuid: string, full_name: string, reason: SkipReason, };

/**
 * How a request came in.
 */
export type RequestChannel = "email" | "letter" | "phone" | "in-person" | "form";

/**
 * The register at a glance: what is overdue, what is due this week, what was answered
 * lately.
 */
export type RequestDashboard = { today: string, 
/**
 * Pending and past their due date, the oldest due first.
 */
overdue: Array<RightsRequest>, 
/**
 * Pending and due within the week (today and the next six days).
 */
due_this_week: Array<RightsRequest>, 
/**
 * Pending and due later.
 */
later: Array<RightsRequest>, 
/**
 * Done or refused in the last 30 days, the latest first.
 */
done: Array<RightsRequest>, };

/**
 * A request with its history.
 */
export type RequestDetail = { request: RightsRequest, history: Array<RequestEvent>, };

/**
 * One entry of a request's history (from the audit log).
 */
export type RequestEvent = { at: string, actor: string, 
/**
 * request_open, request_identity, request_extend, request_done, request_refused,
 * request_reopen (an act that failed after the request was marked done);
 * request_confirmed and request_dismissed before the register.
 */
action: string, };

/**
 * Which requests a list shows.
 */
export type RequestFilter = { 
/**
 * Only this status.
 */
status?: RequestStatus, 
/**
 * Only the pending ones (open, identity check, awaiting confirmation).
 */
pending: boolean, 
/**
 * Only those due before this day.
 */
due_before?: string, 
/**
 * Only the pending ones whose due date has passed (against `today`).
 */
overdue: boolean, 
/**
 * Only this candidate's (UUID, prefix or email address).
 */
candidate?: string, };

/**
 * The identity check of a request's sender.
 */
export type RequestIdentity = "not_needed" | "needed" | "checked";

/**
 * The right a request exercises.
 */
export type RequestKind = "access" | "correction" | "erasure" | "objection" | "restriction" | "withdrawal" | "renewal";

/**
 * What happened to an objection or an erasure confirmation.
 */
export type RequestOutcome = { candidate_uuid: string, 
/**
 * Set when the candidate was purged at once.
 */
purged: Purged | null, 
/**
 * The status after the request, when the candidate is still there.
 */
status: RetentionStatus | null, };

/**
 * Where a request is in the register (see the module).
 */
export type RequestStatus = "open" | "identity_check" | "awaiting_confirmation" | "done" | "refused";

/**
 * What a restore would do, read before doing it (the app shows it before confirming).
 */
export type RestorePlan = { backup: string, taken_at: string | null, 
/**
 * When the ledger's record begins (None: no sound ledger found).
 */
ledger_since: string | null, ledger_entries: number, 
/**
 * People in the backup whom the ledger says were erased: purged again by the restore.
 */
purge_again: number, 
/**
 * Ledger files read (beside the database, beside the backups).
 */
ledgers: string[], 
/**
 * Why the restore is refused unless the risk is accepted (its error code), if it is.
 */
risk: ErrorCode | null, };

/**
 * What a restore did.
 */
export type RestoreReport = { backup: string, taken_at: string | null, 
/**
 * People erased after the backup was taken, purged again before any use.
 */
purged_again: number, ledger_entries: number, 
/**
 * The restore went ahead although the ledger was missing, damaged or too young.
 */
accepted_risk: boolean, 
/**
 * The backup of the database the restore replaced (none when it was gone or did not
 * open).
 */
replaced_backup: string | null, };

/**
 * The policy's settings as stored.
 */
export type RetentionSettings = { pool_months: number, max_pool_months: number, default_hired_years: number, 
/**
 * Years kept after a contract ends, per country of hire.
 */
countries: Array<[string, number]>, };

/**
 * Where a candidate stands: the date their data must go and why.
 */
export type RetentionStatus = { candidate_uuid: string, full_name: string, last_contact_at: string, 
/**
 * None while a contract runs.
 */
due: string | null, rule: Rule, 
/**
 * A legal hold in force suspends the purge.
 */
held: boolean, objected_at: string | null, erasure_confirmed_at: string | null, restricted_at: string | null, holds: Array<HoldInfo>, };

/**
 * A request as HR sees it.
 */
export type RightsRequest = { uuid: string, kind: RequestKind, channel: RequestChannel, candidate: string, candidate_name: string, received_at: string, 
/**
 * The due date in force (extended or not).
 */
due_on: string, 
/**
 * The legal due date before any extension: one calendar month after receipt.
 */
first_due_on: string, extended_months: number, extension_reason: string | null, identity: RequestIdentity, 
/**
 * How HR checked the identity.
 */
identity_note: string | null, status: RequestStatus, refusal_reason: string | null, 
/**
 * What HR noted when entering it.
 */
note: string | null, 
/**
 * The new values a correction gave.
 */
detail: string | null, 
/**
 * The message it came from.
 */
message: string | null, decided_at: string | null, decided_by: string | null, };

/**
 * The rule that sets a candidate's due date.
 */
export type Rule = "pool" | "objection" | "erasure" | "hired_retention" | "contract_running" | "application_open";

/**
 * One result: a candidate and the best matching passage.
 */
export type SearchHit = { candidate_uuid: string, full_name: string, 
/**
 * Where the match is: profile, note or document.
 */
field: string, 
/**
 * The matching passage, the matched words between `[` and `]`.
 */
snippet: string, rank: number, };

/**
 * A server's address and login, as the settings screen edits it.
 */
export type ServerForm = { host: string, port: number, 
/**
 * `tls`, `starttls`, or `plain` (to this computer only).
 */
security: string, user: string, 
/**
 * A PEM file of certificate authorities to trust beside the built-in ones.
 */
ca_file: string | null, };

/**
 * Why a candidate of the Retention list was not sent a renewal request.
 */
export type SkipReason = "no_email" | "objected" | "erasure" | "hired" | "held" | "already_asked" | "not_due";

/**
 * The SMTP server and the sender.
 */
export type SmtpForm = { server: ServerForm, 
/**
 * The From address, e.g. `Jobs <jobs@example.org>`.
 */
from: string, };

/**
 * Where a candidate came from.
 */
export type Source = { "kind": "direct" } | { "kind": "agency", "detail": string } | { "kind": "referral", "detail": string } | { "kind": "email" } | { "kind": "job_board", "detail": string | null };

export type Stage = "new" | "screening" | "interview" | "offer" | "hired" | "rejected" | "withdrawn";

/**
 * A person kept only because an application is open, with no stage move since.
 */
export type StaleOpen = { candidate_uuid: string, full_name: string, open_since: string, };

/**
 * What a data directory holds, read without any secret.
 */
export type Status = "uninitialised" | "keyring" | "passphrase";

export type StoreInfo = { data_dir: string, database: string, key_source: KeySource, cipher: CipherReport, };

export type StoreStatus = { status: Status, data_dir: string, open: boolean, };

/**
 * How many fetched messages ended each way.
 */
export type Taken = { matched: number, triaged: number, duplicate: number, rejected: number, };

/**
 * A template, shipped or stored.
 */
export type TemplateInfo = { name: string, language: LetterLang, 
/**
 * One of the templates that come with Vivier.
 */
shipped: boolean, 
/**
 * Stored in the database (added, or a shipped one edited).
 */
edited: boolean, body: string, };

/**
 * A run of a message's text: plain, or a link the app may open outside itself.
 */
export type TextSegment = { 
/**
 * The text as written.
 */
text: string, 
/**
 * The address to open (its scheme in lower case), for a live link only.
 */
href: string | null, };

/**
 * One entry of a candidate's timeline.
 */
export type TimelineEntry = { at: string, 
/**
 * stage_change, note, feedback, document, message, request, created
 */
kind: string, summary: string, actor: string | null, reference: string | null, };

/**
 * A message waiting in triage, as HR sees it.
 */
export type TriageItem = { message: string, from: string | null, subject: string | null, received_at: string, reason: string | null, intent: string | null, };

/**
 * Why a message waits in triage.
 */
export type TriageReason = "no_sender" | "unknown_sender" | "agency_without_candidate";

/**
 * A candidate whose data goes soon, so that HR can ask for a consent renewal.
 */
export type Upcoming = { candidate_uuid: string, full_name: string, emails: Array<string>, language: string, last_contact_at: string, due: string, rule: Rule, held: boolean, };

/**
 * Why a finding has its level: the decision rule's reason, from which each door builds
 * its one-line explanation (in the UI's language: never parse [`Finding::explain_en`]).
 */
export type Why = "describes_candidate" | "shorthand" | "not_said_of_candidate" | "ambiguous" | "criterion";

/**
 * An unattended purge that did nothing and waits for HR's confirmation.
 */
export type Withheld = { reason: WithheldReason, 
/**
 * The date the machine believed.
 */
clock: string, 
/**
 * The newest time the store had seen (audit entries, the last purge).
 */
newest_seen: string | null, 
/**
 * How many people it would have removed.
 */
due: number, 
/**
 * How many candidates the store held.
 */
candidates: number, };

/**
 * Why an unattended purge waited.
 */
export type WithheldReason = "clock_behind" | "too_many";

/** Every error code the engine and the app send (`vivier::error::Code::ALL`). */
export const ERROR_CODES: ErrorCode[] = [
  'usage',
  'unhealthy',
  'extract_failed',
  'timer_not_installed',
  'audit_broken',
  'no_data_dir',
  'not_initialised',
  'already_initialised',
  'key_file_missing',
  'database_missing',
  'key_file_damaged',
  'key_mismatch',
  'keyring_unavailable',
  'keyring_locked',
  'keyring_entry_missing',
  'keyring_entry_invalid',
  'passphrase_required',
  'wrong_passphrase',
  'weak_passphrase',
  'passphrase_mismatch',
  'random_source',
  'invalid_key',
  'wrong_key',
  'not_a_vivier_database',
  'schema_too_new',
  'damaged',
  'data_dir_unwritable',
  'disk_full',
  'migration_failed',
  'unsafe_build',
  'io',
  'database',
  'not_found',
  'ambiguous_id',
  'duplicate_candidate',
  'already_applied',
  'invalid_input',
  'invalid_transition',
  'reason_required',
  'job_closed',
  'stage_gate',
  'template_syntax',
  'merge_fields',
  'letter_failed',
  'sensitive_data',
  'reveal_required',
  'hired_cannot_be_erased',
  'purged',
  'purge_withheld',
  'ledger_damaged',
  'ledger_missing',
  'backup_older_than_ledger',
  'backup_damaged',
  'backup_missing',
  'backup_failed',
  'confirmation_required',
  'unsupported_document',
  'document_mismatch',
  'document_too_large',
  'empty_document',
  'encrypted',
  'corrupt',
  'too_large',
  'too_deep',
  'mail_not_configured',
  'mail_auth_failed',
  'mail_certificate_refused',
  'mail_unreachable',
  'mail_timeout',
  'mail_protocol',
  'mail_rejected',
  'message_rejected',
  'not_in_triage',
  'request_decided',
  'store_closed',
  'not_pdf',
  'internal',
  'no_recipient',
  'extension_refused',
  'identity_check_needed',
];

/** The stages in board order (`vivier::pipeline::Stage::ALL`). */
export const STAGES: Stage[] = [
  'new',
  'screening',
  'interview',
  'offer',
  'hired',
  'rejected',
  'withdrawn',
];

/** Position on the way to a hire (`Stage::progress`); closed stages have none. */
export const STAGE_PROGRESS: Partial<Record<Stage, number>> = {
  new: 0,
  screening: 1,
  interview: 2,
  offer: 3,
  hired: 4,
};

/** Hiring details may be collected from this stage on (`vivier::hiring::HIRING_FROM`). */
export const HIRING_FROM: Stage = 'offer';
