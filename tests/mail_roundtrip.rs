//! Mail out and back in, against the real servers of tests/mail-servers/ (aiosmtpd for
//! SMTP, Dovecot for IMAP) and the real encrypted store: a message HR sends through the
//! outbox, the candidate's reply (In-Reply-To = that Message-ID, from an address Vivier
//! does not know) appended to the mailbox and fetched through the intake
//! ([`vivier::mail::FetchIntake`], what `vivier mail fetch` runs): tied to the candidate by
//! the thread, and the erasure it asks for opened as a request due one calendar month
//! later. A re-delivered message answers Duplicate; an oversized one is reported and
//! stepped over without stopping the fetch.

mod common;
#[path = "mail-servers/harness.rs"]
mod servers;

use chrono::{DateTime, Utc};
use common::*;
use servers::{Dovecot, PASSWORD, SmtpServer, USER};
use vivier::mail::transport::imap::{self, ImapAccount, Processed};
use vivier::mail::transport::outbox::{self, Outgoing};
use vivier::mail::transport::sync;
use vivier::mail::transport::{Endpoint, MailPassword, Security};
use vivier::mail::{FetchIntake, ImportResult, Intake, Intent, Matched};

fn password() -> MailPassword {
    MailPassword::new(PASSWORD.into())
}

fn account(d: &Dovecot) -> ImapAccount {
    ImapAccount {
        endpoint: Endpoint {
            host: "localhost".into(),
            port: d.imaps_port,
            security: Security::Tls,
            user: USER.into(),
            extra_ca: Some(d.certs.ca.clone()),
            timeout_secs: 10,
        },
        mailbox: "INBOX".into(),
        processed: Processed::Flag("$Vivier".into()),
        poll_secs: 300,
        max_message_bytes: imap::DEFAULT_MAX_MESSAGE,
    }
}

/// The day the reply arrives: 31 January, so the month's delay ends on 28 February.
fn received() -> DateTime<Utc> {
    t(2027, 1, 31)
}

fn append(d: &Dovecot, raw: &[u8]) {
    let mut s = imap::login(&account(d).endpoint, &password()).unwrap();
    s.append("INBOX", raw).finish().unwrap();
    s.logout().unwrap();
}

