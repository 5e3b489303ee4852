//! Restoring a backup without bringing back the erased: the erasure ledger file (beside
//! the database, and its copy beside the backups) is read and checked first; a restore
//! without a sound ledger, or of a backup older than the ledger's record, is refused
//! unless the risk is accepted; the backup is copied under a new name, opened, migrated,
//! and everyone the ledger lists is purged again from the copy, in one transaction, before
//! the copy replaces the database. Nothing ever opens the restored data before that.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{OpenFlags, params};
use serde::Serialize;

use super::ledger::{LEDGER_FILE, LedgerBook, LedgerKey};
use super::{BackupError, default_folder, open_with_key, verify_conn};
use crate::data_dir::{DataDir, Unlock};
use crate::db::Store;
use crate::db::time::ts;
use crate::keys::DbKey;
use crate::pipeline::Stamp;
use crate::retention::policy::{Decision, Rule};

type Result<T> = std::result::Result<T, BackupError>;

/// What a restore would do, read before doing it (the app shows it before confirming).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RestorePlan {
    #[ts(type = "string")]
    pub backup: PathBuf,
    pub taken_at: Option<DateTime<Utc>>,
    /// When the ledger's record begins (None: no sound ledger found).
    pub ledger_since: Option<DateTime<Utc>>,
    pub ledger_entries: usize,
    /// People in the backup whom the ledger says were erased: purged again by the restore.
    pub purge_again: usize,
    /// Ledger files read (beside the database, beside the backups).
    #[ts(type = "string[]")]
    pub ledgers: Vec<PathBuf>,
    /// Why the restore is refused unless the risk is accepted (its error code), if it is.
    pub risk: Option<crate::error::Code>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RestoreReport {
    #[ts(type = "string")]
    pub backup: PathBuf,
    pub taken_at: Option<DateTime<Utc>>,
    /// People erased after the backup was taken, purged again before any use.
    pub purged_again: usize,
    pub ledger_entries: usize,
    /// The restore went ahead although the ledger was missing, damaged or too young.
    pub accepted_risk: bool,
    /// The backup of the database the restore replaced (none when it was gone or did not
    /// open).
    #[ts(type = "string | null")]
    pub replaced_backup: Option<PathBuf>,
}

/// The backup opened, its date and the merged ledger, before anything is written.
struct Prepared {
    key: DbKey,
    taken_at: Option<DateTime<Utc>>,
    book: Option<LedgerBook>,
    ledgers: Vec<PathBuf>,
    risk: Option<BackupError>,
    purge_again: usize,
}

/// Opens a backup with `key`, trying the store's page HMAC and then the legacy one.
fn open_backup(path: &Path, key: &DbKey) -> Result<rusqlite::Connection> {
    match open_with_key(path, key, OpenFlags::SQLITE_OPEN_READ_ONLY, "HMAC_SHA256") {
        Err(BackupError::BackupWrongKey { .. }) => {
            open_with_key(path, key, OpenFlags::SQLITE_OPEN_READ_ONLY, "HMAC_SHA512")
        }
        other => other,
    }
}

impl DataDir {
    fn prepare_restore(&self, unlock: Unlock<'_>, backup: &Path) -> Result<Prepared> {
        if !backup.is_file() {
            return Err(BackupError::BackupMissing { path: backup.to_owned() });
        }
        let key = self.key(unlock)?;
        self.prepare_with(key, backup)
    }

    fn prepare_with(&self, key: DbKey, backup: &Path) -> Result<Prepared> {
        if !backup.is_file() {
            return Err(BackupError::BackupMissing { path: backup.to_owned() });
        }
        let conn = open_backup(backup, &key)?;
        let verified = verify_conn(&conn, backup)?;
        if !verified.sound {
            return Err(BackupError::BackupDamaged {
                path: backup.to_owned(),
                detail: format!("{} {}", verified.integrity.join("; "), verified.cipher_integrity.join("; ")),
            });
        }
        let taken_at = verified
            .taken_at
            .or_else(|| backup.file_name().and_then(|n| super::parse_name(&n.to_string_lossy())).map(|p| p.0));

        // Every ledger file there is: beside the database, beside this backup, in the default folder.
        let lkey = LedgerKey::derive(&key);
        let mut candidates = vec![self.root().join(LEDGER_FILE)];
        if let Some(folder) = backup.parent() {
            candidates.push(folder.join(LEDGER_FILE));
        }
        candidates.push(default_folder(&self.db_path()).join(LEDGER_FILE));
        let mut book: Option<LedgerBook> = None;
        let mut ledgers = Vec::new();
        let mut risk = None;
        for path in candidates {
            if ledgers.contains(&path) || !path.exists() {
                continue;
            }
            match lkey.read(&path) {
                Ok(Some(found)) => {
                    match &mut book {
                        Some(b) => b.merge(&found),
                        None => book = Some(found),
                    }
                    ledgers.push(path);
                }
                Ok(None) => {}
                Err(e @ BackupError::LedgerDamaged { .. }) => risk = Some(e),
                Err(e) => return Err(e),
            }
        }
        if risk.is_none() {
            risk = match (&book, taken_at) {
                (None, _) => {
                    Some(BackupError::LedgerMissing { folder: backup.parent().map(Path::to_owned).unwrap_or_default() })
                }
                (Some(b), Some(t)) if t < b.since => {
                    Some(BackupError::OlderThanLedger { taken: day(t), since: day(b.since) })
                }
                (Some(b), None) => {
                    Some(BackupError::OlderThanLedger { taken: "an unknown date".into(), since: day(b.since) })
                }
                _ => None,
            };
        }
        let purge_again = match &book {
            Some(b) => erased_present(&conn, b)?.len(),
            None => 0,
        };
        Ok(Prepared { key, taken_at, book, ledgers, risk, purge_again })
    }

