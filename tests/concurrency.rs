//! Two writers on one store: the CLI (a timer's purge, a script) and the app, or another
//! connection, write to the same file. A write started while another connection holds the
//! write lock waits for it (busy timeout, IMMEDIATE transactions) and succeeds, instead of
//! failing with "database is locked".

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::CliDir;
use vivier::db::Store;

/// Holds a write transaction open on the store of `c` (an engine connection of the test's
/// own) for `hold`, on another thread. Returns once the write lock is held.
fn hold_write_lock(c: &CliDir, hold: Duration) -> thread::JoinHandle<Store> {
    common::hold_write(c.data.open().unwrap(), hold).0
}

fn assert_succeeded(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}) instead of waiting for the write lock: {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A command whose transaction reads before it writes (`candidate add` looks for a
/// duplicate first): begun DEFERRED, it would get "database is locked" at once, without
/// waiting, when its read lock cannot become a write lock. Begun IMMEDIATE, it waits.
#[test]
fn a_write_that_reads_first_waits_for_another_writer() {
    let c = CliDir::new();
    c.ok(&["candidate", "add", "--name", "Ana Lima", "--email", "ana@example.org"]);
    let holder = hold_write_lock(&c, Duration::from_secs(2));
    let started = Instant::now();
    let out = c.run(true, &["candidate", "add", "--name", "Marc Petit", "--email", "marc@example.org"]);
    let waited = started.elapsed();
    holder.join().unwrap();
    assert_succeeded(&out, "candidate add");
    assert!(waited >= Duration::from_millis(1500), "it did not wait for the other writer ({waited:?})");
    let list = c.ok(&["candidate", "list"]);
    assert!(list.to_string().contains("Marc Petit"), "{list}");
}

/// The timer's purge while another connection writes for longer than SQLite's usual
/// 5-second wait (rusqlite's default busy timeout): it waits (up to a minute) and purges.
#[test]
fn a_purge_waits_for_a_long_write_of_another_connection() {
    let c = CliDir::new();
    let job = c.ok(&["job", "add", "--title", "Welder"]);
    let a = c.ok(&["candidate", "add", "--name", "Ana Lima", "--email", "ana@example.org"]);
    let ana = a["uuid"].as_str().unwrap().to_owned();
    let app = c.ok(&["apply", &ana, job["uuid"].as_str().unwrap()]);
    // She objects while her application is open, then withdraws it: due at the next purge.
    c.ok(&["candidate", "object", &ana]);
    c.ok(&["stage", app["uuid"].as_str().unwrap(), "withdrawn"]);
    let holder = hold_write_lock(&c, Duration::from_secs(7));
    let started = Instant::now();
    let out = c.run(true, &["purge"]);
    let waited = started.elapsed();
    holder.join().unwrap();
    assert_succeeded(&out, "vivier purge");
    assert!(waited >= Duration::from_secs(6), "it did not wait for the other writer ({waited:?})");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let purged = report["purged"].as_array().unwrap();
    assert_eq!(purged.len(), 1, "{report}");
    assert_eq!(purged[0]["candidate_uuid"], ana.as_str());
}
