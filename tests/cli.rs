//! The `vivier` command line on temporary data directories: output, JSON, exit codes,
//! and that a refusal leaves the files as they were.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::*;
use serde_json::Value;

fn run(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = cli();
    cmd.arg("--data-dir").arg(data).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn init_passphrase(data: &Path) {
    let out = run(data, &["init", "--passphrase", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json_of(&out)["key_source"], "passphrase");
}

#[test]
fn init_then_doctor_reports_an_encrypted_healthy_database() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    let out = run(&data, &["doctor", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert_eq!(v["key_source"], "passphrase");
    assert!(v["cipher_version"].as_str().unwrap().starts_with('4'), "{v}");
    assert_eq!(v["journal_mode"], "wal");
    assert_eq!(v["synchronous"], "FULL");
    assert_eq!(v["secure_delete"], true);
    assert_eq!(v["foreign_keys"], true);
    assert_eq!(v["temp_store_compiled"], "3");
    assert_eq!(v["page_hmac"], "HMAC_SHA256");
    assert_eq!(v["schema_version"], v["schema_supported"]);
    assert_eq!(v["integrity"][0], "ok");
    assert_eq!(v["cipher_integrity"].as_array().unwrap().len(), 0);
    assert_eq!(v["healthy"], true);

    let human = run(&data, &["doctor"], &[("VIVIER_PASSPHRASE", PASS)]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("SQLCipher 4") && text.contains("healthy"), "{text}");
    assert!(text.contains("page authentication HMAC_SHA256"), "{text}");
}

#[test]
fn vivier_data_dir_environment_variable_is_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("from-env");
    let out = cli()
        .args(["init", "--passphrase"])
        .env("VIVIER_DATA_DIR", &data)
        .env("VIVIER_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(data.join("vivier.db").exists());
}

#[test]
fn wrong_passphrase_exits_12_with_the_database_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    let before = sha256_file(&data.join("vivier.db"));
    let out = run(&data, &["doctor"], &[("VIVIER_PASSPHRASE", "not it at all")]);
    assert_eq!(out.status.code(), Some(12));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
    let out = run(&data, &["doctor", "--json"], &[("VIVIER_PASSPHRASE", "not it at all")]);
    assert_eq!(out.status.code(), Some(12));
    assert_eq!(json_of(&out)["error"]["code"], "wrong_passphrase");
    assert_eq!(sha256_file(&data.join("vivier.db")), before);
}

#[test]
fn a_missing_passphrase_exits_11_and_never_reads_an_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    let out = cli().arg("--data-dir").arg(&data).arg("doctor").stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(11));
    assert!(String::from_utf8_lossy(&out.stderr).contains("VIVIER_PASSPHRASE"));
    // There is no flag that takes a passphrase as an argument.
    let out = run(&data, &["doctor", "--passphrase", PASS], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn passphrases_can_come_from_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let feed = |args: &[&str], input: &str| {
        let mut child = cli()
            .arg("--data-dir")
            .arg(&data)
            .arg("--passphrase-stdin")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = feed(&["init", "--passphrase"], &format!("{PASS}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = feed(&["doctor"], &format!("{PASS}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Change it: current first, then the new one.
    let out = feed(&["key", "passphrase"], &format!("{PASS}\nthe second passphrase\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(feed(&["doctor"], &format!("{PASS}\n")).status.code(), Some(12));
    assert!(feed(&["doctor"], "the second passphrase\n").status.success());
}

#[test]
fn key_rotate_and_passphrase_change_through_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    let out = run(&data, &["key", "rotate", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json_of(&out)["rotated"], true);
    assert!(run(&data, &["doctor"], &[("VIVIER_PASSPHRASE", PASS)]).status.success());

    let out = run(&data, &["key", "passphrase"], &[("VIVIER_PASSPHRASE", PASS), ("VIVIER_NEW_PASSPHRASE", "short")]);
    assert_eq!(out.status.code(), Some(2), "a weak passphrase is a usage error");
    let out = run(
        &data,
        &["key", "passphrase"],
        &[("VIVIER_PASSPHRASE", PASS), ("VIVIER_NEW_PASSPHRASE", "another long passphrase")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(run(&data, &["doctor"], &[("VIVIER_PASSPHRASE", PASS)]).status.code(), Some(12));
    assert!(run(&data, &["doctor"], &[("VIVIER_PASSPHRASE", "another long passphrase")]).status.success());
}

#[test]
fn an_uninitialised_directory_exits_10() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&tmp.path().join("nothing"), &["doctor", "--json"], &[]);
    assert_eq!(out.status.code(), Some(10));
    assert_eq!(json_of(&out)["error"]["code"], "not_initialised");
    assert!(json_of(&out)["error"]["message"].as_str().unwrap().ends_with("Run `vivier init` to create it"));
}

#[test]
fn init_twice_exits_16_and_keeps_the_first_key() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    let key_before = sha256_file(&data.join("key.json"));
    let out = run(&data, &["init", "--passphrase"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert_eq!(out.status.code(), Some(16));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`vivier doctor` inspects it"));
    assert_eq!(sha256_file(&data.join("key.json")), key_before);
}

#[test]
fn a_corrupted_page_makes_doctor_exit_13_and_leaves_the_file_alone() {
    let t = TempDataDir::with_passphrase();
    let mut store = t.open().unwrap();
    fill(&mut store, 60, "filler");
    drop(store);
    let db = t.dir.db_path();
    flip_byte(&db, 4096 * 7 + 99);
    let before = sha256_file(&db);
    let out = run(t.root(), &["doctor", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert_eq!(out.status.code(), Some(13), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(sha256_file(&db), before);
}

#[test]
fn a_database_from_the_future_exits_14_untouched() {
    let t = TempDataDir::with_passphrase();
    drop(t.open().unwrap());
    {
        let conn = raw_sqlcipher(&t.dir.db_path(), &key_of(&t.dir));
        conn.pragma_update(None, "user_version", 999).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = sha256_file(&t.dir.db_path());
    let out = run(t.root(), &["doctor"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert_eq!(out.status.code(), Some(14));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer Vivier") && err.contains("999"), "{err}");
    assert_eq!(sha256_file(&t.dir.db_path()), before);
}

#[test]
fn a_file_that_is_not_a_vivier_database_exits_13() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    let db = data.join("vivier.db");
    std::fs::remove_file(data.join("vivier.db-wal")).ok();
    std::fs::remove_file(data.join("vivier.db-shm")).ok();
    std::fs::write(&db, b"%PDF-1.7 this is a CV, not a database").unwrap();
    let before = sha256_file(&db);
    let out = run(&data, &["doctor", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert_eq!(out.status.code(), Some(13));
    assert_eq!(json_of(&out)["error"]["code"], "not_a_vivier_database");
    assert_eq!(sha256_file(&db), before);
}

#[test]
fn an_unwritable_data_directory_exits_15() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("plain-file");
    std::fs::write(&blocker, b"").unwrap();
    let out = run(&blocker.join("data"), &["init", "--passphrase", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert_eq!(out.status.code(), Some(15));
    assert_eq!(json_of(&out)["error"]["code"], "data_dir_unwritable");
    assert!(json_of(&out)["error"]["message"].as_str().unwrap().contains("`--data-dir DIR`"));
}

/// Permission bits do not stop root, so the test drops to an unprivileged user with
/// setpriv when it runs as root.
#[test]
fn a_data_directory_without_write_permission_exits_15_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = tmp.path().join("data");
    init_passphrase(&data);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = sha256_file(&data.join("vivier.db"));
    let is_root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_vivier")]);
        c
    } else {
        cli()
    };
    // Nobody else may read the data either: let the unprivileged user in, read-only.
    std::fs::set_permissions(data.join("key.json"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out =
        cmd.arg("--data-dir").arg(&data).args(["doctor", "--json"]).env("VIVIER_PASSPHRASE", PASS).output().unwrap();
    assert_eq!(out.status.code(), Some(15), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json_of(&out)["error"]["code"], "data_dir_unwritable");
    assert_eq!(sha256_file(&data.join("vivier.db")), before);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn without_a_keyring_init_explains_the_passphrase_way_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = cli()
        .arg("--data-dir")
        .arg(&data)
        .args(["init", "--json"])
        .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", tmp.path().join("no-bus").display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(11), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert_eq!(v["error"]["code"], "keyring_unavailable");
    assert!(v["error"]["message"].as_str().unwrap().contains("--passphrase"));
    assert!(!data.join("key.json").exists());
    assert!(!data.join("vivier.db").exists());
}

/// With the real Secret Service (the test command starts one: dbus-run-session and an
/// unlocked gnome-keyring-daemon). Set VIVIER_TEST_SECRET_SERVICE=1 to require it.
#[test]
fn the_real_secret_service_keeps_the_key() {
    if std::env::var("VIVIER_TEST_SECRET_SERVICE").as_deref() != Ok("1") {
        eprintln!("skipped: VIVIER_TEST_SECRET_SERVICE is not 1 (make test sets it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = run(&data, &["init", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json_of(&out)["key_source"], "keyring");
    let out = run(&data, &["doctor", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert_eq!(v["key_source"], "keyring");
    assert_eq!(v["healthy"], true);
    // The key is in the keyring (read back with secret-tool) and it is this database's.
    let kf: Value = serde_json::from_slice(&std::fs::read(data.join("key.json")).unwrap()).unwrap();
    let store_id = kf["store_id"].as_str().unwrap();
    let account = format!("database-key/{store_id}");
    let st = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "vivier", "username", &account])
        .output()
        .unwrap();
    assert!(st.status.success(), "secret-tool does not see the entry");
    let mut secret = st.stdout.clone();
    let key = vivier::keys::DbKey::from_bytes(&mut secret).expect("a 32-byte key");
    assert_eq!(key.check_tag(store_id), kf["check"].as_str().unwrap());
    // Rotate, switch to a passphrase, and back.
    assert!(run(&data, &["key", "rotate"], &[]).status.success());
    let out = run(&data, &["key", "passphrase"], &[("VIVIER_NEW_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(run(&data, &["doctor"], &[("VIVIER_PASSPHRASE", PASS)]).status.success());
    let out = run(&data, &["key", "passphrase", "--keyring"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&data, &["doctor", "--json"], &[]);
    assert!(out.status.success());
    assert_eq!(json_of(&out)["key_source"], "keyring");
}

/// A real full disk: a 1.2 MB tmpfs in a private mount namespace (needs root, as CI has;
/// skipped with a notice otherwise). Candidates with documents are added until the disk is
/// full: the failing command exits 15 with `disk_full`, and the database stays healthy with
/// exactly what was reported as stored (no candidate without its row, no half document).
#[test]
fn a_full_disk_is_a_clear_error_and_nothing_is_half_written() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let doc = tmp.path().join("cv.txt");
    std::fs::write(&doc, "Zanzibarite specialist. ".repeat(2500)).unwrap();
    let script = r#"
        set -u
        mount -t tmpfs -o size=1200k tmpfs "$MNT" || exit 99
        D="$MNT/data"
        "$VIVIER" --data-dir "$D" init --passphrase > /dev/null || exit 98
        i=0; docs=0
        while true; do
          i=$((i+1))
          out=$("$VIVIER" --data-dir "$D" --json candidate add --name "P $i" --email "p$i@example.org"); rc=$?
          if [ $rc -ne 0 ]; then echo "FAILED $rc $out"; i=$((i-1)); break; fi
          id=$(printf '%s' "$out" | python3 -c 'import sys,json; print(json.load(sys.stdin)["uuid"])')
          out=$("$VIVIER" --data-dir "$D" --json doc add "$id" "$DOC" --kind cv); rc=$?
          if [ $rc -ne 0 ]; then echo "FAILED $rc $out"; break; fi
          docs=$((docs+1))
          if [ $i -gt 300 ]; then echo "NEVER_FULL"; break; fi
        done
        echo "ADDED $i $docs"
        "$VIVIER" --data-dir "$D" --json doctor > /dev/null; echo "DOCTOR $?"
        # Searching records an audit entry, so it waits for space: free some, as the
        # message asks, then count what is there.
        mount -o remount,size=8m "$MNT"
        "$VIVIER" --data-dir "$D" --json candidate list --limit 1000 | python3 -c 'import sys,json; print("COUNT", len(json.load(sys.stdin)))'
        "$VIVIER" --data-dir "$D" --json search zanzibarite --limit 500 | python3 -c 'import sys,json; print("FOUND", len(json.load(sys.stdin)))'
    "#;
    let out = std::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "bash", "-c", script])
        .env("MNT", &mnt)
        .env("DOC", &doc)
        .env("VIVIER", env!("CARGO_BIN_EXE_vivier"))
        .env("VIVIER_PASSPHRASE", PASS)
        .env_remove("VIVIER_DATA_DIR")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.code() == Some(99) {
        eprintln!("skipped: this machine refuses to mount a tmpfs ({})", String::from_utf8_lossy(&out.stderr));
        return;
    }
    let line = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in: {text}\n{}", String::from_utf8_lossy(&out.stderr)))
            .trim()
            .to_owned()
    };
    let failed = line("FAILED ");
    assert!(failed.starts_with("15 "), "{failed}");
    assert!(failed.contains("\"disk_full\""), "{failed}");
    let added: Vec<usize> = line("ADDED ").split(' ').map(|n| n.parse().unwrap()).collect();
    assert!(added[0] >= 1, "the disk filled before anything was stored: {text}");
    assert_eq!(line("DOCTOR "), "0", "the database is not healthy after a full disk: {text}");
    assert_eq!(line("COUNT ").parse::<usize>().unwrap(), added[0], "candidates: {text}");
    assert_eq!(line("FOUND ").parse::<usize>().unwrap(), added[1], "documents: {text}");
}
