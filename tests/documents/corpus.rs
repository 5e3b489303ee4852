//! The PDF corpus of tests/documents/pdf/: real documents made by pdfTeX (moderncv CVs and
//! articles), LuaLaTeX, LibreOffice, latex + dvips + Ghostscript, latex + dvipdmfx,
//! pango-view + Ghostscript and qpdf (see make.sh there), each with its expected text beside
//! it, some also without their ToUnicode maps (strip-tounicode.sh). Vivier's words are compared with the expected words.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use vivier::documents::{DocumentFormat, ExtractError, extract_text};

/// The fixtures with text, and the expected text each is compared with (encrypted variants
/// share their source's).
pub const WITH_TEXT: [(&str, &str); 19] = [
    ("cv-moderncv-en.pdf", "cv-moderncv-en.txt"),
    ("cv-moderncv-fr.pdf", "cv-moderncv-fr.txt"),
    ("cv-moderncv-fr-rc4.pdf", "cv-moderncv-fr.txt"),
    ("cv-long-en.pdf", "cv-long-en.txt"),
    ("cv-lualatex-fr.pdf", "cv-lualatex-fr.txt"),
    ("article-en.pdf", "article-en.txt"),
    ("article-fr.pdf", "article-fr.txt"),
    ("letter-fr.pdf", "letter-fr.txt"),
    ("letter-fr-aes128.pdf", "letter-fr.txt"),
    ("lo-cv-fr.pdf", "lo-cv-fr.txt"),
    ("lo-cv-fr-edit-password.pdf", "lo-cv-fr.txt"),
    ("lo-letter-en.pdf", "lo-letter-en.txt"),
    ("lo-letter-en-aes256.pdf", "lo-letter-en.txt"),
    // Without ToUnicode maps: text from the fonts' programs (TrueType cmap, CFF built-in
    // encodings and charsets) and glyph names.
    ("cv-lualatex-ttf-fr.pdf", "cv-lualatex-fr.txt"),
    ("cv-lualatex-ttf-fr-no-tounicode.pdf", "cv-lualatex-fr.txt"),
    ("article-en-dvipdfmx.pdf", "article-en.txt"),
    ("article-en-dvipdfmx-no-tounicode.pdf", "article-en.txt"),
    ("gs-letter-fr.pdf", "gs-letter-fr.txt"),
    ("gs-letter-fr-no-tounicode.pdf", "gs-letter-fr.txt"),
];

/// The least word recall accepted on a fixture with text.
const MIN_RECALL: f64 = 0.98;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents/pdf").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Words as search sees them: runs of letters and digits, lower-cased, counted.
fn words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// The share of the expected words (with their counts) found in `got`, and the expected
/// words missing (for the failure message).
fn recall(expected: &HashMap<String, usize>, got: &HashMap<String, usize>) -> (f64, Vec<String>) {
    let total: usize = expected.values().sum();
    let mut found = 0;
    let mut missing = Vec::new();
    for (word, &count) in expected {
        let have = got.get(word).copied().unwrap_or(0);
        found += have.min(count);
        if have < count {
            missing.push(word.clone());
        }
    }
    missing.sort();
    (found as f64 / total.max(1) as f64, missing)
}

