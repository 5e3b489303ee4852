//! The facts the retention policy decides on, read from the store: for one candidate or
//! for everyone who may be due (the pool pre-filter sits beside `decide` in `policy`), the
//! verdicts a purge acts on, and each candidate's status.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::audit::{PendingAudit, append};
use crate::db::Store;
use crate::db::ids::resolve;
use crate::db::time::{is_unreadable, opt_ts, parse_day, parse_ts, ts};
use crate::pipeline::{PipelineError, Stage, Stamp};
use crate::retention::policy::{
    Decision, Facts, Hire, Hold, MAX_POOL_MONTHS, Prefilter, RetentionError, Rule, Settings, decide,
};

use crate::pipeline::candidates::resolve_candidate;
use crate::retention::holds::{HoldInfo, holds_where};
type Result<T> = std::result::Result<T, PipelineError>;

/// A candidate the policy says must go: row id, UUID and the decision.
pub(crate) type Due = (i64, String, Decision);

/// The setting that holds the pool period in months.
pub(crate) const POOL_SETTING: &str = "retention.pool_months";

/// Where a candidate stands: the date their data must go and why.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RetentionStatus {
    pub candidate_uuid: String,
    pub full_name: String,
    pub last_contact_at: DateTime<Utc>,
    /// None while a contract runs.
    pub due: Option<DateTime<Utc>>,
    pub rule: Rule,
    /// A legal hold in force suspends the purge.
    pub held: bool,
    pub objected_at: Option<DateTime<Utc>>,
    pub erasure_confirmed_at: Option<DateTime<Utc>>,
    pub restricted_at: Option<DateTime<Utc>>,
    pub holds: Vec<HoldInfo>,
}

/// A person kept only because an application is open, with no stage move since.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct StaleOpen {
    pub candidate_uuid: String,
    pub full_name: String,
    pub open_since: DateTime<Utc>,
}

/// A candidate whose data goes soon, so that HR can ask for a consent renewal.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Upcoming {
    pub candidate_uuid: String,
    pub full_name: String,
    pub emails: Vec<String>,
    pub language: String,
    pub last_contact_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub rule: Rule,
    pub held: bool,
}

pub(crate) fn settings_of(conn: &rusqlite::Connection) -> Result<Settings> {
    let months: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [POOL_SETTING], |r| r.get(0)).optional()?;
    let months = months.and_then(|m| m.parse::<u32>().ok()).unwrap_or(MAX_POOL_MONTHS);
    // A value out of range (written by hand) falls back to the longest the policy allows.
    let mut settings = Settings::new(months).unwrap_or_default();
    let mut stmt = conn.prepare_cached("SELECT country, years FROM retention_periods ORDER BY country")?;
    settings.hired_years =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(settings)
}

/// What [`gather`] found: the facts of each candidate, and who has a stored date that does
/// not read. Those are never decided on: they are kept, and `doctor` names them.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    pub people: Vec<(i64, String, String, Facts)>,
    pub unreadable: Vec<(i64, String)>,
}

