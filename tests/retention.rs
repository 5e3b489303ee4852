//! Retention through the engine on the real encrypted store (promises P6, P7, P8's erasure
//! side), with the clock injected: the pool period, what renews last contact and what does
//! not, objection, erasure (refused for a hire, restriction instead), hires kept for the
//! contract and the country's period, legal holds, dry runs, what stays after a purge, no
//! residue in the decrypted pages, and a property test over random histories.

mod common;

use aes::Aes256;
use cbc::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
use chrono::{DateTime, Duration, Months, NaiveDate, TimeZone, Utc};
use common::*;
use vivier::db::Store;
use vivier::documents::Upload;
use vivier::documents::{DEFAULT_SIZE_LIMIT, Extractor};
use vivier::hiring::{FieldKind, HiringDetails};
use vivier::keys::DbKey;
use vivier::pipeline::{Language, NewCandidate, NewJob, NewNote, PipelineError, Source, Stage, Stamp};
use vivier::retention::policy::Rule;

fn extractor() -> Extractor {
    Extractor::new(env!("CARGO_BIN_EXE_vivier").into(), vec!["__extract-text".into()])
}

fn t(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

fn hr(at: DateTime<Utc>) -> Stamp {
    Stamp::new("hr.alice", at)
}

fn job(s: &mut Store, at: DateTime<Utc>, country: &str) -> String {
    s.add_job(&hr(at), NewJob { title: "Data engineer".into(), country: country.into(), ..NewJob::default() })
        .unwrap()
        .uuid
}

fn person(s: &mut Store, at: DateTime<Utc>, name: &str, email: &str) -> String {
    s.add_candidate(
        &hr(at),
        NewCandidate {
            full_name: name.into(),
            emails: vec![email.into()],
            phone: None,
            source: Source::Direct,
            language: Language::Fr,
        },
    )
    .unwrap()
    .uuid
}

fn note(body: &str) -> NewNote {
    NewNote { body: body.into(), feedback: false, application: None, ratings: vec![] }
}

fn exists(s: &mut Store, uuid: &str) -> bool {
    s.connection().query_row("SELECT count(*) FROM candidates WHERE uuid = ?1", [uuid], |r| r.get::<_, i64>(0)).unwrap()
        == 1
}

fn purged(s: &mut Store, at: DateTime<Utc>) -> Vec<String> {
    s.purge(&hr(at), at, false).unwrap().purged.into_iter().map(|p| p.candidate_uuid).collect()
}

#[test]
fn a_pool_candidate_goes_24_months_after_last_contact_and_not_a_second_before() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let ann = person(&mut s, t(2024, 2, 29), "Ann Lima", "ann@example.org");
    let due = s.retention_status(&hr(t(2024, 3, 1)), &ann).unwrap();
    assert_eq!((due.rule, due.due), (Rule::Pool, Some(t(2026, 2, 28))));
    assert!(purged(&mut s, t(2026, 2, 28) - Duration::seconds(1)).is_empty());
    assert!(exists(&mut s, &ann));
    assert_eq!(purged(&mut s, t(2026, 2, 28)), vec![ann.clone()]);
    assert!(!exists(&mut s, &ann));
    // What stays: the purge log, the ledger and a UUID-only audit entry.
    let log = s.purge_log(10).unwrap();
    assert_eq!((log[0].candidate_uuid.as_str(), log[0].rule), (ann.as_str(), Rule::Pool));
    assert_eq!(log[0].counts["emails"], 1);
    assert_eq!(s.erasure_ledger().unwrap()[0].0, ann);
    let audit = s.audit_entries(Some(&ann), 1).unwrap();
    assert_eq!((audit[0].action.as_str(), audit[0].detail.as_deref()), ("purge", Some("rule pool")));
    assert!(s.verify_audit().unwrap().first_broken.is_none());
    // The purged UUID is told as such.
    let e = s.retention_status(&hr(t(2026, 3, 1)), &ann).unwrap_err();
    assert_eq!(e.code(), "purged");
}

