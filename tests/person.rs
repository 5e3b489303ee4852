//! A person's data, whole: the registry names every table of the schema that holds
//! something about a candidate, and merging two records of one person loses nothing
//! (holds, flags, requests, folded applications' details).

mod common;

use std::collections::BTreeSet;

use common::*;
use vivier::db::Store;
use vivier::documents::Upload;
use vivier::person::registry::{Link, Purge, TABLES};
use vivier::pipeline::search::SearchFilter;
use vivier::pipeline::{NewJob, Stage};

fn count(s: &mut Store, sql: &str, uuid: &str) -> i64 {
    s.connection().query_row(sql, [uuid], |r| r.get(0)).unwrap()
}

/// Tables of the schema whose rows belong to a candidate: a foreign key to `candidates`,
/// or to a table whose rows do (found to a fixpoint), or a `candidate_uuid` column.
fn person_tables_in_schema(s: &mut Store) -> BTreeSet<String> {
    let conn = s.connection();
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").unwrap();
    let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    drop(stmt);
    let refs = |table: &str| -> Vec<String> {
        let mut stmt = conn.prepare(&format!("SELECT \"table\" FROM pragma_foreign_key_list('{table}')")).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let columns = |table: &str| -> Vec<String> {
        let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let mut found: BTreeSet<String> = BTreeSet::from(["candidates".to_owned()]);
    loop {
        let before = found.len();
        for table in &tables {
            if refs(table).iter().any(|r| found.contains(r)) || columns(table).iter().any(|c| c == "candidate_uuid") {
                found.insert(table.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

#[test]
fn the_registry_names_every_table_that_holds_something_about_a_candidate() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let schema = person_tables_in_schema(&mut s);
    let registry: BTreeSet<String> = TABLES.iter().map(|t| t.name.to_owned()).collect();
    let missing: Vec<_> = schema.difference(&registry).collect();
    assert!(
        missing.is_empty(),
        "tables holding a candidate's data that the registry (src/person/registry.rs) does not name: {missing:?}"
    );
    let stale: Vec<_> = registry.difference(&schema).collect();
    assert!(stale.is_empty(), "registry tables that are not in the schema or hold nothing of a candidate: {stale:?}");
    // Only UUID-only records outlive a purge.
    for table in TABLES {
        assert_eq!(table.purge == Purge::Keep, table.link == Link::UuidOnly, "{}", table.name);
    }
}

#[test]
fn a_held_person_merged_away_keeps_the_survivor_held() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let keep = person(&mut s, t(2025, 1, 1), "Ana Lima", "ana@example.org");
    let gone = person(&mut s, t(2025, 1, 1), "Ana B. Lima", "ana.lima@example.org");
    s.place_hold(&hr(t(2025, 2, 1)), &gone, "Labour court case 24/118", None).unwrap();
    s.merge_candidates(&hr(t(2025, 3, 1)), &keep, &gone).unwrap();
    let status = s.retention_status(&hr(t(2025, 3, 2)), &keep).unwrap();
    assert!(status.held, "the hold moved with the person");
    assert_eq!(status.holds.len(), 1);
    assert_eq!(status.holds[0].reason, "Labour court case 24/118");
    // Two years and more later the survivor is still held: the purge leaves them.
    let report = s.purge(&hr(t(2030, 1, 1)), t(2030, 1, 1), false).unwrap();
    assert!(report.purged.is_empty(), "{:?}", report.purged);
    assert_eq!(report.held, vec![keep]);
}

#[test]
fn a_cv_with_a_refused_passage_stays_masked_and_unfound_after_a_merge() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let keep = person(&mut s, t(2025, 1, 1), "Marc Petit", "marc@example.org");
    let gone = person(&mut s, t(2025, 1, 1), "Marc Petit", "m.petit@example.org");
    let cv = "Marc Petit, ingénieur logiciel. Syndiqué à la CGT depuis 2015. Compétences : Rust, SQL.";
    let (doc, _) = s
        .add_document(
            &hr(t(2025, 1, 2)),
            &gone,
            Upload { kind: "cv", file_name: "cv.txt", bytes: cv.as_bytes() },
            &extractor(),
        )
        .unwrap();
    assert!(!s.document_flags(&doc.uuid).unwrap().is_empty(), "the union membership is flagged");
    s.merge_candidates(&hr(t(2025, 3, 1)), &keep, &gone).unwrap();

    let profile = s.profile(&hr(t(2025, 3, 2)), &keep).unwrap();
    assert_eq!(profile.documents.len(), 1, "the CV moved to the survivor");
    assert!(!s.document_flags(&doc.uuid).unwrap().is_empty(), "its flags moved with it");
    let (_, text) = s.document_text(&hr(t(2025, 3, 2)), &doc.uuid, false).unwrap();
    let text = text.unwrap();
    assert!(!text.contains("CGT") && !text.to_lowercase().contains("syndiqu"), "masked: {text}");
    assert!(text.contains("Rust"), "the rest is shown: {text}");
    // Searching for the words is refused at the door; the index itself must not hold them.
    let indexed = |s: &mut Store, word: &str| -> i64 {
        s.connection()
            .query_row("SELECT count(*) FROM search_index WHERE search_index MATCH ?1", [word], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(indexed(&mut s, "cgt"), 0, "the refused words stay out of the index");
    assert_eq!(indexed(&mut s, "rust"), 1);
    let filter = SearchFilter::default();
    let hits = s.search(&hr(t(2025, 3, 2)), "Rust", &filter).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].candidate_uuid, keep);
}

#[test]
fn an_objection_survives_the_merge_and_the_stricter_state_wins() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let keep = person(&mut s, t(2025, 1, 1), "Léa Martin", "lea@example.org");
    let gone = person(&mut s, t(2025, 1, 1), "Léa Martin", "lea.martin@example.org");
    let job = s
        .add_job(&hr(t(2025, 1, 1)), NewJob { title: "Analyst".into(), country: "FR".into(), ..NewJob::default() })
        .unwrap()
        .uuid;
    // An open application keeps the objecting person for now.
    s.apply(&hr(t(2025, 1, 3)), &gone, &job).unwrap();
    s.record_objection(&hr(t(2025, 2, 1)), &gone).unwrap();
    s.restrict(&hr(t(2025, 2, 2)), &keep).unwrap();
    s.merge_candidates(&hr(t(2025, 3, 1)), &keep, &gone).unwrap();
    let status = s.retention_status(&hr(t(2025, 3, 2)), &keep).unwrap();
    assert_eq!(status.objected_at, Some(t(2025, 2, 1)), "the objection moved to the survivor");
    assert_eq!(status.restricted_at, Some(t(2025, 2, 2)), "the survivor's restriction stays");
    // Once the application closes, the objection makes the survivor due.
    let app = s.applications_of(&keep).unwrap().pop().unwrap();
    s.move_stage(&hr(t(2025, 4, 1)), &app.uuid, Stage::Withdrawn, None).unwrap();
    let report = s.purge(&hr(t(2025, 4, 2)), t(2025, 4, 2), false).unwrap();
    assert_eq!(report.purged.len(), 1);
    assert_eq!(report.purged[0].candidate_uuid, keep);
}

#[test]
fn folded_applications_keep_their_hiring_details_history_and_hire() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let keep = person(&mut s, t(2025, 1, 1), "Tom Girard", "tom@example.org");
    let gone = person(&mut s, t(2025, 1, 1), "Tom Girard", "tom.girard@example.org");
    let job = s
        .add_job(&hr(t(2025, 1, 1)), NewJob { title: "Engineer".into(), country: "FR".into(), ..NewJob::default() })
        .unwrap()
        .uuid;
    s.apply(&hr(t(2025, 1, 2)), &keep, &job).unwrap();
    let g = s.apply(&hr(t(2025, 1, 3)), &gone, &job).unwrap().uuid;
    for stage in [Stage::Screening, Stage::Interview, Stage::Offer] {
        s.move_stage(&hr(t(2025, 1, 10)), &g, stage, None).unwrap();
    }
    let details = vivier::hiring::HiringDetails { birth_place: Some("Lyon".into()), ..Default::default() };
    s.set_hiring_details(&hr(t(2025, 1, 11)), &g, details).unwrap();
    s.move_stage(&hr(t(2025, 1, 12)), &g, Stage::Hired, None).unwrap();
    let events_before = count(
        &mut s,
        "SELECT count(*) FROM stage_events e JOIN applications a ON a.id = e.application_id
         JOIN candidates c ON c.id = a.candidate_id WHERE c.uuid IN (?1) OR 1",
        &keep,
    );
    s.merge_candidates(&hr(t(2025, 3, 1)), &keep, &gone).unwrap();
    let apps = s.applications_of(&keep).unwrap();
    assert_eq!(apps.len(), 1, "one application per job");
    assert_eq!(apps[0].stage, Stage::Hired, "a hire stays a hire");
    let record = s.hiring_details(&hr(t(2025, 3, 2)), &apps[0].uuid).unwrap();
    assert_eq!(record.details.birth_place.as_deref(), Some("Lyon"));
    let events_after = count(&mut s, "SELECT count(*) FROM stage_events WHERE ?1 IS NOT NULL", &keep);
    assert_eq!(events_after, events_before, "every stage event kept");
    assert_eq!(count(&mut s, "SELECT count(*) FROM candidate_emails WHERE ?1 IS NOT NULL", &keep), 2);
}

#[test]
fn the_walk_gives_every_registry_table_with_the_persons_rows() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let ann = person(&mut s, t(2025, 1, 1), "Ann Lee", "ann@example.org");
    let other = person(&mut s, t(2025, 1, 1), "Bob Ray", "bob@example.org");
    let job = s
        .add_job(&hr(t(2025, 1, 1)), NewJob { title: "Analyst".into(), country: "FR".into(), ..NewJob::default() })
        .unwrap()
        .uuid;
    s.apply(&hr(t(2025, 1, 2)), &ann, &job).unwrap();
    s.apply(&hr(t(2025, 1, 2)), &other, &job).unwrap();
    s.add_document(
        &hr(t(2025, 1, 3)),
        &ann,
        Upload { kind: "cv", file_name: "cv.txt", bytes: b"Ann, analyst." },
        &extractor(),
    )
    .unwrap();
    let held = s.held_on(&ann).unwrap();
    let names: Vec<&str> = held.iter().map(|h| h.table).collect();
    assert_eq!(names, TABLES.iter().map(|t| t.name).collect::<Vec<_>>(), "every registry table, in order");
    let rows = |table: &str| held.iter().find(|h| h.table == table).unwrap().rows.clone();
    assert_eq!(rows("candidates").len(), 1);
    assert_eq!(rows("candidates")[0]["uuid"], ann.as_str());
    assert_eq!(rows("applications").len(), 1, "only hers");
    assert_eq!(rows("stage_events").len(), 1);
    assert_eq!(rows("documents")[0]["content"]["file_bytes"], 13, "file bytes are not inlined");
    assert!(rows("audit").iter().all(|r| r["candidate_uuid"] == ann.as_str()) && !rows("audit").is_empty());
    assert!(rows("search_entries").is_empty(), "internal bookkeeping is named, not exported");
}
