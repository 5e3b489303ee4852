//! The requests register (promise P5): every right a candidate exercises — access,
//! correction, erasure, objection, restriction, withdrawal, and the consent renewal —
//! whether read in a reply by the mail intake or entered by hand, with the channel it came
//! by, its received date and its legal due date (one calendar month, extended by up to two
//! more with a reason, only within the first month: `deadline`), the identity check a
//! request from an address the candidate is not known by needs, and its status:
//!
//! - `open`: entered by hand, HR acts on it;
//! - `identity_check`: from an unknown address, until HR notes how the identity was
//!   checked (then `awaiting_confirmation`); it may be refused meanwhile;
//! - `awaiting_confirmation`: a right read in a reply waits for HR to confirm it;
//! - `done`: HR confirmed it and the engine acted (an erasure or objection through the
//!   retention engine — a hire's erasure refused with the restriction offered, the request
//!   staying pending —, a restriction set, a renewal moving the last contact, a withdrawal
//!   closing the open applications); access and correction are done once HR has acted
//!   (the archive produced, the values corrected: `fulfil_request`);
//! - `refused`, with its reason.
//!
//! Nothing is deleted before HR confirms. Who did what and when goes to the audit log; an
//! entry names the request's UUID and never the reasons or notes (HR's words about a
//! person stay in the row, which goes with the person: the audit log outlives purges).
//! The row of a request goes with its candidate when they are purged (an erasure
//! confirmed included): the audit log and the purge log keep the UUIDs.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::audit::append;
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{opt_ts, parse_day, parse_ts, ts};
use crate::guard::policy::HrText;
use crate::mail::Intent;
use crate::pipeline::contact::normalize_email;
use crate::pipeline::stage::Stage;
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::facts::{candidate, facts_of};
use crate::retention::policy::check_erasure;

use super::RequestOutcome;
use super::deadline::{self, Urgency, urgency};
use super::error::RequestError;

pub use super::deadline::due_on;

type Result<T> = std::result::Result<T, RequestError>;

/// How many days back the dashboard's "done" list reaches.
pub const RECENT_DAYS: u64 = 30;

/// The reason a request dismissed from the mail screens is refused with.
pub const NOT_A_REQUEST: &str = "not a request";

/// The right a request exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RequestKind")]
pub enum Kind {
    Access,
    Correction,
    Erasure,
    Objection,
    Restriction,
    /// Withdrawal of consent or of the application: the open applications close.
    Withdrawal,
    /// A consent renewal (to be kept for future offers).
    Renewal,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Access,
        Kind::Correction,
        Kind::Erasure,
        Kind::Objection,
        Kind::Restriction,
        Kind::Withdrawal,
        Kind::Renewal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Correction => "correction",
            Kind::Erasure => "erasure",
            Kind::Objection => "objection",
            Kind::Restriction => "restriction",
            Kind::Withdrawal => "withdrawal",
            Kind::Renewal => "renewal",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The request a right read in a reply opens (none for no right).
    pub fn of_intent(intent: Intent) -> Option<Kind> {
        match intent {
            Intent::Access => Some(Kind::Access),
            Intent::Correction => Some(Kind::Correction),
            Intent::Erasure => Some(Kind::Erasure),
            Intent::Objection => Some(Kind::Objection),
            Intent::Renewal => Some(Kind::Renewal),
            Intent::Withdrawal => Some(Kind::Withdrawal),
            Intent::None => None,
        }
    }
}

