//! The recruitment pipeline through the engine, on the real encrypted store: jobs,
//! candidates and duplicates, applications and stages, notes, documents, search, timeline
//! and the audit log.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use vivier::db::Store;
use vivier::documents::DEFAULT_SIZE_LIMIT;
use vivier::documents::Upload;
use vivier::pipeline::search::SearchFilter;
use vivier::pipeline::{
    CandidateEdit, JobStatus, Language, NewCandidate, NewJob, NewNote, PipelineError, Source, Stage, Stamp,
};

fn at(day: u32) -> Stamp {
    Stamp::new("hr.alice", Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap())
}

fn job(store: &mut Store, title: &str) -> String {
    store.add_job(&at(1), NewJob { title: title.into(), country: "FR".into(), ..NewJob::default() }).unwrap().uuid
}

fn person(name: &str, email: &str, phone: Option<&str>) -> NewCandidate {
    NewCandidate {
        full_name: name.into(),
        emails: vec![email.into()],
        phone: phone.map(Into::into),
        source: Source::Direct,
        language: Language::Fr,
    }
}

fn count(store: &mut Store, table: &str) -> i64 {
    store.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_duplicate_email_or_phone_offers_the_existing_person_instead_of_a_second_one() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let jeanne = s.add_candidate(&at(1), person("Jeanne Dupont", "jeanne@example.fr", Some("06 12 34 56 78"))).unwrap();

    let err = s.add_candidate(&at(2), person("J. Dupont", "  JEANNE@Example.FR", None)).unwrap_err();
    match &err {
        PipelineError::Duplicate { existing, matched_on, .. } => {
            assert_eq!(existing, &jeanne.uuid);
            assert_eq!(matched_on, "email");
        }
        other => panic!("expected a duplicate, got {other}"),
    }
    assert!(err.to_string().contains("Merge them"), "{err}");

    let err = s.add_candidate(&at(2), person("Jeanne D.", "jd@other.org", Some("+33 6 12 34 56 78"))).unwrap_err();
    assert!(matches!(err, PipelineError::Duplicate { ref matched_on, .. } if matched_on == "phone"), "{err}");
    assert_eq!(count(&mut s, "candidates"), 1);

    // Nor can an edit give someone else's address to a second person.
    let paul = s.add_candidate(&at(3), person("Paul Martin", "paul@example.fr", None)).unwrap();
    let edit = CandidateEdit { add_emails: vec!["Jeanne@example.fr".into()], ..CandidateEdit::default() };
    assert_eq!(s.edit_candidate(&at(3), &paul.uuid, edit).unwrap_err().code(), "duplicate_candidate");
}

#[test]
fn invalid_contact_details_are_refused_and_nothing_is_written() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    for bad in
        [person("", "a@b.fr", None), person("Ana", "not-an-email", None), person("Ana", "a@b.fr", Some("call me"))]
    {
        assert_eq!(s.add_candidate(&at(1), bad).unwrap_err().code(), "invalid_input");
    }
    assert_eq!(count(&mut s, "candidates"), 0);
    assert_eq!(count(&mut s, "audit"), 0);
}

