//! Trains the guard's decision model (`model.rs`) on the labelled notes
//! (tests/guard/corpus.tsv), measures it by cross-validation, and checks that the
//! committed weights (`model.tsv`) are the ones the corpus gives.
//!
//! - `VIVIER_WRITE_MODEL=1 cargo test -p vivier --lib guard::training` writes `model.tsv`;
//!   without the variable, the same test fails when the committed file is stale.
//! - `cargo test -p vivier --lib guard::training -- --ignored --nocapture` prints the
//!   comparison of the decisions tried (the rule alone, the rule narrowed to explicit
//!   attributions, models over several sets of features), each by 5-fold
//!   cross-validation and trained without the ninth blind file then measured on it;
//!   `decisions_on_the_held_out_file` the same on tests/guard/heldout.tsv (after its one
//!   measurement); `probe` each match's decision and weightiest features for the text in
//!   `VIVIER_PROBE`; `the_model_costs_little_time` the time it adds to a check.
//!
//! A match of a refused category is a positive example when its sentence is labelled
//! with its category. Each sentence is scored as tests/guard.rs scores it: a refused
//! category is found when one of its matches is refused; an ordinary note is refused
//! when any match is refused, warned when any is warned (warned categories included,
//! which the model does not decide).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::model::{self, Feature, Model, Set, features};
use super::*;

const CORPUS: &str = include_str!("../../tests/guard/corpus.tsv");

/// The model kept: its features and how it is trained. Chosen by training without the
/// ninth blind file and measuring on it (`decisions_compared_by_cross_validation`,
/// `thresholds_swept`): on the corpus, whose vocabulary was tuned on every sentence,
/// 5-fold cross-validation gives 0.98-0.99 to every decision and cannot tell them
/// apart; the ninth file is the only labelled text the vocabulary has not been fitted
/// to. Without the rule's own decision as a feature the model did better there.
const CHOSEN: Set = Set { rule: false, words: true, bag: true };
const PARAMS: Params = Params { epochs: 20, rate: 0.2, l2: 1e-3, min_count: 2 };
/// The thresholds are chosen on the cross-validated scores for at most this share of
/// ordinary notes refused and warned: a quarter and a tenth of issue 16's bounds (2 %,
/// 10 %), as unseen text gave four to ten times the cross-validated rates on the ninth
/// file.
const MAX_REFUSED: f64 = 0.005;
const MAX_WARNED: f64 = 0.01;

#[derive(Debug, Clone, Copy)]
struct Params {
    epochs: usize,
    rate: f64,
    l2: f64,
    min_count: usize,
}

struct Sample {
    /// 0 for the corpus's own sentences, then one per held-out file it holds.
    group: usize,
    expected: BTreeSet<Category>,
    /// Whether the rule warns a warned category (which the model does not decide).
    warned_other: bool,
}

/// A match of a refused category.
struct Example {
    sentence: usize,
    category: Category,
    kind: Kind,
    rule: Outcome,
    features: Vec<String>,
    label: bool,
}

fn corpus() -> (Vec<Sample>, Vec<Example>) {
    read(CORPUS)
}

/// The sentences of a labelled file (corpus.tsv's format) and their matches.
fn read(tsv: &str) -> (Vec<Sample>, Vec<Example>) {
    let guard = Guard::standard();
    let all = Set { rule: true, words: true, bag: true };
    let (mut samples, mut examples) = (Vec::new(), Vec::new());
    let (mut group, mut files) = (0, 0);
    for line in tsv.lines() {
        if line.starts_with("# --- ") {
            group = if line.contains("held-out file") {
                files += 1;
                files
            } else {
                0
            };
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut columns = line.splitn(3, '\t');
        let (Some(_), Some(labels), Some(text)) = (columns.next(), columns.next(), columns.next()) else {
            panic!("corpus line without three columns: {line}");
        };
        let expected: BTreeSet<Category> = if labels == "none" {
            BTreeSet::new()
        } else {
            labels.split(',').map(|c| Category::from_code(c.trim()).expect("a known category")).collect()
        };
        let sentence = samples.len();
        let findings = guard.check_with(text, &mut |context, hit, kind| {
            let features = features(context, &hit, kind, all).into_iter().map(|f: Feature| f.name).collect();
            let label = expected.contains(&hit.category);
            examples.push(Example { sentence, category: hit.category, kind, rule: hit.outcome, features, label });
            hit
        });
        let warned_other = findings.iter().any(|f| f.category.level() == Level::Warned && f.level == Level::Warned);
        samples.push(Sample { group, expected, warned_other });
    }
    (samples, examples)
}

/// A small deterministic generator for shuffling (the weights must not depend on a seed
/// taken from the machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound as u64) as usize
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.next(i + 1);
            items.swap(i, j);
        }
    }
}

