//! The mail transport against real servers started here on loopback (see
//! tests/mail-servers/): Dovecot for IMAP, aiosmtpd for SMTP, trusted through a CA made
//! at test time. Fetch: incremental by UID, a recreated mailbox (new UIDVALIDITY) read
//! again without doubles, a message arriving during a fetch, the server stopped during a
//! fetch, a refusing intake; flags set only for committed messages. Send: what the server
//! received (headers, Message-ID, attachment bytes), retries after a failure, a permanent
//! refusal, an interrupted send never repeated. Errors: wrong password, untrusted
//! certificate, unreachable host, timeout, each with its code.

mod common;
#[path = "mail-servers/harness.rs"]
mod servers;

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use servers::{Dovecot, PASSWORD, SmtpServer, USER, free_port};
use vivier::mail::transport::imap::{self, FetchError, FetchedMessage, ImapAccount, Processed};
use vivier::mail::transport::outbox::{self, Attachment, Outgoing};
use vivier::mail::transport::sync::{self, Intake, StoreIntake, SyncState, header_message_id};
use vivier::mail::transport::{Endpoint, MailPassword, MailTransportError, Security, smtp};

const KEYWORD: &str = "$Vivier";

fn password() -> MailPassword {
    MailPassword::new(PASSWORD.into())
}

fn imap_account(d: &Dovecot, security: Security, mailbox: &str) -> ImapAccount {
    let port = if security == Security::Tls { d.imaps_port } else { d.imap_port };
    ImapAccount {
        endpoint: Endpoint {
            host: "localhost".into(),
            port,
            security,
            user: USER.into(),
            extra_ca: Some(d.certs.ca.clone()),
            timeout_secs: 10,
        },
        mailbox: mailbox.into(),
        processed: Processed::Flag(KEYWORD.into()),
        poll_secs: 300,
        max_message_bytes: imap::DEFAULT_MAX_MESSAGE,
    }
}

fn message(n: u32) -> Vec<u8> {
    format!(
        "From: Candidate {n} <c{n}@example.org>\r\nTo: jobs@vivier.test\r\nSubject: Application {n}\r\n\
         Message-ID: <m{n}@example.org>\r\nDate: Wed, 02 Dec 2026 09:00:00 +0000\r\n\r\nHello, this is {n}.\r\n"
    )
    .into_bytes()
}

/// A second client, the "world" outside Vivier: appends, makes and drops mailboxes, reads flags.
fn world(d: &Dovecot) -> imap::Session {
    imap::login(&imap_account(d, Security::Tls, "INBOX").endpoint, &password()).unwrap()
}

fn append(d: &Dovecot, mailbox: &str, range: std::ops::RangeInclusive<u32>) {
    let mut s = world(d);
    for n in range {
        s.append(mailbox, &message(n)).finish().unwrap();
    }
    s.logout().unwrap();
}

/// UID → whether the keyword is set, for every message of `mailbox`.
fn flags(d: &Dovecot, mailbox: &str) -> BTreeMap<u32, bool> {
    let mut s = world(d);
    s.examine(mailbox).unwrap();
    let fetches = s.uid_fetch("1:*", "(UID FLAGS)").unwrap();
    let out = fetches
        .iter()
        .map(|f| {
            let flagged = f.flags().iter().any(|fl| matches!(fl, ::imap::types::Flag::Custom(c) if c == KEYWORD));
            (f.uid.unwrap(), flagged)
        })
        .collect();
    drop(fetches);
    s.logout().unwrap();
    out
}

/// The test's intake: keeps messages in memory, deduplicated by Message-ID as the real
/// intake will be; may refuse one UID, and may run something at each commit.
#[derive(Default)]
struct Memory {
    by_id: BTreeMap<String, u32>,
    duplicates: u32,
    state: Option<SyncState>,
    refuse_uid: Option<u32>,
    at_commit: Option<Box<dyn FnMut(u32)>>,
}

