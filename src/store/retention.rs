//! Retention's SQL (promises P6, P7, P8's erasure side): gathering the policy's facts for
//! one candidate or for all, recording objections, renewals, erasure confirmations,
//! restrictions, contract ends and legal holds, and the purge itself. The decisions are
//! `privacy::retention`'s; this module only reads the facts and acts on the verdicts.
//!
//! A purge removes, in one transaction, every row of the person (emails, applications and
//! their stage events, hiring details and custom values, documents and generated letters
//! with their extracted text, notes and ratings, messages with their raw source, flagged
//! spans, holds, search-index entries), and writes only the purge log (UUID, date, rule,
//! counts), the erasure ledger (UUID, date) and a UUID-only audit entry. The same
//! transaction leaves no residue: `secure_delete` zeroes freed cells and pages, the
//! contentless FTS5 index is merged (which drops the deleted rows' terms) and free pages are
//! given back to the file system; after the commit the WAL is checkpointed and truncated.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::Store;
use super::audit::append;
use super::pipeline::{parse_day, parse_ts, resolve, ts};
use crate::pipeline::{PipelineError, Stage, Stamp};
use crate::privacy::policy;
use crate::privacy::retention::{
    self, Decision, Facts, Hire, Hold, MAX_POOL_MONTHS, RetentionError, Rule, Settings, check_erasure, decide,
};

type Result<T> = std::result::Result<T, PipelineError>;

/// A candidate the policy says must go: row id, UUID and the decision.
type Due = (i64, String, Decision);

/// From this many people at once, a purge works with a larger page cache.
const BULK_PURGE: usize = 1_000;

/// The setting that holds the pool period in months.
const POOL_SETTING: &str = "retention.pool_months";

/// Where a candidate stands: the date their data must go and why.
#[derive(Debug, Clone, Serialize)]
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

/// One legal hold, in force or released.
#[derive(Debug, Clone, Serialize)]
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

/// A candidate whose data goes soon, so that HR can ask for a consent renewal.
#[derive(Debug, Clone, Serialize)]
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

/// How many rows of each kind went with a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    pub emails: i64,
    pub applications: i64,
    pub stage_events: i64,
    pub hiring_details: i64,
    pub custom_values: i64,
    pub documents: i64,
    pub letters: i64,
    pub notes: i64,
    pub ratings: i64,
    pub messages: i64,
    pub flags: i64,
    pub index_entries: i64,
    pub holds: i64,
}

/// One person purged (or, in a dry run, who would be).
#[derive(Debug, Clone, Serialize)]
pub struct Purged {
    pub candidate_uuid: String,
    pub rule: Rule,
    pub due: DateTime<Utc>,
    pub counts: PurgeCounts,
}

/// What the clean-up after a purge did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cleanup {
    /// The search index was merged, dropping the deleted rows' terms.
    pub index_optimised: bool,
    /// False when another connection kept a read open: the next run finishes it.
    pub wal_truncated: bool,
    /// Pages given back to the file system.
    pub pages_reclaimed: i64,
    /// The file was rebuilt once to allow reclaiming pages (databases created before it).
    pub vacuumed: bool,
    /// Time spent on each step, in milliseconds: index merge, pages, WAL.
    pub index_ms: u64,
    pub reclaim_ms: u64,
    pub wal_ms: u64,
}

/// The outcome of one purge run.
#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    pub as_of: DateTime<Utc>,
    pub dry_run: bool,
    pub purged: Vec<Purged>,
    /// Due but suspended by a legal hold.
    pub held: Vec<String>,
    pub cleanup: Option<Cleanup>,
}

/// A line of the purge log: nothing but the UUID, the date, the rule and the counts.
#[derive(Debug, Clone, Serialize)]
pub struct PurgeLogEntry {
    pub candidate_uuid: String,
    pub purged_at: DateTime<Utc>,
    pub rule: Rule,
    pub counts: serde_json::Value,
}

/// What happened to an objection or an erasure confirmation.
#[derive(Debug, Clone, Serialize)]
pub struct RequestOutcome {
    pub candidate_uuid: String,
    /// Set when the candidate was purged at once.
    pub purged: Option<Purged>,
    /// The status after the request, when the candidate is still there.
    pub status: Option<RetentionStatus>,
}

