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

fn s(v: &serde_json::Value) -> &str {
    v.as_str().unwrap()
}

/// Runs the CLI on `c` with --json and extra environment; returns the output.
fn run_env(c: &CliDir, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = cli();
    cmd.arg("--data-dir").arg(&c.root).arg("--json");
    cmd.args(args).env("VIVIER_PASSPHRASE", PASS).env("VIVIER_ACTOR", "hr.test");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok_env(c: &CliDir, env: &[(&str, &str)], args: &[&str]) -> serde_json::Value {
    let out = run_env(c, env, args);
    assert!(
        out.status.success(),
        "{args:?} failed ({:?}): {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn add(c: &CliDir, name: &str, email: &str) -> String {
    s(&c.ok(&["candidate", "add", "--name", name, "--email", email])["uuid"]).to_owned()
}

fn candidate_uuids(c: &CliDir) -> Vec<String> {
    let v = c.ok(&["candidate", "list"]);
    let list = v.as_array().cloned().or_else(|| v["candidates"].as_array().cloned()).unwrap_or_default();
    let mut out: Vec<String> = list.iter().map(|x| s(&x["uuid"]).to_owned()).collect();
    out.sort();
    out
}

/// P8: back up, erase a candidate, restore: the candidate is absent and the restore says
/// one was purged again; a second erase-free restore purges nobody.
#[test]
fn a_restore_purges_again_whoever_was_erased_after_the_backup() {
    let c = CliDir::new();
    let gone = add(&c, "Ada Erased", "ada@example.org");
    let kept = add(&c, "Bea Kept", "bea@example.org");
    let b = c.ok(&["backup", "now"]);
    let file = s(&b["path"]).to_owned();
    c.ok(&["candidate", "erase", &gone, "--yes"]);
    let listed = c.ok(&["backup", "list"]);
    assert_eq!(listed["backups"].as_array().unwrap().len(), 1);
    let plan = c.ok(&["backup", "restore", &file, "--dry-run"]);
    assert_eq!(plan["purge_again"], 1, "{plan}");
    assert!(plan["risk"].is_null(), "{plan}");
    let r = c.ok(&["backup", "restore", &file]);
    assert_eq!(r["purged_again"], 1, "{r}");
    assert_eq!(candidate_uuids(&c), vec![kept.clone()]);
    // The database it replaced was backed up first (a restore can be undone).
    let replaced = s(&r["replaced_backup"]).to_owned();
    assert!(replaced.ends_with("-before-restore.db"), "{replaced}");
    assert_eq!(c.ok(&["backup", "list"])["backups"].as_array().unwrap().len(), 2);
    c.fails(&["candidate", "show", &gone], 20, "not_found");
    assert_eq!(c.ok(&["retention", "log"])[0]["candidate_uuid"], gone.as_str());
    // Human output says it too.
    let out = c.run(false, &["backup", "restore", &file]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 erased since were purged again"));
}

/// P8: the database file is deleted before the restore: the ledger file alone (beside the
/// database, and its copy beside the backups) brings the erasure back.
#[test]
fn the_ledger_file_alone_brings_the_erasure_back_when_the_database_is_lost() {
    let c = CliDir::new();
    let gone = add(&c, "Ada Erased", "ada@example.org");
    let kept = add(&c, "Bea Kept", "bea@example.org");
    let file = s(&c.ok(&["backup", "now"])["path"]).to_owned();
    c.ok(&["candidate", "erase", &gone, "--yes"]);
    for f in ["vivier.db", "vivier.db-wal", "vivier.db-shm"] {
        let _ = std::fs::remove_file(c.root.join(f));
    }
    let r = c.ok(&["backup", "restore", &file]);
    assert_eq!(r["purged_again"], 1, "{r}");
    assert_eq!(candidate_uuids(&c), vec![kept]);

    // With the ledger beside the database gone too, its copy in the backup folder serves.
    let c = CliDir::new();
    let gone = add(&c, "Ada Erased", "ada@example.org");
    let file = s(&c.ok(&["backup", "now"])["path"]).to_owned();
    c.ok(&["candidate", "erase", &gone, "--yes"]);
    for f in ["vivier.db", "vivier.db-wal", "vivier.db-shm", "vivier.ledger"] {
        let _ = std::fs::remove_file(c.root.join(f));
    }
    let r = c.ok(&["backup", "restore", &file]);
    assert_eq!(r["purged_again"], 1, "{r}");
    assert!(candidate_uuids(&c).is_empty());
}

/// P8: without any ledger, or with a backup older than the ledger's record, a restore is
/// refused with its own code unless the risk is accepted.
#[test]
fn a_restore_without_a_ledger_or_older_than_it_is_refused_without_accept_risk() {
    let c = CliDir::new();
    let gone = add(&c, "Ada Erased", "ada@example.org");
    let file = s(&c.ok(&["backup", "now"])["path"]).to_owned();
    c.ok(&["candidate", "erase", &gone, "--yes"]);
    std::fs::remove_file(c.root.join("vivier.ledger")).unwrap();
    std::fs::remove_file(c.root.join("backups").join("vivier.ledger")).unwrap();
    std::fs::remove_file(c.root.join("vivier.db")).unwrap();
    let v = c.fails(&["backup", "restore", &file], 29, "ledger_missing");
    assert!(s(&v["error"]["message"]).contains("--accept-risk"), "{v}");
    let r = c.ok(&["backup", "restore", &file, "--accept-risk"]);
    assert_eq!(r["accepted_risk"], true);
    assert_eq!(r["purged_again"], 0, "without a ledger nobody is known to purge");

    // A backup taken (by the test clock) before the ledger's record began.
    let c = CliDir::new();
    add(&c, "Cy Old", "cy@example.org");
    let old = ok_env(&c, &[("VIVIER_NOW", "2020-01-01T09:00:00Z")], &["backup", "now"]);
    let file = s(&old["path"]).to_owned();
    c.fails(&["backup", "restore", &file], 29, "backup_older_than_ledger");
    let plan = c.ok(&["backup", "restore", &file, "--dry-run"]);
    assert_eq!(plan["risk"], "backup_older_than_ledger");
    c.ok(&["backup", "restore", &file, "--accept-risk"]);
}

/// The ledger is authenticated: a changed byte or a truncation is detected; purges stop
/// (fail toward keeping) and a restore refuses until a sound ledger is back.
#[test]
fn a_tampered_or_truncated_ledger_is_detected() {
    for damage in ["flip", "truncate"] {
        let c = CliDir::new();
        let a = add(&c, "Ada Erased", "ada@example.org");
        let b = add(&c, "Bo Second", "bo@example.org");
        let file = s(&c.ok(&["backup", "now"])["path"]).to_owned();
        c.ok(&["candidate", "erase", &a, "--yes"]);
        let ledger = c.root.join("vivier.ledger");
        let bytes = std::fs::read(&ledger).unwrap();
        assert!(!contains(&bytes, a.as_bytes()), "a UUID shows in the ledger file");
        match damage {
            "flip" => flip_byte(&ledger, bytes.len() / 2),
            _ => std::fs::write(&ledger, &bytes[..bytes.len() - 20]).unwrap(),
        }
        // The erasure of another candidate is refused: nobody goes unrecorded.
        c.fails(&["candidate", "erase", &b, "--yes"], 13, "ledger_damaged");
        assert!(candidate_uuids(&c).contains(&b), "{damage}: the candidate went without a record");
        c.fails(&["backup", "restore", &file], 13, "ledger_damaged");
        // Put back from the copy beside the backups: all works again.
        std::fs::copy(c.root.join("backups").join("vivier.ledger"), &ledger).unwrap();
        c.ok(&["candidate", "erase", &b, "--yes"]);
        let r = c.ok(&["backup", "restore", &file]);
        assert_eq!(r["purged_again"], 2, "{damage}: {r}");
    }
}

/// A backup taken while another process writes in a loop restores consistent: it passes
/// both integrity checks and holds a prefix of the writes.
#[test]
fn a_backup_taken_during_a_write_loop_restores_consistent() {
    let d = TempDataDir::with_passphrase();
    let mut writer = d.open().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::spawn(move || {
        let mut n = 0u32;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            person(&mut writer, t(2026, 3, 1), &format!("Writer Person {n}"), &format!("w{n}@example.org"));
            n += 1;
        }
        n
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let s = d.open().unwrap();
    let mut files = Vec::new();
    for i in 0..3 {
        let b = s.back_up(chrono::Utc::now() + chrono::Duration::minutes(i), Reason::Manual).unwrap();
        files.push(b.path);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = handle.join().unwrap();
    assert!(written > 3, "the writer wrote {written}");
    drop(s);
    let mut counts = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let v = d.open().unwrap().verify_backup(f).unwrap();
        assert!(v.sound, "{v:?}");
        let p = passphrase();
        let r = d
            .dir
            .restore(
                vivier::data_dir::Unlock { keyring: None, passphrase: Some(&p) },
                f,
                &hr(chrono::Utc::now() + chrono::Duration::hours(1 + i as i64)),
                false,
            )
            .unwrap();
        assert_eq!(r.purged_again, 0);
        let s = d.open().unwrap();
        assert!(s.health().is_sound());
        let n = s.count_candidates().unwrap() as usize;
        counts.push(n);
    }
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(counts[2] <= written as usize);
}

/// Backups are destroyed when their date comes (12 months, or fewer by setting, never
/// more), at start and by the timer's daily run; the daily run takes one a day.
#[test]
fn expired_backups_are_destroyed_on_schedule() {
    let c = CliDir::new();
    add(&c, "Ada Kept", "ada@example.org");
    let first = ok_env(&c, &[("VIVIER_NOW", "2026-01-10T09:00:00Z")], &["backup", "auto"]);
    assert!(first["taken"].is_object(), "{first}");
    assert_eq!(first["taken"]["destroy_at"], "2027-01-10T09:00:00Z");
    let again = ok_env(&c, &[("VIVIER_NOW", "2026-01-10T20:00:00Z")], &["backup", "auto"]);
    assert!(again["taken"].is_null(), "a second backup the same day: {again}");
    ok_env(&c, &[("VIVIER_NOW", "2026-06-10T09:00:00Z")], &["backup", "auto"]);
    assert_eq!(backups_of(&c.root).len(), 2);
    c.fails(&["backup", "settings", "--months", "13"], 22, "invalid_input");
    // A day before the first one's date: kept; at its date: destroyed, at any start.
    ok_env(&c, &[("VIVIER_NOW", "2027-01-09T09:00:00Z")], &["candidate", "list"]);
    assert_eq!(backups_of(&c.root).len(), 2);
    ok_env(&c, &[("VIVIER_NOW", "2027-01-10T09:00:01Z")], &["candidate", "list"]);
    assert_eq!(backups_of(&c.root).len(), 1);
    // Lowered to 3 months: the June one goes by the timer's run in September.
    c.ok(&["backup", "settings", "--months", "3"]);
    let run = ok_env(&c, &[("VIVIER_NOW", "2027-01-11T09:00:00Z")], &["purge", "--unattended"]);
    assert!(run.is_object());
    let names: Vec<String> =
        backups_of(&c.root).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with("vivier-20260610")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("vivier-20270111")), "the timer took its daily backup: {names:?}");
}

/// P9: a full export opens on another data directory with its passphrase and has the same
/// candidates; the ledger goes with it. A wrong passphrase is refused.
#[test]
fn a_full_export_moves_the_store_to_another_data_dir() {
    let c = CliDir::new();
    add(&c, "Ada Moved", "ada@example.org");
    add(&c, "Bo Moved", "bo@example.org");
    let gone = add(&c, "Cy Erased", "cy@example.org");
    c.ok(&["candidate", "erase", &gone, "--yes"]);
    let before = candidate_uuids(&c);
    let file = c.data.tmp.path().join("move.vivier");
    let f = file.to_str().unwrap();
    let done = ok_env(&c, &[("VIVIER_EXPORT_PASSPHRASE", "export passphrase 1")], &["export", "--full", "-o", f]);
    assert!(done["size"].as_u64().unwrap() > 4096);
    let bytes = std::fs::read(&file).unwrap();
    assert!(!contains(&bytes, b"Ada Moved") && !contains(&bytes, b"ada@example.org"));

    let other = tempfile::tempdir().unwrap();
    let root = other.path().join("data");
    let init = |pass: &str| {
        cli()
            .arg("--data-dir")
            .arg(&root)
            .arg("--json")
            .args(["init", "--passphrase", "--from", f])
            .env("VIVIER_EXPORT_PASSPHRASE", pass)
            .env("VIVIER_NEW_PASSPHRASE", "new machine passphrase")
            .output()
            .unwrap()
    };
    let wrong = init("not the export passphrase");
    assert_eq!(wrong.status.code(), Some(12), "{}", String::from_utf8_lossy(&wrong.stdout));
    assert!(!root.join("vivier.db").exists());
    let out = init("export passphrase 1");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let list = cli()
        .arg("--data-dir")
        .arg(&root)
        .arg("--json")
        .args(["candidate", "list"])
        .env("VIVIER_PASSPHRASE", "new machine passphrase")
        .output()
        .unwrap();
    assert!(list.status.success());
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let arr = v.as_array().cloned().or_else(|| v["candidates"].as_array().cloned()).unwrap();
    let mut moved: Vec<String> = arr.iter().map(|x| s(&x["uuid"]).to_owned()).collect();
    moved.sort();
    assert_eq!(moved, before);
    assert!(root.join("vivier.ledger").exists(), "the ledger moved with the store");
}

/// P9: the plain export needs a confirmation and writes every table of the registry.
#[test]
fn the_plain_export_is_confirmed_and_writes_every_registry_table() {
    let c = CliDir::new();
    add(&c, "Ada Plain", "ada@example.org");
    let dir = c.data.tmp.path().join("plain");
    let d = dir.to_str().unwrap();
    let out = c.run(true, &["export", "--plain-json", "-o", d]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UNENCRYPTED"));
    assert!(!dir.exists());
    let done = c.ok(&["export", "--plain-json", "-o", d, "--yes-i-understand"]);
    let tables: Vec<String> = done["tables"].as_array().unwrap().iter().map(|t| s(&t[0]).to_owned()).collect();
    for t in vivier::person::registry::TABLES {
        assert!(tables.contains(&t.name.to_owned()), "{} left out", t.name);
        assert!(dir.join(format!("{}.json", t.name)).exists());
    }
    let candidates = std::fs::read_to_string(dir.join("candidates.json")).unwrap();
    assert!(candidates.contains("Ada Plain"));
}

/// Before every migration, a backup of the database as it was: here a store left at
/// schema 6 (with the legacy page HMAC) is opened by this version.
#[test]
fn a_backup_is_taken_before_every_migration() {
    use vivier::db::{LATEST_VERSION, migration_testing};
    let t = TempDataDir::new();
    std::fs::create_dir_all(t.root()).unwrap();
    drop(t.dir.init(vivier::data_dir::Protection::Passphrase(&passphrase())).unwrap());
    std::fs::remove_file(t.dir.db_path()).unwrap();
    let key = key_of(&t.dir);
    {
        let mut conn = rusqlite::Connection::open(t.dir.db_path()).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key.expose_secret_bytes()))).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        migration_testing::migrate_to(&mut conn, 6).unwrap();
        conn.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')", []).unwrap();
    }
    let s = t.open().unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    let list = s.backups().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].reason, Reason::BeforeMigration);
    let v = s.verify_backup(&list[0].path).unwrap();
    assert!(v.sound, "{v:?}");
    assert_eq!(v.schema_version, 6);
    // Opening again migrates nothing and takes no other backup.
    drop(s);
    assert_eq!(t.open().unwrap().backups().unwrap().len(), 1);
    // The backup restores (and is migrated as it is restored).
    let p = passphrase();
    let unlock = vivier::data_dir::Unlock { keyring: None, passphrase: Some(&p) };
    let r = t.dir.restore(unlock, &list[0].path, &hr(chrono::Utc::now()), false).unwrap();
    assert_eq!(r.purged_again, 0);
    let s = t.open().unwrap();
    assert_eq!(s.setting("kept").unwrap().as_deref(), Some("yes"));
    assert!(s.health().is_sound());
}