impl Intake for Memory {
    type Error = String;
    fn commit(&mut self, m: &FetchedMessage, after: &SyncState) -> Result<(), String> {
        if self.refuse_uid == Some(m.uid) {
            return Err(format!("refused {}", m.uid));
        }
        assert_eq!(after.last_uid, m.uid);
        if let Some(hook) = self.at_commit.as_mut() {
            hook(m.uid);
        }
        let id = header_message_id(&m.raw).expect("every test message has a Message-ID");
        if self.by_id.insert(id, m.uid).is_some() {
            self.duplicates += 1;
        }
        self.state = Some(after.clone());
        Ok(())
    }
    fn record(&mut self, state: &SyncState) -> Result<(), String> {
        self.state = Some(state.clone());
        Ok(())
    }
}

#[test]
fn fetch_is_incremental_by_uid_and_flags_what_it_committed() {
    let d = Dovecot::start();
    append(&d, "INBOX", 1..=5);
    let account = imap_account(&d, Security::Tls, "INBOX");
    let mut memory = Memory::default();

    let first = imap::fetch(&account, &password(), None, &mut memory).unwrap();
    assert_eq!((first.committed, first.marked, first.last_uid, first.rescanned), (5, 5, 5, false));
    assert_eq!(memory.by_id.len(), 5);
    assert!(flags(&d, "INBOX").values().all(|&f| f), "{:?}", flags(&d, "INBOX"));

    // Nothing new: nothing fetched.
    let again = imap::fetch(&account, &password(), memory.state.clone(), &mut memory).unwrap();
    assert_eq!((again.committed, again.last_uid), (0, 5));

    append(&d, "INBOX", 6..=8);
    let second = imap::fetch(&account, &password(), memory.state.clone(), &mut memory).unwrap();
    assert_eq!((second.committed, second.last_uid), (3, 8));
    assert_eq!(memory.by_id.len(), 8);
    assert_eq!(memory.duplicates, 0);
    assert_eq!(memory.by_id.get("<m7@example.org>"), Some(&7));

    // STARTTLS on port 143 reaches the same mailbox and the same state.
    append(&d, "INBOX", 9..=9);
    let starttls = imap_account(&d, Security::StartTls, "INBOX");
    let third = imap::fetch(&starttls, &password(), memory.state.clone(), &mut memory).unwrap();
    assert_eq!((third.committed, third.last_uid), (1, 9));
    assert!(flags(&d, "INBOX").values().all(|&f| f));
}

/// A message over the size limit is handed over as its header only, marked like the
/// others, and left whole on the server.
#[test]
fn an_oversized_message_is_read_as_its_header_only() {
    let d = Dovecot::start();
    append(&d, "INBOX", 1..=1);
    let big = format!(
        "From: c2@example.org\r\nSubject: Portfolio\r\nMessage-ID: <big@example.org>\r\n\r\n{}\r\n",
        "0123456789abcdef".repeat(1024)
    );
    let mut w = world(&d);
    w.append("INBOX", big.as_bytes()).finish().unwrap();
    w.logout().unwrap();
    append(&d, "INBOX", 3..=3);
    let mut account = imap_account(&d, Security::Tls, "INBOX");
    account.max_message_bytes = 8 * 1024;
    let mut seen = Vec::new();
    struct Keep<'a>(&'a mut Vec<FetchedMessage>);
    impl Intake for Keep<'_> {
        type Error = String;
        fn commit(&mut self, m: &FetchedMessage, _: &SyncState) -> Result<(), String> {
            self.0.push(m.clone());
            Ok(())
        }
        fn record(&mut self, _: &SyncState) -> Result<(), String> {
            Ok(())
        }
    }
    let report = imap::fetch(&account, &password(), None, &mut Keep(&mut seen)).unwrap();
    assert_eq!((report.committed, report.marked), (3, 3));
    let shape: Vec<(u32, bool)> = seen.iter().map(|m| (m.uid, m.header_only)).collect();
    assert_eq!(shape, vec![(1, false), (2, true), (3, false)]);
    let header = String::from_utf8_lossy(&seen[1].raw);
    assert!(header.contains("Subject: Portfolio") && !header.contains("0123456789abcdef"), "{header}");
    assert!(seen[1].size.unwrap() > 16 * 1024);
    assert_eq!(header_message_id(&seen[1].raw).as_deref(), Some("<big@example.org>"));
    assert!(seen[0].raw.ends_with(b"Hello, this is 1.\r\n"));
}