/// How a request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "RequestChannel")]
pub enum Channel {
    #[serde(rename = "email")]
    Email,
    #[serde(rename = "letter")]
    Letter,
    #[serde(rename = "phone")]
    Phone,
    #[serde(rename = "in-person")]
    InPerson,
    #[serde(rename = "form")]
    Form,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Channel::Email, Channel::Letter, Channel::Phone, Channel::InPerson, Channel::Form];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Phone => "phone",
            Channel::InPerson => "in-person",
            Channel::Form => "form",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a request is in the register (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RequestStatus")]
pub enum Status {
    Open,
    IdentityCheck,
    AwaitingConfirmation,
    Done,
    Refused,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Open, Status::IdentityCheck, Status::AwaitingConfirmation, Status::Done, Status::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::IdentityCheck => "identity_check",
            Status::AwaitingConfirmation => "awaiting_confirmation",
            Status::Done => "done",
            Status::Refused => "refused",
        }
    }

    /// Also accepts dashes (`awaiting-confirmation`).
    pub fn parse(s: &str) -> Option<Status> {
        let s = s.trim().replace('-', "_");
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Not answered yet: the due date runs.
    pub fn is_pending(self) -> bool {
        matches!(self, Status::Open | Status::IdentityCheck | Status::AwaitingConfirmation)
    }
}

/// The identity check of a request's sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RequestIdentity")]
pub enum Identity {
    /// From the candidate's known address, or entered by HR.
    NotNeeded,
    /// From an address the candidate is not known by: HR must check who wrote.
    Needed,
    /// HR noted how the identity was checked.
    Checked,
}

impl Identity {
    fn parse(s: &str) -> Identity {
        match s {
            "needed" => Identity::Needed,
            "checked" => Identity::Checked,
            _ => Identity::NotNeeded,
        }
    }
}

/// SQL list of the pending statuses.
pub(crate) const PENDING_SQL: &str = "'open', 'identity_check', 'awaiting_confirmation'";

/// Opens a request read in a reply by the mail intake (channel email), or answers the one
/// of that kind still pending for the candidate. `sender` is the reply's From address:
/// when it is not one the candidate is known by (a reply matched by its thread from
/// another address, a message HR linked), the request waits for an identity check.
pub(crate) fn open_request(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    cid: i64,
    kind: Intent,
    values: &[String],
    message: &str,
    sender: Option<&str>,
) -> std::result::Result<Option<String>, PipelineError> {
    let Some(kind) = Kind::of_intent(kind) else {
        return Ok(None);
    };
    if let Some(uuid) = tx
        .query_row(
            &format!("SELECT uuid FROM requests WHERE candidate_id = ?1 AND kind = ?2 AND status IN ({PENDING_SQL})"),
            params![cid, kind.as_str()],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    {
        return Ok(Some(uuid));
    }
    let known = match sender.and_then(|s| normalize_email(s).ok()) {
        Some(address) => tx
            .query_row(
                "SELECT 1 FROM candidate_emails WHERE candidate_id = ?1 AND email_normalized = ?2",
                params![cid, address],
                |_| Ok(()),
            )
            .optional()?
            .is_some(),
        None => false,
    };
    let (identity, status) =
        if known { ("not_needed", Status::AwaitingConfirmation) } else { ("needed", Status::IdentityCheck) };
    let detail = (!values.is_empty()).then(|| values.join(", "));
    let uuid = insert(
        tx,
        stamp,
        cid,
        Inserted {
            kind,
            channel: Channel::Email,
            detail: detail.as_deref(),
            note: None,
            received_at: stamp.at,
            identity,
            status,
            message: Some(message),
        },
    )?;
    Ok(Some(uuid))
}

struct Inserted<'a> {
    kind: Kind,
    channel: Channel,
    detail: Option<&'a str>,
    note: Option<&'a str>,
    received_at: DateTime<Utc>,
    identity: &'static str,
    status: Status,
    message: Option<&'a str>,
}

fn insert(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    cid: i64,
    r: Inserted<'_>,
) -> std::result::Result<String, PipelineError> {
    let uuid = new_uuid();
    let due = due_on(r.received_at.date_naive());
    tx.execute(
        "INSERT INTO requests (uuid, candidate_id, kind, channel, detail, note, received_at, due_on, identity, status,
                               message_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT id FROM messages WHERE uuid = ?11))",
        params![
            uuid,
            cid,
            r.kind.as_str(),
            r.channel.as_str(),
            r.detail,
            r.note,
            ts(r.received_at),
            due.to_string(),
            r.identity,
            r.status.as_str(),
            r.message
        ],
    )?;
    let cuuid: String = tx.query_row("SELECT uuid FROM candidates WHERE id = ?1", [cid], |r| r.get(0))?;
    append(
        tx,
        stamp,
        "request_open",
        Some(&cuuid),
        Some(&format!("{uuid} {} {}", r.kind.as_str(), r.channel.as_str())),
    )?;
    // The candidate is told the request was received, and when it is due, when SMTP is
    // set up: queued in this transaction, sent by the outbox.
    crate::mail::compose::acknowledge_in(tx, stamp, &uuid);
    Ok(uuid)
}

