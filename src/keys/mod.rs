//! The database key: a random 256-bit key made on first run, kept in the OS keyring, or,
//! where no keyring answers, wrapped with a key derived from a passphrase (Argon2id) and
//! kept in a small file beside the database. This module owns the secret types, the key
//! file and the keyring; it never opens the database (that is `store`) and never falls
//! back silently from one key source to another.
//!
//! Secrets live in types that zero their memory on drop, print as `[redacted]` and do not
//! implement `Serialize`; the raw bytes are reached through one deliberately named method.

mod error;
mod keyfile;
mod keyring;

use std::fmt;

use hmac::{KeyInit, Mac};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use error::KeyError;
pub use keyfile::{FORMAT as KEY_FILE_FORMAT, KdfParams, KeyFile, KeySource, NextKey, Wrapped};
pub use keyring::Keyring;

/// Length of the database key in bytes (256 bits).
pub const KEY_LEN: usize = 32;

/// The raw SQLCipher key of one database.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DbKey(Box<[u8; KEY_LEN]>);

impl DbKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<DbKey, KeyError> {
        let mut key = DbKey(Box::new([0u8; KEY_LEN]));
        getrandom::fill(&mut key.0[..]).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(key)
    }

    /// Wraps bytes that are already a key; `bytes` is zeroed.
    pub fn from_bytes(bytes: &mut [u8]) -> Result<DbKey, KeyError> {
        if bytes.len() != KEY_LEN {
            bytes.zeroize();
            return Err(KeyError::Malformed(format!("a database key is {KEY_LEN} bytes")));
        }
        let mut key = DbKey(Box::new([0u8; KEY_LEN]));
        key.0.copy_from_slice(bytes);
        bytes.zeroize();
        Ok(key)
    }

    /// The raw key bytes. Named so that every use stands out in review.
    pub fn expose_secret_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// `PRAGMA key = "x'…'"`: a raw key, so SQLCipher runs no KDF on open.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        self.pragma_literal("key")
    }

    /// `PRAGMA rekey = "x'…'"`.
    pub(crate) fn sqlcipher_rekey_literal(&self) -> Zeroizing<String> {
        self.pragma_literal("rekey")
    }

    fn pragma_literal(&self, pragma: &str) -> Zeroizing<String> {
        let hex = Zeroizing::new(hex::encode(&self.0[..]));
        let mut s = Zeroizing::new(String::with_capacity(hex.len() + 20));
        s.push_str("PRAGMA ");
        s.push_str(pragma);
        s.push_str(" = \"x'");
        s.push_str(&hex);
        s.push_str("'\";");
        s
    }

    /// A tag that proves a key is the one a data directory was made with, without revealing
    /// it: HMAC-SHA-256 of the store id under the key. Kept in the key file so that a wrong
    /// key is told apart from a damaged database.
    pub fn check_tag(&self, store_id: &str) -> String {
        let mut mac =
            <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.0[..]).expect("HMAC takes keys of any length");
        mac.update(b"vivier key check v1\0");
        mac.update(store_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey([redacted])")
    }
}

/// A passphrase typed by a person or passed through the environment or stdin, never
/// through a command-line argument.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    /// Minimum length accepted for a new passphrase.
    pub const MIN_LEN: usize = 8;

    pub fn new(text: String) -> Passphrase {
        Passphrase(text)
    }

    /// Checks that a passphrase is fit to protect a new key.
    pub fn check_strength(&self) -> Result<(), KeyError> {
        if self.0.chars().count() < Self::MIN_LEN {
            return Err(KeyError::WeakPassphrase { min: Self::MIN_LEN });
        }
        Ok(())
    }

    /// The passphrase's bytes. Named so that every use stands out in review.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = DbKey::generate().unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "DbKey([redacted])");
        assert!(!shown.contains(&hex::encode(key.expose_secret_bytes())));
        assert_eq!(format!("{:?}", Passphrase::new("hunter22".into())), "Passphrase([redacted])");
    }

    #[test]
    fn generated_keys_differ() {
        let a = DbKey::generate().unwrap();
        let b = DbKey::generate().unwrap();
        assert_ne!(a.expose_secret_bytes(), b.expose_secret_bytes());
    }

    #[test]
    fn from_bytes_zeroes_its_input_and_refuses_wrong_lengths() {
        let mut bytes = [7u8; KEY_LEN];
        let key = DbKey::from_bytes(&mut bytes).unwrap();
        assert_eq!(bytes, [0u8; KEY_LEN]);
        assert_eq!(key.expose_secret_bytes(), &[7u8; KEY_LEN]);
        let mut short = [1u8; 5];
        assert!(DbKey::from_bytes(&mut short).is_err());
        assert_eq!(short, [0u8; 5]);
    }

    #[test]
    fn check_tag_depends_on_key_and_store() {
        let a = DbKey::generate().unwrap();
        let b = DbKey::generate().unwrap();
        assert_eq!(a.check_tag("s1"), a.check_tag("s1"));
        assert_ne!(a.check_tag("s1"), b.check_tag("s1"));
        assert_ne!(a.check_tag("s1"), a.check_tag("s2"));
    }

    #[test]
    fn sqlcipher_literal_is_a_raw_key() {
        let mut bytes = [0xabu8; KEY_LEN];
        let key = DbKey::from_bytes(&mut bytes).unwrap();
        let lit = key.sqlcipher_literal();
        assert_eq!(lit.as_str(), format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)));
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(Passphrase::new("short".into()).check_strength().is_err());
        assert!(Passphrase::new("long enough".into()).check_strength().is_ok());
    }
}