#[test]
fn a_recreated_mailbox_is_read_again_and_nothing_is_doubled() {
    let d = Dovecot::start();
    let mut w = world(&d);
    w.create("Candidates").unwrap();
    w.logout().unwrap();
    append(&d, "Candidates", 1..=3);
    let account = imap_account(&d, Security::Tls, "Candidates");
    let mut memory = Memory::default();
    let first = imap::fetch(&account, &password(), None, &mut memory).unwrap();
    assert_eq!(first.committed, 3);
    let old_validity = first.uidvalidity;

    let mut w = world(&d);
    w.delete("Candidates").unwrap();
    w.create("Candidates").unwrap();
    w.logout().unwrap();
    append(&d, "Candidates", 1..=4);

    let second = imap::fetch(&account, &password(), memory.state.clone(), &mut memory).unwrap();
    assert!(second.rescanned);
    assert_ne!(second.uidvalidity, old_validity);
    assert_eq!(second.committed, 4, "the whole mailbox is read again");
    assert_eq!(memory.duplicates, 3, "the three known messages were recognised by their Message-ID");
    assert_eq!(memory.by_id.len(), 4, "nothing doubled, the new one added");
    assert_eq!(memory.state.as_ref().unwrap().uidvalidity, second.uidvalidity);
}

#[test]
fn a_message_arriving_during_a_fetch_waits_for_the_next_one() {
    let d = Dovecot::start();
    append(&d, "INBOX", 1..=3);
    let account = imap_account(&d, Security::Tls, "INBOX");
    let mut memory = Memory::default();
    let mut arrivals = Some(world(&d));
    memory.at_commit = Some(Box::new(move |uid| {
        if uid == 2
            && let Some(mut w) = arrivals.take()
        {
            w.append("INBOX", &message(4)).finish().unwrap();
            w.logout().unwrap();
        }
    }));
    let first = imap::fetch(&account, &password(), None, &mut memory).unwrap();
    assert_eq!((first.committed, first.last_uid), (3, 3));
    assert_eq!(flags(&d, "INBOX"), BTreeMap::from([(1, true), (2, true), (3, true), (4, false)]));
    memory.at_commit = None;
    let second = imap::fetch(&account, &password(), memory.state.clone(), &mut memory).unwrap();
    assert_eq!((second.committed, second.last_uid), (1, 4));
    assert_eq!(memory.by_id.len(), 4);
    assert_eq!(memory.duplicates, 0);
}

#[test]
fn a_refusing_intake_stops_the_fetch_at_the_last_committed_message() {
    let d = Dovecot::start();
    append(&d, "INBOX", 1..=6);
    let account = imap_account(&d, Security::Tls, "INBOX");
    let mut memory = Memory { refuse_uid: Some(4), ..Memory::default() };
    let err = imap::fetch(&account, &password(), None, &mut memory).unwrap_err();
    assert!(matches!(err, FetchError::Intake(ref e) if e == "refused 4"), "{err:?}");
    assert_eq!(memory.state.as_ref().unwrap().last_uid, 3);
    // Not one flag beyond what was committed.
    assert!(flags(&d, "INBOX").iter().all(|(&uid, &f)| !f || uid <= 3), "{:?}", flags(&d, "INBOX"));

    memory.refuse_uid = None;
    let next = imap::fetch(&account, &password(), memory.state.clone(), &mut memory).unwrap();
    assert_eq!(next.committed, 3);
    assert_eq!(memory.by_id.len(), 6);
    assert_eq!(memory.duplicates, 0);
    assert!(flags(&d, "INBOX").values().all(|&f| f), "owed flags set on the next fetch");
}