/// The facts of every candidate, or of one (`only`), keyed by row id, with UUID and name.
/// With a `prefilter`, only those it admits: its SQL below is [`Prefilter::admits`] clause
/// for clause (last contact at or before its cutoff, an objection or an erasure on record,
/// or a hire), kept beside the policy's rule in `policy`. A date that does not read keeps
/// its person out of every decision (and in [`Gathered::unreadable`]).
pub(crate) fn gather(conn: &rusqlite::Connection, only: Option<i64>, prefilter: Option<Prefilter>) -> Result<Gathered> {
    let mut unreadable_ids: std::collections::HashSet<i64> = std::collections::HashSet::new();
    let mut hires: HashMap<i64, Vec<Hire>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.candidate_id, j.country, a.contract_end FROM applications a JOIN jobs j ON j.id = a.job_id
         WHERE a.stage = 'hired' AND (?1 IS NULL OR a.candidate_id = ?1)",
    )?;
    let rows =
        stmt.query_map([only], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
    for row in rows {
        let (cid, country, end) = row?;
        // A contract end that does not read is a contract still running: kept.
        let contract_end = end.as_deref().and_then(parse_day);
        if end.is_some() && contract_end.is_none() {
            unreadable_ids.insert(cid);
        }
        hires.entry(cid).or_default().push(Hire { country, contract_end });
    }
    let mut holds: HashMap<i64, Vec<Hold>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT candidate_id, reason, placed_by, placed_at, until FROM legal_holds
         WHERE released_at IS NULL AND (?1 IS NULL OR candidate_id = ?1)",
    )?;
    let rows = stmt.query_map([only], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?))
    })?;
    for row in rows {
        let (cid, reason, by, from, until) = row?;
        match (parse_ts(&from), opt_ts(until)) {
            (Ok(from), Ok(until)) => holds.entry(cid).or_default().push(Hold { reason, by, from, until }),
            (Err(e), _) | (_, Err(e)) if is_unreadable(&e) => {
                unreadable_ids.insert(cid);
            }
            (Err(e), _) | (_, Err(e)) => return Err(e.into()),
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.uuid, c.full_name, c.last_contact_at, c.objected_at, c.erasure_confirmed_at,
                (SELECT max(a.updated_at) FROM applications a WHERE a.candidate_id = c.id AND a.stage IN {open}),
                (SELECT max(a.updated_at) FROM applications a WHERE a.candidate_id = c.id AND a.stage IN {closed})
         FROM candidates c
         WHERE (?1 IS NULL OR c.id = ?1)
           AND (?2 IS NULL OR c.id IN (
                    SELECT id FROM candidates WHERE last_contact_at <= ?2
                    UNION SELECT id FROM candidates
                          WHERE objected_at IS NOT NULL OR erasure_confirmed_at IS NOT NULL
                    UNION SELECT candidate_id FROM applications WHERE stage = 'hired'))",
        open = Stage::open_sql(),
        closed = Stage::closed_sql()
    ))?;
    let cutoff = prefilter.map(|p| ts(p.last_contact_by));
    let rows = stmt.query_map(params![only, cutoff], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut out = Gathered::default();
    for row in rows {
        let (cid, uuid, name, last, objected, erasure, open, closed) = row?;
        let facts = (|| {
            Ok::<_, rusqlite::Error>(Facts {
                last_contact: parse_ts(&last)?,
                objected: opt_ts(objected)?,
                erasure_confirmed: opt_ts(erasure)?,
                open_since: opt_ts(open)?,
                last_closed: opt_ts(closed)?,
                hires: hires.remove(&cid).unwrap_or_default(),
                holds: holds.remove(&cid).unwrap_or_default(),
            })
        })();
        match facts {
            Ok(facts) if !unreadable_ids.contains(&cid) => out.people.push((cid, uuid, name, facts)),
            Ok(_) => out.unreadable.push((cid, uuid)),
            Err(e) if is_unreadable(&e) => out.unreadable.push((cid, uuid)),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// Who must go at `at` (row id, UUID, decision), the UUIDs of those past their date whom a
/// legal hold keeps, and those kept because a stored date of theirs does not read: what a
/// purge acts on and what `doctor` reports.
pub(crate) fn verdicts(conn: &rusqlite::Connection, at: DateTime<Utc>) -> Result<Verdicts> {
    let settings = settings_of(conn)?;
    let mut out = Verdicts::default();
    let gathered = gather(conn, None, Some(Prefilter::at(&settings, at)))?;
    out.unreadable = gathered.unreadable.into_iter().map(|(_, uuid)| uuid).collect();
    for (cid, uuid, _, facts) in gathered.people {
        let d = decide(&facts, &settings, at);
        if d.purge_now(at) {
            out.due.push((cid, uuid, d));
        } else if d.held && d.due.is_some_and(|x| x <= at) {
            out.held.push(uuid);
        }
    }
    Ok(out)
}

/// What a purge at a date would do.
#[derive(Debug, Default)]
pub(crate) struct Verdicts {
    pub due: Vec<Due>,
    /// Past their date, kept by a legal hold.
    pub held: Vec<String>,
    /// Kept because a stored date of theirs does not read.
    pub unreadable: Vec<String>,
}

/// A candidate by UUID, prefix or email; a purged UUID is told as such.
pub(crate) fn candidate(conn: &rusqlite::Connection, id: &str) -> Result<(i64, String)> {
    match resolve_candidate(conn, id) {
        Err(PipelineError::NotFound { what, id: missing }) => {
            let purged: Option<(String, String)> = conn
                .query_row(
                    "SELECT purged_at, rule FROM purge_log WHERE candidate_uuid = ?1",
                    [id.trim().to_ascii_lowercase()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match purged {
                Some((at, rule)) => Err(RetentionError::Purged {
                    uuid: id.trim().to_ascii_lowercase(),
                    at: parse_ts(&at)?.format("%Y-%m-%d").to_string(),
                    rule,
                }
                .into()),
                None => Err(PipelineError::NotFound { what, id: missing }),
            }
        }
        other => other,
    }
}

/// One candidate's UUID, name and facts.
pub(crate) fn facts_of(conn: &rusqlite::Connection, cid: i64) -> Result<(String, String, Facts)> {
    let gathered = gather(conn, Some(cid), None)?;
    if let Some((_, uuid)) = gathered.unreadable.first() {
        return Err(crate::db::StoreError::Damaged {
            detail: format!("a stored date of candidate {uuid} cannot be read; their retention cannot be decided"),
        }
        .into());
    }
    let (_, uuid, name, facts) =
        gathered.people.into_iter().next().ok_or(PipelineError::NotFound { what: "candidate", id: cid.to_string() })?;
    Ok((uuid, name, facts))
}

pub(crate) fn status_of(conn: &rusqlite::Connection, cid: i64, now: DateTime<Utc>) -> Result<RetentionStatus> {
    let (uuid, name, facts) = facts_of(conn, cid)?;
    let decision = decide(&facts, &settings_of(conn)?, now);
    status_from(conn, cid, uuid, name, &facts, &decision, now)
}

/// A candidate's status, and the audit entry its view owes.
fn audited_status(conn: &rusqlite::Connection, stamp: &Stamp, id: &str) -> Result<(RetentionStatus, PendingAudit)> {
    let (cid, uuid) = candidate(conn, id)?;
    let owed = PendingAudit::new(stamp, "view", Some(&uuid), "retention".into());
    Ok((status_of(conn, cid, stamp.at)?, owed))
}

/// The status of a candidate whose facts and decision are at hand.
pub(crate) fn status_from(
    conn: &rusqlite::Connection,
    cid: i64,
    candidate_uuid: String,
    full_name: String,
    facts: &Facts,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<RetentionStatus> {
    let restricted: Option<String> =
        conn.query_row("SELECT restricted_at FROM candidates WHERE id = ?1", [cid], |r| r.get(0))?;
    Ok(RetentionStatus {
        candidate_uuid,
        full_name,
        last_contact_at: facts.last_contact,
        due: decision.due,
        rule: decision.rule,
        held: decision.held,
        objected_at: facts.objected,
        erasure_confirmed_at: facts.erasure_confirmed,
        restricted_at: opt_ts(restricted)?,
        holds: holds_where(conn, Some(cid), now)?,
    })
}

impl Store {
    /// When a candidate's data must go and why (audited as a view).
    pub fn retention_status(&mut self, stamp: &Stamp, id: &str) -> Result<RetentionStatus> {
        self.audited(|tx| audited_status(tx, stamp, id))
    }

    /// [`Store::retention_status`] read without writing (on a `Reader`, while the writer may
    /// be busy), with the view's audit entry owed to the log.
    pub fn read_retention_status(&self, stamp: &Stamp, id: &str) -> Result<(RetentionStatus, PendingAudit)> {
        self.read(|tx| audited_status(tx, stamp, id))
    }

    /// People kept only because an application of theirs is open with no stage move for
    /// longer than the pool period, oldest first: HR should close those applications.
    pub fn stale_open(&self, now: DateTime<Utc>) -> Result<Vec<StaleOpen>> {
        let settings = settings_of(&self.conn)?;
        // A week's margin for month ends; the policy's own rule decides below.
        let cutoff = Prefilter::at(&settings, now).last_contact_by;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.uuid, c.full_name, max(a.updated_at) FROM applications a JOIN candidates c ON c.id = a.candidate_id
             WHERE a.stage IN {open} GROUP BY c.id HAVING max(a.updated_at) <= ?1 ORDER BY 3",
            open = Stage::open_sql()
        ))?;
        let rows = stmt.query_map([ts(cutoff)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (candidate_uuid, full_name, since) = row?;
            // An unreadable date is damage `doctor` reports elsewhere; it is not listed here.
            let Ok(open_since) = parse_ts(&since) else { continue };
            if crate::retention::policy::add_months(open_since, settings.pool_months()) <= now {
                out.push(StaleOpen { candidate_uuid, full_name, open_since });
            }
        }
        Ok(out)
    }

    /// Candidates whose data goes within `days` of `now` (overdue ones included), soonest
    /// first, for a consent-renewal request. Hires whose contract runs are never listed.
    pub fn upcoming_purges(&self, now: DateTime<Utc>, days: u32) -> Result<Vec<Upcoming>> {
        let settings = settings_of(&self.conn)?;
        let horizon = now + Duration::days(i64::from(days));
        let mut soon = Vec::new();
        for (cid, uuid, name, facts) in gather(&self.conn, None, Some(Prefilter::at(&settings, horizon)))?.people {
            let d = decide(&facts, &settings, now);
            if let Some(due) = d.due.filter(|due| *due <= horizon) {
                soon.push((cid, uuid, name, facts.last_contact, due, d.rule, d.held));
            }
        }
        soon.sort_by(|a, b| a.4.cmp(&b.4).then_with(|| a.1.cmp(&b.1)));
        let mut emails = self.conn.prepare_cached("SELECT email FROM candidate_emails WHERE candidate_id = ?1")?;
        let mut lang = self.conn.prepare_cached("SELECT language FROM candidates WHERE id = ?1")?;
        let mut out = Vec::with_capacity(soon.len());
        for (cid, uuid, full_name, last, due, rule, held) in soon {
            out.push(Upcoming {
                candidate_uuid: uuid,
                full_name,
                emails: emails.query_map([cid], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?,
                language: lang.query_row([cid], |r| r.get(0))?,
                last_contact_at: last,
                due,
                rule,
                held,
            });
        }
        Ok(out)
    }

    /// Sets (or clears, with None) the contract end of a hired application.
    pub fn set_contract_end(
        &mut self,
        stamp: &Stamp,
        application: &str,
        end: Option<NaiveDate>,
    ) -> Result<RetentionStatus> {
        self.write(|tx| {
            let (app_id, app_uuid) = resolve(tx, "applications", "application", application)?;
            let (stage, cid, cuuid): (String, i64, String) = tx.query_row(
                "SELECT a.stage, c.id, c.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id
                 WHERE a.id = ?1",
                [app_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if stage != Stage::Hired.as_str() {
                return Err(PipelineError::Invalid {
                    field: "application",
                    reason: format!("only a hired application has a contract; this one is at {stage}"),
                });
            }
            tx.execute(
                "UPDATE applications SET contract_end = ?1 WHERE id = ?2",
                params![end.map(|d| d.format("%Y-%m-%d").to_string()), app_id],
            )?;
            append(tx, stamp, "contract", Some(&cuuid), Some(&format!("{app_uuid} contract end set")))?;
            status_of(tx, cid, stamp.at)
        })
    }
}