#[test]
fn applications_move_through_stages_and_every_move_is_dated_in_the_timeline() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let job = job(&mut s, "Data engineer");
    let c = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    let app = s.apply(&at(2), &c.uuid, &job).unwrap();
    assert_eq!(app.stage, Stage::New);
    // Applying is the candidate's doing: it renews their last contact.
    assert_eq!(s.candidate(&at(2), &c.uuid).unwrap().last_contact_at, at(2).at);
    assert_eq!(s.apply(&at(2), &c.uuid, &job).unwrap_err().code(), "already_applied");

    s.move_stage(&at(3), &app.uuid, Stage::Screening, None).unwrap();
    s.move_stage(&at(4), &app.uuid, Stage::Interview, None).unwrap();
    assert_eq!(s.move_stage(&at(5), &app.uuid, Stage::Hired, None).unwrap_err().code(), "invalid_transition");
    assert_eq!(s.move_stage(&at(5), &app.uuid, Stage::Rejected, None).unwrap_err().code(), "reason_required");
    let rejected = s.move_stage(&at(6), &app.uuid, Stage::Rejected, Some("Another profile was closer")).unwrap();
    assert_eq!(rejected.closed_reason.as_deref(), Some("Another profile was closer"));
    // HR moving the application does not count as candidate contact.
    assert_eq!(s.candidate(&at(7), &c.uuid).unwrap().last_contact_at, at(2).at);

    let profile = s.profile(&at(7), &c.uuid).unwrap();
    let stages: Vec<_> =
        profile.timeline.iter().filter(|e| e.kind == "stage_change").map(|e| (e.at, e.summary.clone())).collect();
    assert_eq!(stages.len(), 4, "{stages:?}");
    assert_eq!(stages[0].0, at(2).at);
    assert!(stages[0].1.contains("applied to Data engineer"));
    assert!(stages[3].1.contains("interview → rejected (Another profile was closer)"), "{stages:?}");
    assert!(profile.timeline.windows(2).all(|w| w[0].at <= w[1].at), "timeline out of order");

    let board = s.board(&job, None, 0, 50).unwrap();
    let rejected_col = board.columns.iter().find(|c| c.stage == Stage::Rejected).unwrap();
    assert_eq!((rejected_col.total, rejected_col.cards.len()), (1, 1));
    assert_eq!(board.job.open_applications, 0);
}

/// The uuids of a board column's cards, top first.
fn cards_of(board: &vivier::pipeline::Board, stage: Stage) -> Vec<String> {
    let column = board.columns.iter().find(|c| c.stage == stage).unwrap();
    column.cards.iter().map(|c| c.application_uuid.clone()).collect()
}

#[test]
fn a_board_sends_every_columns_count_but_only_a_window_of_its_most_recently_updated_cards() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let other = job(&mut s, "Warehouse operator");
    let job = job(&mut s, "Support technician");
    // Twelve applications, one a day from March 2nd; then the first three are screened.
    let mut apps = Vec::new();
    for i in 0..12 {
        let c = s.add_candidate(&at(1), person(&format!("Person {i:02}"), &format!("p{i}@example.org"), None)).unwrap();
        apps.push(s.apply(&at(2 + i), &c.uuid, &job).unwrap().uuid);
        if i == 0 {
            s.apply(&at(2), &c.uuid, &other).unwrap();
        }
    }
    for (day, app) in [20, 21, 22].into_iter().zip(&apps[..3]) {
        s.move_stage(&at(day), app, Stage::Screening, None).unwrap();
    }
    let ids = |ix: &[usize]| ix.iter().map(|i| apps[*i].clone()).collect::<Vec<_>>();

    let board = s.board(&job, None, 0, 4).unwrap();
    assert_eq!(board.columns.iter().map(|c| c.stage).collect::<Vec<_>>(), Stage::ALL.to_vec());
    let totals: Vec<u64> = board.columns.iter().map(|c| c.total).collect();
    assert_eq!(totals, [9, 3, 0, 0, 0, 0, 0], "the other job's application is not counted");
    assert!(board.columns.iter().all(|c| c.offset == 0));
    // Most recently updated first: the last to apply, the last screened.
    assert_eq!(cards_of(&board, Stage::New), ids(&[11, 10, 9, 8]));
    assert_eq!(cards_of(&board, Stage::Screening), ids(&[2, 1, 0]));

    // One column from an offset: only that column, its count, the next window.
    let more = s.board(&job, Some(Stage::New), 4, 4).unwrap();
    assert_eq!(more.columns.len(), 1);
    assert_eq!((more.columns[0].stage, more.columns[0].total, more.columns[0].offset), (Stage::New, 9, 4));
    assert_eq!(cards_of(&more, Stage::New), ids(&[7, 6, 5, 4]));
    assert_eq!(cards_of(&s.board(&job, Some(Stage::New), 8, 4).unwrap(), Stage::New), ids(&[3]));
    // Past the end, and a window of nothing: no cards, the count still right.
    for (offset, limit) in [(20, 4), (0, 0)] {
        let past = s.board(&job, Some(Stage::New), offset, limit).unwrap();
        assert_eq!((past.columns[0].total, past.columns[0].cards.len()), (9, 0), "{offset} {limit}");
    }
    let empty = s.board(&job, Some(Stage::Offer), 0, 4).unwrap();
    assert_eq!((empty.columns[0].total, empty.columns[0].cards.len()), (0, 0));
    // The whole board at once, as the command line asks for it.
    let all = s.board(&job, None, 0, usize::MAX).unwrap();
    assert_eq!(all.columns.iter().map(|c| c.cards.len()).sum::<usize>(), 12);

    // A card moved is counted in its new column, at its top.
    s.move_stage(&at(23), &apps[11], Stage::Screening, None).unwrap();
    let board = s.board(&job, None, 0, 2).unwrap();
    assert_eq!(board.columns.iter().map(|c| c.total).take(2).collect::<Vec<_>>(), [8, 4]);
    assert_eq!(cards_of(&board, Stage::Screening), ids(&[11, 2]));
    assert_eq!(cards_of(&board, Stage::New), ids(&[10, 9]));
}

