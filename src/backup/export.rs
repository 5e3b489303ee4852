//! Moving a whole store to another machine, and the plain export.
//!
//! A full export is one file: a header line, a JSON header (the database key wrapped with
//! a passphrase the user types, by Argon2id and XChaCha20-Poly1305 as the key file does;
//! the lengths and SHA-256 of what follows), then the database (a consistent `VACUUM INTO`
//! copy, still encrypted by SQLCipher with its key) and the erasure ledger file (encrypted
//! under a key derived from it). Nothing in it reads without the passphrase. `init_from`
//! makes a new data directory from it.
//!
//! The plain export writes every table of the person registry (`person::registry`) as
//! JSON, unencrypted, and only when confirmed: it is for leaving Vivier.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::ledger::{LEDGER_FILE, create_private_dir, write_atomic};
use super::{BackupError, Reason};
use crate::data_dir::{DataDir, Protection};
use crate::db::Store;
use crate::keys::{KEY_FILE_FORMAT, KeyFile, KeySource, Passphrase, Wrapped};
use crate::pipeline::Stamp;

type Result<T> = std::result::Result<T, BackupError>;

const MAGIC: &[u8] = b"VIVIER FULL EXPORT 1\n";
/// What the passphrase-wrapped key is bound to (the `store_id` of `Wrapped`).
const BINDING: &str = "vivier full export";

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    wrapped: Wrapped,
    hmac: String,
    db_len: u64,
    ledger_len: u64,
    /// Hex SHA-256 of the database bytes then the ledger bytes.
    sha256: String,
}

/// What a full export wrote.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FullExport {
    #[ts(type = "string")]
    pub file: PathBuf,
    #[ts(type = "number")]
    pub size: u64,
}

/// What a plain export wrote: each table and its row count.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PlainExport {
    #[ts(type = "string")]
    pub dir: PathBuf,
    pub tables: Vec<(String, u32)>,
}

impl Store {
    /// Writes a full export to `file` (which must not exist), the key wrapped by `passphrase`.
    pub fn export_full(&mut self, stamp: &Stamp, file: &Path, passphrase: &Passphrase) -> Result<FullExport> {
        passphrase.check_strength()?;
        if file.exists() {
            return Err(BackupError::Exists { path: file.to_owned() });
        }
        let key = self.key.clone().ok_or_else(|| BackupError::Internal("a store without its key".into()))?;
        let part = file.with_extension("export-db.part");
        let _ = fs::remove_file(&part);
        let made = (|| -> Result<u64> {
            self.copy_into(&part, None)?;
            let db = fs::read(&part).map_err(|e| BackupError::io(e, &part))?;
            let ledger = match &self.ledger {
                Some(l) => match fs::read(l.path()) {
                    Ok(b) => {
                        l.key.open(&b, l.path())?;
                        b
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                    Err(e) => return Err(BackupError::io(e, l.path())),
                },
                None => Vec::new(),
            };
            let mut sha = sha2::Sha256::new();
            sha.update(&db);
            sha.update(&ledger);
            let header = Header {
                wrapped: Wrapped::seal(&key, passphrase, BINDING)?,
                hmac: self.hmac.to_owned(),
                db_len: db.len() as u64,
                ledger_len: ledger.len() as u64,
                sha256: hex::encode(sha.finalize()),
            };
            let json = serde_json::to_vec(&header).map_err(|e| BackupError::Internal(e.to_string()))?;
            let mut out = Vec::with_capacity(MAGIC.len() + 8 + json.len() + db.len() + ledger.len());
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&(json.len() as u64).to_le_bytes());
            out.extend_from_slice(&json);
            out.extend_from_slice(&db);
            out.extend_from_slice(&ledger);
            write_atomic(file, &out, 0o600)?;
            Ok(out.len() as u64)
        })();
        let _ = fs::remove_file(&part);
        let size = made?;
        self.write(|tx| crate::audit::append(tx, stamp, "export_full", None, None))?;
        Ok(FullExport { file: file.to_owned(), size })
    }

