//! Measures the sensitive-category guard on its labelled notes: precision and recall per
//! category and language, and how often ordinary professional notes are refused or
//! warned, printed as tables (run with `--nocapture`), on the tuned part
//! (`tests/guard/corpus.tsv`) and on the held-out part (`tests/guard/heldout.tsv`, never
//! used to tune the guard, written blind by someone who never saw the guard: see its
//! header). Issue 16 set targets on the held-out part (recall ≥ 0.95 on refused
//! categories, ordinary notes refused ≤ 2 % and warned ≤ 10 %); on blind text the guard
//! does not meet the first (the tenth blind file, the first measured with the trained
//! decision: recall 0.90, 1.1 % of ordinary notes refused, 2.2 % warned), so the test
//! prints the targets beside the figures and asserts the floor measured on the current
//! file, so that a change that makes the guard worse on unseen text fails. The
//! tuned part keeps the targets of issue 4 (recall ≥ 0.95, precision ≥ 0.90) and of
//! issue 16 on ordinary notes.
//!
//! A sentence counts as found in a refused category when the guard refuses it for that
//! category (a warning is a miss: the note would be stored); in a warned category when
//! the guard warns or refuses. An ordinary note (`none`) is refused when any finding is
//! refused, warned when any finding is warned.
//!
//! Speed is printed, and bounded only loosely (DESIGN.md §10: speed is measured in
//! benchmarks, not asserted): a 3 KB note and a 20-page CV.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use vivier::guard::{Category, Finding, Guard, Level};

const CORPUS: &str = include_str!("guard/corpus.tsv");
const HELD_OUT: &str = include_str!("guard/heldout.tsv");

struct Sample {
    line: usize,
    language: String,
    expected: BTreeSet<Category>,
    text: String,
}

fn parse(tsv: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for (index, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut columns = line.splitn(3, '\t');
        let (Some(language), Some(expected), Some(text)) = (columns.next(), columns.next(), columns.next()) else {
            panic!("corpus line {}: expected three tab-separated columns", index + 1);
        };
        assert!(language == "fr" || language == "en", "corpus line {}: language {language:?}", index + 1);
        let expected = if expected == "none" {
            BTreeSet::new()
        } else {
            expected
                .split(',')
                .map(|code| {
                    Category::from_code(code.trim())
                        .unwrap_or_else(|| panic!("corpus line {}: unknown category {code:?}", index + 1))
                })
                .collect()
        };
        samples.push(Sample { line: index + 1, language: language.into(), expected, text: text.into() });
    }
    samples
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
    fn cell(self) -> String {
        if self.tp + self.fp + self.fn_ == 0 {
            return format!("{:>17}", "-");
        }
        format!("{:>5.2} {:>5.2} {:>5}", self.precision(), self.recall(), self.tp + self.fn_)
    }
}

/// The categories a text is found in: refused categories when refused, warned ones
/// when flagged at all.
fn found(findings: &[Finding]) -> BTreeSet<Category> {
    findings
        .iter()
        .filter(|f| f.category.level() == Level::Warned || f.level == Level::Refused)
        .map(|f| f.category)
        .collect()
}

/// What a measurement gives: per category and language (0 = fr, 1 = en) the counts, the
/// ordinary notes refused and warned, and the sentences not exactly right.
struct Measure {
    counts: Vec<[Counts; 2]>,
    ordinary: usize,
    ordinary_refused: usize,
    ordinary_warned: usize,
    errors: Vec<String>,
}

fn measure(samples: &[Sample]) -> Measure {
    let guard = Guard::standard();
    let mut m = Measure {
        counts: vec![[Counts::default(); 2]; Category::ALL.len()],
        ordinary: 0,
        ordinary_refused: 0,
        ordinary_warned: 0,
        errors: Vec::new(),
    };
    for sample in samples {
        let findings = guard.check(&sample.text);
        let found = found(&findings);
        let lang = usize::from(sample.language == "en");
        for (i, category) in Category::ALL.into_iter().enumerate() {
            let c = &mut m.counts[i][lang];
            match (sample.expected.contains(&category), found.contains(&category)) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => {}
            }
        }
        let mut wrong = found != sample.expected;
        if sample.expected.is_empty() {
            m.ordinary += 1;
            let refused = findings.iter().any(|f| f.level == Level::Refused);
            let warned = findings.iter().any(|f| f.level == Level::Warned);
            m.ordinary_refused += usize::from(refused);
            m.ordinary_warned += usize::from(warned);
            wrong |= warned;
        }
        if wrong {
            let missed: Vec<&str> = sample.expected.difference(&found).map(|c| c.code()).collect();
            let extra: Vec<String> = findings
                .iter()
                .filter(|f| !sample.expected.contains(&f.category) || f.level != Level::Refused)
                .map(|f| format!("{}:{:?}={:?}({:?})", f.category.code(), f.level, f.phrase, f.why))
                .collect();
            m.errors.push(format!(
                "line {:>3} [{}] missed {:?} flagged {:?}: {}",
                sample.line, sample.language, missed, extra, sample.text
            ));
        }
    }
    m
}

