//! Composing HR's email from templates, through the real outbox to the real SMTP server of
//! the harness (aiosmtpd on loopback, see tests/mail-servers/): an offer carries the
//! application's offer letter byte for byte, the privacy footer and a recorded Message-ID,
//! and a reply quoting the footer back threads to it without opening a request; a request
//! acknowledgement answers the reply that opened the request; a template the guard refuses
//! is not stored; consent-renewal requests go to the right candidates only, and a bare
//! "Oui" to one renews.

mod common;
#[path = "mail-servers/harness.rs"]
mod servers;

use std::collections::BTreeMap;

use common::*;
use servers::{PASSWORD, SmtpServer, USER};
use vivier::db::Store;
use vivier::error::Code;
use vivier::letters::Company;
use vivier::letters::format::Lang;
use vivier::letters::offer::OfferInput;
use vivier::mail::compose::{ComposeRequest, Kind, SkipReason, footer};
use vivier::mail::transport::outbox;
use vivier::mail::transport::settings::{self, SmtpSettings};
use vivier::mail::transport::{Endpoint, MailPassword, Security};
use vivier::mail::{Intake, Intent, Limits, Source};
use vivier::pipeline::Stage;

const FROM: &str = "Recrutement <jobs@vivier.test>";

fn smtp(store: &mut Store, s: &SmtpServer) -> Endpoint {
    let endpoint = Endpoint {
        host: "localhost".into(),
        port: s.port,
        security: Security::StartTls,
        user: USER.into(),
        extra_ca: Some(s.certs.ca.clone()),
        timeout_secs: 10,
    };
    settings::save_smtp(store, &SmtpSettings { endpoint: endpoint.clone(), from: FROM.into() }).unwrap();
    endpoint
}

fn password() -> MailPassword {
    MailPassword::new(PASSWORD.into())
}

fn company() -> Company {
    Company { name: Some("Atelier Vivier SAS".into()), signatory: Some("Claire Martin".into()), ..Company::default() }
}

/// Python's email package (an independent MIME reader): the text part, decoded, and the
/// bytes of the attachment named `name` (empty when there is none).
fn read_mime(raw: &[u8], name: &str) -> (String, Vec<u8>) {
    let script = "import sys, email\nm = email.message_from_bytes(sys.stdin.buffer.read())\n\
                  t = [p.get_payload(decode=True).decode(p.get_content_charset() or 'utf-8') for p in m.walk() if p.get_content_type() == 'text/plain' and not p.get_filename()]\n\
                  a = [p.get_payload(decode=True) for p in m.walk() if p.get_filename() == sys.argv[1]]\n\
                  sys.stdout.buffer.write(t[0].encode() + b'\\0' + (a[0] if a else b''))";
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script, name])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let cut = out.stdout.iter().position(|b| *b == 0).unwrap();
    let text = String::from_utf8(out.stdout[..cut].to_vec()).unwrap().replace("\r\n", "\n");
    (text, out.stdout[cut + 1..].to_vec())
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A candidate's email arriving (a file import: the same intake as IMAP).
fn arrives(
    s: &mut Store,
    at: chrono::DateTime<chrono::Utc>,
    id: &str,
    in_reply_to: Option<&str>,
    body: &str,
) -> Intake {
    let raw = format!(
        "From: Ana Lima <ana@example.org>\r\nTo: jobs@vivier.test\r\nSubject: Re: votre candidature\r\n\
         Message-ID: <{id}@example.org>\r\n{}Date: Wed, 16 Dec 2026 09:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{}",
        in_reply_to.map(|r| format!("In-Reply-To: {r}\r\n")).unwrap_or_default(),
        body.replace('\n', "\r\n")
    );
    let parsed = vivier::mail::parse(raw.as_bytes(), &Limits::default()).unwrap();
    s.intake(&hr(at), &parsed, &Source::File, &extractor()).unwrap()
}