/// Logistic regression by stochastic gradient descent, with L2: the weights by feature.
fn train(examples: &[&Example], set: Set, params: Params) -> BTreeMap<String, f64> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for e in examples {
        for f in e.features.iter().filter(|f| set.allows(f)) {
            *count.entry(f.as_str()).or_default() += 1;
        }
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let rows: Vec<(Vec<usize>, f64)> = examples
        .iter()
        .map(|e| {
            let ids = e
                .features
                .iter()
                .filter(|f| set.allows(f) && (count[f.as_str()] >= params.min_count || f.as_str() == "bias"))
                .map(|f| {
                    *index.entry(f.as_str()).or_insert_with(|| {
                        names.push(f.as_str());
                        names.len() - 1
                    })
                })
                .collect();
            (ids, if e.label { 1.0 } else { 0.0 })
        })
        .collect();
    let mut w = vec![0.0f64; names.len()];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = Lcg(16);
    for epoch in 0..params.epochs {
        rng.shuffle(&mut order);
        let rate = params.rate / (1.0 + epoch as f64 * 0.2);
        for &i in &order {
            let (ids, y) = &rows[i];
            let z: f64 = ids.iter().map(|&f| w[f]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let g = p - y;
            for &f in ids {
                w[f] -= rate * (g + params.l2 * w[f]);
            }
        }
    }
    names.into_iter().zip(w).filter(|(_, w)| w.abs() >= 0.001).map(|(n, w)| (n.to_string(), w)).collect()
}

fn score(weights: &BTreeMap<String, f64>, example: &Example, set: Set) -> f64 {
    example.features.iter().filter(|f| set.allows(f)).filter_map(|f| weights.get(f)).sum()
}

/// What a decision gives on some sentences.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    tp: usize,
    fp: usize,
    fn_: usize,
    ordinary: usize,
    refused: usize,
    warned: usize,
}

impl Figures {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
    fn refused_rate(&self) -> f64 {
        self.refused as f64 / self.ordinary.max(1) as f64
    }
    fn warned_rate(&self) -> f64 {
        self.warned as f64 / self.ordinary.max(1) as f64
    }
    fn line(&self) -> String {
        format!(
            "refused categories P {:.3} R {:.3} ({} positives); ordinary notes refused {:.1} %, warned {:.1} % (of {})",
            self.precision(),
            self.recall(),
            self.tp + self.fn_,
            100.0 * self.refused_rate(),
            100.0 * self.warned_rate(),
            self.ordinary
        )
    }
}

/// The figures on `sentences`, given each example's score (`None`: not scored, left out
/// of the sentences) and the thresholds.
fn figures(
    samples: &[Sample],
    examples: &[Example],
    scores: &[f64],
    sentences: &BTreeSet<usize>,
    refuse: f64,
    warn: f64,
) -> Figures {
    let mut refused: BTreeMap<usize, BTreeSet<Category>> = BTreeMap::new();
    let mut warned: BTreeSet<usize> = BTreeSet::new();
    for (e, &s) in examples.iter().zip(scores) {
        if !sentences.contains(&e.sentence) {
            continue;
        }
        if s >= refuse && !model::held_back(e.kind, &e.features) {
            refused.entry(e.sentence).or_default().insert(e.category);
        } else if s >= warn {
            warned.insert(e.sentence);
        }
    }
    let mut f = Figures::default();
    let empty = BTreeSet::new();
    for &i in sentences {
        let sample = &samples[i];
        let found = refused.get(&i).unwrap_or(&empty);
        let expected: BTreeSet<Category> =
            sample.expected.iter().copied().filter(|c| c.level() == Level::Refused).collect();
        f.tp += expected.intersection(found).count();
        f.fp += found.difference(&expected).count();
        f.fn_ += expected.difference(found).count();
        if sample.expected.is_empty() {
            f.ordinary += 1;
            f.refused += usize::from(!found.is_empty());
            f.warned += usize::from(sample.warned_other || warned.contains(&i));
        }
    }
    f
}

