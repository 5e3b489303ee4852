//! The rights classifier against labelled replies: the corpus it was tuned on
//! (tests/mail/replies.txt; blind sets 1 and 2, tests/mail/tuned-blind1.txt and tuned-blind2.txt, tuned on once they
//! had been measured; tests/mail/tuned-own.txt, written while tuning), a held-out set written before it and never used to tune it
//! (tests/mail/heldout.txt), and a blind held-out set written by someone who never saw the
//! classifier (tests/mail/heldout-blind.txt). Prints precision and recall per intent and
//! the time per reply for each; holds the tuned corpus to the targets (accuracy >= 0.90,
//! recall >= 0.95 on erasure and objection) and the held-out sets to floors (their
//! figures are reported as measured).

use std::collections::HashMap;
use std::time::Instant;

use vivier::mail::{Intent, classify, reply_text};

fn corpus(name: &str) -> Vec<(Intent, String)> {
    let path = format!("{}/tests/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out: Vec<(Intent, String)> = Vec::new();
    for line in text.lines() {
        if let Some(label) = line.strip_prefix("### ") {
            out.push((Intent::parse(label.trim()).unwrap_or_else(|| panic!("unknown label {label}")), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

struct Figures {
    accuracy: f64,
    recall: HashMap<Intent, f64>,
}

fn measure(name: &str) -> Figures {
    measure_all(name, &[name])
}

/// Figures over the replies of `files` together, printed under `name`.
fn measure_all(name: &str, files: &[&str]) -> Figures {
    let entries: Vec<(Intent, String)> = files.iter().flat_map(|f| corpus(f)).collect();
    let mut tp: HashMap<Intent, usize> = HashMap::new();
    let mut predicted: HashMap<Intent, usize> = HashMap::new();
    let mut actual: HashMap<Intent, usize> = HashMap::new();
    let mut right = 0;
    let started = Instant::now();
    for (label, body) in &entries {
        let own = reply_text(body, &[]);
        let got = classify(&own, body).intent;
        *predicted.entry(got).or_default() += 1;
        *actual.entry(*label).or_default() += 1;
        if got == *label {
            right += 1;
            *tp.entry(got).or_default() += 1;
        } else {
            // The reply's own words on one line, cut: the greeting alone says nothing.
            let words: String = own.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect();
            println!("  [{name}] expected {} got {}: {words:?}", label.as_str(), got.as_str());
        }
    }
    let per_message = started.elapsed().as_secs_f64() * 1000.0 / entries.len() as f64;
    let accuracy = right as f64 / entries.len() as f64;
    println!("{name}: {} replies, accuracy {accuracy:.3}, {per_message:.3} ms per reply", entries.len());
    let mut recall = HashMap::new();
    for intent in Intent::ALL {
        let t = *tp.get(&intent).unwrap_or(&0) as f64;
        let p = t / (*predicted.get(&intent).unwrap_or(&0)).max(1) as f64;
        let r = t / (*actual.get(&intent).unwrap_or(&0)).max(1) as f64;
        println!("  {:<11} n={:<3} precision {p:.3} recall {r:.3}", intent.as_str(), actual.get(&intent).unwrap_or(&0));
        recall.insert(intent, r);
    }
    Figures { accuracy, recall }
}

#[test]
fn tuned_corpus_meets_the_targets() {
    assert!(corpus("replies.txt").len() >= 150);
    assert!(corpus("tuned-blind1.txt").len() >= 100);
    assert!(corpus("tuned-own.txt").len() >= 300);
    assert!(corpus("tuned-blind2.txt").len() >= 150);
    let f = measure_all(
        "tuned (replies.txt + tuned-blind1.txt + tuned-blind2.txt + tuned-own.txt)",
        &["replies.txt", "tuned-blind1.txt", "tuned-blind2.txt", "tuned-own.txt"],
    );
    assert!(f.accuracy >= 0.90, "accuracy {}", f.accuracy);
    assert!(f.recall[&Intent::Erasure] >= 0.95, "erasure recall {}", f.recall[&Intent::Erasure]);
    assert!(f.recall[&Intent::Objection] >= 0.95, "objection recall {}", f.recall[&Intent::Objection]);
}

#[test]
fn held_out_replies_are_measured() {
    assert!(corpus("heldout.txt").len() >= 50);
    let f = measure("heldout.txt");
    // A floor, not the target: the held-out figures are what they are, reported in
    // docs and notes; a large fall means a rule was over-fitted.
    assert!(f.accuracy >= 0.75, "held-out accuracy {}", f.accuracy);
}

#[test]
fn blind_held_out_replies_are_measured() {
    let replies = corpus("heldout-blind.txt");
    assert!(replies.len() >= 150);
    let f = measure("heldout-blind.txt");
    let met = |ok: bool| if ok { "met" } else { "NOT MET" };
    println!(
        "issue-12 targets on the blind held-out set: accuracy >= 0.90 ({}), erasure recall >= 0.95 ({}), objection recall >= 0.95 ({})",
        met(f.accuracy >= 0.90),
        met(f.recall[&Intent::Erasure] >= 0.95),
        met(f.recall[&Intent::Objection] >= 0.95),
    );
    // The floor: this file's one measurement (see tests/mail/heldout-blind.txt).
    assert!(f.accuracy >= BLIND_FLOOR, "blind held-out accuracy {} < {BLIND_FLOOR}", f.accuracy);
}

/// The blind set's one measurement before any change made after seeing it (set 3: 129 of
/// 150 = 0.860, 2026-12-02), less a rounding margin.
const BLIND_FLOOR: f64 = 0.855;