/// Dovecot stopped while Vivier reads its second batch: the fetch fails with a coded
/// error; what was committed is in the store with the state that matches it; only
/// committed messages are flagged; the next fetch, server back, resumes without doubles.
#[test]
fn the_server_going_away_mid_fetch_loses_and_doubles_nothing() {
    let mut d = Dovecot::start();
    append(&d, "INBOX", 1..=40);
    let account = imap_account(&d, Security::Tls, "INBOX");
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let kill = d.killer();
    let mut commits = 0;
    let err = {
        let mut intake =
            StoreIntake::new(&mut store, Utc::now, |tx: &rusqlite::Transaction<'_>, m: &FetchedMessage| {
                commits += 1;
                if commits == 20 {
                    // The server vanishes: Dovecot's master and its sessions killed at once.
                    kill();
                }
                sync::store_raw(tx, m, Utc::now()).map(|_| ())
            });
        imap::fetch(&account, &password(), None, &mut intake).unwrap_err()
    };
    match &err {
        FetchError::Transport(e) => assert_eq!(e.code(), "mail_unreachable", "{e}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    let stored = count(&mut store);
    let state = sync::load(store.connection(), &account.state_key(), "INBOX").unwrap().unwrap();
    assert!(stored >= 20, "{stored}");
    assert_eq!(state.last_uid as i64, stored, "the state is exactly at the last committed message");
    assert!(state.flagged_uid <= state.last_uid);

    d.stop();
    d.resume();
    let marked: BTreeSet<u32> = flags(&d, "INBOX").into_iter().filter(|&(_, f)| f).map(|(u, _)| u).collect();
    assert!(marked.iter().all(|&u| u <= state.last_uid), "a message was flagged before being committed: {marked:?}");

    let report = {
        let mut intake =
            StoreIntake::new(&mut store, Utc::now, |tx: &rusqlite::Transaction<'_>, m: &FetchedMessage| {
                sync::store_raw(tx, m, Utc::now()).map(|_| ())
            });
        imap::fetch(&account, &password(), Some(state.clone()), &mut intake).unwrap()
    };
    assert_eq!(report.committed as i64, 40 - stored);
    assert_eq!(count(&mut store), 40, "every message once");
    let distinct: i64 = store
        .connection()
        .query_row("SELECT count(DISTINCT message_id) FROM messages WHERE direction = 'inbound'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(distinct, 40);
    assert!(flags(&d, "INBOX").values().all(|&f| f));
    let state = sync::load(store.connection(), &account.state_key(), "INBOX").unwrap().unwrap();
    assert_eq!((state.last_uid, state.flagged_uid), (40, 40));
}

/// The store's intake groups a batch in one transaction: a message its sink refuses
/// (after writing part of it) is rolled back alone; those before it stay, with their state.
#[test]
fn the_store_keeps_what_was_committed_before_a_refused_message_and_nothing_of_it() {
    let d = Dovecot::start();
    append(&d, "INBOX", 1..=6);
    let account = imap_account(&d, Security::Tls, "INBOX");
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let sink = |tx: &rusqlite::Transaction<'_>, m: &FetchedMessage| {
        sync::store_raw(tx, m, Utc::now())?;
        if m.uid == 4 {
            return Err(rusqlite::Error::InvalidQuery);
        }
        Ok(())
    };
    let err = imap::fetch(&account, &password(), None, &mut StoreIntake::new(&mut store, Utc::now, sink)).unwrap_err();
    assert!(matches!(err, FetchError::Intake(_)), "{err:?}");
    assert_eq!(count(&mut store), 3, "messages 1 to 3 stored, nothing of 4");
    let state = sync::load(store.connection(), &account.state_key(), "INBOX").unwrap().unwrap();
    assert_eq!((state.last_uid, state.flagged_uid), (3, 0));
    assert!(flags(&d, "INBOX").values().all(|&f| !f), "nothing marked before the batch is done");

    let fine = |tx: &rusqlite::Transaction<'_>, m: &FetchedMessage| sync::store_raw(tx, m, Utc::now()).map(|_| ());
    let report =
        imap::fetch(&account, &password(), Some(state), &mut StoreIntake::new(&mut store, Utc::now, fine)).unwrap();
    assert_eq!((report.committed, report.marked), (3, 6), "the three owed flags, then three new messages");
    assert_eq!(count(&mut store), 6);
    assert!(flags(&d, "INBOX").values().all(|&f| f));
}

