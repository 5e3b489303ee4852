//! Documents: recognition by content, name and size checks, text extraction in-process
//! and through the child-process extractor, with valid and hostile fixtures generated in
//! memory (tests/documents/fixtures.rs).
//!
//! The extractor's child is this test executable itself, re-run with
//! `--ignored --exact extract_child`: the ignored test `extract_child` calls
//! `documents::run_child()`.

mod common;
#[path = "documents/corpus.rs"]
mod corpus;
#[path = "documents/fixtures.rs"]
mod fixtures;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vivier::documents::{
    self, DEFAULT_SIZE_LIMIT, DocumentError, DocumentFormat, ExtractError, Extraction, Extractor, check_name,
    check_size, extract_text, sniff,
};

const MIB: u64 = 1024 * 1024;

/// The child side: only run when the extractor starts this executable for it.
#[test]
#[ignore = "the extractor's child process, started by the other tests"]
fn extract_child() {
    let _ = documents::run_child();
}

fn child_args() -> Vec<String> {
    ["--ignored", "--exact", "extract_child", "--nocapture", "-q"].map(String::from).to_vec()
}

fn extractor() -> Extractor {
    let mut extractor = Extractor::new(std::env::current_exe().unwrap(), child_args());
    extractor.env = vec![("VIVIER_TEST".into(), "1".into())];
    extractor
}

fn no_text_reason(extraction: &Extraction) -> &str {
    match extraction {
        Extraction::NoText { reason } => reason,
        Extraction::Text(text) => panic!("expected no text, got {} bytes of text", text.len()),
    }
}

fn hostile_documents() -> Vec<(&'static str, DocumentFormat, Vec<u8>)> {
    let cv = fixtures::cv_pdf();
    vec![
        ("truncated PDF", DocumentFormat::Pdf, cv[..cv.len() / 2].to_vec()),
        (
            "PDF with 100,000 nested arrays in its page content",
            DocumentFormat::Pdf,
            fixtures::pdf_nested_content(100_000),
        ),
        ("PDF with 100,000 nested arrays in its catalog", DocumentFormat::Pdf, fixtures::pdf_nested_catalog(100_000)),
        ("encrypted PDF", DocumentFormat::Pdf, fixtures::pdf_encrypted()),
        (
            "PDF header then garbage",
            DocumentFormat::Pdf,
            [b"%PDF-1.7\n".as_slice(), &fixtures::garbage(100_000)].concat(),
        ),
        ("DOCX declaring 1 GB", DocumentFormat::Docx, fixtures::docx_declaring_1_gb()),
        ("DOCX inflating to 60 MB, honest headers", DocumentFormat::Docx, fixtures::docx_bomb(60_000_000, None)),
        (
            "DOCX inflating to 60 MB, headers claiming 1 KB",
            DocumentFormat::Docx,
            fixtures::docx_bomb(60_000_000, Some(1000)),
        ),
        (
            "DOCX nested 100,000 elements deep",
            DocumentFormat::Docx,
            fixtures::docx_with(format!("{}{}", "<w:p>".repeat(100_000), "</w:p>".repeat(100_000)).as_bytes()),
        ),
        ("DOCX with broken XML", DocumentFormat::Docx, fixtures::docx_with(b"<w:document><w:t>x</w:document>")),
        (
            "ODT without content.xml",
            DocumentFormat::Odt,
            fixtures::zip(&[("mimetype", b"application/vnd.oasis.opendocument.text", false)]),
        ),
        ("garbage declared as DOCX", DocumentFormat::Docx, fixtures::garbage(10_000)),
    ]
}

// --- recognition -------------------------------------------------------------------------

#[test]
fn each_format_is_recognised_by_its_content() {
    assert_eq!(sniff(&fixtures::cv_pdf()), Ok(DocumentFormat::Pdf));
    assert_eq!(sniff(&fixtures::letter_docx()), Ok(DocumentFormat::Docx));
    assert_eq!(sniff(&fixtures::cv_odt()), Ok(DocumentFormat::Odt));
    assert_eq!(sniff("Jeanne Martin\nIngénieure\n".as_bytes()), Ok(DocumentFormat::Text));
    assert_eq!(sniff(b"\xEF\xBB\xBFTexte avec BOM"), Ok(DocumentFormat::Text));
}

