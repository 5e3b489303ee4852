//! Mail over IMAP in the app, against a real Dovecot started here on loopback (the
//! harness of tests/mail-servers/, its CA made at test time). HR sets up the mailbox on
//! the Settings screen and tests the connection: without the company's CA file the
//! certificate is refused, a wrong password is named as such, then the right settings
//! work. A candidate's reply asking erasure arrives in the mailbox; "check mail now" on
//! the Inbox fetches it; the Requests screen shows the erasure with its due date; her
//! timeline shows the message as plain text, its https link opened outside the app and its
//! javascript: one inert; HR confirms and the candidate is gone. The password never comes back to the screen.

mod harness;
#[path = "../../mail-servers/harness.rs"]
mod servers;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;

use harness::{App, Launch, eventually, vivier};
use servers::{Dovecot, PASSWORD, USER};

fn cli(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = vivier(dir, &all, &[]);
    assert!(out.status.success(), "vivier failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Appends `raw` to INBOX as the world outside Vivier would (a plain IMAP session on
/// loopback, which the test server allows), and answers the server's tagged reply.
fn append(d: &Dovecot, raw: &str) -> String {
    let stream = TcpStream::connect(("127.0.0.1", d.imap_port)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let mut line = String::new();
    let mut until = |tag: &str, reader: &mut BufReader<TcpStream>| -> String {
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "the IMAP server closed the connection");
            if line.starts_with(tag) {
                return line.trim_end().to_owned();
            }
        }
    };
    until("* OK", &mut reader);
    write!(writer, "a1 LOGIN \"{USER}\" \"{PASSWORD}\"\r\n").unwrap();
    assert!(until("a1 ", &mut reader).starts_with("a1 OK"));
    write!(writer, "a2 APPEND INBOX {{{}}}\r\n", raw.len()).unwrap();
    until("+", &mut reader);
    write!(writer, "{raw}\r\n").unwrap();
    let answer = until("a2 ", &mut reader);
    write!(writer, "a3 LOGOUT\r\n").unwrap();
    answer
}

/// Fills the IMAP form: server, TLS port, user, and optionally the password and CA file.
async fn fill_imap(app: &App, d: &Dovecot, password: Option<&str>, ca: Option<&Path>) {
    app.type_into("mail-imap-host", "localhost").await;
    app.type_into("mail-imap-port", &d.imaps_port.to_string()).await;
    app.type_into("mail-imap-user", USER).await;
    if let Some(p) = password {
        app.type_into("mail-imap-password", p).await;
    }
    match ca {
        Some(ca) => app.type_into("mail-imap-ca", ca.to_str().unwrap()).await,
        None => app.testid("mail-imap-ca").await.clear().await.unwrap(),
    }
}

/// Clicks "test connection" and waits for an outcome other than `before`: (code, text).
async fn test_imap(app: &App, before: Option<&str>) -> (String, String) {
    app.click_centered("mail-imap-test").await;
    let screen = app;
    eventually("the test's outcome", || async move {
        if screen.present("[data-testid=\"mail-imap-test\"][disabled]").await {
            return None;
        }
        let el = screen.client.find(fantoccini::Locator::Css("[data-testid=\"mail-imap-result\"]")).await.ok()?;
        let code = el.attr("data-code").await.ok()??;
        (Some(code.as_str()) != before).then_some(())?;
        Some((code, el.text().await.unwrap_or_default()))
    })
    .await
}

/// A screenshot for a person to look at, when VIVIER_E2E_SHOTS names a folder.
async fn shot(app: &App, name: &str) {
    if let Some(dir) = std::env::var_os("VIVIER_E2E_SHOTS") {
        let png = app.client.screenshot().await.unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_fetched_over_imap_opens_an_erasure_that_hr_confirms() {
    let dovecot = Dovecot::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    cli(&dir, &["init"]);
    let lea = cli(&dir, &["candidate", "add", "--name", "Léa Fontaine", "--email", "lea.fontaine@example.org"]);
    let lea_uuid = lea["uuid"].as_str().unwrap().to_owned();

    let app =
        App::start(Launch { data_dir: Some(dir.clone()), env: vec![("TZ".into(), "UTC".into())], ..Launch::default() })
            .await;
    app.testid("app-frame").await;
    app.click("nav-settings").await;
    app.testid("mail-settings").await;
    let state = app.testid("mail-imap-password-state").await;
    assert_eq!(state.attr("data-saved").await.unwrap().as_deref(), Some("no"));

    // Without the CA of the test server, its certificate is refused.
    fill_imap(&app, &dovecot, Some(PASSWORD), None).await;
    let (code, text) = test_imap(&app, None).await;
    assert_eq!(code, "mail_certificate_refused", "{text}");
    assert!(text.contains("certificate"), "{text}");

    // With the CA but a wrong password: the password is named.
    fill_imap(&app, &dovecot, Some("not the password"), Some(&dovecot.certs.ca)).await;
    let (code, text) = test_imap(&app, Some("mail_certificate_refused")).await;
    assert_eq!(code, "mail_auth_failed", "{text}");
    assert!(text.contains("Wrong user name or password"), "{text}");

    // The right password: the connection works. The field is empty again; it says "saved".
    fill_imap(&app, &dovecot, Some(PASSWORD), Some(&dovecot.certs.ca)).await;
    let (code, text) = test_imap(&app, Some("mail_auth_failed")).await;
    assert_eq!(code, "ok", "{text}");
    assert!(text.contains("INBOX"), "{text}");
    let field = app.testid("mail-imap-password").await;
    assert_eq!(field.prop("value").await.unwrap().as_deref(), Some(""), "the password is never shown again");
    let state = app.testid("mail-imap-password-state").await;
    assert_eq!(state.attr("data-saved").await.unwrap().as_deref(), Some("yes"));
    shot(&app, "mail-settings").await;
    let shown = cli(&dir, &["mail", "settings", "show"]);
    assert_eq!(shown["imap"]["port"], dovecot.imaps_port, "{shown}");
    assert!(!shown.to_string().contains(PASSWORD), "the password is not in the settings");

    // The candidate's reply arrives in the mailbox.
    let reply = "From: =?utf-8?q?L=C3=A9a?= <lea.fontaine@example.org>\r\nTo: jobs@vivier.test\r\n\
                 Subject: Re: votre candidature\r\nMessage-ID: <imap-reply-1@example.org>\r\n\
                 Date: Wed, 2 Dec 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
                 Bonjour,\r\nMerci de supprimer mes données.\r\nMon ancien portfolio : https://lea.example/portfolio.\r\n\
                 (javascript:alert(1) reste du texte)\r\n\r\nLéa";
    let appended = append(&dovecot, reply);
    assert!(appended.starts_with("a2 OK"), "{appended}");

    // "Check mail now" on the Inbox: the status says when, without an error.
    app.click("nav-inbox").await;
    app.click_centered("mail-check-now").await;
    let screen = &app;
    eventually("a successful mail check", || async move {
        let el = screen.client.find(fantoccini::Locator::Css("[data-testid=\"mail-check-status\"]")).await.ok()?;
        (el.attr("data-code").await.ok()?? == "ok").then_some(())
    })
    .await;
    // The timer may have fetched it first; either way the reply is taken in.
    let data = &dir;
    let due = eventually("the erasure request taken in", || async move {
        let requests = cli(data, &["mail", "requests", "list"]);
        requests[0]["due_on"].as_str().map(str::to_owned)
    })
    .await;

    // The Requests screen: the erasure, with its legal due date; HR confirms it.
    app.click("nav-requests").await;
    let row = app.wait_css("[data-testid=\"request-row\"][data-kind=\"erasure\"]").await;
    assert!(row.text().await.unwrap().contains("Léa Fontaine"));
    let shown_due = app.testid("request-due").await.attr("data-due").await.unwrap();
    assert_eq!(shown_due.as_deref(), Some(due.as_str()));

    // Her profile's timeline shows the message as plain text: the https link is live, the
    // javascript: one inert; a click opens it outside the app, the window stays where it is.
    let name = app.wait_css("[data-testid=\"request-row\"] button.link").await;
    name.click().await.unwrap();
    let text = app.testid("message-text").await;
    assert!(text.text().await.unwrap().contains("javascript:alert(1) reste du texte"));
    let link = app.testid("message-link").await;
    assert_eq!(link.attr("data-href").await.unwrap().as_deref(), Some("https://lea.example/portfolio"));
    assert_eq!(app.client.find_all(fantoccini::Locator::Css("[data-testid=\"message-link\"]")).await.unwrap().len(), 1);
    let url = app.client.current_url().await.unwrap();
    app.click_centered("message-link").await;
    shot(&app, "timeline-links").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.client.current_url().await.unwrap(), url, "the app's window navigated");
    app.testid("page-profile").await;
    app.click("nav-requests").await;
    app.wait_css("[data-testid=\"request-row\"][data-kind=\"erasure\"]").await;

    app.click_centered("request-confirm").await;
    app.testid("confirm-box").await;
    app.click_centered("confirm-yes").await;
    eventually("the request answered", || async move {
        (!screen.present("[data-testid=\"request-row\"]").await).then_some(())
    })
    .await;
    let out = vivier(&dir, &["--json", "candidate", "show", &lea_uuid], &[]);
    assert!(!out.status.success(), "the candidate is still there after the confirmed erasure");
    app.stop().await;
}
