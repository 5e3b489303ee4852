//! Desktop benchmark (issue 3): cold start to the board of the largest job painted, and
//! resident memory, on a seeded data directory. Not part of the test suite (ignored); run
//! with `make bench-desktop` (VIVIER_BENCH_DIR = a data directory seeded with
//! `vivier dev seed`, its key in the keyring of the running session). Prints figures,
//! asserts nothing about speed.

mod harness;

use std::time::Instant;

use harness::{App, Launch};

/// Resident memory of every process whose command line contains `needle`, in MB.
fn rss_mb(needle: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmd) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if !cmd.contains(needle) {
            continue;
        }
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        {
            out.push((cmd.chars().take(60).collect(), kb / 1024.0));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: make bench-desktop"]
async fn cold_start_to_board_and_resident_memory() {
    let dir = std::env::var_os("VIVIER_BENCH_DIR").expect("VIVIER_BENCH_DIR: a seeded data directory").into();
    let started = Instant::now();
    let app = App::start(Launch { data_dir: Some(dir), ..Launch::default() }).await;
    app.testid("app-frame").await;
    let frame = started.elapsed();
    app.click("nav-jobs").await;
    // The seed's first job ("… #0") carries the large board.
    let rows = app.client.find_all(fantoccini::Locator::Css("[data-testid=\"job-row\"]")).await.unwrap();
    let mut big = None;
    for row in rows {
        if row.text().await.unwrap_or_default().ends_with("#0") {
            big = Some(row);
        }
    }
    let clicked = Instant::now();
    big.expect("the seeded job #0").click().await.unwrap();
    app.testid("board-card").await;
    let board = clicked.elapsed();
    let cards = app.client.find_all(fantoccini::Locator::Css("[data-testid=\"board-card\"]")).await.unwrap().len();
    let total = started.elapsed();
    println!("cold start to frame (incl. tauri-driver and WebKitWebDriver start): {:.0} ms", frame.as_secs_f64() * 1e3);
    println!("click on the job to board painted ({cards} cards): {:.0} ms", board.as_secs_f64() * 1e3);
    println!("cold start to board painted: {:.0} ms", total.as_secs_f64() * 1e3);
    let mut sum = 0.0;
    for (cmd, mb) in
        rss_mb("vivier-app").into_iter().chain(rss_mb("WebKitWebProcess")).chain(rss_mb("WebKitNetworkProcess"))
    {
        println!("resident memory {mb:.0} MB  {cmd}");
        sum += mb;
    }
    println!("resident memory, app + WebKit processes: {sum:.0} MB");
    app.stop().await;
}
