//! The audit log's SQL: appending a chained entry inside the caller's transaction, reading
//! entries back, and verifying the chain. The table refuses UPDATE and DELETE (triggers of
//! migration 0001), so the log can only grow. Also the entries a read on a reader
//! connection owes (`PendingAudit`), appended later through the writer with their original
//! time (docs/decisions.md, "A view's audit entry may follow it by a few seconds").

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::audit::{AuditEntry, GENESIS, Verdict, entry_hash, verify};
use crate::db::Store;
use crate::db::time::ts;
use crate::pipeline::{PipelineError, Stamp};

/// Appends an entry chained to the last one. Called inside the transaction of the
/// operation it records.
pub(crate) fn append(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    action: &str,
    candidate_uuid: Option<&str>,
    detail: Option<&str>,
) -> Result<(), PipelineError> {
    let last: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = ts(stamp.at);
    let hash = entry_hash(&prev, seq, &at, &stamp.actor, action, candidate_uuid, detail);
    tx.prepare_cached(
        "INSERT INTO audit (seq, at, actor, action, candidate_uuid, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![seq, at, stamp.actor, action, candidate_uuid, detail, prev, hash])?;
    Ok(())
}

/// The audit entry a read owes when it was made without writing (on a `Reader`, while the
/// writer may be busy): who, when, what. The caller appends it through the writer as soon
/// as it is free (`Store::append_audit`); the entry keeps the time of the read.
#[must_use = "an audited read owes its audit entry: append it with Store::append_audit"]
#[derive(Debug, Clone)]
pub struct PendingAudit {
    stamp: Stamp,
    action: &'static str,
    candidate_uuid: Option<String>,
    detail: Option<String>,
}

impl PendingAudit {
    pub(crate) fn new(stamp: &Stamp, action: &'static str, candidate_uuid: Option<&str>, detail: String) -> Self {
        PendingAudit {
            stamp: stamp.clone(),
            action,
            candidate_uuid: candidate_uuid.map(str::to_owned),
            detail: Some(detail),
        }
    }

    /// When the read happened: the time the entry records.
    pub fn at(&self) -> DateTime<Utc> {
        self.stamp.at
    }

    /// The entry's action word (`view`, `reveal`, `search`, `export`).
    pub fn action(&self) -> &str {
        self.action
    }

    /// Appends the entry inside the caller's transaction.
    pub(crate) fn append_in(&self, tx: &rusqlite::Connection) -> Result<(), PipelineError> {
        append(tx, &self.stamp, self.action, self.candidate_uuid.as_deref(), self.detail.as_deref())
    }
}

impl Store {
    /// Runs an audited read on the writer and appends its entry in the same transaction: the
    /// CLI's way (one connection) of what the app does in two steps (a read on the reader,
    /// the entry owed until the writer is free).
    pub(crate) fn audited<T>(
        &mut self,
        read: impl FnOnce(&rusqlite::Connection) -> Result<(T, PendingAudit), PipelineError>,
    ) -> Result<T, PipelineError> {
        self.write(|tx| {
            let (value, owed) = read(tx)?;
            owed.append_in(tx)?;
            Ok(value)
        })
    }
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        candidate_uuid: r.get(4)?,
        detail: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

const SELECT: &str = "SELECT seq, at, actor, action, candidate_uuid, detail, prev_hash, hash FROM audit";

impl Store {
    /// Appends the entries that reads owe, in order, in one transaction: all or none.
    pub fn append_audit(&mut self, entries: &[PendingAudit]) -> Result<(), PipelineError> {
        if entries.is_empty() {
            return Ok(());
        }
        self.write(|tx| entries.iter().try_for_each(|e| e.append_in(tx)))
    }

    /// Like [`Store::append_audit`], but without waiting: false (nothing appended) when
    /// another connection holds the write lock.
    pub fn try_append_audit(&mut self, entries: &[PendingAudit]) -> Result<bool, PipelineError> {
        if entries.is_empty() {
            return Ok(true);
        }
        Ok(self.try_write(|tx| entries.iter().try_for_each(|e| e.append_in(tx)))?.is_some())
    }

    /// Audit entries, newest first, optionally for one candidate UUID.
    pub fn audit_entries(&self, candidate_uuid: Option<&str>, limit: usize) -> Result<Vec<AuditEntry>, PipelineError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE ?1 IS NULL OR candidate_uuid = ?1 ORDER BY seq DESC LIMIT ?2"))?;
        let rows = stmt.query_map(params![candidate_uuid, limit as i64], entry_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Checks the whole chain; reports the first broken link.
    pub fn verify_audit(&self) -> Result<Verdict, PipelineError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} ORDER BY seq"))?;
        let rows = stmt.query_map([], entry_row)?;
        let mut entries = Vec::new();
        for row in rows {
            entries.push(row?);
        }
        Ok(verify(entries))
    }
}