#[test]
fn paging_a_board_column_shows_each_card_once_even_when_updated_at_the_same_instant() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let job = job(&mut s, "Night nurse");
    let mut applied = Vec::new();
    for i in 0..7 {
        let c = s.add_candidate(&at(1), person(&format!("Nurse {i}"), &format!("n{i}@example.org"), None)).unwrap();
        applied.push(s.apply(&at(2), &c.uuid, &job).unwrap().uuid);
    }
    let mut seen = Vec::new();
    for offset in (0..8).step_by(2) {
        seen.extend(cards_of(&s.board(&job, Some(Stage::New), offset, 2).unwrap(), Stage::New));
    }
    // Same instant: the latest application first, every one exactly once.
    applied.reverse();
    assert_eq!(seen, applied);
}

#[test]
fn a_closed_job_takes_no_applications() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let job = job(&mut s, "Accountant");
    let closed = s.set_job_status(&at(2), &job, JobStatus::Closed).unwrap();
    assert_eq!(closed.closed_at, Some(at(2).at));
    let c = s.add_candidate(&at(3), person("Ana Lima", "ana@example.org", None)).unwrap();
    assert_eq!(s.apply(&at(3), &c.uuid, &job).unwrap_err().code(), "job_closed");
    assert_eq!(s.jobs(Some(JobStatus::Open)).unwrap().len(), 0);
    assert_eq!(s.jobs(None).unwrap().len(), 1);
}

#[test]
fn notes_and_feedback_with_ratings() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let job = job(&mut s, "Designer");
    let c = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    let app = s.apply(&at(1), &c.uuid, &job).unwrap();
    let note = s
        .add_note(
            &at(2),
            &c.uuid,
            NewNote {
                body: "Strong portfolio, clear explanations".into(),
                feedback: false,
                application: Some(app.uuid.clone()),
                ratings: vec![("Communication".into(), 5), ("Figma".into(), 4)],
            },
        )
        .unwrap();
    assert_eq!(note.kind, "feedback");
    assert_eq!(note.author, "hr.alice");
    assert_eq!(note.ratings.len(), 2);
    let bad = NewNote { body: "x".into(), feedback: true, application: None, ratings: vec![("SQL".into(), 9)] };
    assert_eq!(s.add_note(&at(2), &c.uuid, bad).unwrap_err().code(), "invalid_input");
    let profile = s.profile(&at(3), &c.uuid).unwrap();
    assert_eq!(profile.notes.len(), 1);
}

