//! Pipeline benchmarks on a seeded database (issue 3), reported in docs/benchmarks.md:
//! full-text search p95, the board of a job with 2,000 applications, a candidate profile.
//!
//! Uses the data directory in VIVIER_BENCH_DIR (seeded beforehand with
//! `vivier dev seed --candidates 100000`, passphrase in VIVIER_PASSPHRASE), or seeds a
//! fresh temporary one with VIVIER_BENCH_CANDIDATES candidates (default 100,000).
//! Figures are printed, never asserted.

use std::time::{Duration, Instant};

use chrono::Utc;
use vivier::data_dir::{DataDir, Protection, Unlock};
use vivier::keys::Passphrase;
use vivier::pipeline::Stamp;
use vivier::pipeline::search::SearchFilter;

fn pct(mut v: Vec<Duration>, p: f64) -> f64 {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = Passphrase::new(std::env::var("VIVIER_PASSPHRASE").unwrap_or_else(|_| "benchpassphrase".into()));
    let (dir, fresh) = match std::env::var_os("VIVIER_BENCH_DIR") {
        Some(d) => (DataDir::new(d), false),
        None => (DataDir::new(tmp.path().join("data")), true),
    };
    let mut store = if fresh {
        let n: u64 = std::env::var("VIVIER_BENCH_CANDIDATES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
        let mut s = dir.init(Protection::Passphrase(&pass)).unwrap();
        let started = Instant::now();
        s.seed_synthetic(n, 50, 2000, 3000, 42, Utc::now()).unwrap();
        println!("seeded {n} candidates in {:.1} s", started.elapsed().as_secs_f64());
        s
    } else {
        dir.open(Unlock { keyring: None, passphrase: Some(&pass) }).unwrap()
    };
    let total = store.count_candidates().unwrap();
    let db_size = std::fs::metadata(dir.db_path()).map(|m| m.len()).unwrap_or(0);
    println!("# Pipeline benchmarks: {total} candidates, database {:.0} MB", db_size as f64 / 1e6);
    let stamp = Stamp::new("bench", Utc::now());

    // Warm the cache as a running app would be.
    let _ = store.search(&stamp, "rust", &SearchFilter::default());

    let queries = [
        "rust",
        "kotlin",
        "airbus",
        "payroll",
        "lyon",
        "dupont",
        "kubernetes terraform",
        "sap finance",
        "welding",
        "candidate4242@example.org",
        "lefèvre",
        "marketing seo",
        "embedded linux",
        "ana lima",
        "negotiation sales",
        "figma",
        "postgresql",
        "security audit",
        "grenoble",
        "java support",
    ];
    let mut times = Vec::new();
    let mut per_query = vec![Vec::new(); queries.len()];
    let mut results = 0;
    for round in 0..10 {
        for (i, q) in queries.iter().enumerate() {
            let filter = SearchFilter { limit: 20, ..SearchFilter::default() };
            let started = Instant::now();
            let hits = store.search(&stamp, q, &filter).unwrap();
            times.push(started.elapsed());
            per_query[i].push(started.elapsed());
            if round == 0 {
                results += hits.len();
            }
        }
    }
    for (q, t) in queries.iter().zip(per_query) {
        println!("  {q:<28} p50 {:7.2} ms", pct(t, 0.5));
    }
    println!(
        "search (top 20, {} queries x 10): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({results} hits in round 1)",
        queries.len(),
        pct(times.clone(), 0.5),
        pct(times.clone(), 0.95),
        pct(times, 1.0)
    );

    let big_job: String = store
        .connection()
        .query_row(
            "SELECT j.uuid FROM jobs j JOIN applications a ON a.job_id = j.id GROUP BY j.id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // As the app asks for it (BOARD_PAGE in ui/src/lib/backend.ts): every column's count
    // and its first 25 cards; then the next 25 of the largest column (scrolled down); then
    // the whole board at once (the CLI).
    const PAGE: usize = 25;
    let mut times = Vec::new();
    let (mut cards, mut applications, mut largest) = (0, 0, None);
    for _ in 0..50 {
        let started = Instant::now();
        let board = store.board(&big_job, None, 0, PAGE).unwrap();
        times.push(started.elapsed());
        cards = board.columns.iter().map(|c| c.cards.len()).sum();
        applications = board.columns.iter().map(|c| c.total).sum();
        largest = board.columns.iter().max_by_key(|c| c.total).map(|c| c.stage);
    }
    println!(
        "board of a job with {applications} applications, {cards} cards sent: p50 {:.2} ms, p95 {:.2} ms",
        pct(times.clone(), 0.5),
        pct(times, 0.95)
    );
    let largest = largest.unwrap();
    let mut times = Vec::new();
    for i in 0..50 {
        let started = Instant::now();
        let offset = PAGE * (1 + i % 10);
        let column = store.board(&big_job, Some(largest), offset, PAGE).unwrap();
        times.push(started.elapsed());
        let column = &column.columns[0];
        assert_eq!(column.cards.len() as u64, column.total.saturating_sub(offset as u64).min(PAGE as u64));
    }
    println!(
        "next {PAGE} cards of its column {largest} (offsets {PAGE} to {}): p50 {:.2} ms, p95 {:.2} ms",
        PAGE * 10,
        pct(times.clone(), 0.5),
        pct(times, 0.95)
    );
    let mut times = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let board = store.board(&big_job, None, 0, usize::MAX).unwrap();
        times.push(started.elapsed());
        assert_eq!(board.columns.iter().map(|c| c.cards.len() as u64).sum::<u64>(), applications);
    }
    println!(
        "the whole board, every card ({applications}): p50 {:.2} ms, p95 {:.2} ms",
        pct(times.clone(), 0.5),
        pct(times, 0.95)
    );

    let uuids: Vec<String> = {
        let conn = store.connection();
        let mut stmt = conn.prepare("SELECT uuid FROM candidates ORDER BY random() LIMIT 100").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let mut times = Vec::new();
    for u in &uuids {
        let started = Instant::now();
        let p = store.profile(&stamp, u).unwrap();
        times.push(started.elapsed());
        assert_eq!(&p.candidate.uuid, u);
    }
    println!(
        "candidate profile (incl. its audited view, one commit): p50 {:.2} ms, p95 {:.2} ms over {}",
        pct(times.clone(), 0.5),
        pct(times, 0.95),
        uuids.len()
    );
}
