//! The recruitment pipeline's vocabulary and rules: jobs, candidates and their sources,
//! applications and the stages they move through, notes and feedback, search requests.
//! The types and their checks are pure (values in, values out, time given by the caller);
//! the SQL of each part sits beside it (`jobs`, `candidates`, `applications`, `board`,
//! `notes`, `index`, `finder`, `profile`), as methods of the store that the doors call.

pub(crate) mod applications;
mod board;
pub(crate) mod candidates;
pub mod contact;
mod finder;
pub(crate) mod index;
mod jobs;
mod notes;
mod profile;
pub mod search;
pub mod stage;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Code;
pub use stage::Stage;

/// Who does an operation and when: every change and every view is stamped and audited.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl Stamp {
    pub fn new(actor: impl Into<String>, at: DateTime<Utc>) -> Stamp {
        Stamp { actor: actor.into(), at }
    }

    /// The actor a door records when nobody signs in: `VIVIER_ACTOR` (a configured
    /// profile), else the OS user (`USER`, `LOGNAME`); `None` when none is set.
    pub fn os_actor() -> Option<String> {
        ["VIVIER_ACTOR", "USER", "LOGNAME"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|a| !a.trim().is_empty()))
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    #[error("no {what} matches \"{id}\"; check the identifier")]
    NotFound { what: &'static str, id: String },

    #[error("\"{id}\" matches several {what}s; give more characters of the identifier")]
    Ambiguous { what: &'static str, id: String },

    #[error(
        "this looks like a person already in Vivier: {existing_name} ({existing}) has the same {matched_on}. \
         Merge them, or add this application to the existing candidate"
    )]
    Duplicate { existing: String, existing_name: String, matched_on: String },

    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error("an application cannot move from {from} to {to}{hint}")]
    Transition { from: Stage, to: Stage, hint: &'static str },

    #[error("closing an application as rejected needs a reason")]
    ReasonRequired,

    #[error("{candidate} has already applied to this job (application {application})")]
    AlreadyApplied { candidate: String, application: String },

    #[error("the job \"{title}\" is closed; reopen it before adding applications")]
    JobClosed { title: String },

    /// Data collected before the stage from which it may be (promise P3), or on a closed
    /// application. `field` names the field, never its value.
    #[error("{}", crate::hiring::gate_message(field, *stage, *from))]
    StageGate { field: String, stage: Stage, from: Stage },

    #[error("{0}")]
    Refused(crate::guard::policy::Refusal),

    /// The original of a document with passages refused by the guard, asked for without
    /// the reveal; `categories` name the categories of those passages.
    #[error(
        "document {document} holds passages of a sensitive category ({}); only its masked text is shown. \
         Ask to reveal the original on purpose: the reveal is written to the audit log",
        categories.join(", ")
    )]
    RevealRequired { document: String, categories: Vec<String> },

    #[error(transparent)]
    Retention(#[from] crate::retention::policy::RetentionError),

    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),

    #[error(transparent)]
    Letter(crate::letters::LetterError),

    #[error(transparent)]
    Store(#[from] crate::db::StoreError),

    /// The erasure ledger file could not be written: the purge did not happen.
    #[error(transparent)]
    Ledger(Box<crate::backup::BackupError>),
}

impl PipelineError {
    pub fn code(&self) -> Code {
        match self {
            PipelineError::NotFound { .. } => Code::NotFound,
            PipelineError::Ambiguous { .. } => Code::AmbiguousId,
            PipelineError::Duplicate { .. } => Code::DuplicateCandidate,
            PipelineError::Invalid { .. } => Code::InvalidInput,
            PipelineError::Transition { .. } => Code::InvalidTransition,
            PipelineError::ReasonRequired => Code::ReasonRequired,
            PipelineError::AlreadyApplied { .. } => Code::AlreadyApplied,
            PipelineError::JobClosed { .. } => Code::JobClosed,
            PipelineError::StageGate { .. } => Code::StageGate,
            PipelineError::Refused(_) => Code::SensitiveData,
            PipelineError::RevealRequired { .. } => Code::RevealRequired,
            PipelineError::Retention(e) => e.code(),
            PipelineError::Document(e) => e.code(),
            PipelineError::Letter(e) => e.code(),
            PipelineError::Ledger(e) => e.code(),
            PipelineError::Store(e) => e.code(),
        }
    }
}