#[test]
fn zips_that_are_not_word_or_opendocument_text_are_unsupported() {
    for (what, bytes) in fixtures::other_zips() {
        let err = sniff(&bytes).unwrap_err();
        assert_eq!(err.code(), "unsupported_document", "{what}");
        assert!(err.to_string().contains("PDF, Word (DOCX), OpenDocument text (ODT) and plain text"), "{what}: {err}");
    }
}

#[test]
fn binary_garbage_and_empty_files_are_refused() {
    assert_eq!(sniff(&fixtures::garbage(4096)).unwrap_err().code(), "unsupported_document");
    assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00").unwrap_err().code(), "unsupported_document");
    assert_eq!(sniff(b"almost text\x00").unwrap_err().code(), "unsupported_document");
    let empty = sniff(b"").unwrap_err();
    assert_eq!(empty, DocumentError::Empty);
    assert_eq!(empty.code(), "empty_document");
}

#[test]
fn a_pdf_name_on_docx_content_is_refused_naming_both() {
    let format = sniff(&fixtures::letter_docx()).unwrap();
    let err = check_name("Lettre de motivation.pdf", format).unwrap_err();
    assert_eq!(err.code(), "document_mismatch");
    assert!(err.to_string().starts_with("the file is named .pdf but its content is a Word document (DOCX)"), "{err}");
    assert_eq!(check_name("Lettre de motivation.DOCX", format), Ok(()));
}

#[test]
fn text_names_and_unknown_extensions() {
    assert_eq!(check_name("cv.txt", DocumentFormat::Text), Ok(()));
    assert_eq!(check_name("cv.md", DocumentFormat::Text), Ok(()));
    assert_eq!(check_name("cv", DocumentFormat::Text), Ok(()));
    assert_eq!(check_name("cv.exe", DocumentFormat::Text).unwrap_err().code(), "unsupported_document");
    assert_eq!(check_name("cv.odt", DocumentFormat::Docx).unwrap_err().code(), "document_mismatch");
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    assert_eq!(DEFAULT_SIZE_LIMIT, 20_000_000);
    assert_eq!(check_size(20_000_000, DEFAULT_SIZE_LIMIT), Ok(()));
    let err = check_size(20_000_001, DEFAULT_SIZE_LIMIT).unwrap_err();
    assert_eq!(err.code(), "document_too_large");
    assert!(err.to_string().contains("20 MB"), "{err}");
}

// --- extraction in-process ---------------------------------------------------------------

#[test]
fn pdf_text_comes_from_every_page() {
    let text = extract_text(DocumentFormat::Pdf, &fixtures::cv_pdf()).unwrap();
    for words in ["Jeanne Martin", "Ingénieure logiciel Rust", "Lyon", "Experience: Quartzite SA", "French, English"] {
        assert!(text.contains(words), "{words:?} missing from the PDF text");
    }
    assert!(text.find("Lyon") < text.find("Quartzite"), "pages in order");
}

#[test]
fn pdftotext_reads_the_pdf_fixture_too() {
    // Optional cross-check with poppler; skipped where it is not installed. Pipes only.
    let Ok(mut child) = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        eprintln!("pdftotext not installed: cross-check skipped");
        return;
    };
    child.stdin.take().unwrap().write_all(&fixtures::cv_pdf()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Jeanne Martin") && text.contains("Quartzite SA"), "pdftotext could not read the fixture");
    assert_eq!(text.matches('\x0c').count(), 2, "two pages");
}

#[test]
fn docx_text_keeps_paragraphs_tabs_and_breaks() {
    let text = extract_text(DocumentFormat::Docx, &fixtures::letter_docx()).unwrap();
    assert_eq!(
        text,
        "Madame, Monsieur,\nJe souhaite rejoindre Quartzite\ten tant qu'ingénieure.\nBien à vous,\nJeanne Martin\n"
    );
}

#[test]
fn odt_text_keeps_headings_paragraphs_and_spaces() {
    let text = extract_text(DocumentFormat::Odt, &fixtures::cv_odt()).unwrap();
    assert_eq!(text, "Karim Benali\nData  engineer\tNantes\nSQL, Python\nPermis B\n");
}

