//! The erasure ledger as a file: the list of every erased or purged candidate (random
//! UUID and date, nothing else) kept beside the database (`vivier.ledger`) and copied into
//! the backup folder, so that it outlives the database it belongs to. A restore replays it
//! (everyone erased after the backup was taken goes again), even when the database file
//! itself was lost.
//!
//! The whole file is one XChaCha20-Poly1305 box under a key derived from the database key
//! (HMAC-SHA-256 of a fixed label): nothing in it reads without the key, and any change,
//! truncation or splice fails the authentication tag. It is append-only by use: an append
//! reads and checks the whole file, adds the new entries and writes a new box beside it,
//! flushed and renamed over the old one (a crash leaves the old file or the new one).
//! Appends happen inside the purge's write transaction, so the database's write lock
//! serialises them between processes (the app and the timer's CLI).
//! `since` is when the file's record begins: erasures older than it are known only if
//! they were in the database when the file was made.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use hmac::Mac;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::BackupError;
use crate::keys::DbKey;

/// File name of the ledger beside the database and in the backup folder.
pub const LEDGER_FILE: &str = "vivier.ledger";

/// The first bytes of a ledger file (also its associated data): format 1.
const MAGIC: &[u8; 24] = b"VIVIER ERASURE LEDGER 1\n";
const NONCE_LEN: usize = 24;

/// What the ledger says, once opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerBook {
    /// When this ledger's record begins.
    pub since: DateTime<Utc>,
    /// Erased or purged UUID → when (the first date recorded wins).
    pub entries: BTreeMap<String, DateTime<Utc>>,
}

impl LedgerBook {
    pub fn new(since: DateTime<Utc>) -> LedgerBook {
        LedgerBook { since, entries: BTreeMap::new() }
    }

    /// Adds entries; an UUID already there keeps its first date. Returns how many were new.
    pub fn add<'a>(&mut self, entries: impl IntoIterator<Item = (&'a str, DateTime<Utc>)>) -> usize {
        let mut added = 0;
        for (uuid, at) in entries {
            if !self.entries.contains_key(uuid) {
                self.entries.insert(uuid.to_owned(), at);
                added += 1;
            }
        }
        added
    }

    /// Both ledgers' entries, from the earlier `since`.
    pub fn merge(&mut self, other: &LedgerBook) {
        self.since = self.since.min(other.since);
        for (uuid, at) in &other.entries {
            let slot = self.entries.entry(uuid.clone()).or_insert(*at);
            *slot = (*slot).min(*at);
        }
    }

    /// The oldest entry's date.
    pub fn oldest(&self) -> Option<DateTime<Utc>> {
        self.entries.values().min().copied()
    }
}

/// The key of the ledger file, derived from the database key.
#[derive(Clone)]
pub struct LedgerKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LedgerKey([redacted])")
    }
}

impl LedgerKey {
    pub fn derive(key: &DbKey) -> LedgerKey {
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(&key.expose_secret_bytes()[..])
            .expect("HMAC takes keys of any length");
        mac.update(b"vivier erasure ledger v1\0");
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        LedgerKey(out)
    }

    fn cipher(&self) -> Result<XChaCha20Poly1305, BackupError> {
        XChaCha20Poly1305::new_from_slice(&self.0[..]).map_err(|e| BackupError::Internal(e.to_string()))
    }

