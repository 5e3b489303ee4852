//! `vivier mail`: the intake — import .eml and .mbox files (each message parsed within
//! limits, imported once, tied to a candidate or left in triage, the right it asks for
//! opened as a request), HR's triage (list, link, create, dismiss) and the requests opened
//! from replies (list, confirm, dismiss) — and the transport — `mail settings
//! imap|smtp|show`, `mail test imap|smtp`, `mail fetch` (for a timer; each fetched message
//! goes through the same intake as an imported file, see `vivier::mail::fetch`), `mail
//! send`, `mail send-due` and `mail outbox list|retry`. The rules are the engine's
//! (`vivier::mail`, `vivier::requests`). Passwords come from VIVIER_IMAP_PASSWORD /
//! VIVIER_SMTP_PASSWORD or a terminal prompt, never from an argument, and are kept in the
//! OS keyring; at fetch and send time the same variables, when set, take the keyring's
//! place (a server without a keyring).

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};
use serde_json::json;

use vivier::data_dir::DataDir;
use vivier::db::Store;
use vivier::keys::Keyring;
use vivier::mail::transport::imap::{self, ImapAccount, Processed};
use vivier::mail::transport::outbox::{self, Attachment, Outgoing};
use vivier::mail::transport::settings::{self, Server, SmtpSettings};
use vivier::mail::transport::sync;
use vivier::mail::transport::{Endpoint, MailPassword, MailTransportError, Security, smtp};
use vivier::mail::{FetchIntake, ImportResult, Intake, MailError};

use super::pipeline::{extractor, stamp};
use super::{Failure, out, usage};

