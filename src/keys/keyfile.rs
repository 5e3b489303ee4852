//! The key file (`key.json`) beside the database. It names the data directory (a random
//! store id), says where the key is kept (keyring or passphrase), and carries a check tag
//! of the key. In passphrase mode it also holds the database key wrapped with a key derived
//! from the passphrase by Argon2id. During a key rotation it holds the next key too, so a
//! crash at any moment leaves a key that opens the database. Nothing in it is personal data.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{DbKey, KEY_LEN, KeyError, Passphrase};

/// The key file format this binary writes.
pub const FORMAT: u32 = 1;

/// What is written in `key.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: u32,
    /// Random id of the data directory; also names its keyring entry.
    pub store_id: String,
    /// [`DbKey::check_tag`] of the current key.
    pub check: String,
    #[serde(flatten)]
    pub source: KeySource,
    /// The next key during a rotation, until the database is re-keyed and the rotation
    /// completes. In keyring mode the key itself is in the keyring's "next" entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<NextKey>,
}

/// Where the database key is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum KeySource {
    /// In the OS keyring, under service "vivier" and the store's account.
    Keyring,
    /// Here, wrapped with a passphrase.
    Passphrase { wrapped: Wrapped },
}

/// A key being rotated in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextKey {
    pub check: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<Wrapped>,
}

/// Argon2id parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub algorithm: KdfAlgorithm,
    /// Memory in KiB.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KdfAlgorithm {
    Argon2id,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: the floor this file format accepts.
    pub const DEFAULT: KdfParams = KdfParams { algorithm: KdfAlgorithm::Argon2id, m_kib: 64 * 1024, t: 3, p: 1 };

    /// Refuses weakened parameters (a tampered file must not lower the cost) and absurd
    /// ones (a tampered file must not exhaust memory).
    fn validate(&self) -> Result<(), String> {
        if self.m_kib < 64 * 1024 || self.t < 3 || self.p < 1 {
            return Err("KDF parameters below 64 MiB / 3 passes".into());
        }
        if self.m_kib > 4 * 1024 * 1024 || self.t > 64 || self.p > 16 {
            return Err("KDF parameters out of range".into());
        }
        Ok(())
    }
}

/// A database key encrypted with XChaCha20-Poly1305 under a key derived from a passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    pub kdf: KdfParams,
    /// Hex, 16 bytes.
    pub salt: String,
    /// Hex, 24 bytes.
    pub nonce: String,
    /// Hex, key + 16-byte tag.
    pub ciphertext: String,
}

impl Wrapped {
    /// Wraps `key` with `passphrase`, bound to `store_id` (associated data), so a wrapped
    /// key cannot be moved to another data directory's file.
    pub fn seal(key: &DbKey, passphrase: &Passphrase, store_id: &str) -> Result<Wrapped, KeyError> {
        let kdf = KdfParams::DEFAULT;
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut salt).map_err(|e| KeyError::Random(e.to_string()))?;
        getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
        let kek = derive(passphrase, &salt, &kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..]).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let ciphertext = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: &key.expose_secret_bytes()[..], aad: store_id.as_bytes() })
            .map_err(|_| KeyError::Malformed("encryption failed".into()))?;
        Ok(Wrapped { kdf, salt: hex::encode(salt), nonce: hex::encode(nonce), ciphertext: hex::encode(ciphertext) })
    }

    /// Unwraps the key; a wrong passphrase fails the authentication tag.
    pub fn open(&self, passphrase: &Passphrase, store_id: &str, path: &Path) -> Result<DbKey, KeyError> {
        let damaged = |detail: &str| KeyError::KeyFileDamaged { path: path.to_owned(), detail: detail.to_owned() };
        self.kdf.validate().map_err(|d| damaged(&d))?;
        let salt = hex::decode(&self.salt).map_err(|_| damaged("salt is not hex"))?;
        let nonce: [u8; 24] = hex::decode(&self.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| damaged("nonce is not 24 hex bytes"))?;
        let ciphertext = hex::decode(&self.ciphertext).map_err(|_| damaged("ciphertext is not hex"))?;
        if salt.len() < 16 || ciphertext.len() != KEY_LEN + 16 {
            return Err(damaged("wrong field lengths"));
        }
        let kek = derive(passphrase, &salt, &self.kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..]).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let plain = cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: &ciphertext, aad: store_id.as_bytes() })
            .map_err(|_| KeyError::WrongPassphrase)?;
        let mut plain = Zeroizing::new(plain);
        DbKey::from_bytes(&mut plain)
    }
}

fn derive(passphrase: &Passphrase, salt: &[u8], kdf: &KdfParams) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params =
        argon2::Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|e| KeyError::Malformed(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.expose_secret().as_bytes(), salt, &mut out[..])
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    Ok(out)
}

impl KeyFile {
    /// Reads the key file, `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<KeyFile>, KeyError> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(KeyError::io(e, path)),
        };
        let file: KeyFile = serde_json::from_slice(&bytes)
            .map_err(|e| KeyError::KeyFileDamaged { path: path.to_owned(), detail: e.to_string() })?;
        if file.format != FORMAT {
            return Err(KeyError::KeyFileDamaged {
                path: path.to_owned(),
                detail: format!("format {} is not known to this version (expected {FORMAT})", file.format),
            });
        }
        Ok(Some(file))
    }

    /// Writes the key file atomically: a sibling temporary file, flushed, renamed over the
    /// old one, and the directory flushed. A crash leaves the old file or the new one.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let tmp = path.with_extension("json.new");
        let write = || -> std::io::Result<()> {
            let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
            set_private(&f)?;
            f.write_all(&json)?;
            f.sync_all()?;
            fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent() {
                File::open(dir)?.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            KeyError::io(e, path)
        })
    }
}

#[cfg(unix)]
fn set_private(f: &File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_opens_with_its_passphrase_only() {
        let key = DbKey::generate().unwrap();
        let pass = Passphrase::new("correct horse battery".into());
        let wrapped = Wrapped::seal(&key, &pass, "store-a").unwrap();
        let path = Path::new("key.json");
        let back = wrapped.open(&pass, "store-a", path).unwrap();
        assert_eq!(back.expose_secret_bytes(), key.expose_secret_bytes());
        let wrong = Passphrase::new("correct horse battery!".into());
        assert!(matches!(wrapped.open(&wrong, "store-a", path), Err(KeyError::WrongPassphrase)));
        // Bound to its data directory.
        assert!(matches!(wrapped.open(&pass, "store-b", path), Err(KeyError::WrongPassphrase)));
    }

    #[test]
    fn weakened_kdf_parameters_are_refused() {
        let key = DbKey::generate().unwrap();
        let pass = Passphrase::new("correct horse battery".into());
        let mut wrapped = Wrapped::seal(&key, &pass, "s").unwrap();
        wrapped.kdf.m_kib = 1024;
        let err = wrapped.open(&pass, "s", Path::new("k")).unwrap_err();
        assert_eq!(err.code(), "key_file_damaged");
    }

    #[test]
    fn the_wrapped_key_never_appears_in_the_file() {
        let key = DbKey::generate().unwrap();
        let pass = Passphrase::new("correct horse battery".into());
        let file = KeyFile {
            format: FORMAT,
            store_id: "s".into(),
            check: key.check_tag("s"),
            source: KeySource::Passphrase { wrapped: Wrapped::seal(&key, &pass, "s").unwrap() },
            next: None,
        };
        let json = serde_json::to_string(&file).unwrap();
        assert!(!json.contains(&hex::encode(key.expose_secret_bytes())));
        assert!(!json.contains("correct horse"));
        let back: KeyFile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, file);
    }
}
