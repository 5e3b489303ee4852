//! The write of one parsed message: imported once (Message-ID, else content hash), tied to
//! a candidate in a fixed order — the thread it answers, the sender's address, an agency's
//! domain, an application (a CV or letter attached, or a job named in the subject) — or
//! left in triage with the reason; stored raw in the encrypted store, its text flagged by
//! the guard (never refused), the candidate's last contact moved, and the right the reply
//! asks for opened as a request. Also HR's triage: link, create, dismiss.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::error::MailError;
use super::intent::{Detected, Intent, classify};
use super::parse::{Limits, Parsed};
use super::reply::{fold, reply_text};
use crate::audit::append;
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_ts, ts};
use crate::documents::stored::{CheckedUpload, DocumentText, check_upload, insert_document};
use crate::documents::{DocumentFormat, Extraction, Extractor, NoTextReason, Upload};
use crate::guard::flags;
use crate::guard::policy::{CandidateText, Flagged};
use crate::pipeline::applications::insert_application;
use crate::pipeline::candidates::{insert_candidate, record_contact, resolve_candidate};
use crate::pipeline::index::index_text;
use crate::pipeline::{Language, NewCandidate, PipelineError, Source as CandidateSource, Stamp, contact};
use crate::requests::register::open_request;

type Result<T> = std::result::Result<T, MailError>;

/// The setting listing the domains agencies write from (comma separated).
pub const AGENCY_DOMAINS_SETTING: &str = "mail.agency_domains";

/// The setting holding more openings of HR's privacy footer (one per line), cut from replies.
pub const FOOTER_SETTING: &str = "mail.footer_markers";

/// Where a message came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file imported by HR (.eml, .mbox; the CLI or a drop in the app).
    File,
    /// An IMAP mailbox, by the transport.
    Imap { account: String, mailbox: String, uid: u32, uid_validity: u32 },
}

impl Source {
    /// As stored with the message.
    pub fn tag(&self) -> String {
        match self {
            Source::File => "file".into(),
            Source::Imap { account, mailbox, uid, uid_validity } => {
                format!("imap:{account}/{mailbox}/{uid_validity}/{uid}")
            }
        }
    }
}

/// How a message was tied to its candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    /// It answers a message stored with the candidate (In-Reply-To/References).
    Thread,
    /// Its sender's address is one of the candidate's.
    Sender,
    /// An agency (a configured domain) sent it: a candidate created with the agency as source.
    Agency,
    /// An application (CV or letter attached, or a job named in the subject): candidate created.
    Application,
    /// HR linked it from triage.
    Hr,
}

impl Matched {
    pub fn as_str(self) -> &'static str {
        match self {
            Matched::Thread => "thread",
            Matched::Sender => "sender",
            Matched::Agency => "agency",
            Matched::Application => "application",
            Matched::Hr => "hr",
        }
    }
}

/// Why a message waits in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TriageReason {
    /// No usable From address.
    NoSender,
    /// The sender is no candidate and the message is no application.
    UnknownSender,
    /// An agency wrote, but the message names no candidate (no name, no document).
    AgencyWithoutCandidate,
}

impl TriageReason {
    pub fn as_str(self) -> &'static str {
        match self {
            TriageReason::NoSender => "no_sender",
            TriageReason::UnknownSender => "unknown_sender",
            TriageReason::AgencyWithoutCandidate => "agency_without_candidate",
        }
    }
}

/// What intake did with a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Intake {
    Matched {
        message: String,
        candidate: String,
        matched: Matched,
        intent: Intent,
        /// The request opened for the detected right.
        request: Option<String>,
        /// The application created (an application email naming an open job).
        application: Option<String>,
        /// Attachments stored as documents.
        documents: Vec<String>,
        /// Attachments kept in the raw message only, with why (not a document type, too large...).
        skipped: Vec<String>,
        /// Attachments stored as documents whose text could not be read (damaged, over the
        /// extraction's limits of time or memory...), with why: stored, marked without text.
        no_text: Vec<String>,
    },
    Triaged {
        message: String,
        reason: TriageReason,
        intent: Intent,
    },
    /// Imported before (by any source); nothing written.
    Duplicate {
        message: String,
    },
}

impl Store {
    /// The parsing limits: settings `mail.limits.*`, else the defaults.
    pub fn mail_limits(&self) -> Result<Limits> {
        let mut values: [Option<String>; 6] = Default::default();
        for (value, key) in values.iter_mut().zip(Limits::SETTINGS) {
            *value = self.setting(key)?;
        }
        Ok(Limits::from_settings(&values))
    }