#[test]
fn a_reply_to_a_sent_message_is_matched_by_its_thread_and_opens_the_erasure_it_asks() {
    let smtp = SmtpServer::start();
    let d = Dovecot::start();
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let ana = person(&mut store, t(2026, 12, 1), "Ana Lima", "ana@example.org");

    // Out: HR writes to Ana through the outbox and the SMTP server.
    let (_, message_id) = outbox::queue(
        &mut store,
        "Jobs <jobs@vivier.test>",
        &Outgoing {
            candidate: Some(ana.clone()),
            to: vec!["Ana Lima <ana@example.org>".into()],
            subject: "Your application".into(),
            body_text: "Hello Ana,\n\nThank you for your application.\n".into(),
            in_reply_to: None,
            attachments: vec![],
        },
        t(2026, 12, 2),
    )
    .unwrap();
    let endpoint = Endpoint {
        host: "localhost".into(),
        port: smtp.port,
        security: Security::StartTls,
        user: USER.into(),
        extra_ca: Some(smtp.certs.ca.clone()),
        timeout_secs: 10,
    };
    let sent = outbox::send_due(&mut store, &endpoint, &password(), t(2026, 12, 2)).unwrap();
    assert_eq!(sent.sent, 1);
    let on_the_wire = String::from_utf8_lossy(&smtp.messages()[0].0).into_owned();
    assert!(on_the_wire.contains(&format!("Message-ID: {message_id}")), "{on_the_wire}");
    let bare = message_id.trim_matches(['<', '>']);
    let stored: String = store
        .connection()
        .query_row("SELECT message_id FROM messages WHERE direction = 'outbound'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, bare, "kept without angle brackets, as the intake compares ids");

    // Back: an oversized message first (read as its header only: reported, stepped over),
    // then Ana's reply from another address, answering the sent message.
    let big = format!(
        "From: Someone <someone@example.net>\r\nTo: jobs@vivier.test\r\nSubject: big\r\n\
         Message-ID: <big@example.net>\r\n\r\n{}\r\n",
        "x".repeat(20_000)
    );
    append(&d, big.as_bytes());
    let reply = format!(
        "From: Ana <ana.lima@elsewhere.example>\r\nTo: jobs@vivier.test\r\nSubject: Re: Your application\r\n\
         Message-ID: <reply-1@elsewhere.example>\r\nIn-Reply-To: {message_id}\r\nReferences: {message_id}\r\n\
         Date: Sun, 31 Jan 2027 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Please delete all my personal data from your systems.\r\n\r\n\
         On Wed, 2 Dec 2026, Jobs <jobs@vivier.test> wrote:\r\n> Hello Ana,\r\n> Thank you for your application.\r\n"
    );
    append(&d, reply.as_bytes());

    let mut acct = account(&d);
    acct.max_message_bytes = 10_000;
    let extractor = extractor();
    let mut intake = FetchIntake::new(&mut store, "imap-test", received, &extractor).unwrap();
    let report = imap::fetch(&acct, &password(), None, &mut intake).unwrap();
    assert_eq!((report.committed, report.marked, report.last_uid), (2, 2, 2));
    let outcomes = std::mem::take(&mut intake.outcomes);
    assert_eq!(outcomes.len(), 2);
    assert!(
        matches!(&outcomes[0].result, ImportResult::Rejected { rejected: vivier::mail::Rejected::TooLarge { .. }, .. }),
        "{:?}",
        outcomes[0]
    );
    let ImportResult::Intake(Intake::Matched { candidate, matched, intent, request, .. }) = &outcomes[1].result else {
        panic!("{:?}", outcomes[1])
    };
    assert_eq!((candidate, *matched, *intent), (&ana, Matched::Thread, Intent::Erasure));
    let request = request.clone().expect("an erasure request is opened");
    drop(intake);

    let open = store.requests(true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].uuid.as_str(), open[0].kind.as_str()), (request.as_str(), "erasure"));
    assert_eq!((open[0].candidate.as_str(), open[0].received_at), (ana.as_str(), received()));
    assert_eq!(open[0].due_on.to_string(), "2027-02-28", "one calendar month, clamped to February's end");
    // Nothing of the oversized message was stored.
    let inbound: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM messages WHERE direction = 'inbound'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(inbound, 1);
    let state = sync::load(store.connection(), &acct.state_key(), "INBOX").unwrap().unwrap();
    assert_eq!((state.last_uid, state.flagged_uid), (2, 2));

    // Nothing new: nothing taken.
    let mut intake = FetchIntake::new(&mut store, "imap-test", received, &extractor).unwrap();
    let again = imap::fetch(&acct, &password(), Some(state.clone()), &mut intake).unwrap();
    assert_eq!((again.committed, intake.outcomes.len()), (0, 0));
    drop(intake);

    // Delivered again (the state lost, as after a crash between intake and record): the
    // reply answers Duplicate, no second message, no second request.
    let mut intake = FetchIntake::new(&mut store, "imap-test", received, &extractor).unwrap();
    let mut old = state;
    old.last_uid = 1;
    old.flagged_uid = 1;
    let redelivered = imap::fetch(&acct, &password(), Some(old), &mut intake).unwrap();
    assert_eq!(redelivered.committed, 1);
    assert!(
        matches!(&intake.outcomes[0].result, ImportResult::Intake(Intake::Duplicate { .. })),
        "{:?}",
        intake.outcomes[0]
    );
    drop(intake);
    assert_eq!(store.requests(false).unwrap().len(), 1);
    let inbound: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM messages WHERE direction = 'inbound'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(inbound, 1);
}
