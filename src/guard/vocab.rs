//! The vocabulary files: their syntax, and their compilation into phrase patterns.
//!
//! One entry a line; `#` starts a comment line; blank lines are ignored.
//!
//! ```text
//! category | refused | phrase    a phrase that says something of a person (a trait):
//!                                 refused unless its context is work or other people
//! category | topic | phrase      a subject (an illness, a party, a faith): refused only
//!                                 when the text says it of the candidate, else warned
//! category | homonym | phrase    a word with an everyday meaning too: refused when said
//!                                 of the candidate, else warned as ambiguous
//! category | warned | phrase     a phrase of a warned category (age, family, ...)
//! ! phrase                        an exception: an everyday reading, words left alone
//! ! category | phrase             an exception for one category only
//! + phrase                        an attribution cue before a term: "il est", "has"
//! +> phrase                       an attribution cue after a term: "de type 1", "since"
//! ~ phrase                        a cue of other people or an organisation, right next to
//!                                 a term: "patients", "clients", "hôpital"
//! ~~ phrase                       a cue of work anywhere before a term in its clause:
//!                                 "research", "logiciel"
//! ~< phrase                       an employer before a term in its clause: "worked for"
//! @name = word, word*, word       a named set of single words, usable as `@name` in phrases
//! ```
//!
//! The set `@filler` names the small words that may stand between an attribution cue
//! and its term ("il a *une* greffe", "has *a* disability"). How cues decide is in
//! `mod.rs` and docs/guard.md.
//!
//! In a phrase, words are separated by spaces and are folded like the text (case,
//! accents, ligatures); punctuation inside a word splits it like the text does, so
//! `d'origine` is the two words `d` `origine` and matches "d’origine" and "D'ORIGINE".
//! - `word*` matches any word that starts with `word` (inflections: `syndiqu*`);
//! - `=word` also requires the original accents (`=marié` is not the name "Marie");
//! - `^WORD` requires the original exactly, case included (`^MS` is not "ms" or "Ms");
//! - `word?` may be absent; `(a|b|c)` is one of several words, `(a|b|)` or `(a|b)?` one or none;
//!   an alternative may be several words (`(il y a|depuis)`);
//! - `@name` is one word of a set; `<n>` is any number, `<18-99>` a number in a range;
//! - `...` is up to four words of any kind, within the clause ("il ... son compagnon").
//!
//! The first word of a phrase may not be optional: matching starts from it. Words of
//! category phrases of six letters or more also match a common misspelling of them (one
//! edit after their first three letters: see [`Atom::matches`]); exceptions and cues match
//! as written.

use std::collections::HashMap;
use std::fmt;

use super::fold::{fold, tokenise};
use super::{Category, Level};

/// What a vocabulary line could not be made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for VocabError {}

/// One way a single word of the text may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Atom {
    /// The folded word exactly.
    Word(String),
    /// A folded word starting with this.
    Prefix(String),
    /// The folded word, and the lowercased original exactly (accents kept).
    Accented { folded: String, lower: String },
    /// A folded prefix, and the lowercased original starting with `lower`.
    AccentedPrefix { folded: String, lower: String },
    /// The folded word, and the original exactly (case included, dots of an acronym left out).
    Cased { folded: String, original: String },
    /// A number in a range (inclusive).
    Number(u32, u32),
}

/// One position of a phrase.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub atoms: Vec<Atom>,
    pub optional: bool,
    /// A gap (`...`): up to this many words of any kind; `atoms` is empty.
    pub gap: u8,
}

/// How many words `...` may stand for.
const GAP: u8 = 4;

/// What a phrase stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Category(Category, Kind),
    /// Words left alone: by every category (`None`) or by one.
    Exception(Option<Category>),
    /// Words around a term that decide whether it is said of the candidate.
    Cue(Cue),
}

/// What a category phrase is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// It says something of a person ("diabétique", "syndiqué", "pregnant").
    Trait,
    /// It names a subject ("diabète", "syndicat", "cancer").
    Topic,
    /// It has an everyday meaning too ("greffe", "opéré", "handicap").
    Homonym,
}

