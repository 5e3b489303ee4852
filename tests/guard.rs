//! Measures the sensitive-category guard on its labelled corpus (`tests/guard/corpus.tsv`):
//! precision and recall per category and language, printed as a table (run with
//! `--nocapture`), and the targets of issue 4 enforced: recall ≥ 0.95 on refused
//! categories, precision ≥ 0.90.

use std::collections::BTreeSet;

use vivier::guard::{Category, Guard, Level};

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

/// Counts per category and language (0 = fr, 1 = en), at sentence level.
fn measure(samples: &[Sample]) -> (Vec<[Counts; 2]>, Vec<String>) {
    let guard = Guard::standard();
    let mut counts = vec![[Counts::default(); 2]; Category::ALL.len()];
    let mut errors = Vec::new();
    for sample in samples {
        let findings = guard.check(&sample.text);
        let found: BTreeSet<Category> = findings.iter().map(|f| f.category).collect();
        let lang = usize::from(sample.language == "en");
        for (i, category) in Category::ALL.into_iter().enumerate() {
            let c = &mut counts[i][lang];
            match (sample.expected.contains(&category), found.contains(&category)) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => {}
            }
        }
        if found != sample.expected {
            let missed: Vec<&str> = sample.expected.difference(&found).map(|c| c.code()).collect();
            let extra: Vec<String> = findings
                .iter()
                .filter(|f| !sample.expected.contains(&f.category))
                .map(|f| format!("{}={:?}", f.category.code(), f.words))
                .collect();
            errors.push(format!(
                "line {:>3} [{}] missed {:?} extra {:?}: {}",
                sample.line, sample.language, missed, extra, sample.text
            ));
        }
    }
    (counts, errors)
}

#[test]
fn the_guard_meets_its_precision_and_recall_targets_on_the_corpus() {
    let samples = parse(CORPUS);
    let negatives = samples.iter().filter(|s| s.expected.is_empty()).count();
    let french = samples.iter().filter(|s| s.language == "fr").count();
    println!(
        "corpus: {} sentences ({} fr, {} en), {} without any category",
        samples.len(),
        french,
        samples.len() - french,
        negatives
    );
    assert!(samples.len() >= 300 && negatives >= 100, "the corpus is too small");
    for category in Category::ALL {
        for language in ["fr", "en"] {
            assert!(
                samples.iter().any(|s| s.language == language && s.expected.contains(&category)),
                "no {language} positive for {}",
                category.code()
            );
        }
    }

    let (refused, all) = report(&samples);
    assert!(refused.recall() >= 0.95, "recall on refused categories {:.3} < 0.95", refused.recall());
    assert!(refused.precision() >= 0.90, "precision on refused categories {:.3} < 0.90", refused.precision());
    assert!(all.precision() >= 0.90, "precision over all categories {:.3} < 0.90", all.precision());
}

/// Prints the table and the sentences not exactly right; returns the refused and the
/// overall micro-averaged counts.
fn report(samples: &[Sample]) -> (Counts, Counts) {
    let (counts, errors) = measure(samples);
    println!();
    println!(
        "{:<24} {:>17}   {:>17}   {:>17}",
        "category", "fr  P     R     n", "en  P     R     n", "all P     R     n"
    );
    let mut refused = [Counts::default(); 3];
    let mut all = [Counts::default(); 3];
    for (i, category) in Category::ALL.into_iter().enumerate() {
        let [fr, en] = counts[i];
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
    println!();
    println!("{} sentences not exactly right:", errors.len());
    for error in &errors {
        println!("  {error}");
    }

    (refused[2], all[2])
}

/// The held-out set: figures printed, not enforced (see its header).
#[test]
fn held_out_figures_are_printed() {
    let samples = parse(HELD_OUT);
    println!("held-out: {} sentences", samples.len());
    let (refused, all) = report(&samples);
    println!(
        "held-out refused: P {:.2} R {:.2}; all: P {:.2} R {:.2}",
        refused.precision(),
        refused.recall(),
        all.precision(),
        all.recall()
    );
}