/// A request entered by hand.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(rename = "NewRightsRequest")]
pub struct NewRequest {
    /// The candidate: UUID, prefix or email address.
    pub candidate: String,
    pub kind: Kind,
    pub channel: Channel,
    /// When it was received; today when not given. Never in the future.
    #[ts(optional)]
    pub received: Option<NaiveDate>,
    /// What HR notes (how it came, what was asked).
    #[ts(optional)]
    pub note: Option<String>,
}

/// A request as HR sees it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "RightsRequest")]
pub struct Request {
    pub uuid: String,
    pub kind: Kind,
    pub channel: Channel,
    pub candidate: String,
    pub candidate_name: String,
    pub received_at: DateTime<Utc>,
    /// The due date in force (extended or not).
    pub due_on: NaiveDate,
    /// The legal due date before any extension: one calendar month after receipt.
    pub first_due_on: NaiveDate,
    pub extended_months: u32,
    pub extension_reason: Option<String>,
    pub identity: Identity,
    /// How HR checked the identity.
    pub identity_note: Option<String>,
    pub status: Status,
    pub refusal_reason: Option<String>,
    /// What HR noted when entering it.
    pub note: Option<String>,
    /// The new values a correction gave.
    pub detail: Option<String>,
    /// The message it came from.
    pub message: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
}

/// One entry of a request's history (from the audit log).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "RequestEvent")]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// request_open, request_identity, request_extend, request_done, request_refused,
    /// request_reopen (an act that failed after the request was marked done);
    /// request_confirmed and request_dismissed before the register.
    pub action: String,
}

/// A request with its history.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "RequestDetail")]
pub struct Detail {
    pub request: Request,
    pub history: Vec<Event>,
}

/// What confirming a request did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Confirmed {
    pub request: String,
    pub kind: Kind,
    /// For an erasure or objection: what the retention engine did.
    pub outcome: Option<RequestOutcome>,
    /// For a withdrawal: the applications closed.
    pub withdrawn: Vec<String>,
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(rename = "RequestFilter")]
pub struct Filter {
    /// Only this status.
    #[ts(optional)]
    pub status: Option<Status>,
    /// Only the pending ones (open, identity check, awaiting confirmation).
    #[serde(default)]
    pub pending: bool,
    /// Only those due before this day.
    #[ts(optional)]
    pub due_before: Option<NaiveDate>,
    /// Only the pending ones whose due date has passed (against `today`).
    #[serde(default)]
    pub overdue: bool,
    /// Only this candidate's (UUID, prefix or email address).
    #[ts(optional)]
    pub candidate: Option<String>,
}

/// The register at a glance: what is overdue, what is due this week, what was answered
/// lately.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "RequestDashboard")]
pub struct Dashboard {
    pub today: NaiveDate,
    /// Pending and past their due date, the oldest due first.
    pub overdue: Vec<Request>,
    /// Pending and due within the week (today and the next six days).
    pub due_this_week: Vec<Request>,
    /// Pending and due later.
    pub later: Vec<Request>,
    /// Done or refused in the last 30 days, the latest first.
    pub done: Vec<Request>,
}

impl Dashboard {
    /// Whether the app reminds HR at start.
    pub fn needs_attention(&self) -> bool {
        !self.overdue.is_empty() || !self.due_this_week.is_empty()
    }
}