/// The thresholds with the best recall (then precision, then the widest band of
/// warnings) under the bounds on ordinary notes; when none meets them, the fewest
/// refused then warned.
fn thresholds(samples: &[Sample], examples: &[Example], scores: &[f64], sentences: &BTreeSet<usize>) -> (f64, f64) {
    let grid: Vec<f64> = (-24..=24).map(|i| f64::from(i) * 0.25).collect();
    type Key = (bool, f64, f64, f64);
    let mut best: Option<(Key, (f64, f64))> = None;
    for &refuse in &grid {
        for &warn in grid.iter().filter(|&&w| w <= refuse) {
            let f = figures(samples, examples, scores, sentences, refuse, warn);
            let ok = f.refused_rate() <= MAX_REFUSED && f.warned_rate() <= MAX_WARNED;
            let key = if ok {
                (true, f.recall(), f.precision(), f.warned_rate())
            } else {
                (false, -f.refused_rate(), -f.warned_rate(), f.recall())
            };
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, (refuse, warn)));
            }
        }
    }
    best.map_or((0.0, 0.0), |(_, t)| t)
}

/// A decision to compare: a trained model over a set of features, or a fixed rule.
#[derive(Clone, Copy)]
enum Decision {
    /// The rule of docs/guard.md alone.
    Rule,
    /// The rule, with refusals kept only for an explicit attribution cue or a trait that
    /// starts its clause (note shorthand); the rule's other refusals warned.
    Narrowed,
    Model(Set),
}

/// A fixed decision as a score (refused 2, warned 0, passed -2; thresholds 1 and -1).
fn fixed(decision: Decision, e: &Example) -> f64 {
    let has = |name: &str| e.features.iter().any(|f| f == name);
    match (decision, e.rule) {
        (_, Outcome::Clean) => -2.0,
        (_, Outcome::Warned(_)) => 0.0,
        (Decision::Narrowed, Outcome::Refused(_)) => {
            let attributed = has("cue=attribution") || has("cue=attribution_after");
            let shorthand = e.kind == Kind::Trait && (has("pos=sentence_start") || has("pos=clause_start"));
            if attributed || shorthand { 2.0 } else { 0.0 }
        }
        _ => 2.0,
    }
}

/// Out-of-fold scores for every example: 5 folds of sentences, shuffled.
fn cross_validated(samples: &[Sample], examples: &[Example], decision: Decision, params: Params) -> Vec<f64> {
    let Decision::Model(set) = decision else {
        return examples.iter().map(|e| fixed(decision, e)).collect();
    };
    let mut order: Vec<usize> = (0..samples.len()).collect();
    Lcg(5).shuffle(&mut order);
    let mut fold = vec![0; samples.len()];
    for (position, &i) in order.iter().enumerate() {
        fold[i] = position % 5;
    }
    let mut scores = vec![0.0; examples.len()];
    for k in 0..5 {
        let training: Vec<&Example> = examples.iter().filter(|e| fold[e.sentence] != k).collect();
        let weights = train(&training, set, params);
        for (e, s) in examples.iter().zip(scores.iter_mut()) {
            if fold[e.sentence] == k {
                *s = score(&weights, e, set);
            }
        }
    }
    scores
}

/// Cross-validated figures and thresholds of a decision, and its figures on the last
/// held-out file of the corpus (the ninth, written blind and never used to tune the
/// vocabulary) when trained without it, at the cross-validated thresholds.
fn compare(
    samples: &[Sample],
    examples: &[Example],
    decision: Decision,
    params: Params,
) -> (Figures, (f64, f64), Figures) {
    let every: BTreeSet<usize> = (0..samples.len()).collect();
    let scores = cross_validated(samples, examples, decision, params);
    let (refuse, warn) = match decision {
        Decision::Model(_) => thresholds(samples, examples, &scores, &every),
        _ => (1.0, -1.0),
    };
    let cv = figures(samples, examples, &scores, &every, refuse, warn);
    let last = samples.iter().map(|s| s.group).max().unwrap_or(0);
    let blind: BTreeSet<usize> = (0..samples.len()).filter(|&i| samples[i].group == last).collect();
    let blind_scores: Vec<f64> = match decision {
        Decision::Model(set) => {
            let training: Vec<&Example> = examples.iter().filter(|e| samples[e.sentence].group != last).collect();
            let weights = train(&training, set, params);
            examples.iter().map(|e| score(&weights, e, set)).collect()
        }
        _ => scores.clone(),
    };
    let ninth = figures(samples, examples, &blind_scores, &blind, refuse, warn);
    (cv, (refuse, warn), ninth)
}

