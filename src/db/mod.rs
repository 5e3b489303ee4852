//! The encrypted store: opening the SQLCipher database (key first, then pragmas, then
//! migrations), proving that encryption is really on, health checks, re-keying, and the
//! few settings the foundation needs. This is the only module that speaks SQL; the other
//! areas reach the database through functions defined here. It never sees where a key
//! comes from (that is `keys`) and never logs what the database holds.
//!
//! A store has one writer connection (`Store`) and may have read-only ones beside it
//! (`Reader`, opened with the same key and pragmas): WAL lets them read while the writer
//! holds a long write (a bulk purge). Write transactions begin IMMEDIATE and every
//! connection waits up to `BUSY_TIMEOUT` for a lock another process holds (the CLI's timer
//! purge and the app write to the same file).

mod error;
pub(crate) mod ids;
mod migrations;
pub mod seed;
pub mod time;
pub use seed::Seeded;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

pub use error::StoreError;
pub use migrations::{LATEST_VERSION, migration_names, testing as migration_testing};

use crate::keys::DbKey;

/// The first bytes of every plaintext SQLite file. An encrypted file starts with a
/// random salt instead.
const PLAINTEXT_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The page cache in KiB: 32 MB of decrypted pages (default 2 MB). Search and boards over
/// 100,000 candidates touch more than that; memory stays well under the app's budget.
pub(crate) const CACHE_KIB: i64 = 32_768;

/// How the pages of a store created by this version are authenticated: HMAC-SHA256, which
/// this machine's CPUs compute in hardware, 2.2 times faster than SQLCipher 4's default
/// (docs/decisions.md).
const PAGE_HMAC: &str = "HMAC_SHA256";

/// SQLCipher 4's default, used by stores created before `PAGE_HMAC`.
const LEGACY_PAGE_HMAC: &str = "HMAC_SHA512";

/// How long a connection waits for a lock held by another connection or process before
/// giving up with "database is locked": longer than the longest write measured (a bulk
/// purge of 20,000 people among 100,000: ~10 s, docs/benchmarks.md).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An open, unlocked, migrated Vivier database.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// How the pages are authenticated (`PAGE_HMAC` or `LEGACY_PAGE_HMAC`), so that a
    /// reader opens the file the way the writer did.
    pub(crate) hmac: &'static str,
    /// The writer's key, to open and check its backups (None on a reader). Zeroed on drop.
    pub(crate) key: Option<DbKey>,
    /// The erasure ledger file beside the database (None on a reader).
    pub(crate) ledger: Option<crate::backup::Ledger>,
}

/// A read-only connection to an open store, beside its writer: same file, same key, same
/// pragmas. It reads while the writer holds a long write transaction (WAL keeps the last
/// committed pages readable), so screens answer during a bulk purge. It dereferences to
/// `&Store` only: every `&self` read of the engine works on it, no `&mut self` write
/// compiles, and SQLite refuses a write on it anyway (opened read-only). Reads that the
/// audit log records have a `read_…` form returning the entry owed (`PendingAudit`), to
/// be appended through the writer.
pub struct Reader(Store);

impl std::ops::Deref for Reader {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.0
    }
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Reader").field(&self.0).finish()
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

/// What SQLCipher and SQLite report about the open database, for `vivier doctor`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CipherReport {
    pub cipher_version: String,
    pub cipher_provider: String,
    pub cipher_provider_version: String,
    pub page_size: i64,
    /// How each page is authenticated: `HMAC_SHA256` (`HMAC_SHA512` for an older store).
    pub page_hmac: String,
    pub cipher_memory_security: bool,
    pub secure_delete: bool,
    pub foreign_keys: bool,
    pub journal_mode: String,
    pub synchronous: String,
    pub temp_store_compiled: String,
    pub schema_version: u32,
    pub schema_supported: u32,
}

/// The result of both integrity checks.
#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    /// Lines of `PRAGMA integrity_check`; `["ok"]` when sound.
    pub integrity: Vec<String>,
    /// Lines of `PRAGMA cipher_integrity_check`; empty when every page's HMAC verifies.
    pub cipher_integrity: Vec<String>,
}

impl HealthReport {
    pub fn is_sound(&self) -> bool {
        self.integrity == ["ok"] && self.cipher_integrity.is_empty()
    }
}

impl Store {
    /// Opens the database at `path` with `key`, creating it when the file does not exist.
    /// Order: the key, then the pragmas, then the migrations. Refuses a plaintext SQLite
    /// file, a file that is not a database, a wrong key and a schema newer than this binary.
    pub fn open(path: &Path, key: &DbKey) -> Result<Store, StoreError> {
        Self::open_as(path, key, path.with_extension("ledger"))
    }

