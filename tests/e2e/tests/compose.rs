//! Writing to a candidate from a template in the real app (issue 12, "Sending"): the
//! Compose dialog on the profile shows the engine's error by code when a field has no value
//! (the acknowledgement needs an application's job), then the consent-renewal message with
//! its subject and the privacy footer as the engine renders it; Send queues it in the
//! outbox, as the CLI confirms afterwards. The SMTP settings (the sender's address) and the
//! company's name are set through the CLI beforehand.

mod harness;

use std::path::Path;

use harness::{App, Launch, vivier};

fn cli(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = vivier(dir, &all, env);
    assert!(out.status.success(), "vivier {args:?} failed: {}", String::from_utf8_lossy(&out.stdout));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn compose_from_the_profile_previews_and_queues() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    cli(&dir, &["init"], &[]);
    cli(&dir, &["company", "set", "--name", "Atelier Vivier", "--signatory", "Claire Martin"], &[]);
    cli(
        &dir,
        &[
            "mail",
            "settings",
            "smtp",
            "--host",
            "localhost",
            "--port",
            "2525",
            "--security",
            "plain",
            "--user",
            "rh",
            "--from",
            "Recrutement <rh@acme.example>",
        ],
        &[("VIVIER_SMTP_PASSWORD", "not used here")],
    );
    cli(&dir, &["candidate", "add", "--name", "Léa Fontaine", "--email", "lea.fontaine@example.org"], &[]);

    let app =
        App::start(Launch { data_dir: Some(dir.clone()), env: vec![("TZ".into(), "UTC".into())], ..Launch::default() })
            .await;
    app.testid("app-frame").await;
    app.click("nav-candidates").await;
    app.click("candidate-row").await;
    app.text_until("profile-name", |t| t.contains("Léa")).await;
    app.click_centered("compose-open").await;
    app.testid("compose-dialog").await;

    // The acknowledgement names the job: without an application, the engine says which
    // field has no value, by code.
    let error = app.testid("compose-error").await;
    assert_eq!(error.attr("data-code").await.unwrap().as_deref(), Some("merge_fields"));
    assert!(error.text().await.unwrap().contains("job.title"));

    app.testid("compose-template").await.select_by_value("renewal").await.unwrap();
    let subject = app.text_until("compose-subject", |t| t.contains("CV")).await;
    assert_eq!(subject, "Souhaitez-vous que nous gardions votre CV ? — Atelier Vivier");
    assert_eq!(app.testid("compose-to").await.text().await.unwrap(), "lea.fontaine@example.org");
    let body = app.testid("compose-body").await.text().await.unwrap();
    assert!(body.starts_with("Bonjour Léa Fontaine,"), "{body}");
    assert!(body.contains("Confidentialité : vous pouvez simplement répondre à ce message"), "{body}");

    app.testid("compose-language").await.select_by_value("en").await.unwrap();
    app.text_until("compose-subject", |t| t.starts_with("Shall we keep your CV?")).await;
    app.click_centered("compose-send").await;
    app.testid("compose-queued").await;

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;
    let outbox = cli(&data_dir, &["mail", "outbox", "list"], &[]);
    assert_eq!(outbox.as_array().unwrap().len(), 1, "{outbox}");
    assert_eq!(outbox[0]["status"], "queued");
    assert_eq!(outbox[0]["to"][0], "lea.fontaine@example.org");
    assert_eq!(outbox[0]["subject"], "Shall we keep your CV? — Atelier Vivier");
}
