//! The outbox: every message HR sends, from the moment it is written until the server
//! took it. A message is built once, when queued, with its Message-ID (so that replies
//! thread back to it) and its attachments; every attempt sends those same bytes.
//!
//! States: `queued` (waiting, maybe until `next_attempt_at`), `sending` (claimed by one
//! attempt), `sent`, `failed` (refused for good, or out of attempts; `retry` queues it
//! again). A transient failure (server away, slow, wrong password, untrusted certificate)
//! puts the message back in the queue with a growing delay.
//!
//! Nothing lost, nothing sent twice: the row is marked `sending` (committed) before the
//! server is contacted. If Vivier stops between the server's acceptance and the row being
//! marked `sent`, the row stays `sending`; once its claim has expired, the next run marks
//! it `failed` with the code `interrupted` instead of sending it again, because the
//! server may well have delivered it. HR sees it in the outbox and decides (`retry`).
//! Sending twice is what a recipient notices; the stable Message-ID makes even a manual
//! resend thread as the same message.

use chrono::{DateTime, Duration, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Endpoint, MailPassword, MailTransportError, smtp};
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{opt_ts, parse_ts, ts};

/// Attempts before a message is given up as `failed`.
pub const MAX_ATTEMPTS: u32 = 6;
/// How long an attempt holds its claim on a row; a `sending` row older than this was
/// interrupted.
pub const CLAIM: Duration = Duration::minutes(10);

/// The wait before attempt `attempts + 1`: 1 min, 5 min, 30 min, 2 h, then 6 h.
pub fn backoff(attempts: u32) -> Duration {
    match attempts {
        0 | 1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(30),
        4 => Duration::hours(2),
        _ => Duration::hours(6),
    }
}

/// A file attached to an outgoing message.
#[derive(Clone)]
pub struct Attachment {
    pub filename: String,
    /// A MIME type such as `application/pdf`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment").field("content_type", &self.content_type).field("len", &self.bytes.len()).finish()
    }
}

/// A message to queue.
#[derive(Clone)]
pub struct Outgoing {
    /// The candidate it is about (UUID or unique prefix), whose timeline shows it once sent.
    pub candidate: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub body_text: String,
    /// The Message-ID this one answers (threading).
    pub in_reply_to: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// One row of the outbox, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub uuid: String,
    pub candidate: Option<String>,
    pub message_id: String,
    pub to: Vec<String>,
    pub subject: String,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What one run of [`send_due`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SendReport {
    pub sent: u32,
    /// Put back in the queue for a later attempt.
    pub deferred: u32,
    pub failed: u32,
    /// Found `sending` from an interrupted run, marked `failed` (not sent again).
    pub interrupted: u32,
}

/// Builds the message (Message-ID `<uuid@sender's domain>`, date `now`) and queues it.
/// Returns the outbox entry's UUID and the Message-ID.
pub fn queue(
    store: &mut Store,
    from: &str,
    message: &Outgoing,
    now: DateTime<Utc>,
) -> Result<(String, String), MailTransportError> {
    store.write(|tx| queue_in(tx, from, message, None, now))
}

/// [`queue`] inside the caller's transaction (a composed message and its audit entry
/// commit together), remembering the template it came from.
pub(crate) fn queue_in(
    tx: &rusqlite::Connection,
    from: &str,
    message: &Outgoing,
    template: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(String, String), MailTransportError> {
    let uuid = new_uuid();
    let domain = from.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>')).unwrap_or("vivier.invalid");
    let message_id = format!("<{uuid}@{domain}>");
    let raw = build(from, message, &message_id, now)?;
    let to = serde_json::to_string(&message.to).map_err(|e| MailTransportError::Invalid(e.to_string()))?;
    let candidate = match &message.candidate {
        Some(id) => Some(resolve(tx, "candidates", "candidate", id)?.0),
        None => None,
    };
    tx.execute(
        "INSERT INTO outbox (uuid, candidate_id, message_id, in_reply_to, from_addr, to_addrs, subject, body_text,
                             raw, status, created_at, template)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10, ?11)",
        params![
            uuid,
            candidate,
            message_id,
            message.in_reply_to,
            from,
            to,
            message.subject,
            message.body_text,
            raw,
            ts(now),
            template
        ],
    )?;
    Ok((uuid, message_id))
}

/// The message's bytes as they will be sent.
fn build(from: &str, m: &Outgoing, message_id: &str, now: DateTime<Utc>) -> Result<Vec<u8>, MailTransportError> {
    let mailbox = |a: &str| {
        a.trim()
            .parse::<Mailbox>()
            .map_err(|e| MailTransportError::Invalid(format!("\"{a}\" is not an email address ({e})")))
    };
    if m.to.is_empty() {
        return Err(MailTransportError::Invalid("a message needs at least one recipient".into()));
    }
    let mut builder = lettre::Message::builder()
        .from(mailbox(from)?)
        .subject(m.subject.clone())
        .message_id(Some(message_id.to_owned()))
        .date(now.into());
    for to in &m.to {
        builder = builder.to(mailbox(to)?);
    }
    if let Some(parent) = &m.in_reply_to {
        builder = builder.in_reply_to(parent.clone()).references(parent.clone());
    }
    let text = SinglePart::plain(m.body_text.clone());
    let message = if m.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for a in &m.attachments {
            let kind = ContentType::parse(&a.content_type)
                .map_err(|_| MailTransportError::Invalid(format!("\"{}\" is not a MIME type", a.content_type)))?;
            parts = parts.singlepart(LettreAttachment::new(a.filename.clone()).body(a.bytes.clone(), kind));
        }
        builder.multipart(parts)
    }
    .map_err(|e| MailTransportError::Invalid(format!("the message cannot be built: {e}")))?;
    Ok(message.formatted())
}