#[test]
fn every_fixture_with_text_reads_as_its_expected_words() {
    let mut failures = Vec::new();
    eprintln!("{:<38} {:>7} {:>9} {:>7}", "fixture", "words", "recall", "ms");
    for (pdf, expected) in WITH_TEXT {
        let expected = String::from_utf8(fixture(expected)).unwrap();
        let started = Instant::now();
        let text = extract_text(DocumentFormat::Pdf, &fixture(pdf)).unwrap_or_else(|e| panic!("{pdf}: {e}"));
        let elapsed = started.elapsed();
        let expected = words(&expected);
        let (recall, missing) = recall(&expected, &words(&text));
        eprintln!(
            "{pdf:<38} {:>7} {recall:>9.4} {:>7.1}",
            expected.values().sum::<usize>(),
            elapsed.as_secs_f64() * 1000.0
        );
        if recall < MIN_RECALL {
            failures.push(format!("{pdf}: recall {recall:.4}, missing {missing:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn kerned_pdftex_lines_come_out_as_separate_words_without_ligatures() {
    let text = extract_text(DocumentFormat::Pdf, &fixture("cv-moderncv-en.pdf")).unwrap();
    assert!(text.contains("Here’s to the crazy ones. The misfits. The rebels. The troublemakers."), "{text}");
    for word in ["officially", "difficult", "different", "effective", "affordable", "fluent", "flair", "shifted"] {
        assert!(text.split(|c: char| !c.is_alphanumeric()).any(|w| w == word), "{word} missing");
    }
    assert!(!text.contains(['ﬁ', 'ﬂ', 'ﬀ', 'ﬃ', 'ﬄ']), "a ligature is left");
}

#[test]
fn accents_come_out_composed_from_every_producer() {
    for (pdf, words) in [
        ("cv-moderncv-fr.pdf", ["Ingénieure", "Électricité", "chœur"]),
        ("letter-fr.pdf", ["réécriture", "agréer", "Écoles"]),
        ("lo-cv-fr.pdf", ["Fournier-Hénault", "Rhône-Saône", "théâtre"]),
        ("article-fr.pdf", ["coopérative", "fiabilité", "sérénité"]),
        ("cv-lualatex-fr.pdf", ["Łukasz", "Wiśniewski-Ștefănescu", "Łódź"]),
    ] {
        let text = extract_text(DocumentFormat::Pdf, &fixture(pdf)).unwrap();
        for word in words {
            assert!(text.contains(word), "{pdf}: {word} missing");
        }
    }
}

#[test]
fn the_two_columns_of_an_article_are_read_one_after_the_other() {
    let text = extract_text(DocumentFormat::Pdf, &fixture("article-en.pdf")).unwrap();
    // The first column's lines follow each other, and the hyphenated "unreli-able" is one word.
    assert!(
        text.contains("Field staff work where networks are unreliable:\nin basements, on offshore platforms,"),
        "{text}"
    );
    assert!(text.contains("state-based"), "a compound hyphen at a line end is kept");
}

#[test]
fn a_pdf_that_needs_a_password_is_encrypted() {
    let error = extract_text(DocumentFormat::Pdf, &fixture("lo-cv-fr-open-password.pdf")).unwrap_err();
    assert_eq!(error, ExtractError::Encrypted);
}

#[test]
fn letters_outside_latin_1_come_from_the_fonts_programs_without_tounicode() {
    for (pdf, words) in [
        ("cv-lualatex-ttf-fr-no-tounicode.pdf", ["Łukasz", "Wiśniewski-Ștefănescu", "Łódź"]),
        ("gs-letter-fr-no-tounicode.pdf", ["Małgorzata", "Bucureşti", "Ștefan"]),
        ("article-en-dvipdfmx-no-tounicode.pdf", ["difficulties", "effective", "affordable"]),
    ] {
        let text = extract_text(DocumentFormat::Pdf, &fixture(pdf)).unwrap();
        for word in words {
            assert!(text.contains(word), "{pdf}: {word} missing");
        }
    }
}

#[test]
fn fonts_that_do_not_say_what_their_glyphs_are_give_no_text_rather_than_wrong_text() {
    // A CID-keyed CFF font (no glyph names) and a TrueType subset whose codes number its
    // glyphs (no Unicode cmap, no glyph names), both without ToUnicode maps.
    for pdf in ["cv-lualatex-fr-no-tounicode.pdf", "lo-cv-fr-no-tounicode.pdf"] {
        let text = extract_text(DocumentFormat::Pdf, &fixture(pdf)).unwrap();
        assert!(text.trim().is_empty(), "{pdf}: {text:?}");
    }
}

#[test]
fn a_scan_has_no_text() {
    let text = extract_text(DocumentFormat::Pdf, &fixture("scan.pdf")).unwrap();
    assert!(text.trim().is_empty(), "{text:?}");
}

// --- through the engine ------------------------------------------------------------------

use vivier::documents::{NoTextReason, Upload};
use vivier::pipeline::search::SearchFilter;

use crate::common;

#[test]
fn search_finds_the_words_of_the_kerned_pdftex_cv() {
    let data = common::TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let hr = common::hr(common::t(2026, 3, 2));
    let eleanor = common::person(&mut store, common::t(2026, 3, 2), "Eleanor Whitfield", "eleanor@example.org");
    let cv = fixture("cv-moderncv-en.pdf");
    let upload = Upload { kind: "cv", file_name: "cv.pdf", bytes: &cv };
    let (document, _) = store.add_document(&hr, &eleanor, upload, &common::extractor()).unwrap();
    assert_eq!((document.text_status.as_str(), document.text_reason), ("extracted", None));
    for word in ["troublemakers", "misfits", "officially", "Fjordline", "fiddle"] {
        let hits = store.search(&hr, word, &SearchFilter::default()).unwrap();
        assert!(hits.iter().any(|hit| hit.candidate_uuid == eleanor), "search did not find {word:?}");
    }
}

#[test]
fn documents_without_text_are_stored_with_the_reason_the_profile_shows() {
    let data = common::TempDataDir::with_passphrase();
    let mut store = data.open().unwrap();
    let hr = common::hr(common::t(2026, 3, 2));
    let amelie = common::person(&mut store, common::t(2026, 3, 2), "Amélie Fournier", "amelie@example.fr");
    for (file, reason) in [
        ("lo-cv-fr-open-password.pdf", NoTextReason::Encrypted),
        ("scan.pdf", NoTextReason::NoText),
        ("lo-cv-fr-edit-password.pdf", NoTextReason::NoText),
    ] {
        let bytes = fixture(file);
        let upload = Upload { kind: "cv", file_name: file, bytes: &bytes };
        let (document, extraction) = store.add_document(&hr, &amelie, upload, &common::extractor()).unwrap();
        if file.contains("edit-password") {
            // Protected only against editing: any reader opens it, and so does Vivier.
            assert_eq!((document.text_status.as_str(), document.text_reason), ("extracted", None), "{file}");
            continue;
        }
        assert_eq!((document.text_status.as_str(), document.text_reason), ("none", Some(reason)), "{file}");
        assert!(extraction.text().is_none(), "{file}");
    }
    let profile = store.profile(&hr, &amelie).unwrap();
    let reasons: Vec<_> = profile.documents.iter().map(|d| d.text_reason).collect();
    assert!(reasons.contains(&Some(NoTextReason::Encrypted)) && reasons.contains(&Some(NoTextReason::NoText)));
}
