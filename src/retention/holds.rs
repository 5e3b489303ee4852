//! Legal holds: a reason, who placed it, an optional end; while one is in force nobody
//! purges the person.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::audit::append;
use crate::db::Store;
use crate::db::time::{parse_ts, ts};
use crate::guard::policy::HrText;
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::policy as rules;
use crate::retention::policy::Hold;

use crate::db::time::opt_ts;
use crate::retention::facts::candidate;
type Result<T> = std::result::Result<T, PipelineError>;

/// One legal hold, in force or released.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HoldInfo {
    pub uuid: String,
    pub candidate_uuid: String,
    pub full_name: String,
    pub reason: String,
    pub placed_by: String,
    pub placed_at: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
    pub released_by: Option<String>,
    pub released_at: Option<DateTime<Utc>>,
    pub in_force: bool,
}

pub(crate) fn holds_where(conn: &rusqlite::Connection, only: Option<i64>, now: DateTime<Utc>) -> Result<Vec<HoldInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.uuid, c.uuid, c.full_name, h.reason, h.placed_by, h.placed_at, h.until, h.released_by,
                h.released_at
         FROM legal_holds h JOIN candidates c ON c.id = h.candidate_id
         WHERE ?1 IS NULL OR h.candidate_id = ?1 ORDER BY h.placed_at DESC, h.id DESC",
    )?;
    let rows = stmt.query_map([only], |r| {
        let placed_at = parse_ts(&r.get::<_, String>(5)?)?;
        let until = opt_ts(r.get(6)?)?;
        let released_at = opt_ts(r.get(8)?)?;
        let hold = Hold { reason: String::new(), by: String::new(), from: placed_at, until };
        Ok(HoldInfo {
            uuid: r.get(0)?,
            candidate_uuid: r.get(1)?,
            full_name: r.get(2)?,
            reason: r.get(3)?,
            placed_by: r.get(4)?,
            placed_at,
            until,
            released_by: r.get(7)?,
            released_at,
            in_force: released_at.is_none() && hold.in_force(now),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Places a legal hold: no purge of this candidate while it is in force.
    pub fn place_hold(
        &mut self,
        stamp: &Stamp,
        id: &str,
        reason: &str,
        last_day: Option<NaiveDate>,
    ) -> Result<HoldInfo> {
        // In force through the whole last day, read as a contract's last day is.
        let until = last_day.map(rules::end_of_day);
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(PipelineError::Invalid {
                field: "reason",
                reason: "a legal hold needs its reason (the case, the authority that asked)".into(),
            });
        }
        if until.is_some_and(|u| u <= stamp.at) {
            return Err(PipelineError::Invalid {
                field: "until",
                reason: "the end of a hold must be later than now".into(),
            });
        }
        HrText::new("reason", reason).check()?;
        let uuid = uuid::Uuid::new_v4().to_string();
        self.write(|tx| {
            let (cid, cuuid) = candidate(tx, id)?;
            tx.execute(
                "INSERT INTO legal_holds (uuid, candidate_id, reason, placed_by, placed_at, until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![uuid, cid, reason, stamp.actor, ts(stamp.at), until.map(ts)],
            )?;
            append(tx, stamp, "hold", Some(&cuuid), Some(&format!("hold {uuid}")))?;
            let holds = holds_where(tx, Some(cid), stamp.at)?;
            holds.into_iter().find(|h| h.uuid == uuid).ok_or(PipelineError::NotFound { what: "hold", id: uuid })
        })
    }

    /// Releases every hold of a candidate that is not released yet.
    pub fn release_holds(&mut self, stamp: &Stamp, id: &str) -> Result<Vec<HoldInfo>> {
        self.write(|tx| {
            let (cid, cuuid) = candidate(tx, id)?;
            let released = tx.execute(
                "UPDATE legal_holds SET released_by = ?1, released_at = ?2
                 WHERE candidate_id = ?3 AND released_at IS NULL",
                params![stamp.actor, ts(stamp.at), cid],
            )?;
            if released == 0 {
                return Err(PipelineError::Invalid {
                    field: "candidate",
                    reason: "this candidate has no legal hold to release".into(),
                });
            }
            append(tx, stamp, "release", Some(&cuuid), Some(&format!("{released} hold(s)")))?;
            holds_where(tx, Some(cid), stamp.at)
        })
    }

    /// Every legal hold, newest first, in force or released.
    pub fn holds(&self, now: DateTime<Utc>) -> Result<Vec<HoldInfo>> {
        holds_where(&self.conn, None, now)
    }
}
