//! The pipeline through the `vivier` command line on a temporary data directory: every
//! command with --json, its exit codes, and a full recruitment from job to hire.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

type Cli = CliDir;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn a_recruitment_from_job_to_hire_through_the_cli() {
    let c = Cli::new();
    let job = c.ok(&["job", "add", "--title", "Backend developer", "--department", "R&D", "--country", "fr"]);
    assert_eq!(job["country"], "FR");
    let job_id = s(&job["uuid"]).to_owned();
    let ana = c.ok(&[
        "candidate",
        "add",
        "--name",
        "Ana Lima",
        "--email",
        "ana@example.org",
        "--phone",
        "06 11 22 33 44",
        "--source",
        "agency",
        "--source-detail",
        "Hays",
        "--language",
        "en",
    ]);
    let ana_id = s(&ana["uuid"]).to_owned();
    assert_eq!(ana["source"]["kind"], "agency");
    assert_eq!(ana["source"]["detail"], "Hays");

    let app = c.ok(&["apply", "ana@example.org", &job_id[..8]]);
    let app_id = s(&app["uuid"]).to_owned();
    for stage in ["screening", "interview", "offer", "hired"] {
        let moved = c.ok(&["stage", &app_id, stage]);
        assert_eq!(moved["stage"], stage);
    }
    c.fails(&["stage", &app_id, "offer"], 22, "invalid_transition");

    let tmp = tempfile::tempdir().unwrap();
    let cv = tmp.path().join("ana-cv.txt");
    std::fs::write(&cv, "Ana Lima\nSenior backend developer, Kotlin and Rust, Lisbon.\n").unwrap();
    let doc = c.ok(&["doc", "add", &ana_id, cv.to_str().unwrap(), "--kind", "cv"]);
    let doc_id = s(&doc["document"]["uuid"]).to_owned();
    assert_eq!(doc["document"]["text_status"], "extracted");
    let text = c.ok(&["doc", "text", &doc_id]);
    assert!(s(&text["text"]).contains("Kotlin"));
    let back = tmp.path().join("back.txt");
    c.ok(&["doc", "get", &doc_id, "-o", back.to_str().unwrap()]);
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&cv).unwrap());
    c.fails(&["doc", "get", &doc_id, "-o", back.to_str().unwrap()], 2, "usage");

    let note = c.ok(&["note", "add", &ana_id, "--text", "Great system design interview", "--rating", "design=5"]);
    assert_eq!(note["kind"], "feedback");
    assert_eq!(note["author"], "hr.test");

    let hits = c.ok(&["search", "kotlin"]);
    assert_eq!(hits[0]["candidate_uuid"], ana_id.as_str());
    let hits = c.ok(&["search", "design", "--job", &job_id, "--stage", "hired", "--source", "agency"]);
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(c.ok(&["search", "kotlin", "--stage", "new"]).as_array().unwrap().len(), 0);

    let profile = c.ok(&["candidate", "show", &ana_id]);
    assert_eq!(profile["applications"][0]["stage"], "hired");
    assert_eq!(profile["documents"].as_array().unwrap().len(), 1);
    let kinds: Vec<&str> = profile["timeline"].as_array().unwrap().iter().map(|e| s(&e["kind"])).collect();
    assert!(kinds.contains(&"stage_change") && kinds.contains(&"document") && kinds.contains(&"feedback"), "{kinds:?}");

    let board = c.ok(&["job", "show", &job_id]);
    let hired = board["columns"].as_array().unwrap().iter().find(|c| c["stage"] == "hired").unwrap();
    assert_eq!(hired["total"], 1);
    assert_eq!(hired["cards"].as_array().unwrap().len(), 1);
    assert_eq!(c.ok(&["job", "list"])[0]["title"], "Backend developer");
    c.ok(&["job", "close", &job_id]);
    assert_eq!(c.ok(&["job", "list", "--status", "closed"]).as_array().unwrap().len(), 1);

    let audit = c.ok(&["audit", "list", "--candidate", &ana_id]);
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    for a in ["create", "apply", "stage", "document_add", "view", "export", "note"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert!(audit.as_array().unwrap().iter().all(|e| e["actor"] == "hr.test"));
    let verdict = c.ok(&["audit", "verify"]);
    assert!(verdict["first_broken"].is_null());
    assert!(verdict["entries"].as_u64().unwrap() > 10);
}