/// `doctor` reports the ledger file, and a damaged one makes the store unhealthy.
#[test]
fn doctor_reports_the_ledger_file() {
    let c = CliDir::new();
    let gone = add(&c, "Ada Erased", "ada@example.org");
    c.ok(&["candidate", "erase", &gone, "--yes"]);
    let v = c.ok(&["doctor"]);
    assert_eq!(v["erasure_ledger"], "ok");
    assert_eq!(v["ledger_entries"], 1);
    flip_byte(&c.root.join("vivier.ledger"), 40);
    let out = c.run(true, &["doctor"]);
    assert_eq!(out.status.code(), Some(13));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"erasure_ledger\": \"damaged\""), "{text}");
}

/// A key rotation seals the ledger file (and its copy) again under the new key: it still
/// opens, and purges still record.
#[test]
fn a_key_rotation_seals_the_ledger_again() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let now = chrono::Utc::now();
    let a = person(&mut s, now, "Ada Erased", "ada@example.org");
    let b = person(&mut s, now, "Bo Later", "bo@example.org");
    s.confirm_erasure(&hr(now), &a).unwrap();
    let before = std::fs::read(d.root().join("vivier.ledger")).unwrap();
    drop(s);
    let p = passphrase();
    d.dir.rotate_key(vivier::data_dir::Unlock { keyring: None, passphrase: Some(&p) }).unwrap();
    assert_ne!(std::fs::read(d.root().join("vivier.ledger")).unwrap(), before);
    let mut s = d.open().unwrap();
    let book = s.ledger().unwrap().book().unwrap().unwrap();
    assert!(book.entries.contains_key(&a));
    s.confirm_erasure(&hr(now), &b).unwrap();
    let book = s.ledger().unwrap().book().unwrap().unwrap();
    assert_eq!(book.entries.len(), 2);
    let key = vivier::backup::LedgerKey::derive(&key_of(&d.dir));
    let copy = key.read(&d.root().join("backups").join("vivier.ledger")).unwrap().unwrap();
    assert_eq!(copy, book);
}