impl From<MailError> for Failure {
    fn from(e: MailError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

impl From<MailTransportError> for Failure {
    fn from(e: MailTransportError) -> Failure {
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
    /// Save the IMAP or SMTP settings (the password goes to the OS keyring), or show them.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Connect, secure and log in to the IMAP or SMTP server, and say what went wrong.
    Test {
        #[arg(value_parser = ["imap", "smtp"])]
        server: String,
    },
    /// Fetch new messages from the IMAP mailbox into the intake (run it from a timer).
    Fetch,
    /// Queue a message and send what is due.
    Send(SendArgs),
    /// Send what is due in the outbox (retries included).
    SendDue,
    /// The outbox: list, retry.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Mail templates: list, show, edit (from a file), reset.
    #[command(subcommand)]
    Template(super::compose::TemplateCommand),
    /// Write to a candidate from a template: preview it, or queue it (`mail send-due` sends it).
    Compose(super::compose::ComposeArgs),
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
    /// Requests by due date (pending ones; --all for answered ones too). The register
    /// itself is `vivier request`.
    List {
        #[arg(long)]
        all: bool,
    },
    /// Confirm a request: an erasure or objection goes through the retention engine.
    Confirm { request: String },
    /// Dismiss a request that is not a right after all (refused: "not a request").
    Dismiss { request: String },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    Imap(ImapArgs),
    Smtp(SmtpArgs),
    /// The saved settings (never the passwords).
    Show,
}

#[derive(Debug, Args)]
pub struct EndpointArgs {
    #[arg(long)]
    host: String,
    /// Default: 993 (IMAP, tls), 143 (IMAP, starttls), 465 (SMTP, tls), 587 (SMTP, starttls).
    #[arg(long)]
    port: Option<u16>,
    /// tls, starttls, or plain (plain only to localhost).
    #[arg(long, default_value = "tls")]
    security: String,
    #[arg(long)]
    user: String,
    /// A PEM file of certificate authorities to trust beside the built-in ones.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Seconds to wait for the server.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
}

#[derive(Debug, Args)]
pub struct ImapArgs {
    #[command(flatten)]
    endpoint: EndpointArgs,
    #[arg(long, default_value = "INBOX")]
    mailbox: String,
    /// The flag set on imported messages: \Seen or a keyword.
    #[arg(long, default_value = "$Vivier", conflicts_with = "move_to")]
    flag: String,
    /// Move imported messages to this folder instead of flagging them.
    #[arg(long, value_name = "FOLDER")]
    move_to: Option<String>,
    /// How often the timer runs `vivier mail fetch`, in seconds.
    #[arg(long, default_value_t = 300)]
    poll_secs: u64,
}

#[derive(Debug, Args)]
pub struct SmtpArgs {
    #[command(flatten)]
    endpoint: EndpointArgs,
    /// The sender, e.g. "Jobs <jobs@example.org>".
    #[arg(long)]
    from: String,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[arg(long, required = true)]
    to: Vec<String>,
    #[arg(long)]
    subject: String,
    /// The text, or - to read it from stdin.
    #[arg(long)]
    body: String,
    /// The candidate the message is about (its timeline shows it).
    #[arg(long)]
    candidate: Option<String>,
    /// The Message-ID this message answers.
    #[arg(long)]
    in_reply_to: Option<String>,
    /// A file to attach (repeatable); its type is read from its extension.
    #[arg(long, value_name = "FILE")]
    attach: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    List,
    /// Queue a failed message again, due at once.
    Retry {
        id: String,
    },
}

pub fn mail(dir: &DataDir, store: &mut Store, cmd: &MailCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        MailCommand::Import { files } => import(store, files, json),
        MailCommand::Triage(cmd) => triage(store, cmd, json),
        MailCommand::Requests(cmd) => requests(store, cmd, json),
        MailCommand::Settings(SettingsCommand::Imap(args)) => {
            let processed = match &args.move_to {
                Some(folder) => Processed::Move(folder.clone()),
                None => Processed::Flag(args.flag.clone()),
            };
            let account = ImapAccount {
                endpoint: endpoint(&args.endpoint, Server::Imap)?,
                mailbox: args.mailbox.clone(),
                processed,
                poll_secs: args.poll_secs,
                max_message_bytes: imap::DEFAULT_MAX_MESSAGE,
            };
            settings::save_imap(store, &account)?;
            let kept = keep_password(dir, Server::Imap, &account.endpoint)?;
            saved(json, "IMAP", kept);
            Ok(())
        }
        MailCommand::Settings(SettingsCommand::Smtp(args)) => {
            let smtp = SmtpSettings { endpoint: endpoint(&args.endpoint, Server::Smtp)?, from: args.from.clone() };
            settings::save_smtp(store, &smtp)?;
            let kept = keep_password(dir, Server::Smtp, &smtp.endpoint)?;
            saved(json, "SMTP", kept);
            Ok(())
        }
        MailCommand::Settings(SettingsCommand::Show) => {
            let imap = settings::load_imap(store).ok();
            let smtp = settings::load_smtp(store).ok();
            out(json, json!({"imap": imap, "smtp": smtp}), |w| {
                match &imap {
                    Some(a) => {
                        let e = &a.endpoint;
                        let _ = writeln!(
                            w,
                            "IMAP  {}@{}:{} ({}), mailbox {}, every {} s",
                            e.user,
                            e.host,
                            e.port,
                            e.security.as_str(),
                            a.mailbox,
                            a.poll_secs
                        );
                    }
                    None => {
                        let _ = writeln!(w, "IMAP  not set");
                    }
                }
                match &smtp {
                    Some(s) => {
                        let e = &s.endpoint;
                        let _ = writeln!(
                            w,
                            "SMTP  {}@{}:{} ({}), from {}",
                            e.user,
                            e.host,
                            e.port,
                            e.security.as_str(),
                            s.from
                        );
                    }
                    None => {
                        let _ = writeln!(w, "SMTP  not set");
                    }
                }
            });
            Ok(())
        }
        MailCommand::Test { server } if server == "imap" => {
            let account = settings::load_imap(store)?;
            let password = password(dir, Server::Imap)?;
            let info = imap::test_connection(&account, &password)?;
            out(json, json!(info), |w| {
                let _ = writeln!(w, "IMAP works: {} holds {} messages.", info.mailbox, info.messages);
            });
            Ok(())
        }
        MailCommand::Test { .. } => {
            let smtp = settings::load_smtp(store)?;
            let password = password(dir, Server::Smtp)?;
            smtp::test_connection(&smtp.endpoint, &password)?;
            out(json, json!({"ok": true}), |w| {
                let _ = writeln!(w, "SMTP works: logged in to {}.", smtp.endpoint.host);
            });
            Ok(())
        }
        MailCommand::Fetch => fetch(dir, store, json),
        MailCommand::Send(args) => {
            let smtp = settings::load_smtp(store)?;
            let body = if args.body == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
                text
            } else {
                args.body.clone()
            };
            let mut attachments = Vec::new();
            for path in &args.attach {
                let bytes = std::fs::read(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
                let filename = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                attachments.push(Attachment { content_type: content_type(&filename).into(), filename, bytes });
            }
            let message = Outgoing {
                candidate: args.candidate.clone(),
                to: args.to.clone(),
                subject: args.subject.clone(),
                body_text: body,
                in_reply_to: args.in_reply_to.clone(),
                attachments,
            };
            let (uuid, message_id) = outbox::queue(store, &smtp.from, &message, Utc::now())?;
            let password = password(dir, Server::Smtp)?;
            let report = outbox::send_due(store, &smtp.endpoint, &password, Utc::now())?;
            let entry = outbox::list(store)?.into_iter().find(|e| e.uuid == uuid);
            let status = entry.as_ref().map(|e| e.status.clone()).unwrap_or_default();
            out(json, json!({"uuid": uuid, "message_id": message_id, "status": status, "run": report}), |w| {
                let _ = match &entry {
                    Some(e) if e.status == "sent" => writeln!(w, "Sent ({message_id})."),
                    Some(e) => writeln!(
                        w,
                        "Not sent yet ({}): {}. It stays in the outbox ({}).",
                        e.status,
                        e.last_error.as_deref().unwrap_or("waiting"),
                        short(&uuid)
                    ),
                    None => writeln!(w, "Queued ({}).", short(&uuid)),
                };
            });
            Ok(())
        }
        MailCommand::SendDue => {
            let smtp = settings::load_smtp(store)?;
            let password = password(dir, Server::Smtp)?;
            let report = outbox::send_due(store, &smtp.endpoint, &password, Utc::now())?;
            out(json, json!(report), |w| {
                let _ = writeln!(
                    w,
                    "{} sent, {} waiting for a retry, {} failed, {} interrupted.",
                    report.sent, report.deferred, report.failed, report.interrupted
                );
            });
            Ok(())
        }
        MailCommand::Outbox(OutboxCommand::List) => {
            let entries = outbox::list(store)?;
            out(json, json!(entries), |w| {
                for e in &entries {
                    let _ = writeln!(
                        w,
                        "{}  {:<7}  {}  {}  attempts {}{}",
                        short(&e.uuid),
                        e.status,
                        e.to.join(", "),
                        e.subject,
                        e.attempts,
                        e.last_error.as_deref().map(|m| format!("\n          {m}")).unwrap_or_default()
                    );
                }
            });
            Ok(())
        }
        MailCommand::Template(cmd) => super::compose::template(store, cmd, json),
        MailCommand::Compose(args) => super::compose::compose(store, args, json),
        MailCommand::Outbox(OutboxCommand::Retry { id }) => {
            outbox::retry(store, id, Utc::now())?;
            out(json, json!({"queued": id}), |w| {
                let _ = writeln!(w, "Queued again; `vivier mail send-due` sends it.");
            });
            Ok(())
        }
    }
}

fn short(uuid: &str) -> &str {
    uuid.get(..8).unwrap_or(uuid)
}

fn content_type(filename: &str) -> &'static str {
    let lower = filename.to_ascii_lowercase();
    match lower.rsplit_once('.').map(|(_, ext)| ext) {
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

fn endpoint(args: &EndpointArgs, server: Server) -> Result<Endpoint, Failure> {
    let security = Security::parse(&args.security)?;
    let port = args.port.unwrap_or(match (server, security) {
        (Server::Imap, Security::Tls) => 993,
        (Server::Imap, _) => 143,
        (Server::Smtp, Security::Tls) => 465,
        (Server::Smtp, Security::StartTls) => 587,
        (Server::Smtp, Security::Plain) => 25,
    });
    let extra_ca = match &args.ca_file {
        Some(p) => Some(std::fs::canonicalize(p).map_err(|e| usage(format!("cannot read {}: {e}", p.display())))?),
        None => None,
    };
    Ok(Endpoint {
        host: args.host.trim().to_owned(),
        port,
        security,
        user: args.user.trim().to_owned(),
        extra_ca,
        timeout_secs: args.timeout_secs,
    })
}

fn variable(server: Server) -> &'static str {
    match server {
        Server::Imap => "VIVIER_IMAP_PASSWORD",
        Server::Smtp => "VIVIER_SMTP_PASSWORD",
    }
}

fn store_id(dir: &DataDir) -> Result<String, Failure> {
    Ok(dir.key_file()?.map(|kf| kf.store_id).unwrap_or_default())
}

/// The password to use now: the variable when set, else the keyring's.
fn password(dir: &DataDir, server: Server) -> Result<MailPassword, Failure> {
    if let Ok(text) = std::env::var(variable(server)) {
        return Ok(MailPassword::new(text));
    }
    let keyring = Keyring::system()?;
    Ok(settings::load_password(&keyring, &store_id(dir)?, server)?)
}

/// Keeps the password given through the variable or typed at the prompt in the keyring.
/// Without either, the one kept before stays. Returns whether one was kept now.
fn keep_password(dir: &DataDir, server: Server, endpoint: &Endpoint) -> Result<bool, Failure> {
    let password = match std::env::var(variable(server)) {
        Ok(text) => MailPassword::new(text),
        Err(_) if std::io::stdin().is_terminal() => {
            let prompt = format!("Password of {} on {}: ", endpoint.user, endpoint.host);
            MailPassword::new(
                rpassword::prompt_password(prompt).map_err(|e| usage(format!("cannot read the password: {e}")))?,
            )
        }
        Err(_) => return Ok(false),
    };
    let keyring = Keyring::system()?;
    settings::save_password(&keyring, &store_id(dir)?, server, &password)?;
    Ok(true)
}

fn saved(json: bool, what: &str, password_kept: bool) {
    out(json, json!({"saved": what.to_ascii_lowercase(), "password_kept": password_kept}), |w| {
        let _ = writeln!(
            w,
            "{what} settings saved{}.",
            if password_kept { "; the password is in the OS keyring" } else { "; the password was left as it was" }
        );
    });
}

/// IMAP → the intake: each message parsed then taken in like an imported file; the
/// mailbox's state recorded after; marked on the server only once taken in.
fn fetch(dir: &DataDir, store: &mut Store, json: bool) -> Result<(), Failure> {
    let mut account = settings::load_imap(store)?;
    let password = password(dir, Server::Imap)?;
    let state = sync::load(store.connection(), &account.state_key(), &account.mailbox)
        .map_err(|e| Failure { code: vivier::error::Code::Database, message: e.to_string() })?;
    let started = std::time::Instant::now();
    let extractor = extractor();
    let mut intake = FetchIntake::new(store, stamp().actor, Utc::now, &extractor)?;
    // A message the intake would refuse as too large need not be read whole.
    account.max_message_bytes = account.max_message_bytes.min(intake.max_size() as u64);
    let report = imap::fetch(&account, &password, state, &mut intake).map_err(|e| match e {
        imap::FetchError::Transport(e) => Failure::from(e),
        imap::FetchError::Intake(e) => Failure::from(e),
    })?;
    let (matched, triaged, duplicate, rejected) = intake.counts();
    let outcomes = std::mem::take(&mut intake.outcomes);
    let mut value = json!(report);
    if let Some(map) = value.as_object_mut() {
        map.insert("messages".into(), json!(outcomes));
    }
    out(json, value, |w| {
        let _ = writeln!(
            w,
            "{} new message(s) in {:.1} s{}: {matched} tied to a candidate, {triaged} in triage, \
             {duplicate} already imported, {rejected} rejected.",
            report.committed,
            started.elapsed().as_secs_f64(),
            if report.rescanned { " (the mailbox was renumbered: read again from the start)" } else { "" }
        );
        for f in &outcomes {
            if let ImportResult::Rejected { message, .. } = &f.result {
                let _ = writeln!(w, "UID {}: rejected ({message}); left on the server, read it there.", f.uid);
            }
        }
    });
    Ok(())
}

fn import(store: &mut Store, files: &[PathBuf], json: bool) -> Result<(), Failure> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let reports = store.import_mail_files(stamp, &paths, &extractor())?;
    out(json, json!(reports), |w| {
        for r in &reports {
            let _ = write!(w, "{} #{}: ", r.file, r.index);
            let _ = match &r.result {
                ImportResult::Rejected { message, .. } => writeln!(w, "rejected: {message}"),
                ImportResult::Failed { message, .. } => {
                    writeln!(w, "failed, not imported ({message}); the other messages were imported")
                }
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
                    no_text,
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
                    for s in no_text {
                        let _ = write!(w, "; stored without text: {s}");
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
            super::request::print_list(json, &store.requests(!all)?, Utc::now().date_naive());
        }
        RequestsCommand::Confirm { request } => {
            super::request::print_confirmed(json, &store.confirm_request(&stamp(), request)?);
        }
        RequestsCommand::Dismiss { request } => {
            let uuid = store.dismiss_request(&stamp(), request)?;
            out(json, json!({"dismissed": uuid}), |w| {
                let _ = writeln!(w, "Request {uuid} dismissed (refused: not a request).");
            });
        }
    }
    Ok(())
}