/// Two fetches at once (the app and a timer): the one with the older view cannot move the
/// stored state back; a new UIDVALIDITY replaces it.
#[test]
fn the_stored_state_never_moves_back_within_one_uidvalidity() {
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let state = |v, last, flagged| SyncState {
        account: "hr@localhost".into(),
        mailbox: "INBOX".into(),
        uidvalidity: v,
        last_uid: last,
        flagged_uid: flagged,
    };
    let now = t(2026, 12, 2);
    let conn = store.connection();
    let load = |conn: &rusqlite::Connection| sync::load(conn, "hr@localhost", "INBOX").unwrap().unwrap();
    sync::save(conn, &state(7, 10, 8), now).unwrap();
    sync::save(conn, &state(7, 5, 5), now).unwrap();
    assert_eq!(load(conn), state(7, 10, 8), "an older view does not win");
    sync::save(conn, &state(7, 10, 6), now).unwrap();
    assert_eq!(load(conn), state(7, 10, 8));
    sync::save(conn, &state(7, 10, 10), now).unwrap();
    assert_eq!(load(conn), state(7, 10, 10));
    sync::save(conn, &state(9, 0, 0), now).unwrap();
    assert_eq!(load(conn), state(9, 0, 0), "a renumbered mailbox starts again");
}

fn count(store: &mut vivier::db::Store) -> i64 {
    store.connection().query_row("SELECT count(*) FROM messages WHERE direction = 'inbound'", [], |r| r.get(0)).unwrap()
}

#[test]
fn committed_messages_can_be_moved_to_a_processed_folder_instead() {
    let d = Dovecot::start();
    append(&d, "INBOX", 1..=3);
    let mut account = imap_account(&d, Security::Tls, "INBOX");
    account.processed = Processed::Move("Vivier/Imported".into());
    let mut memory = Memory::default();
    let report = imap::fetch(&account, &password(), None, &mut memory).unwrap();
    assert_eq!(report.committed, 3);
    assert!(flags(&d, "INBOX").is_empty());
    assert_eq!(flags(&d, "Vivier/Imported").len(), 3, "moved, not deleted");
}

