//! PDF text extraction times (issue 17), reported in docs/benchmarks.md: every fixture of
//! tests/documents/pdf/, in-process and through the bounded child process (the `vivier`
//! binary, as the app and the CLI run it). Figures are printed, never asserted.
//!
//! `cargo bench -p vivier --bench documents`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use vivier::documents::{DocumentFormat, Extractor, extract_text};

const FIXTURES: [&str; 15] = [
    "cv-moderncv-en.pdf",
    "cv-moderncv-fr.pdf",
    "cv-moderncv-fr-rc4.pdf",
    "cv-long-en.pdf",
    "cv-lualatex-fr.pdf",
    "article-en.pdf",
    "article-fr.pdf",
    "letter-fr.pdf",
    "letter-fr-aes128.pdf",
    "lo-cv-fr.pdf",
    "lo-cv-fr-edit-password.pdf",
    "lo-cv-fr-open-password.pdf",
    "lo-letter-en.pdf",
    "lo-letter-en-aes256.pdf",
    "scan.pdf",
];

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents/pdf");
    let extractor = Extractor::new(env!("CARGO_BIN_EXE_vivier").into(), vec!["__extract-text".into()]);
    println!("{:<28} {:>7} {:>6} {:>12} {:>12} {:>12}", "fixture", "KB", "pages", "in-process", "(max)", "child");
    for name in FIXTURES {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let pages = lopdf::Document::load_mem(&bytes).map(|d| d.get_pages().len()).unwrap_or(0);
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
        println!(
            "{name:<28} {:>7.1} {pages:>6} {:>9.1} ms {max:>9.1} ms {:>9.1} ms",
            bytes.len() as f64 / 1000.0,
            median(in_process),
            median(child)
        );
    }
}
