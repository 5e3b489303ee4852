//! Mail intake on the screens: a candidate's reply asking erasure, imported (through the
//! CLI beforehand, as the IMAP fetch would bring it), shows on the Requests screen with its
//! due date; HR confirms and the candidate is gone. A message from an unknown sender waits
//! on the Inbox screen and HR dismisses it. The CLI checks afterwards what the database holds.

mod harness;

use std::path::Path;

use fantoccini::Locator;
use harness::{App, Launch, eventually, vivier};

fn cli(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = vivier(dir, &all, &[]);
    assert!(out.status.success(), "vivier failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn eml(from: &str, id: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: rh@acme.example\r\nSubject: Re: votre candidature\r\nMessage-ID: <{id}>\r\n\
         Date: Tue, 1 Dec 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_erasure_asked_by_reply_shows_with_its_due_date_and_hr_confirms_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    cli(&dir, &["init"]);
    let lea = cli(&dir, &["candidate", "add", "--name", "Léa Fontaine", "--email", "lea.fontaine@example.org"]);
    let lea_uuid = lea["uuid"].as_str().unwrap().to_owned();
    let reply = tmp.path().join("reply.eml");
    std::fs::write(
        &reply,
        eml(
            "Léa <lea.fontaine@example.org>",
            "r1@example.org",
            "Bonjour,\r\nMerci de supprimer mes données.\r\n\r\nLe lun. 30 nov. 2026, RH a écrit :\r\n> Nous gardons votre CV.",
        ),
    )
    .unwrap();
    let spam = tmp.path().join("spam.eml");
    std::fs::write(&spam, eml("promo@shop.example", "p1@shop.example", "Buy now")).unwrap();
    let imported = cli(&dir, &["mail", "import", reply.to_str().unwrap(), spam.to_str().unwrap()]);
    assert_eq!(imported[0]["intent"], "erasure", "{imported}");
    assert_eq!(imported[1]["outcome"], "triaged", "{imported}");
    let due = cli(&dir, &["mail", "requests", "list"])[0]["due_on"].as_str().unwrap().to_owned();

    let app =
        App::start(Launch { data_dir: Some(dir.clone()), env: vec![("TZ".into(), "UTC".into())], ..Launch::default() })
            .await;
    app.testid("app-frame").await;

    // The Inbox: the unknown sender's message waits in triage; HR dismisses it.
    app.click("nav-inbox").await;
    let row = app.testid("triage-row").await;
    assert!(row.text().await.unwrap().contains("promo@shop.example"));
    app.click_centered("triage-dismiss").await;
    app.testid("triage-empty").await;
    assert_eq!(cli(&dir, &["mail", "triage", "list"]).as_array().unwrap().len(), 0);

    // The Requests screen: the erasure, with its legal due date.
    app.click("nav-requests").await;
    let row = app.wait_css("[data-testid=\"request-row\"][data-kind=\"erasure\"]").await;
    assert!(row.text().await.unwrap().contains("Léa Fontaine"));
    let shown_due = app.testid("request-due").await.attr("data-due").await.unwrap();
    assert_eq!(shown_due.as_deref(), Some(due.as_str()));

    // Confirming asks first; nothing is gone before the answer.
    app.click_centered("request-confirm").await;
    app.testid("confirm-box").await;
    let out = vivier(&dir, &["--json", "candidate", "show", &lea_uuid], &[]);
    assert!(out.status.success(), "purged before the confirmation");
    app.click_centered("confirm-yes").await;
    let screen = &app;
    eventually("the request answered", || async move {
        (!screen.present("[data-testid=\"request-row\"]").await).then_some(())
    })
    .await;
    let out = vivier(&dir, &["--json", "candidate", "show", &lea_uuid], &[]);
    assert!(!out.status.success(), "the candidate is still there after the confirmed erasure");
    let _ = app.client.find(Locator::Css("[data-testid=\"page-requests\"]")).await.unwrap();
    app.stop().await;
}
