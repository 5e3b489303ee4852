//! The guard's trained decision (issue 16): for each match of a refused category that the
//! vocabulary finds, a logistic model over the match's context decides whether it is
//! refused, warned or passed. The vocabulary still finds the candidates and their
//! categories, and the rule of docs/guard.md still reads the cues; the model weighs what
//! they found (the rule's own decision among them) with the words around the match.
//!
//! Its weights are data (`model.tsv`), generated from the labelled notes
//! (tests/guard/corpus.tsv) by `VIVIER_WRITE_MODEL=1 cargo test -p vivier --lib
//! guard::training`; a unit test fails when the committed weights are not the ones the
//! corpus gives. Every feature is a named string (`cue=attribution`, `w-1=souffre`), so
//! that the words that decided can be shown.

use std::sync::LazyLock;

use super::{Context, Hit, Kind, Map, Outcome, Why};

const WEIGHTS: &str = include_str!("model.tsv");

static STANDARD: LazyLock<Model> =
    LazyLock::new(|| Model::parse(WEIGHTS).expect("the committed model parses (see its unit test)"));

/// Which families of features a model reads (chosen by cross-validation, recorded in the
/// weights file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Set {
    /// The rule's decision (docs/guard.md) as a feature.
    pub rule: bool,
    /// The term and the words right around it.
    pub words: bool,
    /// The other words of the sentence, near the term.
    pub bag: bool,
}

impl Set {
    /// The set as written in the weights file (`cues words bag`).
    #[cfg(test)]
    pub fn code(self) -> String {
        let mut parts = vec!["cues"];
        if self.rule {
            parts.push("rule");
        }
        if self.words {
            parts.push("words");
        }
        if self.bag {
            parts.push("bag");
        }
        parts.join(" ")
    }

    fn parse(code: &str) -> Set {
        let has = |part: &str| code.split(' ').any(|p| p == part);
        Set { rule: has("rule"), words: has("words"), bag: has("bag") }
    }

    /// Whether a feature belongs to this set.
    pub fn allows(self, name: &str) -> bool {
        let family = name.split_once('=').map_or(name, |(f, _)| f);
        match family {
            "r" | "rk" => self.rule,
            "t" | "tw" | "w-1" | "w-2" | "w-3" | "w+1" | "w+2" | "x-1" | "b-" | "b+" | "first" => self.words,
            "s" => self.bag,
            _ => true,
        }
    }
}

/// One feature of a match: its name and the token it comes from, when it is a word near
/// the term (to show the words that decided).
#[derive(Debug, Clone)]
pub(super) struct Feature {
    pub name: String,
    pub at: Option<usize>,
}

/// The trained weights and the two thresholds, in log-odds.
#[derive(Debug, Clone)]
pub(super) struct Model {
    pub set: Set,
    pub weights: Map<String, f32>,
    /// Refused at or above this score.
    pub refuse: f32,
    /// Warned at or above this score (and below `refuse`); passed below.
    pub warn: f32,
}

/// Words that show the sentence speaks of someone (the candidate, mostly).
const THIRD_PERSON: &[&str] = &[
    "il",
    "elle",
    "lui",
    "son",
    "sa",
    "ses",
    "he",
    "she",
    "his",
    "her",
    "him",
    "they",
    "their",
    "candidat",
    "candidate",
    "candidats",
    "candidates",
    "applicant",
];
/// Words that show the writer speaks of themselves or their team.
const FIRST_PERSON: &[&str] = &["je", "j", "nous", "on", "mon", "ma", "mes", "notre", "i", "we", "my", "our", "us"];

