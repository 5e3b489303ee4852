//! What can go wrong with the database file itself, each case with a message that says
//! what to do next.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::error::Code;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "the key does not open this database. If you use a passphrase, check it and try again; \
         if the key comes from the OS keyring, the entry may belong to another Vivier data directory"
    )]
    WrongKey,

    #[error(
        "{path} is a plain, unencrypted SQLite file, not a Vivier database. Vivier leaves it \
         untouched; use a Vivier data directory, or move the file away"
    )]
    Plaintext { path: PathBuf },

    #[error(
        "{path} is not a Vivier database (it is not a whole number of database pages). Vivier \
         leaves it untouched; use a Vivier data directory, or move the file away"
    )]
    NotADatabase { path: PathBuf },

    #[error("no database at {path}")]
    Missing { path: PathBuf },

    #[error(
        "this database was written by a newer Vivier (schema version {found}; this version knows \
         up to {supported}). Install the newer Vivier; this one will not touch the file"
    )]
    SchemaTooNew { found: u32, supported: u32 },

    #[error("the database is damaged ({detail}). Vivier has not changed it. Restore it from a backup")]
    Damaged { detail: String },

    #[error(
        "cannot write to {path}: {source}. Choose a data directory you can write to, or fix its \
         permissions"
    )]
    Unwritable { path: PathBuf, source: std::io::Error },

    #[error("the disk holding the database is full. Free some space and try again; nothing was half written")]
    DiskFull,

    #[error("migration {version} ({name}) failed: {detail}. The database was left at version {at}")]
    Migration { version: u32, name: &'static str, detail: String, at: u32 },

    #[error("refusing to use this database: {0}. This build of Vivier is broken; reinstall it")]
    Unsafe(String),

    #[error("I/O error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("the backup taken before updating the database failed ({detail}); the database was not updated")]
    BackupFailed { detail: String },
}

impl StoreError {
    /// A stable code for scripts and for the desktop UI, which never reads messages.
    pub fn code(&self) -> Code {
        match self {
            StoreError::WrongKey => Code::WrongKey,
            StoreError::Plaintext { .. } | StoreError::NotADatabase { .. } => Code::NotAVivierDatabase,
            StoreError::Missing { .. } => Code::NotInitialised,
            StoreError::SchemaTooNew { .. } => Code::SchemaTooNew,
            StoreError::Damaged { .. } => Code::Damaged,
            StoreError::Unwritable { .. } => Code::DataDirUnwritable,
            StoreError::DiskFull => Code::DiskFull,
            StoreError::Migration { .. } => Code::MigrationFailed,
            StoreError::Unsafe(_) => Code::UnsafeBuild,
            StoreError::Io { .. } => Code::Io,
            StoreError::Sqlite(_) => Code::Database,
            StoreError::BackupFailed { .. } => Code::BackupFailed,
        }
    }

    /// Maps a SQLite error to the case a user can act on.
    pub(crate) fn sqlite(e: rusqlite::Error) -> StoreError {
        // A stored date that does not read is damage, never a date in 1970.
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e
            && let Some(bad) = inner.downcast_ref::<super::time::Unreadable>()
        {
            return StoreError::Damaged { detail: bad.to_string() };
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged { detail: e.to_string() },
            Some(ErrorCode::NotADatabase) => StoreError::WrongKey,
            _ => StoreError::Sqlite(e),
        }
    }

    /// Like [`StoreError::sqlite`], for errors while opening `path`, where a refused open
    /// or a read-only file means the data directory cannot be written.
    pub(crate) fn from_open(e: rusqlite::Error, path: &Path) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::CannotOpen) | Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => {
                StoreError::Unwritable {
                    path: path.to_owned(),
                    source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, e.to_string()),
                }
            }
            _ => StoreError::sqlite(e),
        }
    }

    pub(crate) fn io(e: std::io::Error, path: &Path) -> StoreError {
        match e.raw_os_error() {
            Some(libc::ENOSPC) => StoreError::DiskFull,
            Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EROFS) => {
                StoreError::Unwritable { path: path.to_owned(), source: e }
            }
            _ => StoreError::Io { path: path.to_owned(), source: e },
        }
    }
}

pub(crate) fn is_not_a_database(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::NotADatabase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_full_maps_to_disk_full() {
        let e = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
        assert_eq!(StoreError::sqlite(e).code(), "disk_full");
    }

    #[test]
    fn enospc_maps_to_disk_full() {
        let e = std::io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(StoreError::io(e, Path::new("/x")).code(), "disk_full");
    }

    #[test]
    fn corrupt_maps_to_damaged() {
        let e = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT), None);
        assert_eq!(StoreError::sqlite(e).code(), "damaged");
    }
}
