//! The sensitive-category guard at the engine's doors: what HR writes is refused or
//! warned, what a candidate provides is stored, masked and kept out of search; and the
//! `vivier guard check` command.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use vivier::db::Store;
use vivier::documents::Extractor;
use vivier::documents::Upload;
use vivier::hiring::FieldKind;
use vivier::pipeline::search::SearchFilter;
use vivier::pipeline::{NewJob, NewNote, Stage, Stamp};

fn at() -> Stamp {
    Stamp::new("hr.alice", Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap())
}

fn note(text: &str) -> NewNote {
    NewNote { body: text.into(), feedback: false, application: None, ratings: vec![] }
}

fn count(store: &mut Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn setup() -> (TempDataDir, Store, String) {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let c = person(&mut s, at().at, "Ana Lima", "ana@example.org");
    (t, s, c)
}

#[test]
fn a_note_naming_a_union_is_refused_with_the_category_and_nothing_is_stored() {
    let (_t, mut s, c) = setup();
    let audit_before = count(&mut s, "SELECT count(*) FROM audit");
    let err = s.add_note(&at(), &c, note("Il est syndiqué à la CGT, attention")).unwrap_err();
    assert_eq!(err.code(), "sensitive_data");
    let msg = err.to_string();
    assert!(msg.contains("union") || msg.contains("syndic"), "{msg}");
    assert!(msg.contains("syndiqué"), "the words are quoted: {msg}");
    assert_eq!(count(&mut s, "SELECT count(*) FROM notes"), 0);
    assert_eq!(count(&mut s, "SELECT count(*) FROM audit"), audit_before);
    // The same in English, and in feedback.
    let err = s.add_note(&at(), &c, note("She is a practising Muslim")).unwrap_err();
    assert_eq!(err.code(), "sensitive_data", "{err}");
}

#[test]
fn a_warned_criterion_is_stored_with_its_warning() {
    let (_t, mut s, c) = setup();
    let n = s.add_note(&at(), &c, note("Elle a 45 ans et vingt ans d'expérience en paie")).unwrap();
    assert!(!n.warnings.is_empty(), "no warning recorded");
    assert!(n.warnings.iter().any(|w| w.category == "age"), "{:?}", n.warnings);
    let profile = s.profile(&at(), &c).unwrap();
    assert!(!profile.notes[0].warnings.is_empty(), "the warning is shown with the note");
    assert_eq!(count(&mut s, "SELECT count(*) FROM guard_flags WHERE level = 'warned'"), n.warnings.len() as i64);
}

#[test]
fn rejection_reasons_and_job_texts_are_guarded_too() {
    let (_t, mut s, c) = setup();
    let job =
        s.add_job(&at(), NewJob { title: "Comptable".into(), country: "FR".into(), ..NewJob::default() }).unwrap();
    let app = s.apply(&at(), &c, &job.uuid).unwrap();
    let err = s.move_stage(&at(), &app.uuid, Stage::Rejected, Some("elle est enceinte")).unwrap_err();
    assert_eq!(err.code(), "sensitive_data", "{err}");
    assert_eq!(s.applications_of(&c).unwrap()[0].stage, Stage::New, "the stage did not move");
    let err = s
        .add_job(
            &at(),
            NewJob {
                title: "Vendeur".into(),
                country: "FR".into(),
                description: "Non syndiqués de préférence".into(),
                ..NewJob::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "sensitive_data", "{err}");
    assert_eq!(count(&mut s, "SELECT count(*) FROM jobs"), 1);
}

#[test]
fn nobody_can_search_candidates_by_religion() {
    let (_t, mut s, c) = setup();
    let e = Extractor::new(env!("CARGO_BIN_EXE_vivier").into(), vec!["__extract-text".into()]);
    let cv = "Ana Lima\nComptable, dix ans d'expérience en paie.\nBénévole à la paroisse catholique de Lyon.\n";
    let (doc, _) =
        s.add_document(&at(), &c, Upload { kind: "cv", file_name: "cv.txt", bytes: cv.as_bytes() }, &e).unwrap();
    // Stored as given.
    let (_, bytes) = s.document_content(&at(), &doc.uuid).unwrap();
    assert_eq!(bytes, cv.as_bytes());
    // Masked in the preview, revealable on demand, and the reveal is audited.
    let (_, masked) = s.document_text(&at(), &doc.uuid, false).unwrap();
    let masked = masked.unwrap();
    assert!(!masked.to_lowercase().contains("catholique"), "{masked}");
    assert!(masked.contains("paie"), "{masked}");
    assert!(!s.document_flags(&doc.uuid).unwrap().is_empty());
    let (_, revealed) = s.document_text(&at(), &doc.uuid, true).unwrap();
    assert!(revealed.unwrap().contains("catholique"));
    assert_eq!(s.audit_entries(Some(&c), 1).unwrap()[0].action, "reveal");
    // The passage is out of the index, the rest of the CV is in.
    let all = SearchFilter::default();
    assert_eq!(s.search(&at(), "paie", &all).unwrap().len(), 1);
    let err = s.search(&at(), "catholique", &all).unwrap_err();
    assert_eq!(err.code(), "sensitive_data", "the query itself is refused");
    let hits: i64 =
        count(&mut s, "SELECT count(*) FROM search_index WHERE search_index MATCH 'catholique OR paroisse'");
    assert_eq!(hits, 0, "the flagged passage reached the search index");
}

#[test]
fn custom_fields_cannot_ask_for_a_category() {
    let (_t, mut s, c) = setup();
    let err = s.declare_custom_field(&at(), "Religion", FieldKind::Text, Stage::Screening).unwrap_err();
    assert_eq!(err.code(), "sensitive_data", "{err}");
    s.declare_custom_field(&at(), "Notice period", FieldKind::Text, Stage::Screening).unwrap();
    let job =
        s.add_job(&at(), NewJob { title: "Comptable".into(), country: "FR".into(), ..NewJob::default() }).unwrap();
    let app = s.apply(&at(), &c, &job.uuid).unwrap();
    s.move_stage(&at(), &app.uuid, Stage::Screening, None).unwrap();
    let err = s.set_custom_value(&at(), &app.uuid, "Notice period", "après son congé maternité").unwrap_err();
    assert_eq!(err.code(), "sensitive_data", "{err}");
    s.set_custom_value(&at(), &app.uuid, "Notice period", "3 months").unwrap();
}

#[test]
fn guard_check_exits_0_3_or_4_and_prints_findings() {
    let check = |text: &str, json: bool| {
        let mut cmd = cli();
        cmd.args(["guard", "check"]);
        if json {
            cmd.arg("--json");
        }
        let mut child = cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = check("Nous recherchons un comptable rigoureux.", false);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(check("Plus de 10 ans d'expérience en paie.", false).status.code(), Some(0));
    let out = check("Idéalement entre 25 et 35 ans.", true);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["warned"], true);
    assert_eq!(v["refused"], false);
    let out = check("Question 4 : êtes-vous syndiqué ?", true);
    assert_eq!(out.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["level"], "refused");
    assert!(f["words"].as_str().unwrap().to_lowercase().contains("syndiqu"), "{v}");
    let (start, end) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
    assert_eq!(&"Question 4 : êtes-vous syndiqué ?"[start..end], f["words"].as_str().unwrap());
}
