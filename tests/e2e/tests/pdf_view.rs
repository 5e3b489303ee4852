//! The PDF page view in the real app: a CV with a passage the guard refused opens as its
//! masked text, its original pages only after an explicit "show original" (audited as a
//! reveal); and the pages are drawn in a sandboxed frame from which code (a hostile PDF's,
//! were pdf.js ever made to run it) cannot reach the app's `invoke` nor any command.

mod harness;

use fantoccini::elements::Element;
use harness::{App, Launch, eventually, vivier};

/// A one-page PDF written by hand: Helvetica lines, and `catalog_extra` added to its
/// catalog (e.g. an /OpenAction).
fn pdf(lines: &[&str], catalog_extra: &str) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 16 TL 72 770 Td\n");
    for line in lines {
        content.push_str(&format!("({line}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// Adds a candidate with one file through the candidates page and opens the profile.
async fn add_candidate(app: &App, name: &str, email: &str, file: &std::path::Path) {
    app.click("nav-candidates").await;
    app.type_into("candidate-add-name", name).await;
    app.type_into("candidate-add-email", email).await;
    app.testid("doc-input").await.send_keys(file.to_str().unwrap()).await.unwrap();
    app.testid("file-queue").await;
    app.click("candidate-add-submit").await;
    app.text_until("candidate-added", |t| t.contains(name)).await;
    app.click("candidate-added-open").await;
    app.text_until("profile-name", |t| t.contains(name)).await;
}

/// Waits until the page frame says it drew `pages` pages, then counts the dark pixels of
/// its first canvas from inside the frame (and comes back to the app's window).
async fn drawn_ink(app: &App, pages: u32) -> u64 {
    let frame = app.testid("pdf-pages").await;
    eventually("the frame's pages drawn", || {
        let frame = frame.clone();
        async move { (frame.attr("data-pages").await.ok()??.parse::<u32>().ok()? == pages).then_some(()) }
    })
    .await;
    enter(&frame).await;
    let ink = eventually("ink on the first page", || {
        let client = app.client.clone();
        async move {
            let dark = client
                .execute(
                    "const c = document.querySelector('canvas'); if (!c) return 0;
                     const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                     let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 128) n++; return n;",
                    vec![],
                )
                .await
                .ok()?
                .as_u64()?;
            (dark > 100).then_some(dark)
        }
    })
    .await;
    app.client.enter_parent_frame().await.unwrap();
    ink
}

async fn enter(frame: &Element) {
    frame.clone().enter_frame().await.expect("WebDriver enters the page frame");
}

/// What code running in a window can reach of the app: Tauri's internals, the IPC bridge,
/// the parent window; and what becomes of a forged `add_job` sent through both IPC paths
/// (the WebKit message handler and the ipc:// protocol). Answers one JSON line.
const PROBE: &str = r#"
const done = arguments[arguments.length - 1];
const log = {};
log.internals = typeof window.__TAURI_INTERNALS__;
log.ipc = typeof window.ipc;
try { log.parent_internals = typeof window.parent.__TAURI_INTERNALS__; } catch (e) { log.parent_internals = 'blocked: ' + e.name; }
try { log.top_document = typeof window.top.document.body; } catch (e) { log.top_document = 'blocked: ' + e.name; }
try { log.storage = typeof window.localStorage.length; } catch (e) { log.storage = 'blocked: ' + e.name; }
const forged = { cmd: 'add_job', callback: 1, error: 2, payload: { job: { title: 'Injected by a PDF' } }, options: {}, __TAURI_INVOKE_KEY__: 'guessed' };
try { window.webkit.messageHandlers.ipc.postMessage(JSON.stringify(forged)); log.message_handler = 'posted'; } catch (e) { log.message_handler = 'blocked: ' + e.name; }
try {
  window.parent.postMessage({ kind: 'drawn', pages: 'Injected' }, '*');
  log.parent_message = 'posted';
} catch (e) { log.parent_message = 'blocked: ' + e.name; }
setTimeout(() => { log.fetch = log.fetch || 'no answer in 3 s'; done(JSON.stringify(log)); }, 3000);
fetch('ipc://localhost/add_job', { method: 'POST', body: JSON.stringify(forged.payload),
  headers: { 'Content-Type': 'application/json', 'Tauri-Callback': '1', 'Tauri-Error': '2', 'Tauri-Invoke-Key': 'guessed' } })
  .then((r) => { log.fetch = 'answered ' + r.status; }, (e) => { log.fetch = 'blocked: ' + e.name; })
  .finally(() => done(JSON.stringify(log)));
"#;

async fn probe(app: &App) -> serde_json::Value {
    let answer = app.client.execute_async(PROBE, vec![]).await.expect("the probe runs");
    serde_json::from_str(answer.as_str().expect("a JSON line")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flagged_cv_opens_as_masked_text_and_its_pages_only_on_an_audited_show_original() {
    let files = tempfile::tempdir().unwrap();
    let cv = files.path().join("cv-marc-giraud.pdf");
    std::fs::write(
        &cv,
        pdf(&["Marc Giraud", "Benevole a la paroisse catholique de Lyon", "Comptable, dix ans de paie"], ""),
    )
    .unwrap();

    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    add_candidate(&app, "Marc Giraud", "marc.giraud@example.org", &cv).await;

    // By default: the masked text, no pages, and why.
    app.click("doc-open").await;
    let text = app.text_until("doc-text", |t| t.contains("Comptable")).await;
    assert!(!text.contains("catholique"), "the passage is not masked: {text:?}");
    assert!(!app.present("[data-testid=\"pdf-pages\"]").await, "the original pages show before any reveal");
    let why = app.testid("doc-masked-note").await.text().await.unwrap();
    assert!(
        why.contains("religious or philosophical beliefs") || why.contains("religieuses"),
        "the note does not say why: {why:?}"
    );
    let pages_button = app.testid("doc-view-pdf").await;
    assert!(pages_button.attr("disabled").await.unwrap().is_some(), "the page view can be opened masked");

    // "Show original" asks first, then draws the original pages.
    let show = app.testid("reveal-button").await;
    let label = show.text().await.unwrap();
    assert!(label.contains("original"), "the button says what it shows: {label:?}");
    show.click().await.unwrap();
    app.click("reveal-confirm").await;
    let ink = drawn_ink(&app, 1).await;
    eprintln!("flagged CV: original page drawn after the reveal ({ink} dark pixels)");
    app.testid("doc-revealed").await;

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let out = vivier(&data_dir, &["audit", "list", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = audit.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    eprintln!("audit actions: {actions:?}");
    assert!(actions.contains(&"reveal"), "no reveal in the audit log: {actions:?}");
    assert!(!actions.contains(&"export"), "the page view is audited as an export: {actions:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn code_in_the_page_frame_cannot_reach_the_app() {
    let files = tempfile::tempdir().unwrap();
    let cv = files.path().join("cv-lea-roux.pdf");
    // A PDF that carries JavaScript meant for a viewer that runs it (pdf.js runs none).
    let script = "/OpenAction << /S /JavaScript /JS (window.__TAURI_INTERNALS__.invoke('add_job', {job: {title: 'Injected by a PDF'}}); app.alert('x');) >>";
    std::fs::write(&cv, pdf(&["Lea Roux", "Developpeuse Rust, Nantes"], script)).unwrap();

    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    add_candidate(&app, "Léa Roux", "lea.roux@example.org", &cv).await;

    // The control: code in the app's own window reaches Tauri's internals.
    let main = probe(&app).await;
    eprintln!("probe in the app's window: {main}");
    assert_eq!(main["internals"], "object", "the probe cannot see what it looks for: {main}");

    // Unflagged, the CV opens on its pages, drawn in the frame.
    app.click("doc-open").await;
    let ink = drawn_ink(&app, 1).await;
    eprintln!("hostile PDF: page drawn ({ink} dark pixels)");
    let frame = app.testid("pdf-pages").await;
    assert_eq!(frame.attr("sandbox").await.unwrap().as_deref(), Some("allow-scripts"));

    // The same probe, run inside the page frame.
    enter(&frame).await;
    let inside = probe(&app).await;
    app.client.enter_parent_frame().await.unwrap();
    eprintln!("probe in the page frame: {inside}");
    assert_eq!(inside["internals"], "undefined", "{inside}");
    assert_eq!(inside["ipc"], "undefined", "{inside}");
    for reach in ["parent_internals", "top_document", "storage"] {
        let said = inside[reach].as_str().unwrap_or_default();
        assert!(said.starts_with("blocked"), "{reach} reachable from the frame: {inside}");
    }
    let fetched = inside["fetch"].as_str().unwrap_or_default();
    assert!(fetched.starts_with("blocked"), "the frame reached the ipc:// protocol: {inside}");
    // A lying message to the parent changes nothing but what it may say: a page count.
    let pages = frame.attr("data-pages").await.unwrap();
    assert_eq!(pages.as_deref(), Some("0"), "a non-number page count was taken as {pages:?}");

    // WebKitGTK hands the IPC message handler to every frame: the forged command posted
    // there carries no invoke key (only the app's window has it), and Tauri refuses it (its
    // log says "__TAURI_INVOKE_KEY__ expected … but received guessed"). It ran nothing: the
    // app still works, and no job exists.
    app.click("nav-jobs").await;
    app.testid("job-add-title").await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let out = vivier(&data_dir, &["job", "list", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let jobs = String::from_utf8_lossy(&out.stdout);
    eprintln!("jobs after the probes: {jobs}");
    assert!(!jobs.contains("Injected"), "a command ran from the frame or the PDF: {jobs}");
    let out = vivier(&data_dir, &["audit", "list", "--json"], &[]);
    let audit = String::from_utf8_lossy(&out.stdout);
    assert!(!audit.contains("Injected"), "{audit}");
}
