//! The sensitive-category guard (promise P2, docs/promises.md): finds, in French or English
//! text, the special categories of personal data the employer promises never to collect
//! (refused), the other discrimination criteria of the French labour code, article
//! L1132-1, and criminal records (warned).
//!
//! Pure: text in, findings out. Where it applies (notes refused, CVs flagged and masked,
//! search index) is decided by the callers.
//!
//! ```
//! use vivier::guard::{Guard, Category, Level, Verdict, Why};
//! let findings = Guard::standard().check("Il est syndiqué à la CGT, marié.");
//! assert_eq!(findings[0].category, Category::TradeUnion);
//! assert_eq!(findings[0].words, "syndiqué à la CGT");
//! assert_eq!(findings[0].why, Why::DescribesCandidate);
//! assert_eq!(findings[0].phrase, "Il est syndiqué à la CGT");
//! let verdict = Verdict::new(findings);
//! assert!(verdict.refused() && verdict.warned());
//! // The same words about work are not the candidate's data.
//! assert!(!Guard::standard().verdict("Avocate en droit social, conseil des syndicats.").refused());
//! ```
//!
//! The decision (docs/guard.md): a sensitive term is refused when the text says it of
//! the candidate (a cue: "il est", "has", "son", "souffre de", "vote"; or words that
//! describe a person by themselves: "syndiquée", "pregnant"); about work or other people
//! ("patients diabétiques", "diabetes research", "worked for the Labour Party") it is
//! left alone; in between it is warned. The vocabulary finds each match and its cues;
//! for the refused categories a trained model ([`model`](self), `model.rs`, weights
//! generated from the labelled corpus) weighs the cues and the words around into
//! refused, warned or passed; a homonym said of no one is at most warned. Each finding
//! says why ([`Why`]) and with which words ([`Finding::phrase`]).
//!
//! The words and cues live in two data files, `vocab/fr.txt` and `vocab/en.txt`, reviewed
//! like code; their syntax is in [`vocab`](self) (`vocab.rs`). Both files apply to every
//! text: notes mix languages and a CV in English may be annotated in French.
//!
//! Choices about false friends (each one has its `!` exception line in the files):
//! - Institutions, employers and subjects of work are not the person's data: "Université
//!   catholique de Lyon", "Cancer Research UK", "assurance maladie", "health and safety
//!   officer", "négociation avec les organisations syndicales", "finance islamique".
//! - Speaking a language is a skill ("parle arabe couramment"); the native language and
//!   an accent are warned. Spouse and partner words ("son compagnon", "her husband") are
//!   family situation (warned); with the pronoun of the same sex ("il vit avec son
//!   compagnon") they also say an orientation (refused).
//! - Gender identity (transgender, non-binary) is refused with sexual orientation; a
//!   preference for a sex ("profil féminin souhaité") is the warned `Gender` criterion.
//! - `marié` is matched with its accent (`=marié`), so that the name Marie is left alone;
//!   a note typed without accents ("marie, 2 enfants") is missed. Initials that are
//!   everyday words in lower case are matched in capitals only (`^MS`, `^SUD`).

pub(crate) mod flags;
mod fold;
mod model;
pub mod policy;
mod vocab;

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use serde::Serialize;

pub use fold::{Folded, fold};
pub use vocab::VocabError;
use vocab::{Atom, Cue, Kind, Pattern, Target};

/// A hash map with a small fast hasher: the guard looks words up several times per token,
/// and its keys are short words and token positions, never chosen by an attacker to
/// collide in a way that matters (a slow text is still a linear one).
type Map<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// FxHash's mixing step (a rotate, a xor and a multiply per byte or word).
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

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
    /// Criminal convictions and offences (GDPR art. 10): warned in notes, as the cases
    /// where an employer may know of them are narrow; masked in candidates' documents.
    CriminalRecord,
}

/// Whether a category stops an operation or only warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Refused,
    Warned,
}

impl Category {
    pub const ALL: [Category; 15] = [
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
        Category::CriminalRecord,
    ];