#[test]
fn only_what_the_candidate_does_moves_last_contact() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let j1 = job(&mut s, t(2024, 1, 1), "FR");
    let j2 = job(&mut s, t(2024, 1, 1), "FR");
    let c = person(&mut s, t(2024, 1, 10), "Bo Chen", "bo@example.org");
    let app = s.apply(&hr(t(2024, 1, 10)), &c, &j1).unwrap().uuid;
    // HR alone: stage moves, notes, edits, views, holds released... nothing moves the date.
    s.move_stage(&hr(t(2024, 6, 1)), &app, Stage::Screening, None).unwrap();
    s.add_note(&hr(t(2024, 7, 1)), &c, note("Called back")).unwrap();
    s.profile(&hr(t(2024, 8, 1)), &c).unwrap();
    let st = s.retention_status(&hr(t(2024, 9, 1)), &c).unwrap();
    assert_eq!(st.last_contact_at, t(2024, 1, 10));
    assert_eq!(st.due, Some(t(2026, 1, 10)));
    // A new application does.
    s.apply(&hr(t(2025, 3, 3)), &c, &j2).unwrap();
    assert_eq!(s.retention_status(&hr(t(2025, 3, 4)), &c).unwrap().due, Some(t(2027, 3, 3)));
    // So does a confirmed renewal, which also withdraws an objection.
    s.record_objection(&hr(t(2025, 4, 1)), &c).unwrap();
    let st = s.renew_consent(&hr(t(2025, 5, 5)), &c).unwrap();
    assert_eq!((st.due, st.objected_at), (Some(t(2027, 5, 5)), None));
    // A lower pool period applies to everyone at once; a higher one is refused.
    assert_eq!(s.set_pool_months(&hr(t(2025, 5, 6)), 25).unwrap_err().code(), "invalid_input");
    s.set_pool_months(&hr(t(2025, 5, 6)), 6).unwrap();
    assert_eq!(s.retention_status(&hr(t(2025, 5, 7)), &c).unwrap().due, Some(t(2025, 11, 5)));
}

#[test]
fn an_objection_waits_for_the_open_application_then_purges() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let j = job(&mut s, t(2025, 1, 1), "FR");
    let c = person(&mut s, t(2025, 1, 2), "Cy Diaz", "cy@example.org");
    let lone = person(&mut s, t(2025, 1, 2), "Di Eve", "di@example.org");
    let app = s.apply(&hr(t(2025, 1, 2)), &c, &j).unwrap().uuid;
    let o = s.record_objection(&hr(t(2025, 2, 1)), &c).unwrap();
    assert!(o.purged.is_none());
    assert_eq!(o.status.unwrap().rule, Rule::Pool);
    assert!(purged(&mut s, t(2025, 2, 2)).is_empty());
    s.move_stage(&hr(t(2025, 3, 1)), &app, Stage::Rejected, Some("Position filled")).unwrap();
    let report = s.purge(&hr(t(2025, 3, 1)), t(2025, 3, 1), false).unwrap();
    assert_eq!(report.purged.len(), 1);
    assert_eq!((report.purged[0].candidate_uuid.as_str(), report.purged[0].rule), (c.as_str(), Rule::Objection));
    assert_eq!(report.purged[0].counts.applications, 1);
    assert_eq!(report.purged[0].counts.stage_events, 2);
    // Without an open application the objection purges at once.
    let o = s.record_objection(&hr(t(2025, 3, 2)), &lone).unwrap();
    assert_eq!(o.purged.unwrap().rule, Rule::Objection);
    assert!(!exists(&mut s, &lone));
}

#[test]
fn erasure_is_immediate_refused_for_a_hire_who_can_be_restricted() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let j = job(&mut s, t(2025, 1, 1), "FR");
    let c = person(&mut s, t(2025, 1, 2), "Ed Fox", "ed@example.org");
    let o = s.confirm_erasure(&hr(t(2025, 1, 3)), &c).unwrap();
    assert_eq!(o.purged.unwrap().rule, Rule::Erasure);
    assert!(!exists(&mut s, &c));

    let h = person(&mut s, t(2025, 1, 2), "Flo Gray", "flo@example.org");
    let app = s.apply(&hr(t(2025, 1, 2)), &h, &j).unwrap().uuid;
    s.move_stage(&hr(t(2025, 2, 1)), &app, Stage::Offer, None).unwrap();
    s.move_stage(&hr(t(2025, 2, 2)), &app, Stage::Hired, None).unwrap();
    let e = s.confirm_erasure(&hr(t(2025, 3, 1)), &h).unwrap_err();
    assert_eq!(e.code(), "hired_cannot_be_erased");
    assert!(e.to_string().contains("Restrict"));
    let st = s.retention_status(&hr(t(2025, 3, 1)), &h).unwrap();
    assert_eq!((st.erasure_confirmed_at, st.rule), (None, Rule::ContractRunning));
    assert_eq!(s.search(&hr(t(2025, 3, 1)), "flo", &Default::default()).unwrap().len(), 1);
    let st = s.restrict(&hr(t(2025, 3, 2)), &h).unwrap();
    assert_eq!(st.restricted_at, Some(t(2025, 3, 2)));
    assert!(s.search(&hr(t(2025, 3, 3)), "flo", &Default::default()).unwrap().is_empty());
    assert!(exists(&mut s, &h));
}

