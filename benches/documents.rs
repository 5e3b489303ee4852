//! PDF text extraction times (issue 17), reported in docs/benchmarks.md: every fixture of
//! tests/documents/pdf/, in-process and through the bounded child process (the `vivier`
//! binary, as the app and the CLI run it), beside lopdf's own `extract_text` (the former
//! extractor) with the word recall of each against the fixture's expected text. Figures are
//! printed, never asserted.
//!
//! `cargo bench -p vivier --bench documents`

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vivier::documents::{DocumentFormat, Extractor, extract_text};

/// Each fixture, and its expected text when it has text.
const FIXTURES: [(&str, Option<&str>); 15] = [
    ("cv-moderncv-en.pdf", Some("cv-moderncv-en.txt")),
    ("cv-moderncv-fr.pdf", Some("cv-moderncv-fr.txt")),
    ("cv-moderncv-fr-rc4.pdf", Some("cv-moderncv-fr.txt")),
    ("cv-long-en.pdf", Some("cv-long-en.txt")),
    ("cv-lualatex-fr.pdf", Some("cv-lualatex-fr.txt")),
    ("article-en.pdf", Some("article-en.txt")),
    ("article-fr.pdf", Some("article-fr.txt")),
    ("letter-fr.pdf", Some("letter-fr.txt")),
    ("letter-fr-aes128.pdf", Some("letter-fr.txt")),
    ("lo-cv-fr.pdf", Some("lo-cv-fr.txt")),
    ("lo-cv-fr-edit-password.pdf", Some("lo-cv-fr.txt")),
    ("lo-cv-fr-open-password.pdf", None),
    ("lo-letter-en.pdf", Some("lo-letter-en.txt")),
    ("lo-letter-en-aes256.pdf", Some("lo-letter-en.txt")),
    ("scan.pdf", None),
];

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// The share of the expected words found in `text`, as tests/documents/corpus.rs counts it.
fn recall(dir: &Path, expected: Option<&str>, text: &str) -> String {
    let Some(expected) = expected else { return "—".into() };
    let expected = words(&std::fs::read_to_string(dir.join(expected)).unwrap());
    let got = words(text);
    let found: usize = expected.iter().map(|(w, n)| got.get(w).copied().unwrap_or(0).min(*n)).sum();
    format!("{:.3}", found as f64 / expected.values().sum::<usize>().max(1) as f64)
}

/// lopdf's own text extraction, page by page, as Vivier used it before issue 17.
fn former(bytes: &[u8]) -> String {
    let Ok(doc) = lopdf::Document::load_mem(bytes) else { return String::new() };
    let pages: Vec<u32> = doc.get_pages().into_keys().collect();
    pages.iter().filter_map(|p| doc.extract_text(&[*p]).ok()).collect::<Vec<_>>().join("\n")
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents/pdf");
    let extractor = Extractor::new(env!("CARGO_BIN_EXE_vivier").into(), vec!["__extract-text".into()]);
    println!(
        "{:<28} {:>6} {:>5} {:>11} {:>10} {:>10} {:>7} {:>12} {:>7}",
        "fixture", "KB", "pages", "in-process", "(max)", "child", "recall", "former", "recall"
    );
    for (name, expected) in FIXTURES {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let pages = lopdf::Document::load_mem(&bytes).map(|d| d.get_pages().len()).unwrap_or(0);
        let text = extract_text(DocumentFormat::Pdf, &bytes).unwrap_or_default();
        let mut in_process = Vec::new();
        for _ in 0..21 {
            let started = Instant::now();
            let _ = std::hint::black_box(extract_text(DocumentFormat::Pdf, &bytes));
            in_process.push(started.elapsed());
        }
        let max = in_process.iter().max().copied().unwrap_or_default().as_secs_f64() * 1000.0;
        let mut child = Vec::new();
        for _ in 0..11 {
            let started = Instant::now();
            let _ = std::hint::black_box(extractor.extract(DocumentFormat::Pdf, &bytes));
            child.push(started.elapsed());
        }
        let started = Instant::now();
        let former_text = former(&bytes);
        let former_time = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{name:<28} {:>6.1} {pages:>5} {:>8.1} ms {max:>7.1} ms {:>7.1} ms {:>7} {former_time:>9.1} ms {:>7}",
            bytes.len() as f64 / 1000.0,
            median(in_process),
            median(child),
            recall(&dir, expected, &text),
            recall(&dir, expected, &former_text),
        );
    }
}