    pub fn level(self) -> Level {
        use Category::*;
        match self {
            RacialEthnicOrigin | PoliticalOpinions | ReligiousBeliefs | TradeUnion | SexLifeOrientation | Health
            | GeneticBiometric | PregnancyFamilyPlans => Level::Refused,
            Age | FamilySituation | PhysicalAppearance | PlaceOfResidence | NativeLanguage | Gender
            | CriminalRecord => Level::Warned,
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
            CriminalRecord => "criminal_record",
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
            CriminalRecord => "criminal record",
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
            CriminalRecord => "condamnations pénales",
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
    /// Why the guard decided this level (see docs/guard.md).
    pub why: Why,
    /// The words that decided, as written: the term with its cue ("has MS", "il est
    /// syndiqué"), or the term alone when it decided by itself.
    pub phrase: String,
}

/// Why a finding has its level: the decision rule's reason, from which each door builds
/// its one-line explanation (in the UI's language: never parse [`Finding::explain_en`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The text says it of the candidate: a cue ("il est", "has", "son", "diagnosed
    /// with") or the words themselves, which describe a person ("syndiquée", "pregnant").
    DescribesCandidate,
    /// Note shorthand: a sentence that starts with the subject is about the person the
    /// note is about ("Diabète de type 1.", "Religion ?").
    Shorthand,
    /// A sensitive subject that the text does not say of the candidate: warned, so that
    /// the writer makes sure it is about the work.
    NotSaidOfCandidate,
    /// A word with an everyday meaning too, which its context did not settle.
    Ambiguous,
    /// A criterion of discrimination (a warned category).
    Criterion,
}

impl Finding {
    /// The one-line explanation, in English (the CLI's; the UI builds its own from the
    /// fields): `health — "has MS" describes the candidate`.
    pub fn explain_en(&self) -> String {
        let label = self.category.label_en();
        let reason = match (self.why, self.category) {
            (Why::DescribesCandidate, _) => format!("{:?} describes the candidate", self.phrase),
            (Why::Shorthand, _) => format!("{:?} describes the person the note is about", self.phrase),
            (Why::NotSaidOfCandidate, _) => {
                format!("{:?} is not said of the candidate: make sure it is about the work", self.words)
            }
            (Why::Ambiguous, _) => format!("{:?} may have an everyday meaning here: check", self.words),
            (Why::Criterion, Category::CriminalRecord) => {
                format!("{:?}: a criminal record may be known only where the law allows it", self.phrase)
            }
            (Why::Criterion, _) => format!("{:?} is a criterion of discrimination", self.phrase),
        };
        format!("{label} — {reason}")
    }
}

/// The vocabulary, compiled: phrases indexed by their first word.
#[derive(Debug, Clone)]
pub struct Guard {
    patterns: Vec<Pattern>,
    /// The words that may stand between an attribution cue and its term (folded), and
    /// the filler atoms that are not plain words (numbers).
    fillers: HashSet<String, BuildHasherDefault<WordHasher>>,
    other_fillers: Vec<Atom>,
    /// First word (folded) → phrases that start with exactly it.
    by_word: Map<String, Vec<u32>>,
    /// Phrases whose first word is a prefix with `*`, by the prefix's first three bytes
    /// (prefixes have three letters or more): the prefix (folded) and the phrases.
    by_prefix: Map<[u8; 3], Vec<(String, Vec<u32>)>>,
    /// Phrases that start with a number.
    by_number: Vec<u32>,
    /// Category phrases whose first word may be misspelt, by the first three letters of
    /// that word (which must be right): the word or prefix, and the phrases.
    misspelt: Map<[u8; 3], Vec<(Atom, Vec<u32>)>>,
}

const FR: &str = include_str!("vocab/fr.txt");
const EN: &str = include_str!("vocab/en.txt");

static STANDARD: LazyLock<Guard> = LazyLock::new(|| {
    Guard::from_vocab(&[("fr.txt", FR), ("en.txt", EN)]).expect("the embedded vocabulary parses (see its unit test)")
});

/// How far before a term (in words, within its clause) a work cue counts.
const WORK_WINDOW: usize = 6;
/// How many filler words may stand between an attribution cue and its term.
const MAX_FILLERS: usize = 3;

/// What the context makes of one match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// About work or other people: no finding.
    Clean,
    Warned(Why),
    Refused(Why),
}

/// One match of a category phrase, with its decision: tokens `start..end`, the cue's
/// tokens `cue` (the term's own when none).
#[derive(Debug, Clone, Copy)]
struct Hit {
    category: Category,
    start: usize,
    end: usize,
    outcome: Outcome,
    cue: (usize, usize),
}

