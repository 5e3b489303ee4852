//! Backups that never bring back the erased (promise P8) and full exports (P9).
//!
//! A backup is a consistent copy of the live database made by SQLite itself (`VACUUM
//! INTO`, which reads one snapshot while others write), encrypted by SQLCipher with the
//! store's own key and page settings, checked after writing (`cipher_integrity_check`
//! and `integrity_check` on the copy), made read-only (mode 0400) and kept in the backup
//! folder (a setting; `backups/` in the data directory by default) at most twelve months
//! (lower by setting, never higher). One is taken daily (the app at start and with its
//! hourly purge, the timer with its purge) and one before every migration. Beside the
//! backups lies a copy of the erasure ledger file (`ledger`), which a restore
//! (`restore`) replays. `export` moves a whole store to another machine under a
//! passphrase, or writes every table of the person registry as JSON.

pub mod export;
pub mod ledger;
pub mod restore;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Months, NaiveDateTime, Utc};
use rusqlite::OpenFlags;
use serde::Serialize;

use crate::db::{HealthReport, Store, StoreError};
use crate::error::Code;
use crate::keys::KeyError;
pub use ledger::{LEDGER_FILE, Ledger, LedgerBook, LedgerKey};
pub use restore::{RestorePlan, RestoreReport};

/// The setting naming the backup folder (absent: `backups/` beside the database).
pub const FOLDER_SETTING: &str = "backup.folder";
/// The setting lowering how many months a backup is kept.
pub const RETENTION_SETTING: &str = "backup.retention_months";
/// The setting, inside a backup, of when it was taken.
pub(crate) const TAKEN_SETTING: &str = "backup.taken_at";
/// No backup is kept longer than this: a backup holds people purged since, until the
/// restore replays the ledger; past a year, the copy itself must go.
pub const MAX_RETENTION_MONTHS: u32 = 12;
/// A daily backup is due this long after the last one.
pub const DAILY: chrono::Duration = chrono::Duration::hours(24);

const PREFIX: &str = "vivier-";
const SUFFIX: &str = ".db";
/// To the millisecond: two backups a second apart (a manual one, then a restore's) never
/// share a name.
const STAMP: &str = "%Y%m%dT%H%M%S%.3fZ";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error(
        "the erasure ledger {path} does not open with this database's key, or was altered or cut short. \
         Nobody is purged or restored until a sound ledger is back: copy the one from the backup folder \
         in its place"
    )]
    LedgerDamaged { path: PathBuf },

    #[error(
        "no erasure ledger was found (neither beside the database nor in {folder}): a restore could bring \
         back people erased since the backup. Put the ledger file back, or accept the risk explicitly"
    )]
    LedgerMissing { folder: PathBuf },

    #[error(
        "this backup ({taken}) is older than the erasure ledger's record, which begins {since}: people \
         erased in between may come back. Choose a newer backup, or accept the risk explicitly"
    )]
    OlderThanLedger { taken: String, since: String },

    #[error("the backup {path} is damaged or not a Vivier backup ({detail}). Choose another backup")]
    BackupDamaged { path: PathBuf, detail: String },

    #[error("no backup at {path}")]
    BackupMissing { path: PathBuf },

    #[error(
        "the database key does not open the backup {path}: it was made before the key was rotated, \
         or by another data directory"
    )]
    BackupWrongKey { path: PathBuf },

    #[error("backups are kept {max} months at most; {months} is too long")]
    RetentionTooLong { months: u32, max: u32 },

    #[error("{path} is not a Vivier export, or it is damaged")]
    ExportDamaged { path: PathBuf },

    #[error(
        "the plain export writes every candidate's data UNENCRYPTED to disk, and it must be confirmed by \
         typing the confirmation asked for"
    )]
    ConfirmationRequired,

    #[error("{path} already exists; choose a new file or an empty directory")]
    Exists { path: PathBuf },

    #[error("the disk holding {path} is full. Free some space and try again; nothing was half written")]
    DiskFull { path: PathBuf },

    #[error("cannot write or read {path}: {source}. Choose a folder you can write to, or fix its permissions")]
    Io { path: PathBuf, source: std::io::Error },

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Key(#[from] KeyError),

    #[error(transparent)]
    Pipeline(Box<crate::pipeline::PipelineError>),

    #[error("internal error: {0}")]
    Internal(String),
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> BackupError {
        BackupError::Store(StoreError::sqlite(e))
    }
}