#[test]
fn a_hire_is_kept_while_the_contract_runs_then_for_the_country_period() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let fr = job(&mut s, t(2020, 1, 1), "FR");
    let de = job(&mut s, t(2020, 1, 1), "DE");
    let hire = |s: &mut Store, j: &str, name: &str, email: &str| {
        let c = person(s, t(2020, 1, 2), name, email);
        let app = s.apply(&hr(t(2020, 1, 2)), &c, j).unwrap().uuid;
        s.move_stage(&hr(t(2020, 2, 1)), &app, Stage::Offer, None).unwrap();
        s.move_stage(&hr(t(2020, 2, 2)), &app, Stage::Hired, None).unwrap();
        (c, app)
    };
    let (a, a_app) = hire(&mut s, &fr, "Gil Ho", "gil@example.org");
    let (b, b_app) = hire(&mut s, &de, "Hal Ito", "hal@example.org");
    assert!(purged(&mut s, t(2026, 1, 1)).is_empty(), "nobody goes while the contract runs");
    s.set_retention_period(&hr(t(2026, 1, 1)), "de", 10).unwrap();
    assert_eq!(s.set_retention_period(&hr(t(2026, 1, 1)), "DE", 0).unwrap_err().code(), "invalid_input");
    let end = NaiveDate::from_ymd_opt(2024, 2, 29);
    s.set_contract_end(&hr(t(2026, 1, 1)), &a_app, end).unwrap();
    let st = s.set_contract_end(&hr(t(2026, 1, 1)), &b_app, end).unwrap();
    assert_eq!((st.rule, st.due), (Rule::HiredRetention, Some(Utc.with_ymd_and_hms(2034, 2, 28, 0, 0, 0).unwrap())));
    assert!(purged(&mut s, Utc.with_ymd_and_hms(2029, 2, 27, 23, 59, 59).unwrap()).is_empty());
    assert_eq!(purged(&mut s, Utc.with_ymd_and_hms(2029, 2, 28, 0, 0, 0).unwrap()), vec![a]);
    assert!(exists(&mut s, &b));
    // A contract end only on a hire.
    let c = person(&mut s, t(2029, 3, 1), "Ivy Jo", "ivy@example.org");
    let app = s.apply(&hr(t(2029, 3, 1)), &c, &fr).unwrap().uuid;
    assert_eq!(s.set_contract_end(&hr(t(2029, 3, 1)), &app, end).unwrap_err().code(), "invalid_input");
}

#[test]
fn a_legal_hold_suspends_the_purge_is_listed_and_ends() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let c = person(&mut s, t(2020, 1, 1), "Jo Kim", "jo@example.org");
    let k = person(&mut s, t(2020, 1, 1), "Ky Lee", "ky@example.org");
    s.place_hold(&hr(t(2021, 1, 1)), &c, "Labour court case 2021-114", None).unwrap();
    s.place_hold(&hr(t(2021, 1, 1)), &k, "Tax audit", Some(t(2023, 1, 1))).unwrap();
    assert_eq!(s.place_hold(&hr(t(2021, 1, 1)), &k, "  ", None).unwrap_err().code(), "invalid_input");
    assert_eq!(s.place_hold(&hr(t(2021, 1, 1)), &k, "x", Some(t(2020, 1, 1))).unwrap_err().code(), "invalid_input");
    let report = s.purge(&hr(t(2022, 6, 1)), t(2022, 6, 1), false).unwrap();
    assert!(report.purged.is_empty());
    assert_eq!(report.held.len(), 2);
    let holds = s.holds(t(2022, 6, 1)).unwrap();
    assert_eq!(holds.len(), 2);
    assert!(holds.iter().all(|h| h.in_force && h.placed_by == "hr.alice"));
    // The dated hold ends by itself; the other needs a release.
    assert_eq!(purged(&mut s, t(2023, 1, 1)), vec![k]);
    assert!(exists(&mut s, &c));
    let released = s.release_holds(&hr(t(2023, 2, 1)), &c).unwrap();
    assert!(released[0].released_at.is_some() && !released[0].in_force);
    assert_eq!(s.release_holds(&hr(t(2023, 2, 1)), &c).unwrap_err().code(), "invalid_input");
    assert_eq!(purged(&mut s, t(2023, 2, 1)), vec![c]);
    // Refused categories stay out of a hold's reason too.
    let l = person(&mut s, t(2023, 2, 1), "Lu Ma", "lu@example.org");
    let e = s.place_hold(&hr(t(2023, 2, 1)), &l, "pending her pregnancy leave", None).unwrap_err();
    assert_eq!(e.code(), "sensitive_data");
}