struct Due {
    id: i64,
    from: String,
    to: Vec<String>,
    raw: Vec<u8>,
    attempts: u32,
}

/// Sends every queued message that is due, one connection attempt each; records each
/// outcome as soon as it is known. The store is not held during the network work.
pub fn send_due(
    store: &mut Store,
    endpoint: &Endpoint,
    password: &MailPassword,
    now: DateTime<Utc>,
) -> Result<SendReport, MailTransportError> {
    send_due_through(&mut StoreWrites(store), endpoint, password, now)
}

/// A write transaction of the outbox, for the doors that hold the store behind a lock.
pub type Tx<'a> = rusqlite::Transaction<'a>;

/// The short writes of a send run, each in its own transaction: to the store itself (the
/// command line), or to the store behind the app's lock, taken for each write and let go
/// before the network is reached.
pub trait OutboxWrites {
    fn write_outbox(
        &mut self,
        f: &mut dyn FnMut(&rusqlite::Transaction<'_>) -> Result<(), MailTransportError>,
    ) -> Result<(), MailTransportError>;
}

/// The store itself as [`OutboxWrites`].
pub struct StoreWrites<'a>(pub &'a mut Store);

impl OutboxWrites for StoreWrites<'_> {
    fn write_outbox(
        &mut self,
        f: &mut dyn FnMut(&rusqlite::Transaction<'_>) -> Result<(), MailTransportError>,
    ) -> Result<(), MailTransportError> {
        self.0.write(|tx| f(tx))
    }
}

