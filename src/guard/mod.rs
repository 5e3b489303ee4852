//! The sensitive-category guard (promise P2, docs/promises.md): finds, in French or English
//! text, the special categories of personal data the employer promises never to collect
//! (refused) and the other discrimination criteria of the French labour code, article
//! L1132-1 (warned).
//!
//! Pure: text in, findings out. Where it applies (notes refused, CVs flagged and masked,
//! search index) is decided by the callers.
//!
//! ```
//! use vivier::guard::{Guard, Category, Verdict};
//! let findings = Guard::standard().check("Il est syndiqué à la CGT, marié.");
//! assert_eq!(findings[0].category, Category::TradeUnion);
//! assert_eq!(findings[0].words, "syndiqué à la CGT");
//! let verdict = Verdict::new(findings);
//! assert!(verdict.refused() && verdict.warned());
//! ```
//!
//! The words live in two data files, `vocab/fr.txt` and `vocab/en.txt`, reviewed like
//! code; their syntax is in [`vocab`](self) (`vocab.rs`). Both files apply to every text:
//! notes mix languages and a CV in English may be annotated in French.
//!
//! Choices about false friends (each one has its `!` exception line in the files):
//! - A word is about the person only in context. "Health", "santé", "union", "race",
//!   "black", "christian", "native", "disabled" alone are never flagged; phrases that
//!   say something about someone are ("union member", "off sick", "is black").
//! - Institutions, employers and subjects of work are not the person's data: "Université
//!   catholique de Lyon", "Cancer Research UK", "assurance maladie", "health and safety
//!   officer", "négociation avec les organisations syndicales", "finance islamique".
//! - Speaking a language is a skill ("parle arabe couramment"); the native language and
//!   an accent are warned. Spouse and partner words ("son compagnon", "her husband") are
//!   family situation (warned), not sexual orientation: they reveal a couple, not who.
//! - Gender identity (transgender, non-binary) is refused with sexual orientation; a
//!   preference for a sex ("profil féminin souhaité") is the warned `Gender` criterion.
//! - `marié` is matched with its accent (`=marié`), so that the name Marie is left alone;
//!   a note typed without accents ("marie, 2 enfants") is missed.

pub(crate) mod flags;
mod fold;
pub mod policy;
mod vocab;

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

pub use fold::{Folded, fold};
pub use vocab::VocabError;
use vocab::{Atom, Pattern, Target};

/// The categories the guard knows. The first eight are refused (special categories of
/// data the employer never collects); the others are warned (criteria of discrimination
/// that HR may need to write about, but should think twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    RacialEthnicOrigin,
    PoliticalOpinions,
    /// Religious or philosophical beliefs.
    ReligiousBeliefs,
    TradeUnion,
    /// Sex life, sexual orientation and gender identity.
    SexLifeOrientation,
    /// Health, disability and their treatments, sick leave included.
    Health,
    GeneticBiometric,
    PregnancyFamilyPlans,
    Age,
    /// Marital status, partner, children.
    FamilySituation,
    PhysicalAppearance,
    PlaceOfResidence,
    /// Native language and accent (not the languages spoken, which are skills).
    NativeLanguage,
    /// A preference for, or a remark on, the candidate's sex.
    Gender,
}

/// Whether a category stops an operation or only warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Refused,
    Warned,
}

impl Category {
    pub const ALL: [Category; 14] = [
        Category::RacialEthnicOrigin,
        Category::PoliticalOpinions,
        Category::ReligiousBeliefs,
        Category::TradeUnion,
        Category::SexLifeOrientation,
        Category::Health,
        Category::GeneticBiometric,
        Category::PregnancyFamilyPlans,
        Category::Age,
        Category::FamilySituation,
        Category::PhysicalAppearance,
        Category::PlaceOfResidence,
        Category::NativeLanguage,
        Category::Gender,
    ];

    pub fn level(self) -> Level {
        use Category::*;
        match self {
            RacialEthnicOrigin | PoliticalOpinions | ReligiousBeliefs | TradeUnion | SexLifeOrientation | Health
            | GeneticBiometric | PregnancyFamilyPlans => Level::Refused,
            Age | FamilySituation | PhysicalAppearance | PlaceOfResidence | NativeLanguage | Gender => Level::Warned,
        }
    }