#[test]
fn health_tells_who_is_overdue_and_when_the_last_purge_ran() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let a = person(&mut s, t(2020, 1, 1), "Al Due", "al@example.org");
    let b = person(&mut s, t(2020, 1, 1), "Bea Held", "bea@example.org");
    person(&mut s, t(2023, 1, 1), "Cy Fresh", "cy@example.org");
    s.place_hold(&hr(t(2021, 1, 1)), &b, "Audit", None).unwrap();
    let h = s.retention_health(t(2023, 6, 1)).unwrap();
    assert_eq!((h.last_purge, h.overdue, h.held, h.incremental_vacuum), (None, 1, 1, true));
    assert_eq!(purged(&mut s, t(2023, 6, 1)), vec![a]);
    let h = s.retention_health(t(2023, 6, 2)).unwrap();
    assert_eq!((h.last_purge, h.overdue, h.held, h.free_pages), (Some(t(2023, 6, 1)), 0, 1, 0));
}

#[test]
fn upcoming_lists_who_goes_within_the_days_soonest_first() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let j = job(&mut s, t(2020, 1, 1), "FR");
    let soon = person(&mut s, t(2024, 1, 20), "Soon Due", "soon@example.org");
    let sooner = person(&mut s, t(2024, 1, 5), "Sooner Due", "sooner@example.org");
    let later = person(&mut s, t(2024, 3, 1), "Later Due", "later@example.org");
    let hire = person(&mut s, t(2020, 1, 1), "Long Hire", "hire@example.org");
    let app = s.apply(&hr(t(2020, 1, 1)), &hire, &j).unwrap().uuid;
    s.move_stage(&hr(t(2020, 1, 2)), &app, Stage::Offer, None).unwrap();
    s.move_stage(&hr(t(2020, 1, 3)), &app, Stage::Hired, None).unwrap();
    s.place_hold(&hr(t(2025, 1, 1)), &sooner, "Audit", None).unwrap();
    let list = s.upcoming_purges(t(2026, 1, 1), 30).unwrap();
    let names: Vec<(&str, bool)> = list.iter().map(|u| (u.full_name.as_str(), u.held)).collect();
    assert_eq!(names, vec![("Sooner Due", true), ("Soon Due", false)]);
    assert_eq!(list[1].emails, vec!["soon@example.org".to_owned()]);
    assert_eq!((list[1].due, list[1].rule), (t(2026, 1, 20), Rule::Pool));
    // Overdue people (not purged yet) are listed too; a hire whose contract runs never.
    let list = s.upcoming_purges(t(2026, 4, 1), 0).unwrap();
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|u| u.candidate_uuid != hire));
    let _ = (soon, later);
}

#[test]
fn a_dry_run_changes_nothing_and_a_future_date_only_previews() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let c = person(&mut s, t(2020, 1, 1), "Mo Ng", "mo@example.org");
    s.add_note(&hr(t(2020, 1, 2)), &c, note("Good call")).unwrap();
    let before = d.dir.db_path();
    s.checkpoint().unwrap();
    let hash = sha256_file(&before);
    let report = s.purge(&hr(t(2021, 1, 1)), t(2030, 1, 1), true).unwrap();
    assert_eq!(report.purged.len(), 1);
    assert_eq!(report.purged[0].counts.notes, 1);
    assert!(report.cleanup.is_none());
    s.checkpoint().unwrap();
    assert_eq!(sha256_file(&before), hash, "a dry run wrote to the database");
    let e = s.purge(&hr(t(2021, 1, 1)), t(2030, 1, 1), false).unwrap_err();
    assert!(matches!(e, PipelineError::Retention(_)));
    assert!(exists(&mut s, &c));
}

