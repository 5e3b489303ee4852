//! Shared helpers for the integration tests: throwaway data directories, file probes,
//! raw SQLCipher connections and the CLI binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use vivier::data_dir::{DataDir, Protection, Unlock};
use vivier::db::Store;
use vivier::keys::{DbKey, Passphrase};

pub const PASS: &str = "correct horse battery staple";

pub fn passphrase() -> Passphrase {
    Passphrase::new(PASS.into())
}

/// A data directory inside a fresh temporary directory (removed on drop).
pub struct TempDataDir {
    pub tmp: tempfile::TempDir,
    pub dir: DataDir,
}

impl TempDataDir {
    pub fn new() -> TempDataDir {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path().join("data"));
        TempDataDir { tmp, dir }
    }

    /// A data directory already initialised with [`PASS`].
    pub fn with_passphrase() -> TempDataDir {
        let t = TempDataDir::new();
        t.dir.init(Protection::Passphrase(&passphrase())).unwrap();
        t
    }

    pub fn open(&self) -> Result<Store, vivier::data_dir::DataDirError> {
        let p = passphrase();
        self.dir.open(Unlock { keyring: None, passphrase: Some(&p) })
    }

    pub fn root(&self) -> &Path {
        self.dir.root()
    }
}

pub fn sha256_file(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// Every regular file under `root`, recursively.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Flips one bit of the byte at `offset`.
pub fn flip_byte(path: &Path, offset: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

/// The database key of a passphrase-protected data directory, read the way the engine does.
pub fn key_of(dir: &DataDir) -> DbKey {
    let kf = vivier::keys::KeyFile::load(&dir.key_path()).unwrap().unwrap();
    match kf.source {
        vivier::keys::KeySource::Passphrase { wrapped } => {
            wrapped.open(&passphrase(), &kf.store_id, &dir.key_path()).unwrap()
        }
        vivier::keys::KeySource::Keyring => panic!("not a passphrase data dir"),
    }
}

/// A raw SQLCipher connection with `key`, bypassing the engine.
pub fn raw_sqlcipher(path: &Path, key: &DbKey) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key.expose_secret_bytes()))).unwrap();
    conn.execute_batch("PRAGMA cipher_hmac_algorithm = HMAC_SHA256;").unwrap();
    conn
}

/// Fills the settings table so that the database spans many pages.
pub fn fill(store: &mut Store, rows: usize, value: &str) {
    for i in 0..rows {
        store.set_setting(&format!("filler.{i}"), &format!("{value}-{i}-{}", "x".repeat(1500))).unwrap();
    }
    store.checkpoint().unwrap();
}

pub fn cli() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vivier"));
    cmd.env_remove("VIVIER_DATA_DIR").env_remove("VIVIER_PASSPHRASE").env_remove("VIVIER_NEW_PASSPHRASE");
    cmd
}

/// A passphrase data directory driven through the CLI with `VIVIER_ACTOR=hr.test`.
pub struct CliDir {
    pub data: TempDataDir,
    pub root: PathBuf,
}

impl CliDir {
    pub fn new() -> CliDir {
        let data = TempDataDir::with_passphrase();
        let root = data.root().to_owned();
        CliDir { data, root }
    }

    pub fn run(&self, json: bool, args: &[&str]) -> std::process::Output {
        let mut cmd = cli();
        cmd.arg("--data-dir").arg(&self.root);
        if json {
            cmd.arg("--json");
        }
        cmd.args(args).env("VIVIER_PASSPHRASE", PASS).env("VIVIER_ACTOR", "hr.test").output().unwrap()
    }

    /// Runs with --json, expects success, returns the JSON answer.
    pub fn ok(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(true, args);
        assert!(
            out.status.success(),
            "{args:?} failed ({:?}): {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e})"))
    }

    /// Runs with --json, expects exit code `exit` and error `code`, returns the JSON answer.
    pub fn fails(&self, args: &[&str], exit: i32, code: &str) -> serde_json::Value {
        let out = self.run(true, args);
        assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], code, "{v}");
        v
    }
}

// ----- the engine's people, jobs and clock, as the engine tests use them -----

/// The text-extraction child: the `vivier` binary in its child mode.
pub fn extractor() -> vivier::documents::Extractor {
    vivier::documents::Extractor::new(env!("CARGO_BIN_EXE_vivier").into(), vec!["__extract-text".into()])
}

/// 09:00 UTC on a day.
pub fn t(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

/// HR acting at a time.
pub fn hr(at: chrono::DateTime<chrono::Utc>) -> vivier::pipeline::Stamp {
    vivier::pipeline::Stamp::new("hr.alice", at)
}

/// A job opened at `at` in a country of hire; its UUID.
pub fn job(s: &mut Store, at: chrono::DateTime<chrono::Utc>, country: &str) -> String {
    let new = vivier::pipeline::NewJob { title: "Data engineer".into(), country: country.into(), ..Default::default() };
    s.add_job(&hr(at), new).unwrap().uuid
}

/// A candidate who came in directly at `at`; their UUID.
pub fn person(s: &mut Store, at: chrono::DateTime<chrono::Utc>, name: &str, email: &str) -> String {
    let new = vivier::pipeline::NewCandidate {
        full_name: name.into(),
        emails: vec![email.into()],
        phone: None,
        source: vivier::pipeline::Source::Direct,
        language: vivier::pipeline::Language::Fr,
    };
    s.add_candidate(&hr(at), new).unwrap().uuid
}

/// A calendar day.
pub fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Holds a write transaction on `store` for `hold`, on another thread; returns once it is
/// held, with a flag that turns true when it has committed.
pub fn hold_write(
    mut store: Store,
    hold: std::time::Duration,
) -> (std::thread::JoinHandle<Store>, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, mpsc};
    use std::thread;
    let done = Arc::new(AtomicBool::new(false));
    let (held, is_held) = mpsc::channel();
    let flag = done.clone();
    let holder = thread::spawn(move || {
        let conn = store.connection();
        conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('test.holder', 'held');")
            .unwrap();
        held.send(()).unwrap();
        thread::sleep(hold);
        conn.execute_batch("COMMIT").unwrap();
        flag.store(true, Ordering::SeqCst);
        store
    });
    is_held.recv().unwrap();
    (holder, done)
}