/// Whether purges keep up, for `vivier doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionHealth {
    pub last_purge: Option<DateTime<Utc>>,
    /// Due now and not held, yet still here: no purge has run since they became due.
    pub overdue: usize,
    /// Due now but kept by a legal hold.
    pub held: usize,
    /// Free pages in the file (handed back by the next clean-up).
    pub free_pages: i64,
    /// Whether freed pages can be handed back without rebuilding the file.
    pub incremental_vacuum: bool,
}

/// The policy's settings as stored.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionSettings {
    pub pool_months: u32,
    pub max_pool_months: u32,
    pub default_hired_years: u32,
    /// Years kept after a contract ends, per country of hire.
    pub countries: Vec<(String, u32)>,
}

fn opt_ts(s: Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().map(parse_ts)
}

fn settings_of(conn: &rusqlite::Connection) -> Result<Settings> {
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

/// The earliest last contact a candidate may have and still be due by `at` under the
/// pool rule, with a week's margin for month ends: a superset, `decide` has the last word.
fn pool_cutoff(settings: &Settings, at: DateTime<Utc>) -> String {
    let months = chrono::Months::new(settings.pool_months());
    ts(at.checked_sub_months(months).unwrap_or(at) + Duration::days(7))
}

/// The facts of every candidate, or of one (`only`), keyed by row id, with UUID and name.
/// With `cutoff`, only those who may be due: last contact at or before it, an objection
/// or an erasure on record, or a hire (their dates do not depend on last contact).
fn gather(
    conn: &rusqlite::Connection,
    only: Option<i64>,
    cutoff: Option<&str>,
) -> Result<Vec<(i64, String, String, Facts)>> {
    let mut hires: HashMap<i64, Vec<Hire>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.candidate_id, j.country, a.contract_end FROM applications a JOIN jobs j ON j.id = a.job_id
         WHERE a.stage = 'hired' AND (?1 IS NULL OR a.candidate_id = ?1)",
    )?;
    let rows =
        stmt.query_map([only], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
    for row in rows {
        let (cid, country, end) = row?;
        let contract_end = end.as_deref().and_then(parse_day);
        hires.entry(cid).or_default().push(Hire { country, contract_end });
    }
    let mut holds: HashMap<i64, Vec<Hold>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT candidate_id, reason, placed_by, placed_at, until FROM legal_holds
         WHERE released_at IS NULL AND (?1 IS NULL OR candidate_id = ?1)",
    )?;
    let rows = stmt.query_map([only], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Hold {
                reason: r.get(1)?,
                by: r.get(2)?,
                from: parse_ts(&r.get::<_, String>(3)?),
                until: opt_ts(r.get(4)?),
            },
        ))
    })?;
    for row in rows {
        let (cid, hold) = row?;
        holds.entry(cid).or_default().push(hold);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.uuid, c.full_name, c.last_contact_at, c.objected_at, c.erasure_confirmed_at,
                EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id
                          AND a.stage IN ('new', 'screening', 'interview', 'offer'))
         FROM candidates c
         WHERE (?1 IS NULL OR c.id = ?1)
           AND (?2 IS NULL OR c.id IN (
                    SELECT id FROM candidates WHERE last_contact_at <= ?2
                    UNION SELECT id FROM candidates
                          WHERE objected_at IS NOT NULL OR erasure_confirmed_at IS NOT NULL
                    UNION SELECT candidate_id FROM applications WHERE stage = 'hired'))",
    )?;
    let rows = stmt.query_map(params![only, cutoff], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, bool>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (cid, uuid, name, last, objected, erasure, open) = row?;
        let facts = Facts {
            last_contact: parse_ts(&last),
            objected: opt_ts(objected),
            erasure_confirmed: opt_ts(erasure),
            open_applications: open,
            hires: hires.remove(&cid).unwrap_or_default(),
            holds: holds.remove(&cid).unwrap_or_default(),
        };
        out.push((cid, uuid, name, facts));
    }
    Ok(out)
}

/// Who must go at `at` (row id, UUID, decision), and the UUIDs of those past their date
/// whom a legal hold keeps: what a purge acts on and what `doctor` reports.
fn verdicts(conn: &rusqlite::Connection, at: DateTime<Utc>) -> Result<(Vec<Due>, Vec<String>)> {
    let settings = settings_of(conn)?;
    let (mut due, mut held) = (Vec::new(), Vec::new());
    for (cid, uuid, _, facts) in gather(conn, None, Some(&pool_cutoff(&settings, at)))? {
        let d = decide(&facts, &settings, at);
        if d.purge_now(at) {
            due.push((cid, uuid, d));
        } else if d.held && d.due.is_some_and(|x| x <= at) {
            held.push(uuid);
        }
    }
    Ok((due, held))
}