#[test]
fn the_purge_log_and_the_ledger_are_append_only_and_hold_no_name() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let c = person(&mut s, t(2020, 1, 1), "Nell Oakes", "nell@example.org");
    purged(&mut s, t(2023, 1, 1));
    let conn = s.connection();
    for sql in [
        "UPDATE purge_log SET rule = 'pool'",
        "DELETE FROM purge_log",
        "UPDATE erasure_ledger SET erased_at = ''",
        "DELETE FROM erasure_ledger",
    ] {
        let e = conn.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    let dump: String = conn
        .query_row("SELECT group_concat(candidate_uuid || purged_at || rule || counts) FROM purge_log", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(dump.contains(&c) && !dump.contains("Nell") && !dump.contains("nell@"));
}

#[test]
fn a_new_database_reclaims_free_pages_incrementally() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let mode: i64 = s.connection().query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, 2, "incremental auto-vacuum is set when the database is created");
    let c = person(&mut s, t(2020, 1, 1), "Oz Park", "oz@example.org");
    let big = "lorem ipsum dolor ".repeat(40_000);
    s.add_document(
        &hr(t(2020, 1, 1)),
        &c,
        Upload { kind: "cv", file_name: "cv.txt", bytes: big.as_bytes() },
        DEFAULT_SIZE_LIMIT,
        &extractor(),
    )
    .unwrap();
    s.checkpoint().unwrap();
    let size = std::fs::metadata(d.dir.db_path()).unwrap().len();
    let report = s.purge(&hr(t(2023, 1, 1)), t(2023, 1, 1), false).unwrap();
    let cleanup = report.cleanup.unwrap();
    assert!(cleanup.index_optimised && cleanup.wal_truncated && !cleanup.vacuumed);
    assert!(cleanup.pages_reclaimed > 100, "{cleanup:?}");
    let free: i64 = s.connection().query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert_eq!(free, 0);
    assert!(std::fs::metadata(d.dir.db_path()).unwrap().len() < size / 2);
    assert_eq!(std::fs::metadata(d.dir.root().join("vivier.db-wal")).map(|m| m.len()).unwrap_or(0), 0);
}

// ----- residue -----

/// Decrypts every page of a SQLCipher 4 file (AES-256-CBC, a 16-byte IV and the page's HMAC
/// reserved at the end of each page, the salt in place of page 1's first 16 bytes) and of
/// every frame of its WAL, and returns the plaintext, lower-cased.
fn decrypted(db: &std::path::Path, key: &DbKey, page_size: usize, page_hmac: &str) -> Vec<u8> {
    // The IV and the HMAC, rounded up to the AES block: 16 + 32 = 48, or 16 + 64 = 80.
    let reserve: usize = match page_hmac {
        "HMAC_SHA256" => 48,
        "HMAC_SHA512" => 80,
        other => panic!("unexpected page HMAC {other}"),
    };
    let decrypt_page = |page: &[u8], first: bool| -> Vec<u8> {
        let offset = if first { 16 } else { 0 };
        let iv = &page[page_size - reserve..page_size - reserve + 16];
        let mut body = page[offset..page_size - reserve].to_vec();
        let dec = cbc::Decryptor::<Aes256>::new(key.expose_secret_bytes().into(), iv.into());
        dec.decrypt_padded_mut::<NoPadding>(&mut body).unwrap();
        body
    };
    let mut out = Vec::new();
    let bytes = std::fs::read(db).unwrap();
    for (i, page) in bytes.chunks(page_size).enumerate() {
        if page.len() == page_size {
            out.extend(decrypt_page(page, i == 0));
        }
    }
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    if wal.len() > 32 {
        for frame in wal[32..].chunks(24 + page_size) {
            if frame.len() == 24 + page_size {
                let number = u32::from_be_bytes(frame[0..4].try_into().unwrap());
                out.extend(decrypt_page(&frame[24..], number == 1));
            }
        }
    }
    out.make_ascii_lowercase();
    out
}

#[test]
fn a_purge_leaves_no_canary_in_the_decrypted_pages_wal_or_index() {
    canary_purge(0);
}

/// The same with 1,200 other people purged at once, by the scheduled purge rather than a
/// request: a bulk purge, which works with a larger page cache and gives it back.
#[test]
fn a_bulk_purge_leaves_no_canary_either() {
    canary_purge(1_200);
}

