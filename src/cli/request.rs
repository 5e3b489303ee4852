//! `vivier request`: the requests register (promise P5) — add a request received by
//! letter, phone, at the desk or by email; list it by status and due date (overdue ones
//! with `--overdue`); show one with its history; note how a sender's identity was checked;
//! confirm (the engine acts: an erasure purges at once), refuse with a reason, extend the
//! delay with a reason (only within the first month). The rules are the engine's
//! (`vivier::requests`); `vivier mail requests` goes through the same register.

use std::io::Write;
use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};
use serde_json::json;

use vivier::access::AccessError;
use vivier::db::Store;
use vivier::letters::format::Lang;
use vivier::requests::register::{Confirmed, Filter, Request};
use vivier::requests::{Channel, Kind, NewRequest, RequestError, Status};

use super::pipeline::stamp;
use super::{Failure, day, out, usage};

impl From<RequestError> for Failure {
    fn from(e: RequestError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

impl From<AccessError> for Failure {
    fn from(e: AccessError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Register a request received by hand (a letter, a call, at the desk, a form, an email).
    Add(AddArgs),
    /// The register by due date: pending requests (open, identity check, awaiting
    /// confirmation) unless --status or --all says otherwise.
    List(ListArgs),
    /// One request with its history (who did what, when).
    Show { request: String },
    /// Note how the identity of the request's sender was checked.
    Identity {
        request: String,
        #[arg(long)]
        note: String,
    },
    /// Confirm a request: the engine acts on it (an erasure purges at once when nothing
    /// holds the data; a hire's erasure is refused, restrict instead); an access or a
    /// correction is marked done once HR has acted.
    Confirm { request: String },
    /// Refuse a request, with the reason the candidate is told.
    Refuse {
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// Build the access archive of the request's candidate — everything held on them as
    /// JSON with its schema, their documents and messages, and a summary PDF in their
    /// language — and mark an access request done. Refused until a sender's identity is
    /// checked (`vivier request identity`).
    Export {
        request: String,
        /// The archive to write (a .zip file).
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// The summary's language (fr or en); the candidate's by default.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Extend the delay by 1 or 2 months (2 in all), with the reason the candidate is told;
    /// only within the first month after receipt.
    Extend {
        request: String,
        #[arg(long)]
        months: u32,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The candidate: UUID, prefix, or email address.
    candidate: String,
    /// access, correction, erasure, objection, restriction, withdrawal (or renewal).
    #[arg(long)]
    kind: String,
    /// The day it was received (YYYY-MM-DD); today by default.
    #[arg(long)]
    received: Option<String>,
    /// email, letter, phone, in-person or form.
    #[arg(long, default_value = "letter")]
    channel: String,
    /// What was asked, how it came.
    #[arg(long)]
    note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only those due before this day (YYYY-MM-DD).
    #[arg(long)]
    due_before: Option<String>,
    /// open, identity_check, awaiting_confirmation, done, refused; or pending, all.
    #[arg(long)]
    status: Option<String>,
    /// Only the pending ones past their due date.
    #[arg(long)]
    overdue: bool,
    /// Every request, answered ones included (same as --status all).
    #[arg(long)]
    all: bool,
    /// Only this candidate's.
    #[arg(long)]
    candidate: Option<String>,
}

fn kind(s: &str) -> Result<Kind, Failure> {
    Kind::parse(s.trim()).ok_or_else(|| {
        usage(format!("\"{s}\" is not a kind of request; give one of {}", Kind::ALL.map(Kind::as_str).join(", ")))
    })
}

fn channel(s: &str) -> Result<Channel, Failure> {
    Channel::parse(s.trim()).ok_or_else(|| {
        usage(format!("\"{s}\" is not a channel; give one of {}", Channel::ALL.map(Channel::as_str).join(", ")))
    })
}

/// The list filter from the command line: pending by default.
fn filter(args: &ListArgs) -> Result<Filter, Failure> {
    let mut filter = Filter {
        due_before: args.due_before.as_deref().map(day).transpose()?,
        overdue: args.overdue,
        candidate: args.candidate.clone(),
        ..Filter::default()
    };
    match args.status.as_deref().map(str::trim) {
        None if args.all => {}
        None | Some("pending") => filter.pending = true,
        Some("all") => {}
        Some(s) => {
            filter.status = Some(Status::parse(s).ok_or_else(|| {
                usage(format!(
                    "\"{s}\" is not a status; give one of {}, pending or all",
                    Status::ALL.map(Status::as_str).join(", ")
                ))
            })?)
        }
    }
    Ok(filter)
}

pub fn request(store: &mut Store, cmd: &RequestCommand, json: bool) -> Result<(), Failure> {
    let today = Utc::now().date_naive();
    match cmd {
        RequestCommand::Add(a) => {
            let new = NewRequest {
                candidate: a.candidate.clone(),
                kind: kind(&a.kind)?,
                channel: channel(&a.channel)?,
                received: a.received.as_deref().map(day).transpose()?,
                note: a.note.clone(),
            };
            let r = store.add_request(&stamp(), &new)?;
            out(json, json!(r), |w| {
                let _ = writeln!(
                    w,
                    "Request {} registered: {} by {} for {} ({}), received {}, due {}.",
                    r.uuid,
                    r.kind.as_str(),
                    r.channel.as_str(),
                    r.candidate_name,
                    r.candidate,
                    r.received_at.format("%Y-%m-%d"),
                    r.due_on
                );
            });
        }
        RequestCommand::List(args) => {
            let list = store.request_list(&filter(args)?, today)?;
            print_list(json, &list, today);
        }
        RequestCommand::Show { request } => {
            let detail = store.request_show(request)?;
            out(json, json!(detail), |w| {
                print_request(w, &detail.request, today);
                let r = &detail.request;
                let _ = writeln!(w, "  received   {} by {}", r.received_at.format("%Y-%m-%d"), r.channel.as_str());
                if r.extended_months > 0 {
                    let _ = writeln!(
                        w,
                        "  extended   by {} month(s) (first due {}): {}",
                        r.extended_months,
                        r.first_due_on,
                        r.extension_reason.as_deref().unwrap_or("")
                    );
                }
                if let Some(n) = &r.identity_note {
                    let _ = writeln!(w, "  identity   checked: {n}");
                }
                if let Some(n) = &r.note {
                    let _ = writeln!(w, "  note       {n}");
                }
                if let Some(d) = &r.detail {
                    let _ = writeln!(w, "  new values {d}");
                }
                if let Some(reason) = &r.refusal_reason {
                    let _ = writeln!(w, "  refused    {reason}");
                }
                for e in &detail.history {
                    let _ = writeln!(w, "  {}  {:<18} {}", e.at.format("%Y-%m-%d %H:%M"), e.action, e.actor);
                }
            });
        }
        RequestCommand::Identity { request, note } => {
            let r = store.note_identity(&stamp(), request, note)?;
            out(json, json!(r), |w| {
                let _ = writeln!(w, "Identity checked for request {}; it now awaits confirmation.", r.uuid);
            });
        }
        RequestCommand::Confirm { request } => {
            let confirmed = store.confirm_request(&stamp(), request)?;
            print_confirmed(json, &confirmed);
        }
        RequestCommand::Refuse { request, reason } => {
            let r = store.refuse_request(&stamp(), request, reason)?;
            out(json, json!(r), |w| {
                let _ = writeln!(w, "Request {} refused.", r.uuid);
            });
        }
        RequestCommand::Export { request, output, lang } => {
            let lang = match lang.as_deref() {
                None => None,
                Some(raw) => Some(Lang::parse(raw).ok_or_else(|| usage(format!("--lang {raw}: give fr or en")))?),
            };
            let r = store.request_show(request)?.request;
            if r.status == Status::IdentityCheck {
                return Err(RequestError::IdentityUnchecked { request: r.uuid }.into());
            }
            let archive = store.export_access(&stamp(), &r.candidate, output, lang)?;
            let done = if r.kind == Kind::Access && r.status.is_pending() {
                Some(store.fulfil_request(&stamp(), &r.uuid)?)
            } else {
                None
            };
            out(json, json!({ "archive": archive, "request": done.as_ref().unwrap_or(&r) }), |w| {
                let _ = writeln!(
                    w,
                    "Access archive of {} written to {}: {} rows, {} documents, {} messages, summary in {}.",
                    r.candidate_name,
                    output.display(),
                    archive.rows,
                    archive.documents,
                    archive.messages,
                    archive.language.as_str()
                );
                if done.is_some() {
                    let _ = writeln!(w, "Request {} is done. Send the archive to the candidate.", r.uuid);
                }
            });
        }
        RequestCommand::Extend { request, months, reason } => {
            let r = store.extend_request(&stamp(), request, *months, reason)?;
            out(json, json!(r), |w| {
                let _ = writeln!(
                    w,
                    "Request {} extended by {months} month(s): now due {}. Tell the candidate, with the reason.",
                    r.uuid, r.due_on
                );
            });
        }
    }
    Ok(())
}

fn print_request(w: &mut dyn Write, r: &Request, today: NaiveDate) {
    let late = if r.status.is_pending() && r.due_on < today { "  OVERDUE" } else { "" };
    let _ = writeln!(
        w,
        "{}  {:<11} {:<21} due {}{}  {} ({})",
        r.uuid,
        r.kind.as_str(),
        r.status.as_str(),
        r.due_on,
        late,
        r.candidate_name,
        r.candidate
    );
}

pub(super) fn print_list(json: bool, list: &[Request], today: NaiveDate) {
    out(json, json!(list), |w| {
        for r in list {
            print_request(w, r, today);
        }
        if list.is_empty() {
            let _ = writeln!(w, "No request.");
        }
    });
}

pub(super) fn print_confirmed(json: bool, confirmed: &Confirmed) {
    out(json, json!(confirmed), |w| {
        let _ = write!(w, "Request {} ({}) done", confirmed.request, confirmed.kind.as_str());
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
