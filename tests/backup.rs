//! Backups, the erasure ledger file and exports (promises P8 and P9), through the engine
//! and the `vivier` command line, on the real SQLCipher store.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use vivier::backup::Reason;

fn backups_of(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("backups"))
        .map(|d| d.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "db")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_backup_is_encrypted_with_the_store_key_checked_and_read_only() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let now = t(2026, 3, 1);
    person(&mut s, now, "Zéphyrine Backupova", "zephyrine@example.org");
    let b = s.back_up(now, Reason::Manual).unwrap();
    assert!(b.size > 0);
    assert_eq!(b.destroy_at, t(2027, 3, 1));
    let bytes = std::fs::read(&b.path).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0", "the backup is plaintext");
    assert!(!contains(&bytes, b"Backupova"), "a name shows in the backup file");
    assert!(!contains(&bytes, b"zephyrine@example.org"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&b.path).unwrap().permissions().mode() & 0o777, 0o400);
    }
    // Without the key it does not open; with it, it does and holds the candidate.
    let plain = rusqlite::Connection::open(&b.path).unwrap();
    assert!(plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
    let wrong = raw_sqlcipher_result(&b.path, &vivier::keys::DbKey::generate().unwrap());
    assert!(wrong.is_err());
    let conn = raw_sqlcipher(&b.path, &key_of(&d.dir));
    let n: i64 =
        conn.query_row("SELECT count(*) FROM candidates WHERE full_name LIKE '%Backupova'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let v = s.verify_backup(&b.path).unwrap();
    assert!(v.sound, "{v:?}");
    assert_eq!(v.taken_at, Some(now));
    assert_eq!(s.backups().unwrap().len(), 1);
}

fn raw_sqlcipher_result(path: &Path, key: &vivier::keys::DbKey) -> rusqlite::Result<i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key.expose_secret_bytes())))?;
    conn.execute_batch("PRAGMA cipher_hmac_algorithm = HMAC_SHA256;")?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}