fn request(candidate: &str, kind: Kind) -> ComposeRequest {
    ComposeRequest { candidate: candidate.into(), kind: Some(kind), ..ComposeRequest::default() }
}

fn open_requests(s: &mut Store) -> i64 {
    s.connection().query_row("SELECT count(*) FROM requests", [], |r| r.get(0)).unwrap()
}

#[test]
fn an_offer_is_sent_with_its_letter_byte_for_byte_the_footer_and_a_message_id() {
    let server = SmtpServer::start();
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let endpoint = smtp(&mut s, &server);
    let job = job(&mut s, t(2026, 10, 1), "FR");
    let ana = person(&mut s, t(2026, 10, 1), "Ana Lima", "ana@example.org");
    let app = s.apply(&hr(t(2026, 10, 1)), &ana, &job).unwrap().uuid;

    // Before the offer stage: no letter to attach, said so, nothing queued.
    let e = s.queue_mail(&hr(t(2026, 11, 1)), &request(&ana, Kind::Offer)).unwrap_err();
    assert_eq!(e.code(), Code::InvalidInput);
    assert!(e.to_string().contains("no offer letter"), "{e}");

    for st in [Stage::Screening, Stage::Interview, Stage::Offer] {
        s.move_stage(&hr(t(2026, 11, 2)), &app, st, None).unwrap();
    }
    s.set_company(&hr(t(2026, 11, 2)), company()).unwrap();
    let offer = OfferInput {
        position: Some("Ingénieure données".into()),
        contract: Some("cdi".into()),
        start_date: Some("2027-01-04".into()),
        salary: Some("45000".into()),
        answer_by: Some("2026-12-15".into()),
        ..OfferInput::default()
    };
    s.set_offer(&hr(t(2026, 12, 1)), &app, offer).unwrap();
    let (_, first) = s.generate_offer_letter(&hr(t(2026, 12, 1)), &app, None, None).unwrap();
    // A later letter supersedes the first: the later one is attached.
    let (_, letter) = s.generate_offer_letter(&hr(t(2026, 12, 2)), &app, None, None).unwrap();
    assert_ne!(first, letter);

    let now = t(2026, 12, 2);
    let preview = s.preview_mail(&hr(now), &request(&ana, Kind::Offer)).unwrap();
    assert_eq!(preview.subject, "Proposition d'embauche — Ingénieure données");
    assert_eq!(preview.attachments.len(), 1);
    assert_eq!(preview.attachments[0].size, letter.len() as u64);
    assert!(outbox::list(&s).unwrap().is_empty(), "a preview queues nothing");

    let queued = s.queue_mail(&hr(now), &request(&ana, Kind::Offer)).unwrap();
    assert_eq!(queued.preview.body, preview.body);
    let report = outbox::send_due(&mut s, &endpoint, &password(), now).unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));

    let received = server.messages();
    assert_eq!(received.len(), 1);
    let (raw, to) = &received[0];
    assert_eq!(to, &vec!["ana@example.org".to_owned()]);
    let head = String::from_utf8_lossy(raw);
    assert_eq!(header(&head, "Message-ID"), Some(queued.message_id.as_str()));
    let (text, attached) = read_mime(raw, &queued.preview.attachments[0].filename);
    assert_eq!(attached, letter, "the offer letter arrived byte for byte");
    assert!(text.contains("Bonjour Ana Lima,") && text.contains("le 15 décembre 2026"), "{text}");
    assert!(text.contains(&format!("\n-- \n{}", footer::OPENING_FR)), "{text}");
    assert!(text.contains("au plus 2 ans"), "{text}");

    // The sent message is in the timeline with its Message-ID; the queueing is audited.
    let (direction, subject): (String, String) = s
        .connection()
        .query_row(
            "SELECT direction, subject FROM messages WHERE message_id = ?1",
            [queued.message_id.trim_matches(['<', '>'])],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((direction.as_str(), subject.as_str()), ("outbound", preview.subject.as_str()));
    let audited: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM audit WHERE action = 'mail_out' AND candidate_uuid = ?1", [&ana], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);

    // Ana replies, her client quoting the whole message back without ">" marks: the reply
    // threads to the offer, and the footer's words (erase, object) open no request.
    let reply = format!("Merci beaucoup, je vous réponds très vite.\n\n{text}");
    let Intake::Matched { intent, request, candidate, .. } =
        arrives(&mut s, t(2026, 12, 3), "r1", Some(&queued.message_id), &reply)
    else {
        panic!("the reply is not matched")
    };
    assert_eq!((candidate.as_str(), intent, request), (ana.as_str(), Intent::None, None));
    assert_eq!(open_requests(&mut s), 0);
}

