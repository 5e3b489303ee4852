//! The minimal register of requests opened from candidates' replies: which right, whose,
//! when received, when due (one calendar month, the legal delay), open until HR confirms
//! or dismisses it, and the message it came from. Confirming acts through the rights
//! already in the engine (an erasure or objection through the retention engine, a renewal
//! moving the last contact, a withdrawal closing open applications); nothing is deleted
//! before HR confirms. The requests-register issue extends this record.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::audit::append;
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_ts, ts};
use crate::mail::{Intent, MailError};
use crate::pipeline::stage::Stage;
use crate::pipeline::{PipelineError, Stamp};

use super::RequestOutcome;

type Result<T> = std::result::Result<T, MailError>;

/// The legal due date of a request received on `received`: one calendar month later,
/// on the last day of the month when that month is shorter (31 January -> 28/29 February).
pub fn due_on(received: NaiveDate) -> NaiveDate {
    received.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX)
}

/// Opens a request for `cid` (or answers the one of that kind still open for them).
pub(crate) fn open_request(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    cid: i64,
    kind: Intent,
    values: &[String],
    message: &str,
) -> std::result::Result<String, PipelineError> {
    if let Some(uuid) = tx
        .query_row(
            "SELECT uuid FROM requests WHERE candidate_id = ?1 AND kind = ?2 AND status = 'open'",
            params![cid, kind.as_str()],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    {
        return Ok(uuid);
    }
    let uuid = new_uuid();
    let received = stamp.at.date_naive();
    let detail = (!values.is_empty()).then(|| values.join(", "));
    tx.execute(
        "INSERT INTO requests (uuid, candidate_id, kind, detail, received_at, due_on, message_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT id FROM messages WHERE uuid = ?7))",
        params![uuid, cid, kind.as_str(), detail, ts(stamp.at), due_on(received).to_string(), message],
    )?;
    let cuuid: String = tx.query_row("SELECT uuid FROM candidates WHERE id = ?1", [cid], |r| r.get(0))?;
    append(tx, stamp, "request_open", Some(&cuuid), Some(&format!("{uuid} {}", kind.as_str())))?;
    Ok(uuid)
}

/// A request as HR sees it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "RightsRequest")]
pub struct Request {
    pub uuid: String,
    pub kind: String,
    pub candidate: String,
    pub candidate_name: String,
    pub received_at: DateTime<Utc>,
    pub due_on: String,
    pub status: String,
    /// The new values a correction gave.
    pub detail: Option<String>,
    /// The message it came from.
    pub message: Option<String>,
}

/// What confirming a request did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Confirmed {
    pub request: String,
    pub kind: String,
    /// For an erasure or objection: what the retention engine did.
    pub outcome: Option<RequestOutcome>,
    /// For a withdrawal: the applications closed.
    pub withdrawn: Vec<String>,
}

impl Store {
    /// Requests, by due date; `open_only` leaves out confirmed and dismissed ones.
    pub fn requests(&self, open_only: bool) -> Result<Vec<Request>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.uuid, r.kind, c.uuid, c.full_name, r.received_at, r.due_on, r.status, r.detail, m.uuid
             FROM requests r JOIN candidates c ON c.id = r.candidate_id LEFT JOIN messages m ON m.id = r.message_id
             WHERE (?1 = 0 OR r.status = 'open') ORDER BY r.due_on, r.id",
        )?;
        let rows = stmt.query_map([open_only as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (uuid, kind, candidate, candidate_name, received, due_on, status, detail, message) = row?;
            out.push(Request {
                uuid,
                kind,
                candidate,
                candidate_name,
                received_at: parse_ts(&received)?,
                due_on,
                status,
                detail,
                message,
            });
        }
        Ok(out)
    }

    /// HR confirms an open request: an erasure or objection goes through the retention
    /// engine (refused for a hire's erasure, with the reason), a renewal moves the last
    /// contact, a withdrawal closes the open applications; access and correction are marked
    /// done (HR exports or edits).
    pub fn confirm_request(&mut self, stamp: &Stamp, id: &str) -> Result<Confirmed> {
        let (rid, uuid, kind, candidate) = self.open_request_of(id)?;
        // Marked first: an erasure that purges the candidate takes the request with it.
        self.decide_request(stamp, rid, &uuid, "confirmed", &candidate)?;
        let mut confirmed = Confirmed { request: uuid, kind: kind.clone(), outcome: None, withdrawn: Vec::new() };
        let acted = match kind.as_str() {
            "erasure" => self.confirm_erasure(stamp, &candidate).map(|o| confirmed.outcome = Some(o)),
            "objection" => self.record_objection(stamp, &candidate).map(|o| confirmed.outcome = Some(o)),
            "renewal" => self.renew_consent(stamp, &candidate).map(|_| ()),
            "withdrawal" => {
                let open: Vec<String> = {
                    let mut stmt = self.conn.prepare_cached(&format!(
                        "SELECT a.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id
                         WHERE c.uuid = ?1 AND a.stage NOT IN ({})",
                        Stage::closed_sql()
                    ))?;
                    stmt.query_map([&candidate], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?
                };
                let mut result = Ok(());
                for app in open {
                    match self.move_stage(stamp, &app, Stage::Withdrawn, Some("withdrawn by the candidate's reply")) {
                        Ok(_) => confirmed.withdrawn.push(app),
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                result
            }
            _ => Ok(()),
        };
        if let Err(e) = acted {
            // The act was refused (a hire's erasure...): the request stays open.
            self.conn.execute(
                "UPDATE requests SET status = 'open', decided_at = NULL, decided_by = NULL WHERE id = ?1",
                [rid],
            )?;
            return Err(e.into());
        }
        Ok(confirmed)
    }

    /// HR dismisses an open request (not a right after all): nothing else changes.
    pub fn dismiss_request(&mut self, stamp: &Stamp, id: &str) -> Result<String> {
        let (rid, uuid, _, candidate) = self.open_request_of(id)?;
        self.decide_request(stamp, rid, &uuid, "dismissed", &candidate)?;
        Ok(uuid)
    }

    fn open_request_of(&self, id: &str) -> Result<(i64, String, String, String)> {
        let (rid, uuid) = resolve(&self.conn, "requests", "request", id)?;
        let (kind, status, candidate): (String, String, String) = self.conn.query_row(
            "SELECT r.kind, r.status, c.uuid FROM requests r JOIN candidates c ON c.id = r.candidate_id WHERE r.id = ?1",
            [rid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if status != "open" {
            return Err(MailError::RequestDecided { request: uuid, status });
        }
        Ok((rid, uuid, kind, candidate))
    }

    fn decide_request(&mut self, stamp: &Stamp, rid: i64, uuid: &str, status: &str, candidate: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE requests SET status = ?1, decided_at = ?2, decided_by = ?3 WHERE id = ?4",
                params![status, ts(stamp.at), stamp.actor, rid],
            )?;
            append(tx, stamp, &format!("request_{status}"), Some(candidate), Some(uuid))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn due_one_calendar_month_later_clamped_to_the_month_end() {
        assert_eq!(due_on(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(due_on(d("2028-01-31")), d("2028-02-29"));
        assert_eq!(due_on(d("2026-03-31")), d("2026-04-30"));
        assert_eq!(due_on(d("2026-12-15")), d("2027-01-15"));
    }
}