#[test]
fn duplicates_are_offered_for_merging_and_merge_works() {
    let c = Cli::new();
    let first = c.ok(&["candidate", "add", "--name", "Jeanne Dupont", "--email", "jeanne@example.fr"]);
    let v =
        c.fails(&["candidate", "add", "--name", "Jeanne D", "--email", "JEANNE@example.fr"], 21, "duplicate_candidate");
    assert!(s(&v["error"]["message"]).contains(s(&first["uuid"])), "the existing person is named");
    let second = c.ok(&["candidate", "add", "--name", "Jeanne D", "--email", "j.dupont@work.example"]);
    c.ok(&["candidate", "edit", s(&second["uuid"]), "--phone", "+33 6 99 88 77 66"]);
    let merged = c.ok(&["candidate", "merge", s(&first["uuid"]), s(&second["uuid"])]);
    assert_eq!(merged["emails"].as_array().unwrap().len(), 2);
    assert_eq!(merged["phone"], "+33 6 99 88 77 66");
    assert_eq!(c.ok(&["candidate", "list"]).as_array().unwrap().len(), 1);
    c.fails(&["candidate", "show", s(&second["uuid"])], 20, "not_found");
}

#[test]
fn bad_input_gets_a_clear_error_and_an_exit_code() {
    let c = Cli::new();
    c.fails(&["job", "add", "--title", "  "], 22, "invalid_input");
    c.fails(&["job", "add", "--title", "X", "--country", "France"], 22, "invalid_input");
    c.fails(&["candidate", "add", "--name", "A", "--email", "nope"], 22, "invalid_input");
    // The engine says what is missing; the command line adds which flag gives it.
    let v = c.fails(&["candidate", "add", "--name", "A", "--source", "agency"], 22, "invalid_input");
    assert!(s(&v["error"]["message"]).ends_with("needs the agency's name. Give it with `--source-detail`"), "{v}");
    let v = c.fails(&["candidate", "show", "ffffffff"], 20, "not_found");
    assert!(s(&v["error"]["message"]).contains("`vivier candidate list`"), "{v}");
    let a = c.ok(&["candidate", "add", "--name", "A", "--email", "a@example.org"]);
    let job = c.ok(&["job", "add", "--title", "X"]);
    let app = c.ok(&["apply", s(&a["uuid"]), s(&job["uuid"])]);
    c.fails(&["apply", s(&a["uuid"]), s(&job["uuid"])], 21, "already_applied");
    let v = c.fails(&["stage", s(&app["uuid"]), "rejected"], 22, "reason_required");
    assert!(s(&v["error"]["message"]).contains("`--reason`"), "{v}");
    c.fails(&["stage", s(&app["uuid"]), "interviewing"], 22, "invalid_input");
    c.ok(&["stage", s(&app["uuid"]), "rejected", "--reason", "Position filled internally"]);
    c.fails(&["note", "add", s(&a["uuid"]), "--text", "x", "--rating", "sql=7"], 22, "invalid_input");
    c.fails(&["search", "   "], 22, "invalid_input");

    let tmp = tempfile::tempdir().unwrap();
    let fake = tmp.path().join("cv.pdf");
    std::fs::write(&fake, "this is not a PDF").unwrap();
    let v = c.fails(&["doc", "add", s(&a["uuid"]), fake.to_str().unwrap(), "--kind", "cv"], 23, "document_mismatch");
    assert!(s(&v["error"]["message"]).contains(".pdf"), "{v}");
    let bin = tmp.path().join("photo.jpg");
    std::fs::write(&bin, [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F']).unwrap();
    c.fails(&["doc", "add", s(&a["uuid"]), bin.to_str().unwrap(), "--kind", "cv"], 23, "unsupported_document");
    let missing = Path::new("/nonexistent/cv.pdf");
    c.fails(&["doc", "add", s(&a["uuid"]), missing.to_str().unwrap(), "--kind", "cv"], 2, "usage");
    // Nothing half written: no document rows.
    let profile = c.ok(&["candidate", "show", s(&a["uuid"])]);
    assert_eq!(profile["documents"].as_array().unwrap().len(), 0);
}

#[test]
fn a_broken_audit_chain_exits_24_and_names_the_entry() {
    let c = Cli::new();
    let a = c.ok(&["candidate", "add", "--name", "A", "--email", "a@example.org"]);
    c.ok(&["candidate", "show", s(&a["uuid"])]);
    c.ok(&["candidate", "show", s(&a["uuid"])]);
    {
        let t = &c.data;
        let mut store = t.open().unwrap();
        store.connection().execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;").unwrap();
    }
    let v = c.fails(&["audit", "verify"], 24, "audit_broken");
    assert!(s(&v["error"]["message"]).contains("entry 3"), "{v}");
}