impl From<crate::guard::policy::Refusal> for PipelineError {
    fn from(r: crate::guard::policy::Refusal) -> PipelineError {
        PipelineError::Refused(r)
    }
}

impl From<rusqlite::Error> for PipelineError {
    fn from(e: rusqlite::Error) -> PipelineError {
        PipelineError::Store(crate::db::StoreError::sqlite(e))
    }
}

/// Whether a job takes applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Open,
    OnHold,
    Closed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Open => "open",
            JobStatus::OnHold => "on_hold",
            JobStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<JobStatus> {
        match s {
            "open" => Some(JobStatus::Open),
            "on_hold" | "on-hold" | "hold" => Some(JobStatus::OnHold),
            "closed" => Some(JobStatus::Closed),
            _ => None,
        }
    }
}

/// A position to fill, as HR opens it.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
pub struct NewJob {
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    /// ISO 3166 alpha-2 country of hire (decides the retention period once hired).
    pub country: String,
    pub description: String,
}

impl NewJob {
    /// Trims and checks the fields.
    pub fn validated(mut self) -> Result<NewJob, PipelineError> {
        self.title = required("title", &self.title)?;
        self.department = optional(self.department);
        self.location = optional(self.location);
        self.country = country_code("country", &self.country)?;
        self.description = self.description.trim().to_owned();
        Ok(self)
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Job {
    pub uuid: String,
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub country: String,
    pub status: JobStatus,
    pub description: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Applications still open (not hired, rejected or withdrawn).
    pub open_applications: i64,
}

/// Where a candidate came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Source {
    Direct,
    Agency(String),
    Referral(String),
    Email,
    JobBoard(Option<String>),
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Direct => "direct",
            Source::Agency(_) => "agency",
            Source::Referral(_) => "referral",
            Source::Email => "email",
            Source::JobBoard(_) => "job_board",
        }
    }
    pub fn detail(&self) -> Option<&str> {
        match self {
            Source::Agency(d) | Source::Referral(d) => Some(d),
            Source::JobBoard(d) => d.as_deref(),
            Source::Direct | Source::Email => None,
        }
    }
    /// Builds a source from its kind and detail, as stored or typed.
    pub fn from_parts(kind: &str, detail: Option<String>) -> Result<Source, PipelineError> {
        let detail = optional(detail);
        let needs = |what: &str| PipelineError::Invalid {
            field: "source detail",
            reason: format!("a {kind} source needs the {what}"),
        };
        Ok(match kind {
            "direct" => Source::Direct,
            "email" => Source::Email,
            "agency" => Source::Agency(detail.ok_or_else(|| needs("agency's name"))?),
            "referral" => Source::Referral(detail.ok_or_else(|| needs("referrer's name"))?),
            "job_board" | "job-board" | "board" => Source::JobBoard(detail),
            other => {
                return Err(PipelineError::Invalid {
                    field: "source",
                    reason: format!("\"{other}\" is not one of direct, agency, referral, email, job_board"),
                });
            }
        })
    }
}

/// Language for correspondence with a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Fr,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "french" | "français" | "francais" => Some(Language::Fr),
            "en" | "english" | "anglais" => Some(Language::En),
            _ => None,
        }
    }
}

/// A candidate as HR enters them (or as an import creates them).
#[derive(Debug, Clone)]
pub struct NewCandidate {
    pub full_name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub source: Source,
    pub language: Language,
}

