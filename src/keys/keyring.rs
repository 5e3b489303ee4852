//! The OS keyring, through `keyring-core`: the Secret Service on Linux and BSD, the
//! Keychain on macOS, the Credential Manager on Windows. The store is passed in, so tests
//! use `keyring-core`'s mock store to inject every failure; the product uses
//! [`Keyring::system`]. Keys are stored as their 32 raw bytes and read back after writing;
//! mail server passwords (`mail::transport::settings`) as their UTF-8 bytes, likewise.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error as KrError};
use zeroize::Zeroizing;

use super::{DbKey, KeyError};

/// The keyring service name under which Vivier's entries live.
pub const SERVICE: &str = "vivier";

/// A handle on one credential store.
#[derive(Clone)]
pub struct Keyring {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("vendor", &self.store.vendor()).finish()
    }
}

impl Keyring {
    /// The platform's keyring. Fails when the platform has none; a store that exists but
    /// does not answer (no D-Bus session, locked) fails on first use instead.
    pub fn system() -> Result<Keyring, KeyError> {
        #[cfg(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))))]
        let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().map_err(classify_store)?;
        #[cfg(target_os = "macos")]
        let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new().map_err(classify_store)?;
        #[cfg(target_os = "windows")]
        let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new().map_err(classify_store)?;
        Ok(Keyring { store })
    }

    /// A keyring over any `keyring-core` store (the mock store in tests).
    pub fn with_store(store: Arc<CredentialStore>) -> Keyring {
        Keyring { store }
    }

    /// Who answers: "Secret Service", "Mock store", …
    pub fn vendor(&self) -> String {
        self.store.vendor()
    }

    fn entry(&self, account: &str) -> Result<Entry, KeyError> {
        self.store.build(SERVICE, account, None).map_err(|e| classify(e, account))
    }

    /// Reads the key kept under `account`.
    pub fn load(&self, account: &str) -> Result<DbKey, KeyError> {
        let entry = self.entry(account)?;
        let secret = entry.get_secret().map_err(|e| classify(e, account))?;
        let mut secret = Zeroizing::new(secret);
        DbKey::from_bytes(&mut secret).map_err(|_| KeyError::KeyringEntryInvalid {
            service: SERVICE.into(),
            account: account.into(),
            detail: "it is not 32 bytes long".into(),
        })
    }

    /// Keeps `key` under `account`, then reads it back to be sure the keyring has it.
    pub fn save(&self, account: &str, key: &DbKey) -> Result<(), KeyError> {
        let entry = self.entry(account)?;
        entry.set_secret(&key.expose_secret_bytes()[..]).map_err(|e| classify(e, account))?;
        let back = self.load(account)?;
        if back.expose_secret_bytes() != key.expose_secret_bytes() {
            return Err(KeyError::KeyringEntryInvalid {
                service: SERVICE.into(),
                account: account.into(),
                detail: "the keyring returned another value than the one just stored".into(),
            });
        }
        Ok(())
    }

    /// Keeps another secret (a mail server password) under `account`, then reads it back.
    pub fn save_secret(&self, account: &str, secret: &[u8]) -> Result<(), KeyError> {
        let entry = self.entry(account)?;
        entry.set_secret(secret).map_err(|e| classify(e, account))?;
        let back = self.load_secret(account)?;
        if back.as_slice() != secret {
            return Err(KeyError::KeyringEntryInvalid {
                service: SERVICE.into(),
                account: account.into(),
                detail: "the keyring returned another value than the one just stored".into(),
            });
        }
        Ok(())
    }

    /// Reads a secret kept by [`Keyring::save_secret`].
    pub fn load_secret(&self, account: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let entry = self.entry(account)?;
        entry.get_secret().map(Zeroizing::new).map_err(|e| classify(e, account))
    }

    /// Removes the entry under `account`; an entry that is already gone is fine.
    pub fn delete(&self, account: &str) -> Result<(), KeyError> {
        let entry = self.entry(account)?;
        match entry.delete_credential() {
            Ok(()) | Err(KrError::NoEntry) => Ok(()),
            Err(e) => Err(classify(e, account)),
        }
    }
}

fn classify_store(e: KrError) -> KeyError {
    classify(e, "")
}

/// Maps a keyring failure to what the user can do about it.
fn classify(e: KrError, account: &str) -> KeyError {
    let detail = e.to_string();
    match e {
        KrError::NoEntry => KeyError::KeyringEntryMissing { service: SERVICE.into(), account: account.into() },
        KrError::NoStorageAccess(_) => KeyError::KeyringLocked { detail },
        KrError::BadEncoding(_) | KrError::BadDataFormat(..) | KrError::Ambiguous(_) => {
            KeyError::KeyringEntryInvalid { service: SERVICE.into(), account: account.into(), detail }
        }
        _ => KeyError::KeyringUnavailable { detail },
    }
}