/// Each leaf of the search index fits in one SQLCipher page (migration 0007): FTS5's
/// default leaf size spilled every leaf into an overflow page, two page reads per leaf.
#[test]
fn every_leaf_of_the_search_index_fits_in_one_page() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let c = s.add_candidate(&at(1), person("Ilse Brandt", "ilse@example.de", None)).unwrap();
    // Many distinct words, so that the index has many full leaves.
    let text: String = (0..40_000).map(|i| format!("w{i}x{} ", i % 97)).collect();
    s.add_document(&at(2), &c.uuid, Upload { kind: "cv", file_name: "cv.txt", bytes: text.as_bytes() }, &extractor())
        .unwrap();
    let hits = s.search(&at(3), "w39999x", &SearchFilter::default()).unwrap();
    assert_eq!(hits.len(), 1);
    let conn = s.connection();
    let (leaves, overflow): (i64, i64) = conn
        .query_row(
            "SELECT count(*) FILTER (WHERE pagetype = 'leaf'), count(*) FILTER (WHERE pagetype = 'overflow')
             FROM dbstat WHERE name = 'search_index_data'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(leaves >= 10, "the index has {leaves} leaf pages");
    assert_eq!(overflow, 0, "no leaf of the index spills into an overflow page");
}

#[test]
fn search_finds_names_emails_notes_and_document_text_with_snippets_and_filters() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let dev = job(&mut s, "Rust developer");
    let ops = job(&mut s, "Ops engineer");
    let mut agency = person("Geneviève Lefèvre", "genevieve@example.fr", None);
    agency.source = Source::Agency("Hays".into());
    let g = s.add_candidate(&at(1), agency).unwrap();
    let m = s.add_candidate(&at(10), person("Marc Petit", "marc.petit@example.com", None)).unwrap();
    s.apply(&at(2), &g.uuid, &dev).unwrap();
    let app_m = s.apply(&at(11), &m.uuid, &ops).unwrap();
    s.move_stage(&at(12), &app_m.uuid, Stage::Interview, None).unwrap();
    s.add_note(
        &at(12),
        &m.uuid,
        NewNote { body: "Knows Kubernetes operators well".into(), feedback: false, application: None, ratings: vec![] },
    )
    .unwrap();
    let cv = "Curriculum vitae\nExperience: seven years of embedded Rust and tokio at Airbus.\n";
    let (doc, _) = s
        .add_document(&at(3), &g.uuid, Upload { kind: "cv", file_name: "cv.txt", bytes: cv.as_bytes() }, &extractor())
        .unwrap();
    assert_eq!(doc.text_status, "extracted");

    let all = SearchFilter::default();
    let hits = s.search(&at(20), "genevieve", &all).unwrap();
    assert_eq!(hits.len(), 1, "accent-folded name");
    assert_eq!(hits[0].candidate_uuid, g.uuid);
    let hits = s.search(&at(20), "Airbus", &all).unwrap();
    assert_eq!(hits[0].field, "document");
    assert!(hits[0].snippet.contains("[Airbus]"), "{}", hits[0].snippet);
    let hits = s.search(&at(20), "kubernetes", &all).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].field, "note");
    assert_eq!(s.search(&at(20), "marc.petit@example.com", &all).unwrap()[0].candidate_uuid, m.uuid);
    assert_eq!(s.search(&at(20), "lefè", &all).unwrap()[0].candidate_uuid, g.uuid, "prefix search");
    assert!(s.search(&at(20), "\"unbalanced OR (", &all).is_ok(), "operators are text");

    let by_job = SearchFilter { job: Some(ops.clone()), ..SearchFilter::default() };
    assert!(s.search(&at(20), "example", &by_job).unwrap().iter().all(|h| h.candidate_uuid == m.uuid));
    let by_stage = SearchFilter { stage: Some(Stage::Interview), ..SearchFilter::default() };
    assert_eq!(s.search(&at(20), "example", &by_stage).unwrap().len(), 1);
    let by_source = SearchFilter { source: Some("agency".into()), ..SearchFilter::default() };
    let hits = s.search(&at(20), "example", &by_source).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].candidate_uuid, g.uuid);
    let since = SearchFilter { since: Some(at(5).at), ..SearchFilter::default() };
    let hits = s.search(&at(20), "example", &since).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].candidate_uuid, m.uuid);
    let until = SearchFilter { until: Some(at(5).at), ..SearchFilter::default() };
    assert_eq!(s.search(&at(20), "example", &until).unwrap()[0].candidate_uuid, g.uuid);
}

