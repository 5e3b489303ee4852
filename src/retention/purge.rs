//! The purge: everyone due at a date goes in one transaction that leaves no residue, and
//! only the purge log (UUID, date, rule, counts), the erasure ledger and a UUID-only audit
//! entry remain. What is removed of a person is the registry's (`person`).

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::audit::append;
use crate::db::Store;
use crate::db::time::{parse_ts, ts};
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::policy::{RetentionError, Rule};

use crate::backup::Ledger;
use crate::db::time::opt_ts;
use crate::person::PurgeCounts;
use crate::person::removal::{count_staged, delete_staged, stage_ids};
use crate::retention::facts::{Due, Verdicts, verdicts};
type Result<T> = std::result::Result<T, PipelineError>;

/// From this many people at once, a purge works with a larger page cache.
const BULK_PURGE: usize = 1_000;

/// One person purged (or, in a dry run, who would be).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Purged {
    pub candidate_uuid: String,
    pub rule: Rule,
    pub due: DateTime<Utc>,
    pub counts: PurgeCounts,
}

/// What the clean-up after a purge did.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PurgeReport {
    pub as_of: DateTime<Utc>,
    pub dry_run: bool,
    pub purged: Vec<Purged>,
    /// Due but suspended by a legal hold.
    pub held: Vec<String>,
    /// Kept because a stored date of theirs does not read (`doctor` lists the columns).
    pub unreadable: Vec<String>,
    pub cleanup: Option<Cleanup>,
    /// The notice of a withheld unattended purge that this purge answered.
    pub confirmed: Option<super::unattended::Withheld>,
}

/// A line of the purge log: nothing but the UUID, the date, the rule and the counts.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PurgeLogEntry {
    pub candidate_uuid: String,
    pub purged_at: DateTime<Utc>,
    pub rule: Rule,
    #[ts(type = "Partial<PurgeCounts>")]
    pub counts: serde_json::Value,
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
    /// Kept because a stored date of theirs does not read.
    pub unreadable: Vec<String>,
    /// Kept only because an application is open with no stage move for longer than the
    /// pool period: HR should close it.
    pub stale_open: usize,
    /// An unattended purge that distrusted the clock and waits for HR's confirmation.
    pub withheld: Option<super::unattended::Withheld>,
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

/// Removes `due` candidates (row id, UUID, decision) in the caller's transaction, records
/// what stays (purge log, erasure ledger, a UUID-only audit entry each), and leaves no
/// residue in the same transaction (`reclaim`).
pub(crate) fn purge_rows(
    tx: &rusqlite::Connection,
    ledger: Option<&Ledger>,
    stamp: &Stamp,
    due: &[Due],
) -> Result<(Vec<Purged>, Cleanup)> {
    let purged = remove_rows(tx, ledger, stamp, due)?;
    // `secure_delete = ON` stays on: `FAST` would leave freed pages unzeroed, and a page
    // reused later in this same transaction (the index merge, a rebalanced leaf) would
    // carry their bytes into its unused space (the bulk residue test caught it).
    let incremental = tx.query_row("PRAGMA auto_vacuum", [], |r| r.get::<_, i64>(0))? == 2;
    Ok((purged, reclaim(tx, incremental)?))
}

/// Every person removed is also appended to the ledger file (`ledger`) before the caller
/// commits: when the file cannot be written the purge fails and rolls back, so nobody is
/// ever removed without a record that outlives the database (fail toward keeping). When
/// the commit fails after the append, the file lists someone still here: a restore would
/// remove them, which is what was due anyway.
pub(crate) fn remove_rows(
    tx: &rusqlite::Connection,
    ledger: Option<&Ledger>,
    stamp: &Stamp,
    due: &[Due],
) -> Result<Vec<Purged>> {
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
    let mut ledger_row =
        tx.prepare_cached("INSERT OR IGNORE INTO erasure_ledger (candidate_uuid, erased_at) VALUES (?1, ?2)")?;
    let mut out = Vec::with_capacity(due.len());
    for (id, uuid, decision) in due {
        let counts = counts.remove(id).unwrap_or_default();
        let rule = decision.rule;
        let json = serde_json::to_string(&counts).unwrap_or_else(|_| "{}".into());
        log.execute(params![uuid, at, rule.as_str(), json])?;
        ledger_row.execute(params![uuid, at])?;
        append(tx, stamp, "purge", Some(uuid), Some(&format!("rule {}", rule.as_str())))?;
        out.push(Purged { candidate_uuid: uuid.clone(), rule, due: decision.due.unwrap_or(stamp.at), counts });
    }
    if let Some(ledger) = ledger {
        let entries: Vec<(&str, DateTime<Utc>)> = due.iter().map(|(_, uuid, _)| (uuid.as_str(), stamp.at)).collect();
        ledger.append(&entries, stamp.at).map_err(|e| PipelineError::Ledger(Box::new(e)))?;
    }
    Ok(out)
}

