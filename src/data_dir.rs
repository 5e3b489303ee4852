//! A Vivier data directory: the encrypted database (`vivier.db`, with its WAL), the key
//! file (`key.json`) and the rules that tie them together. This is where first-run key
//! creation, unlocking, key rotation and switching between keyring and passphrase are
//! sequenced so that a crash at any step leaves a key that opens the database, and so
//! that no path ever makes a new key for an existing database.
//!
//! ```no_run
//! use vivier::data_dir::{DataDir, Protection, Unlock};
//! use vivier::keys::Keyring;
//! # fn main() -> Result<(), vivier::data_dir::DataDirError> {
//! let dir = DataDir::new("/home/hr/.local/share/vivier");
//! let keyring = Keyring::system()?;
//! let store = match dir.status()? {
//!     vivier::data_dir::Status::Uninitialised => dir.init(Protection::Keyring(&keyring))?,
//!     _ => dir.open(Unlock { keyring: Some(&keyring), passphrase: None })?,
//! };
//! # Ok(()) }
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::db::{Reader, Store, StoreError};
use crate::error::Code;
use crate::keys::{DbKey, KEY_FILE_FORMAT, KeyError, KeyFile, KeySource, Keyring, Passphrase};
use crate::keys::{NextKey, Wrapped};

/// File name of the database inside a data directory.
pub const DB_FILE: &str = "vivier.db";
/// File name of the key file inside a data directory.
pub const KEY_FILE: &str = "key.json";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataDirError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no Vivier data in {root}")]
    NotInitialised { root: PathBuf },
    #[error("{root} already holds a Vivier database")]
    AlreadyInitialised { root: PathBuf },
    #[error(
        "{root} holds a database but no key file ({KEY_FILE}). Restore the key file from the \
         backup of this data directory; Vivier will not make a new key for an existing database"
    )]
    KeyFileMissing { root: PathBuf },
    #[error(
        "the database file {path} is missing or empty, though its key is here. Vivier will not \
         create an empty database in its place: put the file back from the backup of this data \
         directory"
    )]
    DatabaseMissing { path: PathBuf },
    #[error(
        "cannot write to the data directory {path}: {source}. Choose a directory you can write \
         to, or fix its permissions"
    )]
    Unwritable { path: PathBuf, source: std::io::Error },
    #[error("the disk holding {path} is full. Free some space and try again")]
    DiskFull { path: PathBuf },
    #[error("no data directory: this system has no standard one, so one must be named")]
    NoDefault,
}

impl DataDirError {
    /// A stable code for scripts and for the desktop UI.
    pub fn code(&self) -> Code {
        match self {
            DataDirError::Key(e) => e.code(),
            DataDirError::Store(e) => e.code(),
            DataDirError::NotInitialised { .. } => Code::NotInitialised,
            DataDirError::AlreadyInitialised { .. } => Code::AlreadyInitialised,
            DataDirError::KeyFileMissing { .. } => Code::KeyFileMissing,
            DataDirError::DatabaseMissing { .. } => Code::DatabaseMissing,
            DataDirError::Unwritable { .. } => Code::DataDirUnwritable,
            DataDirError::DiskFull { .. } => Code::DiskFull,
            DataDirError::NoDefault => Code::NoDataDir,
        }
    }
}

/// How an existing data directory's key is unlocked.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlock<'a> {
    pub keyring: Option<&'a Keyring>,
    pub passphrase: Option<&'a Passphrase>,
}

/// How a new key is protected.
#[derive(Debug, Clone, Copy)]
pub enum Protection<'a> {
    Keyring(&'a Keyring),
    Passphrase(&'a Passphrase),
}

/// What a data directory holds, read without any secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing yet: `init` will make a key and a database.
    Uninitialised,
    /// The key is in the OS keyring.
    Keyring,
    /// The key is wrapped with a passphrase.
    Passphrase,
}