/// A context cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// Before a term, it says the term of the candidate ("il est", "has", "son").
    Attribution,
    /// After a term, the same ("de type 1", "in remission").
    AttributionAfter,
    /// Right next to a term (before it, small words between allowed, or after it), it
    /// makes it about other people or an organisation ("patients", "hôpital").
    Work,
    /// Anywhere before a term in its clause, it makes it about work: a field, a product,
    /// a project ("research", "logiciel").
    Field,
    /// Anywhere before a term in its clause, an employer ("worked for", "stage chez").
    Employer,
}

/// The parsed vocabulary: its phrases and the filler words.
pub(crate) struct Vocabulary {
    pub patterns: Vec<Pattern>,
    pub fillers: Vec<Atom>,
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub slots: Vec<Slot>,
    pub target: Target,
}

/// Shortest prefix accepted after `*`: shorter ones match far too much.
const MIN_PREFIX: usize = 3;

/// Parses vocabulary files, in order (sets are shared: defined before they are used).
pub(crate) fn parse(files: &[(&str, &str)]) -> Result<Vocabulary, VocabError> {
    let mut sets: HashMap<String, Vec<Atom>> = HashMap::new();
    let mut patterns = Vec::new();
    for (name, text) in files {
        for (index, raw) in text.lines().enumerate() {
            let error = |message: String| VocabError { file: name.to_string(), line: index + 1, message };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('@') {
                let (set, items) = rest.split_once('=').ok_or_else(|| error("a set needs `= words`".into()))?;
                let set = set.trim().to_string();
                if set.is_empty() || !set.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(error(format!("bad set name {set:?}")));
                }
                let mut atoms = Vec::new();
                for item in items.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    atoms.push(atom(item).map_err(error)?);
                }
                if atoms.is_empty() {
                    return Err(error(format!("set @{set} is empty")));
                }
                sets.insert(set, atoms);
                continue;
            }
            let (target, phrase) = if let Some(rest) = line.strip_prefix("+>") {
                (Target::Cue(Cue::AttributionAfter), rest)
            } else if let Some(rest) = line.strip_prefix('+') {
                (Target::Cue(Cue::Attribution), rest)
            } else if let Some(rest) = line.strip_prefix("~<") {
                (Target::Cue(Cue::Employer), rest)
            } else if let Some(rest) = line.strip_prefix("~~") {
                (Target::Cue(Cue::Field), rest)
            } else if let Some(rest) = line.strip_prefix('~') {
                (Target::Cue(Cue::Work), rest)
            } else if let Some(rest) = line.strip_prefix('!') {
                match rest.split_once('|') {
                    Some((code, phrase)) if !code.contains('(') => {
                        let category = Category::from_code(code.trim())
                            .ok_or_else(|| error(format!("unknown category {:?}", code.trim())))?;
                        (Target::Exception(Some(category)), phrase)
                    }
                    _ => (Target::Exception(None), rest),
                }
            } else {
                let mut parts = line.splitn(3, '|');
                let (Some(code), Some(level), Some(phrase)) = (parts.next(), parts.next(), parts.next()) else {
                    return Err(error("expected `category | level | phrase`".into()));
                };
                let category = Category::from_code(code.trim())
                    .ok_or_else(|| error(format!("unknown category {:?}", code.trim())))?;
                let kind = match level.trim() {
                    "refused" if category.level() == Level::Refused => Kind::Trait,
                    "warned" if category.level() == Level::Warned => Kind::Trait,
                    "topic" => Kind::Topic,
                    "homonym" => Kind::Homonym,
                    "refused" | "warned" => {
                        return Err(error(format!(
                            "{} is {:?}, not {}",
                            category.code(),
                            category.level(),
                            level.trim()
                        )));
                    }
                    other => return Err(error(format!("unknown level {other:?}"))),
                };
                (Target::Category(category, kind), phrase)
            };
            for slots in phrase_slots(phrase, &sets).map_err(error)? {
                match slots.first() {
                    None => return Err(error("empty phrase".into())),
                    Some(first) if first.optional => return Err(error("the first word may not be optional".into())),
                    Some(_) => {}
                }
                if slots.last().is_some_and(|s| s.gap > 0) {
                    return Err(error("a phrase may not end with `...`".into()));
                }
                patterns.push(Pattern { slots, target });
            }
        }
    }
    let fillers = sets.remove("filler").unwrap_or_default();
    Ok(Vocabulary { patterns, fillers })
}