    /// A stable snake_case code, used in the vocabulary files, JSON and the corpus.
    pub fn code(self) -> &'static str {
        use Category::*;
        match self {
            RacialEthnicOrigin => "racial_ethnic_origin",
            PoliticalOpinions => "political_opinions",
            ReligiousBeliefs => "religious_beliefs",
            TradeUnion => "trade_union",
            SexLifeOrientation => "sex_life_orientation",
            Health => "health",
            GeneticBiometric => "genetic_biometric",
            PregnancyFamilyPlans => "pregnancy_family_plans",
            Age => "age",
            FamilySituation => "family_situation",
            PhysicalAppearance => "physical_appearance",
            PlaceOfResidence => "place_of_residence",
            NativeLanguage => "native_language",
            Gender => "gender",
        }
    }

    /// This category's bit in a set of categories.
    fn bit(self) -> u16 {
        1 << (self as u16)
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_en(self) -> &'static str {
        use Category::*;
        match self {
            RacialEthnicOrigin => "racial or ethnic origin",
            PoliticalOpinions => "political opinions",
            ReligiousBeliefs => "religious or philosophical beliefs",
            TradeUnion => "trade-union membership",
            SexLifeOrientation => "sex life or sexual orientation",
            Health => "health or disability",
            GeneticBiometric => "genetic or biometric data",
            PregnancyFamilyPlans => "pregnancy or family plans",
            Age => "age",
            FamilySituation => "family situation",
            PhysicalAppearance => "physical appearance",
            PlaceOfResidence => "place of residence",
            NativeLanguage => "native language or accent",
            Gender => "sex or gender",
        }
    }

    pub fn label_fr(self) -> &'static str {
        use Category::*;
        match self {
            RacialEthnicOrigin => "origine raciale ou ethnique",
            PoliticalOpinions => "opinions politiques",
            ReligiousBeliefs => "convictions religieuses ou philosophiques",
            TradeUnion => "appartenance syndicale",
            SexLifeOrientation => "vie sexuelle ou orientation sexuelle",
            Health => "santé ou handicap",
            GeneticBiometric => "données génétiques ou biométriques",
            PregnancyFamilyPlans => "grossesse ou projet d'enfant",
            Age => "âge",
            FamilySituation => "situation de famille",
            PhysicalAppearance => "apparence physique",
            PlaceOfResidence => "lieu de résidence",
            NativeLanguage => "langue maternelle ou accent",
            Gender => "sexe ou genre",
        }
    }
}

/// One passage of the text that belongs to a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Finding {
    pub category: Category,
    pub level: Level,
    /// Byte offsets into the original text (character boundaries).
    pub start: usize,
    pub end: usize,
    /// The original text of the span.
    pub words: String,
}

/// The vocabulary, compiled: phrases indexed by their first word.
#[derive(Debug, Clone)]
pub struct Guard {
    patterns: Vec<Pattern>,
    /// First word (folded) → phrases that start with exactly it.
    by_word: HashMap<String, Vec<u32>>,
    /// First-word prefix (folded) → phrases whose first word is that prefix with `*`.
    by_prefix: HashMap<String, Vec<u32>>,
    /// Byte lengths of the prefixes in `by_prefix`, ascending.
    prefix_lengths: Vec<usize>,
    /// Phrases that start with a number.
    by_number: Vec<u32>,
}

const FR: &str = include_str!("vocab/fr.txt");
const EN: &str = include_str!("vocab/en.txt");

static STANDARD: LazyLock<Guard> = LazyLock::new(|| {
    Guard::from_vocab(&[("fr.txt", FR), ("en.txt", EN)]).expect("the embedded vocabulary parses (see its unit test)")
});