impl Model {
    pub fn standard() -> &'static Model {
        &STANDARD
    }

    /// Reads a weights file: `@features`, `@refuse` and `@warn` lines, then one
    /// `weight<TAB>feature` line per feature; `#` lines are comments.
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut model = Model { set: Set::parse(""), weights: Map::default(), refuse: 0.0, warn: 0.0 };
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('\t').ok_or(format!("model.tsv line {}: no tab", i + 1))?;
            let number = |s: &str| s.parse::<f32>().map_err(|e| format!("model.tsv line {}: {e}", i + 1));
            match key {
                "@features" => model.set = Set::parse(value),
                "@refuse" => model.refuse = number(value)?,
                "@warn" => model.warn = number(value)?,
                _ => {
                    model.weights.insert(value.to_string(), number(key)?);
                }
            }
        }
        Ok(model)
    }

    /// The score of a match: the sum of its features' weights.
    pub fn score(&self, features: &[Feature]) -> f32 {
        features.iter().filter_map(|f| self.weights.get(f.name.as_str())).sum()
    }

    /// The model's decision on a match that the rule decided as `hit`.
    pub fn decide(&self, context: &Context<'_>, hit: Hit, kind: Kind) -> Hit {
        let features = features(context, &hit, kind, self.set);
        let score = self.score(&features);
        let line = context.line;
        if score >= self.refuse && !held_back(kind, &features) {
            if let Outcome::Refused(_) = hit.outcome {
                return hit;
            }
            let attributed = features.iter().any(|f| f.name.starts_with("cue=attribution"));
            let why = if !attributed && hit.start == line.sentence(hit.start).start {
                Why::Shorthand
            } else {
                Why::DescribesCandidate
            };
            // The words that decided: the word near the term with the largest weight.
            let decisive = features
                .iter()
                .filter_map(|f| Some((f.at?, *self.weights.get(f.name.as_str())?)))
                .filter(|&(_, w)| w > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(at, _)| at);
            let cue = match decisive {
                Some(at) => (at.min(hit.start), (at + 1).max(hit.end)),
                None => (hit.start, hit.end),
            };
            return Hit { outcome: Outcome::Refused(why), cue, ..hit };
        }
        if score >= self.warn {
            let why = if kind == Kind::Homonym { Why::Ambiguous } else { Why::NotSaidOfCandidate };
            return Hit { outcome: Outcome::Warned(why), cue: (hit.start, hit.end), ..hit };
        }
        Hit { outcome: Outcome::Clean, cue: (hit.start, hit.end), ..hit }
    }
}

/// Whether a refusal is held back to a warning whatever the score: a homonym (a word
/// with an everyday meaning too: "opéré", "greffe", "handicap") is refused only when an
/// attribution cue says it of the candidate ("il a été opéré du genou"); said of no one,
/// it stays ambiguous (issue 16: "where it stays ambiguous, warn rather than refuse").
pub(super) fn held_back<S: AsRef<str>>(kind: Kind, features: &[S]) -> bool {
    kind == Kind::Homonym && !features.iter().any(|f| f.as_ref().starts_with("cue=attribution"))
}