#[test]
fn a_request_acknowledgement_names_the_request_and_answers_its_message() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let server = SmtpServer::start();
    smtp(&mut s, &server);
    s.set_company(&hr(t(2026, 11, 2)), company()).unwrap();
    let ana = person(&mut s, t(2026, 10, 1), "Ana Lima", "ana@example.org");
    let Intake::Matched { intent, request: Some(_), .. } =
        arrives(&mut s, t(2026, 12, 16), "erase1", None, "Bonjour,\n\nMerci de supprimer toutes mes données.\n")
    else {
        panic!("no request opened")
    };
    assert_eq!(intent, Intent::Erasure);

    let mut req = request(&ana, Kind::RequestAck);
    let fr = s.preview_mail(&hr(t(2026, 12, 16)), &req).unwrap();
    assert!(fr.body.contains("le 16 décembre 2026, votre demande : effacement de vos données."), "{}", fr.body);
    assert!(fr.body.contains("au plus tard le 16 janvier 2027"), "{}", fr.body);
    assert_eq!(fr.in_reply_to.as_deref(), Some("<erase1@example.org>"));
    req.language = Some(Lang::En);
    let en = s.queue_mail(&hr(t(2026, 12, 16)), &req).unwrap().preview;
    assert!(en.body.contains("We received your request on 16 December 2026: erasure of your data."), "{}", en.body);
    assert!(en.body.contains(footer::OPENING_EN), "{}", en.body);
    let in_reply_to: String = s
        .connection()
        .query_row("SELECT in_reply_to FROM outbox WHERE template = 'request_ack'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(in_reply_to, "<erase1@example.org>");
}

