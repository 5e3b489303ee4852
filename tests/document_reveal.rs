//! A document's original bytes at every door: the original of a document with passages the
//! guard refused is refused unless the reveal is asked for, and that reveal is audited as a
//! reveal (not an export). The engine (`Store::document_original`, behind the app's page
//! view) and the CLI's `doc get`.

mod common;

#[allow(dead_code)]
#[path = "documents/fixtures.rs"]
mod fixtures;

use common::*;
use vivier::db::Store;
use vivier::documents::{OriginalUse, Upload};

/// A CV whose second line tells the candidate's religion: stored, its passage refused.
fn flagged_cv() -> Vec<u8> {
    fixtures::pdf(&[&[b"Ana Lima", b"Benevole a la paroisse catholique de Lyon", b"Comptable, paie"]])
}

fn audit_actions(s: &Store, candidate: &str) -> Vec<String> {
    s.audit_entries(Some(candidate), 100).unwrap().into_iter().map(|e| e.action).collect()
}

#[test]
fn the_original_of_a_flagged_document_is_refused_without_a_reveal_and_audited_as_one_with_it() {
    let dir = TempDataDir::with_passphrase();
    let mut s = dir.open().unwrap();
    let c = person(&mut s, t(2026, 3, 2), "Ana Lima", "ana@example.org");
    let bytes = flagged_cv();
    let (doc, _) = s
        .add_document(&hr(t(2026, 3, 2)), &c, Upload { kind: "cv", file_name: "cv.pdf", bytes: &bytes }, &extractor())
        .unwrap();
    assert!(!s.document_flags(&doc.uuid).unwrap().is_empty(), "the guard flags the passage");
    let before = audit_actions(&s, &c);

    for purpose in [OriginalUse::View, OriginalUse::Export] {
        let err = s.document_original(&hr(t(2026, 3, 3)), &doc.uuid, purpose, false).unwrap_err();
        assert_eq!(err.code(), "reveal_required", "{err}");
        let message = err.to_string();
        assert!(message.contains("religious or philosophical beliefs"), "names the category: {message}");
        assert!(!message.contains("catholique"), "never the passage itself: {message}");
        // The reader form refuses the same way.
        let err = s.read_document_original(&hr(t(2026, 3, 3)), &doc.uuid, purpose, false).unwrap_err();
        assert_eq!(err.code(), "reveal_required");
    }
    assert_eq!(audit_actions(&s, &c), before, "a refusal writes nothing to the log");

    let (_, original) = s.document_original(&hr(t(2026, 3, 4)), &doc.uuid, OriginalUse::View, true).unwrap();
    assert_eq!(original, bytes);
    assert_eq!(audit_actions(&s, &c)[0], "reveal", "the page view of a flagged document is a reveal");
    let ((_, original), _owed) =
        s.read_document_original(&hr(t(2026, 3, 4)), &doc.uuid, OriginalUse::Export, true).unwrap();
    assert_eq!(original, bytes);
}

#[test]
fn the_original_of_an_unflagged_document_is_a_view_or_an_export() {
    let dir = TempDataDir::with_passphrase();
    let mut s = dir.open().unwrap();
    let c = person(&mut s, t(2026, 3, 2), "Jeanne Martin", "jeanne@example.org");
    let bytes = fixtures::cv_pdf();
    let (doc, _) = s
        .add_document(&hr(t(2026, 3, 2)), &c, Upload { kind: "cv", file_name: "cv.pdf", bytes: &bytes }, &extractor())
        .unwrap();
    assert!(s.document_flags(&doc.uuid).unwrap().is_empty());
    let (_, got) = s.document_original(&hr(t(2026, 3, 3)), &doc.uuid, OriginalUse::View, false).unwrap();
    assert_eq!(got, bytes);
    assert_eq!(audit_actions(&s, &c)[0], "view");
    let (_, got) = s.document_original(&hr(t(2026, 3, 3)), &doc.uuid, OriginalUse::Export, false).unwrap();
    assert_eq!(got, bytes);
    assert_eq!(audit_actions(&s, &c)[0], "export");
    // Asking to reveal what has nothing masked is no reveal.
    s.document_original(&hr(t(2026, 3, 3)), &doc.uuid, OriginalUse::View, true).unwrap();
    assert_eq!(audit_actions(&s, &c)[0], "view");
}

#[test]
fn the_cli_writes_a_flagged_original_only_with_reveal() {
    let c = CliDir::new();
    let ana = c.ok(&["candidate", "add", "--name", "Ana Lima", "--email", "ana@example.org"]);
    let ana = ana["uuid"].as_str().unwrap().to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let cv = tmp.path().join("cv.pdf");
    std::fs::write(&cv, flagged_cv()).unwrap();
    let doc = c.ok(&["doc", "add", &ana, cv.to_str().unwrap(), "--kind", "cv"]);
    let doc = doc["document"]["uuid"].as_str().unwrap().to_owned();
    let out = tmp.path().join("out.pdf");

    let refused = c.fails(&["doc", "get", &doc, "-o", out.to_str().unwrap()], 25, "reveal_required");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("--reveal"), "says which flag: {message}");
    assert!(!out.exists(), "nothing written");
    let plain = c.run(false, &["doc", "get", &doc, "-o", out.to_str().unwrap()]);
    assert_eq!(plain.status.code(), Some(25));

    c.ok(&["doc", "get", &doc, "-o", out.to_str().unwrap(), "--reveal"]);
    assert_eq!(std::fs::read(&out).unwrap(), flagged_cv());
    let s = c.data.open().unwrap();
    assert_eq!(audit_actions(&s, &ana)[0], "reveal");
}