impl NewCandidate {
    /// Trims, checks and normalises; returns the candidate and its normalised emails and phone.
    pub fn validated(mut self) -> Result<(NewCandidate, Vec<String>, Option<String>), PipelineError> {
        self.full_name = required("full name", &self.full_name)?;
        let mut emails = Vec::new();
        let mut normalized = Vec::new();
        for email in &self.emails {
            let n = contact::normalize_email(email)?;
            if !normalized.contains(&n) {
                normalized.push(n);
                emails.push(email.trim().to_owned());
            }
        }
        self.emails = emails;
        self.phone = optional(self.phone);
        let phone = self.phone.as_deref().map(contact::normalize_phone).transpose()?;
        Ok((self, normalized, phone))
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Candidate {
    pub uuid: String,
    pub full_name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub source: Source,
    pub language: Language,
    pub created_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
}

/// Changes to a candidate's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CandidateEdit {
    pub full_name: Option<String>,
    pub add_emails: Vec<String>,
    pub remove_emails: Vec<String>,
    /// `Some(None)` clears the phone.
    pub phone: Option<Option<String>>,
    pub source: Option<Source>,
    pub language: Option<Language>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Application {
    pub uuid: String,
    pub candidate_uuid: String,
    pub candidate_name: String,
    pub job_uuid: String,
    pub job_title: String,
    pub stage: Stage,
    pub closed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A hire's contract end, from which the retention period of the country runs.
    pub contract_end: Option<chrono::NaiveDate>,
}

/// A note or interview feedback.
#[derive(Debug, Clone)]
pub struct NewNote {
    pub body: String,
    pub feedback: bool,
    pub application: Option<String>,
    pub ratings: Vec<(String, u8)>,
}

impl NewNote {
    pub fn validated(mut self) -> Result<NewNote, PipelineError> {
        self.body = required("note", &self.body)?;
        let mut seen = Vec::new();
        for (criterion, score) in &mut self.ratings {
            *criterion = required("rating criterion", criterion)?;
            if !(1..=5).contains(score) {
                return Err(PipelineError::Invalid {
                    field: "rating",
                    reason: format!("{criterion}: {score} is outside 1–5"),
                });
            }
            if seen.contains(criterion) {
                return Err(PipelineError::Invalid { field: "rating", reason: format!("{criterion} is rated twice") });
            }
            seen.push(criterion.clone());
        }
        if !self.ratings.is_empty() {
            self.feedback = true;
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Note {
    pub uuid: String,
    pub candidate_uuid: String,
    pub application_uuid: Option<String>,
    pub kind: String,
    pub author: String,
    pub body: String,
    pub ratings: Vec<Rating>,
    pub created_at: DateTime<Utc>,
    /// Warned criteria found in the text (stored, shown, recorded).
    pub warnings: Vec<GuardWarning>,
}

/// A warned criterion found in text HR wrote: its category, the words, and why it was
/// warned (the UI builds its one-line explanation from `why` and `phrase`).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct GuardWarning {
    pub category: String,
    pub label_en: String,
    pub label_fr: String,
    pub words: String,
    pub why: crate::guard::Why,
    /// The words that decided, with their cue ("il a 45 ans").
    pub phrase: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Rating {
    pub criterion: String,
    pub score: u8,
}

/// What the profile and lists show of a document (its content is fetched on demand).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocumentInfo {
    pub uuid: String,
    pub candidate_uuid: String,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub text_status: String,
    pub added_at: DateTime<Utc>,
    /// Why the document has no text, when it has none (None for documents stored before
    /// the reason was kept).
    pub text_reason: Option<crate::documents::NoTextReason>,
    /// For an offer letter: when a later letter for the same application replaced it.
    pub superseded_at: Option<DateTime<Utc>>,
    /// For a current offer letter: it no longer prints the candidate's name as corrected
    /// since (regenerate it).
    pub outdated: bool,
}

/// One entry of a candidate's timeline.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// stage_change, note, feedback, document, message, request, created
    pub kind: String,
    pub summary: String,
    pub actor: Option<String>,
    pub reference: Option<String>,
}

/// Everything the candidate profile shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Profile {
    pub candidate: Candidate,
    pub applications: Vec<Application>,
    pub documents: Vec<DocumentInfo>,
    pub notes: Vec<Note>,
    pub timeline: Vec<TimelineEntry>,
}

/// One card of a job's board.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BoardCard {
    pub application_uuid: String,
    pub candidate_uuid: String,
    pub candidate_name: String,
    pub stage: Stage,
    pub updated_at: DateTime<Utc>,
}

/// One column of a job's board: how many of the job's applications are at its stage, and
/// a window of their cards, most recently updated first (ties: latest application first).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BoardColumn {
    pub stage: Stage,
    /// Every application of the job at this stage, shown or not.
    pub total: u64,
    /// The position of the first of `cards` in the column (0 for its top).
    pub offset: u64,
    pub cards: Vec<BoardCard>,
}