    /// [`Store::open`], with the erasure ledger file at `ledger` (a restore opens the
    /// restored copy under another name, with the data directory's ledger).
    pub(crate) fn open_as(path: &Path, key: &DbKey, ledger: PathBuf) -> Result<Store, StoreError> {
        let exists = path.exists();
        if exists {
            inspect_file(path)?;
        }
        let mut store = Self::connect(path, key, exists)?;
        store.apply_pragmas()?;
        store.assert_encrypted()?;
        // Every write transaction (migrations included) takes the write lock when it
        // begins, where the busy timeout applies. A DEFERRED one that has read and then
        // writes gets "database is locked" at once when another connection is writing,
        // without waiting (and again when its snapshot is stale).
        store.conn.set_transaction_behavior(TransactionBehavior::Immediate);
        store.key = Some(key.clone());
        store.attach_ledger(ledger, chrono::Utc::now());
        let version = store.schema_version()?;
        if version > 0 && version < LATEST_VERSION {
            // Before every migration, a backup of the database as it was.
            store
                .back_up(chrono::Utc::now(), crate::backup::Reason::BeforeMigration)
                .map_err(|e| StoreError::BackupFailed { detail: e.to_string() })?;
        }
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// Sets up the erasure ledger file at `path` (with its copy in the backup folder),
    /// made from the database's own ledger rows when it does not exist. A ledger file that
    /// does not open is left as it is: the store opens, and purges refuse until it is back.
    pub(crate) fn attach_ledger(&mut self, path: PathBuf, now: chrono::DateTime<chrono::Utc>) {
        let Some(key) = &self.key else { return };
        let mirror = self.backup_folder().join(crate::backup::LEDGER_FILE);
        let ledger = crate::backup::Ledger { path, mirror: Some(mirror), key: crate::backup::LedgerKey::derive(key) };
        let rows = crate::retention::ledger_rows(&self.conn).unwrap_or_default();
        let _ = ledger.ensure(&rows, now);
        self.ledger = Some(ledger);
    }

    /// Opens a read-only connection to this store's file with `key` (the key that opened
    /// this store: the caller holds it only while opening both), authenticated and set up
    /// as this one is. The writer has already migrated the file; a reader finding another
    /// schema version refuses to open.
    pub fn open_reader(&self, key: &DbKey) -> Result<Reader, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let store = Self::connect_with(&self.path, key, flags, self.hmac)?;
        let conn = &store.conn;
        run(conn, "PRAGMA secure_delete = ON")?;
        run(conn, "PRAGMA foreign_keys = ON")?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)).map_err(StoreError::sqlite)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unsafe(format!("journal mode is {mode}, not WAL")));
        }
        run(conn, "PRAGMA synchronous = FULL")?;
        run(conn, &format!("PRAGMA cache_size = -{CACHE_KIB}"))?;
        store.assert_encrypted()?;
        let (found, expected) = (store.schema_version()?, self.schema_version()?);
        if found != expected {
            return Err(StoreError::Unsafe(format!("the reader found schema {found}, the writer {expected}")));
        }
        Ok(Reader(store))
    }

    /// Opens an existing database only: used where creating one would be wrong (a
    /// rotation, a check of a key against a file).
    pub fn open_existing(path: &Path, key: &DbKey) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing { path: path.to_owned() });
        }
        Self::open(path, key)
    }

    /// Opens the connection and proves the key on page 1. A store's pages are authenticated
    /// with HMAC-SHA256 (docs/decisions.md); a store created before that uses SQLCipher 4's
    /// default, HMAC-SHA512, and is opened with it when the first try does not read.
    fn connect(path: &Path, key: &DbKey, exists: bool) -> Result<Store, StoreError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if !exists {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let store = match Self::connect_with(path, key, flags, PAGE_HMAC) {
            Err(StoreError::WrongKey) if exists => Self::connect_with(path, key, flags, LEGACY_PAGE_HMAC),
            other => other,
        }?;
        if !exists {
            // Set before the first table: a purge can then hand freed pages back to the
            // file system (`PRAGMA incremental_vacuum`) instead of rebuilding the file.
            run(&store.conn, "PRAGMA auto_vacuum = INCREMENTAL")?;
        }
        Ok(store)
    }

    fn connect_with(path: &Path, key: &DbKey, flags: OpenFlags, hmac: &'static str) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::from_open(e, path))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(StoreError::sqlite)?;
        // Quiet SQLCipher: a wrong key must not print anything to stderr.
        run(&conn, "PRAGMA cipher_log_level = NONE")?;
        // Off: its mlock and wipe of every allocation cost a bulk purge minutes and every
        // read several times its time, for little (docs/decisions.md).
        run(&conn, "PRAGMA cipher_memory_security = OFF")?;
        let literal = key.sqlcipher_literal();
        conn.execute_batch(&literal).map_err(StoreError::sqlite)?;
        drop(literal);
        // After the key, before the first read: how every page is authenticated.
        run(&conn, &format!("PRAGMA cipher_hmac_algorithm = {hmac}"))?;
        // The first read decrypts page 1: this is where a wrong key shows.
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)) {
            Ok(_) => {}
            Err(e) if error::is_not_a_database(&e) => return Err(StoreError::WrongKey),
            Err(e) => return Err(StoreError::from_open(e, path)),
        }
        Ok(Store { conn, path: path.to_owned(), hmac, key: None, ledger: None })
    }

    fn apply_pragmas(&mut self) -> Result<(), StoreError> {
        let conn = &self.conn;
        run(conn, "PRAGMA secure_delete = ON")?;
        run(conn, "PRAGMA foreign_keys = ON")?;
        let mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(StoreError::sqlite)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unsafe(format!("journal mode is {mode}, not WAL")));
        }
        run(conn, "PRAGMA synchronous = FULL")?;
        run(conn, &format!("PRAGMA cache_size = -{CACHE_KIB}"))?;
        Ok(())
    }

    /// Proves the cipher is active: SQLCipher answers with its version, the temp store
    /// is fixed in memory at compile time, and the file on disk does not start with the
    /// plaintext header.
    fn assert_encrypted(&self) -> Result<(), StoreError> {
        let version: Option<String> = self
            .conn
            .query_row("PRAGMA cipher_version", [], |row| row.get(0))
            .optional()
            .map_err(StoreError::sqlite)?;
        if version.as_deref().unwrap_or("").is_empty() {
            return Err(StoreError::Unsafe("SQLCipher is not active (empty cipher_version)".into()));
        }
        if self.temp_store_compiled()? != "3" {
            return Err(StoreError::Unsafe("temp store is not fixed in memory at compile time".into()));
        }
        // A new database has no page on disk until the first write: make one, so the
        // header below is the real one. An existing file is never written here.
        let len = std::fs::metadata(&self.path).map_err(|e| StoreError::io(e, &self.path))?.len();
        if len == 0 {
            self.conn
                .execute_batch("BEGIN IMMEDIATE; CREATE TABLE _vivier_probe(x); DROP TABLE _vivier_probe; COMMIT;")
                .map_err(StoreError::sqlite)?;
            run(&self.conn, "PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
        let mut header = [0u8; 16];
        let read =
            File::open(&self.path).and_then(|mut f| f.read(&mut header)).map_err(|e| StoreError::io(e, &self.path))?;
        if read == 16 && &header == PLAINTEXT_HEADER {
            return Err(StoreError::Unsafe("the database file is stored in plaintext".into()));
        }
        Ok(())
    }

    fn temp_store_compiled(&self) -> Result<String, StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA compile_options").map_err(StoreError::sqlite)?;
        let options = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(StoreError::sqlite)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::sqlite)?;
        Ok(options.iter().find_map(|o| o.strip_prefix("TEMP_STORE=")).unwrap_or("unknown").to_owned())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrations::user_version(&self.conn)
    }

    /// Cipher and pragma settings as the database reports them.
    pub fn cipher_report(&self) -> Result<CipherReport, StoreError> {
        let text = |sql: &str| -> Result<String, StoreError> {
            self.conn
                .query_row(sql, [], |row| row.get::<_, Option<String>>(0))
                .optional()
                .map(|v| v.flatten().unwrap_or_default())
                .map_err(StoreError::sqlite)
        };
        let int = |sql: &str| -> Result<i64, StoreError> {
            self.conn.query_row(sql, [], |row| row.get(0)).map_err(StoreError::sqlite)
        };
        let synchronous = match int("PRAGMA synchronous")? {
            0 => "OFF",
            1 => "NORMAL",
            2 => "FULL",
            3 => "EXTRA",
            _ => "unknown",
        };
        Ok(CipherReport {
            cipher_version: text("PRAGMA cipher_version")?,
            cipher_provider: text("PRAGMA cipher_provider")?,
            cipher_provider_version: text("PRAGMA cipher_provider_version")?,
            page_size: text("PRAGMA cipher_page_size")?.parse().unwrap_or(0),
            page_hmac: text("PRAGMA cipher_hmac_algorithm")?,
            cipher_memory_security: text("PRAGMA cipher_memory_security")? == "1",
            secure_delete: int("PRAGMA secure_delete")? == 1,
            foreign_keys: int("PRAGMA foreign_keys")? == 1,
            journal_mode: text("PRAGMA journal_mode")?,
            synchronous: synchronous.to_owned(),
            temp_store_compiled: self.temp_store_compiled()?,
            schema_version: self.schema_version()?,
            schema_supported: LATEST_VERSION,
        })
    }

    /// Runs SQLite's `integrity_check` and SQLCipher's `cipher_integrity_check`.
    pub fn health(&self) -> HealthReport {
        let lines = |sql: &str| -> Result<Vec<String>, rusqlite::Error> {
            let mut stmt = self.conn.prepare(sql)?;
            stmt.query_map([], |row| row.get::<_, String>(0))?.collect()
        };
        // A damaged page can make a check fail outright instead of reporting: that is a
        // finding too, not an error of the check.
        let findings = |sql: &str| lines(sql).unwrap_or_else(|e| vec![format!("check failed: {e}")]);
        HealthReport {
            integrity: findings("PRAGMA integrity_check"),
            cipher_integrity: findings("PRAGMA cipher_integrity_check"),
        }
    }

    /// Re-encrypts every page with `new_key`. The caller keeps the new key somewhere safe
    /// *before* calling this, so that a crash half-way never orphans the database.
    pub fn rekey(&mut self, new_key: &DbKey) -> Result<(), StoreError> {
        run(&self.conn, "PRAGMA wal_checkpoint(TRUNCATE)")?;
        let literal = new_key.sqlcipher_rekey_literal();
        run(&self.conn, &literal)?;
        drop(literal);
        run(&self.conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Runs `f` in one write transaction: committed when it returns Ok, rolled back when
    /// it fails, so that a change and its audit entry land together or not at all.
    pub(crate) fn write<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Like [`Store::write`], but gives up at once (None, nothing done) when another
    /// connection holds the write lock, instead of waiting for it.
    pub(crate) fn try_write<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<Option<T>, E> {
        self.conn.busy_timeout(Duration::ZERO)?;
        let begun = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate);
        // Once the write lock is held, nothing in the transaction waits for another one.
        let restored = self.conn.busy_timeout(BUSY_TIMEOUT);
        let tx = match begun {
            Ok(tx) => tx,
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                restored?;
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        };
        restored?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(Some(out))
    }

    /// Runs `f` in one read transaction, so that its queries see one snapshot; writes
    /// nothing, and on a `Reader` never waits for the writer.
    pub(crate) fn read<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Stored dates that do not read, by table and column (none in a sound database).
    pub fn unreadable_dates(&self) -> Result<Vec<time::UnreadableDates>, StoreError> {
        time::unreadable_dates(&self.conn).map_err(StoreError::sqlite)
    }

    /// Reads one setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", params![key], |row| row.get(0))
            .optional()
            .map_err(StoreError::sqlite)
    }

    /// Writes one setting, in its own transaction.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(StoreError::sqlite)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )
        .map_err(StoreError::sqlite)?;
        tx.commit().map_err(StoreError::sqlite)
    }

    /// Checkpoints the WAL into the main file and truncates it.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        run(&self.conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// The raw connection, for engine areas inside this crate and for the test suite's
    /// probes. Not part of the stable API.
    #[doc(hidden)]
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Runs one statement and steps through whatever rows it returns (pragmas answer with
/// rows, which `execute` would refuse).
pub(crate) fn run(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    let mut stmt = conn.prepare(sql).map_err(StoreError::sqlite)?;
    let mut rows = stmt.query([]).map_err(StoreError::sqlite)?;
    while rows.next().map_err(StoreError::sqlite)?.is_some() {}
    Ok(())
}

/// [`run`], with SQLite's own error.
pub(crate) fn run_sql(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}

/// Looks at a file before SQLite does, to name precisely what it is when it is not a
/// Vivier database. Never writes.
fn inspect_file(path: &Path) -> Result<(), StoreError> {
    let meta = std::fs::metadata(path).map_err(|e| StoreError::io(e, path))?;
    if meta.is_dir() {
        return Err(StoreError::NotADatabase { path: path.to_owned() });
    }
    let len = meta.len();
    if len == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    let read = File::open(path).and_then(|mut f| f.read(&mut header)).map_err(|e| StoreError::io(e, path))?;
    if read == 16 && &header == PLAINTEXT_HEADER {
        return Err(StoreError::Plaintext { path: path.to_owned() });
    }
    // SQLCipher files are whole pages of at least 512 bytes.
    if len < 512 || len % 512 != 0 {
        return Err(StoreError::NotADatabase { path: path.to_owned() });
    }
    Ok(())
}

/// Benchmark door: the same connection setup without a key, so that the encrypted and
/// the plain store can be measured with the same code. Never used by the product.
#[doc(hidden)]
pub mod bench {
    use super::*;

    /// Opens `path` as a plain SQLite file with the store's pragmas and schema.
    pub fn open_plain(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::from_open(e, path))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(StoreError::sqlite)?;
        let mut store = Store { conn, path: path.to_owned(), hmac: PAGE_HMAC, key: None, ledger: None };
        store.conn.set_transaction_behavior(TransactionBehavior::Immediate);
        store.apply_pragmas()?;
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }
}
