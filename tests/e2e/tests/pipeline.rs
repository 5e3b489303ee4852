//! The daily recruitment workflow, end to end in the real app: open a job, add a candidate
//! with a real PDF CV picked through the file input, see the card on the job's board, move
//! it to interview, write a note, and find the candidate again by a word that only the CV
//! contains (Ctrl+K). Then the CLI confirms it is all in the encrypted database. And a
//! board of hundreds: counted in full, drawn as far as it fits then as it is scrolled,
//! still moved by keyboard.

mod harness;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::Element;
use harness::{App, Launch, eventually, vivier};

/// A word that appears only in the CV, so that finding it proves the PDF's text was
/// extracted and indexed.
const CV_WORD: &str = "Zanzibarite";

/// A minimal, valid one-page PDF 1.4 in Helvetica whose text contains `text` (ASCII, no
/// parentheses or backslashes), with a correct cross-reference table.
fn minimal_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 14 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

/// The board card of an application, once it is in the column of `stage`.
async fn card_in(app: &App, stage: &str, application: &str) -> Option<Element> {
    let css = format!(
        "[data-testid=\"board-column-{stage}\"] [data-testid=\"board-card\"][data-application=\"{application}\"]"
    );
    app.client.find(Locator::Css(&css)).await.ok()
}