    /// The message already imported under this identity, if any.
    pub fn imported_message(&self, parsed: &Parsed) -> Result<Option<String>> {
        imported_in(&self.conn, parsed)
    }

    /// Imports one parsed message (see the module). `stamp.at` is when it was received.
    /// One message is a batch of one ([`Store::intake_batch`]); its failure is returned.
    pub fn intake(&mut self, stamp: &Stamp, parsed: &Parsed, source: &Source, extractor: &Extractor) -> Result<Intake> {
        let incoming = [Incoming { stamp: stamp.clone(), parsed, source: source.clone() }];
        let mut batch = self.intake_batch(&incoming, extractor)?;
        batch.outcomes.pop().unwrap_or_else(|| Err(MailError::Io { file: String::new(), detail: "no outcome".into() }))
    }

    /// Imports a batch of parsed messages in one write transaction (one disk sync for the
    /// lot), each message in its own savepoint: a message that fails is rolled back alone
    /// and reported in its place (`Err`), the others are committed. Each message is imported
    /// once, within the batch too (the second of two with the same Message-ID answers
    /// [`Intake::Duplicate`]). What can be done outside the transaction is done before it:
    /// the reply's words read and classified, the guard run, the documents checked and their
    /// text extracted by one sandboxed child for the whole batch (each document within its
    /// own limits, [`Extractor::extract_many`]). The `Err` of the call itself is a failure of
    /// the store (the transaction could not begin or commit): nothing of the batch is kept.
    pub fn intake_batch(&mut self, items: &[Incoming<'_>], extractor: &Extractor) -> Result<Batch> {
        self.intake_batch_then(items, extractor, Extracted::new(), false, |_, _| Ok(()))
    }

    /// The documents of `items` whose text an intake of them would extract (attachments of
    /// a document type that pass the checks, of messages not imported before), each with
    /// its key (the message's place in `items`, the attachment's in the message) and its
    /// bytes: extracted ahead ([`Extractor::extract_many`]) while the store writes the
    /// previous batch, then handed to [`Store::intake_batch_extracted`].
    pub fn documents_to_extract(&self, items: &[&Parsed]) -> Result<Vec<ToExtract>> {
        let size_limit = self.document_size_limit()?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (i, parsed) in items.iter().enumerate() {
            if !seen.insert(parsed.identity()) || self.imported_message(parsed)?.is_some() {
                continue;
            }
            for (a, attachment) in parsed.attachments.iter().enumerate() {
                if !is_document(&attachment.file_name) {
                    continue;
                }
                let upload = Upload {
                    kind: document_kind(&attachment.file_name),
                    file_name: &attachment.file_name,
                    bytes: &attachment.bytes,
                };
                if let Ok(checked) = check_upload(upload, size_limit) {
                    out.push(((i, a), checked.format, attachment.bytes.clone()));
                }
            }
        }
        Ok(out)
    }

    /// [`Store::intake_batch`] with texts extracted ahead, by the keys of
    /// [`Store::documents_to_extract`]; a document missing from them is extracted here.
    pub fn intake_batch_extracted(
        &mut self,
        items: &[Incoming<'_>],
        extractor: &Extractor,
        extracted: Extracted,
    ) -> Result<Batch> {
        self.intake_batch_then(items, extractor, extracted, false, |_, _| Ok(()))
    }

    /// [`Store::intake_batch`], stopping at the first message that fails when
    /// `stop_at_failure` (those after it are not taken in), then `finish(tx, taken)` in the
    /// same transaction, `taken` being how many messages were taken in before any failure
    /// (the IMAP fetch saves the mailbox's state there).
    pub(crate) fn intake_batch_then(
        &mut self,
        items: &[Incoming<'_>],
        extractor: &Extractor,
        mut extracted: Extracted,
        stop_at_failure: bool,
        finish: impl FnOnce(&rusqlite::Connection, usize) -> Result<()>,
    ) -> Result<Batch> {
        let mut phases = Phases::default();
        let started = Instant::now();
        let footers = self.footer_markers()?;
        let footers: Vec<&str> = footers.iter().map(String::as_str).collect();
        let agencies = self.agency_domains()?;
        let size_limit = self.document_size_limit()?;
        // Imported before (by the store, or earlier in this batch): no work spent on it.
        let mut seen = std::collections::HashSet::new();
        let mut known = Vec::with_capacity(items.len());
        for item in items {
            let fresh = seen.insert(item.parsed.identity()) && self.imported_message(item.parsed)?.is_none();
            known.push(!fresh);
        }
        phases.read += started.elapsed();

        let mut prepared: Vec<Prepared<'_>> = Vec::with_capacity(items.len());
        // Documents to extract now (not extracted ahead), by key.
        let mut documents: Vec<((usize, usize), DocumentFormat, &[u8])> = Vec::new();
        for (i, (item, known)) in items.iter().zip(&known).enumerate() {
            let t = Instant::now();
            let parsed = item.parsed;
            let reply = reply_text(&parsed.body, &footers);
            let detected = classify(&reply, &parsed.body);
            let language = language_of(&reply);
            phases.reply += t.elapsed();
            let t = Instant::now();
            let flagged = (!known).then(|| CandidateText(&parsed.body).flag());
            phases.guard += t.elapsed();
            let mut attachments = Vec::new();
            for (a, attachment) in parsed.attachments.iter().enumerate().filter(|_| !known) {
                if !is_document(&attachment.file_name) {
                    attachments
                        .push(Attached::Skipped(format!("{}: not a PDF, DOCX or ODT document", attachment.file_name)));
                    continue;
                }
                let upload = Upload {
                    kind: document_kind(&attachment.file_name),
                    file_name: &attachment.file_name,
                    bytes: &attachment.bytes,
                };
                match check_upload(upload, size_limit) {
                    Ok(checked) => {
                        if !extracted.contains_key(&(i, a)) {
                            documents.push(((i, a), checked.format, checked.bytes));
                        }
                        attachments.push(Attached::Document { key: (i, a), checked, text: None });
                    }
                    Err(PipelineError::Document(e)) => {
                        attachments.push(Attached::Skipped(format!("{}: {e}", attachment.file_name)))
                    }
                    Err(PipelineError::Invalid { reason, .. }) => {
                        attachments.push(Attached::Skipped(format!("{}: {reason}", attachment.file_name)))
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            prepared.push(Prepared { item, detected, language, flagged, attachments });
        }
        let t = Instant::now();
        let wanted: Vec<(DocumentFormat, &[u8])> = documents.iter().map(|(_, f, b)| (*f, *b)).collect();
        let texts = extractor.extract_many(&wanted);
        extracted.extend(documents.iter().map(|(key, _, _)| *key).zip(texts));
        phases.extract += t.elapsed();
        phases.documents += documents.len();
        let t = Instant::now();
        for message in &mut prepared {
            for attached in &mut message.attachments {
                if let Attached::Document { key, text, .. } = attached
                    && let Some((extraction, reason)) = extracted.remove(key)
                {
                    *text = Some(DocumentText::of(&extraction, reason));
                }
            }
        }
        phases.guard += t.elapsed();

        let t = Instant::now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let context = Context { agencies: &agencies };
        let mut outcomes = Vec::with_capacity(prepared.len());
        let mut taken = 0;
        for message in &prepared {
            tx.execute_batch("SAVEPOINT intake_message")?;
            match intake_one(&tx, &context, message) {
                Ok(intake) => {
                    tx.execute_batch("RELEASE intake_message")?;
                    outcomes.push(Ok(intake));
                    taken += 1;
                }
                Err(e) if fatal(&e) => return Err(e),
                Err(e) => {
                    tx.execute_batch("ROLLBACK TO intake_message; RELEASE intake_message")?;
                    outcomes.push(Err(e));
                    if stop_at_failure {
                        break;
                    }
                }
            }
        }
        finish(&tx, taken)?;
        phases.write += t.elapsed();
        let t = Instant::now();
        tx.commit()?;
        phases.commit += t.elapsed();
        phases.messages += items.len();
        Ok(Batch { outcomes, phases })
    }

    fn agency_domains(&self) -> Result<Vec<String>> {
        Ok(self
            .setting(AGENCY_DOMAINS_SETTING)?
            .unwrap_or_default()
            .split([',', ' ', '\n'])
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect())
    }

    fn footer_markers(&self) -> Result<Vec<String>> {
        Ok(self
            .setting(FOOTER_SETTING)?
            .unwrap_or_default()
            .lines()
            .map(fold)
            .filter(|l| !l.trim().is_empty())
            .collect())
    }
}

/// A message for [`Store::intake_batch`]: its received time (and actor), the message,
/// where it came from.
pub struct Incoming<'a> {
    pub stamp: Stamp,
    pub parsed: &'a Parsed,
    pub source: Source,
}

/// A document to extract ahead: its (message, attachment) place, its format, its bytes.
pub type ToExtract = ((usize, usize), DocumentFormat, Vec<u8>);

/// Documents' texts extracted ahead of their batch, by (message, attachment) place.
pub type Extracted = std::collections::HashMap<(usize, usize), (Extraction, Option<NoTextReason>)>;

/// What [`Store::intake_batch`] did: each message's outcome in order (a failed message
/// with its error, nothing of it kept), and where the time went.
#[derive(Debug)]
pub struct Batch {
    pub outcomes: Vec<Result<Intake>>,
    pub phases: Phases,
}

/// Where the time of an intake went, by phase (the benchmark prints them). Durations add
/// up over batches ([`Phases::add`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Phases {
    /// Messages handed in, and documents extracted.
    pub messages: usize,
    pub documents: usize,
    /// Parsing (mail-parser and the limits), when the caller parses.
    pub parse: Duration,
    /// Reading settings and the dedup lookups before the transaction.
    pub read: Duration,
    /// The reply's own words cut from its quoted history, and classified.
    pub reply: Duration,
    /// The guard over the messages' bodies and the documents' text.
    pub guard: Duration,
    /// The documents' text extraction (the sandboxed child), as waited for by the intake.
    pub extract: Duration,
    /// The extraction done ahead, while the previous batch was written (not waited for).
    pub extract_ahead: Duration,
    /// The transaction's statements: matching, candidates, documents, messages, flags,
    /// search index, requests, audit.
    pub write: Duration,
    /// The commit (with its disk sync).
    pub commit: Duration,
}

impl Phases {
    pub fn add(&mut self, other: &Phases) {
        self.messages += other.messages;
        self.documents += other.documents;
        self.parse += other.parse;
        self.read += other.read;
        self.reply += other.reply;
        self.guard += other.guard;
        self.extract += other.extract;
        self.extract_ahead += other.extract_ahead;
        self.write += other.write;
        self.commit += other.commit;
    }
}

/// A message read before the transaction.
struct Prepared<'a> {
    item: &'a Incoming<'a>,
    detected: Detected,
    language: Language,
    /// The guard's findings over the body (none for a message already imported).
    flagged: Option<Flagged>,
    attachments: Vec<Attached<'a>>,
}

/// An attachment, as the intake keeps it.
enum Attached<'a> {
    /// Kept in the raw message only, with why.
    Skipped(String),
    /// A document, checked, its text extracted (none for an attachment of a message found
    /// imported before).
    Document { key: (usize, usize), checked: CheckedUpload<'a>, text: Option<DocumentText> },
}

/// What every message of a batch is read against.
struct Context<'a> {
    agencies: &'a [String],
}

/// A failure that ends the batch (the store itself: full, damaged, busy, unwritable),
/// rather than one message.
fn fatal(e: &MailError) -> bool {
    use crate::db::StoreError;
    use rusqlite::ErrorCode::*;
    match e {
        MailError::Pipeline(PipelineError::Store(StoreError::Sqlite(e))) => matches!(
            e.sqlite_error_code(),
            Some(DatabaseBusy | DatabaseLocked | OutOfMemory | SystemIoFailure | CannotOpen | ReadOnly)
        ),
        MailError::Pipeline(PipelineError::Store(
            StoreError::DiskFull | StoreError::Damaged { .. } | StoreError::WrongKey,
        )) => true,
        MailError::Pipeline(PipelineError::Store(StoreError::Io { .. } | StoreError::Unwritable { .. })) => true,
        _ => false,
    }
}

/// One message inside the batch's transaction (in its savepoint): see the module.
fn intake_one(tx: &rusqlite::Connection, context: &Context<'_>, message: &Prepared<'_>) -> Result<Intake> {
    let Incoming { stamp, parsed, source } = message.item;
    let parsed: &Parsed = parsed;
    if let Some(uuid) = imported_in(tx, parsed)? {
        return Ok(Intake::Duplicate { message: uuid });
    }
    let detected = &message.detected;
    let sender = parsed.from.as_deref().and_then(|f| contact::normalize_email(f).ok());
    let triage = |reason: TriageReason| -> Result<Intake> {
        let uuid = insert_message(
            tx,
            stamp,
            parsed,
            source,
            None,
            None,
            Some(reason),
            detected.intent,
            message.flagged.as_ref(),
        )?;
        append(tx, stamp, "mail_triage", None, Some(&format!("{uuid} {}", reason.as_str())))?;
        Ok(Intake::Triaged { message: uuid, reason, intent: detected.intent })
    };

    // 1. The thread it answers; 2. the sender's address.
    let mut found = thread_candidate(tx, parsed)?.map(|c| (c, Matched::Thread));
    if found.is_none()
        && let Some(sender) = &sender
    {
        found = candidate_by_email(tx, sender)?.map(|c| (c, Matched::Sender));
    }
    let mut application = None;
    if found.is_none() {
        let Some(sender) = &sender else {
            return triage(TriageReason::NoSender);
        };
        let domain = sender.rsplit('@').next().unwrap_or("");
        let job = job_named_in(tx, &parsed.subject)?;
        if context.agencies.iter().any(|d| d == domain) {
            // 3. An agency: the candidate is named in the subject or by the CV's file name.
            let Some(name) = agency_candidate_name(parsed) else {
                return triage(TriageReason::AgencyWithoutCandidate);
            };
            let candidate = insert_candidate(
                tx,
                stamp,
                NewCandidate {
                    full_name: name,
                    emails: Vec::new(),
                    phone: None,
                    source: CandidateSource::Agency(domain.to_owned()),
                    language: message.language,
                },
            )?;
            found = Some((candidate.uuid, Matched::Agency));
        } else if job.is_some() || parsed.attachments.iter().any(|a| is_document(&a.file_name)) {
            // 4. An application.
            let name = parsed
                .from_name
                .clone()
                .filter(|n| !n.trim().is_empty() && !n.contains('@'))
                .unwrap_or_else(|| sender.split('@').next().unwrap_or(sender).replace(['.', '_'], " "));
            let candidate = insert_candidate(
                tx,
                stamp,
                NewCandidate {
                    full_name: name,
                    emails: vec![parsed.from.clone().unwrap_or_default()],
                    phone: None,
                    source: CandidateSource::Email,
                    language: message.language,
                },
            )?;
            found = Some((candidate.uuid, Matched::Application));
        } else {
            return triage(TriageReason::UnknownSender);
        }
        if let (Some(job), Some((candidate, _))) = (job, &found) {
            application = Some(insert_application(tx, stamp, candidate, &job)?.uuid);
        }
    }
    let Some((candidate, matched)) = found else {
        return triage(TriageReason::UnknownSender);
    };
    // A known candidate writing about an open job (a new CV for it, say): their
    // application to it is opened unless they have one.
    if matches!(matched, Matched::Thread | Matched::Sender)
        && let Some(job) = job_named_in(tx, &parsed.subject)?
    {
        match insert_application(tx, stamp, &candidate, &job) {
            Ok(a) => application = Some(a.uuid),
            Err(PipelineError::AlreadyApplied { .. } | PipelineError::JobClosed { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (documents, skipped, no_text) = store_attachments(tx, stamp, &candidate, &message.attachments)?;
    let from_candidate = matches!(matched, Matched::Thread | Matched::Sender | Matched::Application);
    let (cid, cuuid) = resolve_candidate(tx, &candidate)?;
    let uuid = insert_message(
        tx,
        stamp,
        parsed,
        source,
        Some(cid),
        Some(matched),
        None,
        detected.intent,
        message.flagged.as_ref(),
    )?;
    if from_candidate {
        record_contact(tx, cid, stamp.at)?;
    }
    let request = match from_candidate.then_some(detected.intent) {
        Some(kind) => open_request(tx, stamp, cid, kind, &detected.values, &uuid, parsed.from.as_deref())?,
        None => None,
    };
    append(tx, stamp, "mail_in", Some(&cuuid), Some(&format!("{uuid} {}", matched.as_str())))?;
    Ok(Intake::Matched {
        message: uuid,
        candidate,
        matched,
        intent: detected.intent,
        request,
        application,
        documents,
        skipped,
        no_text,
    })
}

/// The message already imported under this identity, if any.
fn imported_in(conn: &rusqlite::Connection, parsed: &Parsed) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT uuid FROM messages WHERE (message_id = ?1 AND ?1 IS NOT NULL) OR content_hash = ?2 LIMIT 1",
        )?
        .query_row(params![parsed.message_id, parsed.content_hash], |r| r.get(0))
        .optional()?)
}

fn thread_candidate(conn: &rusqlite::Connection, parsed: &Parsed) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.uuid FROM messages m JOIN candidates c ON c.id = m.candidate_id WHERE m.message_id = ?1",
    )?;
    for id in parsed.in_reply_to.iter().chain(parsed.references.iter().rev()) {
        let id = id.trim_matches(['<', '>']);
        if let Some(uuid) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            return Ok(Some(uuid));
        }
    }
    Ok(None)
}

