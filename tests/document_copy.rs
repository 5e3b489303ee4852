//! Saving a copy of a stored document where the user chose (the desktop app's save
//! dialog gives the path): the bytes come out identical, the export is audited without the
//! path, a document with hidden passages needs the reveal, and a failed write leaves
//! nothing behind — no copy, no temporary file.

mod common;
#[allow(dead_code)] // the fixtures of every document test; this one uses a few
#[path = "documents/fixtures.rs"]
mod fixtures;

use std::path::Path;

use common::*;
use vivier::db::Store;
use vivier::documents::Upload;
use vivier::error::Code;

fn setup() -> (TempDataDir, Store, String) {
    let dir = TempDataDir::with_passphrase();
    let mut s = dir.open().unwrap();
    let c = person(&mut s, t(2026, 3, 2), "Ana Lima", "ana@example.org");
    (dir, s, c)
}

fn add(s: &mut Store, c: &str, file_name: &str, bytes: &[u8]) -> String {
    let upload = Upload { kind: "letter", file_name, bytes };
    s.add_document(&hr(t(2026, 3, 2)), c, upload, &extractor()).unwrap().0.uuid
}

fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn audit_count(s: &Store) -> usize {
    s.audit_entries(None, 10_000).unwrap().len()
}

#[test]
fn a_pdf_is_copied_byte_for_byte_and_the_export_is_audited_without_the_path() {
    let (_t, mut s, c) = setup();
    let pdf = fixtures::cv_pdf();
    let doc = add(&mut s, &c, "Offer letter Ana Lima.pdf", &pdf);
    let folder = tempfile::tempdir().unwrap();
    let dest = folder.path().join("Offer letter Ana Lima.pdf");
    let info = s.save_document_copy(&hr(t(2026, 3, 3)), &doc, &dest, false).unwrap();
    assert_eq!(info.uuid, doc);
    assert_eq!(std::fs::read(&dest).unwrap(), pdf);
    assert_eq!(names_in(folder.path()), ["Offer letter Ana Lima.pdf"], "a temporary file was left");

    let last = &s.audit_entries(Some(&c), 1).unwrap()[0];
    assert_eq!(last.action, "export");
    assert_eq!(last.detail.as_deref(), Some(format!("document {doc} to a file").as_str()));
    let all = format!("{:?}", s.audit_entries(None, 10_000).unwrap());
    assert!(!all.contains("Offer letter") && !all.contains(&folder.path().display().to_string()), "{all}");

    // The save dialog has asked about replacing: an existing file is replaced whole.
    std::fs::write(&dest, b"an older, longer file that was there before the copy").unwrap();
    s.save_document_copy(&hr(t(2026, 3, 3)), &doc, &dest, false).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), pdf);
    assert_eq!(names_in(folder.path()).len(), 1);
}

#[test]
fn a_document_with_hidden_passages_is_copied_only_when_revealed_and_the_reveal_is_audited() {
    let (_t, mut s, c) = setup();
    let cv = "Ana Lima\nComptable, dix ans d'expérience en paie.\nBénévole à la paroisse catholique de Lyon.\n";
    let doc = add(&mut s, &c, "cv.txt", cv.as_bytes());
    assert!(!s.document_flags(&doc).unwrap().is_empty(), "the fixture should have a flagged passage");
    let folder = tempfile::tempdir().unwrap();
    let dest = folder.path().join("cv.txt");

    let before = audit_count(&s);
    let err = s.save_document_copy(&hr(t(2026, 3, 3)), &doc, &dest, false).unwrap_err();
    assert_eq!(err.code(), Code::RevealRequired, "{err}");
    assert!(err.to_string().contains("reveal"), "{err}");
    assert!(names_in(folder.path()).is_empty(), "something was written without the reveal");
    assert_eq!(audit_count(&s), before, "a refused copy was audited");

    s.save_document_copy(&hr(t(2026, 3, 3)), &doc, &dest, true).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), cv.as_bytes());
    let entries = s.audit_entries(Some(&c), 2).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["export", "reveal"]);
}

#[test]
fn a_failed_write_leaves_no_copy_and_no_temporary_file() {
    let (_t, mut s, c) = setup();
    let doc = add(&mut s, &c, "cv.pdf", &fixtures::cv_pdf());
    let folder = tempfile::tempdir().unwrap();
    let before = audit_count(&s);

    // A folder that does not exist.
    let dest = folder.path().join("gone").join("cv.pdf");
    let err = s.save_document_copy(&hr(t(2026, 3, 3)), &doc, &dest, false).unwrap_err();
    assert_eq!(err.code(), Code::Io, "{err}");
    assert!(!err.to_string().contains(&folder.path().display().to_string()), "the message names the path: {err}");
    assert_eq!(audit_count(&s), before, "the temporary file could not be created: nothing is audited");

    // A name taken by a folder: the temporary file is written, the rename fails.
    let taken = folder.path().join("taken.pdf");
    std::fs::create_dir(&taken).unwrap();
    let err = s.save_document_copy(&hr(t(2026, 3, 3)), &doc, &taken, false).unwrap_err();
    assert_eq!(err.code(), Code::Io, "{err}");
    assert_eq!(names_in(folder.path()), ["taken.pdf"], "a temporary file was left");
    assert!(names_in(&taken).is_empty());
    // The entry is committed before the copy takes its name (a copy never exists
    // unaudited), so an attempt that failed at the rename is on record.
    assert_eq!(audit_count(&s), before + 1);

    // A relative path (not what a save dialog gives) is refused before anything is read.
    let err = s.save_document_copy(&hr(t(2026, 3, 3)), &doc, Path::new("cv.pdf"), false).unwrap_err();
    assert_eq!(err.code(), Code::InvalidInput, "{err}");

    // An unknown document.
    let err = s.save_document_copy(&hr(t(2026, 3, 3)), "ffffffff", &folder.path().join("x.pdf"), false).unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
    assert_eq!(names_in(folder.path()), ["taken.pdf"]);
}