#[test]
fn what_cannot_be_sent_is_refused_with_its_code_and_nothing_queued() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let job = job(&mut s, t(2026, 10, 1), "FR");
    let ana = person(&mut s, t(2026, 10, 1), "Ana Lima", "ana@example.org");
    s.apply(&hr(t(2026, 10, 1)), &ana, &job).unwrap();

    // No SMTP settings: no sender address.
    let e = s.queue_mail(&hr(t(2026, 12, 1)), &request(&ana, Kind::Acknowledgement)).unwrap_err();
    assert_eq!(e.code(), Code::MailNotConfigured);
    let server = SmtpServer::start();
    smtp(&mut s, &server);

    // The company's name is a field without a value: named.
    let e = s.queue_mail(&hr(t(2026, 12, 1)), &request(&ana, Kind::Acknowledgement)).unwrap_err();
    assert_eq!(e.code(), Code::MergeFields);
    assert!(e.to_string().contains("company.name"), "{e}");
    s.set_company(&hr(t(2026, 11, 2)), company()).unwrap();

    // An interview without its date, time and place: all three named.
    let e = s.preview_mail(&hr(t(2026, 12, 1)), &request(&ana, Kind::Interview)).unwrap_err();
    assert_eq!(e.code(), Code::MergeFields);
    assert!(e.to_string().contains("interview.date, interview.time, interview.place"), "{e}");
    // A field HR may not fill, and a field the guard refuses.
    let mut req = request(&ana, Kind::Interview);
    req.fields = BTreeMap::from([("candidate.full_name".to_owned(), "X".to_owned())]);
    assert_eq!(s.preview_mail(&hr(t(2026, 12, 1)), &req).unwrap_err().code(), Code::InvalidInput);
    req.fields = BTreeMap::from([
        ("interview.date".to_owned(), "2026-12-10".to_owned()),
        ("interview.time".to_owned(), "10:00".to_owned()),
        ("interview.place".to_owned(), "Paris, si vous êtes syndiqué à la CGT".to_owned()),
    ]);
    assert_eq!(s.preview_mail(&hr(t(2026, 12, 1)), &req).unwrap_err().code(), Code::SensitiveData);
    req.fields.insert("interview.place".into(), "12 rue des Lilas, Paris".into());
    let ok = s.preview_mail(&hr(t(2026, 12, 1)), &req).unwrap();
    assert!(ok.body.contains("le 10 décembre 2026 à 10:00"), "{}", ok.body);

    // No email address: the preview shows it, queueing is refused (exit 33).
    let bob = s
        .add_candidate(
            &hr(t(2026, 10, 1)),
            vivier::pipeline::NewCandidate {
                full_name: "Bob Martin".into(),
                emails: vec![],
                phone: Some("+33 6 12 34 56 78".into()),
                source: vivier::pipeline::Source::Direct,
                language: vivier::pipeline::Language::En,
            },
        )
        .unwrap()
        .uuid;
    s.apply(&hr(t(2026, 10, 1)), &bob, &job).unwrap();
    assert_eq!(s.preview_mail(&hr(t(2026, 12, 1)), &request(&bob, Kind::Rejection)).unwrap().to, None);
    let e = s.queue_mail(&hr(t(2026, 12, 1)), &request(&bob, Kind::Rejection)).unwrap_err();
    assert_eq!((e.code(), e.code().exit_code()), (Code::NoRecipient, 33));
    assert!(outbox::list(&s).unwrap().is_empty());
}

#[test]
fn a_template_the_guard_refuses_is_not_saved_and_an_edit_is_used_until_reset() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    s.set_company(&hr(t(2026, 11, 2)), company()).unwrap();
    let job = job(&mut s, t(2026, 10, 1), "FR");
    let ana = person(&mut s, t(2026, 10, 1), "Ana Lima", "ana@example.org");
    s.apply(&hr(t(2026, 10, 1)), &ana, &job).unwrap();
    let stamp = hr(t(2026, 12, 1));

    let refused = "Votre candidature\n\nBonjour {{candidate.full_name}},\n\nÊtes-vous syndiqué à la CGT ?\n";
    let e = s.save_mail_template(&stamp, Kind::Rejection, Lang::Fr, refused).unwrap_err();
    assert_eq!(e.code(), Code::SensitiveData);
    assert!(e.to_string().contains("rephrase"), "{e}");
    let e = s.save_mail_template(&stamp, Kind::Rejection, Lang::Fr, "Sujet\n\nBonjour {{candidat.nom}}").unwrap_err();
    assert_eq!(e.code(), Code::MergeFields);
    let stored: i64 = s.connection().query_row("SELECT count(*) FROM mail_templates", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "nothing saved");
    assert!(!s.mail_template(Kind::Rejection, Lang::Fr).unwrap().edited);

    let edited =
        "Votre candidature — {{job.title}}\n\nBonjour {{candidate.full_name}},\n\nNous avons choisi un autre profil.\n";
    assert!(s.save_mail_template(&stamp, Kind::Rejection, Lang::Fr, edited).unwrap().edited);
    let p = s.preview_mail(&stamp, &request(&ana, Kind::Rejection)).unwrap();
    assert_eq!(p.subject, "Votre candidature — Data engineer");
    assert!(p.body.starts_with("Bonjour Ana Lima,\n\nNous avons choisi un autre profil.\n\n-- \nConfidentialité : "));
    assert!(!s.reset_mail_template(&stamp, Kind::Rejection, Lang::Fr).unwrap().edited);
    let p = s.preview_mail(&stamp, &request(&ana, Kind::Rejection)).unwrap();
    assert!(p.body.contains("suite favorable"), "{}", p.body);
}