impl From<crate::pipeline::PipelineError> for BackupError {
    fn from(e: crate::pipeline::PipelineError) -> BackupError {
        BackupError::Pipeline(Box::new(e))
    }
}

impl From<crate::data_dir::DataDirError> for BackupError {
    fn from(e: crate::data_dir::DataDirError) -> BackupError {
        use crate::data_dir::DataDirError as D;
        match e {
            D::Key(k) => BackupError::Key(k),
            D::Store(s) => BackupError::Store(s),
            D::DiskFull { path } => BackupError::DiskFull { path },
            D::Unwritable { path, source } => BackupError::Io { path, source },
            other => BackupError::Internal(other.to_string()),
        }
    }
}

impl BackupError {
    pub fn code(&self) -> Code {
        match self {
            BackupError::LedgerDamaged { .. } => Code::LedgerDamaged,
            BackupError::LedgerMissing { .. } => Code::LedgerMissing,
            BackupError::OlderThanLedger { .. } => Code::BackupOlderThanLedger,
            BackupError::BackupDamaged { .. } | BackupError::ExportDamaged { .. } => Code::BackupDamaged,
            BackupError::BackupMissing { .. } => Code::BackupMissing,
            BackupError::BackupWrongKey { .. } => Code::WrongKey,
            BackupError::RetentionTooLong { .. } => Code::InvalidInput,
            BackupError::ConfirmationRequired => Code::ConfirmationRequired,
            BackupError::Exists { .. } => Code::InvalidInput,
            BackupError::DiskFull { .. } => Code::DiskFull,
            BackupError::Io { .. } => Code::Io,
            BackupError::Store(e) => e.code(),
            BackupError::Key(e) => e.code(),
            BackupError::Pipeline(e) => e.code(),
            BackupError::Internal(_) => Code::Internal,
        }
    }

    pub(crate) fn io(e: std::io::Error, path: &Path) -> BackupError {
        match e.raw_os_error() {
            Some(libc::ENOSPC) => BackupError::DiskFull { path: path.to_owned() },
            _ => BackupError::Io { path: path.to_owned(), source: e },
        }
    }
}

type Result<T> = std::result::Result<T, BackupError>;

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The daily one (app start, hourly run, timer).
    Daily,
    /// Asked for (`backup now`, the app's button).
    Manual,
    /// Taken before the database was migrated to a new schema.
    BeforeMigration,
    /// The database as it was before a restore replaced it (so that a restore can be undone).
    BeforeRestore,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Daily => "daily",
            Reason::Manual => "manual",
            Reason::BeforeMigration => "before-migration",
            Reason::BeforeRestore => "before-restore",
        }
    }

    fn parse(s: &str) -> Option<Reason> {
        [Reason::Daily, Reason::Manual, Reason::BeforeMigration, Reason::BeforeRestore]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// One backup in the backup folder.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BackupInfo {
    pub file: String,
    #[ts(type = "string")]
    pub path: PathBuf,
    pub reason: Reason,
    pub taken_at: DateTime<Utc>,
    #[ts(type = "number")]
    pub size: u64,
    /// When it is destroyed (taken + the retention months).
    pub destroy_at: DateTime<Utc>,
}

/// What a scheduled run did: the backup it took (if one was due) and those it destroyed.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct BackupRun {
    pub taken: Option<BackupInfo>,
    pub destroyed: Vec<BackupInfo>,
    /// Whether the ledger's copy in the backup folder is up to date.
    pub ledger_copied: bool,
}

/// The checks of one backup.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Verified {
    pub file: String,
    pub taken_at: Option<DateTime<Utc>>,
    pub schema_version: u32,
    pub integrity: Vec<String>,
    pub cipher_integrity: Vec<String>,
    pub sound: bool,
}

/// The file name of a backup taken at `at`.
fn file_name(at: DateTime<Utc>, reason: Reason) -> String {
    format!("{PREFIX}{}-{}{SUFFIX}", at.format(STAMP), reason.as_str())
}

/// The date and reason a backup's file name gives; None for any other file.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, Reason)> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (stamp, reason) = rest.split_once('-')?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
    Some((at, Reason::parse(reason)?))
}

/// When a backup taken at `taken` must be gone.
pub fn destroy_at(taken: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    taken.checked_add_months(Months::new(months.min(MAX_RETENTION_MONTHS))).unwrap_or(taken)
}

