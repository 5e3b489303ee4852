//! What can go wrong while finding, making or keeping the database key, each with what
//! to do next. Messages never contain a secret.

use std::path::PathBuf;

use crate::error::Code;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error(
        "no OS keyring answered ({detail}). Start or unlock your keyring (on Linux, a Secret \
         Service such as GNOME Keyring or KWallet), or protect the database key with a \
         passphrase instead"
    )]
    KeyringUnavailable { detail: String },

    #[error(
        "the OS keyring is locked or refused access ({detail}). Unlock it (log in to your \
         desktop session, or unlock the keyring in its settings) and try again"
    )]
    KeyringLocked { detail: String },

    #[error(
        "the OS keyring holds no key for this data directory (entry \"{service}\" / \"{account}\"). \
         If the data directory came from another computer or user account, its key stayed in \
         that keyring: move the entry over, or protect the key with a passphrase there first. \
         Vivier will not make a new key, which would orphan the database"
    )]
    KeyringEntryMissing { service: String, account: String },

    #[error(
        "the OS keyring entry \"{service}\" / \"{account}\" does not hold a Vivier key ({detail}). \
         Something else overwrote it; restore the entry from a keyring backup"
    )]
    KeyringEntryInvalid { service: String, account: String, detail: String },

    #[error("wrong passphrase. Type it again; the database was not touched")]
    WrongPassphrase,

    #[error("this data directory is protected by a passphrase; give it to open the database")]
    PassphraseRequired,

    #[error("a passphrase needs at least {min} characters; choose a longer one")]
    WeakPassphrase { min: usize },

    #[error("the two passphrases differ; type the same one twice")]
    PassphraseMismatch,

    #[error(
        "the key file {path} is damaged ({detail}). Restore it from a backup of the data \
         directory; without it the database cannot be opened"
    )]
    KeyFileDamaged { path: PathBuf, detail: String },

    #[error(
        "the key that the key file vouches for does not match ({detail}). Restore the key file \
         and keyring entry that belong to this database"
    )]
    KeyMismatch { detail: String },

    #[error("the operating system's random source failed: {0}")]
    Random(String),

    #[error("malformed key: {0}")]
    Malformed(String),

    #[error("the disk is full while writing {path}. Free some space and try again; the previous file is intact")]
    DiskFull { path: PathBuf },

    #[error(
        "cannot write {path}: {source}. Choose a data directory you can write to, or fix its \
         permissions"
    )]
    Unwritable { path: PathBuf, source: std::io::Error },

    #[error("I/O error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl KeyError {
    /// A stable code for scripts and for the desktop UI.
    pub fn code(&self) -> Code {
        match self {
            KeyError::KeyringUnavailable { .. } => Code::KeyringUnavailable,
            KeyError::KeyringLocked { .. } => Code::KeyringLocked,
            KeyError::KeyringEntryMissing { .. } => Code::KeyringEntryMissing,
            KeyError::KeyringEntryInvalid { .. } => Code::KeyringEntryInvalid,
            KeyError::WrongPassphrase => Code::WrongPassphrase,
            KeyError::PassphraseRequired => Code::PassphraseRequired,
            KeyError::WeakPassphrase { .. } => Code::WeakPassphrase,
            KeyError::PassphraseMismatch => Code::PassphraseMismatch,
            KeyError::KeyFileDamaged { .. } => Code::KeyFileDamaged,
            KeyError::KeyMismatch { .. } => Code::KeyMismatch,
            KeyError::Random(_) => Code::RandomSource,
            KeyError::Malformed(_) => Code::InvalidKey,
            KeyError::DiskFull { .. } => Code::DiskFull,
            KeyError::Unwritable { .. } => Code::DataDirUnwritable,
            KeyError::Io { .. } => Code::Io,
        }
    }

    pub(crate) fn io(e: std::io::Error, path: &std::path::Path) -> KeyError {
        let path = path.to_owned();
        match e.raw_os_error() {
            Some(libc::ENOSPC) => KeyError::DiskFull { path },
            Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EROFS) | Some(libc::ENOTDIR) => {
                KeyError::Unwritable { path, source: e }
            }
            _ => KeyError::Io { path, source: e },
        }
    }
}
