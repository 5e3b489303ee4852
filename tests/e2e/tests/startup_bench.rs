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

// ----- against the platform's floor (issue 15) -----

/// Every process and its parent, from /proc.
fn parents() -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // Field 4 (ppid) follows the command name, which may hold spaces.
        if let Some(ppid) = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok()) {
            out.push((pid, ppid));
        }
    }
    out
}

/// The pid of the (one) process whose program contains `needle`.
fn pid_of(needle: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let pid = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
        let cmd = std::fs::read(entry.path().join("cmdline")).ok()?;
        let program = cmd.split(|b| *b == 0).next()?;
        String::from_utf8_lossy(program).contains(needle).then_some(pid)
    })
}

/// A process's resident memory (VmRSS) and its proportional share (Pss, from smaps_rollup:
/// shared pages divided among the processes sharing them), in MB.
fn rss_pss(pid: u32) -> (String, f64, f64) {
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let name = status.lines().find_map(|l| l.strip_prefix("Name:")).unwrap_or("?").trim().to_owned();
    let rss = field(&status, "VmRSS:");
    if rss > 0.0 {
        // Where it lies: anonymous memory (heaps, the JS heap, caches) against mapped files
        // (libraries), and what is shared with other processes.
        println!(
            "    {name} (pid {pid}): anonymous {:.0} MB (RssAnon), files {:.0} MB (RssFile), shmem {:.0} MB; \
             shared clean {:.0} MB, private dirty {:.0} MB",
            field(&status, "RssAnon:"),
            field(&status, "RssFile:"),
            field(&status, "RssShmem:"),
            field(&rollup, "Shared_Clean:"),
            field(&rollup, "Private_Dirty:"),
        );
    }
    (name, rss, field(&rollup, "Pss:"))
}

/// The app's process and all its descendants (WebKitWebProcess, WebKitNetworkProcess and
/// the processes they start): name, resident and proportional memory, printed; sums in MB.
fn tree_memory(label: &str, root: u32) -> (f64, f64) {
    let links = parents();
    let mut tree = vec![root];
    let mut i = 0;
    while let Some(&pid) = tree.get(i) {
        tree.extend(links.iter().filter(|(_, parent)| *parent == pid).map(|(child, _)| *child));
        i += 1;
    }
    let (mut rss, mut pss) = (0.0, 0.0);
    for pid in tree {
        let (name, r, p) = rss_pss(pid);
        if r > 0.0 {
            println!("  {label}: {name} (pid {pid}): RSS {r:.0} MB, PSS {p:.0} MB");
        }
        rss += r;
        pss += p;
    }
    println!("  {label}: all processes: RSS {rss:.0} MB, PSS {pss:.0} MB");
    (rss, pss)
}

/// When the process whose program contains `needle` started, in ms since the epoch (from
/// its age in /proc, 10 ms steps).
fn started_at_ms(needle: &str) -> f64 {
    let age = process_age(needle).expect("the process runs");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    (now - age).as_secs_f64() * 1e3
}