/// One Vivier data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    /// The platform's data directory for Vivier (`~/.local/share/vivier` on Linux).
    pub fn platform_default() -> Result<PathBuf, DataDirError> {
        directories::ProjectDirs::from("", "", "vivier").map(|d| d.data_dir().to_owned()).ok_or(DataDirError::NoDefault)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join(DB_FILE)
    }

    pub fn key_path(&self) -> PathBuf {
        self.root.join(KEY_FILE)
    }

    pub(crate) fn db_exists(&self) -> bool {
        fs::metadata(self.db_path()).is_ok_and(|m| m.len() > 0 || m.is_dir())
    }

    /// Reads what the directory holds, without unlocking anything.
    pub fn status(&self) -> Result<Status, DataDirError> {
        match KeyFile::load(&self.key_path())? {
            Some(_) if !self.db_exists() => Err(DataDirError::DatabaseMissing { path: self.db_path() }),
            Some(kf) => Ok(match kf.source {
                KeySource::Keyring => Status::Keyring,
                KeySource::Passphrase { .. } => Status::Passphrase,
            }),
            None if self.db_exists() => Err(DataDirError::KeyFileMissing { root: self.root.clone() }),
            None => Ok(Status::Uninitialised),
        }
    }

    /// The key source named in the key file, for `doctor`.
    pub fn key_file(&self) -> Result<Option<KeyFile>, DataDirError> {
        Ok(KeyFile::load(&self.key_path())?)
    }

    /// The database key, from the key file and the keyring or passphrase, without opening
    /// the database (a restore needs it when the database file is gone).
    pub(crate) fn key(&self, unlock: Unlock<'_>) -> Result<DbKey, DataDirError> {
        let Some(kf) = KeyFile::load(&self.key_path())? else {
            return Err(DataDirError::NotInitialised { root: self.root.clone() });
        };
        self.current_key(&kf, unlock)
    }

    /// Creates the directory (private to the user) and proves it can be written.
    pub(crate) fn ensure_writable(&self) -> Result<(), DataDirError> {
        let unwritable = |e: std::io::Error, path: &Path| match e.raw_os_error() {
            Some(libc::ENOSPC) => DataDirError::DiskFull { path: path.to_owned() },
            _ => DataDirError::Unwritable { path: path.to_owned(), source: e },
        };
        create_private_dir(&self.root).map_err(|e| unwritable(e, &self.root))?;
        let probe = self.root.join(".vivier-write-probe");
        fs::write(&probe, b"").map_err(|e| unwritable(e, &self.root))?;
        fs::remove_file(&probe).map_err(|e| unwritable(e, &self.root))?;
        Ok(())
    }

    /// First run: a random key, kept as `protection` says, then a new database.
    pub fn init(&self, protection: Protection<'_>) -> Result<Store, DataDirError> {
        Ok(self.init_keyed(protection)?.0)
    }

    /// [`DataDir::init`], and a read-only connection beside the new store
    /// (`Store::open_reader`), opened while the key is at hand; the key is dropped (zeroed)
    /// before this returns.
    pub fn init_with_reader(&self, protection: Protection<'_>) -> Result<(Store, Reader), DataDirError> {
        let (store, key) = self.init_keyed(protection)?;
        let reader = store.open_reader(&key)?;
        Ok((store, reader))
    }

    fn init_keyed(&self, protection: Protection<'_>) -> Result<(Store, DbKey), DataDirError> {
        self.ensure_writable()?;
        if KeyFile::load(&self.key_path())?.is_some() {
            return Err(DataDirError::AlreadyInitialised { root: self.root.clone() });
        }
        if self.db_exists() {
            return Err(DataDirError::KeyFileMissing { root: self.root.clone() });
        }
        let store_id = uuid::Uuid::new_v4().to_string();
        let key = DbKey::generate()?;
        let source = match protection {
            Protection::Keyring(keyring) => {
                keyring.save(&account(&store_id), &key)?;
                KeySource::Keyring
            }
            Protection::Passphrase(passphrase) => {
                passphrase.check_strength()?;
                KeySource::Passphrase { wrapped: Wrapped::seal(&key, passphrase, &store_id)? }
            }
        };
        let kf = KeyFile { format: KEY_FILE_FORMAT, check: key.check_tag(&store_id), store_id, source, next: None };
        kf.save(&self.key_path())?;
        let store = Store::open(&self.db_path(), &key)?;
        Ok((store, key))
    }

    /// Opens the database of an initialised directory. Finishes a key rotation that a
    /// crash interrupted.
    pub fn open(&self, unlock: Unlock<'_>) -> Result<Store, DataDirError> {
        self.ensure_writable()?;
        Ok(self.unlock(unlock)?.0)
    }

    /// [`DataDir::open`], and a read-only connection beside the store
    /// (`Store::open_reader`), opened while the key is at hand; the key is dropped (zeroed)
    /// before this returns.
    pub fn open_with_reader(&self, unlock: Unlock<'_>) -> Result<(Store, Reader), DataDirError> {
        self.ensure_writable()?;
        let (store, key, _) = self.unlock(unlock)?;
        let reader = store.open_reader(&key)?;
        Ok((store, reader))
    }

    /// Unlocks and returns the store, the key that opened it and the key file.
    fn unlock(&self, unlock: Unlock<'_>) -> Result<(Store, DbKey, KeyFile), DataDirError> {
        let key_path = self.key_path();
        let Some(mut kf) = KeyFile::load(&key_path)? else {
            return Err(if self.db_exists() {
                DataDirError::KeyFileMissing { root: self.root.clone() }
            } else {
                DataDirError::NotInitialised { root: self.root.clone() }
            });
        };
        // A key without its database is never an invitation to make a new, empty one
        // (every door, and a key rotation, come through here).
        if !self.db_exists() {
            return Err(DataDirError::DatabaseMissing { path: self.db_path() });
        }
        let current = self.current_key(&kf, unlock)?;
        let next = self.next_key(&kf, unlock)?;

        let mut last_err = None;
        for (key, is_next) in [(Some(current), false), (next, true)] {
            let Some(key) = key else { continue };
            match Store::open_existing(&self.db_path(), &key) {
                Ok(store) => {
                    if is_next {
                        self.complete_rotation(&mut kf, &key, unlock)?;
                    } else if kf.next.is_some() {
                        // The rotation never reached the database: drop the next key.
                        self.abandon_rotation(&mut kf, unlock)?;
                    }
                    return Ok((store, key, kf));
                }
                Err(StoreError::WrongKey) => last_err = Some(StoreError::WrongKey),
                Err(e) => return Err(e.into()),
            }
        }
        // Every key tried was vouched for by the key file's check tag, so the key is right
        // and the file's first page is what fails.
        Err(match last_err {
            Some(StoreError::WrongKey) => {
                StoreError::Damaged { detail: "the verified key does not decrypt the first page".into() }.into()
            }
            Some(e) => e.into(),
            None => StoreError::WrongKey.into(),
        })
    }

    fn current_key(&self, kf: &KeyFile, unlock: Unlock<'_>) -> Result<DbKey, DataDirError> {
        let key = match &kf.source {
            KeySource::Keyring => {
                let keyring = unlock.keyring.ok_or_else(|| KeyError::KeyringUnavailable {
                    detail: "no keyring was given to unlock with".into(),
                })?;
                keyring.load(&account(&kf.store_id))?
            }
            KeySource::Passphrase { wrapped } => {
                let passphrase = unlock.passphrase.ok_or(KeyError::PassphraseRequired)?;
                wrapped.open(passphrase, &kf.store_id, &self.key_path())?
            }
        };
        let tag = key.check_tag(&kf.store_id);
        // After a crash between two steps of a rotation the keyring may already hold the
        // next key: it is vouched for by the next check tag.
        if tag == kf.check || kf.next.as_ref().is_some_and(|n| n.check == tag) {
            Ok(key)
        } else {
            Err(KeyError::KeyMismatch {
                detail: match kf.source {
                    KeySource::Keyring => "the keyring entry holds a key made for another database".into(),
                    KeySource::Passphrase { .. } => "the wrapped key is not this database's".into(),
                },
            }
            .into())
        }
    }

    fn next_key(&self, kf: &KeyFile, unlock: Unlock<'_>) -> Result<Option<DbKey>, DataDirError> {
        let Some(next) = &kf.next else { return Ok(None) };
        let key = match (&kf.source, &next.wrapped) {
            (KeySource::Keyring, _) => match unlock.keyring.map(|k| k.load(&next_account(&kf.store_id))) {
                Some(Ok(key)) => key,
                _ => return Ok(None),
            },
            (KeySource::Passphrase { .. }, Some(wrapped)) => match unlock.passphrase {
                Some(p) => wrapped.open(p, &kf.store_id, &self.key_path())?,
                None => return Ok(None),
            },
            (KeySource::Passphrase { .. }, None) => return Ok(None),
        };
        Ok((key.check_tag(&kf.store_id) == next.check).then_some(key))
    }

    /// Makes `key` (already in the database) the current key everywhere.
    fn complete_rotation(&self, kf: &mut KeyFile, key: &DbKey, unlock: Unlock<'_>) -> Result<(), DataDirError> {
        let next = kf.next.take();
        match &mut kf.source {
            KeySource::Keyring => {
                let keyring = unlock.keyring.ok_or_else(|| KeyError::KeyringUnavailable {
                    detail: "no keyring was given to finish the key rotation".into(),
                })?;
                keyring.save(&account(&kf.store_id), key)?;
            }
            KeySource::Passphrase { wrapped } => {
                if let Some(NextKey { wrapped: Some(w), .. }) = next {
                    *wrapped = w;
                }
            }
        }
        kf.check = key.check_tag(&kf.store_id);
        kf.save(&self.key_path())?;
        if let (KeySource::Keyring, Some(keyring)) = (&kf.source, unlock.keyring) {
            keyring.delete(&next_account(&kf.store_id))?;
        }
        Ok(())
    }

    fn abandon_rotation(&self, kf: &mut KeyFile, unlock: Unlock<'_>) -> Result<(), DataDirError> {
        kf.next = None;
        kf.save(&self.key_path())?;
        if let (KeySource::Keyring, Some(keyring)) = (&kf.source, unlock.keyring) {
            keyring.delete(&next_account(&kf.store_id))?;
        }
        Ok(())
    }

    /// Re-keys the database with a fresh random key, kept where the current one is. The
    /// next key is saved before the database changes, so a crash at any point leaves a key
    /// that opens it.
    pub fn rotate_key(&self, unlock: Unlock<'_>) -> Result<(), DataDirError> {
        self.ensure_writable()?;
        let (mut store, _old, mut kf) = self.unlock(unlock)?;
        let new_key = DbKey::generate()?;
        let check = new_key.check_tag(&kf.store_id);
        let wrapped = match &kf.source {
            KeySource::Keyring => {
                let keyring = unlock.keyring.ok_or_else(|| KeyError::KeyringUnavailable {
                    detail: "no keyring was given to keep the new key".into(),
                })?;
                keyring.save(&next_account(&kf.store_id), &new_key)?;
                None
            }
            KeySource::Passphrase { .. } => {
                let passphrase = unlock.passphrase.ok_or(KeyError::PassphraseRequired)?;
                Some(Wrapped::seal(&new_key, passphrase, &kf.store_id)?)
            }
        };
        kf.next = Some(NextKey { check, wrapped });
        kf.save(&self.key_path())?;
        // The erasure ledger file's key derives from the database key: read under the old
        // one, sealed again under the new one (beside the database and in the backup folder).
        let ledger = store.ledger().cloned();
        let book = ledger.as_ref().and_then(|l| l.book().ok().flatten());
        store.rekey(&new_key)?;
        drop(store);
        if let (Some(ledger), Some(book)) = (ledger, book) {
            let lkey = crate::backup::LedgerKey::derive(&new_key);
            let sealed = |path: &Path| {
                lkey.write(path, &book).map_err(|e| DataDirError::Unwritable {
                    path: path.to_owned(),
                    source: std::io::Error::other(e.to_string()),
                })
            };
            sealed(ledger.path())?;
            if let Some(mirror) = &ledger.mirror {
                sealed(mirror)?;
            }
        }
        self.complete_rotation(&mut kf, &new_key, unlock)?;
        Ok(())
    }

    /// Protects the key with `passphrase` instead of the keyring, or changes the passphrase.
    /// The database itself does not change.
    pub fn protect_with_passphrase(&self, unlock: Unlock<'_>, passphrase: &Passphrase) -> Result<(), DataDirError> {
        passphrase.check_strength()?;
        self.ensure_writable()?;
        let (store, key, mut kf) = self.unlock(unlock)?;
        drop(store);
        let was_keyring = matches!(kf.source, KeySource::Keyring);
        kf.source = KeySource::Passphrase { wrapped: Wrapped::seal(&key, passphrase, &kf.store_id)? };
        kf.save(&self.key_path())?;
        if was_keyring && let Some(keyring) = unlock.keyring {
            // The key file now holds the key; the keyring copy is no longer needed.
            keyring.delete(&account(&kf.store_id))?;
        }
        Ok(())
    }

    /// Moves the key from its passphrase into the OS keyring.
    pub fn protect_with_keyring(&self, unlock: Unlock<'_>, keyring: &Keyring) -> Result<(), DataDirError> {
        self.ensure_writable()?;
        let (store, key, mut kf) = self.unlock(unlock)?;
        drop(store);
        keyring.save(&account(&kf.store_id), &key)?;
        kf.source = KeySource::Keyring;
        kf.save(&self.key_path())?;
        Ok(())
    }
}

/// The keyring account that holds a data directory's key.
pub fn account(store_id: &str) -> String {
    format!("database-key/{store_id}")
}

fn next_account(store_id: &str) -> String {
    format!("database-key/{store_id}/next")
}

fn create_private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        match fs::DirBuilder::new().recursive(true).mode(0o700).create(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(path)
    }
}