#[test]
fn imap_errors_are_coded() {
    let d = Dovecot::start();
    let good = imap_account(&d, Security::Tls, "INBOX");
    assert_eq!(imap::test_connection(&good, &password()).unwrap().messages, 0);

    let wrong = imap::test_connection(&good, &MailPassword::new("not the password".into())).unwrap_err();
    assert_eq!(wrong.code(), "mail_auth_failed", "{wrong}");

    for security in [Security::Tls, Security::StartTls] {
        let mut untrusted = imap_account(&d, security, "INBOX");
        untrusted.endpoint.extra_ca = None;
        let e = imap::test_connection(&untrusted, &password()).unwrap_err();
        assert_eq!(e.code(), "mail_certificate_refused", "{security:?}: {e}");
    }

    // Unencrypted, explicitly, to loopback only (the engine refuses it elsewhere).
    let mut plain = imap_account(&d, Security::Plain, "INBOX");
    plain.endpoint.host = "127.0.0.1".into();
    assert_eq!(imap::test_connection(&plain, &password()).unwrap().messages, 0);
    plain.endpoint.host = "mail.example.org".into();
    assert_eq!(imap::test_connection(&plain, &password()).unwrap_err().code(), "invalid_input");

    let mut unreachable = good.clone();
    unreachable.endpoint.port = free_port();
    let e = imap::test_connection(&unreachable, &password()).unwrap_err();
    assert_eq!(e.code(), "mail_unreachable", "{e}");

    let mut unknown = good.clone();
    unknown.endpoint.host = "no-such-host.invalid".into();
    assert_eq!(imap::test_connection(&unknown, &password()).unwrap_err().code(), "mail_unreachable");

    // A server that accepts the connection and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut slow = good.clone();
    slow.endpoint.port = silent.local_addr().unwrap().port();
    slow.endpoint.timeout_secs = 1;
    let started = Instant::now();
    let e = imap::test_connection(&slow, &password()).unwrap_err();
    assert_eq!(e.code(), "mail_timeout", "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(e.to_string().contains("did not answer"), "{e}");
}

// SMTP

fn smtp_endpoint(s: &SmtpServer) -> Endpoint {
    Endpoint {
        host: "localhost".into(),
        port: s.port,
        security: Security::StartTls,
        user: USER.into(),
        extra_ca: Some(s.certs.ca.clone()),
        timeout_secs: 10,
    }
}

const FROM: &str = "Jobs <jobs@vivier.test>";

/// Bytes of the attachment named `name` in `raw`, decoded by Python's email package (an
/// independent MIME reader).
fn attachment_bytes(raw: &[u8], name: &str) -> Vec<u8> {
    let script = "import sys, email\nm = email.message_from_bytes(sys.stdin.buffer.read())\n\
                  [sys.stdout.buffer.write(p.get_payload(decode=True)) for p in m.walk() if p.get_filename() == sys.argv[1]]";
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
    out.stdout
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn a_sent_message_reaches_the_server_whole_and_joins_the_timeline() {
    let server = SmtpServer::start();
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let now = t(2026, 12, 2);
    let ana = person(&mut store, now, "Ana Lima", "ana@example.org");
    let pdf: Vec<u8> = b"%PDF-1.4\n".iter().copied().chain((0..5000u32).map(|i| (i * 7 % 256) as u8)).collect();
    let (uuid, message_id) = outbox::queue(
        &mut store,
        FROM,
        &Outgoing {
            candidate: Some(ana.clone()),
            to: vec!["Ana Lima <ana@example.org>".into()],
            subject: "Your interview on Friday".into(),
            body_text: "Bonjour Ana,\n\nSee the attached offer.\n".into(),
            in_reply_to: Some("<m1@example.org>".into()),
            attachments: vec![Attachment {
                filename: "offer.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: pdf.clone(),
            }],
        },
        now,
    )
    .unwrap();
    assert!(message_id.starts_with('<') && message_id.ends_with("@vivier.test>"), "{message_id}");
    let listed = outbox::list(&store).unwrap();
    assert_eq!((listed[0].uuid.as_str(), listed[0].status.as_str()), (uuid.as_str(), "queued"));

    let report = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now).unwrap();
    assert_eq!((report.sent, report.deferred, report.failed), (1, 0, 0));

    let received = server.messages();
    assert_eq!(received.len(), 1);
    let (raw, to) = &received[0];
    assert_eq!(to, &vec!["ana@example.org".to_owned()]);
    let text = String::from_utf8_lossy(raw);
    assert_eq!(header(&text, "Message-ID"), Some(message_id.as_str()));
    assert_eq!(header(&text, "Subject"), Some("Your interview on Friday"));
    assert_eq!(header(&text, "In-Reply-To"), Some("<m1@example.org>"));
    assert_eq!(attachment_bytes(raw, "offer.pdf"), pdf, "the attachment arrived byte for byte");

    let entry = &outbox::list(&store).unwrap()[0];
    assert_eq!((entry.status.as_str(), entry.attempts), ("sent", 1));
    let (candidate, direction, stored_id): (String, String, String) = store
        .connection()
        .query_row(
            "SELECT c.uuid, m.direction, m.message_id FROM messages m JOIN candidates c ON c.id = m.candidate_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (candidate, direction.as_str(), stored_id.as_str()),
        (ana, "outbound", message_id.trim_matches(['<', '>']))
    );

    // Sent once: another run sends nothing.
    let again = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now).unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(server.messages().len(), 1);
}

