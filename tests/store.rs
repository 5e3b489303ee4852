//! The encrypted store, through the engine: what is on disk, what is refused, and what is
//! left untouched when something is wrong.

mod common;

use common::*;
use vivier::data_dir::{DataDir, DataDirError, Protection, Unlock};
use vivier::db::{LATEST_VERSION, Store, StoreError, migration_testing};
use vivier::keys::{DbKey, KeyError, KeyFile, KeySource, NextKey, Wrapped};

const CANARY: &str = "CANARY-7f3e9a-Dupont-Jeanne";

#[test]
fn database_file_is_encrypted_and_the_canary_is_nowhere_on_disk() {
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    store.set_setting("canary", CANARY).unwrap();
    fill(&mut store, 40, CANARY);
    // Write once more without checkpointing, so the WAL holds data too.
    store.set_setting("canary.wal", CANARY).unwrap();
    let wal = t.dir.db_path().with_extension("db-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the WAL should hold the last write");

    let header = std::fs::read(t.dir.db_path()).unwrap();
    assert_ne!(&header[..16], b"SQLite format 3\0");
    let files = files_under(t.root());
    assert!(files.len() >= 3, "expected db, wal, key file: {files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(!contains(&bytes, CANARY.as_bytes()), "canary in {}", file.display());
        assert!(!contains(&bytes, b"Dupont"), "canary fragment in {}", file.display());
    }
    drop(store);

    // Plain SQLite (Python's, no SQLCipher) cannot read it.
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from sqlite_master').fetchall())",
        ])
        .arg(t.dir.db_path())
        .output()
        .expect("python3 runs");
    assert!(!out.status.success(), "plain SQLite read the database: {}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a database"));

    // SQLCipher with the key can.
    let conn = raw_sqlcipher(&t.dir.db_path(), &key_of(&t.dir));
    let value: String = conn.query_row("SELECT value FROM settings WHERE key = 'canary'", [], |r| r.get(0)).unwrap();
    assert_eq!(value, CANARY);
}

#[test]
fn pragmas_and_cipher_are_as_promised() {
    let t = TempDataDir::with_passphrase();
    let store = t.open().unwrap();
    let report = store.cipher_report().unwrap();
    assert!(report.cipher_version.starts_with('4'), "{report:?}");
    assert!(report.cipher_provider.to_lowercase().contains("openssl"), "{report:?}");
    assert!(report.secure_delete && report.foreign_keys, "{report:?}");
    assert_eq!(report.journal_mode, "wal");
    assert_eq!(report.synchronous, "FULL");
    assert_eq!(report.temp_store_compiled, "3");
    assert_eq!(report.schema_version, LATEST_VERSION);
    assert!(store.health().is_sound());
}

#[test]
fn wrong_passphrase_is_refused_and_the_database_untouched() {
    let t = TempDataDir::with_passphrase();
    let before = sha256_file(&t.dir.db_path());
    let key_before = sha256_file(&t.dir.key_path());
    let wrong = vivier::keys::Passphrase::new("not the passphrase".into());
    let err = t.dir.open(Unlock { keyring: None, passphrase: Some(&wrong) }).unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase", "{err}");
    let err = t.dir.open(Unlock::default()).unwrap_err();
    assert_eq!(err.code(), "passphrase_required", "{err}");
    assert_eq!(sha256_file(&t.dir.db_path()), before);
    assert_eq!(sha256_file(&t.dir.key_path()), key_before);
}

#[test]
fn a_raw_wrong_key_is_reported_as_wrong_key() {
    let t = TempDataDir::with_passphrase();
    let before = sha256_file(&t.dir.db_path());
    let err = Store::open(&t.dir.db_path(), &DbKey::generate().unwrap()).unwrap_err();
    assert!(matches!(err, StoreError::WrongKey), "{err}");
    assert_eq!(sha256_file(&t.dir.db_path()), before);
}

#[test]
fn a_flipped_byte_inside_a_page_is_found_and_nothing_is_written() {
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    fill(&mut store, 60, "filler");
    drop(store);
    let db = t.dir.db_path();
    let len = std::fs::metadata(&db).unwrap().len() as usize;
    assert!(len >= 4096 * 10, "expected a database of many pages, got {len} bytes");
    flip_byte(&db, 4096 * 5 + 1234);
    let before = sha256_file(&db);

    match t.open() {
        Ok(store) => {
            let health = store.health();
            assert!(!health.is_sound(), "{health:?}");
            assert!(!health.cipher_integrity.is_empty(), "{health:?}");
        }
        Err(e) => assert_eq!(e.code(), "damaged", "{e}"),
    }
    assert_eq!(sha256_file(&db), before, "the damaged database was written to");
}

