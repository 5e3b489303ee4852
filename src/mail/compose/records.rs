//! The SQL of composing: mail templates (shipped in the binary, an edited one stored per
//! kind and language, checked by the guard), the facts a message is made of (candidate,
//! application, job, company, offer, request, retention) read in one snapshot, the offer
//! letter to attach, preview (audited as a view) and queueing into the outbox in the same
//! transaction as its audit entry, and consent-renewal requests for the Retention list.
//! Audit details name kinds and identifiers, never values.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{ComposeError, FIELD_NAMES, INTERVIEW_FIELDS, Kind, Rendered, check_template, footer, render, shipped};
use crate::audit::{PendingAudit, append};
use crate::db::Store;
use crate::db::ids::resolve;
use crate::db::time::{parse_ts, ts};
use crate::guard::policy::HrText;
use crate::letters::format::{self, Lang};
use crate::letters::merge::FieldMap;
use crate::letters::offer::Offer;
use crate::letters::{COMPANY_SETTING, Company};
use crate::mail::transport::outbox::{self, Attachment, Outgoing};
use crate::mail::transport::settings;
use crate::pipeline::Stamp;
use crate::retention::Rule;
use crate::retention::facts::{candidate as resolve_candidate, settings_of, status_of};

type Result<T> = std::result::Result<T, ComposeError>;

/// A mail template as HR sees it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MailTemplateInfo {
    pub kind: Kind,
    pub language: Lang,
    /// Stored in the database (HR edited the shipped text).
    pub edited: bool,
    pub body: String,
    /// The fields HR fills in when composing this kind (the others come from the file).
    pub extra_fields: Vec<String>,
}

/// What to compose: for whom, which template, and what HR fills in.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
pub struct ComposeRequest {
    /// The candidate (UUID, prefix or email address).
    pub candidate: String,
    pub kind: Option<Kind>,
    /// Default: the candidate's language.
    pub language: Option<Lang>,
    /// Default: the candidate's latest application.
    pub application: Option<String>,
    /// For a request acknowledgement; default: the candidate's latest pending request.
    pub request: Option<String>,
    /// The fields HR fills in (interview date, time, place).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A file the message carries.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Attached {
    pub filename: String,
    pub size: u64,
}

/// A message as it would be sent.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "MailPreview")]
pub struct Preview {
    pub candidate_uuid: String,
    pub kind: Kind,
    pub language: Lang,
    /// None: the candidate has no email address (queueing is refused).
    pub to: Option<String>,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<Attached>,
    /// The Message-ID this one answers (a request acknowledgement answers the reply).
    pub in_reply_to: Option<String>,
}

/// A composed message in the outbox.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Queued {
    pub outbox_uuid: String,
    pub message_id: String,
    pub preview: Preview,
}

/// Why a candidate of the Retention list was not sent a renewal request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// No email address on file.
    NoEmail,
    /// They objected to being kept: asking again would ignore it.
    Objected,
    /// Their erasure is confirmed.
    Erasure,
    /// A former employee kept by law, not by consent.
    Hired,
    /// A legal hold keeps the data whatever the answer.
    Held,
    /// A renewal request was already queued for them within the window.
    AlreadyAsked,
    /// Their data does not go within the window.
    NotDue,
}

/// A candidate left out of a renewal run, and why.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RenewalSkip {
    pub candidate_uuid: String,
    pub full_name: String,
    pub reason: SkipReason,
}

/// What a renewal run queued and left out.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct RenewalReport {
    pub queued: Vec<Queued>,
    pub skipped: Vec<RenewalSkip>,
}

fn stored(conn: &rusqlite::Connection, kind: Kind, lang: Lang) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT body FROM mail_templates WHERE kind = ?1 AND language = ?2",
            params![kind.as_str(), lang.as_str()],
            |r| r.get(0),
        )
        .optional()?)
}

fn template_of(conn: &rusqlite::Connection, kind: Kind, lang: Lang) -> Result<MailTemplateInfo> {
    let body = stored(conn, kind, lang)?;
    Ok(MailTemplateInfo {
        kind,
        language: lang,
        edited: body.is_some(),
        body: body.unwrap_or_else(|| shipped(kind, lang).to_owned()),
        extra_fields: kind.extra_fields().iter().map(|f| (*f).to_owned()).collect(),
    })
}

/// What a message is sent with beside its text.
struct Envelope {
    candidate_uuid: String,
    to: Option<String>,
    in_reply_to: Option<String>,
    attachments: Vec<Attachment>,
}

fn day(lang: Lang, d: NaiveDate) -> String {
    format::date(lang, d)
}