    /// What restoring `backup` would do: its date, the ledger, how many people would be
    /// purged again, and whether the restore needs the risk accepted. Writes nothing.
    pub fn restore_plan(&self, unlock: Unlock<'_>, backup: &Path) -> Result<RestorePlan> {
        let p = self.prepare_restore(unlock, backup)?;
        Ok(plan_of(p, backup))
    }

    /// Restores `backup` in place of the database: refused without a sound ledger, or for
    /// a backup older than the ledger's record, unless `accept_risk`; everyone the ledger
    /// lists is purged again from the copy before it replaces the database. The app must
    /// be closed (no other connection to the database).
    pub fn restore(
        &self,
        unlock: Unlock<'_>,
        backup: &Path,
        stamp: &Stamp,
        accept_risk: bool,
    ) -> Result<RestoreReport> {
        let p = self.prepare_restore(unlock, backup)?;
        self.restore_prepared(p, backup, stamp, accept_risk)
    }
}

fn plan_of(p: Prepared, backup: &Path) -> RestorePlan {
    RestorePlan {
        backup: backup.to_owned(),
        taken_at: p.taken_at,
        ledger_since: p.book.as_ref().map(|b| b.since),
        ledger_entries: p.book.as_ref().map_or(0, |b| b.entries.len()),
        purge_again: p.purge_again,
        ledgers: p.ledgers,
        risk: p.risk.as_ref().map(BackupError::code),
    }
}

impl Store {
    /// [`DataDir::restore_plan`] for the data directory of this open store, with its key.
    pub fn restore_plan(&self, backup: &Path) -> Result<RestorePlan> {
        let (dir, key) = self.own_dir()?;
        Ok(plan_of(dir.prepare_with(key, backup)?, backup))
    }

    /// Restores `backup` in place of this store's database (the app's door): this store
    /// and its reader are closed, the restore runs as [`DataDir::restore`] does, and the
    /// store is opened again, restored or (when the restore failed) as it was. The outer
    /// error: the store could not be opened again.
    pub fn restore_backup(
        self,
        reader: crate::db::Reader,
        backup: &Path,
        stamp: &Stamp,
        accept_risk: bool,
    ) -> Result<(Store, crate::db::Reader, Result<RestoreReport>)> {
        let (dir, key) = self.own_dir()?;
        drop(reader);
        drop(self);
        let done =
            dir.prepare_with(key.clone(), backup).and_then(|p| dir.restore_prepared(p, backup, stamp, accept_risk));
        let store = Store::open_existing(&dir.db_path(), &key)?;
        let reader = store.open_reader(&key)?;
        Ok((store, reader, done))
    }

    fn own_dir(&self) -> Result<(DataDir, DbKey)> {
        let key = self.key.clone().ok_or_else(|| BackupError::Internal("a store without its key".into()))?;
        let root = self.path().parent().map(Path::to_owned).unwrap_or_default();
        Ok((DataDir::new(root), key))
    }
}