fn canary_purge(others: usize) {
    const CANARY: &str = "zqxcanary";
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let key = key_of(&d.dir);
    let report = s.cipher_report().unwrap();
    let (page_size, page_hmac) = (report.page_size as usize, report.page_hmac);
    assert_eq!(page_hmac, "HMAC_SHA256", "a new store authenticates its pages with HMAC-SHA256");
    let j = job(&mut s, t(2025, 1, 1), "FR");
    let at = hr(t(2025, 1, 2));
    let c = s
        .add_candidate(
            &at,
            NewCandidate {
                full_name: "Zqxcanary Lima".into(),
                emails: vec!["zqxcanary@example.org".into()],
                phone: Some("+33 7 99 88 77 66".into()),
                source: Source::Agency("Zqxcanary Interim".into()),
                language: Language::Fr,
            },
        )
        .unwrap()
        .uuid;
    let open = s.apply(&at, &c, &j).unwrap().uuid;
    let j2 = job(&mut s, t(2025, 1, 1), "FR");
    let closed = s.apply(&at, &c, &j2).unwrap().uuid;
    s.move_stage(&at, &closed, Stage::Rejected, Some("zqxcanary reason")).unwrap();
    s.move_stage(&at, &open, Stage::Offer, None).unwrap();
    s.set_hiring_details(
        &at,
        &open,
        HiringDetails {
            address: Some("1 rue Zqxcanary, Paris".into()),
            birth_place: Some("Zqxcanary-sur-Mer".into()),
            nir: Some("185057800608491".into()),
            iban: Some("FR7630006000011234567890189".into()),
            emergency_name: Some("Zqxcanary Senior".into()),
            emergency_phone: Some("+33799887700".into()),
            ..HiringDetails::default()
        },
    )
    .unwrap();
    s.declare_custom_field(&at, "Shoe size", FieldKind::Text, Stage::Offer).unwrap();
    s.set_custom_value(&at, &open, "Shoe size", "zqxcanary 43").unwrap();
    s.add_note(
        &at,
        &c,
        NewNote {
            body: "zqxcanary interview went well".into(),
            feedback: true,
            application: Some(open.clone()),
            ratings: vec![("Zqxcanary skill".into(), 4)],
        },
    )
    .unwrap();
    let cv = format!(
        "Curriculum vitae {CANARY}\nMembre du syndicat CGT depuis 2010.\n{}",
        "experience zqxcanary ".repeat(3000)
    );
    for (kind, name) in [("cv", "zqxcanary-cv.txt"), ("letter", "zqxcanary-letter.txt")] {
        s.add_document(
            &at,
            &c,
            Upload { kind, file_name: name, bytes: cv.as_bytes() },
            DEFAULT_SIZE_LIMIT,
            &extractor(),
        )
        .unwrap();
    }
    s.place_hold(&at, &c, "zqxcanary case", None).unwrap();
    s.release_holds(&at, &c).unwrap();
    // A message as the mail intake will store it (raw source included).
    let cid: i64 = s.connection().query_row("SELECT id FROM candidates WHERE uuid = ?1", [&c], |r| r.get(0)).unwrap();
    s.connection()
        .execute(
            "INSERT INTO messages (uuid, candidate_id, direction, message_id, subject, from_addr, body_text, raw,
                                   received_at)
             VALUES ('m-1', ?1, 'inbound', '<zqxcanary@mail>', 'Re: zqxcanary', 'zqxcanary@example.org',
                     'zqxcanary body', CAST('Subject: zqxcanary raw source' AS BLOB), '2025-01-02T10:00:00.000000Z')",
            [cid],
        )
        .unwrap();
    let flags: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM guard_flags WHERE candidate_id = ?1", [cid], |r| r.get(0))
        .unwrap();
    assert!(flags > 0, "the CV's union membership is flagged");
    s.checkpoint().unwrap();
    let needles: [&[u8]; 5] =
        [CANARY.as_bytes(), b"799887766", b"185057800608491", b"30006000011234567890189", b"799887700"];
    let plain = decrypted(&d.dir.db_path(), &key, page_size, &page_hmac);
    for needle in needles {
        assert!(contains(&plain, needle), "the decryption works: {} is there before", String::from_utf8_lossy(needle));
    }

    for i in 0..others {
        let o = person(&mut s, t(2025, 1, 2), &format!("Other {i}"), &format!("other{i}@example.org"));
        let text = format!("Other curriculum {i} with common words experience and skills");
        s.add_document(
            &at,
            &o,
            Upload { kind: "cv", file_name: "cv.txt", bytes: text.as_bytes() },
            DEFAULT_SIZE_LIMIT,
            &extractor(),
        )
        .unwrap();
    }
    let counts = if others == 0 {
        s.confirm_erasure(&hr(t(2025, 2, 1)), &c).unwrap().purged.unwrap().counts
    } else {
        // Everybody is past the pool period: one purge takes them all.
        let report = s.purge(&hr(t(2027, 6, 1)), t(2027, 6, 1), false).unwrap();
        assert_eq!(report.purged.len(), others + 1);
        assert!(report.cleanup.as_ref().unwrap().index_optimised);
        let cache: i64 = s.connection().query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap();
        assert_eq!(cache, -32_768, "the bulk purge's page cache is given back");
        report.purged.into_iter().find(|p| p.candidate_uuid == c).unwrap().counts
    };
    assert_eq!((counts.documents, counts.notes, counts.messages, counts.applications), (2, 1, 1, 2));
    assert_eq!((counts.hiring_details, counts.custom_values, counts.ratings, counts.holds), (1, 1, 1, 1));
    assert!(counts.flags > 0 && counts.index_entries >= 3, "{counts:?}");
    drop(s);

    let plain = decrypted(&d.dir.db_path(), &key, page_size, &page_hmac);
    for needle in needles {
        assert!(!contains(&plain, needle), "{} survived the purge", String::from_utf8_lossy(needle));
    }
    // And the index, asked through SQLite: no term, no passage.
    let mut s = d.open().unwrap();
    let conn = s.connection();
    conn.execute_batch("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, search_index, row);").unwrap();
    let terms: i64 =
        conn.query_row("SELECT count(*) FROM temp.terms WHERE term LIKE '%zqxcanary%'", [], |r| r.get(0)).unwrap();
    assert_eq!(terms, 0);
    let hits: i64 = conn
        .query_row("SELECT count(*) FROM search_index WHERE search_index MATCH 'zqxcanary'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(hits, 0);
}