/// Prints the table, the rates on ordinary notes and the sentences not exactly right;
/// returns the refused and the overall micro-averaged counts, and the rates of ordinary
/// notes refused and warned.
fn report(name: &str, samples: &[Sample]) -> (Counts, Counts, f64, f64) {
    let m = measure(samples);
    let french = samples.iter().filter(|s| s.language == "fr").count();
    println!();
    println!(
        "== {name}: {} sentences ({} fr, {} en), {} ordinary notes",
        samples.len(),
        french,
        samples.len() - french,
        m.ordinary
    );
    println!(
        "{:<24} {:>17}   {:>17}   {:>17}",
        "category", "fr  P     R     n", "en  P     R     n", "all P     R     n"
    );
    let mut refused = [Counts::default(); 3];
    let mut all = [Counts::default(); 3];
    for (i, category) in Category::ALL.into_iter().enumerate() {
        let [fr, en] = m.counts[i];
        let mut both = fr;
        both.add(en);
        for (k, c) in [fr, en, both].into_iter().enumerate() {
            all[k].add(c);
            if category.level() == Level::Refused {
                refused[k].add(c);
            }
        }
        let level = if category.level() == Level::Refused { "" } else { " (w)" };
        println!("{:<24} {}   {}   {}", format!("{}{level}", category.code()), fr.cell(), en.cell(), both.cell());
    }
    println!("{:<24} {}   {}   {}", "REFUSED (micro)", refused[0].cell(), refused[1].cell(), refused[2].cell());
    println!("{:<24} {}   {}   {}", "ALL (micro)", all[0].cell(), all[1].cell(), all[2].cell());
    println!("(P precision, R recall, n expected positives; (w) warned categories)");
    let rate = |k: usize| if m.ordinary == 0 { 0.0 } else { k as f64 / m.ordinary as f64 };
    let (refused_rate, warned_rate) = (rate(m.ordinary_refused), rate(m.ordinary_warned));
    println!(
        "ordinary notes: {} refused ({:.1} %), {} warned ({:.1} %) of {}",
        m.ordinary_refused,
        100.0 * refused_rate,
        m.ordinary_warned,
        100.0 * warned_rate,
        m.ordinary
    );
    println!("{} sentences not exactly right:", m.errors.len());
    for error in &m.errors {
        println!("  {error}");
    }
    (refused[2], all[2], refused_rate, warned_rate)
}

/// Every category has a positive sentence in each of `languages`, or in any language
/// when `languages` is empty.
fn assert_covers_every_category(samples: &[Sample], languages: &[&str]) {
    for category in Category::ALL {
        assert!(samples.iter().any(|s| s.expected.contains(&category)), "no positive sentence for {}", category.code());
        for language in languages {
            assert!(
                samples.iter().any(|s| s.language == *language && s.expected.contains(&category)),
                "no {language} positive for {}",
                category.code()
            );
        }
    }
}

#[test]
fn the_guard_meets_its_targets_on_the_tuned_notes() {
    let samples = parse(CORPUS);
    let ordinary = samples.iter().filter(|s| s.expected.is_empty()).count();
    assert!(samples.len() >= 400 && ordinary * 3 >= samples.len(), "the corpus is too small");
    assert_covers_every_category(&samples, &["fr", "en"]);
    let (refused, all, refused_rate, warned_rate) = report("tuned notes (tests/guard/corpus.tsv)", &samples);
    assert!(refused.recall() >= 0.95, "recall on refused categories {:.3} < 0.95", refused.recall());
    assert!(refused.precision() >= 0.90, "precision on refused categories {:.3} < 0.90", refused.precision());
    assert!(all.precision() >= 0.90, "precision over all categories {:.3} < 0.90", all.precision());
    assert!(refused_rate <= 0.02, "ordinary notes refused: {:.1} % > 2 %", 100.0 * refused_rate);
    assert!(warned_rate <= 0.10, "ordinary notes warned: {:.1} % > 10 %", 100.0 * warned_rate);
}