/// The weights file the corpus gives: the chosen set, thresholds chosen on the
/// cross-validated scores, weights trained on the whole corpus.
fn build() -> (String, Figures, Figures) {
    let (samples, examples) = corpus();
    let (cv, (refuse, warn), ninth) = compare(&samples, &examples, Decision::Model(CHOSEN), PARAMS);
    let all: Vec<&Example> = examples.iter().collect();
    let weights = train(&all, CHOSEN, PARAMS);
    let mut out = String::new();
    out.push_str(
        "# The guard's decision model (src/guard/model.rs): a logistic model over each match of a\n\
         # refused category. Generated from tests/guard/corpus.tsv by\n\
         #   VIVIER_WRITE_MODEL=1 cargo test -p vivier --lib guard::training\n\
         # Do not edit: a unit test fails when this file is not the one the corpus gives.\n",
    );
    let _ = writeln!(out, "# 5-fold cross-validation on the corpus: {}", cv.line());
    let _ = writeln!(out, "# Trained without the ninth blind file, measured on it: {}", ninth.line());
    let _ = writeln!(out, "@features\t{}", CHOSEN.code());
    let _ = writeln!(out, "@refuse\t{refuse:.2}");
    let _ = writeln!(out, "@warn\t{warn:.2}");
    for (name, w) in &weights {
        let _ = writeln!(out, "{w:.4}\t{name}");
    }
    (out, cv, ninth)
}

#[test]
fn the_committed_model_is_the_one_the_corpus_gives() {
    let (text, cv, ninth) = build();
    println!("chosen model ({}), 5-fold cross-validation: {}", CHOSEN.code(), cv.line());
    println!("trained without the ninth blind file, measured on it: {}", ninth.line());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/guard/model.tsv");
    if std::env::var_os("VIVIER_WRITE_MODEL").is_some() {
        std::fs::write(path, &text).unwrap();
        return;
    }
    let fresh = Model::parse(&text).unwrap();
    let committed = Model::standard();
    let stale = "src/guard/model.tsv is stale: regenerate it with VIVIER_WRITE_MODEL=1 cargo test -p vivier --lib guard::training";
    assert_eq!(fresh.set, committed.set, "{stale}");
    assert!((fresh.refuse - committed.refuse).abs() < 1e-3 && (fresh.warn - committed.warn).abs() < 1e-3, "{stale}");
    assert_eq!(fresh.weights.len(), committed.weights.len(), "{stale}");
    for (name, w) in &fresh.weights {
        let c = committed.weights.get(name).unwrap_or_else(|| panic!("{stale} ({name} missing)"));
        assert!((w - c).abs() <= 2e-3, "{stale} ({name}: {w} vs {c})");
    }
}

#[test]
#[ignore = "slow comparison of the decisions tried: run with --ignored --nocapture"]
fn decisions_compared_by_cross_validation() {
    let (samples, examples) = corpus();
    println!("{} sentences, {} matches of refused categories", samples.len(), examples.len());
    let set = |rule, words, bag| Decision::Model(Set { rule, words, bag });
    for (name, decision) in [
        ("rule alone", Decision::Rule),
        ("option B: refusal narrowed to attributions", Decision::Narrowed),
        ("model: cues", set(false, false, false)),
        ("model: cues + rule", set(true, false, false)),
        ("model: cues + words", set(false, true, false)),
        ("model: cues + words + bag", set(false, true, true)),
        ("model: cues + rule + words", set(true, true, false)),
        ("model: cues + rule + words + bag", set(true, true, true)),
    ] {
        let (cv, (refuse, warn), ninth) = compare(&samples, &examples, decision, PARAMS);
        println!("{name} (thresholds {refuse:.2} / {warn:.2})");
        println!("    5-fold: {}", cv.line());
        println!("    9th:    {}", ninth.line());
    }
}

#[test]
#[ignore = "slow sweep of regularisation and thresholds: run with --ignored --nocapture"]
fn thresholds_swept() {
    let (samples, examples) = corpus();
    let last = samples.iter().map(|s| s.group).max().unwrap_or(0);
    let blind: BTreeSet<usize> = (0..samples.len()).filter(|&i| samples[i].group == last).collect();
    let every: BTreeSet<usize> = (0..samples.len()).collect();
    // The ceiling: positives of the ninth file with at least one match of their category.
    let mut matched = 0;
    let mut positives = 0;
    for &i in &blind {
        for c in samples[i].expected.iter().filter(|c| c.level() == Level::Refused) {
            positives += 1;
            matched += usize::from(examples.iter().any(|e| e.sentence == i && e.category == *c));
        }
    }
    println!("ninth file: {matched} of {positives} refused positives have a match of their category");
    for set in [Set { rule: false, words: true, bag: true }, Set { rule: true, words: true, bag: true }] {
        for l2 in [1e-4, 1e-3, 1e-2] {
            let params = Params { l2, ..PARAMS };
            let scores = cross_validated(&samples, &examples, Decision::Model(set), params);
            let training: Vec<&Example> = examples.iter().filter(|e| samples[e.sentence].group != last).collect();
            let weights = train(&training, set, params);
            let ninth: Vec<f64> = examples.iter().map(|e| score(&weights, e, set)).collect();
            println!("== {} l2 {l2}", set.code());
            for refuse in [0.0, 1.0, 2.0, 3.0, 4.0] {
                for warn in [refuse, refuse - 2.0, refuse - 4.0] {
                    let cv = figures(&samples, &examples, &scores, &every, refuse, warn);
                    let b = figures(&samples, &examples, &ninth, &blind, refuse, warn);
                    println!("  {refuse:>4.1} {warn:>5.1}  cv {}\n             9th {}", cv.line(), b.line());
                }
            }
        }
    }
}