/// A job's board: its columns in the order of [`Stage::ALL`] (or the one column asked
/// for), each with its count and a window of its cards, so that a board of thousands of
/// applications is sent and drawn a page at a time.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Board {
    pub job: Job,
    pub columns: Vec<BoardColumn>,
}

fn required(field: &'static str, value: &str) -> Result<String, PipelineError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(PipelineError::Invalid { field, reason: "must not be empty".into() });
    }
    if v.chars().count() > 10_000 {
        return Err(PipelineError::Invalid { field, reason: "is too long (over 10,000 characters)".into() });
    }
    Ok(v.to_owned())
}

/// A country as a two-letter ISO 3166 code (FR, DE, …), upper-cased: the one check for a
/// job's country of hire, a nationality and a country's retention period.
pub fn country_code(field: &'static str, raw: &str) -> Result<String, PipelineError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(PipelineError::Invalid {
            field,
            reason: format!("\"{}\" is not a two-letter country code (ISO 3166) such as FR, DE or ES", raw.trim()),
        });
    }
    Ok(code)
}

fn optional(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_needs_a_title_and_a_country_code() {
        let job = NewJob { title: " Data engineer ".into(), country: "fr".into(), ..NewJob::default() };
        let job = job.validated().unwrap();
        assert_eq!(job.title, "Data engineer");
        assert_eq!(job.country, "FR");
        assert!(NewJob { title: "  ".into(), country: "FR".into(), ..NewJob::default() }.validated().is_err());
        assert!(NewJob { title: "x".into(), country: "France".into(), ..NewJob::default() }.validated().is_err());
    }

    #[test]
    fn agency_and_referral_sources_need_a_name() {
        assert!(Source::from_parts("agency", None).is_err());
        assert_eq!(Source::from_parts("agency", Some("Hays".into())).unwrap(), Source::Agency("Hays".into()));
        assert!(Source::from_parts("referral", Some("  ".into())).is_err());
        assert_eq!(Source::from_parts("job-board", None).unwrap(), Source::JobBoard(None));
        assert!(Source::from_parts("linkedin-scraping", None).is_err());
    }

    #[test]
    fn ratings_are_one_to_five_and_make_feedback() {
        let note =
            NewNote { body: "Good".into(), feedback: false, application: None, ratings: vec![("SQL".into(), 4)] };
        assert!(note.validated().unwrap().feedback);
        let bad = NewNote { body: "x".into(), feedback: true, application: None, ratings: vec![("SQL".into(), 6)] };
        assert!(bad.validated().is_err());
        let twice = NewNote {
            body: "x".into(),
            feedback: true,
            application: None,
            ratings: vec![("SQL".into(), 3), ("SQL".into(), 4)],
        };
        assert!(twice.validated().is_err());
    }

    #[test]
    fn duplicate_emails_in_one_candidate_are_folded() {
        let c = NewCandidate {
            full_name: "Ana".into(),
            emails: vec!["Ana@Example.org".into(), "ana@example.org ".into()],
            phone: Some("06 12 34 56 78".into()),
            source: Source::Direct,
            language: Language::Fr,
        };
        let (c, emails, phone) = c.validated().unwrap();
        assert_eq!(c.emails, vec!["Ana@Example.org"]);
        assert_eq!(emails, vec!["ana@example.org"]);
        assert_eq!(phone.as_deref(), Some("+33612345678"));
    }
}
