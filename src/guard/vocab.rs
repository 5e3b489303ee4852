//! The vocabulary files: their syntax, and their compilation into phrase patterns.
//!
//! One entry a line; `#` starts a comment line; blank lines are ignored.
//!
//! ```text
//! category | level | phrase      a phrase of that category (level must be the category's)
//! ! phrase                        an exception: a false friend, whose words are left alone
//! ! category | phrase             an exception for one category only
//! @name = word, word*, word       a named set of single words, usable as `@name` in phrases
//! ```
//!
//! In a phrase, words are separated by spaces and are folded like the text (case,
//! accents, ligatures); punctuation inside a word splits it like the text does, so
//! `d'origine` is the two words `d` `origine` and matches "d’origine" and "D'ORIGINE".
//! - `word*` matches any word that starts with `word` (inflections: `syndiqu*`);
//! - `=word` also requires the original accents (`=marié` is not the name "Marie");
//! - `word?` may be absent; `(a|b|c)` is one of several words, `(a|b|)` or `(a|b)?` one or none;
//!   an alternative may be several words (`(il y a|depuis)`);
//! - `@name` is one word of a set; `<n>` is any number, `<18-99>` a number in a range.
//!
//! The first word of a phrase may not be optional: matching starts from it.

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
    /// A number in a range (inclusive).
    Number(u32, u32),
}

/// One position of a phrase.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub atoms: Vec<Atom>,
    pub optional: bool,
}

/// What a phrase stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Category(Category),
    /// Words left alone: by every category (`None`) or by one.
    Exception(Option<Category>),
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub slots: Vec<Slot>,
    pub target: Target,
}

/// Shortest prefix accepted after `*`: shorter ones match far too much.
const MIN_PREFIX: usize = 3;

/// Parses vocabulary files, in order (sets are shared: defined before they are used).
pub(crate) fn parse(files: &[(&str, &str)]) -> Result<Vec<Pattern>, VocabError> {
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
            let (target, phrase) = if let Some(rest) = line.strip_prefix('!') {
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
                let level = match level.trim() {
                    "refused" => Level::Refused,
                    "warned" => Level::Warned,
                    other => return Err(error(format!("unknown level {other:?}"))),
                };
                if level != category.level() {
                    return Err(error(format!("{} is {:?}, not {:?}", category.code(), category.level(), level)));
                }
                (Target::Category(category), phrase)
            };
            for slots in phrase_slots(phrase, &sets).map_err(error)? {
                match slots.first() {
                    None => return Err(error("empty phrase".into())),
                    Some(first) if first.optional => return Err(error("the first word may not be optional".into())),
                    Some(_) => {}
                }
                patterns.push(Pattern { slots, target });
            }
        }
    }
    Ok(patterns)
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
    if let Some(set) = word.strip_prefix('@') {
        let (set, optional) = match set.strip_suffix('?') {
            Some(s) => (s, true),
            None => (set, false),
        };
        let atoms = sets.get(set).ok_or_else(|| format!("unknown set @{set}"))?;
        return Ok(vec![vec![Slot { atoms: atoms.clone(), optional }]]);
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
            return Ok(vec![vec![Slot { atoms, optional }]]);
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
        return Ok(vec![vec![Slot { atoms: vec![atom(single)?], optional: true }]]);
    }
    if word.starts_with('<') {
        return Ok(vec![vec![Slot { atoms: vec![atom(word)?], optional: false }]]);
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
        slots.push(Slot { atoms: vec![atom(&text)?], optional: false });
    }
    Ok(vec![slots])
}

/// One single-word atom: `word`, `word*`, `=word`, `=word*`, `<n>`, `<lo-hi>`.
fn atom(item: &str) -> Result<Atom, String> {
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
    /// Whether a token matches: `word` is its folded text, `original` its original text.
    pub(crate) fn matches(&self, word: &str, original: &str) -> bool {
        match self {
            Atom::Word(w) => word == w,
            Atom::Prefix(p) => word.starts_with(p.as_str()),
            Atom::Accented { folded, lower } => word == folded && original.to_lowercase() == *lower,
            Atom::AccentedPrefix { folded, lower } => {
                word.starts_with(folded.as_str()) && original.to_lowercase().starts_with(lower.as_str())
            }
            Atom::Number(lo, hi) => {
                word.len() <= 9
                    && word.bytes().all(|b| b.is_ascii_digit())
                    && word.parse::<u32>().is_ok_and(|n| (*lo..=*hi).contains(&n))
            }
        }
    }
}
