//! Desktop benchmark (issue 3): cold start to the board of the largest job painted, and
//! resident memory, on a seeded data directory. Not part of the test suite (ignored); run
//! with `make bench-desktop` (VIVIER_BENCH_DIR = a data directory seeded with
//! `vivier dev seed`, its key in the keyring of the running session). Prints figures,
//! asserts nothing about speed.

mod harness;

use std::time::{Duration, Instant};

use harness::{App, Launch};

/// Resident memory of every process whose program (not merely its arguments: a build of
/// vivier-app is not the app) contains `needle`, in MB.
fn rss_mb(needle: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmd) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let program = cmd.split(|b| *b == 0).next().unwrap_or_default();
        if !String::from_utf8_lossy(program).contains(needle) {
            continue;
        }
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
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

/// How long the (one) process whose program contains `needle` has been running, from
/// its start time in /proc (10 ms steps).
fn process_age(needle: &str) -> Option<Duration> {
    // SAFETY: sysconf only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime").ok()?.split_whitespace().next()?.parse().ok()?;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(cmd) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let program = cmd.split(|b| *b == 0).next().unwrap_or_default();
        if !String::from_utf8_lossy(program).contains(needle) {
            continue;
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
        // Fields after the command name (which may hold spaces); start time is field 22.
        let start: f64 = stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()?;
        return Some(Duration::from_secs_f64((uptime - start / ticks).max(0.0)));
    }
    None
}

/// Waits for an element, looking every 10 ms (the harness's waits look every 250 ms, too
/// coarse for a timing).
async fn soon(app: &App, css: &str) -> fantoccini::elements::Element {
    let found = app.client.wait().at_most(Duration::from_secs(30)).every(Duration::from_millis(10));
    found.for_element(fantoccini::Locator::Css(css)).await.unwrap_or_else(|e| panic!("no element {css}: {e}"))
}

/// Resident memory of the app and its WebKit processes, printed; their sum in MB.
fn memory(when: &str) -> f64 {
    let mut sum = 0.0;
    for (cmd, mb) in
        rss_mb("vivier-app").into_iter().chain(rss_mb("WebKitWebProcess")).chain(rss_mb("WebKitNetworkProcess"))
    {
        println!("resident memory {when}: {mb:.0} MB  {cmd}");
        sum += mb;
    }
    println!("resident memory {when}, app + WebKit processes: {sum:.0} MB");
    sum
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: make bench-desktop"]
async fn cold_start_to_board_and_resident_memory() {
    let dir = std::env::var_os("VIVIER_BENCH_DIR").expect("VIVIER_BENCH_DIR: a seeded data directory").into();
    let started = Instant::now();
    let app = App::start(Launch { data_dir: Some(dir), ..Launch::default() }).await;
    soon(&app, "[data-testid=\"app-frame\"]").await;
    let frame = started.elapsed();
    let process_to_frame = process_age("vivier-app");
    // Where the page's time went: its navigation start and DOMContentLoaded, from the page.
    let page = app
        .client
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             return [performance.now(), nav ? nav.domContentLoadedEventEnd : null];",
            vec![],
        )
        .await
        .unwrap();
    let measuring = Instant::now();
    memory("at the frame");
    let measuring = measuring.elapsed();
    app.click("nav-jobs").await;
    // The seed's first job ("… #0") carries the large board; found in the page in one go.
    soon(&app, "[data-testid=\"job-row\"]").await;
    let big = app
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"job-row\"]')]
               .find((row) => row.textContent.trim().endsWith('#0')) ?? null;",
            vec![],
        )
        .await
        .unwrap();
    assert!(!big.is_null(), "the seeded job #0");
    // Clicked in the page and timed there too, without WebDriver's round trips: from the
    // click to the first card in the document, and to the second animation frame after it
    // (the frame that shows it has been drawn).
    let clicked = Instant::now();
    let timed = app
        .client
        .execute_async(
            "const [row, done] = arguments; const t0 = performance.now(); let inDom = null;
             const card = () => document.querySelector('[data-testid=\"board-card\"]');
             const seen = new MutationObserver(() => {
               if (inDom === null && card()) { inDom = performance.now() - t0; seen.disconnect(); }
             });
             seen.observe(document.body, { childList: true, subtree: true });
             row.click();
             const look = () => card()
               ? requestAnimationFrame(() => requestAnimationFrame(() => done([performance.now() - t0, inDom])))
               : requestAnimationFrame(look);
             look();",
            vec![big],
        )
        .await
        .unwrap();
    let (in_page, in_dom) = (timed[0].as_f64().unwrap_or(f64::NAN), timed[1].as_f64().unwrap_or(f64::NAN));
    soon(&app, "[data-testid=\"board-card\"]").await;
    let board = clicked.elapsed();
    let total = started.elapsed() - measuring;
    let cards = app.client.find_all(fantoccini::Locator::Css("[data-testid=\"board-card\"]")).await.unwrap().len();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("cold start to frame (incl. tauri-driver and WebKitWebDriver start): {:.0} ms", ms(frame));
    if let Some(age) = process_to_frame {
        println!("app process start to frame: {:.0} ms", ms(age));
        if let (Some(now), Some(loaded)) = (page[0].as_f64(), page[1].as_f64()) {
            println!(
                "  of which: to the page's navigation start {:.0} ms, then DOMContentLoaded {loaded:.0} ms, \
                 then the frame (store opened) {:.0} ms",
                ms(age) - now,
                now - loaded
            );
        }
        println!("app process start to board painted: {:.0} ms", ms(age + (total - frame)));
    }
    println!(
        "click on the job to board painted ({cards} cards): {:.0} ms (in the page: {in_dom:.0} ms to the cards, \
         {in_page:.0} ms to the second frame after)",
        board.as_secs_f64() * 1e3
    );
    println!("cold start to board painted (incl. tauri-driver and WebKitWebDriver start): {:.0} ms", ms(total));
    memory("with the board open");

    // The columns count every application; the largest one's next page comes on demand.
    let mut applications = 0;
    for count in app.client.find_all(fantoccini::Locator::Css("[data-testid=\"board-column-count\"]")).await.unwrap() {
        let text = count.prop("textContent").await.unwrap().unwrap_or_default();
        applications += text.trim().parse::<u64>().unwrap_or(0);
    }
    let more = app.testid("board-column-more").await;
    let clicked = Instant::now();
    more.click().await.unwrap();
    let shown = harness::eventually("the next page of cards", || {
        let client = app.client.clone();
        async move {
            let n = client.find_all(fantoccini::Locator::Css("[data-testid=\"board-card\"]")).await.ok()?.len();
            (n > cards).then_some(n)
        }
    })
    .await;
    println!(
        "show more: {cards} to {shown} cards (of {applications} applications) in {:.0} ms",
        clicked.elapsed().as_secs_f64() * 1e3
    );
    app.stop().await;
}
