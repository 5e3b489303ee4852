//! Offer letters in the real app (issue 13): the offer form appears at the offer stage,
//! a wrong salary is refused inline, the preview draws the letter's pages (rendered by the
//! engine, nothing stored), and the generated letter is found in the profile, stored with
//! the candidate, as the CLI confirms; opened, it offers "Save a copy…" (the native save
//! dialog itself is not automated). The company's details and a template are edited in
//! the settings first. The profile offers the access export; a corrected name marks the
//! letter "outdated: regenerate".

mod harness;

use fantoccini::Locator;
use harness::{App, Launch, eventually, vivier};

#[tokio::test(flavor = "multi_thread")]
async fn an_offer_is_filled_previewed_generated_and_found_in_the_profile() {
    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;

    // Settings: the company's details, and the French template edited in place (a syntax
    // error is refused with its line first).
    app.click("nav-settings").await;
    app.type_into("company-name", "Atelier Vivier").await;
    app.type_into("company-signatory", "Claire Martin").await;
    app.click_centered("company-submit").await;
    app.testid("company-saved").await;
    app.type_into("template-body", "# Offre\n\nBonjour **{{candidate.full_name}}").await;
    app.click_centered("template-submit").await;
    let error = app.testid("template-error").await;
    assert_eq!(error.attr("data-code").await.unwrap().as_deref(), Some("template_syntax"));
    // Where it stops (the line depends on how the driver types new lines into a textarea).
    let said = error.text().await.unwrap();
    assert!(said.contains("line ") && said.contains("column ") && said.contains("**"), "{said:?}");
    app.type_into(
        "template-body",
        "# Offre\n\nBonjour {{candidate.full_name}}, vous commencez le {{offer.start_date}}.",
    )
    .await;
    app.click_centered("template-submit").await;
    app.testid("template-saved").await;
    app.click("nav-jobs").await;
    app.type_into("job-add-title", "Data engineer").await;
    app.click("job-add-submit").await;
    app.testid("job-row").await;

    app.click("nav-candidates").await;
    app.type_into("candidate-add-name", "Zoë O'Brien-Müller").await;
    app.type_into("candidate-add-email", "zoe@example.org").await;
    let select = app.testid("candidate-add-job").await;
    let option = eventually("the job in the candidate form", || {
        let select = select.clone();
        async move { select.find(Locator::XPath("option[normalize-space(.)='Data engineer']")).await.ok() }
    })
    .await;
    option.click().await.unwrap();
    app.click("candidate-add-submit").await;
    app.text_until("candidate-added", |t| t.contains("Zoë")).await;
    app.click("candidate-added-open").await;
    let row = app.testid("profile-application").await;
    let application = row.attr("data-application").await.unwrap().expect("the application's id");
    assert!(!app.present("[data-testid=\"offer-form\"]").await, "the offer form shows before the offer stage");

    app.testid("profile-stage-select").await.select_by_value("offer").await.unwrap();
    app.testid("offer-form").await;
    app.type_into("offer-position", "Data engineer").await;
    app.type_into("offer-start-date", "2030-01-07").await;
    app.type_into("offer-salary", "abc").await;
    app.click_centered("offer-submit").await;
    let error = app.testid("offer-error").await;
    assert_eq!(error.attr("data-code").await.unwrap().as_deref(), Some("invalid_input"));
    let said = error.text().await.unwrap();
    assert!(said.contains("abc"), "the error names the salary: {said:?}");

    app.type_into("offer-salary", "52000").await;
    app.type_into("offer-manager", "Ярослава Ковальчук").await;
    app.click_centered("offer-submit").await;
    app.testid("offer-saved").await;

    // The preview draws the pages; nothing is stored by it.
    app.click_centered("offer-preview").await;
    // Drawn in the sandboxed frame, which answers only its page count.
    app.wait_css("[data-testid=\"offer-preview-pages\"] [data-testid=\"pdf-pages\"]:not([data-pages=\"0\"])").await;
    assert!(!app.present("[data-testid=\"doc-open\"]").await, "a preview stored a document");

    app.click_centered("offer-generate").await;
    app.testid("offer-generated").await;
    let docs = app.text_until("profile-documents", |t| t.contains(".pdf")).await;
    assert!(docs.contains("offer-letter") || docs.contains("lettre-offre"), "{docs}");

    // The letter opens in the viewer with "Save a copy…". The OS's save dialog it opens is
    // native (GTK) and WebDriver cannot drive it, so it is not clicked here: the copy's
    // write (bytes, audit, reveal rule, nothing half written) is tested in
    // tests/document_copy.rs.
    app.click_centered("doc-open").await;
    let viewer = app.text_until("doc-viewer", |t| t.contains(".pdf")).await;
    assert!(viewer.contains("offer-letter") || viewer.contains("lettre-offre"), "{viewer}");
    let save = app.testid("doc-save-copy").await;
    assert_eq!(save.text().await.unwrap(), "Save a copy…");
    assert!(save.is_enabled().await.unwrap());
    app.click_centered("doc-close").await;

    // The access export's button is on the profile (its save dialog is native too: the
    // archive itself is tested in tests/access_export.rs).
    let export = app.testid("profile-export-access").await;
    assert_eq!(export.text().await.unwrap(), "Export their data (access request)");
    assert!(export.is_enabled().await.unwrap());
    assert!(!app.present("[data-testid=\"doc-outdated\"]").await, "a fresh letter is current");
    // A corrected name: the letter printed the old one, so it shows as outdated.
    app.click_centered("profile-correct").await;
    app.type_into("correct-name", "Zoë O'Brien").await;
    app.click_centered("correct-submit").await;
    app.testid("profile-corrected").await;
    app.text_until("profile-name", |t| t == "Zoë O'Brien").await;
    let outdated = app.testid("doc-outdated").await;
    assert_eq!(outdated.text().await.unwrap(), "(outdated: regenerate)");

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let out = vivier(&data_dir, &["offer", "show", &application, "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["offer"]["salary_cents"], 5_200_000, "{record}");
    let out = vivier(&data_dir, &["template", "show", "offer-fr"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("vous commencez le"), "the edited template is stored");
}