#[test]
fn merging_moves_everything_and_leaves_one_person() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let job = job(&mut s, "Analyst");
    let keep = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    let dup =
        s.add_candidate(&at(5), person("Ana M. Lima", "ana.lima@work.example", Some("+351 912 345 678"))).unwrap();
    let a1 = s.apply(&at(2), &keep.uuid, &job).unwrap();
    let a2 = s.apply(&at(6), &dup.uuid, &job).unwrap();
    s.move_stage(&at(7), &a2.uuid, Stage::Screening, None).unwrap();
    s.add_note(
        &at(7),
        &dup.uuid,
        NewNote { body: "Called back".into(), feedback: false, application: None, ratings: vec![] },
    )
    .unwrap();
    let letter = Upload { kind: "letter", file_name: "letter.txt", bytes: b"Dear HR, I apply." };
    s.add_document(&at(7), &dup.uuid, letter, &extractor()).unwrap();

    let merged = s.merge_candidates(&at(8), &keep.uuid, &dup.uuid).unwrap();
    assert_eq!(merged.emails.len(), 2);
    assert_eq!(merged.phone.as_deref(), Some("+351 912 345 678"));
    assert_eq!(merged.created_at, at(1).at);
    assert_eq!(merged.last_contact_at, at(6).at);
    assert_eq!(count(&mut s, "candidates"), 1);
    assert_eq!(s.candidate(&at(9), &dup.uuid).unwrap_err().code(), "not_found");
    let profile = s.profile(&at(9), &keep.uuid).unwrap();
    assert_eq!(profile.applications.len(), 1, "the two applications to one job become one");
    assert_eq!(profile.applications[0].uuid, a1.uuid);
    assert_eq!(profile.documents.len(), 1);
    assert_eq!(profile.notes.len(), 1);
    assert!(profile.timeline.iter().any(|e| e.summary.contains("new → screening")));
    assert_eq!(s.search(&at(9), "ana.lima", &SearchFilter::default()).unwrap()[0].candidate_uuid, keep.uuid);
    let audit = s.audit_entries(Some(&dup.uuid), 10).unwrap();
    assert_eq!(audit[0].action, "delete");
}

#[test]
fn documents_are_refused_cleanly_when_unsupported_oversized_or_misnamed() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let c = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    let e = extractor();
    let before = count(&mut s, "documents");
    let audit_before = count(&mut s, "audit");
    let cases: [(&str, &[u8], &str, u64); 5] = [
        ("cv.txt", b"\x00\x01\x02binary\xff\xfe", "unsupported_document", DEFAULT_SIZE_LIMIT),
        ("cv.pdf", b"plain text pretending to be a PDF", "document_mismatch", DEFAULT_SIZE_LIMIT),
        ("cv.txt", b"", "empty_document", DEFAULT_SIZE_LIMIT),
        ("cv.txt", b"a small CV that is still too big", "document_too_large", 10),
        ("cv.exe", b"MZ\x90\x00", "unsupported_document", DEFAULT_SIZE_LIMIT),
    ];
    for (name, bytes, code, limit) in cases {
        // The limit is the store's setting, honoured whichever door adds the document.
        s.set_setting(vivier::documents::SIZE_LIMIT_SETTING, &limit.to_string()).unwrap();
        let err = s.add_document(&at(2), &c.uuid, Upload { kind: "cv", file_name: name, bytes }, &e).unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err}");
    }
    assert_eq!(
        s.add_document(&at(2), &c.uuid, Upload { kind: "photo", file_name: "a.txt", bytes: b"hi" }, &e)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(count(&mut s, "documents"), before);
    assert_eq!(count(&mut s, "audit"), audit_before);
}