#[test]
fn renewal_requests_go_to_the_right_candidates_only_and_a_bare_yes_renews() {
    let server = SmtpServer::start();
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let endpoint = smtp(&mut s, &server);
    s.set_company(&hr(t(2024, 11, 2)), company()).unwrap();
    let old = t(2025, 1, 10);
    let ana = person(&mut s, old, "Ana Lima", "ana@example.org");
    let held = person(&mut s, old, "Held Person", "held@example.org");
    s.place_hold(&hr(old), &held, "litige prud'homal", None).unwrap();
    let mute = s
        .add_candidate(
            &hr(old),
            vivier::pipeline::NewCandidate {
                full_name: "No Mail".into(),
                emails: vec![],
                phone: Some("+33 6 12 34 56 78".into()),
                source: vivier::pipeline::Source::Direct,
                language: vivier::pipeline::Language::En,
            },
        )
        .unwrap()
        .uuid;
    let recent = person(&mut s, t(2026, 6, 1), "Recent Person", "recent@example.org");

    let now = t(2026, 12, 20);
    // Only the recent one, named: not due within the window, skipped.
    let only = s.request_renewals(&hr(now), 30, Some(std::slice::from_ref(&recent))).unwrap();
    assert!(only.queued.is_empty());
    assert_eq!(only.skipped[0].reason, SkipReason::NotDue);

    let report = s.request_renewals(&hr(now), 30, None).unwrap();
    let queued: Vec<&str> = report.queued.iter().map(|q| q.preview.candidate_uuid.as_str()).collect();
    assert_eq!(queued, vec![ana.as_str()]);
    let mut skipped: Vec<(String, SkipReason)> =
        report.skipped.iter().map(|k| (k.candidate_uuid.clone(), k.reason)).collect();
    skipped.sort();
    let mut expected = vec![(held.clone(), SkipReason::Held), (mute.clone(), SkipReason::NoEmail)];
    expected.sort();
    assert_eq!(skipped, expected);
    assert!(
        report.queued[0].preview.body.contains("il sera effacé le 10 janvier 2027"),
        "{}",
        report.queued[0].preview.body
    );

    // Asked once within the window: not again.
    let again = s.request_renewals(&hr(now), 30, None).unwrap();
    assert!(again.queued.is_empty());
    assert!(again.skipped.iter().any(|k| k.candidate_uuid == ana && k.reason == SkipReason::AlreadyAsked));

    assert_eq!(outbox::send_due(&mut s, &endpoint, &password(), now).unwrap().sent, 1);
    let received = server.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].1, vec!["ana@example.org".to_owned()]);
    let (text, _) = read_mime(&received[0].0, "");

    // Ana answers "Oui" above the quoted request: a renewal, which HR confirms.
    let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect();
    let reply = format!("Oui\n\nLe dim. 20 déc. 2026 à 10:00, Recrutement <jobs@vivier.test> a écrit :\n{quoted}");
    let Intake::Matched { intent, request: Some(_), .. } =
        arrives(&mut s, t(2026, 12, 21), "yes1", Some(&report.queued[0].message_id), &reply)
    else {
        panic!("no request opened")
    };
    assert_eq!(intent, Intent::Renewal);
}