/// Most expansions a phrase may have (groups of several words multiply them).
const MAX_EXPANSIONS: usize = 512;

/// The slot sequences a phrase stands for: one, unless a group has alternatives of
/// several words ("(il y a|depuis)"), which expand into one sequence each.
fn phrase_slots(phrase: &str, sets: &HashMap<String, Vec<Atom>>) -> Result<Vec<Vec<Slot>>, String> {
    let mut results: Vec<Vec<Slot>> = vec![Vec::new()];
    for word in split_words(phrase)? {
        let options = word_options(word, sets)?;
        if options.len() == 1 {
            results.iter_mut().for_each(|r| r.extend(options[0].iter().cloned()));
        } else {
            let mut next = Vec::with_capacity(results.len() * options.len());
            for result in &results {
                for option in &options {
                    let mut joined = result.clone();
                    joined.extend(option.iter().cloned());
                    next.push(joined);
                }
            }
            results = next;
        }
        if results.len() > MAX_EXPANSIONS {
            return Err(format!("more than {MAX_EXPANSIONS} expansions: split the entry"));
        }
    }
    Ok(results)
}

/// Splits a phrase on spaces outside parentheses.
fn split_words(phrase: &str) -> Result<Vec<&str>, String> {
    let mut words = Vec::new();
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    for (at, c) in phrase.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or("unbalanced `)`")?,
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if let Some(s) = start.take() {
                words.push(&phrase[s..at]);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if depth != 0 {
        return Err("unclosed `(`".into());
    }
    if let Some(s) = start {
        words.push(&phrase[s..]);
    }
    Ok(words)
}

/// The slot sequences one word of a phrase stands for.
fn word_options(word: &str, sets: &HashMap<String, Vec<Atom>>) -> Result<Vec<Vec<Slot>>, String> {
    if word == "..." {
        return Ok(vec![vec![Slot { atoms: Vec::new(), optional: true, gap: GAP }]]);
    }
    if word.starts_with('^') {
        return Ok(vec![vec![Slot { atoms: vec![atom(word)?], optional: false, gap: 0 }]]);
    }
    if let Some(set) = word.strip_prefix('@') {
        let (set, optional) = match set.strip_suffix('?') {
            Some(s) => (s, true),
            None => (set, false),
        };
        let atoms = sets.get(set).ok_or_else(|| format!("unknown set @{set}"))?;
        return Ok(vec![vec![Slot { atoms: atoms.clone(), optional, gap: 0 }]]);
    }
    if let Some(group) = word.strip_prefix('(') {
        let (group, marked) = match group.strip_suffix(")?") {
            Some(group) => (group, true),
            None => (group.strip_suffix(')').ok_or_else(|| format!("text after a group in {word:?}"))?, false),
        };
        let mut alternatives: Vec<&str> = group.split('|').map(str::trim).collect();
        if marked {
            alternatives.push("");
        }
        let optional = alternatives.iter().any(|a| a.is_empty());
        let single: Result<Vec<Atom>, String> =
            alternatives.iter().filter(|a| !a.is_empty()).map(|a| atom(a)).collect();
        if let Ok(atoms) = single {
            if atoms.is_empty() {
                return Err(format!("empty group {word:?}"));
            }
            return Ok(vec![vec![Slot { atoms, optional, gap: 0 }]]);
        }
        // Some alternative has several words: one sequence per alternative.
        let mut options = Vec::new();
        for alternative in alternatives {
            if alternative.is_empty() {
                options.push(Vec::new());
            } else {
                options.extend(phrase_slots(alternative, sets)?);
            }
        }
        return Ok(options);
    }
    if let Some(single) = word.strip_suffix('?') {
        return Ok(vec![vec![Slot { atoms: vec![atom(single)?], optional: true, gap: 0 }]]);
    }
    if word.starts_with('<') {
        return Ok(vec![vec![Slot { atoms: vec![atom(word)?], optional: false, gap: 0 }]]);
    }
    // A plain word, possibly several tokens ("d'origine", "non-binaire").
    let (accented, core) = match word.strip_prefix('=') {
        Some(core) => (true, core),
        None => (false, word),
    };
    let (prefix, core) = match core.strip_suffix('*') {
        Some(core) => (true, core),
        None => (false, core),
    };
    let folded = fold(core);
    let tokens = tokenise(&folded);
    if tokens.is_empty() {
        return Err(format!("no word in {word:?}"));
    }
    if accented && tokens.len() > 1 {
        return Err(format!("`=` needs a single word: {word:?}"));
    }
    let last = tokens.len() - 1;
    let mut slots = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let part = &folded[token.range()];
        let text = match (accented, prefix && i == last) {
            (true, true) => format!("={core}*"),
            (true, false) => format!("={core}"),
            (false, true) => format!("{part}*"),
            (false, false) => part.to_string(),
        };
        slots.push(Slot { atoms: vec![atom(&text)?], optional: false, gap: 0 });
    }
    Ok(vec![slots])
}