impl Guard {
    /// The guard built from the shipped French and English vocabulary.
    pub fn standard() -> &'static Guard {
        &STANDARD
    }

    /// A guard from vocabulary files `(name, text)`, in order.
    pub fn from_vocab(files: &[(&str, &str)]) -> Result<Guard, VocabError> {
        let vocab::Vocabulary { patterns, fillers } = vocab::parse(files)?;
        let mut by_word: Map<String, Vec<u32>> = Map::default();
        let mut by_prefix: Map<[u8; 3], Vec<(String, Vec<u32>)>> = Map::default();
        let mut by_number = Vec::new();
        let mut misspelt: Map<[u8; 3], Vec<(Atom, Vec<u32>)>> = Map::default();
        for (id, pattern) in patterns.iter().enumerate() {
            let id = id as u32;
            for atom in &pattern.slots[0].atoms {
                match atom {
                    Atom::Word(w) | Atom::Accented { folded: w, .. } | Atom::Cased { folded: w, .. } => {
                        by_word.entry(w.clone()).or_default().push(id)
                    }
                    Atom::Prefix(p) | Atom::AccentedPrefix { folded: p, .. } => {
                        let list = by_prefix.entry(head(p)).or_default();
                        match list.iter_mut().find(|(q, _)| q == p) {
                            Some((_, ids)) => ids.push(id),
                            None => list.push((p.clone(), vec![id])),
                        }
                    }
                    Atom::Number(..) => by_number.push(id),
                }
                if let (Target::Category(..), Atom::Word(w) | Atom::Prefix(w)) = (pattern.target, atom)
                    && w.len() >= vocab::FUZZY_MIN
                    && w.is_ascii()
                {
                    let list = misspelt.entry(head(w)).or_default();
                    match list.iter_mut().find(|(a, _)| a == atom) {
                        Some((_, ids)) => ids.push(id),
                        None => list.push((atom.clone(), vec![id])),
                    }
                }
            }
        }
        let (words, other_fillers): (Vec<Atom>, Vec<Atom>) =
            fillers.into_iter().partition(|atom| matches!(atom, Atom::Word(_)));
        let fillers =
            words.into_iter().filter_map(|atom| if let Atom::Word(w) = atom { Some(w) } else { None }).collect();
        Ok(Guard { patterns, fillers, other_fillers, by_word, by_prefix, by_number, misspelt })
    }

    /// Every passage of `text` in a category, sorted by start, with its level decided by
    /// its context (see docs/guard.md): overlapping passages of one category are merged
    /// into one finding, at the higher level. Passages about work or other people are
    /// left out.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let model = model::Model::standard();
        self.check_with(text, &mut |context, hit, kind| model.decide(context, hit, kind))
    }

    /// [`check`](Guard::check) with another decision for each match of a refused
    /// category: `decide` gets the rule's decision ([`Context::decide`]) and returns the
    /// one kept (the trained model's in [`check`](Guard::check); the rule's alone, or
    /// others, when the model is trained and compared).
    fn check_with(&self, text: &str, decide: &mut dyn FnMut(&Context<'_>, Hit, Kind) -> Hit) -> Vec<Finding> {
        let folded = Folded::new(text);
        let tokens = fold::tokenise(&folded.text);
        let words: Vec<&str> = tokens.iter().map(|t| &folded.text[t.range()]).collect();
        let line = Line { text, folded: &folded, tokens: &tokens, words: &words };
        let n = tokens.len();

        let mut raw: Vec<(Category, Kind, usize, usize)> = Vec::new();
        // Per token, a bit per category whose exceptions cover it.
        let mut excepted = vec![0u16; n];
        // Cues: attribution cues by their end token (their start), attribution-after cues
        // and work cues by their start token (their end), work cues by their end too.
        let mut attribution_to: Map<usize, usize> = Map::default();
        let mut attribution_from: Map<usize, usize> = Map::default();
        let mut work_from: Map<usize, usize> = Map::default();
        let mut work_to: Map<usize, usize> = Map::default();
        let mut field_to: Map<usize, usize> = Map::default();
        let mut candidates: Vec<u32> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            candidates.clear();
            if let Some(ids) = self.by_word.get(*word) {
                candidates.extend(ids);
            }
            if word.len() >= 3
                && let Some(list) = self.by_prefix.get(&head(word))
            {
                for (prefix, ids) in list {
                    if word.starts_with(prefix.as_str()) {
                        candidates.extend(ids);
                    }
                }
            }
            if word.as_bytes()[0].is_ascii_digit() {
                candidates.extend(&self.by_number);
            } else if word.len() >= vocab::FUZZY_MIN
                && let Some(list) = self.misspelt.get(&head(word))
            {
                for (atom, ids) in list {
                    if atom.matches(word, "", true) {
                        candidates.extend(ids);
                    }
                }
            }
            candidates.sort_unstable();
            candidates.dedup();
            for &id in &candidates {
                let pattern = &self.patterns[id as usize];
                let fuzzy = matches!(pattern.target, Target::Category(..));
                let Some(end) = line.match_from(pattern, 0, i, fuzzy) else { continue };
                match pattern.target {
                    Target::Exception(scope) => {
                        let bits = scope.map_or(u16::MAX, Category::bit);
                        excepted[i..end].iter_mut().for_each(|e| *e |= bits);
                    }
                    Target::Category(category, kind) => raw.push((category, kind, i, end)),
                    Target::Cue(Cue::Attribution) => {
                        let start = attribution_to.entry(end).or_insert(i);
                        *start = (*start).min(i);
                    }
                    Target::Cue(Cue::AttributionAfter) => {
                        let to = attribution_from.entry(i).or_insert(end);
                        *to = (*to).max(end);
                    }
                    Target::Cue(Cue::Work) => {
                        let to = work_from.entry(i).or_insert(end);
                        *to = (*to).max(end);
                        let from = work_to.entry(end).or_insert(i);
                        *from = (*from).min(i);
                    }
                    Target::Cue(Cue::Field | Cue::Employer) => {
                        let from = field_to.entry(end).or_insert(i);
                        *from = (*from).min(i);
                    }
                }
            }
        }
        raw.retain(|&(category, _, start, end)| !excepted[start..end].iter().any(|&e| e & category.bit() != 0));
        if raw.is_empty() {
            return Vec::new();
        }

        let context = Context {
            line: &line,
            guard: self,
            attribution_to: &attribution_to,
            attribution_from: &attribution_from,
            work_from: &work_from,
            work_to: &work_to,
            field_to: &field_to,
        };
        let decided: Vec<Hit> = raw
            .into_iter()
            .map(|(category, kind, start, end)| {
                let hit = context.decide(category, kind, start, end);
                if category.level() == Level::Refused { decide(&context, hit, kind) } else { hit }
            })
            .collect();
        // A phrase about work or other people covers the words inside it too ("salariés
        // en situation de handicap": "handicap" alone would be ambiguous).
        let covered = |hit: &Hit| {
            decided.iter().any(|c| {
                c.outcome == Outcome::Clean
                    && c.category == hit.category
                    && c.start <= hit.start
                    && hit.end <= c.end
                    && c.end - c.start > hit.end - hit.start
            })
        };
        let mut hits: Vec<Hit> =
            decided.iter().filter(|hit| hit.outcome != Outcome::Clean && !covered(hit)).copied().collect();
        hits.sort_unstable_by_key(|h| (h.category, h.start, h.end));
        let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
        for hit in hits {
            match merged.last_mut() {
                Some(last) if last.category == hit.category && hit.start < last.end => {
                    last.end = last.end.max(hit.end);
                    if hit.outcome > last.outcome {
                        last.outcome = hit.outcome;
                        last.cue = hit.cue;
                    }
                }
                _ => merged.push(hit),
            }
        }
        let original = |first: usize, last: usize| folded.original_range(tokens[first].start..tokens[last - 1].end);
        let mut findings: Vec<Finding> = merged
            .into_iter()
            .map(|hit| {
                let span = original(hit.start, hit.end);
                let phrase = original(hit.cue.0.min(hit.start), hit.cue.1.max(hit.end));
                let (level, why) = match hit.outcome {
                    Outcome::Refused(why) => (Level::Refused, why),
                    Outcome::Warned(why) => (Level::Warned, why),
                    Outcome::Clean => unreachable!("clean hits are left out"),
                };
                Finding {
                    category: hit.category,
                    level,
                    start: span.start,
                    end: span.end,
                    words: text[span].to_string(),
                    why,
                    phrase: text[phrase].to_string(),
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

    fn is_filler(&self, line: &Line<'_>, at: usize) -> bool {
        let word = line.words[at];
        self.fillers.contains(word)
            || self.other_fillers.iter().any(|atom| atom.matches(word, line.original(at, atom), false))
    }
}

/// The first three bytes of a word of three bytes or more.
fn head(word: &str) -> [u8; 3] {
    let b = word.as_bytes();
    [b[0], b[1], b[2]]
}

/// The cues found in a text, for deciding each match.
struct Context<'a> {
    line: &'a Line<'a>,
    guard: &'a Guard,
    attribution_to: &'a Map<usize, usize>,
    attribution_from: &'a Map<usize, usize>,
    /// Work cues by their start (their end).
    work_from: &'a Map<usize, usize>,
    /// Work cues by their end (their start).
    work_to: &'a Map<usize, usize>,
    /// Field and employer cues by their end (their start).
    field_to: &'a Map<usize, usize>,
}

impl Context<'_> {
    /// The decision rule (docs/guard.md), for a match of `category` on tokens `start..end`:
    /// 1. a work cue right after the term makes it about work ("diabetes research",
    ///    "diabetic patients");
    /// 2. an attribution cue right before (small words between allowed) or right after
    ///    says it of the candidate: refused ("il est diabétique", "has MS"); a cue of
    ///    other people right before makes it about them ("patients diabétiques");
    /// 3. a field of work before it in its clause makes it about work ("logiciel de suivi
    ///    pour diabétiques", "worked for the Labour Party");
    /// 4. else a trait describes the person the note is about (refused); a topic or a
    ///    homonym that starts a sentence without any work cue in it is note shorthand
    ///    (refused); any other topic is warned, a homonym warned as ambiguous.
    ///
    /// A warned category is warned where a refused one would be refused, and left alone
    /// where a refused one would only be warned.
    fn decide(&self, category: Category, kind: Kind, start: usize, end: usize) -> Hit {
        let line = self.line;
        let n = line.tokens.len();
        let joined = |at: usize| at < n && line.tokens[at].soft_before;
        let clause = line.clause_start(start);
        let refused = category.level() == Level::Refused;
        let hit = |outcome: Outcome, cue: (usize, usize)| Hit { category, start, end, outcome, cue };
        let said = |cue: (usize, usize)| {
            hit(if refused { Outcome::Refused(Why::DescribesCandidate) } else { Outcome::Warned(Why::Criterion) }, cue)
        };

        // A term of a warned category is a criterion wherever it stands: only whether a
        // topic is said of the candidate matters.
        let cues_of_work = refused;
        // Criminal records are often about the people HR's candidates worked with
        // ("conseillère d'insertion auprès de personnes sortant de prison").
        let cues_of_people = refused || category == Category::CriminalRecord;
        // 1. Other people or an organisation right after (one filler word in between).
        let after = |from: &Map<usize, usize>| -> Option<(usize, usize)> {
            if !joined(end) {
                return None;
            }
            if let Some(&to) = from.get(&end) {
                return Some((end, to));
            }
            (joined(end + 1) && self.guard.is_filler(line, end))
                .then(|| from.get(&(end + 1)).map(|&to| (end + 1, to)))
                .flatten()
        };
        if cues_of_people && after(self.work_from).is_some() {
            return hit(Outcome::Clean, (start, end));
        }
        // 2. Attribution right before (fillers in between) or right after; 3a. other
        // people or an organisation right before, unless an attribution cue stands right
        // before them ("milite dans une association LGBT").
        if let Some(from) = self.attributed_before(start, clause) {
            return said((from, end));
        }
        if let Some((_, to)) = after(self.attribution_from) {
            return said((start, to));
        }
        if cues_of_people && let Some(from) = self.before(self.work_to, start, clause) {
            return match self.attributed_before(from, clause) {
                Some(cue) => said((cue, end)),
                None => hit(Outcome::Clean, (from, end)),
            };
        }
        // 3b. A field of work or an employer before, within the clause; for a topic,
        // within the sentence ("Responsable paie : maladie, maternité, accidents du
        // travail"), as lists of subjects are split by commas.
        let scope = if kind == Kind::Trait { clause } else { line.sentence(start).start };
        let window = start.saturating_sub(if kind == Kind::Trait { WORK_WINDOW } else { 2 * WORK_WINDOW }).max(scope);
        if cues_of_work
            && let Some(&from) =
                (window..=start).rev().find_map(|to| self.field_to.get(&to).filter(|&&from| from >= scope))
        {
            return hit(Outcome::Clean, (from, end));
        }
        // 4. No cue.
        if kind == Kind::Trait {
            return said((start, end));
        }
        let sentence = line.sentence(start);
        if start == sentence.start && !sentence.clone().any(|at| self.work_from.contains_key(&at)) {
            return hit(
                if refused { Outcome::Refused(Why::Shorthand) } else { Outcome::Warned(Why::Criterion) },
                (start, end),
            );
        }
        match (refused, kind) {
            (false, _) => hit(Outcome::Clean, (start, end)),
            (true, Kind::Homonym) => hit(Outcome::Warned(Why::Ambiguous), (start, end)),
            (true, _) => hit(Outcome::Warned(Why::NotSaidOfCandidate), (start, end)),
        }
    }
}

impl Context<'_> {
    /// The start of a cue of `cues` that ends right before token `at` (small words
    /// between allowed), within the clause.
    fn before(&self, cues: &Map<usize, usize>, at: usize, clause: usize) -> Option<usize> {
        let mut end = at;
        loop {
            if let Some(&from) = cues.get(&end)
                && from >= clause
            {
                return Some(from);
            }
            if end == clause || at - end >= MAX_FILLERS || !self.guard.is_filler(self.line, end - 1) {
                return None;
            }
            end -= 1;
        }
    }

    /// The start of an attribution cue right before token `at`.
    fn attributed_before(&self, at: usize, clause: usize) -> Option<usize> {
        self.before(self.attribution_to, at, clause)
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
    /// first way through, consuming optional words when they are there. With `fuzzy`,
    /// words may be misspelt (category phrases only).
    fn match_from(&self, pattern: &Pattern, slot: usize, at: usize, fuzzy: bool) -> Option<usize> {
        let Some(current) = pattern.slots.get(slot) else {
            return Some(at);
        };
        if current.gap > 0 {
            // Up to `gap` words of any kind, each joined to the one before.
            let mut skip = at;
            loop {
                if let Some(end) = self.match_from(pattern, slot + 1, skip, fuzzy) {
                    return Some(end);
                }
                if skip - at >= current.gap as usize || skip >= self.tokens.len() || !self.tokens[skip].soft_before {
                    return None;
                }
                skip += 1;
            }
        }
        let joins = at < self.tokens.len() && (slot == 0 || self.tokens[at].soft_before);
        if joins
            && self.slot_matches(current, at, fuzzy)
            && let Some(end) = self.match_from(pattern, slot + 1, at + 1, fuzzy)
        {
            return Some(end);
        }
        if current.optional { self.match_from(pattern, slot + 1, at, fuzzy) } else { None }
    }

    fn slot_matches(&self, slot: &vocab::Slot, at: usize, fuzzy: bool) -> bool {
        let word = self.words[at];
        slot.atoms.iter().any(|atom| atom.matches(word, self.original(at, atom), fuzzy))
    }

    /// The original text of token `at`, when `atom` reads it (else empty).
    fn original(&self, at: usize, atom: &Atom) -> &str {
        if atom.reads_original() { &self.text[self.folded.original_range(self.tokens[at].range())] } else { "" }
    }

    /// The first token of the clause of token `at` (clauses end at hard punctuation).
    fn clause_start(&self, at: usize) -> usize {
        (1..=at).rev().find(|&i| !self.tokens[i].soft_before).unwrap_or(0)
    }

    /// The tokens of the sentence of token `at`.
    fn sentence(&self, at: usize) -> std::ops::Range<usize> {
        let start = (1..=at).rev().find(|&i| self.tokens[i].starts_sentence).unwrap_or(0);
        let end = (at + 1..self.tokens.len()).find(|&i| self.tokens[i].starts_sentence).unwrap_or(self.tokens.len());
        start..end
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

/// The error text for refused findings: each one explained, in order of appearance:
/// `refused: trade-union membership — "il est syndiqué" describes the candidate`.
/// Empty when nothing is refused.
pub fn refusal_message(findings: &[Finding]) -> String {
    describe("refused", findings, Level::Refused)
}

/// The same for warned findings: `warned: age — "a 45 ans" is a criterion of discrimination`.
pub fn warning_message(findings: &[Finding]) -> String {
    describe("warned", findings, Level::Warned)
}

fn describe(head: &str, findings: &[Finding], level: Level) -> String {
    let mut parts: Vec<String> = Vec::new();
    for finding in findings.iter().filter(|f| f.level == level) {
        let part = finding.explain_en();
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("{head}: {}", parts.join("; "))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod training;