fn candidate_by_email(conn: &rusqlite::Connection, normalized: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.uuid FROM candidate_emails e JOIN candidates c ON c.id = e.candidate_id
             WHERE e.email_normalized = ?1 ORDER BY c.created_at LIMIT 1",
        )?
        .query_row([normalized], |r| r.get(0))
        .optional()?)
}

/// An open job the subject names: by its title, or by a reference (the start of its id)
/// written as "ref XXXX" / "réf. XXXX".
fn job_named_in(conn: &rusqlite::Connection, subject: &str) -> Result<Option<String>> {
    let folded = fold(subject);
    if folded.trim().is_empty() {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached("SELECT uuid, title FROM jobs WHERE status = 'open'")?;
    let jobs: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<std::result::Result<_, _>>()?;
    for (uuid, title) in &jobs {
        let title = fold(title);
        let reference = uuid.get(..8).unwrap_or(uuid);
        if (title.len() >= 3 && folded.contains(&title)) || folded.contains(reference) {
            return Ok(Some(uuid.clone()));
        }
    }
    Ok(None)
}

/// The kind of document an attachment's file name says: letter, cv, or other.
fn document_kind(file_name: &str) -> &'static str {
    let name = fold(file_name);
    if ["lettre", "letter", "motivation", "cover"].iter().any(|w| name.contains(w)) {
        "letter"
    } else if ["cv", "resume", "curriculum"].iter().any(|w| name.contains(w)) {
        "cv"
    } else {
        "other"
    }
}