/// One single-word atom: `word`, `word*`, `=word`, `=word*`, `^WORD`, `<n>`, `<lo-hi>`.
fn atom(item: &str) -> Result<Atom, String> {
    if let Some(original) = item.strip_prefix('^') {
        let folded = fold(original);
        let tokens = tokenise(&folded);
        if original.is_empty() || tokens.len() != 1 || tokens[0].range() != (0..folded.len()) {
            return Err(format!("{item:?} must be a single word"));
        }
        return Ok(Atom::Cased { folded, original: original.to_string() });
    }
    if let Some(range) = item.strip_prefix('<') {
        let range = range.strip_suffix('>').ok_or_else(|| format!("unclosed number {item:?}"))?;
        if range == "n" {
            return Ok(Atom::Number(0, u32::MAX));
        }
        let (lo, hi) = range.split_once('-').ok_or_else(|| format!("expected <n> or <lo-hi>: {item:?}"))?;
        let lo: u32 = lo.parse().map_err(|_| format!("bad number in {item:?}"))?;
        let hi: u32 = hi.parse().map_err(|_| format!("bad number in {item:?}"))?;
        if lo > hi {
            return Err(format!("empty range {item:?}"));
        }
        return Ok(Atom::Number(lo, hi));
    }
    let (accented, core) = match item.strip_prefix('=') {
        Some(core) => (true, core),
        None => (false, item),
    };
    let (prefix, core) = match core.strip_suffix('*') {
        Some(core) => (true, core),
        None => (false, core),
    };
    let folded = fold(core);
    let tokens = tokenise(&folded);
    if tokens.len() != 1 || tokens[0].range() != (0..folded.len()) {
        return Err(format!("{item:?} must be a single word"));
    }
    if prefix && folded.chars().count() < MIN_PREFIX {
        return Err(format!("prefix {item:?} is shorter than {MIN_PREFIX} letters"));
    }
    let lower = core.to_lowercase().replace('\u{2019}', "'");
    Ok(match (accented, prefix) {
        (false, false) => Atom::Word(folded),
        (false, true) => Atom::Prefix(folded),
        (true, false) => Atom::Accented { folded, lower },
        (true, true) => Atom::AccentedPrefix { folded, lower },
    })
}

