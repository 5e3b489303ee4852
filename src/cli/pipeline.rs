//! The pipeline commands: jobs, candidates, applications, stages, documents, notes, search
//! and the audit log. Each opens the store, makes one engine call with the actor and the
//! time of the call, and prints the answer.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::json;

use vivier::db::Store;
use vivier::documents::{Extraction, Extractor};
use vivier::documents::{OriginalUse, Upload};
use vivier::error::Code;
use vivier::pipeline::search::SearchFilter;
use vivier::pipeline::{
    CandidateEdit, JobStatus, Language, NewCandidate, NewJob, NewNote, PipelineError, Source, Stage, Stamp,
};
use vivier::retention::RetentionError;

use super::{Failure, day, out, usage};

impl From<PipelineError> for Failure {
    fn from(e: PipelineError) -> Failure {
        let message = match precise_hint(&e) {
            Some(hint) => format!("{e}. {hint}"),
            None => e.to_string(),
        };
        Failure { code: e.code(), message }
    }
}

/// The command line's hint for an error that names what it is about (which list, which
/// flag), more precise than its code's (see `hint` in the parent module).
fn precise_hint(e: &PipelineError) -> Option<String> {
    Some(match e {
        PipelineError::NotFound { what, .. } => match *what {
            "job" => "`vivier job list` shows the jobs",
            "candidate" | "email" => "`vivier candidate list` shows the candidates",
            "application" => "`vivier candidate show CANDIDATE` shows a candidate's applications",
            "field" => "`vivier field list` shows the custom fields",
            "hold" => "`vivier retention holds` shows the legal holds",
            _ => return None,
        }
        .to_owned(),
        PipelineError::Duplicate { existing, .. } => {
            format!("`vivier candidate merge {existing} OTHER` merges two candidates into one")
        }
        PipelineError::StageGate { from, stage, .. } if !matches!(stage, Stage::Rejected | Stage::Withdrawn) => {
            format!("`vivier stage APPLICATION {from}` moves it")
        }
        PipelineError::Invalid { field: "source detail", .. } => "Give it with `--source-detail`".to_owned(),
        PipelineError::Invalid { field: "emergency contact", .. } => {
            "Give both `--emergency-name` and `--emergency-phone`".to_owned()
        }
        PipelineError::Invalid { field: "hiring details", .. } => "`vivier hiring set --help` lists them".to_owned(),
        PipelineError::Retention(RetentionError::FuturePurge) => "Add `--dry-run` to preview it".to_owned(),
        PipelineError::RevealRequired { .. } => {
            "`vivier doc text DOCUMENT` prints it masked; add `--reveal` to write the original".to_owned()
        }
        _ => return None,
    })
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Open a position.
    Add {
        #[arg(long)]
        title: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        location: Option<String>,
        /// Country of hire, two letters (decides the retention period of hires).
        #[arg(long, default_value = "FR")]
        country: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List jobs.
    List {
        /// open, on_hold or closed
        #[arg(long)]
        status: Option<String>,
    },
    /// Show a job and its board.
    Show { job: String },
    /// Close a job.
    Close { job: String },
}

#[derive(Debug, Subcommand)]
pub enum CandidateCommand {
    /// Add a candidate (refused, with the existing person named, when their email or phone is known).
    Add(CandidateArgs),
    /// List candidates, newest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Show a candidate's profile: contact, applications, documents, notes, timeline.
    Show { candidate: String },
    /// Change a candidate's fields.
    Edit(EditArgs),
    /// Merge ABSORB into KEEP (emails, applications, documents, notes move; ABSORB is deleted).
    Merge { keep: String, absorb: String },
    /// Candidates who share an email or phone with this one.
    Duplicates { candidate: String },
    /// The candidate objects to being kept for future offers: purged once no application
    /// of theirs is open (at once when none is).
    Object { candidate: String },
    /// The candidate confirmed a consent renewal (mail, phone): their last contact is now.
    Renew { candidate: String },
    /// Erase everything about a candidate who asked for it, confirmed by HR with --yes.
    /// Refused for a hire (restrict instead). Cannot be undone.
    Erase {
        candidate: String,
        #[arg(long)]
        yes: bool,
    },
    /// Restrict the use of a candidate's data (kept, out of search): what a hire gets
    /// instead of erasure.
    Restrict { candidate: String },
}

#[derive(Debug, Args)]
pub struct CandidateArgs {
    #[arg(long)]
    name: String,
    #[arg(long = "email")]
    emails: Vec<String>,
    #[arg(long)]
    phone: Option<String>,
    /// direct, agency, referral, email or job_board
    #[arg(long, default_value = "direct")]
    source: String,
    /// The agency's name, the referrer, or the job board.
    #[arg(long)]
    source_detail: Option<String>,
    /// Language for correspondence: fr or en.
    #[arg(long, default_value = "fr")]
    language: String,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    candidate: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long = "add-email")]
    add_emails: Vec<String>,
    #[arg(long = "remove-email")]
    remove_emails: Vec<String>,
    #[arg(long, conflicts_with = "clear_phone")]
    phone: Option<String>,
    #[arg(long)]
    clear_phone: bool,
    #[arg(long)]
    source: Option<String>,
    #[arg(long)]
    source_detail: Option<String>,
    #[arg(long)]
    language: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DocCommand {
    /// Store a document (PDF, DOCX, ODT or plain text) with a candidate.
    Add {
        candidate: String,
        file: PathBuf,
        /// cv, letter or other
        #[arg(long)]
        kind: String,
    },
    /// Write a document's original bytes to a file (audited as an export). The original of
    /// a document with passages of a sensitive category is refused unless --reveal is given
    /// (audited as a reveal).
    Get {
        document: String,
        #[arg(short, long)]
        output: PathBuf,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
        /// Write it even though it holds passages the guard refused (audited as a reveal).
        #[arg(long)]
        reveal: bool,
    },
    /// Print a document's extracted text (audited as a view). Passages of a sensitive
    /// category are masked unless --reveal is given (audited as a reveal).
    Text {
        document: String,
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Add a note, or interview feedback with --feedback / --rating.
    Add {
        candidate: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        feedback: bool,
        /// The application the note is about.
        #[arg(long)]
        application: Option<String>,
        /// A rating, CRITERION=1..5 (repeatable).
        #[arg(long = "rating")]
        ratings: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    query: String,
    #[arg(long)]
    job: Option<String>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long)]
    source: Option<String>,
    /// Candidates created on or after this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Candidates created before this date (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List entries, newest first.
    List {
        #[arg(long)]
        candidate: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Check the hash chain; report the first broken link.
    Verify,
}

/// Who is acting: VIVIER_ACTOR, else the OS user.
pub fn stamp() -> Stamp {
    let actor = Stamp::os_actor().unwrap_or_else(|| format!("uid:{}", unsafe { libc::getuid() }));
    Stamp::new(actor, Utc::now())
}

/// The text extractor: this very binary, in its hidden child mode.
pub fn extractor() -> Extractor {
    Extractor::this_binary()
        .unwrap_or_else(|_| Extractor::new(PathBuf::from("vivier"), vec![vivier::documents::CHILD_ARG.into()]))
}

fn date(s: &str) -> Result<DateTime<Utc>, Failure> {
    Ok(day(s)?.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

pub fn job(store: &mut Store, cmd: &JobCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        JobCommand::Add { title, department, location, country, description } => {
            let job = store.add_job(
                &stamp,
                NewJob {
                    title: title.clone(),
                    department: department.clone(),
                    location: location.clone(),
                    country: country.clone(),
                    description: description.clone(),
                },
            )?;
            out(json, json!(job), |w| {
                let _ = writeln!(w, "Opened job {} — {}", job.uuid, job.title);
            });
        }
        JobCommand::List { status } => {
            let status = status
                .as_deref()
                .map(|s| JobStatus::parse(s).ok_or_else(|| usage(format!("\"{s}\" is not open, on_hold or closed"))))
                .transpose()?;
            let jobs = store.jobs(status)?;
            out(json, json!(jobs), |w| {
                if jobs.is_empty() {
                    let _ = writeln!(w, "No jobs yet. Open one with `vivier job add --title …`.");
                }
                for j in &jobs {
                    let _ = writeln!(
                        w,
                        "{}  {:<8} {:>4} open applications  {}",
                        &j.uuid[..8],
                        j.status.as_str(),
                        j.open_applications,
                        j.title
                    );
                }
            });
        }
        JobCommand::Show { job } => {
            // The whole board: a script wants every application, not a screenful.
            let board = store.board(job, None, 0, usize::MAX)?;
            out(json, json!(board), |w| {
                let _ = writeln!(w, "{} — {} ({})", board.job.uuid, board.job.title, board.job.status.as_str());
                for column in &board.columns {
                    let _ = writeln!(w, "  {} ({})", column.stage, column.total);
                    for c in &column.cards {
                        let _ = writeln!(w, "    {}  {}", &c.application_uuid[..8], c.candidate_name);
                    }
                }
            });
        }
        JobCommand::Close { job } => {
            let job = store.set_job_status(&stamp, job, JobStatus::Closed)?;
            out(json, json!(job), |w| {
                let _ = writeln!(w, "Closed {} — {}", job.uuid, job.title);
            });
        }
    }
    Ok(())
}

pub fn candidate(store: &mut Store, cmd: &CandidateCommand, json: bool) -> Result<(), Failure> {
    use super::retention::{Request, request};
    let stamp = stamp();
    match cmd {
        CandidateCommand::Object { candidate } => return request(store, Request::Object(candidate), json),
        CandidateCommand::Renew { candidate } => return request(store, Request::Renew(candidate), json),
        CandidateCommand::Restrict { candidate } => return request(store, Request::Restrict(candidate), json),
        CandidateCommand::Erase { candidate, yes } => {
            if !yes {
                return Err(usage(format!(
                    "erasing removes everything about {candidate} at once and cannot be undone; \
                     confirm that the candidate asked for it with --yes"
                )));
            }
            return request(store, Request::Erase(candidate), json);
        }
        CandidateCommand::Add(a) => {
            let language =
                Language::parse(&a.language).ok_or_else(|| usage(format!("\"{}\" is not fr or en", a.language)))?;
            let c = store.add_candidate(
                &stamp,
                NewCandidate {
                    full_name: a.name.clone(),
                    emails: a.emails.clone(),
                    phone: a.phone.clone(),
                    source: Source::from_parts(&a.source, a.source_detail.clone())?,
                    language,
                },
            )?;
            out(json, json!(c), |w| {
                let _ = writeln!(w, "Added {} — {}", c.uuid, c.full_name);
            });
        }
        CandidateCommand::List { limit, offset } => {
            let list = store.candidates(*limit, *offset)?;
            out(json, json!(list), |w| {
                if list.is_empty() {
                    let _ = writeln!(w, "No candidates yet. Add one with `vivier candidate add --name …`.");
                }
                for c in &list {
                    let _ = writeln!(w, "{}  {}  {}", &c.uuid[..8], c.full_name, c.emails.join(", "));
                }
            });
        }
        CandidateCommand::Show { candidate } => {
            let p = store.profile(&stamp, candidate)?;
            out(json, json!(p), |w| {
                let c = &p.candidate;
                let _ = writeln!(w, "{} — {}", c.uuid, c.full_name);
                let _ = writeln!(w, "  emails     {}", c.emails.join(", "));
                let _ = writeln!(w, "  phone      {}", c.phone.as_deref().unwrap_or("—"));
                let _ = writeln!(
                    w,
                    "  source     {}{}",
                    c.source.kind(),
                    c.source.detail().map(|d| format!(" ({d})")).unwrap_or_default()
                );
                let _ = writeln!(w, "  language   {}", c.language.as_str());
                let _ = writeln!(w, "  last contact {}", c.last_contact_at.format("%Y-%m-%d"));
                for a in &p.applications {
                    let _ = writeln!(w, "  application {}  {}  {}", &a.uuid[..8], a.stage, a.job_title);
                }
                for d in &p.documents {
                    // What the profile shows: why a document without text was not checked.
                    let text = match (d.text_status.as_str(), d.text_reason) {
                        ("extracted", _) => "text".to_string(),
                        (_, Some(vivier::documents::NoTextReason::Encrypted)) => "encrypted: no text".to_string(),
                        ("none" | "failed", _) => "no text: could not be checked".to_string(),
                        (status, _) => format!("{status} text"),
                    };
                    let _ = writeln!(w, "  document   {}  {}  {} ({text})", &d.uuid[..8], d.kind, d.file_name);
                }
                let _ = writeln!(w, "  timeline");
                for t in &p.timeline {
                    let _ = writeln!(w, "    {}  {:<12} {}", t.at.format("%Y-%m-%d %H:%M"), t.kind, t.summary);
                }
            });
        }
        CandidateCommand::Edit(e) => {
            let source = match (&e.source, &e.source_detail) {
                (Some(kind), detail) => Some(Source::from_parts(kind, detail.clone())?),
                (None, Some(_)) => return Err(usage("--source-detail goes with --source".into())),
                (None, None) => None,
            };
            let language = e
                .language
                .as_deref()
                .map(|l| Language::parse(l).ok_or_else(|| usage(format!("\"{l}\" is not fr or en"))))
                .transpose()?;
            let edit = CandidateEdit {
                full_name: e.name.clone(),
                add_emails: e.add_emails.clone(),
                remove_emails: e.remove_emails.clone(),
                phone: if e.clear_phone { Some(None) } else { e.phone.clone().map(Some) },
                source,
                language,
            };
            let c = store.edit_candidate(&stamp, &e.candidate, edit)?;
            out(json, json!(c), |w| {
                let _ = writeln!(w, "Updated {} — {}", c.uuid, c.full_name);
            });
        }
        CandidateCommand::Merge { keep, absorb } => {
            let c = store.merge_candidates(&stamp, keep, absorb)?;
            out(json, json!(c), |w| {
                let _ = writeln!(w, "Merged into {} — {}", c.uuid, c.full_name);
            });
        }
        CandidateCommand::Duplicates { candidate } => {
            let list = store.duplicates_of(candidate)?;
            out(json, json!(list), |w| {
                if list.is_empty() {
                    let _ = writeln!(w, "No one shares an email or phone with this candidate.");
                }
                for c in &list {
                    let _ = writeln!(w, "{}  {}", c.uuid, c.full_name);
                }
            });
        }
    }
    Ok(())
}

pub fn apply(store: &mut Store, candidate: &str, job: &str, json: bool) -> Result<(), Failure> {
    let a = store.apply(&stamp(), candidate, job)?;
    out(json, json!(a), |w| {
        let _ = writeln!(w, "Application {}: {} → {} ({})", a.uuid, a.candidate_name, a.job_title, a.stage);
    });
    Ok(())
}

pub fn stage(
    store: &mut Store,
    application: &str,
    stage: &str,
    reason: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let to = Stage::parse(stage)?;
    let a = store.move_stage(&stamp(), application, to, reason)?;
    out(json, json!(a), |w| {
        let _ = writeln!(w, "{} is now at {} for {}", a.candidate_name, a.stage, a.job_title);
    });
    Ok(())
}

pub fn doc(store: &mut Store, cmd: &DocCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        DocCommand::Add { candidate, file, kind } => {
            let meta = std::fs::metadata(file).map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
            let limit = store.document_size_limit()?;
            // Refuse an oversized file before reading it into memory.
            vivier::documents::check_size(meta.len(), limit).map_err(PipelineError::from)?;
            let bytes = std::fs::read(file).map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (info, extraction) = store.add_document(
                &stamp,
                candidate,
                Upload { kind, file_name: &name, bytes: &bytes },
                &extractor(),
            )?;
            let reason = match &extraction {
                Extraction::Text(_) => None,
                Extraction::NoText { reason } => Some(reason.clone()),
            };
            out(json, json!({"document": info, "no_text_reason": reason}), |w| {
                let _ = writeln!(w, "Stored {} ({}, {} bytes)", info.uuid, info.media_type, info.size);
                if let Some(r) = &reason {
                    let _ = writeln!(
                        w,
                        "No text could be extracted: {r}. The document is stored; it will not be found by search."
                    );
                }
            });
        }
        DocCommand::Get { document, output, force, reveal } => {
            if output.exists() && !force {
                return Err(usage(format!("{} exists; use --force to replace it", output.display())));
            }
            let (info, bytes) = store.document_original(&stamp, document, OriginalUse::Export, *reveal)?;
            write_private(output, &bytes)
                .map_err(|e| Failure { code: Code::Io, message: format!("cannot write {}: {e}", output.display()) })?;
            out(json, json!({"document": info, "written": output}), |w| {
                let _ = writeln!(w, "Wrote {} ({} bytes) to {}", info.file_name, info.size, output.display());
            });
        }
        DocCommand::Text { document, reveal } => {
            let (info, text) = store.document_text(&stamp, document, *reveal)?;
            out(json, json!({"document": info, "text": text}), |w| match &text {
                Some(t) => {
                    let _ = writeln!(w, "{t}");
                }
                None => {
                    let _ = writeln!(w, "({} has no extracted text)", info.file_name);
                }
            });
        }
    }
    Ok(())
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

pub fn note(store: &mut Store, cmd: &NoteCommand, json: bool) -> Result<(), Failure> {
    let NoteCommand::Add { candidate, text, feedback, application, ratings } = cmd;
    let ratings = ratings
        .iter()
        .map(|r| {
            let (c, s) = r.rsplit_once('=').ok_or_else(|| usage(format!("rating \"{r}\" is not CRITERION=SCORE")))?;
            let s: u8 = s.trim().parse().map_err(|_| usage(format!("rating \"{r}\": the score is 1 to 5")))?;
            Ok((c.to_owned(), s))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let note = store.add_note(
        &stamp(),
        candidate,
        NewNote { body: text.clone(), feedback: *feedback, application: application.clone(), ratings },
    )?;
    out(json, json!(note), |w| {
        let _ = writeln!(w, "Added {} {}", note.kind, note.uuid);
    });
    Ok(())
}

pub fn search(store: &mut Store, a: &SearchArgs, json: bool) -> Result<(), Failure> {
    let filter = SearchFilter {
        job: a.job.clone(),
        stage: a.stage.as_deref().map(Stage::parse).transpose()?,
        source: a.source.clone(),
        since: a.since.as_deref().map(date).transpose()?,
        until: a.until.as_deref().map(date).transpose()?,
        limit: a.limit,
    };
    let hits = store.search(&stamp(), &a.query, &filter)?;
    out(json, json!(hits), |w| {
        if hits.is_empty() {
            let _ = writeln!(w, "Nobody matches.");
        }
        for h in &hits {
            let _ = writeln!(
                w,
                "{}  {:<28} [{}] {}",
                &h.candidate_uuid[..8],
                h.full_name,
                h.field,
                h.snippet.replace('\n', " ")
            );
        }
    });
    Ok(())
}

pub fn audit(store: &mut Store, cmd: &AuditCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        AuditCommand::List { candidate, limit } => {
            let entries = store.audit_entries(candidate.as_deref(), *limit)?;
            out(json, json!(entries), |w| {
                for e in &entries {
                    let _ = writeln!(
                        w,
                        "{:>6}  {}  {:<10} {:<12} {}  {}",
                        e.seq,
                        e.at,
                        e.actor,
                        e.action,
                        e.candidate_uuid.as_deref().unwrap_or("-"),
                        e.detail.as_deref().unwrap_or("")
                    );
                }
            });
        }
        AuditCommand::Verify => {
            let verdict = store.verify_audit()?;
            if let Some(b) = verdict.first_broken {
                return Err(Failure {
                    code: Code::AuditBroken,
                    message: format!(
                        "the audit log is broken at entry {} of {}: {}. Keep this database as evidence and restore \
                         the log from a backup",
                        b.seq, verdict.entries, b.reason
                    ),
                });
            }
            out(json, json!(verdict), |w| {
                let _ = writeln!(w, "The audit log is intact ({} entries).", verdict.entries);
            });
        }
    }
    Ok(())
}