impl Guard {
    /// The guard built from the shipped French and English vocabulary.
    pub fn standard() -> &'static Guard {
        &STANDARD
    }

    /// A guard from vocabulary files `(name, text)`, in order.
    pub fn from_vocab(files: &[(&str, &str)]) -> Result<Guard, VocabError> {
        let patterns = vocab::parse(files)?;
        let mut by_word: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_prefix: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_number = Vec::new();
        for (id, pattern) in patterns.iter().enumerate() {
            let id = id as u32;
            for atom in &pattern.slots[0].atoms {
                match atom {
                    Atom::Word(w) | Atom::Accented { folded: w, .. } => by_word.entry(w.clone()).or_default().push(id),
                    Atom::Prefix(p) | Atom::AccentedPrefix { folded: p, .. } => {
                        by_prefix.entry(p.clone()).or_default().push(id)
                    }
                    Atom::Number(..) => by_number.push(id),
                }
            }
        }
        let mut prefix_lengths: Vec<usize> = by_prefix.keys().map(String::len).collect();
        prefix_lengths.sort_unstable();
        prefix_lengths.dedup();
        Ok(Guard { patterns, by_word, by_prefix, prefix_lengths, by_number })
    }

    /// Every passage of `text` in a category, sorted by start; overlapping passages of one
    /// category are merged into one finding.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let folded = Folded::new(text);
        let tokens = fold::tokenise(&folded.text);
        let words: Vec<&str> = tokens.iter().map(|t| &folded.text[t.range()]).collect();
        let line = Line { text, folded: &folded, tokens: &tokens, words: &words };

        let mut hits: Vec<(Category, usize, usize)> = Vec::new();
        // Per token, a bit per category whose exceptions cover it.
        let mut excepted = vec![0u16; tokens.len()];
        let mut candidates: Vec<u32> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            candidates.clear();
            if let Some(ids) = self.by_word.get(*word) {
                candidates.extend(ids);
            }
            for &len in &self.prefix_lengths {
                if len > word.len() {
                    break;
                }
                if let Some(ids) = word.get(..len).and_then(|p| self.by_prefix.get(p)) {
                    candidates.extend(ids);
                }
            }
            if word.as_bytes()[0].is_ascii_digit() {
                candidates.extend(&self.by_number);
            }
            candidates.sort_unstable();
            candidates.dedup();
            for &id in &candidates {
                let pattern = &self.patterns[id as usize];
                if let Some(end) = line.match_from(pattern, 0, i) {
                    match pattern.target {
                        Target::Exception(scope) => {
                            let bits = scope.map_or(u16::MAX, Category::bit);
                            excepted[i..end].iter_mut().for_each(|e| *e |= bits);
                        }
                        Target::Category(category) => hits.push((category, i, end)),
                    }
                }
            }
        }

        hits.retain(|&(category, start, end)| !excepted[start..end].iter().any(|&e| e & category.bit() != 0));
        hits.sort_unstable();
        let mut merged: Vec<(Category, usize, usize)> = Vec::with_capacity(hits.len());
        for (category, start, end) in hits {
            match merged.last_mut() {
                Some(last) if last.0 == category && start < last.2 => last.2 = last.2.max(end),
                _ => merged.push((category, start, end)),
            }
        }
        let mut findings: Vec<Finding> = merged
            .into_iter()
            .map(|(category, first, last)| {
                let span = folded.original_range(tokens[first].start..tokens[last - 1].end);
                Finding {
                    category,
                    level: category.level(),
                    start: span.start,
                    end: span.end,
                    words: text[span].to_string(),
                }
            })
            .collect();
        findings.sort_by_key(|f| (f.start, f.category, f.end));
        findings
    }

    /// The verdict on a text: [`check`](Guard::check) wrapped.
    pub fn verdict(&self, text: &str) -> Verdict {
        Verdict::new(self.check(text))
    }
}

/// A text seen through the guard, for matching phrases against it.
struct Line<'a> {
    text: &'a str,
    folded: &'a Folded,
    tokens: &'a [fold::Token],
    words: &'a [&'a str],
}

impl Line<'_> {
    /// Matches `pattern` from slot `slot` at token `at`: the end token (exclusive) of the
    /// first way through, consuming optional words when they are there.
    fn match_from(&self, pattern: &Pattern, slot: usize, at: usize) -> Option<usize> {
        let Some(current) = pattern.slots.get(slot) else {
            return Some(at);
        };
        let joins = at < self.tokens.len() && (slot == 0 || self.tokens[at].soft_before);
        if joins
            && self.slot_matches(current, at)
            && let Some(end) = self.match_from(pattern, slot + 1, at + 1)
        {
            return Some(end);
        }
        if current.optional { self.match_from(pattern, slot + 1, at) } else { None }
    }

    fn slot_matches(&self, slot: &vocab::Slot, at: usize) -> bool {
        let word = self.words[at];
        slot.atoms.iter().any(|atom| {
            let original = match atom {
                Atom::Accented { .. } | Atom::AccentedPrefix { .. } => {
                    &self.text[self.folded.original_range(self.tokens[at].range())]
                }
                _ => "",
            };
            atom.matches(word, original)
        })
    }
}

/// The findings on one text, and what they mean for storing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub findings: Vec<Finding>,
}

impl Verdict {
    pub fn new(findings: Vec<Finding>) -> Verdict {
        Verdict { findings }
    }

    /// Whether something in the text is refused.
    pub fn refused(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Refused)
    }

    /// Whether something in the text is warned.
    pub fn warned(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Warned)
    }

    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The error text for refused findings: each refused category, in order of appearance,
/// with the words quoted: `refused: trade-union membership ("syndiqué", "CGT")`.
/// Empty when nothing is refused.
pub fn refusal_message(findings: &[Finding]) -> String {
    describe("refused", findings, Level::Refused)
}

/// The same for warned findings: `warned: age ("45 ans")`.
pub fn warning_message(findings: &[Finding]) -> String {
    describe("warned", findings, Level::Warned)
}

fn describe(head: &str, findings: &[Finding], level: Level) -> String {
    let mut groups: Vec<(Category, Vec<&str>)> = Vec::new();
    for finding in findings.iter().filter(|f| f.level == level) {
        let words = finding.words.as_str();
        match groups.iter_mut().find(|(c, _)| *c == finding.category) {
            Some((_, list)) if list.contains(&words) => {}
            Some((_, list)) => list.push(words),
            None => groups.push((finding.category, vec![words])),
        }
    }
    if groups.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(category, words)| {
            let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
            format!("{} ({})", category.label_en(), quoted.join(", "))
        })
        .collect();
    format!("{head}: {}", parts.join("; "))
}

#[cfg(test)]
mod tests;