// ----- property -----

/// The test's own model of one candidate, and its own reading of the policy (24 months
/// after last contact; objection once nothing is open; erasure at once; hires: contract end
/// + 5 years in France; holds suspend).
#[derive(Debug, Clone)]
struct Model {
    uuid: String,
    last: DateTime<Utc>,
    objected: Option<DateTime<Utc>>,
    erasure: Option<DateTime<Utc>>,
    apps: Vec<(String, usize, Stage, Option<NaiveDate>)>,
    holds: Vec<(DateTime<Utc>, Option<DateTime<Utc>>, bool)>,
}

impl Model {
    fn due(&self) -> Option<DateTime<Utc>> {
        let hires: Vec<_> = self.apps.iter().filter(|a| a.2 == Stage::Hired).collect();
        if !hires.is_empty() {
            let mut due = None;
            for h in hires {
                let end = h.3?;
                let at = Utc.from_utc_datetime(&end.and_hms_opt(0, 0, 0).unwrap()).checked_add_months(Months::new(60));
                due = due.max(at);
            }
            return due;
        }
        let mut due = self.last.checked_add_months(Months::new(24)).unwrap();
        if let Some(o) = self.objected
            && !self.apps.iter().any(|a| a.2.is_open())
        {
            due = due.min(o);
        }
        if let Some(e) = self.erasure {
            due = due.min(e);
        }
        Some(due)
    }

    fn held(&self, now: DateTime<Utc>) -> bool {
        self.holds.iter().any(|(from, until, released)| !released && *from <= now && until.is_none_or(|u| now < u))
    }

    fn goes(&self, now: DateTime<Utc>) -> bool {
        !self.held(now) && self.due().is_some_and(|d| d <= now)
    }
}