#[test]
fn the_command_line_lists_edits_previews_queues_and_asks_for_renewals() {
    let server = SmtpServer::start();
    let dir = CliDir::new();
    let (ana, bob) = {
        let mut s = dir.data.open().unwrap();
        smtp(&mut s, &server);
        s.set_company(&hr(t(2024, 11, 2)), company()).unwrap();
        // Ana's data goes in about 30 days from today (the CLI's clock is the real one).
        let long_ago = chrono::Utc::now() - chrono::Duration::days(700);
        let ana = person(&mut s, long_ago, "Ana Lima", "ana@example.org");
        let bob = s
            .add_candidate(
                &hr(long_ago),
                vivier::pipeline::NewCandidate {
                    full_name: "Bob Martin".into(),
                    emails: vec![],
                    phone: Some("+33 6 12 34 56 78".into()),
                    source: vivier::pipeline::Source::Direct,
                    language: vivier::pipeline::Language::En,
                },
            )
            .unwrap()
            .uuid;
        (ana, bob)
    };

    let list = dir.ok(&["mail", "template", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 12);
    let shown = dir.ok(&["mail", "template", "show", "interview", "--lang", "en"]);
    assert!(shown["body"].as_str().unwrap().contains("{{interview.place}}"));
    assert_eq!(shown["extra_fields"][0], "interview.date");

    let file = dir.root.join("renewal.txt");
    std::fs::write(&file, "Votre CV\n\nBonjour {{candidate.full_name}}, êtes-vous enceinte ?\n").unwrap();
    dir.fails(&["mail", "template", "edit", "renewal", "--from", file.to_str().unwrap()], 25, "sensitive_data");
    std::fs::write(&file, "Votre CV chez {{company.name}}\n\nBonjour {{candidate.full_name}},\n\nSouhaitez-vous que nous gardions votre CV ? Répondez « oui ».\n").unwrap();
    let saved = dir.ok(&["mail", "template", "edit", "renewal", "--from", file.to_str().unwrap()]);
    assert_eq!(saved["edited"], true);

    let p = dir.ok(&["mail", "compose", &ana, "--template", "renewal", "--preview"]);
    assert_eq!(p["subject"], "Votre CV chez Atelier Vivier SAS");
    assert!(p["body"].as_str().unwrap().contains(footer::OPENING_FR));
    let human = dir.run(false, &["mail", "compose", &ana, "--template", "renewal", "--lang", "en", "--preview"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("To: ana@example.org\nSubject: Shall we keep your CV?"), "{text}");
    assert!(text.contains(footer::OPENING_EN), "{text}");
    let v = dir.fails(
        &["mail", "compose", &ana, "--template", "interview", "--field", "interview.time=10:00"],
        22,
        "merge_fields",
    );
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("job.title, interview.date, interview.place"), "{v}");
    dir.fails(&["mail", "compose", &bob, "--template", "renewal"], 33, "no_recipient");
    dir.fails(&["mail", "compose", &ana, "--template", "nope"], 2, "usage");
    assert_eq!(dir.ok(&["mail", "outbox", "list"]).as_array().unwrap().len(), 0, "previews and refusals queue nothing");

    let r = dir.ok(&["retention", "renew-request", "--within", "60"]);
    assert_eq!(r["queued"].as_array().unwrap().len(), 1);
    assert_eq!(r["queued"][0]["preview"]["candidate_uuid"], ana.as_str());
    assert_eq!(r["skipped"][0]["reason"], "no_email");
    let again = dir.ok(&["retention", "renew-request", "--within", "60", "--candidate", &ana]);
    assert_eq!(again["skipped"][0]["reason"], "already_asked");
    assert_eq!(dir.run(true, &["retention", "renew-request", "--within", "45"]).status.code(), Some(2));

    dir.ok(&["mail", "template", "reset", "renewal"]);
    // Without an application the job is a field without a value: named.
    let v = dir.fails(&["mail", "compose", &ana, "--template", "acknowledgement"], 22, "merge_fields");
    assert!(v["error"]["message"].as_str().unwrap().contains("job.title"), "{v}");
    let q = dir.ok(&["mail", "compose", "ana@example.org", "--template", "renewal", "--lang", "en"]);
    assert!(q["message_id"].as_str().unwrap().ends_with("@vivier.test>"));
    assert!(q["preview"]["subject"].as_str().unwrap().starts_with("Shall we keep your CV?"), "{q}");
    let mut send = cli();
    let out = send
        .arg("--data-dir")
        .arg(&dir.root)
        .args(["--json", "mail", "send-due"])
        .env("VIVIER_PASSPHRASE", PASS)
        .env("VIVIER_SMTP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(server.messages().len(), 2);
}