const SELECT: &str = "SELECT r.uuid, r.kind, r.channel, c.uuid, c.full_name, r.received_at, r.due_on,
        r.extended_months, r.extension_reason, r.identity, r.identity_note, r.status, r.refusal_reason, r.note,
        r.detail, m.uuid, r.decided_at, r.decided_by
     FROM requests r JOIN candidates c ON c.id = r.candidate_id LEFT JOIN messages m ON m.id = r.message_id";

fn unreadable(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("a request's {what} \"{value}\" is not one Vivier knows").into(),
    )
}

fn request_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Request> {
    let kind: String = r.get(1)?;
    let channel: String = r.get(2)?;
    let received_at = parse_ts(&r.get::<_, String>(5)?)?;
    let due: String = r.get(6)?;
    let status: String = r.get(11)?;
    Ok(Request {
        uuid: r.get(0)?,
        kind: Kind::parse(&kind).ok_or_else(|| unreadable("kind", &kind))?,
        channel: Channel::parse(&channel).ok_or_else(|| unreadable("channel", &channel))?,
        candidate: r.get(3)?,
        candidate_name: r.get(4)?,
        received_at,
        due_on: parse_day(&due).ok_or_else(|| unreadable("due date", &due))?,
        first_due_on: due_on(received_at.date_naive()),
        extended_months: r.get(7)?,
        extension_reason: r.get(8)?,
        identity: Identity::parse(&r.get::<_, String>(9)?),
        identity_note: r.get(10)?,
        status: Status::parse(&status).ok_or_else(|| unreadable("status", &status))?,
        refusal_reason: r.get(12)?,
        note: r.get(13)?,
        detail: r.get(14)?,
        message: r.get(15)?,
        decided_at: opt_ts(r.get(16)?)?,
        decided_by: r.get(17)?,
    })
}

fn request_by_id(conn: &rusqlite::Connection, rid: i64) -> Result<Request> {
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE r.id = ?1"))?.query_row([rid], request_of)?)
}

/// The requests of one candidate (for the timeline and the access export), oldest first.
pub(crate) fn requests_of(conn: &rusqlite::Connection, cid: i64) -> rusqlite::Result<Vec<Request>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE r.candidate_id = ?1 ORDER BY r.received_at, r.id"))?;
    stmt.query_map([cid], request_of)?.collect()
}

/// Checks HR's words (a note, a reason) with the guard; empty text is none.
fn hr_text(field: &'static str, text: Option<&str>) -> Result<Option<String>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => {
            HrText::new(field, t).check()?;
            Ok(Some(t.to_owned()))
        }
        None => Ok(None),
    }
}

impl Store {
    /// Enters a request by hand (a letter, a call, at the desk, a form): status `open`,
    /// due one calendar month after the day it was received. Returns the new request: the
    /// place where a caller queues the candidate's acknowledgement.
    pub fn add_request(&mut self, stamp: &Stamp, new: &NewRequest) -> Result<Request> {
        let today = stamp.at.date_naive();
        let received_at = match new.received {
            None => stamp.at,
            Some(day) if day > today => {
                return Err(PipelineError::Invalid {
                    field: "received",
                    reason: format!(
                        "{day} is in the future; give the day the request was received (today at the latest)"
                    ),
                }
                .into());
            }
            Some(day) if day == today => stamp.at,
            Some(day) => day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
        };
        let note = hr_text("note", new.note.as_deref())?;
        self.write(|tx| {
            let (cid, _) = candidate(tx, &new.candidate)?;
            let uuid = insert(
                tx,
                stamp,
                cid,
                Inserted {
                    kind: new.kind,
                    channel: new.channel,
                    detail: None,
                    note: note.as_deref(),
                    received_at,
                    identity: "not_needed",
                    status: Status::Open,
                    message: None,
                },
            )?;
            let (rid, _) = resolve(tx, "requests", "request", &uuid)?;
            request_by_id(tx, rid)
        })
    }

