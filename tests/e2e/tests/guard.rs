//! Promises P2 and P3 in the real app: what HR types is checked as they type (a refused
//! category is named, highlighted, and cannot be saved); a CV that mentions a religion is
//! stored with the passage masked in its preview (revealed on demand, and audited) and
//! kept out of search; hiring details can be entered only from the offer stage, checked
//! by the engine. Then the CLI confirms what was (and was not) stored.

mod harness;

use fantoccini::Locator;
use harness::{App, Launch, eventually, vivier};

/// Adds a candidate through the candidates page (optionally with files picked through the
/// file input, and for a job) and opens the profile.
async fn add_candidate(app: &App, name: &str, email: &str, job: Option<&str>, files: &[&std::path::Path]) {
    app.click("nav-candidates").await;
    app.type_into("candidate-add-name", name).await;
    app.type_into("candidate-add-email", email).await;
    if let Some(job) = job {
        let select = app.testid("candidate-add-job").await;
        let option = eventually("the job in the candidate form", || {
            let select = select.clone();
            async move { select.find(Locator::XPath(&format!("option[normalize-space(.)='{job}']"))).await.ok() }
        })
        .await;
        option.click().await.unwrap();
    }
    for file in files {
        app.testid("doc-input").await.send_keys(file.to_str().unwrap()).await.unwrap();
        app.testid("file-queue").await;
    }
    app.click("candidate-add-submit").await;
    let added = app.text_until("candidate-added", |t| t.contains(name)).await;
    assert!(added.contains(name), "no confirmation: {added:?}");
    app.click("candidate-added-open").await;
    let shown = app.text_until("profile-name", |t| !t.is_empty()).await;
    assert_eq!(shown.trim(), name);
}