/// The backups found in `folder`, oldest first.
pub fn list(folder: &Path, months: u32) -> Result<Vec<BackupInfo>> {
    let entries = match fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BackupError::io(e, folder)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| BackupError::io(e, folder))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((taken_at, reason)) = parse_name(&name) else { continue };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        out.push(BackupInfo {
            path: entry.path(),
            file: name,
            reason,
            taken_at,
            size,
            destroy_at: destroy_at(taken_at, months),
        });
    }
    out.sort_by_key(|b| b.taken_at);
    Ok(out)
}

/// Destroys the backups of `folder` whose date has come. Returns them.
pub fn destroy_expired(folder: &Path, months: u32, now: DateTime<Utc>) -> Result<Vec<BackupInfo>> {
    let mut gone = Vec::new();
    for b in list(folder, months)? {
        if b.destroy_at <= now {
            match fs::remove_file(&b.path) {
                Ok(()) => gone.push(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(BackupError::io(e, &b.path)),
            }
        }
    }
    Ok(gone)
}

impl Store {
    /// The folder backups go to.
    pub fn backup_folder(&self) -> PathBuf {
        match self.setting(FOLDER_SETTING) {
            Ok(Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
            _ => default_folder(self.path()),
        }
    }

    /// Chooses the backup folder (None: back to the default). The ledger's copy follows.
    pub fn set_backup_folder(&mut self, folder: Option<&Path>) -> Result<PathBuf> {
        let value = folder.map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        self.set_setting(FOLDER_SETTING, &value)?;
        let folder = self.backup_folder();
        if let Some(ledger) = &mut self.ledger {
            ledger.mirror = Some(folder.join(LEDGER_FILE));
            ledger.copy_to_mirror();
        }
        Ok(folder)
    }

    /// How many months a backup is kept (at most twelve).
    pub fn backup_retention_months(&self) -> u32 {
        self.setting(RETENTION_SETTING)
            .ok()
            .flatten()
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|m| (1..=MAX_RETENTION_MONTHS).contains(m))
            .unwrap_or(MAX_RETENTION_MONTHS)
    }

    /// Lowers (or restores) how long backups are kept; never above twelve months.
    pub fn set_backup_retention_months(&mut self, months: u32) -> Result<u32> {
        if months == 0 || months > MAX_RETENTION_MONTHS {
            return Err(BackupError::RetentionTooLong { months, max: MAX_RETENTION_MONTHS });
        }
        self.set_setting(RETENTION_SETTING, &months.to_string())?;
        Ok(months)
    }

    /// The backups in the backup folder, oldest first, with their destruction dates.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        list(&self.backup_folder(), self.backup_retention_months())
    }

    /// Takes a backup now: a consistent encrypted copy, checked, read-only; then copies the
    /// ledger beside it.
    pub fn back_up(&self, now: DateTime<Utc>, reason: Reason) -> Result<BackupInfo> {
        let folder = self.backup_folder();
        ledger::create_private_dir(&folder).map_err(|e| BackupError::io(e, &folder))?;
        let name = file_name(now, reason);
        let path = folder.join(&name);
        if path.exists() {
            return Err(BackupError::Exists { path });
        }
        let part = folder.join(format!("{name}.part"));
        let made = self.copy_into(&part, Some(now)).and_then(|()| {
            let verified = self.verify_file(&part)?;
            if !verified.sound {
                return Err(BackupError::BackupDamaged {
                    path: part.clone(),
                    detail: format!("{:?} {:?}", verified.integrity, verified.cipher_integrity),
                });
            }
            read_only(&part)?;
            fs::rename(&part, &path).map_err(|e| BackupError::io(e, &path))?;
            fs::File::open(&folder).and_then(|d| d.sync_all()).map_err(|e| BackupError::io(e, &folder))
        });
        if let Err(e) = made {
            let _ = fs::remove_file(&part);
            let _ = fs::remove_file(folder.join(format!("{name}.part-journal")));
            return Err(e);
        }
        if let Some(ledger) = &self.ledger {
            ledger.copy_to_mirror();
        }
        let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        Ok(BackupInfo {
            file: name,
            path,
            reason,
            taken_at: now,
            size,
            destroy_at: destroy_at(now, self.backup_retention_months()),
        })
    }

    /// Copies the database into a new file with `sqlcipher_export`, inside one read
    /// transaction (one snapshot, while others write): the file is attached with this
    /// store's key and page HMAC, so it is encrypted exactly as the store is. (`VACUUM
    /// INTO` is not used: SQLCipher writes its target with the default page settings, not
    /// the store's; tests/backup.rs opens every backup with the store's.) Then the date it
    /// was taken is written inside it, in DELETE journal mode: one self-contained file.
    pub(crate) fn copy_into(&self, part: &Path, now: Option<DateTime<Utc>>) -> Result<()> {
        let key = self.key.as_ref().ok_or_else(|| BackupError::Internal("a store without its key".into()))?;
        let target = part.to_string_lossy().into_owned();
        // The store's connection may not create files (opened without CREATE): an empty,
        // private file is made here for it to fill.
        let empty =
            fs::OpenOptions::new().write(true).create_new(true).open(part).map_err(|e| BackupError::io(e, part))?;
        ledger::set_mode(&empty, 0o600).map_err(|e| BackupError::io(e, part))?;
        drop(empty);
        let hex = zeroize::Zeroizing::new(hex::encode(&key.expose_secret_bytes()[..]));
        let attach =
            zeroize::Zeroizing::new(format!("ATTACH DATABASE ?1 AS vivier_backup KEY \"x'{}'\"", hex.as_str()));
        self.conn.execute(&attach, [&target])?;
        let copied = (|| -> rusqlite::Result<()> {
            crate::db::run_sql(&self.conn, &format!("PRAGMA vivier_backup.cipher_hmac_algorithm = {}", self.hmac))?;
            crate::db::run_sql(&self.conn, "PRAGMA vivier_backup.journal_mode = DELETE")?;
            let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            let auto_vacuum: i64 = self.conn.query_row("PRAGMA main.auto_vacuum", [], |r| r.get(0))?;
            crate::db::run_sql(&self.conn, &format!("PRAGMA vivier_backup.auto_vacuum = {auto_vacuum}"))?;
            self.conn.execute_batch("BEGIN DEFERRED")?;
            let exported = self
                .conn
                .query_row("SELECT sqlcipher_export('vivier_backup')", [], |_| Ok(()))
                .and_then(|()| {
                    crate::db::run_sql(&self.conn, &format!("PRAGMA vivier_backup.user_version = {version}"))
                })
                .and_then(|()| match now {
                    Some(now) => self
                        .conn
                        .execute(
                            "INSERT INTO vivier_backup.settings (key, value) VALUES (?1, ?2)
                             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [TAKEN_SETTING, &crate::db::time::ts(now)],
                        )
                        .map(|_| ()),
                    None => Ok(()),
                });
            match exported {
                Ok(()) => self.conn.execute_batch("COMMIT"),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE vivier_backup");
        copied?;
        detached?;
        fs::File::open(part).and_then(|f| f.sync_all()).map_err(|e| BackupError::io(e, part))?;
        Ok(())
    }

    /// Opens a copy of this store (a backup) with this store's key and page settings.
    pub(crate) fn open_copy(&self, path: &Path, flags: OpenFlags) -> Result<rusqlite::Connection> {
        let key = self.key.as_ref().ok_or_else(|| BackupError::Internal("a store without its key".into()))?;
        open_with_key(path, key, flags, self.hmac)
    }

    /// Runs both integrity checks on a backup (a file of this store's), read-only.
    pub fn verify_backup(&self, path: &Path) -> Result<Verified> {
        if !path.exists() {
            return Err(BackupError::BackupMissing { path: path.to_owned() });
        }
        self.verify_file(path)
    }

    fn verify_file(&self, path: &Path) -> Result<Verified> {
        let conn = self.open_copy(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        verify_conn(&conn, path)
    }

    /// The daily run: takes a backup when the last one is older than a day (or there is
    /// none), destroys those whose date has come, refreshes the ledger's copy.
    pub fn backup_if_due(&self, now: DateTime<Utc>) -> Result<BackupRun> {
        let months = self.backup_retention_months();
        let folder = self.backup_folder();
        let destroyed = destroy_expired(&folder, months, now)?;
        let last = list(&folder, months)?.into_iter().map(|b| b.taken_at).max();
        let taken = match last {
            Some(t) if now - t < DAILY && t <= now => None,
            _ => Some(self.back_up(now, Reason::Daily)?),
        };
        let ledger_copied = self.ledger.as_ref().is_some_and(Ledger::copy_to_mirror);
        Ok(BackupRun { taken, destroyed, ledger_copied })
    }

    /// Destroys the backups whose date has come (at start, and by the timer).
    pub fn destroy_expired_backups(&self, now: DateTime<Utc>) -> Result<Vec<BackupInfo>> {
        destroy_expired(&self.backup_folder(), self.backup_retention_months(), now)
    }

    /// The ledger of this store (None for a store opened without a key).
    pub fn ledger(&self) -> Option<&Ledger> {
        self.ledger.as_ref()
    }
}

/// `backups/` beside the database.
pub fn default_folder(db: &Path) -> PathBuf {
    db.parent().map(|p| p.join("backups")).unwrap_or_else(|| PathBuf::from("backups"))
}

/// Opens a database file with `key`, the way the store opens its own (raw key, page HMAC).
pub(crate) fn open_with_key(
    path: &Path,
    key: &crate::keys::DbKey,
    flags: OpenFlags,
    hmac: &str,
) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE; PRAGMA cipher_memory_security = OFF;")?;
    let literal = key.sqlcipher_literal();
    conn.execute_batch(&literal)?;
    drop(literal);
    conn.execute_batch(&format!("PRAGMA cipher_hmac_algorithm = {hmac}"))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            Err(BackupError::BackupWrongKey { path: path.to_owned() })
        }
        Err(e) => Err(BackupError::BackupDamaged { path: path.to_owned(), detail: e.to_string() }),
    }
}

/// Both integrity checks and the date a backup was taken.
pub(crate) fn verify_conn(conn: &rusqlite::Connection, path: &Path) -> Result<Verified> {
    let lines = |sql: &str| -> Vec<String> {
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare(sql)?;
            stmt.query_map([], |row| row.get::<_, String>(0))?.collect()
        };
        run().unwrap_or_else(|e| vec![format!("check failed: {e}")])
    };
    let health = HealthReport {
        integrity: lines("PRAGMA integrity_check"),
        cipher_integrity: lines("PRAGMA cipher_integrity_check"),
    };
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let taken_at = taken_at(conn);
    let mut header = [0u8; 16];
    let plaintext = fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut header))
        .map(|n| n == 16 && &header == b"SQLite format 3\0")
        .unwrap_or(true);
    let sound = health.is_sound() && !plaintext;
    Ok(Verified {
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        taken_at,
        schema_version: u32::try_from(schema_version).unwrap_or(0),
        integrity: health.integrity,
        cipher_integrity: health.cipher_integrity,
        sound,
    })
}

