//! Retention benchmarks (issue 5), reported in docs/benchmarks.md: `purge --dry-run` over
//! 100,000 candidates, and purging 20,000 due candidates (with their documents) among them,
//! residue clean-up included.
//!
//! Works on a copy of the data directory in VIVIER_BENCH_DIR (seeded with `vivier dev seed
//! --candidates 100000`, passphrase in VIVIER_PASSPHRASE); the original is never written.
//! A prepared copy (VIVIER_BENCH_PREPARED, default /tmp/vivier-bench-retention) is made
//! once: brought to this schema, rebuilt for incremental vacuum when it predates it (timed
//! apart: a one-time step), and VIVIER_BENCH_DUE (default 20,000) candidates get a last
//! contact three years back. Each run purges a fresh copy of it. Figures are printed,
//! never asserted.

use std::time::{Duration, Instant};

use chrono::Utc;
use vivier::data_dir::{DataDir, Unlock};
use vivier::keys::Passphrase;
use vivier::pipeline::Stamp;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A line of /proc/self/status (resident memory now, its peak).
fn memory(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(|l| l[field.len() + 1..].trim().to_string()))
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let Some(source) = std::env::var_os("VIVIER_BENCH_DIR") else {
        eprintln!("VIVIER_BENCH_DIR: a data directory seeded with `vivier dev seed --candidates 100000`");
        return;
    };
    let due_wanted: i64 = std::env::var("VIVIER_BENCH_DUE").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let pass = Passphrase::new(std::env::var("VIVIER_PASSPHRASE").unwrap_or_else(|_| "benchpassphrase".into()));
    // A prepared copy (migrated, rebuilt for incremental vacuum, due candidates set) is
    // kept between runs; each run purges a fresh copy of it.
    let prepared = std::path::PathBuf::from(
        std::env::var_os("VIVIER_BENCH_PREPARED").unwrap_or_else(|| "/tmp/vivier-bench-retention".into()),
    );
    let copy_dir = |from: &std::path::Path, to: &std::path::Path| {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != "prepared" {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
                // Written out before timing: the kernel flushing a fresh 1 GB copy in the
                // background would be measured as the purge's.
                std::fs::File::open(to.join(entry.file_name())).unwrap().sync_all().unwrap();
            }
        }
    };
    if !prepared.join("prepared").exists() {
        let _ = std::fs::remove_dir_all(&prepared);
        copy_dir(std::path::Path::new(&source), &prepared);
        let started = Instant::now();
        let mut store = DataDir::new(&prepared).open(Unlock { keyring: None, passphrase: Some(&pass) }).unwrap();
        println!("open + migrate the copy: {:.0} ms", ms(started.elapsed()));
        let conn = store.connection();
        // The indexes of migration 0005 as released, rebuilt in case the seeded directory was
        // opened by a development build of it (no-ops on a directory migrated by a release).
        conn.execute_batch(
            "DROP INDEX IF EXISTS documents_candidate;
             CREATE INDEX documents_candidate ON documents (candidate_id, kind);
             CREATE INDEX IF NOT EXISTS candidates_requests ON candidates (id)
                 WHERE objected_at IS NOT NULL OR erasure_confirmed_at IS NOT NULL;
             CREATE INDEX IF NOT EXISTS applications_hired ON applications (candidate_id) WHERE stage = 'hired';",
        )
        .unwrap();
        let auto_vacuum: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
        if auto_vacuum != 2 {
            let started = Instant::now();
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;").unwrap();
            println!("one-time rebuild for incremental vacuum: {:.1} s", started.elapsed().as_secs_f64());
        }
        let three_years_ago =
            (Utc::now() - chrono::Duration::days(3 * 365)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        conn.execute(
            "UPDATE candidates SET last_contact_at = ?1
             WHERE id IN (SELECT id FROM candidates ORDER BY (id * 2654435761) % 1000003 LIMIT ?2)",
            rusqlite::params![three_years_ago, due_wanted],
        )
        .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        drop(store);
        std::fs::write(prepared.join("prepared"), b"").unwrap();
    }
    let tmp = tempfile::tempdir_in(prepared.parent().unwrap()).unwrap();
    let copy = tmp.path().join("data");
    copy_dir(&prepared, &copy);
    let dir = DataDir::new(&copy);
    let mut store = dir.open(Unlock { keyring: None, passphrase: Some(&pass) }).unwrap();
    let stamp = Stamp::new("bench", Utc::now());
    let total = store.count_candidates().unwrap();
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("# Retention benchmarks: {total} candidates, database {:.0} MB", size(&dir.db_path()));

    let mut dry = Vec::new();
    let mut would = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let report = store.purge(&stamp, stamp.at, true).unwrap();
        dry.push(started.elapsed());
        would = report.purged.len();
    }
    dry.sort();
    println!("purge --dry-run over {total}: median {:.0} ms, max {:.0} ms ({would} due)", ms(dry[2]), ms(dry[4]));

    let started = Instant::now();
    let report = store.purge(&stamp, stamp.at, false).unwrap();
    let elapsed = started.elapsed();
    let docs: i64 = report.purged.iter().map(|p| p.counts.documents).sum();
    let cleanup = report.cleanup.clone().unwrap_or_default();
    println!(
        "purge of {} candidates ({docs} documents): {:.1} s in all; clean-up: index optimise {:.1} s, \
         pages {:.1} s ({} reclaimed, rebuilt: {}), WAL {:.1} s (truncated: {})",
        report.purged.len(),
        elapsed.as_secs_f64(),
        cleanup.index_ms as f64 / 1e3,
        cleanup.reclaim_ms as f64 / 1e3,
        cleanup.pages_reclaimed,
        cleanup.vacuumed,
        cleanup.wal_ms as f64 / 1e3,
        cleanup.wal_truncated
    );
    println!(
        "after: {} candidates, database {:.0} MB, WAL {:.1} MB; process memory {} (peak {})",
        store.count_candidates().unwrap(),
        size(&dir.db_path()),
        size(&copy.join("vivier.db-wal")),
        memory("VmRSS"),
        memory("VmHWM")
    );
}