    /// Writes every table of the person registry as JSON files in `dir` (new or empty),
    /// unencrypted. `confirmed` is the user's explicit confirmation; without it, nothing.
    pub fn export_plain(&mut self, stamp: &Stamp, dir: &Path, confirmed: bool) -> Result<PlainExport> {
        if !confirmed {
            return Err(BackupError::ConfirmationRequired);
        }
        if dir.exists() && fs::read_dir(dir).map_err(|e| BackupError::io(e, dir))?.next().is_some() {
            return Err(BackupError::Exists { path: dir.to_owned() });
        }
        create_private_dir(dir).map_err(|e| BackupError::io(e, dir))?;
        let mut tables = Vec::new();
        for table in crate::person::registry::TABLES {
            let rows = self.read(|tx| -> Result<Vec<serde_json::Value>> { table_rows(tx, table.name) })?;
            let path = dir.join(format!("{}.json", table.name));
            let json = serde_json::to_vec_pretty(&rows).map_err(|e| BackupError::Internal(e.to_string()))?;
            write_atomic(&path, &json, 0o600)?;
            tables.push((table.name.to_owned(), rows.len() as u32));
        }
        let detail = format!("{} tables", tables.len());
        self.write(|tx| crate::audit::append(tx, stamp, "export_plain", None, Some(&detail)))?;
        Ok(PlainExport { dir: dir.to_owned(), tables })
    }

    /// A backup taken by hand (`backup now`, the app's button).
    pub fn back_up_now(&self, now: chrono::DateTime<chrono::Utc>) -> Result<super::BackupInfo> {
        self.back_up(now, Reason::Manual)
    }
}

/// Every row of a table as a JSON object (blobs as hex).
fn table_rows(conn: &rusqlite::Connection, table: &str) -> Result<Vec<serde_json::Value>> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut obj = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let v = match row.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => f.into(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => serde_json::json!({ "hex": hex::encode(b) }),
            };
            obj.insert(name.clone(), v);
        }
        out.push(serde_json::Value::Object(obj));
    }
    Ok(out)
}

impl DataDir {
    /// Makes this (uninitialised) data directory from a full export: the database and its
    /// ledger as they were, the same database key (unwrapped with `export_passphrase`),
    /// kept as `protection` says under a new store id.
    pub fn init_from(&self, file: &Path, export_passphrase: &Passphrase, protection: Protection<'_>) -> Result<Store> {
        self.ensure_writable()?;
        if KeyFile::load(&self.key_path())?.is_some() || self.db_exists() {
            return Err(crate::data_dir::DataDirError::AlreadyInitialised { root: self.root().to_owned() }.into());
        }
        let damaged = || BackupError::ExportDamaged { path: file.to_owned() };
        let bytes = fs::read(file).map_err(|e| BackupError::io(e, file))?;
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(damaged)?;
        let (len, rest) = rest.split_first_chunk::<8>().ok_or_else(damaged)?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| damaged())?;
        let (json, rest) = rest.split_at_checked(len).ok_or_else(damaged)?;
        let header: Header = serde_json::from_slice(json).map_err(|_| damaged())?;
        let db_len = usize::try_from(header.db_len).map_err(|_| damaged())?;
        let ledger_len = usize::try_from(header.ledger_len).map_err(|_| damaged())?;
        if rest.len() != db_len.checked_add(ledger_len).ok_or_else(damaged)? {
            return Err(damaged());
        }
        if hex::encode(sha2::Sha256::digest(rest)) != header.sha256 {
            return Err(damaged());
        }
        let (db, ledger) = rest.split_at(db_len);
        let key = header.wrapped.open(export_passphrase, BINDING, file)?;

        let store_id = uuid::Uuid::new_v4().to_string();
        let source = match protection {
            Protection::Keyring(keyring) => {
                keyring.save(&crate::data_dir::account(&store_id), &key)?;
                KeySource::Keyring
            }
            Protection::Passphrase(passphrase) => {
                passphrase.check_strength()?;
                KeySource::Passphrase { wrapped: Wrapped::seal(&key, passphrase, &store_id)? }
            }
        };
        write_atomic(&self.db_path(), db, 0o600)?;
        if !ledger.is_empty() {
            write_atomic(&self.root().join(LEDGER_FILE), ledger, 0o600)?;
        }
        let kf = KeyFile { format: KEY_FILE_FORMAT, check: key.check_tag(&store_id), store_id, source, next: None };
        kf.save(&self.key_path())?;
        let store = Store::open(&self.db_path(), &key);
        match store {
            Ok(s) => {
                // The exported copy was a single file: back to the store's own journal.
                let _ = s.checkpoint();
                Ok(s)
            }
            Err(e) => {
                for p in [self.db_path(), self.key_path(), self.root().join(LEDGER_FILE)] {
                    let _ = fs::remove_file(p);
                }
                Err(e.into())
            }
        }
    }
}