/// Prints the model's decision on the text in `VIVIER_PROBE`, with the weight of each
/// feature of each match (to see why it decided).
#[test]
#[ignore = "a tool: VIVIER_PROBE='text' cargo test -p vivier --lib guard::training::probe -- --ignored --nocapture"]
fn probe() {
    let text = std::env::var("VIVIER_PROBE").unwrap_or_default();
    let model = Model::standard();
    for sentence in text.split('|') {
        println!("== {sentence}");
        Guard::standard().check_with(sentence, &mut |context, hit, kind| {
            let fs = features(context, &hit, kind, model.set);
            let decided = model.decide(context, hit, kind);
            println!(
                "  {} {:?} rule {:?} -> {:?} score {:.2}",
                hit.category.code(),
                kind,
                hit.outcome,
                decided.outcome,
                model.score(&fs)
            );
            let mut weighted: Vec<(f32, &str)> = fs
                .iter()
                .map(|f| (model.weights.get(f.name.as_str()).copied().unwrap_or(0.0), f.name.as_str()))
                .collect();
            weighted.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
            let top: Vec<String> = weighted.iter().take(12).map(|(w, n)| format!("{n} {w:+.2}")).collect();
            println!("    {}", top.join(", "));
            decided
        });
    }
}

/// The rule alone, option B and the committed model on the held-out file, for the
/// comparison in docs/guard.md (measured after the model's one measurement there, never
/// used to choose or train it).
#[test]
#[ignore = "a comparison on the held-out file: run with --ignored --nocapture"]
fn decisions_on_the_held_out_file() {
    let (samples, examples) = read(include_str!("../../tests/guard/heldout.tsv"));
    let every: BTreeSet<usize> = (0..samples.len()).collect();
    let mut matched = 0;
    let mut positives = 0;
    for (i, sample) in samples.iter().enumerate() {
        for c in sample.expected.iter().filter(|c| c.level() == Level::Refused) {
            positives += 1;
            matched += usize::from(examples.iter().any(|e| e.sentence == i && e.category == *c));
        }
    }
    println!("held-out file: {matched} of {positives} refused positives have a match of their category");
    for (name, decision) in [("rule alone", Decision::Rule), ("option B", Decision::Narrowed)] {
        let scores: Vec<f64> = examples.iter().map(|e| fixed(decision, e)).collect();
        println!("{name}: {}", figures(&samples, &examples, &scores, &every, 1.0, -1.0).line());
    }
    let model = Model::standard();
    let scores: Vec<f64> = examples
        .iter()
        .map(|e| {
            e.features
                .iter()
                .filter(|f| model.set.allows(f))
                .filter_map(|f| model.weights.get(f.as_str()))
                .sum::<f32>()
                .into()
        })
        .collect();
    let line = figures(&samples, &examples, &scores, &every, model.refuse.into(), model.warn.into()).line();
    println!("model: {line}");
}

/// What the model adds to the time of a check: a 3 KB note of the corpus's sentences,
/// checked with the model and with the rule alone (the same build, one after the other).
#[test]
#[ignore = "a timing: run with --ignored --nocapture (in a release build for the real figure)"]
fn the_model_costs_little_time() {
    let mut note = String::new();
    for line in CORPUS.lines().filter(|l| !l.starts_with('#')).step_by(7) {
        if note.len() >= 3_000 {
            break;
        }
        note.push_str(line.rsplit('\t').next().unwrap_or(""));
        note.push(' ');
    }
    let guard = Guard::standard();
    guard.check(&note);
    let runs = 50;
    let started = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(guard.check(std::hint::black_box(&note)));
    }
    let with_model = started.elapsed() / runs;
    let started = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(guard.check_with(std::hint::black_box(&note), &mut |_, hit, _| hit));
    }
    let rule_alone = started.elapsed() / runs;
    println!("a {} KB note: {with_model:?} with the model, {rule_alone:?} with the rule alone", note.len() / 1000);
}