/// Attachments of a document type stored as the candidate's documents (their text
/// extracted before the transaction); an attachment stored before (same bytes) is not
/// stored twice, so that a retried intake adds nothing.
fn store_attachments(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    candidate: &str,
    attachments: &[Attached<'_>],
) -> Result<(Vec<String>, Vec<String>, Vec<String>)> {
    let mut stored = Vec::new();
    let mut skipped = Vec::new();
    let mut no_text = Vec::new();
    for attached in attachments {
        let (checked, text) = match attached {
            Attached::Skipped(reason) => {
                skipped.push(reason.clone());
                continue;
            }
            Attached::Document { checked, text, .. } => (checked, text),
        };
        let sha = {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(checked.bytes))
        };
        let (cid, _) = resolve_candidate(tx, candidate)?;
        let known: Option<String> = tx
            .prepare_cached("SELECT uuid FROM documents WHERE candidate_id = ?1 AND sha256 = ?2")?
            .query_row(params![cid, sha], |r| r.get(0))
            .optional()?;
        if let Some(uuid) = known {
            stored.push(uuid);
            continue;
        }
        let missing;
        let text = match text {
            Some(text) => text,
            None => {
                missing = DocumentText::of(
                    &Extraction::NoText { reason: "the text was not extracted".into() },
                    Some(NoTextReason::Unreadable),
                );
                &missing
            }
        };
        if let Some(reason) = text.no_text_reason() {
            no_text.push(format!("{}: {reason}", checked.file_name));
        }
        stored.push(insert_document(tx, stamp, candidate, checked, text)?.uuid);
    }
    Ok((stored, skipped, no_text))
}