    /// Seals a book into the bytes of a ledger file.
    pub fn seal(&self, book: &LedgerBook) -> Result<Vec<u8>, BackupError> {
        let plain = Zeroizing::new(serde_json::to_vec(book).map_err(|e| BackupError::Internal(e.to_string()))?);
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| BackupError::Internal(e.to_string()))?;
        let boxed = self
            .cipher()?
            .encrypt(&XNonce::from(nonce), Payload { msg: &plain, aad: MAGIC })
            .map_err(|_| BackupError::Internal("ledger encryption failed".into()))?;
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + boxed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&boxed);
        Ok(out)
    }

    /// Opens the bytes of a ledger file; any change or truncation fails.
    pub fn open(&self, bytes: &[u8], path: &Path) -> Result<LedgerBook, BackupError> {
        let damaged = || BackupError::LedgerDamaged { path: path.to_owned() };
        let rest = bytes.strip_prefix(&MAGIC[..]).ok_or_else(damaged)?;
        if rest.len() < NONCE_LEN + 16 {
            return Err(damaged());
        }
        let (nonce, boxed) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| damaged())?;
        let plain = Zeroizing::new(
            self.cipher()?.decrypt(&XNonce::from(nonce), Payload { msg: boxed, aad: MAGIC }).map_err(|_| damaged())?,
        );
        serde_json::from_slice(&plain).map_err(|_| damaged())
    }

    /// Reads a ledger file: None when there is none.
    pub fn read(&self, path: &Path) -> Result<Option<LedgerBook>, BackupError> {
        match fs::read(path) {
            Ok(bytes) => self.open(&bytes, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(BackupError::io(e, path)),
        }
    }

    /// Writes a ledger file atomically (sibling file, flushed, renamed, directory flushed).
    pub fn write(&self, path: &Path, book: &LedgerBook) -> Result<(), BackupError> {
        let bytes = self.seal(book)?;
        write_atomic(path, &bytes, 0o600)
    }
}

/// The ledger of an open store: its file beside the database, its copy in the backup
/// folder, and the key of both.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub(crate) path: PathBuf,
    pub(crate) mirror: Option<PathBuf>,
    pub(crate) key: LedgerKey,
}

impl Ledger {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the ledger holds now, from the file beside the database.
    pub fn book(&self) -> Result<Option<LedgerBook>, BackupError> {
        self.key.read(&self.path)
    }

    /// Makes sure the file exists: when it does not, it is made from the copy in the backup
    /// folder (when that one opens) and the database's own rows, its record beginning now.
    /// A file that exists but does not open is left alone (and reported): purges then
    /// stop until it is put back, rather than start a new record that forgets.
    pub(crate) fn ensure(&self, rows: &[(String, DateTime<Utc>)], now: DateTime<Utc>) -> Result<(), BackupError> {
        match self.book() {
            Ok(Some(_)) => Ok(()),
            Err(e) => Err(e),
            Ok(None) => {
                let mut book = LedgerBook::new(now);
                if let Some(mirror) = &self.mirror
                    && let Ok(Some(copy)) = self.key.read(mirror)
                {
                    book.merge(&copy);
                }
                book.add(rows.iter().map(|(u, at)| (u.as_str(), *at)));
                book.since = book.since.min(now);
                self.key.write(&self.path, &book)?;
                self.copy_to_mirror();
                Ok(())
            }
        }
    }

    /// Appends entries to the file beside the database (before the purge that writes them
    /// commits: when this fails, the purge fails and nobody goes unrecorded), then
    /// refreshes the copy in the backup folder (best effort: the next backup copies it
    /// again, and a missing backup drive must not stop a purge the law requires).
    pub(crate) fn append(&self, entries: &[(&str, DateTime<Utc>)], now: DateTime<Utc>) -> Result<(), BackupError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut book = match self.book()? {
            Some(book) => book,
            // Removed while the store was open: start again from the copy, and record.
            None => {
                let mut book = LedgerBook::new(now);
                if let Some(mirror) = &self.mirror
                    && let Ok(Some(copy)) = self.key.read(mirror)
                {
                    book.merge(&copy);
                }
                book
            }
        };
        book.add(entries.iter().copied());
        self.key.write(&self.path, &book)?;
        self.copy_to_mirror();
        Ok(())
    }

    /// Copies the ledger into the backup folder. Returns whether it did.
    pub(crate) fn copy_to_mirror(&self) -> bool {
        let Some(mirror) = &self.mirror else { return false };
        let copy = || -> Result<(), BackupError> {
            if let Some(dir) = mirror.parent() {
                create_private_dir(dir).map_err(|e| BackupError::io(e, dir))?;
            }
            let bytes = fs::read(&self.path).map_err(|e| BackupError::io(e, &self.path))?;
            write_atomic(mirror, &bytes, 0o600)
        };
        copy().is_ok()
    }
}

