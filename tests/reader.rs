//! The reader connection: a second, read-only connection to an open store (same key, same
//! pragmas) that answers while the writer holds a long write, and the audited reads that
//! run on it without writing, their audit entries owed and appended later by the writer
//! with the time of the read.

mod common;

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use common::{TempDataDir, hold_write, passphrase};
use vivier::data_dir::Unlock;
use vivier::db::{Reader, Store};
use vivier::pipeline::Stamp;
use vivier::pipeline::search::SearchFilter;

fn open_pair(t: &TempDataDir) -> (Store, Reader) {
    let p = passphrase();
    t.dir.open_with_reader(Unlock { keyring: None, passphrase: Some(&p) }).unwrap()
}

fn stamp() -> Stamp {
    Stamp::new("hr.test", Utc::now())
}

/// While the writer holds a write transaction for 3 s, the board, a profile, a search and
/// a document's text answer through the reader, before the writer commits; the audited
/// ones owe their entries instead of waiting to write them.
#[test]
fn the_reader_answers_while_the_writer_holds_a_write() {
    let t = TempDataDir::with_passphrase();
    let (mut store, reader) = open_pair(&t);
    let seeded = store.seed_synthetic(300, 3, 120, 1_500, 7, Utc::now()).unwrap();
    let someone = reader.candidates(1, 0).unwrap().remove(0);
    let profile = reader.read_profile(&stamp(), &someone.uuid).unwrap().0;
    let document = profile.documents[0].uuid.clone();

    let (holder, committed) = hold_write(store, Duration::from_secs(3));
    let mut latencies = Vec::new();
    let mut timed = |what: &'static str, read: &mut dyn FnMut()| {
        let started = Instant::now();
        read();
        latencies.push((what, started.elapsed()));
        assert!(!committed.load(Ordering::SeqCst), "the {what} waited for the writer to commit");
    };
    timed("board", &mut || {
        let board = reader.board(&seeded.big_job, None, 0, 50).unwrap();
        assert_eq!(board.columns.iter().map(|c| c.total).sum::<u64>(), seeded.big_job_applications);
    });
    timed("profile", &mut || {
        let (profile, owed) = reader.read_profile(&stamp(), &someone.uuid).unwrap();
        assert_eq!((profile.candidate.uuid.as_str(), owed.action()), (someone.uuid.as_str(), "view"));
    });
    timed("search", &mut || {
        let (hits, owed) = reader.read_search(&stamp(), "curriculum", &SearchFilter::default()).unwrap();
        assert!(!hits.is_empty());
        assert_eq!(owed.action(), "search");
    });
    timed("document text", &mut || {
        let ((_, text), _) = reader.read_document_text(&stamp(), &document, false).unwrap();
        assert!(text.unwrap().contains("Curriculum vitae"));
    });
    // The writer's uncommitted row is not visible to the reader; once committed, it is.
    assert_eq!(reader.setting("test.holder").unwrap(), None);
    println!("reads while the writer holds a write transaction: {latencies:?}");
    let store = holder.join().unwrap();
    assert_eq!(reader.setting("test.holder").unwrap().as_deref(), Some("held"));
    drop(store);
}

/// A read on the reader writes nothing; its entry, appended later by the writer, keeps the
/// read's time and actor, and the chain stays whole.
#[test]
fn an_owed_entry_is_appended_later_with_the_time_of_the_read() {
    let t = TempDataDir::with_passphrase();
    let (mut store, reader) = open_pair(&t);
    store.seed_synthetic(5, 1, 5, 500, 3, Utc::now()).unwrap();
    let someone = reader.candidates(1, 0).unwrap().remove(0);
    let before = store.audit_entries(None, 1000).unwrap().len();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    let (_, owed) = reader.read_profile(&Stamp::new("hr.reader", at), &someone.uuid).unwrap();
    let (_, searched) =
        reader.read_search(&Stamp::new("hr.reader", at), "curriculum", &SearchFilter::default()).unwrap();
    assert_eq!(store.audit_entries(None, 1000).unwrap().len(), before, "a read on the reader wrote nothing");
    assert_eq!(owed.at(), at);

    store.append_audit(&[owed, searched]).unwrap();
    let entries = store.audit_entries(None, 2).unwrap();
    assert_eq!((entries[1].action.as_str(), entries[0].action.as_str()), ("view", "search"));
    assert_eq!(entries[1].candidate_uuid.as_deref(), Some(someone.uuid.as_str()));
    assert_eq!(entries[1].actor, "hr.reader");
    assert!(entries[1].at.starts_with("2026-03-02T09:30:00"), "{}", entries[1].at);
    assert!(store.verify_audit().unwrap().first_broken.is_none());
}