/// A file name of a document type Vivier stores (PDF, DOCX, ODT).
fn is_document(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [".pdf", ".docx", ".odt"].iter().any(|e| name.ends_with(e))
}

/// The candidate an agency message is about: "Candidat : Jane Doe" / "Candidate: Jane Doe"
/// in the subject, else the CV's file name ("CV Jane Doe.pdf", "Jane_Doe_CV.pdf").
fn agency_candidate_name(parsed: &Parsed) -> Option<String> {
    let subject = &parsed.subject;
    let folded = fold(subject);
    for key in ["candidate:", "candidat :", "candidat:", "candidate :", "profil :", "profile:", "profil:"] {
        if let Some(at) = folded.find(key) {
            // fold keeps byte offsets for ASCII keys only approximately; take chars after.
            let skip = folded[..at + key.len()].chars().count();
            let name: String = subject.chars().skip(skip).take_while(|c| !matches!(c, '-' | '|' | '(' | '/')).collect();
            let name = name.trim();
            if !name.is_empty() {
                return Some(name.to_owned());
            }
        }
    }
    let cv = parsed.attachments.iter().find(|a| is_document(&a.file_name))?;
    let stem = cv.file_name.rsplit_once('.').map_or(cv.file_name.as_str(), |(s, _)| s);
    let words: Vec<&str> = stem
        .split(['_', '-', ' ', '.'])
        .filter(|w| !w.is_empty())
        .filter(|w| {
            !["cv", "resume", "curriculum", "vitae", "lettre", "letter"].contains(&w.to_ascii_lowercase().as_str())
        })
        .collect();
    (!words.is_empty() && words.len() <= 4).then(|| words.join(" "))
}

