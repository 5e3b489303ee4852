//! `vivier mail …` against the real servers of tests/mail-servers/: settings, test
//! connection, fetch, send with an attachment, the outbox, coded failures and exit codes.
//! Passwords come from VIVIER_IMAP_PASSWORD / VIVIER_SMTP_PASSWORD here; the keyring path
//! runs where a Secret Service answers (VIVIER_TEST_SECRET_SERVICE=1, as `make test` sets).

mod common;
#[path = "mail-servers/harness.rs"]
mod servers;

use common::*;
use servers::{Dovecot, PASSWORD, SmtpServer, USER};
use vivier::mail::transport::imap as vimap;
use vivier::mail::transport::{Endpoint, MailPassword, Security};

fn mail(dir: &CliDir, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = cli();
    cmd.arg("--data-dir").arg(&dir.root).arg("--json").arg("mail").args(args);
    cmd.env("VIVIER_PASSPHRASE", PASS).env_remove("VIVIER_IMAP_PASSWORD").env_remove("VIVIER_SMTP_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::null()).output().unwrap()
}

fn ok(dir: &CliDir, env: &[(&str, &str)], args: &[&str]) -> serde_json::Value {
    let out = mail(dir, env, args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fails(dir: &CliDir, env: &[(&str, &str)], args: &[&str], code: &str) -> serde_json::Value {
    let out = mail(dir, env, args);
    assert_eq!(out.status.code(), Some(28), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], code, "{v}");
    v
}

const IMAP_PW: (&str, &str) = ("VIVIER_IMAP_PASSWORD", PASSWORD);
const SMTP_PW: (&str, &str) = ("VIVIER_SMTP_PASSWORD", PASSWORD);

#[test]
fn settings_test_fetch_send_and_outbox_through_the_command_line() {
    let d = Dovecot::start();
    let s = SmtpServer::start();
    let dir = CliDir::new();

    let shown = ok(&dir, &[], &["settings", "show"]);
    assert!(shown["imap"].is_null() && shown["smtp"].is_null());
    let v = fails(&dir, &[IMAP_PW], &["fetch"], "mail_not_configured");
    assert!(v["error"]["message"].as_str().unwrap().contains("vivier mail settings"), "{v}");

    let imaps = d.imaps_port.to_string();
    let ca = d.certs.ca.to_str().unwrap();
    // No password variable and no terminal: the settings are saved, no password is kept.
    let saved =
        ok(&dir, &[], &["settings", "imap", "--host", "localhost", "--port", &imaps, "--user", USER, "--ca-file", ca]);
    assert_eq!(saved["password_kept"], false);
    let shown = ok(&dir, &[], &["settings", "show"]);
    assert_eq!(shown["imap"]["port"], d.imaps_port);
    assert_eq!(shown["imap"]["processed"]["name"], "$Vivier");
    assert!(!shown.to_string().contains(PASSWORD));

    assert_eq!(ok(&dir, &[IMAP_PW], &["test", "imap"])["messages"], 0);
    fails(&dir, &[("VIVIER_IMAP_PASSWORD", "wrong")], &["test", "imap"], "mail_auth_failed");

    let endpoint = Endpoint {
        host: "localhost".into(),
        port: d.imaps_port,
        security: Security::Tls,
        user: USER.into(),
        extra_ca: Some(d.certs.ca.clone()),
        timeout_secs: 10,
    };
    let mut world = vimap::login(&endpoint, &MailPassword::new(PASSWORD.into())).unwrap();
    for n in 1..=3 {
        let raw =
            format!("From: c{n}@example.org\r\nSubject: CV {n}\r\nMessage-ID: <cli{n}@example.org>\r\n\r\nHello\r\n");
        world.append("INBOX", raw.as_bytes()).finish().unwrap();
    }
    world.logout().unwrap();
    // Through the intake: three unknown senders, each left in triage with the reason.
    let fetched = ok(&dir, &[IMAP_PW], &["fetch"]);
    assert_eq!(fetched["committed"], 3);
    let outcomes = fetched["messages"].as_array().unwrap();
    assert_eq!(outcomes.len(), 3, "{fetched}");
    for (o, uid) in outcomes.iter().zip(1..) {
        assert_eq!((o["uid"].as_u64(), o["outcome"].as_str()), (Some(uid), Some("triaged")), "{o}");
        assert_eq!(o["reason"], "unknown_sender", "{o}");
    }
    assert_eq!(ok(&dir, &[IMAP_PW], &["fetch"])["committed"], 0);
    let triage = ok(&dir, &[], &["triage", "list"]);
    assert_eq!(triage.as_array().unwrap().len(), 3, "{triage}");

    // SMTP: untrusted first (no CA file), then trusted.
    let port = s.port.to_string();
    let smtp_args =
        ["settings", "smtp", "--host", "localhost", "--port", &port, "--security", "starttls", "--user", USER];
    let mut untrusted = smtp_args.to_vec();
    untrusted.extend(["--from", "Jobs <jobs@vivier.test>"]);
    ok(&dir, &[], &untrusted);
    fails(&dir, &[SMTP_PW], &["test", "smtp"], "mail_certificate_refused");
    let mut trusted = untrusted.clone();
    let sca = s.certs.ca.to_str().unwrap();
    trusted.extend(["--ca-file", sca]);
    ok(&dir, &[], &trusted);
    ok(&dir, &[SMTP_PW], &["test", "smtp"]);

    let pdf = dir.root.parent().unwrap().join("offer.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\nnot really a pdf, bytes all the same\n").unwrap();
    let sent = ok(
        &dir,
        &[SMTP_PW],
        &[
            "send",
            "--to",
            "ana@example.org",
            "--subject",
            "Offer",
            "--body",
            "Hello Ana",
            "--attach",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(sent["status"], "sent", "{sent}");
    let received = s.messages();
    assert_eq!(received.len(), 1);
    let text = String::from_utf8_lossy(&received[0].0);
    assert!(text.contains(sent["message_id"].as_str().unwrap()));
    assert!(text.contains("offer.pdf"));

    // The server away: the message stays queued, with its error; the exit is still 0
    // (the message is safe in the outbox).
    let down = ok(
        &dir,
        &[("VIVIER_SMTP_PASSWORD", "wrong")],
        &["send", "--to", "bo@example.org", "--subject", "Hi", "--body", "x"],
    );
    assert_eq!(down["status"], "queued", "{down}");
    let list = ok(&dir, &[], &["outbox", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["last_error_code"], "mail_auth_failed");
    assert_eq!(list[1]["status"], "sent");
    let id = list[0]["uuid"].as_str().unwrap()[..8].to_owned();
    ok(&dir, &[], &["outbox", "retry", &id]);
    assert_eq!(ok(&dir, &[SMTP_PW], &["send-due"])["sent"], 1);
    assert_eq!(s.messages().len(), 2);
}

/// The password kept in a real Secret Service, then used without the variable.
#[test]
fn the_password_is_kept_in_the_os_keyring() {
    if std::env::var("VIVIER_TEST_SECRET_SERVICE").as_deref() != Ok("1") {
        eprintln!("skipped: VIVIER_TEST_SECRET_SERVICE is not 1 (make test sets it)");
        return;
    }
    let d = Dovecot::start();
    let dir = CliDir::new();
    let imaps = d.imaps_port.to_string();
    let ca = d.certs.ca.to_str().unwrap();
    let saved = ok(
        &dir,
        &[IMAP_PW],
        &["settings", "imap", "--host", "localhost", "--port", &imaps, "--user", USER, "--ca-file", ca],
    );
    assert_eq!(saved["password_kept"], true);
    assert_eq!(ok(&dir, &[], &["test", "imap"])["messages"], 0);
    // Nothing of the password in the data directory.
    for file in files_under(&dir.root) {
        assert!(!contains(&std::fs::read(&file).unwrap(), PASSWORD.as_bytes()), "{}", file.display());
    }
}