impl DataDir {
    fn restore_prepared(
        &self,
        mut p: Prepared,
        backup: &Path,
        stamp: &Stamp,
        accept_risk: bool,
    ) -> Result<RestoreReport> {
        let accepted_risk = p.risk.is_some();
        if let Some(risk) = p.risk.take()
            && !accept_risk
        {
            return Err(risk);
        }
        // The database being replaced is backed up first, so that a restore can be undone;
        // when that backup fails, nothing is replaced. A database that is gone, or does not
        // open, has nothing to keep.
        let replaced_backup = match self.db_exists().then(|| Store::open_existing(&self.db_path(), &p.key)) {
            Some(Ok(current)) => Some(current.back_up(stamp.at, super::Reason::BeforeRestore)?.path),
            _ => None,
        };
        let lkey = LedgerKey::derive(&p.key);
        let ledger_path = self.root().join(LEDGER_FILE);
        // The merged ledger (or a new one) is written beside the database first: the
        // restored store appends to it, and it is the record from now on.
        let book = p.book.clone().unwrap_or_else(|| LedgerBook::new(stamp.at));
        if lkey.read(&ledger_path).ok().flatten().as_ref() != Some(&book) {
            if ledger_path.exists() {
                // A damaged file is kept aside (accepted risk), never silently overwritten.
                let aside = ledger_path.with_extension(format!("damaged-{}", stamp.at.format("%Y%m%dT%H%M%SZ")));
                let _ = fs::rename(&ledger_path, aside);
            }
            lkey.write(&ledger_path, &book)?;
        }

        let restoring = self.root().join(format!("{}.restoring", crate::data_dir::DB_FILE));
        remove_db_files(&restoring);
        fs::copy(backup, &restoring).map_err(|e| BackupError::io(e, &restoring))?;
        let purged_again = (|| -> Result<usize> {
            let f = fs::File::open(&restoring).map_err(|e| BackupError::io(e, &restoring))?;
            super::ledger::set_mode(&f, 0o600).map_err(|e| BackupError::io(e, &restoring))?;
            drop(f);
            // The copy was in DELETE journal mode: the store makes it WAL, as its own.
            let mut store = Store::open_as(&restoring, &p.key, ledger_path.clone())?;
            let n = replay(&mut store, &book, stamp)?;
            store.checkpoint()?;
            drop(store);
            Ok(n)
        })();
        let purged_again = match purged_again {
            Ok(n) => n,
            Err(e) => {
                remove_db_files(&restoring);
                return Err(e);
            }
        };
        // The copy, purged, takes the database's place.
        let db = self.db_path();
        for suffix in ["-wal", "-shm"] {
            let _ = fs::remove_file(sibling(&db, suffix));
            let _ = fs::remove_file(sibling(&restoring, suffix));
        }
        fs::rename(&restoring, &db).map_err(|e| BackupError::io(e, &db))?;
        fs::File::open(self.root()).and_then(|d| d.sync_all()).map_err(|e| BackupError::io(e, self.root()))?;
        Ok(RestoreReport {
            backup: backup.to_owned(),
            taken_at: p.taken_at,
            purged_again,
            ledger_entries: book.entries.len(),
            accepted_risk,
            replaced_backup,
        })
    }
}

/// The candidates of a database that the ledger says were erased: row id, UUID, date.
fn erased_present(conn: &rusqlite::Connection, book: &LedgerBook) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM candidates WHERE uuid = ?1")?;
    let mut out = Vec::new();
    for (uuid, at) in &book.entries {
        let mut rows = stmt.query([uuid])?;
        if let Some(row) = rows.next()? {
            out.push((row.get::<_, i64>(0)?, uuid.clone(), *at));
        }
    }
    Ok(out)
}

/// Purges again, in one transaction, everyone of the restored store the ledger lists, and
/// brings the store's own ledger rows up to the file's. Returns how many went.
fn replay(store: &mut Store, book: &LedgerBook, stamp: &Stamp) -> Result<usize> {
    let ledger = store.ledger.clone();
    let (n, cleanup) = store.write(|tx| -> Result<(usize, Option<crate::retention::Cleanup>)> {
        let present = erased_present(tx, book)?;
        let due: Vec<_> = present
            .iter()
            .map(|(id, uuid, at)| {
                let decision = Decision { due: Some(*at), rule: Rule::Erasure, held: false, stale_open_since: None };
                (*id, uuid.clone(), decision)
            })
            .collect();
        let cleanup = if due.is_empty() {
            None
        } else {
            Some(crate::retention::purge::purge_rows(tx, ledger.as_ref(), stamp, &due)?.1)
        };
        let mut insert =
            tx.prepare_cached("INSERT OR IGNORE INTO erasure_ledger (candidate_uuid, erased_at) VALUES (?1, ?2)")?;
        for (uuid, at) in &book.entries {
            insert.execute(params![uuid, ts(*at)])?;
        }
        crate::audit::append(tx, stamp, "restore", None, Some(&format!("{} purged again from the backup", due.len())))?;
        Ok((due.len(), cleanup))
    })?;
    if let Some(cleanup) = cleanup {
        store.clean_up(cleanup)?;
    }
    Ok(n)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(sibling(path, suffix));
    }
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
