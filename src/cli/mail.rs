//! `vivier mail`: import .eml and .mbox files (each message parsed within limits, imported
//! once, tied to a candidate or left in triage, the right it asks for opened as a request),
//! HR's triage (list, link, create, dismiss) and the requests opened from replies (list,
//! confirm, dismiss). The rules are the engine's (`vivier::mail`, `vivier::requests`).

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use vivier::db::Store;
use vivier::mail::{ImportResult, Intake, MailError};

use super::pipeline::{extractor, stamp};
use super::{Failure, out};

impl From<MailError> for Failure {
    fn from(e: MailError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Import .eml and .mbox files: each message is imported once, tied to a candidate (or
    /// left in triage), and a right asked for in a reply opens a request.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Messages no candidate could be found for.
    #[command(subcommand)]
    Triage(TriageCommand),
    /// Requests opened from candidates' replies (erasure, objection, access, ...).
    #[command(subcommand)]
    Requests(RequestsCommand),
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Messages waiting in triage, oldest first.
    List,
    /// Tie a message to an existing candidate (UUID, prefix or email address).
    Link { message: String, candidate: String },
    /// Create a candidate from the message's sender and tie the message to them.
    Create {
        message: String,
        /// The candidate's full name (default: the sender's display name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Dismiss a message: its content is deleted, only its identity stays (not imported again).
    Dismiss { message: String },
}

#[derive(Debug, Subcommand)]
pub enum RequestsCommand {
    /// Requests by due date (open ones; --all for confirmed and dismissed too).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Confirm a request: an erasure or objection goes through the retention engine.
    Confirm { request: String },
    /// Dismiss a request that is not a right after all.
    Dismiss { request: String },
}

pub fn mail(store: &mut Store, cmd: &MailCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        MailCommand::Import { files } => import(store, files, json),
        MailCommand::Triage(cmd) => triage(store, cmd, json),
        MailCommand::Requests(cmd) => requests(store, cmd, json),
    }
}

fn import(store: &mut Store, files: &[PathBuf], json: bool) -> Result<(), Failure> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let reports = store.import_mail_files(stamp, &paths, &extractor())?;
    out(json, json!(reports), |w| {
        for r in &reports {
            let _ = write!(w, "{} #{}: ", r.file, r.index);
            let _ = match &r.result {
                ImportResult::Rejected { message, .. } => writeln!(w, "rejected: {message}"),
                ImportResult::Intake(Intake::Duplicate { message }) => writeln!(w, "already imported ({message})"),
                ImportResult::Intake(Intake::Triaged { message, reason, .. }) => {
                    writeln!(w, "in triage ({}), message {message}", reason.as_str())
                }
                ImportResult::Intake(Intake::Matched {
                    candidate,
                    matched,
                    intent,
                    request,
                    application,
                    documents,
                    skipped,
                    ..
                }) => {
                    let _ = write!(w, "candidate {candidate} by {}, intent {}", matched.as_str(), intent.as_str());
                    if let Some(request) = request {
                        let _ = write!(w, ", request {request} opened");
                    }
                    if let Some(application) = application {
                        let _ = write!(w, ", application {application}");
                    }
                    if !documents.is_empty() {
                        let _ = write!(w, ", {} document(s)", documents.len());
                    }
                    for s in skipped {
                        let _ = write!(w, "; kept in the message only: {s}");
                    }
                    writeln!(w)
                }
            };
        }
    });
    Ok(())
}

fn triage(store: &mut Store, cmd: &TriageCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        TriageCommand::List => {
            let items = store.triage_list()?;
            out(json, json!(items), |w| {
                for i in &items {
                    let _ = writeln!(
                        w,
                        "{}  {}  {:<26} {:<28} {}",
                        &i.message,
                        i.received_at.format("%Y-%m-%d"),
                        i.reason.as_deref().unwrap_or(""),
                        i.from.as_deref().unwrap_or("(no sender)"),
                        i.subject.as_deref().unwrap_or("")
                    );
                }
                if items.is_empty() {
                    let _ = writeln!(w, "Nothing waits in triage.");
                }
            });
        }
        TriageCommand::Link { message, candidate } => {
            let linked = store.triage_link(&stamp(), message, candidate)?;
            print_linked(&linked, json);
        }
        TriageCommand::Create { message, name } => {
            let linked = store.triage_create(&stamp(), message, name.as_deref())?;
            print_linked(&linked, json);
        }
        TriageCommand::Dismiss { message } => {
            let uuid = store.triage_dismiss(&stamp(), message)?;
            out(json, json!({"dismissed": uuid}), |w| {
                let _ = writeln!(w, "Message {uuid} dismissed; its content is deleted.");
            });
        }
    }
    Ok(())
}

fn print_linked(linked: &vivier::mail::intake::Linked, json: bool) {
    out(json, json!(linked), |w| {
        let _ = write!(
            w,
            "Message {} tied to candidate {}, intent {}",
            linked.message,
            linked.candidate,
            linked.intent.as_str()
        );
        if let Some(r) = &linked.request {
            let _ = write!(w, ", request {r} opened");
        }
        let _ = writeln!(w, ".");
    });
}

fn requests(store: &mut Store, cmd: &RequestsCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        RequestsCommand::List { all } => {
            let list = store.requests(!all)?;
            out(json, json!(list), |w| {
                for r in &list {
                    let _ = writeln!(
                        w,
                        "{}  {:<10} {:<9} received {}  due {}  {} ({}){}",
                        r.uuid,
                        r.kind,
                        r.status,
                        r.received_at.format("%Y-%m-%d"),
                        r.due_on,
                        r.candidate_name,
                        r.candidate,
                        r.detail.as_deref().map(|d| format!("  new values: {d}")).unwrap_or_default()
                    );
                }
                if list.is_empty() {
                    let _ = writeln!(w, "No open request.");
                }
            });
        }
        RequestsCommand::Confirm { request } => {
            let confirmed = store.confirm_request(&stamp(), request)?;
            out(json, json!(confirmed), |w| {
                let _ = write!(w, "Request {} ({}) confirmed", confirmed.request, confirmed.kind);
                if let Some(o) = &confirmed.outcome {
                    if o.purged.is_some() {
                        let _ = write!(w, "; candidate {} purged", o.candidate_uuid);
                    } else {
                        let _ = write!(w, "; candidate {} kept until no application is open", o.candidate_uuid);
                    }
                }
                if !confirmed.withdrawn.is_empty() {
                    let _ = write!(w, "; {} application(s) withdrawn", confirmed.withdrawn.len());
                }
                let _ = writeln!(w, ".");
            });
        }
        RequestsCommand::Dismiss { request } => {
            let uuid = store.dismiss_request(&stamp(), request)?;
            out(json, json!({"dismissed": uuid}), |w| {
                let _ = writeln!(w, "Request {uuid} dismissed.");
            });
        }
    }
    Ok(())
}