#[test]
fn a_document_round_trips_byte_for_byte_and_its_export_is_audited() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let c = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    let text = "Ana Lima — développeuse\nCompétences : Rust, SQL\n".as_bytes();
    let (doc, _) = s
        .add_document(&at(2), &c.uuid, Upload { kind: "cv", file_name: "ana.txt", bytes: text }, &extractor())
        .unwrap();
    let (info, bytes) = s.document_content(&at(3), &doc.uuid[..8]).unwrap();
    assert_eq!(bytes, text);
    assert!(info.media_type.starts_with("text/plain"), "{}", info.media_type);
    let audit = s.audit_entries(Some(&c.uuid), 1).unwrap();
    assert_eq!(audit[0].action, "export");
    assert_eq!(audit[0].actor, "hr.alice");
}

#[test]
fn the_audit_log_records_views_edits_and_exports_and_verifies() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let c = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    s.candidate(&at(2), &c.uuid).unwrap();
    s.edit_candidate(
        &at(3),
        &c.uuid,
        CandidateEdit { full_name: Some("Ana Lima Souza".into()), ..CandidateEdit::default() },
    )
    .unwrap();
    let entries = s.audit_entries(Some(&c.uuid), 10).unwrap();
    let actions: Vec<_> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "view", "edit"]);
    // No name in the log: UUIDs and action words only.
    assert!(entries.iter().all(|e| !format!("{e:?}").contains("Ana")));
    let verdict = s.verify_audit().unwrap();
    assert_eq!(verdict.entries, 3);
    assert!(verdict.first_broken.is_none());

    // The table refuses edits and deletions.
    let conn = s.connection();
    assert!(conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2", []).is_err());
    assert!(conn.execute("DELETE FROM audit WHERE seq = 2", []).is_err());
    // Someone with the key who drops the guard and edits the past is caught.
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 2;").unwrap();
    let verdict = s.verify_audit().unwrap();
    assert_eq!(verdict.first_broken.unwrap().seq, 2);
}

#[test]
fn identifiers_can_be_prefixes_or_emails_but_never_ambiguous() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let c = s.add_candidate(&at(1), person("Ana Lima", "ana@example.org", None)).unwrap();
    assert_eq!(s.candidate(&at(2), &c.uuid[..6]).unwrap().uuid, c.uuid);
    assert_eq!(s.candidate(&at(2), "ANA@example.org").unwrap().uuid, c.uuid);
    assert_eq!(s.candidate(&at(2), "abc").unwrap_err().code(), "not_found");
    assert_eq!(s.candidate(&at(2), "'; DROP TABLE candidates; --").unwrap_err().code(), "not_found");
    // With enough candidates, some share a four-character prefix: that is ambiguous.
    let mut uuids = vec![c.uuid.clone()];
    for i in 0..300 {
        uuids.push(s.add_candidate(&at(3), person(&format!("P{i}"), &format!("p{i}@example.org"), None)).unwrap().uuid);
    }
    uuids.sort();
    let shared = uuids.windows(2).find(|w| w[0][..4] == w[1][..4]).map(|w| w[0][..4].to_owned());
    if let Some(prefix) = shared {
        assert_eq!(s.candidate(&at(4), &prefix).unwrap_err().code(), "ambiguous_id");
    }
}

/// The stages are defined once (`Stage::ALL` and `Stage::is_open`); the schema's CHECK
/// constraints, written in shipped migrations, must list exactly those stages.
#[test]
fn the_schema_checks_the_stages_the_engine_defines() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let sql = |s: &mut Store, table: &str| -> String {
        s.connection().query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [table], |r| r.get(0)).unwrap()
    };
    let list = |stages: &mut dyn Iterator<Item = &Stage>| -> String {
        stages.map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
    };
    let all = list(&mut Stage::ALL.iter());
    assert!(sql(&mut s, "applications").contains(&format!("stage IN ({all})")), "applications.stage CHECK: {all}");
    // Custom fields are collected from a stage on the way to a hire, never from a closed one.
    let on_the_way = list(&mut Stage::ALL.iter().filter(|s| s.progress().is_some()));
    assert!(
        sql(&mut s, "custom_fields").contains(&format!("collect_from IN ({on_the_way})")),
        "custom_fields.collect_from CHECK: {on_the_way}"
    );
}