/// Waits (30 s at most) until the page has the performance entry `name`; its time in ms
/// since the epoch (the page's time origin plus the entry's start).
async fn page_time(app: &App, script: &str) -> f64 {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(t) = app.client.execute(script, vec![]).await.ok().and_then(|v| v.as_f64()) {
            return t;
        }
        if Instant::now() > until {
            let shown = app.client.execute("return document.body.innerText.slice(0, 400);", vec![]).await;
            panic!("the page never answered {script}; it shows {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const LOADED: &str = "const nav = performance.getEntriesByType('navigation')[0];
    return nav && nav.loadEventEnd > 0 ? performance.timeOrigin + nav.loadEventEnd : null;";
/// The floor's page painted: two animation frames after its load (its `painted.js`).
const FLOOR_PAINTED: &str = "const m = performance.getEntriesByName('floor:painted')[0];
    return m ? performance.timeOrigin + m.startTime : null;";
const BOARD_PAINTED: &str = "const m = performance.getEntriesByName('vivier:board-painted')[0];
    return m ? performance.timeOrigin + m.startTime : null;";
const PAGE_PHASES: &str = "const nav = performance.getEntriesByType('navigation')[0];
    const at = (name) => { const m = performance.getEntriesByName(name)[0]; return m ? m.startTime : null; };
    return { origin: performance.timeOrigin, dom: nav ? nav.domContentLoadedEventEnd : null,
             load: nav ? nav.loadEventEnd : null, asked: at('vivier:board-asked'), answer: at('vivier:board-answer'),
             store: at('vivier:store-open'), mounted: at('vivier:board-mounted'), data: at('vivier:board-data'),
             cards: at('vivier:board-dom'), fcp: at('first-contentful-paint') };";
/// The page's first contentful paint (ms since the epoch), if WebKit reports one.
const FIRST_PAINT: &str = "const m = performance.getEntriesByName('first-contentful-paint')[0];
    return m ? performance.timeOrigin + m.startTime : null;";
/// Ten animation frames of the page at rest: the longest interval between two, in ms.
const FRAMES_AT_REST: &str = "const done = arguments[0]; const t = [];
    const step = (now) => { t.push(now); if (t.length < 11) requestAnimationFrame(step);
      else done(Math.max(...t.slice(1).map((x, i) => x - t[i]))); };
    requestAnimationFrame(step);";

/// The floor (an empty Tauri 2 window with one static page, `benches/floor`) and Vivier
/// (its last-used board shown at start, on a seeded data directory), started in turn,
/// `VIVIER_BENCH_ROUNDS` times each (default 3): process start to page loaded (floor) and
/// to the board painted (Vivier), and the memory of every process of each.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: make bench-desktop"]
async fn against_the_floor() {
    let dir: std::path::PathBuf =
        std::env::var_os("VIVIER_BENCH_DIR").expect("VIVIER_BENCH_DIR: a seeded data directory").into();
    let floor: std::path::PathBuf = std::env::var_os("VIVIER_FLOOR").expect("VIVIER_FLOOR: the floor app").into();
    let rounds: usize = std::env::var("VIVIER_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    // Processes are found by their program's whole path: other builds of the app may run
    // on the same machine.
    let floor_path = floor.to_string_lossy().into_owned();
    let app_path = harness::app_binary().to_string_lossy().into_owned();

    // Vivier once first, to open the largest board so that it is the last used.
    let app = App::start(Launch { data_dir: Some(dir.clone()), ..Launch::default() }).await;
    soon(&app, "[data-testid=\"app-frame\"]").await;
    if !app.present("[data-testid=\"board-card\"]").await {
        app.click("nav-jobs").await;
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
        app.client.execute("arguments[0].click();", vec![big]).await.unwrap();
        soon(&app, "[data-testid=\"board-card\"]").await;
    }
    // The last board is kept in the webview's storage, which WebKit writes out within about
    // a second; the harness kills the app rather than closing it, so it waits first.
    tokio::time::sleep(Duration::from_secs(3)).await;
    app.stop().await;

    let (mut floor_ms, mut floor_mem, mut vivier_ms, mut vivier_mem) = (vec![], vec![], vec![], vec![]);
    let mut floor_painted_ms = vec![];
    for round in 1..=rounds {
        let app = App::start(Launch { program: Some(floor.clone()), ..Launch::default() }).await;
        let loaded = page_time(&app, LOADED).await;
        let painted = page_time(&app, FLOOR_PAINTED).await;
        let start = started_at_ms(&floor_path);
        println!(
            "round {round}, floor: process start to page loaded {:.0} ms, painted {:.0} ms",
            loaded - start,
            painted - start
        );
        if let Ok(Some(fcp)) = app.client.execute(FIRST_PAINT, vec![]).await.map(|v| v.as_f64()) {
            println!("  floor: first contentful paint {:.0} ms", fcp - start);
        }
        floor_ms.push(loaded - start);
        floor_painted_ms.push(painted - start);
        tokio::time::sleep(Duration::from_secs(2)).await;
        floor_mem.push(tree_memory("floor", pid_of(&floor_path).expect("the floor's pid")));
        app.stop().await;

        let app = App::start(Launch { data_dir: Some(dir.clone()), ..Launch::default() }).await;
        let painted = page_time(&app, BOARD_PAINTED).await;
        let start = started_at_ms(&app_path);
        let phases = app.client.execute(PAGE_PHASES, vec![]).await.unwrap();
        let origin = phases["origin"].as_f64().unwrap_or(f64::NAN);
        let phase = |name: &str| origin + phases[name].as_f64().unwrap_or(f64::NAN) - start;
        println!(
            "round {round}, Vivier: process start to board painted {:.0} ms (navigation start {:.0} ms, \
             board asked {:.0} ms, DOMContentLoaded {:.0} ms, load {:.0} ms, board answered {:.0} ms, \
             store open in the page {:.0} ms, board mounted {:.0} ms, board data in the board {:.0} ms, \
             cards in the document {:.0} ms, board painted {:.0} ms)",
            painted - start,
            origin - start,
            phase("asked"),
            phase("dom"),
            phase("load"),
            phase("answer"),
            phase("store"),
            phase("mounted"),
            phase("data"),
            phase("cards"),
            painted - start,
        );
        println!("  first contentful paint {:.0} ms", phase("fcp"));
        vivier_ms.push(painted - start);
        let cards = app.client.find_all(fantoccini::Locator::Css("[data-testid=\"board-card\"]")).await.unwrap().len();
        println!("  {cards} cards drawn");
        tokio::time::sleep(Duration::from_secs(2)).await;
        if let Ok(longest) = app.client.execute_async(FRAMES_AT_REST, vec![]).await {
            println!("  board at rest: longest of 10 frame intervals {longest} ms");
        }
        // Where a frame's cost lies: the same page with parts of its style taken off (rules
        // added to the stylesheet: the app's CSP refuses a style element).
        for (what, css) in [
            ("columns not scrolling (.scroll)", ".scroll { overflow: visible !important; }"),
            ("nor the row of columns (.columns)", ".columns { overflow: visible !important; }"),
            ("nor the page (.content, .sidebar)", ".content, .sidebar { overflow: visible !important; }"),
        ] {
            let _ = app
                .client
                .execute(
                    "const sheet = document.styleSheets[0]; sheet.insertRule(arguments[0], sheet.cssRules.length);",
                    vec![serde_json::json!(css)],
                )
                .await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            if let Ok(longest) = app.client.execute_async(FRAMES_AT_REST, vec![]).await {
                println!("  board at rest, {what}: longest of 10 frame intervals {longest} ms");
            }
        }
        vivier_mem.push(tree_memory("Vivier", pid_of(&app_path).expect("the app's pid")));
        app.stop().await;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (f, v) = (median(&mut floor_ms), median(&mut vivier_ms));
    let mut floor_rss: Vec<f64> = floor_mem.iter().map(|m| m.0).collect();
    let mut vivier_rss: Vec<f64> = vivier_mem.iter().map(|m| m.0).collect();
    let mut floor_pss: Vec<f64> = floor_mem.iter().map(|m| m.1).collect();
    let mut vivier_pss: Vec<f64> = vivier_mem.iter().map(|m| m.1).collect();
    let (fr, vr) = (median(&mut floor_rss), median(&mut vivier_rss));
    let (fp, vp) = (median(&mut floor_pss), median(&mut vivier_pss));
    let fp_ms = median(&mut floor_painted_ms);
    println!("medians of {rounds} rounds:");
    println!("  floor page painted {fp_ms:.0} ms; Vivier's board painted {:.0} ms above it", v - fp_ms);
    println!(
        "  start: floor page loaded {f:.0} ms, Vivier board painted {v:.0} ms, above the floor {:.0} ms (target ≤ 300 ms)",
        v - f
    );
    println!("  memory RSS: floor {fr:.0} MB, Vivier {vr:.0} MB, above the floor {:.0} MB (target ≤ 60 MB)", vr - fr);
    println!("  memory PSS: floor {fp:.0} MB, Vivier {vp:.0} MB, above the floor {:.0} MB", vp - fp);
}
