//! `vivier mail template list|show|edit|reset`, `vivier mail compose` and `vivier retention
//! renew-request`: HR's email written from templates (French and English, the privacy
//! footer appended), previewed or queued into the outbox (`vivier mail send-due` sends
//! it), and consent-renewal requests to the Retention screen's list. The rules are the
//! engine's (`vivier::mail::compose`); a template is edited from a file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, Subcommand};
use serde_json::json;

use vivier::db::Store;
use vivier::letters::format::Lang;
use vivier::mail::compose::{ComposeError, ComposeRequest, Kind, MailTemplateInfo, Preview, SkipReason};

use super::pipeline::stamp;
use super::{Failure, out, usage};

impl From<ComposeError> for Failure {
    fn from(e: ComposeError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Every mail template (kind, language, edited or shipped).
    List,
    /// A template's text (first line: the subject).
    Show {
        /// acknowledgement, interview, rejection, offer, request_ack, renewal
        kind: String,
        #[arg(long, default_value = "fr")]
        lang: String,
    },
    /// Replace a template's text with a file's (checked, and refused by the guard like any HR text).
    Edit {
        kind: String,
        #[arg(long, default_value = "fr")]
        lang: String,
        /// The file holding the new text: the subject, an empty line, the message.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Restore the shipped text of a template.
    Reset {
        kind: String,
        #[arg(long, default_value = "fr")]
        lang: String,
    },
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// The candidate (UUID, prefix or email address).
    candidate: String,
    /// acknowledgement, interview, rejection, offer, request_ack, renewal
    #[arg(long)]
    template: String,
    /// fr or en (default: the candidate's language).
    #[arg(long)]
    lang: Option<String>,
    /// A field HR fills in, as name=value (interview.date=2026-12-10, interview.time=10:00,
    /// interview.place=…); repeatable.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    fields: Vec<String>,
    /// The application it is about (default: the candidate's latest).
    #[arg(long)]
    application: Option<String>,
    /// The request a request_ack answers (default: the candidate's latest open one).
    #[arg(long)]
    request: Option<String>,
    /// Show the message without queueing it.
    #[arg(long)]
    preview: bool,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// Candidates whose data goes within this many days: 30, 60 or 90.
    #[arg(long, default_value = "30", value_parser = clap::builder::PossibleValuesParser::new(["30", "60", "90"]).try_map(|s| s.parse::<u32>()))]
    within: u32,
    /// Only these candidates of the list (repeatable).
    #[arg(long)]
    candidate: Vec<String>,
}

fn kind(raw: &str) -> Result<Kind, Failure> {
    Kind::parse(raw).ok_or_else(|| {
        usage(format!(
            "\"{raw}\" is not a template; choose one of {}",
            Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })
}

fn lang(raw: &str) -> Result<Lang, Failure> {
    Lang::parse(raw).ok_or_else(|| usage(format!("\"{raw}\" is not a language; choose fr or en")))
}

fn print_template(w: &mut dyn Write, t: &MailTemplateInfo) {
    let _ = writeln!(w, "{}", t.body.trim_end());
}

pub fn template(store: &mut Store, cmd: &TemplateCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        TemplateCommand::List => {
            let all = store.mail_templates()?;
            out(json, json!(all), |w| {
                for t in &all {
                    let subject = t.body.lines().next().unwrap_or_default();
                    let _ = writeln!(
                        w,
                        "{:<16} {}  {:<8} {}",
                        t.kind.as_str(),
                        t.language.as_str(),
                        if t.edited { "edited" } else { "shipped" },
                        subject
                    );
                }
            });
        }
        TemplateCommand::Show { kind: k, lang: l } => {
            let t = store.mail_template(kind(k)?, lang(l)?)?;
            out(json, json!(t), |w| print_template(w, &t));
        }
        TemplateCommand::Edit { kind: k, lang: l, from } => {
            let body = std::fs::read_to_string(from)
                .map_err(|e| usage(format!("cannot read {} as UTF-8 text: {e}", from.display())))?;
            let t = store.save_mail_template(&stamp, kind(k)?, lang(l)?, &body)?;
            out(json, json!(t), |w| {
                let _ = writeln!(w, "Saved {} ({}).", t.kind.as_str(), t.language.as_str());
            });
        }
        TemplateCommand::Reset { kind: k, lang: l } => {
            let t = store.reset_mail_template(&stamp, kind(k)?, lang(l)?)?;
            out(json, json!(t), |w| {
                let _ = writeln!(w, "{} ({}) is the shipped text again.", t.kind.as_str(), t.language.as_str());
            });
        }
    }
    Ok(())
}

fn print_preview(w: &mut dyn Write, p: &Preview) {
    let _ = writeln!(w, "To: {}", p.to.as_deref().unwrap_or("(no email address)"));
    let _ = writeln!(w, "Subject: {}", p.subject);
    for a in &p.attachments {
        let _ = writeln!(w, "Attached: {} ({} bytes)", a.filename, a.size);
    }
    let _ = writeln!(w, "\n{}", p.body.trim_end());
}

pub fn compose(store: &mut Store, args: &ComposeArgs, json: bool) -> Result<(), Failure> {
    let mut fields = BTreeMap::new();
    for f in &args.fields {
        let (name, value) = f.split_once('=').ok_or_else(|| usage(format!("--field \"{f}\" is not NAME=VALUE")))?;
        fields.insert(name.trim().to_owned(), value.to_owned());
    }
    let req = ComposeRequest {
        candidate: args.candidate.clone(),
        kind: Some(kind(&args.template)?),
        language: args.lang.as_deref().map(lang).transpose()?,
        application: args.application.clone(),
        request: args.request.clone(),
        fields,
    };
    let stamp = stamp();
    if args.preview {
        let p = store.preview_mail(&stamp, &req)?;
        out(json, json!(p), |w| print_preview(w, &p));
    } else {
        let q = store.queue_mail(&stamp, &req)?;
        out(json, json!(q), |w| {
            print_preview(w, &q.preview);
            let _ = writeln!(
                w,
                "\nQueued ({}, {}); `vivier mail send-due` sends it.",
                q.outbox_uuid.get(..8).unwrap_or(&q.outbox_uuid),
                q.message_id
            );
        });
    }
    Ok(())
}

fn reason(r: SkipReason) -> &'static str {
    match r {
        SkipReason::NoEmail => "no email address",
        SkipReason::Objected => "objected to being kept",
        SkipReason::Erasure => "erasure confirmed",
        SkipReason::Hired => "kept by law after a contract, not by consent",
        SkipReason::Held => "under a legal hold",
        SkipReason::AlreadyAsked => "already asked within the window",
        SkipReason::NotDue => "their data does not go within the window",
    }
}

pub fn renew_request(store: &mut Store, args: &RenewArgs, json: bool) -> Result<(), Failure> {
    let only = (!args.candidate.is_empty()).then_some(args.candidate.as_slice());
    let report = store.request_renewals(&stamp(), args.within, only)?;
    out(json, json!(report), |w| {
        for q in &report.queued {
            let _ = writeln!(w, "queued   {}  {}", q.preview.to.as_deref().unwrap_or_default(), q.preview.subject);
        }
        for s in &report.skipped {
            let _ = writeln!(w, "skipped  {}  {}", s.full_name, reason(s.reason));
        }
        let _ = writeln!(
            w,
            "{} renewal request(s) queued, {} left out; `vivier mail send-due` sends them.",
            report.queued.len(),
            report.skipped.len()
        );
    });
    Ok(())
}