/// Opens the search dialog and types a query.
async fn search_for(app: &App, query: &str) {
    if !app.present("[data-testid=\"search-input\"]").await {
        app.click("search-open").await;
    }
    app.type_into("search-input", query).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_union_membership_typed_in_a_note_is_named_highlighted_and_never_stored() {
    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    add_candidate(&app, "Hugo Bernard", "hugo.bernard@example.org", None, &[]).await;

    // As HR types, the guard names the category and marks the words.
    app.type_into("note-input", "Bon entretien, il est syndiqué à la CGT").await;
    let finding = app.wait_css("[data-testid=\"guard-finding\"][data-level=\"refused\"]").await;
    assert_eq!(finding.attr("data-category").await.unwrap().as_deref(), Some("trade_union"));
    let said = finding.text().await.unwrap();
    assert!(
        said.contains("trade-union membership") || said.contains("appartenance syndicale"),
        "the category is not named: {said:?}"
    );
    assert!(said.contains("syndiqué à la CGT"), "the words are not quoted: {said:?}");
    let feedback = app.testid("guard-feedback").await;
    let mark = feedback.find(Locator::Css("mark")).await.expect("the flagged words are highlighted");
    assert_eq!(mark.text().await.unwrap(), "syndiqué à la CGT");

    // The note cannot be saved; submitted anyway, the engine refuses it and stores nothing.
    let submit = app.testid("note-submit").await;
    assert!(submit.attr("disabled").await.unwrap().is_some(), "the submit button stays enabled");
    let form = app.testid("note-form").await;
    app.client.execute("arguments[0].requestSubmit();", vec![serde_json::to_value(&form).unwrap()]).await.unwrap();
    let refusal = app.text_until("guard-error", |t| !t.is_empty()).await;
    assert!(refusal.contains("CGT"), "the engine's refusal quotes the words: {refusal:?}");
    let notes = app.testid("note-list").await.text().await.unwrap();
    assert!(!notes.contains("CGT"), "the note was stored: {notes:?}");

    // A warned criterion is shown as a warning, and the note can be saved with it.
    app.type_into("note-input", "Elle a trois enfants, disponible en septembre.").await;
    let warned = app.wait_css("[data-testid=\"guard-finding\"][data-level=\"warned\"]").await;
    assert_eq!(warned.attr("data-category").await.unwrap().as_deref(), Some("family_situation"));
    eventually("the submit button enabled again", || {
        let submit = submit.clone();
        async move { submit.attr("disabled").await.ok()?.is_none().then_some(()) }
    })
    .await;
    submit.click().await.unwrap();
    let notes = app.text_until("note-list", |t| t.contains("septembre")).await;
    assert!(notes.contains("septembre"), "the warned note was not saved: {notes:?}");
    app.testid("note-warning").await;
    // The recorded warning says why, in one line, quoting the words that made it.
    let why = app.testid("note-warning-why").await.text().await.unwrap();
    assert!(why.contains("enfants"), "the recorded warning does not say why: {why:?}");

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let out = vivier(&data_dir, &["search", "septembre", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["full_name"], "Hugo Bernard", "{hits}");
    let out = vivier(&data_dir, &["search", "CGT", "--json"], &[]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(!shown.contains("Hugo Bernard"), "the refused note was stored: {shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cv_mentioning_a_religion_is_stored_masked_revealed_on_demand_and_not_searchable_by_it() {
    let files = tempfile::tempdir().unwrap();
    let cv = files.path().join("cv-marc-giraud.txt");
    std::fs::write(&cv, "Bénévole à la paroisse catholique de Lyon. Comptable, dix ans de paie.\n").unwrap();

    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    add_candidate(&app, "Marc Giraud", "marc.giraud@example.org", None, &[&cv]).await;

    // The preview masks the passage.
    app.click("doc-open").await;
    let text = app.text_until("doc-text", |t| t.contains("Comptable")).await;
    assert!(text.contains("dix ans de paie"), "the CV's text: {text:?}");
    assert!(!text.contains("catholique") && !text.contains("paroisse"), "the passage is not masked: {text:?}");
    let masks = app.client.find_all(Locator::Css("[data-testid=\"masked-passage\"]")).await.unwrap();
    assert!(!masks.is_empty(), "no masked passage shown");

    // Revealing asks first, then shows the passage (and is audited).
    app.click("reveal-button").await;
    app.click("reveal-confirm").await;
    let text = app.text_until("doc-text", |t| t.contains("catholique")).await;
    assert!(text.contains("paroisse catholique"), "the revealed text: {text:?}");
    app.testid("revealed-passage").await;
    app.testid("doc-revealed").await;

    // Search finds the candidate by a word of the CV, never by the religion.
    search_for(&app, "paie").await;
    let hit = app.testid("search-result").await;
    assert!(hit.text().await.unwrap().contains("Marc Giraud"));
    search_for(&app, "catholique").await;
    let refused = app.text_until("search-error", |t| !t.is_empty()).await;
    assert!(refused.contains("catholique"), "the search box shows the guard's refusal: {refused:?}");
    let finding = app.wait_css("[data-testid=\"guard-finding\"][data-level=\"refused\"]").await;
    assert_eq!(finding.attr("data-category").await.unwrap().as_deref(), Some("religious_beliefs"));
    assert!(!app.present("[data-testid=\"search-result\"]").await, "a result for the religion");

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let out = vivier(&data_dir, &["audit", "list", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let audit = String::from_utf8_lossy(&out.stdout);
    assert!(audit.contains("\"reveal\""), "the reveal is not in the audit log: {audit}");
    let out = vivier(&data_dir, &["search", "paroisse", "--json"], &[]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(!shown.contains("Marc Giraud"), "the flagged passage is in the index: {shown}");
    let out = vivier(&data_dir, &["audit", "verify"], &[]);
    assert!(out.status.success(), "audit chain: {}", String::from_utf8_lossy(&out.stdout));
}

/// A valid French IBAN (mod-97), and the same with one digit changed.
const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
const WRONG_IBAN: &str = "FR76 3000 6000 0112 3456 7890 188";

#[tokio::test(flavor = "multi_thread")]
async fn hiring_details_are_asked_for_only_from_the_offer_stage_and_checked() {
    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    app.click("nav-jobs").await;
    app.type_into("job-add-title", "Payroll accountant").await;
    app.click("job-add-submit").await;
    app.testid("job-row").await;
    add_candidate(&app, "Inès Morel", "ines.morel@example.org", Some("Payroll accountant"), &[]).await;

    // Before the offer stage: no form, only when it will be asked for.
    let row = app.testid("profile-application").await;
    let application = row.attr("data-application").await.unwrap().expect("the application's id");
    app.testid("hiring-not-yet").await;
    assert!(!app.present("[data-testid=\"hiring-form\"]").await, "the hiring form shows at New");

    // At offer, the form appears.
    app.testid("profile-stage-select").await.select_by_value("offer").await.unwrap();
    app.testid("hiring-form").await;
    app.type_into("hiring-address", "12 rue des Lilas, 69003 Lyon").await;
    app.type_into("hiring-nationality", "fr").await;
    app.type_into("hiring-iban", IBAN).await;
    app.type_into("hiring-emergency-name", "Paul Morel").await;
    app.type_into("hiring-emergency-phone", "06 12 34 56 78").await;
    app.click_centered("hiring-submit").await;
    app.testid("hiring-saved").await;
    assert!(!app.present("[data-testid=\"hiring-error\"]").await, "a valid IBAN was refused");

    // A wrong IBAN is refused inline; the stored one stays.
    app.type_into("hiring-iban", WRONG_IBAN).await;
    app.click_centered("hiring-submit").await;
    let error = app.testid("hiring-error").await;
    let said = error.text().await.unwrap();
    assert!(said.to_uppercase().contains("IBAN"), "the error names the field: {said:?}");
    assert!(!said.contains("188"), "the error repeats the IBAN: {said:?}");

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let out = vivier(&data_dir, &["hiring", "show", &application, "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown = record.to_string();
    assert!(shown.contains("FR7630006000011234567890189"), "the valid IBAN is not stored: {shown}");
}
