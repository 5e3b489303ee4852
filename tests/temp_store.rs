//! Temporary storage never reaches the disk: SQLite's temp store is fixed in memory at
//! compile time, so even `PRAGMA temp_store = FILE` and a sort far larger than the page
//! cache leave the temporary directory empty. (Its own test binary, because it points
//! SQLITE_TMPDIR at a directory it watches.)

mod common;

use common::*;

#[test]
fn no_temp_file_is_ever_written_even_when_asked_for() {
    let t = TempDataDir::with_passphrase();
    let watched = tempfile::tempdir().unwrap();
    // SAFETY: set before any other thread of this test binary touches the environment.
    unsafe {
        std::env::set_var("SQLITE_TMPDIR", watched.path());
        std::env::set_var("TMPDIR", watched.path());
    }
    let mut store = t.open().unwrap();
    let conn = store.connection();
    conn.execute_batch(
        "PRAGMA temp_store = FILE;
         PRAGMA cache_size = 10;
         CREATE TEMP TABLE spill (v TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO spill SELECT 'CANARY-TEMP-' || i || '-' || hex(randomblob(64)) FROM n;
         CREATE INDEX temp.spill_v ON spill (v);",
    )
    .unwrap();
    let sorted: i64 = conn
        .query_row("SELECT count(*) FROM (SELECT v FROM spill ORDER BY v DESC, random())", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sorted, 20000);
    let leftovers = files_under(watched.path());
    assert!(leftovers.is_empty(), "temp files written: {leftovers:?}");
    // Unix SQLite unlinks temp files at once, so also look for open ones in /proc.
    let mut open_in_tmp = Vec::new();
    for fd in std::fs::read_dir("/proc/self/fd").unwrap() {
        if let Ok(target) = std::fs::read_link(fd.unwrap().path())
            && target.starts_with(watched.path())
        {
            open_in_tmp.push(target);
        }
    }
    assert!(open_in_tmp.is_empty(), "temp files open: {open_in_tmp:?}");
}