#[test]
fn a_flipped_byte_in_the_first_page_is_damage_not_a_wrong_key() {
    let t = TempDataDir::with_passphrase();
    drop(t.open().unwrap());
    let db = t.dir.db_path();
    flip_byte(&db, 100);
    let before = sha256_file(&db);
    let err = t.open().unwrap_err();
    assert_eq!(err.code(), "damaged", "{err}");
    assert_eq!(sha256_file(&db), before);
}

#[test]
fn a_database_from_a_newer_vivier_is_refused_untouched() {
    let t = TempDataDir::with_passphrase();
    drop(t.open().unwrap());
    {
        let conn = raw_sqlcipher(&t.dir.db_path(), &key_of(&t.dir));
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = sha256_file(&t.dir.db_path());
    let err = t.open().unwrap_err();
    assert!(
        matches!(err, DataDirError::Store(StoreError::SchemaTooNew { found, supported }) if found == LATEST_VERSION + 1 && supported == LATEST_VERSION),
        "{err}"
    );
    assert!(err.to_string().contains("newer Vivier"));
    assert_eq!(sha256_file(&t.dir.db_path()), before);
}

#[test]
fn a_plaintext_sqlite_file_is_not_taken_for_a_vivier_database() {
    let t = TempDataDir::new();
    std::fs::create_dir_all(t.root()).unwrap();
    let db = t.dir.db_path();
    rusqlite::Connection::open(&db).unwrap().execute_batch("CREATE TABLE t(x);").unwrap();
    let before = sha256_file(&db);
    let err = Store::open(&db, &DbKey::generate().unwrap()).unwrap_err();
    assert_eq!(err.code(), "not_a_vivier_database", "{err}");
    assert_eq!(sha256_file(&db), before);
}

#[test]
fn a_file_that_is_no_database_at_all_is_refused_untouched() {
    let t = TempDataDir::new();
    std::fs::create_dir_all(t.root()).unwrap();
    let db = t.dir.db_path();
    std::fs::write(&db, "Dear HR, please find my CV attached.\n").unwrap();
    let before = sha256_file(&db);
    let err = Store::open(&db, &DbKey::generate().unwrap()).unwrap_err();
    assert_eq!(err.code(), "not_a_vivier_database", "{err}");
    assert_eq!(sha256_file(&db), before);
    // Without a key file, the data directory refuses to make a key for it.
    let err = t.dir.init(Protection::Passphrase(&passphrase())).unwrap_err();
    assert_eq!(err.code(), "key_file_missing", "{err}");
    assert!(!t.dir.key_path().exists());
}

#[test]
fn an_unwritable_data_directory_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let dir = DataDir::new(blocker.join("data"));
    let err = dir.init(Protection::Passphrase(&passphrase())).unwrap_err();
    assert_eq!(err.code(), "data_dir_unwritable", "{err}");
    // What to type is each door's hint (the command line's `--data-dir`: tests/cli.rs).
    assert!(err.to_string().contains("Choose a directory you can write to"), "{err}");
}

/// A store created before pages were authenticated with HMAC-SHA256 (SQLCipher 4's default,
/// HMAC-SHA512) still opens, upgrades and reads; a new one uses HMAC-SHA256.
#[test]
fn a_store_with_sha512_pages_still_opens_and_a_new_one_uses_sha256() {
    let t = TempDataDir::new();
    std::fs::create_dir_all(t.root()).unwrap();
    let store = t.dir.init(Protection::Passphrase(&passphrase())).unwrap();
    assert_eq!(store.cipher_report().unwrap().page_hmac, "HMAC_SHA256");
    drop(store);
    std::fs::remove_file(t.dir.db_path()).unwrap();
    let key = key_of(&t.dir);
    {
        let mut conn = rusqlite::Connection::open(t.dir.db_path()).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key.expose_secret_bytes()))).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        migration_testing::migrate_to(&mut conn, 6).unwrap();
        conn.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')", []).unwrap();
        let hmac: String = conn.query_row("PRAGMA cipher_hmac_algorithm", [], |r| r.get(0)).unwrap();
        assert_eq!(hmac, "HMAC_SHA512");
    }
    for _ in 0..2 {
        let store = t.open().unwrap();
        let report = store.cipher_report().unwrap();
        assert_eq!(report.page_hmac, "HMAC_SHA512");
        assert_eq!(report.schema_version, LATEST_VERSION);
        assert_eq!(store.setting("kept").unwrap().as_deref(), Some("yes"));
        assert!(store.health().is_sound());
    }
}

