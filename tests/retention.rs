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
use vivier::db::seed::Xorshift;
use vivier::documents::Upload;
use vivier::hiring::{FieldKind, HiringDetails};
use vivier::keys::DbKey;
use vivier::pipeline::{Language, NewCandidate, NewNote, PipelineError, Source, Stage};
use vivier::retention::policy::Rule;

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
    // In a hiring process nobody is due; once it closes, the pool runs from the close.
    assert_eq!((st.rule, st.due), (Rule::ApplicationOpen, None));
    s.move_stage(&hr(t(2024, 9, 2)), &app, Stage::Withdrawn, None).unwrap();
    let st = s.retention_status(&hr(t(2024, 9, 3)), &c).unwrap();
    assert_eq!((st.last_contact_at, st.rule, st.due), (t(2024, 1, 10), Rule::Pool, Some(t(2026, 9, 2))));
    // A new application moves last contact.
    let app2 = s.apply(&hr(t(2025, 3, 3)), &c, &j2).unwrap().uuid;
    assert_eq!(s.retention_status(&hr(t(2025, 3, 4)), &c).unwrap().last_contact_at, t(2025, 3, 3));
    // So does a confirmed renewal, which also withdraws an objection.
    s.record_objection(&hr(t(2025, 4, 1)), &c).unwrap();
    let st = s.renew_consent(&hr(t(2025, 5, 5)), &c).unwrap();
    assert_eq!((st.last_contact_at, st.objected_at), (t(2025, 5, 5), None));
    s.move_stage(&hr(t(2025, 5, 6)), &app2, Stage::Rejected, Some("Another profile")).unwrap();
    assert_eq!(s.retention_status(&hr(t(2025, 5, 7)), &c).unwrap().due, Some(t(2027, 5, 6)));
    // A lower pool period applies to everyone at once; a higher one is refused.
    assert_eq!(s.set_pool_months(&hr(t(2025, 5, 6)), 25).unwrap_err().code(), "invalid_input");
    s.set_pool_months(&hr(t(2025, 5, 6)), 6).unwrap();
    assert_eq!(s.retention_status(&hr(t(2025, 5, 7)), &c).unwrap().due, Some(t(2025, 11, 6)));
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
    assert_eq!(o.status.unwrap().rule, Rule::ApplicationOpen);
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
    // The whole last day (29 February) counts: the period runs from 1 March.
    assert_eq!((st.rule, st.due), (Rule::HiredRetention, Some(Utc.with_ymd_and_hms(2034, 3, 1, 0, 0, 0).unwrap())));
    assert!(purged(&mut s, Utc.with_ymd_and_hms(2029, 2, 28, 23, 59, 59).unwrap()).is_empty());
    assert_eq!(purged(&mut s, Utc.with_ymd_and_hms(2029, 3, 1, 0, 0, 0).unwrap()), vec![a]);
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
    s.place_hold(&hr(t(2021, 1, 1)), &k, "Tax audit", Some(day(2022, 12, 31))).unwrap();
    assert_eq!(s.place_hold(&hr(t(2021, 1, 1)), &k, "  ", None).unwrap_err().code(), "invalid_input");
    assert_eq!(s.place_hold(&hr(t(2021, 1, 1)), &k, "x", Some(day(2020, 1, 1))).unwrap_err().code(), "invalid_input");
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
        s.add_document(&at, &c, Upload { kind, file_name: name, bytes: cv.as_bytes() }, &extractor()).unwrap();
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
        s.add_document(&at, &o, Upload { kind: "cv", file_name: "cv.txt", bytes: text.as_bytes() }, &extractor())
            .unwrap();
    }
    let counts = if others == 0 {
        s.confirm_erasure(&hr(t(2025, 2, 1)), &c).unwrap().purged.unwrap().counts
    } else {
        // An open application keeps anyone; the canary's offer becomes a hire whose contract
        // ended long ago. Everybody is then past their date: one purge takes them all.
        s.move_stage(&at, &open, Stage::Hired, None).unwrap();
        s.set_contract_end(&at, &open, Some(day(2020, 6, 30))).unwrap();
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

/// One application as the test remembers it.
#[derive(Debug, Clone)]
struct App {
    uuid: String,
    job: usize,
    stage: Stage,
    /// A hire's last contract day.
    end: Option<NaiveDate>,
    /// Its last stage move (a close's date for a rejected or withdrawn one).
    moved: DateTime<Utc>,
}

/// The test's own model of one candidate, written from the policy's rules (issue 11), not
/// from the engine: while any application is open nobody is due; the pool runs from the
/// later of last contact and the last close; an objection is due once nothing is open; an
/// erasure at once (open applications or not); a hire from the day after the contract's
/// last day plus 5 years (France), none while it runs; the latest of several dates wins; a
/// hold keeps from its creation whatever the clock says, until its end; a stored date that
/// does not read keeps the person.
#[derive(Debug, Clone)]
struct Model {
    uuid: String,
    last: DateTime<Utc>,
    objected: Option<DateTime<Utc>>,
    erasure: Option<DateTime<Utc>>,
    apps: Vec<App>,
    holds: Vec<(DateTime<Utc>, Option<DateTime<Utc>>, bool)>,
    unreadable: bool,
}

impl Model {
    fn due(&self, pool: u32) -> Option<DateTime<Utc>> {
        let open = self
            .apps
            .iter()
            .any(|a| matches!(a.stage, Stage::New | Stage::Screening | Stage::Interview | Stage::Offer));
        let closed =
            self.apps.iter().filter(|a| matches!(a.stage, Stage::Rejected | Stage::Withdrawn)).map(|a| a.moved).max();
        let pool_side = (!open).then(|| {
            let from = closed.map_or(self.last, |c| c.max(self.last));
            let pool_date = from.checked_add_months(Months::new(pool)).unwrap();
            match self.objected {
                Some(o) => pool_date.min(closed.map_or(o, |c| c.max(o))),
                None => pool_date,
            }
        });
        let hires: Vec<&App> = self.apps.iter().filter(|a| a.stage == Stage::Hired).collect();
        if hires.is_empty() {
            return match (self.erasure, pool_side) {
                (Some(e), Some(p)) => Some(p.min(e)),
                (Some(e), None) => Some(e),
                (None, p) => p,
            };
        }
        let mut hire_side = None;
        for h in hires {
            let day_after = h.end?.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
            hire_side = hire_side.max(day_after.checked_add_months(Months::new(60)));
        }
        Some(hire_side?.max(pool_side?))
    }

    fn held(&self, now: DateTime<Utc>) -> bool {
        self.holds.iter().any(|(_, until, released)| !released && until.is_none_or(|u| now < u))
    }

    fn goes(&self, now: DateTime<Utc>, pool: u32) -> bool {
        !self.unreadable && !self.held(now) && self.due(pool).is_some_and(|d| d <= now)
    }
}

#[test]
fn property_random_histories_nobody_early_nobody_late_holds_honoured() {
    for seed in [7u64, 1234, 99_991] {
        let mut rng = Xorshift(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1);
        let mut rnd = |m: u64| rng.below(m);
        let d = TempDataDir::with_passphrase();
        let mut s = d.open().unwrap();
        let mut now = t(2020, 1, 1);
        let mut pool = 24;
        let jobs: Vec<String> = (0..3).map(|_| job(&mut s, now, "FR")).collect();
        let mut people: Vec<Model> = Vec::new();
        let mut serial = 0;
        let (mut purges, mut gone, mut backwards, mut reapplied) = (0, 0, 0, 0);
        for step in 0..300 {
            // Mostly forward; now and then the clock goes back (a wrong clock, corrected).
            if rnd(10) == 0 {
                now -= Duration::days(1 + rnd(30) as i64);
                backwards += 1;
            } else {
                now += Duration::days(rnd(90) as i64) + Duration::seconds(rnd(86_400) as i64);
            }
            let st = hr(now);
            let pick = if people.is_empty() { 0 } else { rnd(people.len() as u64) as usize };
            let ctx = format!("seed {seed} step {step} at {now} (pool {pool})");
            match rnd(13) {
                0 | 1 if people.len() < 14 => {
                    serial += 1;
                    let uuid = person(&mut s, now, &format!("Person {serial}"), &format!("p{serial}@example.org"));
                    let p = Model {
                        uuid,
                        last: now,
                        objected: None,
                        erasure: None,
                        apps: vec![],
                        holds: vec![],
                        unreadable: false,
                    };
                    people.push(p);
                }
                2 if !people.is_empty() => {
                    let p = &mut people[pick];
                    let free: Vec<usize> = (0..3).filter(|j| !p.apps.iter().any(|a| a.job == *j)).collect();
                    if let Some(&j) = free.get(rnd(free.len().max(1) as u64) as usize) {
                        let uuid = s.apply(&st, &p.uuid, &jobs[j]).unwrap().uuid;
                        reapplied += usize::from(p.apps.iter().any(|a| a.stage == Stage::Hired));
                        p.apps.push(App { uuid, job: j, stage: Stage::New, end: None, moved: now });
                        // Applying is contact; it also rewrites an unreadable last contact.
                        p.last = if p.unreadable { now } else { p.last.max(now) };
                        p.unreadable = false;
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
                        if s.move_stage(&st, &p.apps[a].uuid, to, Some("not this time")).is_ok() {
                            p.apps[a].stage = to;
                            p.apps[a].moved = now;
                        }
                    }
                }
                4 | 5 if !people.is_empty() && !people[pick].unreadable => {
                    let erase = rnd(2) == 0;
                    let p = &mut people[pick];
                    let hired = p.apps.iter().any(|a| a.stage == Stage::Hired);
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
                    assert_eq!(outcome.purged.is_some(), p.goes(now, pool), "{ctx}: request outcome {p:?}");
                    if outcome.purged.is_some() {
                        people.remove(pick);
                        gone += 1;
                    }
                }
                6 if !people.is_empty() => {
                    let p = &mut people[pick];
                    s.renew_consent(&st, &p.uuid).unwrap();
                    p.last = if p.unreadable { now } else { p.last.max(now) };
                    p.unreadable = false;
                    p.objected = None;
                }
                7 if !people.is_empty() => {
                    let p = &mut people[pick];
                    if rnd(2) == 0 || p.holds.iter().all(|h| h.2) {
                        let last_day = (rnd(2) == 0).then(|| now.date_naive() + Duration::days(1 + rnd(400) as i64));
                        s.place_hold(&st, &p.uuid, "Litigation", last_day).unwrap();
                        let until = last_day.map(|d| d.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc());
                        p.holds.push((now, until, false));
                    } else {
                        s.release_holds(&st, &p.uuid).unwrap();
                        p.holds.iter_mut().for_each(|h| h.2 = true);
                    }
                }
                8 if !people.is_empty() && !people[pick].unreadable => {
                    let p = &mut people[pick];
                    if let Some(a) = p.apps.iter_mut().find(|a| a.stage == Stage::Hired) {
                        let end = (now.date_naive() + Duration::days(rnd(500) as i64 - 100)).into();
                        s.set_contract_end(&st, &a.uuid, end).unwrap();
                        a.end = end;
                    }
                }
                9 => {
                    // A lowered (or restored) pool period.
                    pool = [1, 3, 12, 24][rnd(4) as usize];
                    s.set_pool_months(&st, pool).unwrap();
                }
                10 if !people.is_empty() && rnd(3) == 0 => {
                    // A stored date that does not read (sorting before any real one, so the
                    // purge's pre-filter does look at it).
                    let p = &mut people[pick];
                    s.connection()
                        .execute("UPDATE candidates SET last_contact_at = '0000-unreadable' WHERE uuid = ?1", [&p.uuid])
                        .unwrap();
                    p.unreadable = true;
                }
                _ => {
                    purges += 1;
                    let report = s.purge(&st, now, false).unwrap();
                    let mut expected: Vec<String> =
                        people.iter().filter(|p| p.goes(now, pool)).map(|p| p.uuid.clone()).collect();
                    let mut got: Vec<String> = report.purged.iter().map(|p| p.candidate_uuid.clone()).collect();
                    expected.sort();
                    got.sort();
                    assert_eq!(got, expected, "{ctx}: purged set");
                    for p in people.iter().filter(|p| p.unreadable) {
                        assert!(report.unreadable.contains(&p.uuid), "{ctx}: {} kept, and said to be", p.uuid);
                    }
                    people.retain(|p| !p.goes(now, pool));
                    gone += got.len();
                    // Nobody left past their date, unless held; everybody held is reported.
                    for p in &people {
                        assert!(exists(&mut s, &p.uuid), "{ctx}: {} vanished", p.uuid);
                        match s.retention_status(&st, &p.uuid) {
                            Ok(status) => {
                                assert!(!p.unreadable, "{ctx}: an unreadable date was read");
                                assert_eq!(status.due, p.due(pool), "{ctx}: due date of {p:?}");
                                assert_eq!(status.held, p.held(now), "{ctx}: hold of {p:?}");
                            }
                            Err(e) => assert!(p.unreadable && e.code() == "damaged", "{ctx}: {e}"),
                        }
                    }
                }
            }
        }
        assert!(purges > 10 && gone > 5, "seed {seed}: the history exercised too little ({purges} runs, {gone} gone)");
        assert!(backwards > 10, "seed {seed}: the clock went back {backwards} times");
        eprintln!(
            "seed {seed}: {purges} purges, {gone} gone, {backwards} clock steps back, {reapplied} re-applications after a hire"
        );
        assert!(s.verify_audit().unwrap().first_broken.is_none());
    }
}

/// The purge reads the store through the policy's pre-filter (`Prefilter`, as SQL): at any
/// date and pool period, its list is exactly who `decide` finds due over everyone, asked
/// one by one without the pre-filter (`retention_status`).
#[test]
fn the_prefilter_sql_leaves_out_nobody_decide_finds_due() {
    let mut rng = Xorshift(0x2545_F491_4F6C_DD1D);
    let mut rnd = |m: u64| rng.below(m);
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let start = t(2020, 1, 1);
    let jobs: Vec<String> = (0..2).map(|_| job(&mut s, start, "FR")).collect();
    let mut people = Vec::new();
    for i in 0..40 {
        let at = start + Duration::days(rnd(1000) as i64) + Duration::seconds(rnd(86_400) as i64);
        let c = person(&mut s, at, &format!("P {i}"), &format!("p{i}@example.org"));
        if rnd(2) == 0 {
            // An objection while an application is open; the application later withdrawn
            // (or not): due at the objection once nothing is open, long before the pool.
            let applied = at + Duration::days(rnd(30) as i64);
            let app = s.apply(&hr(applied), &c, &jobs[rnd(2) as usize]).unwrap().uuid;
            let objected = applied + Duration::days(1 + rnd(30) as i64);
            s.record_objection(&hr(objected), &c).unwrap();
            if rnd(3) != 0 {
                s.move_stage(&hr(objected + Duration::days(rnd(60) as i64)), &app, Stage::Withdrawn, None).unwrap();
            }
        }
        people.push(c);
    }
    for round in 0..12 {
        let months = 1 + rnd(24) as u32;
        s.set_pool_months(&hr(start), months).unwrap();
        let as_of = start + Duration::days(200 + rnd(1400) as i64) + Duration::seconds(rnd(86_400) as i64);
        let listed: std::collections::BTreeSet<String> =
            s.purge(&hr(as_of), as_of, true).unwrap().purged.into_iter().map(|p| p.candidate_uuid).collect();
        let mut expected = std::collections::BTreeSet::new();
        for c in &people {
            if let Ok(st) = s.retention_status(&hr(as_of), c)
                && !st.held
                && st.due.is_some_and(|due| due <= as_of)
            {
                expected.insert(c.clone());
            }
        }
        assert_eq!(listed, expected, "round {round}: pool {months} months, as of {as_of}");
    }
}

/// A stored date that does not read keeps its person (never a date in 1970 that would
/// make them due at once), the purge says so and goes on with everyone else, and the
/// damaged column is listed for `doctor`.
#[test]
fn an_unreadable_stored_date_keeps_its_person_and_is_reported() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let now = t(2025, 6, 1);
    let ann = person(&mut s, t(2025, 1, 1), "Ann Lee", "ann@example.org");
    let bob = person(&mut s, t(2020, 1, 1), "Bob Ray", "bob@example.org");
    assert!(s.unreadable_dates().unwrap().is_empty());
    s.connection()
        .execute("UPDATE candidates SET last_contact_at = '01/01/2025 09:00' WHERE uuid = ?1", [&ann])
        .unwrap();
    let report = s.purge(&hr(now), now, false).unwrap();
    assert_eq!(report.unreadable, vec![ann.clone()], "kept, and said to be");
    assert_eq!(report.purged.iter().map(|p| p.candidate_uuid.clone()).collect::<Vec<_>>(), vec![bob.clone()]);
    assert!(exists(&mut s, &ann) && !exists(&mut s, &bob));
    let err = s.retention_status(&hr(now), &ann).unwrap_err();
    assert_eq!(err.code().as_str(), "damaged", "{err}");
    assert_eq!(s.retention_health(now).unwrap().unreadable, vec![ann]);
    let bad = s.unreadable_dates().unwrap();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!((bad[0].table.as_str(), bad[0].column.as_str(), bad[0].rows), ("candidates", "last_contact_at", 1));
}