/// French unless the reply reads as English.
fn language_of(reply: &str) -> Language {
    let t = format!(" {} ", fold(reply));
    let en = [" the ", " please ", " my ", " you ", " and ", " i "].iter().filter(|w| t.contains(*w)).count();
    let fr = [" le ", " la ", " je ", " vous ", " merci ", " mon ", " mes "].iter().filter(|w| t.contains(*w)).count();
    if en > fr { Language::En } else { Language::Fr }
}

#[allow(clippy::too_many_arguments)]
fn insert_message(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    parsed: &Parsed,
    source: &Source,
    cid: Option<i64>,
    matched: Option<Matched>,
    reason: Option<TriageReason>,
    intent: Intent,
    flagged: Option<&Flagged>,
) -> Result<String> {
    let uuid = new_uuid();
    let status = if cid.is_some() { "matched" } else { "triage" };
    tx.prepare_cached(
        "INSERT INTO messages (uuid, candidate_id, direction, message_id, in_reply_to, subject, from_addr, to_addrs,
                               body_text, raw, status, received_at, content_hash, refs, source, matched_by, intent,
                               triage_reason)
         VALUES (?1, ?2, 'inbound', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        uuid,
        cid,
        parsed.message_id,
        parsed.in_reply_to.first(),
        parsed.subject,
        parsed.from,
        parsed.to.join(", "),
        parsed.body,
        parsed.raw,
        status,
        ts(stamp.at),
        parsed.content_hash,
        parsed.references.join(" "),
        source.tag(),
        matched.map(Matched::as_str),
        intent.as_str(),
        reason.map(TriageReason::as_str),
    ])?;
    match flagged {
        Some(flagged) => record_flags(tx, stamp, cid, &uuid, flagged)?,
        None => flag_message(tx, stamp, cid, &uuid, &parsed.body)?,
    }
    Ok(uuid)
}