#[test]
fn docx_text_comes_from_every_part_a_reader_sees() {
    let text = extract_text(DocumentFormat::Docx, &fixtures::docx_with_every_part()).unwrap();
    for part in [
        "Jeanne Martin, comptable",
        "Encadré : bénévole à la paroisse",
        "En-tête : CV de Jeanne",
        "Pied de page : page 1",
        "Note : syndiquée à la CGT",
        "Note de fin : Lyon",
        "Commentaire : enceinte",
    ] {
        assert_eq!(text.matches(part).count(), 1, "{part:?} once in {text:?}");
    }
    assert!(text.starts_with("Jeanne Martin, comptable\n"), "the body comes first: {text:?}");
    assert!(!text.contains("Heading"), "styles are not text: {text:?}");
}

#[test]
fn odt_text_comes_from_every_part_a_reader_sees() {
    let text = extract_text(DocumentFormat::Odt, &fixtures::odt_with_every_part()).unwrap();
    for part in [
        "Karim Benali, data engineer",
        "Note : séropositif",
        "Encadré : militant LFI",
        "Commentaire : musulman",
        "En-tête : Karim Benali",
        "Pied de page : confidentiel",
    ] {
        assert_eq!(text.matches(part).count(), 1, "{part:?} once in {text:?}");
    }
    assert!(!text.contains("2026-01-01") && !text.contains("not text"), "only text of the document: {text:?}");
}

#[test]
fn the_guard_reads_what_hides_in_headers_notes_comments_and_text_boxes() {
    use vivier::guard::{Category, Guard, Level};
    for (name, bytes) in [
        ("docx", extract_text(DocumentFormat::Docx, &fixtures::docx_with_every_part()).unwrap()),
        ("odt", extract_text(DocumentFormat::Odt, &fixtures::odt_with_every_part()).unwrap()),
    ] {
        let refused: Vec<Category> =
            Guard::standard().check(&bytes).iter().filter(|f| f.level == Level::Refused).map(|f| f.category).collect();
        assert!(refused.len() >= 3, "{name}: {refused:?} in {bytes:?}");
    }
}

#[test]
fn truncated_pdf_is_corrupt() {
    let cv = fixtures::cv_pdf();
    for cut in [cv.len() / 2, 40, 9] {
        assert!(matches!(extract_text(DocumentFormat::Pdf, &cv[..cut]), Err(ExtractError::Corrupt(_))), "cut at {cut}");
    }
}