/// Writes `bytes` to `path` through a flushed sibling file renamed over it, with `mode`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), BackupError> {
    let tmp = path.with_extension("part");
    let write = || -> std::io::Result<()> {
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        set_mode(&f, 0o600)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        set_mode(&f, mode)?;
        drop(f);
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        BackupError::io(e, path)
    })
}

#[cfg(unix)]
pub(crate) fn set_mode(f: &File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
pub(crate) fn set_mode(_: &File, _: u32) -> std::io::Result<()> {
    Ok(())
}

pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, 9, 0, 0).unwrap()
    }

    fn book() -> LedgerBook {
        let mut b = LedgerBook::new(at(1));
        b.add([("0b0e6c1e-1111-4a4a-8b8b-000000000001", at(2)), ("0b0e6c1e-1111-4a4a-8b8b-000000000002", at(3))]);
        b
    }

    #[test]
    fn a_sealed_ledger_opens_with_its_key_only_and_shows_no_uuid() {
        let key = LedgerKey::derive(&DbKey::generate().unwrap());
        let bytes = key.seal(&book()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("0b0e6c1e"));
        assert_eq!(key.open(&bytes, Path::new("l")).unwrap(), book());
        let other = LedgerKey::derive(&DbKey::generate().unwrap());
        assert_eq!(other.open(&bytes, Path::new("l")).unwrap_err().code(), "ledger_damaged");
    }

    #[test]
    fn any_changed_byte_or_truncation_is_detected() {
        let key = LedgerKey::derive(&DbKey::generate().unwrap());
        let bytes = key.seal(&book()).unwrap();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert!(key.open(&bad, Path::new("l")).is_err(), "byte {i} changed unnoticed");
        }
        for len in 0..bytes.len() {
            assert!(key.open(&bytes[..len], Path::new("l")).is_err(), "truncated to {len} unnoticed");
        }
    }

    #[test]
    fn the_key_follows_the_database_key() {
        let db = DbKey::generate().unwrap();
        assert_eq!(*LedgerKey::derive(&db).0, *LedgerKey::derive(&db.clone()).0);
        assert_ne!(*LedgerKey::derive(&db).0, *LedgerKey::derive(&DbKey::generate().unwrap()).0);
        assert_ne!(&LedgerKey::derive(&db).0[..], &db.expose_secret_bytes()[..]);
    }

    #[test]
    fn merging_keeps_the_first_date_and_the_earlier_record() {
        let mut a = book();
        let mut b = LedgerBook::new(at(2));
        b.add([("0b0e6c1e-1111-4a4a-8b8b-000000000001", at(1)), ("u3", at(5))]);
        a.merge(&b);
        assert_eq!(a.since, at(1));
        assert_eq!(a.entries.len(), 3);
        assert_eq!(a.entries["0b0e6c1e-1111-4a4a-8b8b-000000000001"], at(1));
        assert_eq!(a.oldest(), Some(at(1)));
        assert_eq!(a.add([("u3", at(9))]), 0);
    }

    #[test]
    fn append_writes_beside_and_copies_to_the_mirror() {
        let tmp = tempfile::tempdir().unwrap();
        let key = LedgerKey::derive(&DbKey::generate().unwrap());
        let ledger = Ledger {
            path: tmp.path().join(LEDGER_FILE),
            mirror: Some(tmp.path().join("backups").join(LEDGER_FILE)),
            key: key.clone(),
        };
        ledger.ensure(&[("u1".into(), at(1))], at(4)).unwrap();
        ledger.append(&[("u2", at(5)), ("u1", at(6))], at(6)).unwrap();
        let main = key.read(&ledger.path).unwrap().unwrap();
        assert_eq!(main.since, at(4));
        assert_eq!(main.entries.len(), 2);
        assert_eq!(main.entries["u1"], at(1));
        assert_eq!(key.read(ledger.mirror.as_ref().unwrap()).unwrap().unwrap(), main);
        // A damaged file stops the append: nothing is written past it.
        let mut bytes = fs::read(&ledger.path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&ledger.path, &bytes).unwrap();
        assert_eq!(ledger.append(&[("u3", at(7))], at(7)).unwrap_err().code(), "ledger_damaged");
        assert_eq!(ledger.ensure(&[], at(7)).unwrap_err().code(), "ledger_damaged");
    }
}