impl Atom {
    /// Whether a token matches: `word` is its folded text, `original` its original text
    /// (given for the atoms that read it, else empty). With `fuzzy`, a word or prefix of
    /// six letters or more also matches one common misspelling of it (see [`one_edit`]).
    pub(crate) fn matches(&self, word: &str, original: &str, fuzzy: bool) -> bool {
        match self {
            Atom::Word(w) => {
                word == w || (fuzzy && w.len() >= FUZZY_MIN && word.len() >= FUZZY_MIN && one_edit(word, w))
            }
            Atom::Prefix(p) => {
                word.starts_with(p.as_str())
                    || (fuzzy && p.len() >= FUZZY_MIN && word.len() >= FUZZY_MIN && prefix_one_edit(word, p))
            }
            Atom::Accented { folded, lower } => word == folded && original.to_lowercase() == *lower,
            Atom::AccentedPrefix { folded, lower } => {
                word.starts_with(folded.as_str()) && original.to_lowercase().starts_with(lower.as_str())
            }
            Atom::Cased { folded, original: exact } => {
                word == folded && (original == exact || (original.contains('.') && original.replace('.', "") == *exact))
            }
            Atom::Number(lo, hi) => {
                word.len() <= 9
                    && word.bytes().all(|b| b.is_ascii_digit())
                    && word.parse::<u32>().is_ok_and(|n| (*lo..=*hi).contains(&n))
            }
        }
    }

    /// Whether matching this atom needs the token's original text.
    pub(crate) fn reads_original(&self) -> bool {
        matches!(self, Atom::Accented { .. } | Atom::AccentedPrefix { .. } | Atom::Cased { .. })
    }
}

/// Shortest vocabulary word (in bytes of its folded form) that matches misspellings.
pub(crate) const FUZZY_MIN: usize = 6;

/// Whether `word` (from the text) is `target` (from the vocabulary) with one typing
/// error (both of six letters or more; a prefix's beginning of a word may be five): a letter left out, a letter added, two neighbours swapped, or a wrong letter.
/// The first three letters must be right, the last letter may not be the one left out, a
/// wrong letter may not be one of the last two, and a swap may not move the last letter:
/// those edits are how other words are made ("source" is not "sourde", "cancel" is not
/// "cancer", "cancre" is not "cancer", "conservative" is not "conservatives"). Real words
/// one edit away from a vocabulary word ("éthique", "prenante") are exceptions in the
/// vocabulary files.
pub(crate) fn one_edit(word: &str, target: &str) -> bool {
    let (w, t) = (word.as_bytes(), target.as_bytes());
    if w.len() + 1 < t.len() || w.len() > t.len() + 1 || w.len() < FUZZY_MIN - 1 || w.get(..3) != t.get(..3) || w == t {
        return false;
    }
    if !w.is_ascii() || !t.is_ascii() {
        return false;
    }
    let first = w.iter().zip(t).position(|(a, b)| a != b).unwrap_or(w.len().min(t.len()));
    if first < 3 {
        return false;
    }
    match w.len().cmp(&t.len()) {
        // A letter left out of the word, or one added to it.
        std::cmp::Ordering::Less => first + 1 < t.len() && w[first..] == t[first + 1..],
        std::cmp::Ordering::Greater => w[first + 1..] == t[first..],
        std::cmp::Ordering::Equal => {
            let n = t.len();
            let substituted = first + 2 < n && w[first + 1..] == t[first + 1..];
            let swapped = first + 2 < n
                && w[first] == t[first + 1]
                && w[first + 1] == t[first]
                && w[first + 2..] == t[first + 2..];
            substituted || swapped
        }
    }
}

/// [`one_edit`] for a prefix: the word's beginning, one letter shorter, as long or one
/// letter longer than the prefix, is the prefix with one typing error.
fn prefix_one_edit(word: &str, prefix: &str) -> bool {
    let n = prefix.len();
    (n - 1..=n + 1).any(|len| word.is_char_boundary(len) && len <= word.len() && one_edit(&word[..len], prefix))
}