/// The candidate's words are stored as written; the guard's findings are recorded (masked
/// in previews, out of the index).
fn flag_message(tx: &rusqlite::Connection, stamp: &Stamp, cid: Option<i64>, uuid: &str, body: &str) -> Result<()> {
    record_flags(tx, stamp, cid, uuid, &CandidateText(body).flag())
}

/// [`flag_message`] with the guard already run (outside the transaction).
fn record_flags(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    cid: Option<i64>,
    uuid: &str,
    flagged: &Flagged,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM guard_flags WHERE source = 'message' AND ref = ?1")?.execute([uuid])?;
    flags::record(tx, cid, "message", uuid, &flagged.findings, stamp)?;
    if let Some(cid) = cid {
        index_text(tx, cid, "message", uuid, &flagged.indexable)?;
    }
    Ok(())
}

/// A message waiting in triage, as HR sees it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TriageItem {
    pub message: String,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub received_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub intent: Option<String>,
}

/// What a triage decision did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Linked {
    pub message: String,
    pub candidate: String,
    pub intent: Intent,
    pub request: Option<String>,
}

impl Store {
    /// Messages waiting in triage, oldest first.
    pub fn triage_list(&self) -> Result<Vec<TriageItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT uuid, from_addr, subject, received_at, triage_reason, intent FROM messages
             WHERE status = 'triage' AND direction = 'inbound' AND dismissed_at IS NULL
             ORDER BY received_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (message, from, subject, at, reason, intent) = row?;
            out.push(TriageItem { message, from, subject, received_at: parse_ts(&at)?, reason, intent });
        }
        Ok(out)
    }

    /// HR ties a message in triage to a candidate: it joins their timeline, counts as their
    /// contact, and the right it asks for opens a request.
    pub fn triage_link(&mut self, stamp: &Stamp, message: &str, candidate: &str) -> Result<Linked> {
        let footers = self.footer_markers()?;
        self.write(|tx| {
            let (mid, muuid) = triage_message(tx, message)?;
            let (cid, cuuid) = resolve_candidate(tx, candidate)?;
            let body: String =
                tx.query_row("SELECT coalesce(body_text, '') FROM messages WHERE id = ?1", [mid], |r| r.get(0))?;
            let reply = reply_text(&body, &footers.iter().map(String::as_str).collect::<Vec<_>>());
            let detected = classify(&reply, &body);
            tx.execute(
                "UPDATE messages SET candidate_id = ?1, status = 'matched', matched_by = 'hr', triage_reason = NULL,
                                     intent = ?2 WHERE id = ?3",
                params![cid, detected.intent.as_str(), mid],
            )?;
            flag_message(tx, stamp, Some(cid), &muuid, &body)?;
            record_contact(tx, cid, stamp.at)?;
            let from: Option<String> =
                tx.query_row("SELECT from_addr FROM messages WHERE id = ?1", [mid], |r| r.get(0))?;
            let request = open_request(tx, stamp, cid, detected.intent, &detected.values, &muuid, from.as_deref())?;
            append(tx, stamp, "mail_link", Some(&cuuid), Some(&muuid))?;
            Ok(Linked { message: muuid, candidate: cuuid, intent: detected.intent, request })
        })
    }

    /// HR creates a candidate from a message in triage (named after its sender) and links it.
    pub fn triage_create(&mut self, stamp: &Stamp, message: &str, full_name: Option<&str>) -> Result<Linked> {
        let (from, from_name, body) = {
            let (mid, _) = triage_message(&self.conn, message)?;
            let (from, raw, body): (Option<String>, Option<Vec<u8>>, Option<String>) =
                self.conn.query_row("SELECT from_addr, raw, body_text FROM messages WHERE id = ?1", [mid], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            let name = raw
                .and_then(|raw| super::parse::parse(&raw, &Limits::default()).ok())
                .and_then(|p| p.from_name)
                .filter(|n| !n.trim().is_empty());
            (from, name, body.unwrap_or_default())
        };
        let from = from.ok_or(PipelineError::Invalid {
            field: "message",
            reason: "it has no sender address; link it to an existing candidate instead".into(),
        })?;
        let name = full_name
            .map(str::to_owned)
            .or(from_name)
            .unwrap_or_else(|| from.split('@').next().unwrap_or(&from).replace(['.', '_'], " "));
        let candidate = self.add_candidate(
            stamp,
            NewCandidate {
                full_name: name,
                emails: vec![from],
                phone: None,
                source: CandidateSource::Email,
                language: language_of(&body),
            },
        )?;
        self.triage_link(stamp, message, &candidate.uuid)
    }

    /// HR dismisses a message in triage: what it said goes (raw, text, sender, subject, its
    /// flags); only its identity stays, so that it is not imported again.
    pub fn triage_dismiss(&mut self, stamp: &Stamp, message: &str) -> Result<String> {
        self.write(|tx| {
            let (mid, muuid) = triage_message(tx, message)?;
            tx.execute(
                "UPDATE messages SET raw = NULL, body_text = NULL, subject = NULL, from_addr = NULL, to_addrs = NULL,
                                     dismissed_at = ?1 WHERE id = ?2",
                params![ts(stamp.at), mid],
            )?;
            tx.execute("DELETE FROM guard_flags WHERE source = 'message' AND ref = ?1", [&muuid])?;
            append(tx, stamp, "mail_dismiss", None, Some(&muuid))?;
            Ok(muuid)
        })
    }
}

/// A message in triage, not dismissed, by UUID or prefix.
fn triage_message(tx: &rusqlite::Connection, id: &str) -> Result<(i64, String)> {
    let (mid, uuid) = resolve(tx, "messages", "message", id)?;
    let waiting: bool =
        tx.query_row("SELECT status = 'triage' AND dismissed_at IS NULL FROM messages WHERE id = ?1", [mid], |r| {
            r.get(0)
        })?;
    if !waiting {
        return Err(MailError::NotInTriage { message: uuid });
    }
    Ok((mid, uuid))
}