    /// The register, by due date, filtered; `today` decides what is overdue.
    pub fn request_list(&self, filter: &Filter, today: NaiveDate) -> Result<Vec<Request>> {
        let cid = match &filter.candidate {
            Some(c) => Some(candidate(&self.conn, c)?.0),
            None => None,
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE (?1 IS NULL OR r.status = ?1)
                 AND (?2 = 0 OR r.status IN ({PENDING_SQL}))
                 AND (?3 IS NULL OR r.due_on < ?3)
                 AND (?4 IS NULL OR r.candidate_id = ?4)
             ORDER BY r.due_on, r.id"
        ))?;
        let pending = filter.pending || filter.overdue;
        let due_before = match (filter.due_before, filter.overdue) {
            (Some(d), true) => Some(d.min(today)),
            (Some(d), false) => Some(d),
            (None, true) => Some(today),
            (None, false) => None,
        };
        let rows = stmt.query_map(
            params![filter.status.map(Status::as_str), pending as i64, due_before.map(|d| d.to_string()), cid],
            request_of,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The register as the mail screens list it: pending requests only, or all.
    pub fn requests(&self, pending_only: bool) -> Result<Vec<Request>> {
        self.request_list(&Filter { pending: pending_only, ..Filter::default() }, NaiveDate::MIN)
    }

    /// One request with its history (who did what, when: from the audit log).
    pub fn request_show(&self, id: &str) -> Result<Detail> {
        let (rid, uuid) = resolve(&self.conn, "requests", "request", id)?;
        let request = request_by_id(&self.conn, rid)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, action FROM audit WHERE candidate_uuid = ?1 AND (detail = ?2 OR detail LIKE ?2 || ' %')
             ORDER BY seq",
        )?;
        let history = stmt
            .query_map(params![request.candidate, uuid], |r| {
                Ok(Event { at: parse_ts(&r.get::<_, String>(0)?)?, actor: r.get(1)?, action: r.get(2)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Detail { request, history })
    }

    /// Pending requests past their due date on `today` (for `vivier doctor`).
    pub fn overdue_requests(&self, today: NaiveDate) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM requests WHERE status IN ({PENDING_SQL}) AND due_on < ?1"),
            [today.to_string()],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// The register at a glance on `today` (see [`Dashboard`]).
    pub fn request_dashboard(&self, today: NaiveDate) -> Result<Dashboard> {
        let pending = self.request_list(&Filter { pending: true, ..Filter::default() }, today)?;
        let mut dashboard =
            Dashboard { today, overdue: Vec::new(), due_this_week: Vec::new(), later: Vec::new(), done: Vec::new() };
        for r in pending {
            match urgency(r.due_on, today) {
                Urgency::Overdue => dashboard.overdue.push(r),
                Urgency::DueThisWeek => dashboard.due_this_week.push(r),
                Urgency::Later => dashboard.later.push(r),
            }
        }
        let since = today.checked_sub_days(Days::new(RECENT_DAYS)).unwrap_or(NaiveDate::MIN);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.status IN ('done', 'refused') AND substr(r.decided_at, 1, 10) >= ?1
             ORDER BY r.decided_at DESC, r.id DESC"
        ))?;
        dashboard.done = stmt.query_map([since.to_string()], request_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(dashboard)
    }

    /// HR notes how the identity of a request's sender was checked (a call to the known
    /// number, an ID shown at the desk...): the request then awaits HR's confirmation.
    pub fn note_identity(&mut self, stamp: &Stamp, id: &str, note: &str) -> Result<Request> {
        let note = hr_text("note", Some(note))?.ok_or(PipelineError::Invalid {
            field: "note",
            reason: "say how the identity was checked (for example: \"called back on the known number\")".into(),
        })?;
        let (rid, uuid, _, status, cuuid) = self.pending_request(id)?;
        self.write(|tx| {
            let next = if status == Status::IdentityCheck { Status::AwaitingConfirmation } else { status };
            tx.execute(
                "UPDATE requests SET identity = 'checked', identity_note = ?1, identity_checked_at = ?2,
                                     identity_checked_by = ?3, status = ?4 WHERE id = ?5",
                params![note, ts(stamp.at), stamp.actor, next.as_str(), rid],
            )?;
            append(tx, stamp, "request_identity", Some(&cuuid), Some(&uuid))?;
            request_by_id(tx, rid)
        })
    }

    /// Extends a pending request's delay by `months` (1 or 2, at most 2 in all), with the
    /// reason the candidate is told: accepted only within the first month after receipt.
    pub fn extend_request(&mut self, stamp: &Stamp, id: &str, months: u32, reason: &str) -> Result<Request> {
        let reason = hr_text("reason", Some(reason))?.ok_or(PipelineError::ReasonRequired)?;
        let (rid, uuid, _, _, cuuid) = self.pending_request(id)?;
        let current = request_by_id(&self.conn, rid)?;
        let due =
            deadline::extend(current.received_at.date_naive(), current.extended_months, months, stamp.at.date_naive())
                .map_err(|refusal| RequestError::Extension { request: uuid.clone(), refusal })?;
        self.write(|tx| {
            tx.execute(
                "UPDATE requests SET due_on = ?1, extended_months = extended_months + ?2,
                                     extension_reason = ?3, extended_at = ?4, extended_by = ?5 WHERE id = ?6",
                params![due.to_string(), months, reason, ts(stamp.at), stamp.actor, rid],
            )?;
            append(tx, stamp, "request_extend", Some(&cuuid), Some(&format!("{uuid} +{months} month(s) to {due}")))?;
            request_by_id(tx, rid)
        })
    }

    /// Refuses a pending request, with its reason (kept with the request, told to the
    /// candidate): nothing else changes.
    pub fn refuse_request(&mut self, stamp: &Stamp, id: &str, reason: &str) -> Result<Request> {
        let reason = hr_text("reason", Some(reason))?.ok_or(PipelineError::ReasonRequired)?;
        let (rid, uuid, _, _, cuuid) = self.pending_request(id)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE requests SET status = 'refused', refusal_reason = ?1, decided_at = ?2, decided_by = ?3
                 WHERE id = ?4",
                params![reason, ts(stamp.at), stamp.actor, rid],
            )?;
            append(tx, stamp, "request_refused", Some(&cuuid), Some(&uuid))?;
            request_by_id(tx, rid)
        })
    }

    /// A request read in a reply that is not one after all (the mail screens' "dismiss"):
    /// refused with the reason [`NOT_A_REQUEST`].
    pub fn dismiss_request(&mut self, stamp: &Stamp, id: &str) -> Result<String> {
        Ok(self.refuse_request(stamp, id, NOT_A_REQUEST)?.uuid)
    }

    /// Marks an access or correction request done once HR has acted on it: the access
    /// archive produced (the `request export` door calls this), the values corrected.
    /// Other rights are done by [`Store::confirm_request`], which acts.
    pub fn fulfil_request(&mut self, stamp: &Stamp, id: &str) -> Result<Request> {
        let (rid, uuid, kind, status, cuuid) = self.pending_request(id)?;
        if status == Status::IdentityCheck {
            return Err(RequestError::IdentityUnchecked { request: uuid });
        }
        if !matches!(kind, Kind::Access | Kind::Correction) {
            return Err(PipelineError::Invalid {
                field: "request",
                reason: format!("a {} request is done by confirming it (the engine acts on it)", kind.as_str()),
            }
            .into());
        }
        self.write(|tx| {
            mark_done(tx, stamp, rid, &uuid, &cuuid)?;
            request_by_id(tx, rid)
        })
    }

    /// HR confirms a pending request and the engine acts on it (see the module): an erasure
    /// or objection through the retention engine (an erasure purges at once when nothing
    /// holds the data; a hire's erasure is refused, the restriction offered, and the request
    /// stays pending), a restriction set, a renewal moving the last contact, a withdrawal
    /// closing the open applications, an access or correction marked done.
    pub fn confirm_request(&mut self, stamp: &Stamp, id: &str) -> Result<Confirmed> {
        let (rid, uuid, kind, status, cuuid) = self.pending_request(id)?;
        if status == Status::IdentityCheck {
            return Err(RequestError::IdentityUnchecked { request: uuid });
        }
        if kind == Kind::Erasure {
            // A hire's erasure is refused before anything is written (restrict instead).
            check_erasure(&facts_of(&self.conn, candidate(&self.conn, &cuuid)?.0)?.2)?;
        }
        // Marked first: an erasure that purges the candidate takes the request with it.
        self.write(|tx| mark_done(tx, stamp, rid, &uuid, &cuuid))?;
        let mut confirmed = Confirmed { request: uuid, kind, outcome: None, withdrawn: Vec::new() };
        let acted: std::result::Result<(), PipelineError> = match kind {
            Kind::Erasure => self.confirm_erasure(stamp, &cuuid).map(|o| confirmed.outcome = Some(o)),
            Kind::Objection => self.record_objection(stamp, &cuuid).map(|o| confirmed.outcome = Some(o)),
            Kind::Restriction => self.restrict(stamp, &cuuid).map(|_| ()),
            Kind::Renewal => self.renew_consent(stamp, &cuuid).map(|_| ()),
            Kind::Withdrawal => self.withdraw_applications(stamp, &cuuid, &mut confirmed.withdrawn),
            Kind::Access | Kind::Correction => Ok(()),
        };
        if let Err(e) = acted {
            // The act failed: the request is pending again, and the log says so.
            self.write(|tx| {
                tx.execute(
                    "UPDATE requests SET status = ?1, decided_at = NULL, decided_by = NULL WHERE id = ?2",
                    params![status.as_str(), rid],
                )?;
                append(tx, stamp, "request_reopen", Some(&cuuid), Some(&confirmed.request))
            })?;
            return Err(e.into());
        }
        Ok(confirmed)
    }

    fn withdraw_applications(
        &mut self,
        stamp: &Stamp,
        candidate: &str,
        withdrawn: &mut Vec<String>,
    ) -> std::result::Result<(), PipelineError> {
        let open: Vec<String> = {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT a.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id
                 WHERE c.uuid = ?1 AND a.stage NOT IN ({})",
                Stage::closed_sql()
            ))?;
            stmt.query_map([candidate], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?
        };
        for app in open {
            self.move_stage(stamp, &app, Stage::Withdrawn, Some("withdrawn by the candidate"))?;
            withdrawn.push(app);
        }
        Ok(())
    }

    /// A pending request: (row id, UUID, kind, status, candidate UUID); an answered one is
    /// an error that says so.
    fn pending_request(&self, id: &str) -> Result<(i64, String, Kind, Status, String)> {
        let (rid, uuid) = resolve(&self.conn, "requests", "request", id)?;
        let r = request_by_id(&self.conn, rid)?;
        if !r.status.is_pending() {
            return Err(RequestError::Decided { request: uuid, status: r.status.as_str().replace('_', " ") });
        }
        Ok((rid, uuid, r.kind, r.status, r.candidate))
    }
}

fn mark_done(tx: &rusqlite::Connection, stamp: &Stamp, rid: i64, uuid: &str, cuuid: &str) -> Result<()> {
    tx.execute(
        "UPDATE requests SET status = 'done', decided_at = ?1, decided_by = ?2 WHERE id = ?3",
        params![ts(stamp.at), stamp.actor, rid],
    )?;
    append(tx, stamp, "request_done", Some(cuuid), Some(uuid))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("awaiting-confirmation"), Some(Status::AwaitingConfirmation));
        assert_eq!(Kind::of_intent(Intent::None), None);
        assert_eq!(Kind::of_intent(Intent::Erasure), Some(Kind::Erasure));
        assert_eq!(serde_json::to_value(Channel::InPerson).unwrap(), "in-person");
        assert_eq!(serde_json::to_value(Status::IdentityCheck).unwrap(), "identity_check");
    }

    #[test]
    fn only_open_statuses_are_pending() {
        let pending: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_pending()).map(Status::as_str).collect();
        assert_eq!(PENDING_SQL, format!("'{}'", pending.join("', '")));
    }
}