impl AsRef<str> for Feature {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

/// The features of a match of a refused category, which the rule decided as `hit`.
pub(super) fn features(context: &Context<'_>, hit: &Hit, kind: Kind, set: Set) -> Vec<Feature> {
    let line = context.line;
    let n = line.tokens.len();
    let (start, end) = (hit.start, hit.end);
    let words = line.words;
    let category = hit.category.code();
    let kind = match kind {
        Kind::Trait => "trait",
        Kind::Topic => "topic",
        Kind::Homonym => "homonym",
    };
    let mut out: Vec<Feature> = Vec::with_capacity(64);
    let mut add = |name: String, at: Option<usize>| {
        if set.allows(&name) {
            out.push(Feature { name, at });
        }
    };
    add("bias".into(), None);
    add(format!("c={category}"), None);
    add(format!("k={kind}"), None);
    add(format!("ck={category}|{kind}"), None);
    let rule = match hit.outcome {
        Outcome::Clean => "clean",
        Outcome::Warned(Why::Ambiguous) => "ambiguous",
        Outcome::Warned(_) => "warned",
        Outcome::Refused(Why::Shorthand) => "shorthand",
        Outcome::Refused(_) => "said",
    };
    add(format!("r={rule}"), None);
    add(format!("rk={rule}|{kind}"), None);

    // The cues the rule reads.
    let clause = line.clause_start(start);
    let sentence = line.sentence(start);
    let joined = |at: usize| at < n && line.tokens[at].soft_before;
    let right_after = |cues: &Map<usize, usize>| -> Option<usize> {
        if !joined(end) {
            return None;
        }
        if cues.contains_key(&end) {
            return Some(end);
        }
        (joined(end + 1) && context.guard.is_filler(line, end) && cues.contains_key(&(end + 1))).then_some(end + 1)
    };
    if let Some(from) = context.attributed_before(start, clause) {
        add("cue=attribution".into(), Some(from));
    }
    if let Some(at) = right_after(context.attribution_from) {
        add("cue=attribution_after".into(), Some(at));
    }
    if let Some(at) = right_after(context.work_from) {
        add("cue=people_after".into(), Some(at));
    }
    if let Some(from) = context.before(context.work_to, start, clause) {
        add("cue=people_before".into(), Some(from));
    }
    // A field of work or an employer before the term: in its clause, near (what the rule
    // reads for a trait), or further in its sentence (for a topic).
    let field = |scope: usize, window: usize| {
        let window = start.saturating_sub(window).max(scope);
        (window..=start).rev().find_map(|to| context.field_to.get(&to).filter(|&&f| f >= scope).copied())
    };
    if let Some(from) = field(clause, super::WORK_WINDOW) {
        add("cue=field_in_clause".into(), Some(from));
    } else if let Some(from) = field(sentence.start, 2 * super::WORK_WINDOW) {
        add("cue=field_in_sentence".into(), Some(from));
    }
    if sentence.clone().any(|at| (at < start || at >= end) && context.work_from.contains_key(&at)) {
        add("cue=work_in_sentence".into(), None);
    }
    if start == sentence.start {
        add("pos=sentence_start".into(), None);
    } else if start == clause {
        add("pos=clause_start".into(), None);
    }
    if end == sentence.end {
        add("pos=sentence_end".into(), None);
    }
    let length = match sentence.len() {
        0..=4 => "short",
        5..=12 => "mid",
        _ => "long",
    };
    add(format!("len={length}"), None);
    let others = || sentence.clone().filter(|&at| at < start || at >= end).map(|at| words[at]);
    if others().any(|w| THIRD_PERSON.contains(&w)) {
        add("pron=third".into(), None);
    }
    if others().any(|w| FIRST_PERSON.contains(&w)) {
        add("pron=first".into(), None);
    }
    let original = &line.text[line.folded.original_range(line.tokens[start].range())];
    let letters = || original.chars().filter(|c| c.is_alphabetic());
    if letters().count() >= 2 && letters().all(char::is_uppercase) {
        add("case=upper".into(), None);
    } else if start != sentence.start && letters().next().is_some_and(char::is_uppercase) {
        add("case=capital_inside".into(), None);
    }

    // The words.
    add(format!("t={}", words[start..end].join(" ")), Some(start));
    for (at, word) in words.iter().enumerate().take(end).skip(start) {
        add(format!("tw={word}"), Some(at));
    }
    for d in 1..=3 {
        if start >= sentence.start + d {
            add(format!("w-{d}={}", words[start - d]), Some(start - d));
        }
    }
    if start > sentence.start {
        let w = words[start - 1];
        let tail: String = w.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
        add(format!("x-1={tail}"), Some(start - 1));
        add(format!("first={}", words[sentence.start]), None);
    }
    if start >= sentence.start + 2 {
        add(format!("b-={} {}", words[start - 2], words[start - 1]), Some(start - 1));
    }
    for d in 0..2 {
        if end + d < sentence.end {
            add(format!("w+{}={}", d + 1, words[end + d]), Some(end + d));
        }
    }
    if end + 1 < sentence.end {
        add(format!("b+={} {}", words[end], words[end + 1]), Some(end));
    }
    let near = start.saturating_sub(10).max(sentence.start)..(end + 10).min(sentence.end);
    for at in near {
        if (at < start || at >= end) && words[at].len() > 2 {
            add(format!("s={}", words[at]), None);
        }
    }
    out
}