#[test]
fn deeply_nested_pdf_arrays_are_refused_or_skipped_without_overflowing_the_stack() {
    // Runs on a test thread (2 MiB stack): a recursive parser would overflow and abort.
    for pdf in [fixtures::pdf_nested_content(100_000), fixtures::pdf_nested_catalog(100_000)] {
        match extract_text(DocumentFormat::Pdf, &pdf) {
            Err(ExtractError::Corrupt(_) | ExtractError::TooDeep) => {}
            Ok(text) => assert!(!text.contains('['), "nested arrays read as text"),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn encrypted_pdf_is_reported_as_encrypted() {
    let err = extract_text(DocumentFormat::Pdf, &fixtures::pdf_encrypted()).unwrap_err();
    assert_eq!(err, ExtractError::Encrypted);
    assert!(err.to_string().contains("password"), "{err}");
}

#[test]
fn docx_entry_declaring_1_gb_is_refused_before_inflating() {
    assert_eq!(extract_text(DocumentFormat::Docx, &fixtures::docx_declaring_1_gb()), Err(ExtractError::TooLarge));
    // Honest headers over the cap: refused on the declaration alone.
    assert_eq!(extract_text(DocumentFormat::Docx, &fixtures::docx_bomb(60_000_000, None)), Err(ExtractError::TooLarge));
}

#[test]
fn docx_entry_lying_about_its_size_cannot_inflate_past_the_cap() {
    // 60 MB of deflated spaces whose headers claim 1 KB: the read is capped either way
    // (the zip reader stops at the claimed size and the CRC fails, or our cap stops it).
    let result = extract_text(DocumentFormat::Docx, &fixtures::docx_bomb(60_000_000, Some(1000)));
    assert!(matches!(result, Err(ExtractError::TooLarge | ExtractError::Corrupt(_))), "{result:?}");
}

#[test]
fn deeply_nested_docx_xml_is_too_deep() {
    let xml = format!("{}{}", "<w:p>".repeat(100_000), "</w:p>".repeat(100_000));
    assert_eq!(extract_text(DocumentFormat::Docx, &fixtures::docx_with(xml.as_bytes())), Err(ExtractError::TooDeep));
}

// --- extraction through the child process ------------------------------------------------

#[test]
fn the_extractor_returns_the_text_of_valid_documents() {
    let extractor = extractor();
    for (format, bytes, words) in [
        (DocumentFormat::Pdf, fixtures::cv_pdf(), "Quartzite SA"),
        (DocumentFormat::Docx, fixtures::letter_docx(), "Bien à vous"),
        (DocumentFormat::Odt, fixtures::cv_odt(), "Karim Benali"),
        (DocumentFormat::Text, "Zoé Petit\nUX designer\n".as_bytes().to_vec(), "UX designer"),
    ] {
        let extraction = extractor.extract(format, &bytes);
        let text = extraction.text().unwrap_or_else(|| panic!("{format}: {extraction:?}"));
        assert!(text.contains(words), "{format}: {words:?} missing");
    }
}

#[test]
fn hostile_documents_end_as_no_text_with_a_reason() {
    let extractor = extractor();
    for (what, format, bytes) in hostile_documents() {
        let started = Instant::now();
        let extraction = extractor.extract(format, &bytes);
        let reason = no_text_reason(&extraction);
        assert!(!reason.is_empty(), "{what}");
        assert!(started.elapsed() < extractor.timeout + Duration::from_secs(5), "{what} was not stopped in time");
    }
}

#[test]
fn a_document_without_text_is_no_text() {
    let blank = fixtures::pdf(&[&[]]);
    let reason = no_text_reason(&extractor().extract(DocumentFormat::Pdf, &blank)).to_string();
    assert!(reason.contains("no text"), "{reason}");
}

#[test]
fn a_hanging_child_is_killed_after_the_timeout() {
    let mut extractor = extractor();
    extractor.timeout = Duration::from_secs(1);
    extractor.env.push(("VIVIER_EXTRACT_TEST_HANG".into(), "1".into()));
    let started = Instant::now();
    let extraction = extractor.extract(DocumentFormat::Text, b"hello");
    let elapsed = started.elapsed();
    let reason = no_text_reason(&extraction);
    assert!(reason.contains("longer than 1 s"), "{reason}");
    assert!(elapsed >= Duration::from_secs(1), "stopped before the timeout: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(6), "not stopped at the timeout: {elapsed:?}");
}

#[test]
fn test_hooks_are_ignored_without_vivier_test() {
    let mut extractor = extractor();
    extractor.timeout = Duration::from_secs(5);
    extractor.env = vec![("VIVIER_EXTRACT_TEST_HANG".into(), "1".into())];
    assert_eq!(extractor.extract(DocumentFormat::Text, b"hello"), Extraction::Text("hello".into()));
}

#[test]
fn a_child_over_its_memory_limit_ends_as_no_text() {
    // The same child allocating 768 MiB: refused under a 512 MiB limit, fine under 2 GiB.
    let mut extractor = extractor();
    extractor.env.push(("VIVIER_EXTRACT_TEST_ALLOC".into(), (768 * MIB).to_string()));
    extractor.memory_limit = 512 * MIB;
    let reason = no_text_reason(&extractor.extract(DocumentFormat::Text, b"hello")).to_string();
    assert!(reason.contains("memory"), "{reason}");
    extractor.memory_limit = 2048 * MIB;
    assert_eq!(extractor.extract(DocumentFormat::Text, b"hello"), Extraction::Text("hello".into()));
}

#[test]
fn the_child_writes_no_document_content_outside_its_answer() {
    // Started directly, stderr captured: neither a good nor a hostile document may leave
    // a trace of its content there, and stdout carries only the harness's lines and the
    // answer.
    let marker = "Confidentiel-Dupont-0612345678";
    for (format, bytes) in [
        (DocumentFormat::Text, format!("{marker}\n").into_bytes()),
        (
            DocumentFormat::Pdf,
            format!("%PDF-1.7\n1 0 obj ({marker}) endobj trailer << /Root [[[( {marker}").into_bytes(),
        ),
        (DocumentFormat::Docx, fixtures::docx_with(format!("<w:t>{marker}</w:x>").as_bytes())),
    ] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(child_args())
            .env("VIVIER_EXTRACT_FORMAT", format.as_str())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains(marker), "{format}: content on stderr");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let outside: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("VIVIER-EXTRACT ")).collect();
        assert!(!outside.iter().any(|l| l.contains(marker)), "{format}: content outside the answer");
        assert_eq!(stdout.lines().filter(|l| l.starts_with("VIVIER-EXTRACT ")).count(), 1, "{format}: one answer");
    }
}

/// Not a speed assertion (DESIGN.md §10): prints how long each fixture takes, in-process
/// and through the child, for the record. `cargo test --test documents extraction_times
/// -- --nocapture`.
#[test]
fn extraction_times() {
    let extractor = extractor();
    let mut documents = vec![
        ("valid PDF (2 pages)", DocumentFormat::Pdf, fixtures::cv_pdf()),
        ("valid DOCX", DocumentFormat::Docx, fixtures::letter_docx()),
        ("valid ODT", DocumentFormat::Odt, fixtures::cv_odt()),
    ];
    documents.extend(hostile_documents());
    for (what, format, bytes) in documents {
        let started = Instant::now();
        let in_process = extract_text(format, &bytes);
        let in_process_time = started.elapsed();
        let started = Instant::now();
        let extraction = extractor.extract(format, &bytes);
        let child_time = started.elapsed();
        let outcome = match (&in_process, &extraction) {
            (Ok(_), Extraction::Text(_)) => "text".to_string(),
            (Err(e), _) => format!("no text: {}", e.code()),
            (Ok(_), Extraction::NoText { reason }) => format!("no text: {reason}"),
        };
        eprintln!(
            "{what:<50} {:>9} bytes  in-process {:>8.1} ms  child {:>8.1} ms  {outcome}",
            bytes.len(),
            in_process_time.as_secs_f64() * 1000.0,
            child_time.as_secs_f64() * 1000.0
        );
    }
}

#[test]
fn many_documents_through_shared_children_keep_each_ones_limits() {
    // Twelve documents, two of them poisoned: one hangs, one needs more memory than
    // allowed. Each poisoned one ends as no text within its own limits; every other
    // document is read, those after a poisoned one by a new child.
    let mut extractor = extractor();
    extractor.timeout = Duration::from_secs(1);
    extractor.memory_limit = 512 * MIB;
    extractor.env.extend([
        ("VIVIER_EXTRACT_TEST_HANG_ON".to_string(), "HANG-HERE".to_string()),
        ("VIVIER_EXTRACT_TEST_ALLOC_ON".to_string(), "ALLOC-HERE".to_string()),
        ("VIVIER_EXTRACT_TEST_ALLOC_SIZE".to_string(), (768 * MIB).to_string()),
    ]);
    let texts: Vec<String> = (0..12)
        .map(|i| match i {
            2 => "HANG-HERE".to_string(),
            9 => "ALLOC-HERE".to_string(),
            i => format!("document {i}"),
        })
        .collect();
    let documents: Vec<(DocumentFormat, &[u8])> = texts.iter().map(|t| (DocumentFormat::Text, t.as_bytes())).collect();
    let started = Instant::now();
    let got = extractor.extract_many(&documents);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(got.len(), 12);
    for (i, (extraction, reason)) in got.iter().enumerate() {
        match i {
            2 => assert!(no_text_reason(extraction).contains("longer than 1 s"), "{extraction:?}"),
            9 => assert!(no_text_reason(extraction).contains("memory"), "{extraction:?}"),
            i => {
                assert_eq!(extraction, &Extraction::Text(format!("document {i}")), "{i}");
                assert!(reason.is_none());
            }
        }
    }
    // Without VIVIER_TEST=1 the marks are plain text.
    extractor.env.retain(|(k, _)| k != "VIVIER_TEST");
    let got = extractor.extract_many(&documents[..3]);
    assert_eq!(got[2].0, Extraction::Text("HANG-HERE".into()));
}