/// Inside the purge's transaction, so that no commit ever holds the deleted data in a
/// readable page: the search index merged (the contentless index only marks deleted rows;
/// the merge drops their terms) and, with incremental vacuum, every free page handed back
/// to the file system (the file's last pages move into the holes, overwriting them).
pub(crate) fn reclaim(tx: &rusqlite::Connection, incremental: bool) -> Result<Cleanup> {
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
        crate::db::run(tx, "PRAGMA incremental_vacuum")?;
        let free_after: i64 = tx.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        if free_after != 0 {
            return Err(PipelineError::Store(crate::db::StoreError::Damaged {
                detail: format!("{free_after} free pages left after reclaiming them; the purge was rolled back"),
            }));
        }
        done.pages_reclaimed = free_before;
        done.reclaim_ms = ms(t);
    }
    Ok(done)
}

impl Store {
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
        let restored = crate::db::run(&self.conn, &format!("PRAGMA cache_size = -{}", crate::db::CACHE_KIB))
            .and_then(|()| crate::db::run(&self.conn, "PRAGMA shrink_memory"));
        give_back_memory();
        let mut report = report?;
        restored?;
        // Run with HR's say-so (or with the clock trusted again): any earlier notice of a
        // withheld unattended purge is answered.
        report.confirmed = super::unattended::withheld(&self.conn)?;
        if report.confirmed.is_some() {
            super::unattended::clear_withheld(&self.conn)?;
        }
        Ok(report)
    }

    /// A purge HR runs (the app's "purge now", `vivier purge`): as [`Store::purge`], and its
    /// clock is vouched for, so that an unattended purge no longer waits on times a clock
    /// running ahead wrote before.
    pub fn purge_attended(&mut self, stamp: &Stamp, as_of: DateTime<Utc>, dry_run: bool) -> Result<PurgeReport> {
        let report = self.purge(stamp, as_of, dry_run)?;
        if !dry_run {
            super::unattended::vouch(&self.conn, stamp.at)?;
        }
        Ok(report)
    }

    fn purge_pass(&mut self, stamp: &Stamp, as_of: DateTime<Utc>, dry_run: bool) -> Result<PurgeReport> {
        let tx = self.conn.transaction_with_behavior(if dry_run {
            rusqlite::TransactionBehavior::Deferred
        } else {
            rusqlite::TransactionBehavior::Immediate
        })?;
        let Verdicts { due, held, unreadable } = verdicts(&tx, as_of)?;
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
            return Ok(PurgeReport { as_of, dry_run, purged, held, unreadable, cleanup: None, confirmed: None });
        }
        if due.is_empty() {
            return Ok(PurgeReport {
                as_of,
                dry_run,
                purged: Vec::new(),
                held,
                unreadable,
                cleanup: None,
                confirmed: None,
            });
        }
        if due.len() >= BULK_PURGE {
            // A bulk purge deletes pages all over the file, rewrites the search index and
            // moves the file's last pages into the holes: with 16 times the usual page
            // cache (512 MB at most, given back right after) each page is read and
            // decrypted about once. 20,000 people among 100,000: ~14 s down to ~10 s.
            crate::db::run(&tx, &format!("PRAGMA cache_size = -{}", 16 * crate::db::CACHE_KIB))?;
        }
        let (purged, reclaimed) = purge_rows(&tx, self.ledger.as_ref(), stamp, &due)?;
        tx.commit()?;
        let cleanup = self.clean_up(reclaimed)?;
        Ok(PurgeReport { as_of, dry_run, purged, held, unreadable, cleanup: Some(cleanup), confirmed: None })
    }

    /// Whether purges keep up: when the last one ran, who is overdue, how the file reclaims.
    pub fn retention_health(&self, now: DateTime<Utc>) -> Result<RetentionHealth> {
        let Verdicts { due: overdue, held, unreadable } = verdicts(&self.conn, now)?;
        let last: Option<String> = self.conn.query_row("SELECT max(purged_at) FROM purge_log", [], |r| r.get(0))?;
        let free_pages = self.conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        let auto_vacuum: i64 = self.conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
        Ok(RetentionHealth {
            last_purge: opt_ts(last)?,
            overdue: overdue.len(),
            held: held.len(),
            free_pages,
            incremental_vacuum: auto_vacuum == 2,
            unreadable,
            stale_open: self.stale_open(now)?.len(),
            withheld: super::unattended::withheld(&self.conn)?,
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
                purged_at: parse_ts(&r.get::<_, String>(1)?)?,
                rule: Rule::parse(&r.get::<_, String>(2)?).unwrap_or(Rule::Pool),
                counts: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every UUID ever purged, with its date: what a restore must drop again.
    /// (The ledger file, `backup::ledger`, holds the same beyond the database's life.)
    pub fn erasure_ledger(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT candidate_uuid, erased_at FROM erasure_ledger ORDER BY erased_at")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, parse_ts(&r.get::<_, String>(1)?)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// After a purge's commit (`reclaim` has merged the index and handed free pages back
    /// inside it): the WAL written back into the file and truncated, so no frame of the
    /// deleted pages stays beside it. A database created before incremental vacuum keeps
    /// its freed pages (zeroed by `secure_delete`) until it is rebuilt here, once.
    pub(crate) fn clean_up(&mut self, mut done: Cleanup) -> Result<Cleanup> {
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

/// The database's ledger rows (none before the table exists).
pub(crate) fn ledger_rows(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<(String, DateTime<Utc>)>> {
    let mut stmt = conn.prepare("SELECT candidate_uuid, erased_at FROM erasure_ledger")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, parse_ts(&r.get::<_, String>(1)?)?)))?;
    rows.collect()
}