#[test]
fn every_earlier_schema_version_upgrades_to_the_latest() {
    for version in 0..LATEST_VERSION {
        let t = TempDataDir::new();
        std::fs::create_dir_all(t.root()).unwrap();
        // A data directory whose database stopped at `version`.
        let store = t.dir.init(Protection::Passphrase(&passphrase())).unwrap();
        drop(store);
        std::fs::remove_file(t.dir.db_path()).unwrap();
        let key = key_of(&t.dir);
        {
            let mut conn = raw_sqlcipher(&t.dir.db_path(), &key);
            conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
            migration_testing::migrate_to(&mut conn, version).unwrap();
            let v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(v, version);
            if version >= 1 {
                conn.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')", []).unwrap();
            }
        }
        let store = t.open().unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST_VERSION, "from version {version}");
        if version >= 1 {
            assert_eq!(store.setting("kept").unwrap().as_deref(), Some("yes"));
        }
        assert!(store.health().is_sound());
    }
}

#[test]
fn key_rotation_reencrypts_and_the_old_key_no_longer_opens() {
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    store.set_setting("kept", CANARY).unwrap();
    drop(store);
    let old = key_of(&t.dir);
    let p = passphrase();
    t.dir.rotate_key(Unlock { keyring: None, passphrase: Some(&p) }).unwrap();
    let new = key_of(&t.dir);
    assert_ne!(old.expose_secret_bytes(), new.expose_secret_bytes());
    assert!(matches!(Store::open(&t.dir.db_path(), &old), Err(StoreError::WrongKey)));
    let store = t.open().unwrap();
    assert_eq!(store.setting("kept").unwrap().as_deref(), Some(CANARY));
    assert!(store.health().is_sound());
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert!(kf.next.is_none());
}

/// The first step of a rotation, as `rotate_key` takes it: the next key wrapped in the key
/// file before the database changes.
fn stage_next_key(t: &TempDataDir, new: &DbKey) {
    let mut kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    kf.next = Some(NextKey {
        check: new.check_tag(&kf.store_id),
        wrapped: Some(Wrapped::seal(new, &passphrase(), &kf.store_id).unwrap()),
    });
    kf.save(&t.dir.key_path()).unwrap();
}

/// A crash after the database was re-keyed but before the key file was updated: the next
/// key saved beforehand opens it, and the rotation completes.
#[test]
fn a_rotation_interrupted_after_rekey_completes_on_next_open() {
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    store.set_setting("kept", CANARY).unwrap();
    drop(store);
    let old = key_of(&t.dir);
    let new = DbKey::generate().unwrap();
    stage_next_key(&t, &new);
    {
        let conn = raw_sqlcipher(&t.dir.db_path(), &old);
        conn.execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", hex::encode(new.expose_secret_bytes()))).unwrap();
    }
    let store = t.open().unwrap();
    assert_eq!(store.setting("kept").unwrap().as_deref(), Some(CANARY));
    drop(store);
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert!(kf.next.is_none());
    assert_eq!(kf.check, new.check_tag(&kf.store_id));
    assert_eq!(key_of(&t.dir).expose_secret_bytes(), new.expose_secret_bytes());
}

/// A crash before the database was re-keyed: the old key still opens it and the unused
/// next key is dropped.
#[test]
fn a_rotation_interrupted_before_rekey_keeps_the_old_key() {
    let t = TempDataDir::with_passphrase();
    let old = key_of(&t.dir);
    let new = DbKey::generate().unwrap();
    stage_next_key(&t, &new);
    drop(t.open().unwrap());
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert!(kf.next.is_none());
    assert_eq!(key_of(&t.dir).expose_secret_bytes(), old.expose_secret_bytes());
}

#[test]
fn changing_the_passphrase_keeps_the_data_and_retires_the_old_one() {
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    store.set_setting("kept", CANARY).unwrap();
    drop(store);
    let db_before = sha256_file(&t.dir.db_path());
    let old = passphrase();
    let new = vivier::keys::Passphrase::new("a brand new passphrase".into());
    t.dir.protect_with_passphrase(Unlock { keyring: None, passphrase: Some(&old) }, &new).unwrap();
    let err = t.open().unwrap_err();
    assert!(matches!(err, DataDirError::Key(KeyError::WrongPassphrase)), "{err}");
    let store = t.dir.open(Unlock { keyring: None, passphrase: Some(&new) }).unwrap();
    assert_eq!(store.setting("kept").unwrap().as_deref(), Some(CANARY));
    drop(store);
    assert_eq!(sha256_file(&t.dir.db_path()), db_before, "changing the passphrase must not rewrite the database");
    let kf = KeyFile::load(&t.dir.key_path()).unwrap().unwrap();
    assert!(matches!(kf.source, KeySource::Passphrase { .. }));
}