fn simple(to: &str) -> Outgoing {
    Outgoing {
        candidate: None,
        to: vec![to.into()],
        subject: "Hello".into(),
        body_text: "Text".into(),
        in_reply_to: None,
        attachments: vec![],
    }
}

#[test]
fn a_failed_send_stays_in_the_outbox_and_is_retried_later() {
    let mut server = SmtpServer::start();
    server.stop();
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let now = t(2026, 12, 2);
    let (_, message_id) = outbox::queue(&mut store, FROM, &simple("bo@example.org"), now).unwrap();

    let down = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now).unwrap();
    assert_eq!((down.sent, down.deferred), (0, 1));
    let entry = &outbox::list(&store).unwrap()[0];
    assert_eq!((entry.status.as_str(), entry.attempts), ("queued", 1));
    assert_eq!(entry.last_error_code.as_deref(), Some("mail_unreachable"));
    assert_eq!(entry.next_attempt_at, Some(now + outbox::backoff(1)));

    server.resume();
    let early = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now).unwrap();
    assert_eq!(early.sent, 0, "not due yet");
    let later =
        outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now + chrono::Duration::minutes(2)).unwrap();
    assert_eq!(later.sent, 1);
    let received = server.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(header(&String::from_utf8_lossy(&received[0].0), "Message-ID"), Some(message_id.as_str()));
    assert_eq!(outbox::list(&store).unwrap()[0].attempts, 2);
}

#[test]
fn a_refused_message_fails_for_good_and_an_interrupted_one_is_never_sent_again() {
    let server = SmtpServer::start();
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let now = t(2026, 12, 2);
    let (refused, _) = outbox::queue(&mut store, FROM, &simple("reject-me@example.org"), now).unwrap();
    let report = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now).unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    let entry = &outbox::list(&store).unwrap()[0];
    assert_eq!((entry.status.as_str(), entry.last_error_code.as_deref()), ("failed", Some("mail_rejected")));
    outbox::retry(&mut store, &refused, now).unwrap();
    assert_eq!(outbox::list(&store).unwrap()[0].status, "queued");

    // A run that stopped between the server's acceptance and the row marked sent.
    let (interrupted, _) = outbox::queue(&mut store, FROM, &simple("cy@example.org"), now).unwrap();
    store
        .connection()
        .execute(
            "UPDATE outbox SET status = 'sending', attempts = 1, next_attempt_at = '2026-12-02T09:10:00.000000Z' WHERE uuid = ?1",
            [&interrupted],
        )
        .unwrap();
    // Within its claim (another run may be sending it): left alone.
    let during = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now).unwrap();
    assert_eq!(during.interrupted, 0);
    let after = outbox::send_due(&mut store, &smtp_endpoint(&server), &password(), now + chrono::Duration::minutes(11))
        .unwrap();
    assert_eq!(after.interrupted, 1);
    let entry = outbox::list(&store).unwrap().into_iter().find(|e| e.uuid == interrupted).unwrap();
    assert_eq!((entry.status.as_str(), entry.last_error_code.as_deref()), ("failed", Some("interrupted")));
    assert!(server.messages().is_empty(), "nothing was sent by either run");
    assert_eq!(outbox::retry(&mut store, "zzzz", now).unwrap_err().code(), "not_found");
    let mut unknown = simple("dee@example.org");
    unknown.candidate = Some("abcdef12".into());
    let e = outbox::queue(&mut store, FROM, &unknown, now).unwrap_err();
    assert_eq!(e.code(), "not_found", "{e}");
}