/// Drags an element onto another with the mouse, as a person would.
async fn drag(app: &App, from: &Element, to: &Element) {
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: from.clone(), duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(100)), x: 5.0, y: 5.0 })
        .then(PointerAction::MoveToElement {
            element: to.clone(),
            duration: Some(Duration::from_millis(300)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    app.client.perform_actions(mouse).await.expect("pointer actions");
    let _ = app.client.release_actions().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_candidate_with_a_pdf_cv_goes_from_application_to_interview_and_is_found_by_a_word_of_the_cv() {
    let started = Instant::now();
    let files = tempfile::tempdir().unwrap();
    let cv = files.path().join("cv-ana-lefebvre.pdf");
    std::fs::write(&cv, minimal_pdf(&format!("Ana Lefebvre - {CV_WORD} crystallography, 7 years"))).unwrap();

    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    let t_frame = started.elapsed();

    // Open a job.
    app.click("nav-jobs").await;
    app.testid("jobs-empty").await;
    app.type_into("job-add-title", "Mineralogist").await;
    app.click("job-add-submit").await;
    let row = app.testid("job-row").await;
    assert_eq!(row.text().await.unwrap().trim(), "Mineralogist");

    // Add a candidate for it, with the CV picked through the file input.
    app.click("nav-candidates").await;
    app.testid("candidates-empty").await;
    app.type_into("candidate-add-name", "Ana Lefebvre").await;
    app.type_into("candidate-add-email", "ana.lefebvre@example.org").await;
    let job_select = app.testid("candidate-add-job").await;
    eventually("the job in the candidate form", || {
        let job_select = job_select.clone();
        async move {
            let options = job_select.find_all(Locator::Css("option")).await.ok()?;
            (options.len() > 1).then_some(())
        }
    })
    .await;
    let option = job_select.find(Locator::XPath("option[normalize-space(.)='Mineralogist']")).await.unwrap();
    option.click().await.unwrap();
    app.testid("doc-input").await.send_keys(cv.to_str().unwrap()).await.unwrap();
    app.testid("file-queue").await;
    let t_import = Instant::now();
    app.click("candidate-add-submit").await;
    let added = app.text_until("candidate-added", |t| t.contains("Ana Lefebvre")).await;
    assert!(added.contains("Ana Lefebvre"), "no confirmation: {added:?}");
    let t_import = t_import.elapsed();
    assert!(
        app.client.find(Locator::Css("[data-testid=\"doc-error\"], [data-testid=\"doc-no-text\"]")).await.is_err(),
        "the CV was refused or had no text"
    );

    // The card is on the job's board, in New.
    app.click("nav-jobs").await;
    app.click("job-row").await;
    let card = app.wait_css("[data-testid=\"board-column-new\"] [data-testid=\"board-card\"]").await;
    let application = card.attr("data-application").await.unwrap().expect("card has its application");
    let text = card.text().await.unwrap();
    assert!(text.contains("Ana Lefebvre"), "the card shows {text:?}");

    // Drag it to Screening. WebKitWebDriver does not turn pointer actions into HTML5 drag
    // and drop, so when the pointer drag leaves the card where it was, the same drag events
    // are dispatched in the page (dragstart on the card, dragover and drop on the column).
    let screening = app.testid("board-column-screening").await;
    drag(&app, &card, &screening).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let by_pointer = card_in(&app, "screening", &application).await.is_some();
    if !by_pointer {
        eprintln!("note: the pointer drag did not start an HTML5 drag under this WebDriver; dispatching drag events");
        app.client
            .execute(
                "const [card, column] = arguments; const data = new DataTransfer();
                 card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: data }));
                 column.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
                 column.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
                 card.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: data }));",
                vec![serde_json::to_value(&card).unwrap(), serde_json::to_value(&screening).unwrap()],
            )
            .await
            .unwrap();
    }
    let card = eventually("the card in Screening", || card_in(&app, "screening", &application)).await;

    // Then to Interview the keyboard way: the card's stage list.
    card.find(Locator::Css("[data-testid=\"card-stage-select\"]"))
        .await
        .unwrap()
        .select_by_value("interview")
        .await
        .unwrap();
    let card = eventually("the card in Interview", || card_in(&app, "interview", &application)).await;

    // Rejecting asks for a reason before anything moves.
    card.find(Locator::Css("[data-testid=\"card-stage-select\"]"))
        .await
        .unwrap()
        .select_by_value("rejected")
        .await
        .unwrap();
    app.testid("card-reject-reason").await;
    assert!(card_in(&app, "interview", &application).await.is_some(), "moved to rejected without a reason");

    // A note on the candidate's profile.
    card.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    let name = app.text_until("profile-name", |t| !t.is_empty()).await;
    assert_eq!(name.trim(), "Ana Lefebvre");
    app.type_into("note-input", "Strong on X-ray diffraction; wants to relocate to Lyon.").await;
    app.click("note-submit").await;
    let notes = app.text_until("note-list", |t| t.contains("X-ray diffraction")).await;
    assert!(notes.contains("X-ray diffraction"), "note list: {notes:?}");
    // The CV opens on its pages, drawn by pdf.js on a canvas in the sandboxed page frame,
    // then as text.
    app.click("doc-open").await;
    let t_pdf = Instant::now();
    let frame = app.testid("pdf-pages").await;
    frame.clone().enter_frame().await.expect("WebDriver enters the page frame");
    let inked = eventually("ink on the PDF page", || {
        let client = app.client.clone();
        async move {
            let dark = client
                .execute(
                    "const c = document.querySelector('[data-testid=\"pdf-page\"]'); if (!c) return 0;
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
    let t_pdf = t_pdf.elapsed();
    eprintln!("the PDF page has {inked} dark pixels");
    app.click("doc-view-text").await;
    let text = app.text_until("doc-text", |t| t.contains(CV_WORD)).await;
    assert!(text.contains(CV_WORD), "extracted text: {text:?}");

    // Find her by a word that only her CV contains, with Ctrl+K from anywhere.
    app.click("nav-jobs").await;
    app.testid("page-jobs").await;
    app.testid("nav-jobs").await.send_keys("\u{E009}k\u{E000}").await.unwrap();
    let opened_with_keys = app
        .client
        .wait()
        .at_most(Duration::from_secs(3))
        .for_element(Locator::Css("[data-testid=\"search-input\"]"))
        .await
        .is_ok();
    if !opened_with_keys {
        eprintln!("note: Ctrl+K was not delivered by this WebDriver; using the search button");
        app.click("search-open").await;
    }
    let t_search = Instant::now();
    app.type_into("search-input", &CV_WORD.to_lowercase()).await;
    let hit = app.testid("search-result").await;
    let t_search = t_search.elapsed();
    let hit_text = hit.text().await.unwrap();
    assert!(hit_text.contains("Ana Lefebvre"), "search result: {hit_text:?}");
    assert!(hit_text.contains(CV_WORD), "snippet: {hit_text:?}");
    let mark = hit.find(Locator::Css("mark")).await.expect("the matched word is marked");
    assert_eq!(mark.text().await.unwrap(), CV_WORD);
    hit.click().await.unwrap();
    let name = app.text_until("profile-name", |t| !t.is_empty()).await;
    assert_eq!(name.trim(), "Ana Lefebvre");
    let stage = app.text_until("profile-applications", |t| t.contains("Interview")).await;
    assert!(stage.contains("Interview"), "applications on the profile: {stage:?}");

    eprintln!(
        "timings: frame {:?}, candidate + CV import {:?}, PDF page drawn {:?}, search to first result {:?}, drag and drop {}",
        t_frame,
        t_import,
        t_pdf,
        t_search,
        if by_pointer { "by pointer" } else { "by dispatched drag events" }
    );
    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;

    // The CLI, on the same encrypted database, sees the same facts.
    let out = vivier(&data_dir, &["search", CV_WORD, "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["full_name"], "Ana Lefebvre", "{hits}");
    assert_eq!(hits[0]["field"], "document", "{hits}");
    let out = vivier(&data_dir, &["search", "diffraction", "--json", "--stage", "interview"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["full_name"], "Ana Lefebvre", "note not found at interview stage: {hits}");
    let out = vivier(&data_dir, &["audit", "verify"], &[]);
    assert!(out.status.success(), "audit chain: {}", String::from_utf8_lossy(&out.stdout));
    let out = vivier(&data_dir, &["doctor", "--json"], &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["healthy"], true, "{report}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_candidate_with_the_same_email_is_offered_as_the_existing_person() {
    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    app.click("nav-candidates").await;
    app.type_into("candidate-add-name", "Léa Martin").await;
    app.type_into("candidate-add-email", "lea.martin@example.org").await;
    app.click("candidate-add-submit").await;
    app.text_until("candidate-added", |t| t.contains("Léa Martin")).await;

    app.type_into("candidate-add-name", "Lea MARTIN").await;
    app.type_into("candidate-add-email", "Lea.Martin@Example.org").await;
    app.click("candidate-add-submit").await;
    let dup = app.text_until("candidate-duplicate", |t| t.contains("Léa Martin")).await;
    assert!(dup.contains("Léa Martin"), "duplicate panel: {dup:?}");
    app.click("duplicate-open").await;
    let name = app.text_until("profile-name", |t| !t.is_empty()).await;
    assert_eq!(name.trim(), "Léa Martin");
    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;

    let out = vivier(&data_dir, &["candidate", "list", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "a second person was created: {list}");
}

/// A board column as drawn: its count, and its cards' applications, top first.
async fn column(app: &App, stage: &str) -> (u64, Vec<String>) {
    let drawn = app
        .client
        .execute(
            "const column = document.querySelector(`[data-testid=\"board-column-${arguments[0]}\"]`);
             const count = column.querySelector('[data-testid=\"board-column-count\"]').textContent.trim();
             const cards = [...column.querySelectorAll('[data-testid=\"board-card\"]')];
             return [count, cards.map((card) => card.dataset.application)];",
            vec![serde_json::json!(stage)],
        )
        .await
        .unwrap();
    let count = drawn[0].as_str().and_then(|c| c.parse().ok()).expect("a count in the column header");
    let cards = drawn[1].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    (count, cards)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_board_counts_every_card_but_draws_only_what_fits_then_more_as_it_is_scrolled() {
    const PAGE: usize = 25;
    // One job with 300 applications (about 60 a column), made by the CLI beforehand.
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let seed = ["dev", "seed", "--candidates", "300", "--jobs", "1", "--big-board", "300", "--cv-bytes", "200"];
    for args in [&["init"][..], &seed[..]] {
        let out = vivier(&data_dir, args, &[]);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = vivier(&data_dir, &["job", "list", "--json"], &[]);
    let jobs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = vivier(&data_dir, &["job", "show", jobs[0]["uuid"].as_str().unwrap(), "--json"], &[]);
    let whole: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The engine's order of every column, in full (the CLI asks for the whole board).
    let expected: Vec<(String, Vec<String>)> = whole["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let cards = c["cards"].as_array().unwrap().iter();
            let cards = cards.map(|a| a["application_uuid"].as_str().unwrap().to_owned()).collect();
            (c["stage"].as_str().unwrap().to_owned(), cards)
        })
        .collect();

    let app = App::start(Launch { data_dir: Some(data_dir.clone()), ..Launch::default() }).await;
    app.testid("app-frame").await;
    app.click("nav-jobs").await;
    app.click("job-row").await;
    app.testid("board-card").await;
    // Each column counts all its applications and draws its most recent cards first: those
    // that fill its view (and a few below it), not the whole page it received.
    let mut first = std::collections::HashMap::new();
    for (stage, cards) in &expected {
        let (count, shown) = column(&app, stage).await;
        assert_eq!(count, cards.len() as u64, "{stage}: the count is of every application");
        assert_eq!(shown, cards[..shown.len()], "{stage}: its first cards, most recent first");
        assert!(shown.len() == cards.len() || shown.len() < PAGE, "{stage}: {} cards drawn at once", shown.len());
        let fills = app
            .client
            .execute(
                "const scroll = document.querySelector(`[data-testid=\"board-column-${arguments[0]}\"] .scroll`);
                 return scroll.querySelector('ul').offsetHeight >= scroll.clientHeight;",
                vec![serde_json::json!(stage)],
            )
            .await
            .unwrap();
        assert!(shown.len() == cards.len() || fills == serde_json::json!(true), "{stage}: its view is not filled");
        first.insert(stage.clone(), shown.len());
    }

    // The largest column: a page more from the keyboard (Enter on its button; past the
    // page received, so the next one is asked for), then one more by scrolling the column
    // to its end, and so on until every card is drawn, in the engine's order.
    let (big, cards) = expected.iter().max_by_key(|(_, c)| c.len()).unwrap();
    assert!(cards.len() > 2 * PAGE, "seeded too few: {}", cards.len());
    let drawn = first[big];
    let more = app.wait_css(&format!("[data-testid=\"board-column-{big}\"] [data-testid=\"board-column-more\"]")).await;
    more.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    let shown =
        eventually("a page more", || async { Some(column(&app, big).await.1).filter(|s| s.len() > drawn) }).await;
    assert_eq!(shown, cards[..drawn + PAGE]);
    let mut drawn = shown.len();
    while drawn < cards.len() {
        app.client
            .execute(
                "const scroll = document.querySelector(`[data-testid=\"board-column-${arguments[0]}\"] .scroll`);
                 scroll.scrollTop = scroll.scrollHeight;",
                vec![serde_json::json!(big)],
            )
            .await
            .unwrap();
        let next = cards.len().min(drawn + PAGE);
        let shown = eventually("more as it is scrolled", || async {
            Some(column(&app, big).await.1).filter(|s| s.len() >= next)
        })
        .await;
        assert_eq!(shown, cards[..next]);
        drawn = next;
    }
    assert!(
        app.client
            .find(Locator::Css(&format!("[data-testid=\"board-column-{big}\"] [data-testid=\"board-column-more\"]")))
            .await
            .is_err(),
        "nothing left to show, yet a button for more"
    );

    // A card moved with the arrow key goes on top of the next column, keeps the focus, and
    // both counts follow; the column it left draws as many cards as before.
    let new = &expected.iter().find(|(s, _)| s == "new").unwrap().1;
    let screening = &expected.iter().find(|(s, _)| s == "screening").unwrap().1;
    let card = card_in(&app, "new", &new[0]).await.expect("the top card of New");
    card.send_keys(&fantoccini::key::Key::Right.to_string()).await.unwrap();
    eventually("the card in Screening", || card_in(&app, "screening", &new[0])).await;
    let (count, shown) = column(&app, "new").await;
    assert_eq!(count, new.len() as u64 - 1);
    assert_eq!(shown, new[1..(1 + first["new"]).min(new.len())]);
    let (count, shown) = column(&app, "screening").await;
    assert_eq!((count, &shown[0]), (screening.len() as u64 + 1, &new[0]));
    let focused = app.client.execute("return document.activeElement?.dataset?.application ?? null", vec![]).await;
    assert_eq!(focused.unwrap(), serde_json::json!(new[0]), "the moved card keeps the focus");
    app.stop().await;
    drop(tmp);
}