/// A candidate by UUID, prefix or email; a purged UUID is told as such.
fn candidate(conn: &rusqlite::Connection, id: &str) -> Result<(i64, String)> {
    match super::pipeline::resolve_candidate(conn, id) {
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
                    at: parse_ts(&at).format("%Y-%m-%d").to_string(),
                    rule,
                }
                .into()),
                None => Err(PipelineError::NotFound { what, id: missing }),
            }
        }
        other => other,
    }
}

fn holds_where(conn: &rusqlite::Connection, only: Option<i64>, now: DateTime<Utc>) -> Result<Vec<HoldInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.uuid, c.uuid, c.full_name, h.reason, h.placed_by, h.placed_at, h.until, h.released_by,
                h.released_at
         FROM legal_holds h JOIN candidates c ON c.id = h.candidate_id
         WHERE ?1 IS NULL OR h.candidate_id = ?1 ORDER BY h.placed_at DESC, h.id DESC",
    )?;
    let rows = stmt.query_map([only], |r| {
        let placed_at = parse_ts(&r.get::<_, String>(5)?);
        let until = opt_ts(r.get(6)?);
        let released_at = opt_ts(r.get(8)?);
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

/// One candidate's UUID, name and facts.
fn facts_of(conn: &rusqlite::Connection, cid: i64) -> Result<(String, String, Facts)> {
    let (_, uuid, name, facts) = gather(conn, Some(cid), None)?
        .pop()
        .ok_or(PipelineError::NotFound { what: "candidate", id: cid.to_string() })?;
    Ok((uuid, name, facts))
}

fn status_of(conn: &rusqlite::Connection, cid: i64, now: DateTime<Utc>) -> Result<RetentionStatus> {
    let (uuid, name, facts) = facts_of(conn, cid)?;
    let decision = decide(&facts, &settings_of(conn)?, now);
    status_from(conn, cid, uuid, name, &facts, &decision, now)
}

/// The status of a candidate whose facts and decision are at hand.
fn status_from(
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
        restricted_at: opt_ts(restricted),
        holds: holds_where(conn, Some(cid), now)?,
    })
}

/// The temporary list of row ids a purge works on (in memory: the temp store is).
fn stage_ids(tx: &rusqlite::Connection, ids: &[i64]) -> Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY); DELETE FROM temp.purge_ids;",
    )?;
    let mut insert = tx.prepare_cached("INSERT INTO temp.purge_ids (id) VALUES (?1)")?;
    for id in ids {
        insert.execute([id])?;
    }
    Ok(())
}