#[test]
fn property_random_histories_nobody_early_nobody_late_holds_honoured() {
    for seed in [7u64, 1234, 99_991] {
        let mut x = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
        let mut rnd = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let d = TempDataDir::with_passphrase();
        let mut s = d.open().unwrap();
        let mut now = t(2020, 1, 1);
        let jobs: Vec<String> = (0..3).map(|_| job(&mut s, now, "FR")).collect();
        let mut people: Vec<Model> = Vec::new();
        let mut serial = 0;
        let (mut purges, mut gone) = (0, 0);
        for step in 0..260 {
            now += Duration::days(rnd(90) as i64) + Duration::seconds(rnd(86_400) as i64);
            let st = hr(now);
            let pick = if people.is_empty() { 0 } else { rnd(people.len() as u64) as usize };
            let ctx = format!("seed {seed} step {step} at {now}");
            match rnd(11) {
                0 | 1 if people.len() < 14 => {
                    serial += 1;
                    let uuid = person(&mut s, now, &format!("Person {serial}"), &format!("p{serial}@example.org"));
                    people.push(Model { uuid, last: now, objected: None, erasure: None, apps: vec![], holds: vec![] });
                }
                2 if !people.is_empty() => {
                    let p = &mut people[pick];
                    let free: Vec<usize> = (0..3).filter(|j| !p.apps.iter().any(|a| a.1 == *j)).collect();
                    if let Some(&j) = free.get(rnd(free.len().max(1) as u64) as usize) {
                        let app = s.apply(&st, &p.uuid, &jobs[j]).unwrap().uuid;
                        p.apps.push((app, j, Stage::New, None));
                        p.last = p.last.max(now);
                    }
                }
                3 if !people.is_empty() => {
                    let p = &mut people[pick];
                    if !p.apps.is_empty() {
                        let a = rnd(p.apps.len() as u64) as usize;
                        let to = [
                            Stage::Screening,
                            Stage::Offer,
                            Stage::Hired,
                            Stage::Rejected,
                            Stage::Withdrawn,
                            Stage::New,
                        ][rnd(6) as usize];
                        if s.move_stage(&st, &p.apps[a].0, to, Some("not this time")).is_ok() {
                            p.apps[a].2 = to;
                        }
                    }
                }
                4 | 5 if !people.is_empty() => {
                    let erase = rnd(2) == 0;
                    let p = &mut people[pick];
                    let hired = p.apps.iter().any(|a| a.2 == Stage::Hired);
                    let outcome = if erase {
                        match s.confirm_erasure(&st, &p.uuid) {
                            Err(e) => {
                                assert!(hired && e.code() == "hired_cannot_be_erased", "{ctx}: {e}");
                                continue;
                            }
                            Ok(o) => {
                                assert!(!hired, "{ctx}: a hire was erased");
                                p.erasure = p.erasure.or(Some(now));
                                o
                            }
                        }
                    } else {
                        let o = s.record_objection(&st, &p.uuid).unwrap();
                        p.objected = p.objected.or(Some(now));
                        o
                    };
                    assert_eq!(outcome.purged.is_some(), p.goes(now), "{ctx}: request outcome {p:?}");
                    if outcome.purged.is_some() {
                        people.remove(pick);
                        gone += 1;
                    }
                }
                6 if !people.is_empty() => {
                    let p = &mut people[pick];
                    s.renew_consent(&st, &p.uuid).unwrap();
                    p.last = p.last.max(now);
                    p.objected = None;
                }
                7 if !people.is_empty() => {
                    let p = &mut people[pick];
                    if rnd(2) == 0 || p.holds.iter().all(|h| h.2) {
                        let until = (rnd(2) == 0).then(|| now + Duration::days(1 + rnd(400) as i64));
                        s.place_hold(&st, &p.uuid, "Litigation", until).unwrap();
                        p.holds.push((now, until, false));
                    } else {
                        s.release_holds(&st, &p.uuid).unwrap();
                        p.holds.iter_mut().for_each(|h| h.2 = true);
                    }
                }
                8 if !people.is_empty() => {
                    let p = &mut people[pick];
                    if let Some(a) = p.apps.iter_mut().find(|a| a.2 == Stage::Hired) {
                        let end = (now.date_naive() + Duration::days(rnd(500) as i64 - 100)).into();
                        s.set_contract_end(&st, &a.0, end).unwrap();
                        a.3 = end;
                    }
                }
                _ => {
                    purges += 1;
                    let report = s.purge(&st, now, false).unwrap();
                    let mut expected: Vec<String> =
                        people.iter().filter(|p| p.goes(now)).map(|p| p.uuid.clone()).collect();
                    let mut got: Vec<String> = report.purged.iter().map(|p| p.candidate_uuid.clone()).collect();
                    expected.sort();
                    got.sort();
                    assert_eq!(got, expected, "{ctx}: purged set");
                    people.retain(|p| !p.goes(now));
                    gone += got.len();
                    // Nobody left past their date, unless held; everybody held is reported.
                    for p in &people {
                        assert!(exists(&mut s, &p.uuid), "{ctx}: {} vanished", p.uuid);
                        let status = s.retention_status(&st, &p.uuid).unwrap();
                        assert_eq!(status.due, p.due(), "{ctx}: due date of {p:?}");
                        assert_eq!(status.held, p.held(now), "{ctx}: hold of {p:?}");
                    }
                }
            }
        }
        assert!(purges > 10 && gone > 5, "seed {seed}: the history exercised too little ({purges} runs, {gone} gone)");
        assert!(s.verify_audit().unwrap().first_broken.is_none());
    }
}