#[test]
fn smtp_errors_are_coded() {
    let server = SmtpServer::start();
    let good = smtp_endpoint(&server);
    smtp::test_connection(&good, &password()).unwrap();

    let e = smtp::test_connection(&good, &MailPassword::new("wrong".into())).unwrap_err();
    assert_eq!(e.code(), "mail_auth_failed", "{e}");

    let mut untrusted = good.clone();
    untrusted.extra_ca = None;
    let e = smtp::test_connection(&untrusted, &password()).unwrap_err();
    assert_eq!(e.code(), "mail_certificate_refused", "{e}");

    let mut unreachable = good.clone();
    unreachable.port = free_port();
    let e = smtp::test_connection(&unreachable, &password()).unwrap_err();
    assert_eq!(e.code(), "mail_unreachable", "{e}");

    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut slow = good.clone();
    slow.port = silent.local_addr().unwrap().port();
    slow.timeout_secs = 1;
    let e = smtp::test_connection(&slow, &password()).unwrap_err();
    assert_eq!(e.code(), "mail_timeout", "{e}");

    // TLS from the first byte (port 465 style): the same message goes through.
    let wrapped = SmtpServer::start_tls();
    let mut tls = smtp_endpoint(&wrapped);
    tls.security = Security::Tls;
    smtp::test_connection(&tls, &password()).unwrap();
    smtp::send_raw(&tls, &password(), FROM, &["dee@example.org".into()], b"Subject: hi\r\n\r\nhello\r\n").unwrap();
    assert_eq!(wrapped.messages().len(), 1);
    // STARTTLS asked of a server that speaks TLS at once: a coded failure, not a hang.
    let mut confused = tls.clone();
    confused.security = Security::StartTls;
    confused.timeout_secs = 1;
    let e = smtp::test_connection(&confused, &password()).unwrap_err();
    assert!(e.code() == "mail_timeout" || e.code() == "mail_protocol", "{e}");

    let e: MailTransportError = smtp::envelope("not an address", &[]).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}

/// Fetch rate over loopback, IMAPS into the encrypted store (one transaction per message):
/// `cargo test --release -p vivier --test mail_transport fetch_rate -- --ignored --nocapture`.
#[test]
#[ignore]
fn fetch_rate() {
    let d = Dovecot::start();
    let n: u32 = 1000;
    let body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(50);
    let mut w = world(&d);
    let started = Instant::now();
    for i in 1..=n {
        let raw =
            format!("From: c{i}@example.org\r\nSubject: CV {i}\r\nMessage-ID: <rate{i}@example.org>\r\n\r\n{body}\r\n");
        w.append("INBOX", raw.as_bytes()).finish().unwrap();
    }
    w.logout().unwrap();
    let appended = started.elapsed();
    let data = TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let account = imap_account(&d, Security::Tls, "INBOX");
    let started = Instant::now();
    let report = {
        let mut intake =
            StoreIntake::new(&mut store, Utc::now, |tx: &rusqlite::Transaction<'_>, m: &FetchedMessage| {
                sync::store_raw(tx, m, Utc::now()).map(|_| ())
            });
        imap::fetch(&account, &password(), None, &mut intake).unwrap()
    };
    let took = started.elapsed();
    assert_eq!(report.committed, n);
    println!(
        "appended {n} messages of ~{} bytes in {:.2} s; fetched, stored and flagged them in {:.2} s: {:.0} messages/s",
        body.len() + 80,
        appended.as_secs_f64(),
        took.as_secs_f64(),
        f64::from(n) / took.as_secs_f64()
    );
    // The same mailbox again into memory: the network's share.
    let mut memory = Memory::default();
    let started = Instant::now();
    assert_eq!(imap::fetch(&account, &password(), None, &mut memory).unwrap().committed, n);
    let took = started.elapsed();
    println!("into memory: {:.2} s, {:.0} messages/s", took.as_secs_f64(), f64::from(n) / took.as_secs_f64());
}