/// `try_append_audit` gives up at once while another connection writes (the app's read
/// path must not wait), and appends once it is free.
#[test]
fn appending_without_waiting_gives_up_while_another_connection_writes() {
    let t = TempDataDir::with_passphrase();
    let (mut store, reader) = open_pair(&t);
    store.seed_synthetic(5, 1, 5, 500, 3, Utc::now()).unwrap();
    let someone = reader.candidates(1, 0).unwrap().remove(0);
    let (_, owed) = reader.read_profile(&stamp(), &someone.uuid).unwrap();
    let other = t.open().unwrap();
    let (holder, _) = hold_write(other, Duration::from_secs(2));
    let started = Instant::now();
    assert!(!store.try_append_audit(std::slice::from_ref(&owed)).unwrap());
    assert!(started.elapsed() < Duration::from_secs(1), "it waited {:?}", started.elapsed());
    drop(holder.join().unwrap());
    assert!(store.try_append_audit(std::slice::from_ref(&owed)).unwrap());
    assert_eq!(store.audit_entries(Some(&someone.uuid), 1).unwrap()[0].action, "view");
}

/// The reader is opened the way the writer was: same key, same cipher settings and pragmas.
#[test]
fn the_reader_has_the_writers_settings_and_key() {
    let t = TempDataDir::with_passphrase();
    let (store, reader) = open_pair(&t);
    let (w, r) = (store.cipher_report().unwrap(), reader.cipher_report().unwrap());
    assert_eq!(
        (&r.page_hmac, r.secure_delete, r.foreign_keys, &r.journal_mode, &r.synchronous, r.schema_version),
        (&w.page_hmac, w.secure_delete, w.foreign_keys, &w.journal_mode, &w.synchronous, w.schema_version)
    );
    let wrong = vivier::keys::DbKey::generate().unwrap();
    assert!(matches!(store.open_reader(&wrong), Err(vivier::db::StoreError::WrongKey)), "a reader needs the key");
}

/// A real bulk purge on the writer (thousands of people: seconds, even in a release build
/// a purge of 20,000 takes ~8 s): the board and a profile answer through the reader while
/// it runs. The latencies are printed, not asserted (a loaded 2-core machine makes any
/// bound flaky); what is asserted is that reads came back before the purge finished.
#[test]
fn the_board_and_a_profile_answer_during_a_bulk_purge() {
    let t = TempDataDir::with_passphrase();
    let (mut store, reader) = open_pair(&t);
    let now = Utc::now();
    // Creation dates spread over the two years before now: a year from now, the half
    // created more than a year ago is past the 24-month pool period and goes.
    let seeded = store.seed_synthetic(4_000, 2, 1_000, 1_500, 11, now).unwrap();
    let recent = now - chrono::Duration::days(300);
    let kept = reader.candidates(100, 0).unwrap().into_iter().find(|c| c.created_at > recent).unwrap().uuid;

    let later = now + chrono::Duration::days(365);
    let (started_tx, started) = mpsc::channel();
    let purger = thread::spawn(move || {
        started_tx.send(()).unwrap();
        let began = Instant::now();
        let report = store.purge(&Stamp::new("hr.test", later), later, false).unwrap();
        (report, began.elapsed(), Instant::now())
    });
    started.recv().unwrap();
    let mut reads: Vec<(&str, Duration, Instant)> = Vec::new();
    while !purger.is_finished() {
        let t0 = Instant::now();
        reader.board(&seeded.big_job, None, 0, 50).unwrap();
        reads.push(("board", t0.elapsed(), Instant::now()));
        let t0 = Instant::now();
        let (profile, _owed) = reader.read_profile(&stamp(), &kept).unwrap();
        assert_eq!(profile.candidate.uuid, kept);
        reads.push(("profile", t0.elapsed(), Instant::now()));
        thread::sleep(Duration::from_millis(20));
    }
    let (report, took, ended) = purger.join().unwrap();
    assert!(report.purged.len() > 1_000, "{} purged", report.purged.len());
    // The reader's snapshots never keep the purged pages in the WAL: the checkpoint waits
    // for the reads in progress and truncates it.
    assert_eq!(report.cleanup.as_ref().map(|c| c.wal_truncated), Some(true));
    let during: Vec<_> = reads.iter().filter(|(_, _, at)| *at < ended).collect();
    let worst = |what: &str| during.iter().filter(|r| r.0 == what).map(|r| r.1).max();
    println!(
        "purge of {} people: {took:?}; {} reads answered during it, the slowest board {:?}, the slowest profile {:?}",
        report.purged.len(),
        during.len(),
        worst("board"),
        worst("profile"),
    );
    assert!(
        worst("board").is_some() && worst("profile").is_some(),
        "no board or profile came back before the purge finished ({took:?})"
    );
}