/// When a backup was taken, as written inside it.
pub(crate) fn taken_at(conn: &rusqlite::Connection) -> Option<DateTime<Utc>> {
    let s: String = conn.query_row("SELECT value FROM settings WHERE key = ?1", [TAKEN_SETTING], |r| r.get(0)).ok()?;
    crate::db::time::parse_ts(&s).ok()
}

fn read_only(path: &Path) -> Result<()> {
    let f = fs::File::open(path).map_err(|e| BackupError::io(e, path))?;
    ledger::set_mode(&f, 0o400).map_err(|e| BackupError::io(e, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_carry_the_date_and_reason() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 4, 30, 5).unwrap() + chrono::Duration::milliseconds(42);
        let name = file_name(at, Reason::BeforeMigration);
        assert_eq!(name, "vivier-20261202T043005.042Z-before-migration.db");
        assert_eq!(parse_name(&name), Some((at, Reason::BeforeMigration)));
        assert_eq!(parse_name("vivier.ledger"), None);
        assert_eq!(parse_name("vivier-20261202T043005.042Z-daily.db.part"), None);
        let restore = file_name(at, Reason::BeforeRestore);
        assert_eq!(parse_name(&restore), Some((at, Reason::BeforeRestore)));
    }

    #[test]
    fn a_backup_is_destroyed_within_twelve_months_at_most() {
        let at = Utc.with_ymd_and_hms(2026, 1, 31, 4, 0, 0).unwrap();
        assert_eq!(destroy_at(at, 12), Utc.with_ymd_and_hms(2027, 1, 31, 4, 0, 0).unwrap());
        assert_eq!(destroy_at(at, 36), destroy_at(at, 12));
        assert_eq!(destroy_at(at, 1), Utc.with_ymd_and_hms(2026, 2, 28, 4, 0, 0).unwrap());
    }
}