/// [`send_due`] through `store`'s short writes; the SMTP exchange happens between them.
pub fn send_due_through(
    store: &mut dyn OutboxWrites,
    endpoint: &Endpoint,
    password: &MailPassword,
    now: DateTime<Utc>,
) -> Result<SendReport, MailTransportError> {
    let mut interrupted = 0usize;
    store.write_outbox(&mut |tx| {
        interrupted = tx.execute(
            "UPDATE outbox SET status = 'failed', last_error_code = 'interrupted',
                 last_error = 'interrupted while sending: the server may have received it; check the recipient''s \
                 mailbox or the sent folder before trying again', next_attempt_at = NULL
             WHERE status = 'sending' AND next_attempt_at <= ?1",
            [ts(now)],
        )?;
        Ok(())
    })?;
    let mut report = SendReport { interrupted: interrupted as u32, ..SendReport::default() };
    loop {
        let mut claimed = None;
        store.write_outbox(&mut |tx| {
            let due = tx
                .query_row(
                    "SELECT id, from_addr, to_addrs, raw, attempts FROM outbox
                     WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?1)
                     ORDER BY id LIMIT 1",
                    [ts(now)],
                    |r| {
                        let to: String = r.get(2)?;
                        Ok(Due {
                            id: r.get(0)?,
                            from: r.get(1)?,
                            to: serde_json::from_str(&to).unwrap_or_default(),
                            raw: r.get(3)?,
                            attempts: r.get(4)?,
                        })
                    },
                )
                .optional()?;
            if let Some(d) = &due {
                tx.execute(
                    "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1",
                    params![d.id, ts(now + CLAIM)],
                )?;
            }
            claimed = due;
            Ok(())
        })?;
        let Some(due) = claimed else { break };
        let attempts = due.attempts + 1;
        match smtp::send_raw(endpoint, password, &due.from, &due.to, &due.raw) {
            Ok(()) => {
                store.write_outbox(&mut |tx| Ok(mark_sent(tx, due.id, now)?))?;
                report.sent += 1;
            }
            Err(e) => {
                let give_up = matches!(e, MailTransportError::Rejected { .. } | MailTransportError::Invalid(_))
                    || attempts >= MAX_ATTEMPTS;
                let (status, next) =
                    if give_up { ("failed", None) } else { ("queued", Some(ts(now + backoff(attempts)))) };
                store.write_outbox(&mut |tx| {
                    tx.execute(
                        "UPDATE outbox SET status = ?2, last_error = ?3, last_error_code = ?4, next_attempt_at = ?5
                         WHERE id = ?1",
                        params![due.id, status, e.to_string(), e.code().as_str(), next],
                    )?;
                    Ok(())
                })?;
                if give_up {
                    report.failed += 1;
                } else {
                    report.deferred += 1;
                }
                // The server itself is the problem (away, slow, settings): the others
                // would fail the same way; they wait for the next run.
                if !matches!(e, MailTransportError::Rejected { .. } | MailTransportError::Invalid(_)) {
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// The server took it: `sent`, and into the candidate's timeline (`messages`, outbound).
/// The outbox keeps the row's facts, not the bytes (they now live in `messages`). In
/// `messages` the Message-ID and In-Reply-To are bare (no angle brackets), as the intake
/// stores and compares them: a reply's In-Reply-To finds this message's thread.
fn mark_sent(tx: &rusqlite::Transaction<'_>, id: i64, now: DateTime<Utc>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO messages (uuid, candidate_id, direction, message_id, in_reply_to, subject, from_addr, to_addrs,
                               body_text, raw, status, received_at)
         SELECT ?2, candidate_id, 'outbound', trim(message_id, '<>'), trim(in_reply_to, '<>'), subject, from_addr, to_addrs, body_text, raw,
                CASE WHEN candidate_id IS NULL THEN 'triage' ELSE 'matched' END, ?3
         FROM outbox WHERE id = ?1
         ON CONFLICT DO NOTHING",
        params![id, new_uuid(), ts(now)],
    )?;
    tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?2, raw = x'', last_error = NULL, last_error_code = NULL,
             next_attempt_at = NULL
         WHERE id = ?1",
        params![id, ts(now)],
    )?;
    Ok(())
}

/// Every outbox entry, newest first.
pub fn list(store: &Store) -> Result<Vec<OutboxEntry>, MailTransportError> {
    store.read(|tx| {
        let mut stmt = tx.prepare(
            "SELECT o.uuid, c.uuid, o.message_id, o.to_addrs, o.subject, o.status, o.attempts, o.last_error,
                    o.last_error_code, o.next_attempt_at, o.created_at, o.sent_at
             FROM outbox o LEFT JOIN candidates c ON c.id = o.candidate_id ORDER BY o.id DESC",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let to: String = r.get(3)?;
                Ok(OutboxEntry {
                    uuid: r.get(0)?,
                    candidate: r.get(1)?,
                    message_id: r.get(2)?,
                    to: serde_json::from_str(&to).unwrap_or_default(),
                    subject: r.get(4)?,
                    status: r.get(5)?,
                    attempts: r.get(6)?,
                    last_error: r.get(7)?,
                    last_error_code: r.get(8)?,
                    next_attempt_at: opt_ts(r.get(9)?)?,
                    created_at: parse_ts(&r.get::<_, String>(10)?)?,
                    sent_at: opt_ts(r.get(11)?)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    })
}

/// Queues a `failed` (or waiting) message again, due at once. A `sent` one is refused.
pub fn retry(store: &mut Store, id: &str, now: DateTime<Utc>) -> Result<(), MailTransportError> {
    store.write(|tx| {
        let (row, _) = resolve(tx, "outbox", "outbox message", id)?;
        let changed = tx.execute(
            "UPDATE outbox SET status = 'queued', next_attempt_at = ?2 WHERE id = ?1 AND status IN ('queued', 'failed')",
            params![row, ts(now)],
        )?;
        if changed == 0 {
            return Err(MailTransportError::Invalid(
                "this message is sent or being sent; only a waiting or failed one can be retried".into(),
            ));
        }
        Ok(())
    })
}