#[test]
fn the_guard_meets_its_targets_on_the_held_out_notes() {
    let samples = parse(HELD_OUT);
    let ordinary = samples.iter().filter(|s| s.expected.is_empty()).count();
    // The figures first: a held-out file is measured once, and its figures are printed
    // even when an assertion below fails.
    let (refused, all, refused_rate, warned_rate) = report("held-out notes (tests/guard/heldout.tsv)", &samples);
    assert!(samples.len() >= 120 && ordinary * 3 >= samples.len(), "the held-out part is too small");
    assert_covers_every_category(&samples, &[]);
    println!(
        "held-out: refused categories P {:.2} R {:.2}; all categories P {:.2} R {:.2}",
        refused.precision(),
        refused.recall(),
        all.precision(),
        all.recall()
    );
    let met = |ok: bool| if ok { "met" } else { "NOT MET" };
    println!(
        "issue-16 targets on the held-out part: refused recall ≥ 0.95 ({}), ordinary notes refused ≤ 2 % ({}), warned ≤ 10 % ({})",
        met(refused.recall() >= 0.95),
        met(refused_rate <= 0.02),
        met(warned_rate <= 0.10),
    );
    // The floor: the tenth held-out file's one measurement (its header), rounded down.
    assert!(
        refused.recall() >= HELD_OUT_FLOOR.recall,
        "held-out recall on refused categories {:.3} < {}",
        refused.recall(),
        HELD_OUT_FLOOR.recall
    );
    assert!(
        refused.precision() >= HELD_OUT_FLOOR.precision,
        "held-out precision on refused categories {:.3} < {}",
        refused.precision(),
        HELD_OUT_FLOOR.precision
    );
    assert!(
        refused_rate <= HELD_OUT_FLOOR.refused,
        "held-out ordinary notes refused: {:.1} % > {} %",
        100.0 * refused_rate,
        100.0 * HELD_OUT_FLOOR.refused
    );
    assert!(warned_rate <= 0.10, "held-out ordinary notes warned: {:.1} % > 10 %", 100.0 * warned_rate);
}

/// What the held-out part must not fall below: its one measurement before any change
/// made after seeing it (tests/guard/heldout.tsv's header). A new held-out file brings
/// its own.
struct Floor {
    recall: f64,
    precision: f64,
    refused: f64,
}

const HELD_OUT_FLOOR: Floor = Floor { recall: 0.89, precision: 0.98, refused: 0.011 };

/// An HR note of about 3 KB and a CV of 20 pages, written from the corpus's ordinary
/// notes with a few sensitive sentences in them.
fn note_and_cv() -> (String, String) {
    let samples = parse(CORPUS);
    let mut note = String::new();
    for s in samples.iter().cycle().step_by(7) {
        if note.len() >= 3_000 {
            break;
        }
        note.push_str(&s.text);
        note.push(' ');
    }
    // A page of a CV is about 3,000 characters: 20 pages, with line breaks.
    let mut cv = String::new();
    for (i, s) in samples.iter().cycle().enumerate() {
        if cv.len() >= 60_000 {
            break;
        }
        cv.push_str(&s.text);
        cv.push(if i % 3 == 0 { '\n' } else { ' ' });
    }
    (note, cv)
}

fn time(text: &str) -> Duration {
    let guard = Guard::standard();
    guard.check(text); // warm (the vocabulary is compiled on first use)
    let runs = 20;
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(guard.check(std::hint::black_box(text)));
    }
    started.elapsed() / runs
}

#[test]
fn checking_a_note_and_a_long_cv_is_fast() {
    let (note, cv) = note_and_cv();
    let (note_time, cv_time) = (time(&note), time(&cv));
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "guard speed ({profile} build): a {} KB note in {:?}, a 20-page CV ({} KB) in {:?}",
        note.len() / 1000,
        note_time,
        cv.len() / 1000,
        cv_time
    );
    // Loose bounds, for a shared machine and an unoptimised build: the targets (1 ms, 20
    // ms) are for release builds and are reported above.
    assert!(note_time < Duration::from_millis(50), "a 3 KB note took {note_time:?}");
    assert!(cv_time < Duration::from_millis(1000), "a 20-page CV took {cv_time:?}");
}
