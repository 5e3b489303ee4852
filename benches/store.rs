//! Store benchmarks, reported in docs/benchmarks.md (run with `make bench`):
//! - opening the database with the key from the OS keyring (median of many opens);
//! - the same workload (10,000 inserts, 10,000 point reads) on the encrypted store and on
//!   the same code over plain SQLite, side by side in one run, and their ratio.
//!
//! Figures are printed, never asserted.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::params;
use vivier::data_dir::{DataDir, Protection, Unlock};
use vivier::db::{Store, bench};
use vivier::keys::{DbKey, Keyring};

const ROWS: i64 = 10_000;
const ROUNDS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 10,000 candidate rows inserted (in batches of 100 per transaction), then 10,000 point
/// reads by primary key in a random order. Returns (insert time, read time).
fn workload(store: &mut Store) -> (Duration, Duration) {
    let conn = store.connection();
    let started = Instant::now();
    for batch in 0..(ROWS / 100) {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO candidates (id, uuid, full_name, phone, source, created_at, last_contact_at)
                     VALUES (?1, ?2, ?3, ?4, 'direct', '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z')",
                )
                .unwrap();
            for i in 0..100 {
                let id = batch * 100 + i + 1;
                stmt.execute(params![
                    id,
                    format!("00000000-0000-4000-8000-{id:012}"),
                    format!("Candidate Number {id} Lastname"),
                    format!("+33 6 12 34 {:02} {:02}", id % 100, id / 100 % 100)
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let inserts = started.elapsed();

    let started = Instant::now();
    let mut stmt = conn.prepare_cached("SELECT full_name, phone FROM candidates WHERE id = ?1").unwrap();
    let mut rng = vivier::db::seed::Xorshift(0x9e3779b97f4a7c15);
    let mut total = 0usize;
    for _ in 0..ROWS {
        let id = rng.below(ROWS as u64) as i64 + 1;
        let name: String = stmt.query_row([id], |r| r.get(0)).unwrap();
        total += name.len();
    }
    assert!(total > 0);
    (inserts, started.elapsed())
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    println!("# Vivier store benchmarks");

    // 1. Opening with the keyring key.
    match Keyring::system() {
        Ok(keyring) => {
            let dir = DataDir::new(tmp.path().join("keyring"));
            match dir.init(Protection::Keyring(&keyring)) {
                Ok(store) => {
                    drop(store);
                    let mut times = Vec::new();
                    for _ in 0..50 {
                        let started = Instant::now();
                        let store = dir.open(Unlock { keyring: Some(&keyring), passphrase: None }).unwrap();
                        times.push(started.elapsed());
                        drop(store);
                    }
                    println!(
                        "open with keyring key ({}): median {:.2} ms, p95 {:.2} ms over {} opens",
                        keyring.vendor(),
                        ms(median(times.clone())),
                        ms(percentile(times.clone(), 0.95)),
                        times.len()
                    );
                }
                Err(e) => println!("open with keyring key: skipped ({e})"),
            }
        }
        Err(e) => println!("open with keyring key: skipped ({e})"),
    }

    // Opening with a raw key, no keyring round trip: the store's own share.
    let key = DbKey::generate().unwrap();
    let raw = tmp.path().join("raw.db");
    drop(Store::open(&raw, &key).unwrap());
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let store = Store::open(&raw, &key).unwrap();
        times.push(started.elapsed());
        drop(store);
    }
    println!("open with a raw key (store only): median {:.2} ms", ms(median(times)));

    // 2. Encrypted vs plain, same code, interleaved rounds.
    let mut enc = (Vec::new(), Vec::new());
    let mut plain = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let e_path = tmp.path().join(format!("enc-{round}.db"));
        let p_path = tmp.path().join(format!("plain-{round}.db"));
        let (i, r) = workload(&mut Store::open(&e_path, &key).unwrap());
        enc.0.push(i);
        enc.1.push(r);
        let (i, r) = workload(&mut bench::open_plain(Path::new(&p_path)).unwrap());
        plain.0.push(i);
        plain.1.push(r);
    }
    let (ei, er, pi, pr) = (median(enc.0), median(enc.1), median(plain.0), median(plain.1));
    println!("workload, median of {ROUNDS} rounds ({ROWS} inserts in transactions of 100, then {ROWS} point reads):");
    println!("  encrypted: inserts {:.1} ms, reads {:.1} ms, total {:.1} ms", ms(ei), ms(er), ms(ei + er));
    println!("  plain:     inserts {:.1} ms, reads {:.1} ms, total {:.1} ms", ms(pi), ms(pr), ms(pi + pr));
    println!(
        "  ratio encrypted/plain: inserts {:.3}, reads {:.3}, total {:.3}",
        ms(ei) / ms(pi),
        ms(er) / ms(pr),
        ms(ei + er) / ms(pi + pr)
    );
}