fn request_kind(lang: Lang, kind: &str) -> String {
    let (fr, en) = match kind {
        "access" => ("accès à vos données", "access to your data"),
        "correction" => ("rectification de vos données", "correction of your data"),
        "erasure" => ("effacement de vos données", "erasure of your data"),
        "objection" => ("opposition à la conservation de vos données", "objection to our keeping your data"),
        "renewal" => ("renouvellement de votre consentement", "renewal of your consent"),
        "withdrawal" => ("retrait de votre candidature", "withdrawal of your application"),
        other => (other, other),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The fields of a message to `cid`, and its envelope, read in one snapshot. HR's fields
/// are checked (known names, the guard) before anything is read.
fn gather(
    conn: &rusqlite::Connection,
    now: DateTime<Utc>,
    cid: i64,
    req: &ComposeRequest,
    kind: Kind,
) -> Result<(FieldMap, Lang, Envelope)> {
    let (uuid, name, cand_lang): (String, String, String) =
        conn.query_row("SELECT uuid, full_name, language FROM candidates WHERE id = ?1", [cid], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let lang = req.language.unwrap_or(Lang::parse(&cand_lang).unwrap_or(Lang::Fr));
    let mut f = FieldMap::default();
    for n in FIELD_NAMES {
        f.text(n, None);
    }
    f.text("candidate.full_name", Some(name));
    f.text("today", Some(day(lang, now.date_naive())));
    let company: Company = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [COMPANY_SETTING], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default();
    f.text("company.name", company.name);
    f.text("company.signatory", company.signatory);
    f.text("retention.period", Some(footer::period(lang, settings_of(conn)?.pool_months())));
    if let Some(due) = status_of(conn, cid, now)?.due {
        f.text("retention.due", Some(day(lang, due.date_naive())));
    }

    // The application: the one named (it must be this candidate's), or the latest.
    let app: Option<(i64, String)> = match &req.application {
        Some(id) => {
            let (app_id, app_uuid) = resolve(conn, "applications", "application", id)?;
            let owner: i64 =
                conn.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app_id], |r| r.get(0))?;
            if owner != cid {
                return Err(ComposeError::Invalid {
                    field: "application",
                    reason: format!("application {app_uuid} is not one of this candidate's"),
                });
            }
            Some((app_id, app_uuid))
        }
        None => conn
            .query_row(
                "SELECT id, uuid FROM applications WHERE candidate_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
                [cid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
    };
    let mut attachments = Vec::new();
    if let Some((app_id, app_uuid)) = &app {
        let (title, location): (String, Option<String>) = conn.query_row(
            "SELECT j.title, j.location FROM applications a JOIN jobs j ON j.id = a.job_id WHERE a.id = ?1",
            [app_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        f.text("job.title", Some(title));
        f.text("job.location", location);
        let offer: Option<String> = conn
            .query_row("SELECT details FROM offers WHERE application_id = ?1", [app_id], |r| r.get(0))
            .optional()?;
        if let Some(offer) = offer.and_then(|o| serde_json::from_str::<Offer>(&o).ok()) {
            f.text("offer.position", Some(offer.position));
            f.text("offer.start_date", Some(day(lang, offer.start_date)));
            f.text("offer.answer_by", offer.answer_by.map(|d| day(lang, d)));
        }
        if kind == Kind::Offer {
            let letter: Option<(String, Vec<u8>)> = conn
                .query_row(
                    "SELECT file_name, content FROM documents
                     WHERE application_id = ?1 AND kind = 'offer_letter' AND superseded_at IS NULL
                     ORDER BY added_at DESC, id DESC LIMIT 1",
                    [app_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((filename, bytes)) = letter else {
                return Err(ComposeError::Invalid {
                    field: "offer letter",
                    reason: format!(
                        "application {app_uuid} has no offer letter to attach; generate it first \
                         (vivier offer letter {})",
                        app_uuid.get(..8).unwrap_or(app_uuid)
                    ),
                });
            };
            attachments.push(Attachment { filename, content_type: "application/pdf".into(), bytes });
        }
    } else if kind == Kind::Offer {
        return Err(ComposeError::Invalid {
            field: "application",
            reason: "the candidate has no application, so no offer letter to attach".into(),
        });
    }

    // The request: the one named (this candidate's), or the latest open one.
    let mut in_reply_to = None;
    if kind == Kind::RequestAck || req.request.is_some() {
        let row: Option<(i64, String, String, String, Option<String>)> = match &req.request {
            Some(id) => {
                let (rid, ruuid) = resolve(conn, "requests", "request", id)?;
                let owner: i64 =
                    conn.query_row("SELECT candidate_id FROM requests WHERE id = ?1", [rid], |r| r.get(0))?;
                if owner != cid {
                    return Err(ComposeError::Invalid {
                        field: "request",
                        reason: format!("request {ruuid} is not one of this candidate's"),
                    });
                }
                Some(request_row(conn, "r.id = ?1", rid)?)
            }
            None => request_row_latest(conn, cid)?,
        };
        if let Some((_, kind_name, received, due, message)) = row {
            f.text("request.kind", Some(request_kind(lang, &kind_name)));
            f.text("request.received", Some(day(lang, parse_ts(&received)?.date_naive())));
            let due = NaiveDate::parse_from_str(&due, "%Y-%m-%d").map(|d| day(lang, d)).unwrap_or(due);
            f.text("request.due", Some(due));
            in_reply_to = message.map(|m| format!("<{}>", m.trim_matches(['<', '>'])));
        }
    }

    // What HR fills in: known names only, passing the guard; a date as the language writes it.
    for (name, value) in &req.fields {
        let Some(field) = INTERVIEW_FIELDS.iter().find(|n| **n == name.trim()) else {
            return Err(ComposeError::Invalid {
                field: "field",
                reason: format!(
                    "\"{name}\" cannot be filled in; the fields HR gives are {}",
                    INTERVIEW_FIELDS.join(", ")
                ),
            });
        };
        if value.chars().count() > 500 {
            return Err(ComposeError::Invalid { field, reason: "is too long (over 500 characters)".into() });
        }
        HrText::new(field, value).check().map_err(ComposeError::Refused)?;
        let value = value.trim();
        let value = match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(d) if *field == "interview.date" => day(lang, d),
            _ => value.to_owned(),
        };
        f.text(field, Some(value));
    }

    let to: Option<String> = conn
        .query_row("SELECT email FROM candidate_emails WHERE candidate_id = ?1 ORDER BY rowid LIMIT 1", [cid], |r| {
            r.get(0)
        })
        .optional()?;
    Ok((f, lang, Envelope { candidate_uuid: uuid, to, in_reply_to, attachments }))
}

type RequestRow = (i64, String, String, String, Option<String>);

fn request_row(conn: &rusqlite::Connection, filter: &str, id: i64) -> Result<RequestRow> {
    Ok(conn.query_row(
        &format!(
            "SELECT r.id, r.kind, r.received_at, r.due_on, m.message_id
             FROM requests r LEFT JOIN messages m ON m.id = r.message_id WHERE {filter}"
        ),
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?)
}

fn request_row_latest(conn: &rusqlite::Connection, cid: i64) -> Result<Option<RequestRow>> {
    let id: Option<i64> = conn
        .query_row(
            &format!(
                "SELECT id FROM requests WHERE candidate_id = ?1 AND status IN ({}) ORDER BY received_at DESC, id DESC LIMIT 1",
                crate::requests::register::PENDING_SQL
            ),
            [cid],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| request_row(conn, "r.id = ?1", id)).transpose()
}

fn kind_of(req: &ComposeRequest) -> Result<Kind> {
    req.kind.ok_or(ComposeError::Invalid {
        field: "template",
        reason: format!(
            "say which template to use: {}",
            Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// Renders the message for `req` in one snapshot: the preview, and what queueing needs.
fn compose(
    conn: &rusqlite::Connection,
    now: DateTime<Utc>,
    req: &ComposeRequest,
) -> Result<(Preview, Envelope, Rendered)> {
    let kind = kind_of(req)?;
    let (cid, _) = resolve_candidate(conn, &req.candidate)?;
    let (fields, lang, envelope) = gather(conn, now, cid, req, kind)?;
    let template = template_of(conn, kind, lang)?;
    let rendered = render(&template.body, &fields, lang)?;
    let preview = Preview {
        candidate_uuid: envelope.candidate_uuid.clone(),
        kind,
        language: lang,
        to: envelope.to.clone(),
        subject: rendered.subject.clone(),
        body: rendered.body.clone(),
        attachments: envelope
            .attachments
            .iter()
            .map(|a| Attached { filename: a.filename.clone(), size: a.bytes.len() as u64 })
            .collect(),
        in_reply_to: envelope.in_reply_to.clone(),
    };
    Ok((preview, envelope, rendered))
}

fn audited_preview(
    conn: &rusqlite::Connection,
    stamp: &Stamp,
    req: &ComposeRequest,
) -> Result<(Preview, PendingAudit)> {
    let (preview, _, _) = compose(conn, stamp.at, req)?;
    let owed = PendingAudit::new(
        stamp,
        "view",
        Some(&preview.candidate_uuid),
        format!("mail preview {}", preview.kind.as_str()),
    );
    Ok((preview, owed))
}

/// Queues the acknowledgement of the request `request_uuid`, just registered in `tx`, when
/// SMTP is set up (its From address in the settings) and the candidate has an address.
/// Within a savepoint: when the message cannot be made (no address, no company name yet,
/// a template that does not render), the request stays registered without it and HR sees
/// no acknowledgement in the outbox. Returns the outbox entry when queued.
pub(crate) fn acknowledge_in(tx: &rusqlite::Connection, stamp: &Stamp, request_uuid: &str) -> Option<String> {
    let smtp = settings::stored_smtp_in(tx)?;
    let candidate: String = tx
        .query_row(
            "SELECT c.uuid FROM requests r JOIN candidates c ON c.id = r.candidate_id WHERE r.uuid = ?1",
            [request_uuid],
            |r| r.get(0),
        )
        .ok()?;
    let req = ComposeRequest {
        candidate,
        kind: Some(Kind::RequestAck),
        request: Some(request_uuid.to_owned()),
        ..ComposeRequest::default()
    };
    tx.execute_batch("SAVEPOINT request_ack").ok()?;
    match queue_in(tx, stamp, &smtp.from, &req) {
        Ok(queued) => {
            tx.execute_batch("RELEASE request_ack").ok()?;
            Some(queued.outbox_uuid)
        }
        Err(_) => {
            let _ = tx.execute_batch("ROLLBACK TO request_ack; RELEASE request_ack");
            None
        }
    }
}

fn queue_in(tx: &rusqlite::Connection, stamp: &Stamp, from: &str, req: &ComposeRequest) -> Result<Queued> {
    let (preview, envelope, rendered) = compose(tx, stamp.at, req)?;
    let Some(to) = envelope.to.clone() else {
        let name: String =
            tx.query_row("SELECT full_name FROM candidates WHERE uuid = ?1", [&envelope.candidate_uuid], |r| r.get(0))?;
        return Err(ComposeError::NoRecipient { candidate: envelope.candidate_uuid, name });
    };
    let message = Outgoing {
        candidate: Some(envelope.candidate_uuid.clone()),
        to: vec![to],
        subject: rendered.subject,
        body_text: rendered.body,
        in_reply_to: envelope.in_reply_to,
        attachments: envelope.attachments,
    };
    let (outbox_uuid, message_id) = outbox::queue_in(tx, from, &message, Some(preview.kind.as_str()), stamp.at)?;
    append(
        tx,
        stamp,
        "mail_out",
        Some(&envelope.candidate_uuid),
        Some(&format!("{} {} queued {outbox_uuid}", preview.kind.as_str(), preview.language.as_str())),
    )?;
    Ok(Queued { outbox_uuid, message_id, preview })
}

impl Store {
    /// Every mail template: each kind in French and English, edited or shipped.
    pub fn mail_templates(&self) -> Result<Vec<MailTemplateInfo>> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            for lang in [Lang::Fr, Lang::En] {
                out.push(template_of(&self.conn, kind, lang)?);
            }
        }
        Ok(out)
    }

    /// One mail template.
    pub fn mail_template(&self, kind: Kind, lang: Lang) -> Result<MailTemplateInfo> {
        template_of(&self.conn, kind, lang)
    }

    /// Stores HR's text of a template. Its shape, syntax and field names are checked, and
    /// it passes the guard as HR text (a refused category refuses the save with the
    /// guard's explanation); nothing is stored otherwise.
    pub fn save_mail_template(
        &mut self,
        stamp: &Stamp,
        kind: Kind,
        lang: Lang,
        body: &str,
    ) -> Result<MailTemplateInfo> {
        check_template(body)?;
        HrText::new("template", body).check().map_err(ComposeError::Refused)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO mail_templates (kind, language, body, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kind, language) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![kind.as_str(), lang.as_str(), body, ts(stamp.at)],
            )?;
            append(tx, stamp, "template", None, Some(&format!("mail {}-{} edited", kind.as_str(), lang.as_str())))?;
            template_of(tx, kind, lang)
        })
    }

    /// Restores the shipped text of a template (HR's edit is deleted).
    pub fn reset_mail_template(&mut self, stamp: &Stamp, kind: Kind, lang: Lang) -> Result<MailTemplateInfo> {
        self.write(|tx| {
            let n = tx.execute(
                "DELETE FROM mail_templates WHERE kind = ?1 AND language = ?2",
                params![kind.as_str(), lang.as_str()],
            )?;
            if n > 0 {
                append(tx, stamp, "template", None, Some(&format!("mail {}-{} reset", kind.as_str(), lang.as_str())))?;
            }
            template_of(tx, kind, lang)
        })
    }

    /// The message `req` would send, rendered without sending; audited as a view of the
    /// candidate's file.
    pub fn preview_mail(&mut self, stamp: &Stamp, req: &ComposeRequest) -> Result<Preview> {
        self.write(|tx| {
            let (preview, owed) = audited_preview(tx, stamp, req)?;
            owed.append_in(tx)?;
            Ok::<_, ComposeError>(preview)
        })
    }

    /// [`Store::preview_mail`] on a `Reader` (the app's live preview): the message, and the
    /// view's audit entry owed to the log.
    pub fn read_mail_preview(&self, stamp: &Stamp, req: &ComposeRequest) -> Result<(Preview, PendingAudit)> {
        self.read(|tx| audited_preview(tx, stamp, req))
    }

    /// Renders the message for `req` and queues it in the outbox (with its attachments and
    /// its Message-ID, in the same transaction as its audit entry); `vivier mail send-due`
    /// or the app's sender sends it, and once sent it is in the candidate's timeline.
    /// Needs the SMTP settings (the sender's address) and a recipient.
    pub fn queue_mail(&mut self, stamp: &Stamp, req: &ComposeRequest) -> Result<Queued> {
        let from = settings::load_smtp(self)?.from;
        self.write(|tx| queue_in(tx, stamp, &from, req))
    }

    /// Queues the consent-renewal request to the candidates whose data goes within
    /// `within_days` (the Retention screen's list), or to those of `only` among them.
    /// Left out, each with its reason: no email address, an objection, a confirmed
    /// erasure, a former employee, a legal hold, a request already queued within the
    /// window, or (for `only`) data not going within the window. All or nothing: a
    /// template that does not render queues nobody.
    pub fn request_renewals(
        &mut self,
        stamp: &Stamp,
        within_days: u32,
        only: Option<&[String]>,
    ) -> Result<RenewalReport> {
        let from = settings::load_smtp(self)?.from;
        let upcoming = self.upcoming_purges(stamp.at, within_days)?;
        let since = ts(stamp.at - chrono::Duration::days(i64::from(within_days.max(1))));
        self.write(|tx| {
            let mut report = RenewalReport::default();
            let wanted: Option<Vec<String>> = match only {
                Some(ids) => {
                    let mut uuids = Vec::new();
                    for id in ids {
                        uuids.push(resolve_candidate(tx, id)?.1);
                    }
                    Some(uuids)
                }
                None => None,
            };
            if let Some(wanted) = &wanted {
                for uuid in wanted.iter().filter(|u| !upcoming.iter().any(|p| &p.candidate_uuid == *u)) {
                    let name: String =
                        tx.query_row("SELECT full_name FROM candidates WHERE uuid = ?1", [uuid], |r| r.get(0))?;
                    report.skipped.push(RenewalSkip {
                        candidate_uuid: uuid.clone(),
                        full_name: name,
                        reason: SkipReason::NotDue,
                    });
                }
            }
            for p in &upcoming {
                if wanted.as_ref().is_some_and(|w| !w.contains(&p.candidate_uuid)) {
                    continue;
                }
                let (objected, erasure): (Option<String>, Option<String>) = tx.query_row(
                    "SELECT objected_at, erasure_confirmed_at FROM candidates WHERE uuid = ?1",
                    [&p.candidate_uuid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let asked: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM outbox o JOIN candidates c ON c.id = o.candidate_id
                     WHERE c.uuid = ?1 AND o.template = 'renewal' AND o.created_at >= ?2)",
                    params![p.candidate_uuid, since],
                    |r| r.get(0),
                )?;
                let reason = if erasure.is_some() || p.rule == Rule::Erasure {
                    Some(SkipReason::Erasure)
                } else if objected.is_some() || p.rule == Rule::Objection {
                    Some(SkipReason::Objected)
                } else if p.rule != Rule::Pool {
                    Some(SkipReason::Hired)
                } else if p.held {
                    Some(SkipReason::Held)
                } else if p.emails.is_empty() {
                    Some(SkipReason::NoEmail)
                } else if asked {
                    Some(SkipReason::AlreadyAsked)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    report.skipped.push(RenewalSkip {
                        candidate_uuid: p.candidate_uuid.clone(),
                        full_name: p.full_name.clone(),
                        reason,
                    });
                    continue;
                }
                let req = ComposeRequest {
                    candidate: p.candidate_uuid.clone(),
                    kind: Some(Kind::Renewal),
                    ..ComposeRequest::default()
                };
                report.queued.push(queue_in(tx, stamp, &from, &req)?);
            }
            Ok(report)
        })
    }
}