#[test]
fn a_weak_passphrase_is_refused_before_anything_is_created() {
    let t = TempDataDir::new();
    let weak = vivier::keys::Passphrase::new("short".into());
    let err = t.dir.init(Protection::Passphrase(&weak)).unwrap_err();
    assert_eq!(err.code(), "weak_passphrase");
    assert!(!t.dir.key_path().exists());
    assert!(!t.dir.db_path().exists());
}

#[test]
fn a_damaged_key_file_is_named_as_such() {
    let t = TempDataDir::with_passphrase();
    std::fs::write(t.dir.key_path(), b"{ not json").unwrap();
    let err = t.open().unwrap_err();
    assert_eq!(err.code(), "key_file_damaged", "{err}");
}

#[test]
fn files_in_the_data_directory_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    store.set_setting("x", "y").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(t.root()), 0o700);
    for file in files_under(t.root()) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

/// With its key present and the database file gone (or emptied), no door makes a new,
/// empty database in its place: the engine, a key rotation and the CLI all stop with an
/// error naming the missing file, and no file appears.
#[test]
fn a_missing_database_is_never_recreated() {
    let data = TempDataDir::with_passphrase();
    let db = data.dir.db_path();
    let clear = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    };
    clear();
    let p = passphrase();
    let unlock = Unlock { keyring: None, passphrase: Some(&p) };
    let err = data.dir.open(unlock).unwrap_err();
    assert!(matches!(err, DataDirError::DatabaseMissing { .. }), "{err}");
    assert_eq!(err.code().as_str(), "database_missing");
    assert!(err.to_string().contains(&db.display().to_string()), "names the file: {err}");
    let err = data.dir.rotate_key(unlock).unwrap_err();
    assert!(matches!(err, DataDirError::DatabaseMissing { .. }), "{err}");
    assert!(!db.exists(), "nothing was created");

    let cli = |args: &[&str]| {
        cli()
            .arg("--data-dir")
            .arg(data.root())
            .arg("--json")
            .args(args)
            .env("VIVIER_PASSPHRASE", PASS)
            .output()
            .unwrap()
    };
    for args in [&["candidate", "list"][..], &["key", "rotate"], &["purge", "--dry-run"]] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(10), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], "database_missing", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("vivier.db"), "{v}");
        assert!(!db.exists(), "{args:?} created nothing");
    }
    // An empty file in its place is no database either.
    std::fs::write(&db, b"").unwrap();
    let err = data.dir.open(unlock).unwrap_err();
    assert!(matches!(err, DataDirError::DatabaseMissing { .. }), "{err}");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "the empty file stays empty");
}

/// `vivier doctor` names stored dates that do not read (never taken as 1970) and calls
/// the database unhealthy; no purge figures are made up from them.
#[test]
fn doctor_reports_an_unreadable_stored_date() {
    let data = CliDir::new();
    data.ok(&["candidate", "add", "--name", "Ann Lee", "--email", "ann@example.org"]);
    {
        let mut s = data.data.open().unwrap();
        s.connection().execute("UPDATE candidates SET created_at = 'yesterday'", []).unwrap();
    }
    let out = data.run(true, &["doctor"]);
    assert_eq!(out.status.code(), Some(13), "{}", String::from_utf8_lossy(&out.stdout));
    // The report, then the error.
    let mut answers = serde_json::Deserializer::from_slice(&out.stdout).into_iter::<serde_json::Value>();
    let v = answers.next().unwrap().unwrap();
    assert_eq!(answers.next().unwrap().unwrap()["error"]["code"], "unhealthy");
    assert_eq!(v["healthy"], false, "{v}");
    assert_eq!(v["unreadable_dates"][0]["table"], "candidates", "{v}");
    assert_eq!(v["unreadable_dates"][0]["column"], "created_at", "{v}");
    assert_eq!(v["unreadable_dates"][0]["rows"], 1, "{v}");
    let human = data.run(false, &["doctor"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("unreadable dates 1 in candidates.created_at"));
}