/// Hands the bulk purge's page cache back to the system: SQLite frees it, but glibc keeps
/// small freed blocks in its heap until asked (the app would otherwise stay ~500 MB larger
/// after a purge of 20,000 people).
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the kernel; no pointer is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Rows of each kind per staged candidate.
fn count_staged(tx: &rusqlite::Connection) -> Result<HashMap<i64, PurgeCounts>> {
    const IN: &str = "IN (SELECT id FROM temp.purge_ids)";
    let apps = format!("SELECT id FROM applications WHERE candidate_id {IN}");
    type Slot = fn(&mut PurgeCounts) -> &mut i64;
    let queries: [(Slot, String); 13] = [
        (
            |c| &mut c.emails,
            format!("SELECT candidate_id, count(*) FROM candidate_emails WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.applications,
            format!("SELECT candidate_id, count(*) FROM applications WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.stage_events,
            format!(
                "SELECT a.candidate_id, count(*) FROM stage_events s JOIN applications a ON a.id = s.application_id
                 WHERE s.application_id IN ({apps}) GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.hiring_details,
            format!(
                "SELECT a.candidate_id, count(*) FROM hiring_details h JOIN applications a ON a.id = h.application_id
                 WHERE h.application_id IN ({apps}) GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.custom_values,
            format!(
                "SELECT a.candidate_id, count(*) FROM custom_values v JOIN applications a ON a.id = v.application_id
                 WHERE v.application_id IN ({apps}) GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.documents,
            format!(
                "SELECT candidate_id, count(*) FILTER (WHERE kind <> 'offer_letter') FROM documents
                 WHERE candidate_id {IN} GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.letters,
            format!(
                "SELECT candidate_id, count(*) FILTER (WHERE kind = 'offer_letter') FROM documents
                 WHERE candidate_id {IN} GROUP BY 1"
            ),
        ),
        (|c| &mut c.notes, format!("SELECT candidate_id, count(*) FROM notes WHERE candidate_id {IN} GROUP BY 1")),
        (
            |c| &mut c.ratings,
            format!(
                "SELECT n.candidate_id, count(*) FROM note_ratings r JOIN notes n ON n.id = r.note_id
                 WHERE n.candidate_id {IN} GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.messages,
            format!("SELECT candidate_id, count(*) FROM messages WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.flags,
            format!("SELECT candidate_id, count(*) FROM guard_flags WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.index_entries,
            format!("SELECT candidate_id, count(*) FROM search_entries WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.holds,
            format!("SELECT candidate_id, count(*) FROM legal_holds WHERE candidate_id {IN} GROUP BY 1"),
        ),
    ];
    let mut counts: HashMap<i64, PurgeCounts> = HashMap::new();
    for (slot, sql) in queries {
        let mut stmt = tx.prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (cid, n) = row?;
            *slot(counts.entry(cid).or_default()) = n;
        }
    }
    Ok(counts)
}

/// Deletes every row of the staged candidates, children first (the cascades stay as a
/// safety net). Index entries go first: their trigger removes the passages from FTS5.
fn delete_staged(tx: &rusqlite::Connection) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM search_entries WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM guard_flags WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM note_ratings WHERE note_id IN
             (SELECT id FROM notes WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM notes WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM stage_events WHERE application_id IN
             (SELECT id FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM hiring_details WHERE application_id IN
             (SELECT id FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM custom_values WHERE application_id IN
             (SELECT id FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM documents WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM messages WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM candidate_emails WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM legal_holds WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM candidates WHERE id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM temp.purge_ids;",
    )?;
    Ok(())
}

/// Removes `due` candidates (row id, UUID, decision) in the caller's transaction, records
/// what stays (purge log, erasure ledger, a UUID-only audit entry each), and leaves no
/// residue in the same transaction (`reclaim`).
fn purge_rows(tx: &rusqlite::Connection, stamp: &Stamp, due: &[Due]) -> Result<(Vec<Purged>, Cleanup)> {
    let purged = remove_rows(tx, stamp, due)?;
    // `secure_delete = ON` stays on: `FAST` would leave freed pages unzeroed, and a page
    // reused later in this same transaction (the index merge, a rebalanced leaf) would
    // carry their bytes into its unused space (the bulk residue test caught it).
    let incremental = tx.query_row("PRAGMA auto_vacuum", [], |r| r.get::<_, i64>(0))? == 2;
    Ok((purged, reclaim(tx, incremental)?))
}

fn remove_rows(tx: &rusqlite::Connection, stamp: &Stamp, due: &[Due]) -> Result<Vec<Purged>> {
    // FTS5 rewrites a segment as soon as a tenth of its rows are deleted: a bulk purge
    // would rewrite the index several times over. `reclaim` merges it once instead.
    tx.execute("INSERT INTO search_index (search_index, rank) VALUES ('deletemerge', 0)", [])?;
    let ids: Vec<i64> = due.iter().map(|(id, _, _)| *id).collect();
    stage_ids(tx, &ids)?;
    let mut counts = count_staged(tx)?;
    delete_staged(tx)?;
    let at = ts(stamp.at);
    let mut log =
        tx.prepare_cached("INSERT INTO purge_log (candidate_uuid, purged_at, rule, counts) VALUES (?1, ?2, ?3, ?4)")?;
    let mut ledger =
        tx.prepare_cached("INSERT OR IGNORE INTO erasure_ledger (candidate_uuid, erased_at) VALUES (?1, ?2)")?;
    let mut out = Vec::with_capacity(due.len());
    for (id, uuid, decision) in due {
        let counts = counts.remove(id).unwrap_or_default();
        let rule = decision.rule;
        let json = serde_json::to_string(&counts).unwrap_or_else(|_| "{}".into());
        log.execute(params![uuid, at, rule.as_str(), json])?;
        ledger.execute(params![uuid, at])?;
        append(tx, stamp, "purge", Some(uuid), Some(&format!("rule {}", rule.as_str())))?;
        out.push(Purged { candidate_uuid: uuid.clone(), rule, due: decision.due.unwrap_or(stamp.at), counts });
    }
    Ok(out)
}

/// Inside the purge's transaction, so that no commit ever holds the deleted data in a
/// readable page: the search index merged (the contentless index only marks deleted rows;
/// the merge drops their terms) and, with incremental vacuum, every free page handed back
/// to the file system (the file's last pages move into the holes, overwriting them).
fn reclaim(tx: &rusqlite::Connection, incremental: bool) -> Result<Cleanup> {
    let ms = |t: std::time::Instant| t.elapsed().as_millis() as u64;
    let mut done = Cleanup::default();
    let t = std::time::Instant::now();
    tx.execute("INSERT INTO search_index (search_index) VALUES ('optimize')", [])?;
    tx.execute("INSERT INTO search_index (search_index, rank) VALUES ('deletemerge', 10)", [])?;
    done.index_optimised = true;
    done.index_ms = ms(t);
    if incremental {
        let t = std::time::Instant::now();
        let free_before: i64 = tx.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        super::run(tx, "PRAGMA incremental_vacuum")?;
        let free_after: i64 = tx.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        if free_after != 0 {
            return Err(PipelineError::Store(super::StoreError::Damaged {
                detail: format!("{free_after} free pages left after reclaiming them; the purge was rolled back"),
            }));
        }
        done.pages_reclaimed = free_before;
        done.reclaim_ms = ms(t);
    }
    Ok(done)
}

impl Store {
    /// The policy's settings: the pool period and the per-country periods after a contract.
    pub fn retention_settings(&self) -> Result<RetentionSettings> {
        let s = settings_of(&self.conn)?;
        Ok(RetentionSettings {
            pool_months: s.pool_months(),
            max_pool_months: MAX_POOL_MONTHS,
            default_hired_years: retention::DEFAULT_HIRED_YEARS,
            countries: s.hired_years,
        })
    }

    /// Lowers (or restores) the pool period; never above the policy's 24 months.
    pub fn set_pool_months(&mut self, stamp: &Stamp, months: u32) -> Result<RetentionSettings> {
        Settings::new(months)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![POOL_SETTING, months.to_string()],
            )?;
            append(tx, stamp, "settings", None, Some(&format!("pool period {months} months")))
        })?;
        self.retention_settings()
    }

    /// Sets the years a former employee's file is kept in a country of hire.
    pub fn set_retention_period(&mut self, stamp: &Stamp, country: &str, years: u32) -> Result<RetentionSettings> {
        let years = retention::check_years(years)?;
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(PipelineError::Invalid {
                field: "country",
                reason: format!("\"{country}\" is not a two-letter country code (FR, DE, ES, …)"),
            });
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO retention_periods (country, years) VALUES (?1, ?2)
                 ON CONFLICT (country) DO UPDATE SET years = excluded.years",
                params![country, years],
            )?;
            append(tx, stamp, "settings", None, Some(&format!("retention {country} {years} years")))
        })?;
        self.retention_settings()
    }

    /// When a candidate's data must go and why (audited as a view).
    pub fn retention_status(&mut self, stamp: &Stamp, id: &str) -> Result<RetentionStatus> {
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            append(tx, stamp, "view", Some(&uuid), Some("retention"))?;
            status_of(tx, cid, stamp.at)
        })
    }

    /// Candidates whose data goes within `days` of `now` (overdue ones included), soonest
    /// first, for a consent-renewal request. Hires whose contract runs are never listed.
    pub fn upcoming_purges(&self, now: DateTime<Utc>, days: u32) -> Result<Vec<Upcoming>> {
        let settings = settings_of(&self.conn)?;
        let horizon = now + Duration::days(i64::from(days));
        let mut soon = Vec::new();
        let cutoff = pool_cutoff(&settings, horizon);
        for (cid, uuid, name, facts) in gather(&self.conn, None, Some(&cutoff))? {
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

    /// Places a legal hold: no purge of this candidate while it is in force.
    pub fn place_hold(
        &mut self,
        stamp: &Stamp,
        id: &str,
        reason: &str,
        until: Option<DateTime<Utc>>,
    ) -> Result<HoldInfo> {
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
        policy::check_hr_text("reason", reason)?;
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

    /// The candidate objects to being kept for future offers: their data goes as soon as no
    /// application of theirs is open — at once when none is and no hold stands.
    pub fn record_objection(&mut self, stamp: &Stamp, id: &str) -> Result<RequestOutcome> {
        self.request(stamp, id, "object", |tx, cid| {
            tx.execute(
                "UPDATE candidates SET objected_at = coalesce(objected_at, ?1) WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            Ok(())
        })
    }

    /// HR confirms an erasure the candidate asked for: the data goes now (unless a hold
    /// stands). Refused, with the legal reason, for a hire: restrict instead.
    pub fn confirm_erasure(&mut self, stamp: &Stamp, id: &str) -> Result<RequestOutcome> {
        self.request(stamp, id, "erase", |tx, cid| {
            check_erasure(&facts_of(tx, cid)?.2)?;
            tx.execute(
                "UPDATE candidates SET erasure_confirmed_at = coalesce(erasure_confirmed_at, ?1) WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            Ok(())
        })
    }

    /// Records the request, then purges the candidate in the same transaction when the
    /// policy says their data must go now.
    fn request(
        &mut self,
        stamp: &Stamp,
        id: &str,
        action: &str,
        record: impl FnOnce(&rusqlite::Connection, i64) -> Result<()>,
    ) -> Result<RequestOutcome> {
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            record(tx, cid)?;
            append(tx, stamp, action, Some(&uuid), None)?;
            let (_, name, facts) = facts_of(tx, cid)?;
            let decision = decide(&facts, &settings_of(tx)?, stamp.at);
            if decision.purge_now(stamp.at) {
                let (mut purged, _) = purge_rows(tx, stamp, &[(cid, uuid.clone(), decision)])?;
                return Ok(RequestOutcome { candidate_uuid: uuid, purged: purged.pop(), status: None });
            }
            let status = status_from(tx, cid, uuid.clone(), name, &facts, &decision, stamp.at)?;
            Ok(RequestOutcome { candidate_uuid: uuid, purged: None, status: Some(status) })
        })
        .and_then(|outcome| {
            if outcome.purged.is_some() {
                self.clean_up(Cleanup::default())?;
            }
            Ok(outcome)
        })
    }

    /// The candidate confirmed a consent renewal (by mail, by phone): their last contact
    /// moves to now and an earlier objection is withdrawn.
    pub fn renew_consent(&mut self, stamp: &Stamp, id: &str) -> Result<RetentionStatus> {
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            tx.execute(
                "UPDATE candidates SET last_contact_at = max(last_contact_at, ?1), objected_at = NULL WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            append(tx, stamp, "renew", Some(&uuid), None)?;
            status_of(tx, cid, stamp.at)
        })
    }

    /// Restricts the use of a candidate's data (an erasure that the law does not allow for a
    /// hire): kept, but out of search. Recorded with its date.
    pub fn restrict(&mut self, stamp: &Stamp, id: &str) -> Result<RetentionStatus> {
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            tx.execute(
                "UPDATE candidates SET restricted_at = coalesce(restricted_at, ?1) WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            append(tx, stamp, "restrict", Some(&uuid), None)?;
            status_of(tx, cid, stamp.at)
        })
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

    /// Purges everyone whose data must go at `as_of`, in one transaction, then cleans up.
    /// A dry run reports the same list and counts and changes nothing. `as_of` later than
    /// the stamp's time is refused unless dry: nobody goes before their date.
    pub fn purge(&mut self, stamp: &Stamp, as_of: DateTime<Utc>, dry_run: bool) -> Result<PurgeReport> {
        if as_of > stamp.at && !dry_run {
            return Err(RetentionError::FuturePurge.into());
        }
        if dry_run {
            return self.purge_pass(stamp, as_of, true);
        }
        let report = self.purge_pass(stamp, as_of, false);
        // A bulk purge may have raised the page cache (`purge_pass`): back to the usual.
        let restored = super::run(&self.conn, &format!("PRAGMA cache_size = -{}", super::CACHE_KIB))
            .and_then(|()| super::run(&self.conn, "PRAGMA shrink_memory"));
        give_back_memory();
        let report = report?;
        restored?;
        Ok(report)
    }

    fn purge_pass(&mut self, stamp: &Stamp, as_of: DateTime<Utc>, dry_run: bool) -> Result<PurgeReport> {
        let tx = self.conn.transaction_with_behavior(if dry_run {
            rusqlite::TransactionBehavior::Deferred
        } else {
            rusqlite::TransactionBehavior::Immediate
        })?;
        let (due, held) = verdicts(&tx, as_of)?;
        if dry_run {
            let ids: Vec<i64> = due.iter().map(|(id, _, _)| *id).collect();
            stage_ids(&tx, &ids)?;
            let mut counts = count_staged(&tx)?;
            tx.execute("DELETE FROM temp.purge_ids", [])?;
            drop(tx);
            let purged = due
                .into_iter()
                .map(|(id, uuid, d)| Purged {
                    candidate_uuid: uuid,
                    rule: d.rule,
                    due: d.due.unwrap_or(as_of),
                    counts: counts.remove(&id).unwrap_or_default(),
                })
                .collect();
            return Ok(PurgeReport { as_of, dry_run, purged, held, cleanup: None });
        }
        if due.is_empty() {
            return Ok(PurgeReport { as_of, dry_run, purged: Vec::new(), held, cleanup: None });
        }
        if due.len() >= BULK_PURGE {
            // A bulk purge deletes pages all over the file, rewrites the search index and
            // moves the file's last pages into the holes: with 16 times the usual page
            // cache (512 MB at most, given back right after) each page is read and
            // decrypted about once. 20,000 people among 100,000: ~14 s down to ~10 s.
            super::run(&tx, &format!("PRAGMA cache_size = -{}", 16 * super::CACHE_KIB))?;
        }
        let (purged, reclaimed) = purge_rows(&tx, stamp, &due)?;
        tx.commit()?;
        let cleanup = self.clean_up(reclaimed)?;
        Ok(PurgeReport { as_of, dry_run, purged, held, cleanup: Some(cleanup) })
    }

    /// Whether purges keep up: when the last one ran, who is overdue, how the file reclaims.
    pub fn retention_health(&self, now: DateTime<Utc>) -> Result<RetentionHealth> {
        let (overdue, held) = verdicts(&self.conn, now)?;
        let last: Option<String> = self.conn.query_row("SELECT max(purged_at) FROM purge_log", [], |r| r.get(0))?;
        let free_pages = self.conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        let auto_vacuum: i64 = self.conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
        Ok(RetentionHealth {
            last_purge: opt_ts(last),
            overdue: overdue.len(),
            held: held.len(),
            free_pages,
            incremental_vacuum: auto_vacuum == 2,
        })
    }

    /// The purge log, newest first.
    pub fn purge_log(&self, limit: usize) -> Result<Vec<PurgeLogEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT candidate_uuid, purged_at, rule, counts FROM purge_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(PurgeLogEntry {
                candidate_uuid: r.get(0)?,
                purged_at: parse_ts(&r.get::<_, String>(1)?),
                rule: Rule::parse(&r.get::<_, String>(2)?).unwrap_or(Rule::Pool),
                counts: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every UUID ever purged, with its date: what a restore must drop again.
    pub fn erasure_ledger(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT candidate_uuid, erased_at FROM erasure_ledger ORDER BY erased_at")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, parse_ts(&r.get::<_, String>(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// After a purge's commit (`reclaim` has merged the index and handed free pages back
    /// inside it): the WAL written back into the file and truncated, so no frame of the
    /// deleted pages stays beside it. A database created before incremental vacuum keeps
    /// its freed pages (zeroed by `secure_delete`) until it is rebuilt here, once.
    fn clean_up(&mut self, mut done: Cleanup) -> Result<Cleanup> {
        let ms = |t: std::time::Instant| t.elapsed().as_millis() as u64;
        let auto_vacuum: i64 = self.conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
        if auto_vacuum != 2 {
            let t = std::time::Instant::now();
            let free_before: i64 = self.conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
            self.checkpoint()?;
            self.conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")?;
            done.vacuumed = true;
            done.pages_reclaimed = free_before;
            done.reclaim_ms = ms(t);
        }
        let t = std::time::Instant::now();
        let busy: i64 = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        done.wal_truncated = busy == 0;
        done.wal_ms = ms(t);
        Ok(done)
    }
}
