//! Folding and tokenising: the guard compares words, not bytes.
//!
//! Folding lowercases, strips the diacritics of Latin letters (é → e, ç → c, ø → o),
//! expands ligatures (œ → oe, æ → ae, ß → ss) and turns typographic apostrophes into
//! `'`. A folded text keeps, for each of its bytes, the byte offset in the original text
//! of the character it came from, so that what is found in the folded text can be shown
//! in the original one.
//!
//! Tokens are runs of letters or runs of digits (so "45ans" is two tokens). What lies
//! between two tokens is a gap: a soft gap (spaces, line breaks, hyphens, apostrophes,
//! colons) lets a phrase continue, a hard gap (sentence punctuation, brackets, quotes,
//! slashes) ends it. A token after sentence punctuation (`.`, `!`, `?`, `;`, a bullet) or a
//! line break, or the first one, starts a sentence: note shorthand ("Diabétique de type
//! 1.") is read from there.
//!
//! Dotted acronyms are read as one word: "R.Q.T.H." folds to "rqth." (the dots between
//! single letters vanish; the last one stays, as it may end the sentence).

use std::ops::Range;

/// A folded text and its map back to the original.
#[derive(Debug, Clone)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// `origin[i]` is the original byte offset of the character that produced folded
    /// byte `i`; one more entry, the original length, closes the map.
    origin: Vec<usize>,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len() + original.len() / 16);
        let mut origin = Vec::with_capacity(original.len() + 1);
        let dots = acronym_dots(original);
        let mut skip = dots.iter().peekable();
        for (at, c) in original.char_indices() {
            if skip.peek() == Some(&&at) {
                skip.next();
                continue;
            }
            let before = text.len();
            fold_char(c, &mut text);
            origin.resize(origin.len() + (text.len() - before), at);
        }
        origin.push(original.len());
        Folded { text, origin }
    }

    /// The original byte range of a folded range that starts and ends on character
    /// boundaries of the original (token ranges always do).
    pub fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        self.origin[folded.start]..self.origin[folded.end]
    }
}

/// The byte offsets of the dots inside dotted acronyms ("R.Q.T.H.": the first three): a
/// run of at least two single letters each followed by a dot, not inside a word.
fn acronym_dots(text: &str) -> Vec<usize> {
    if !text.as_bytes().contains(&b'.') {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let letter = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_alphabetic());
    let word_char = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_alphanumeric());
    let dot = |k: usize| chars.get(k).is_some_and(|&(_, c)| c == '.');
    let mut dots = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !letter(i) || (i > 0 && word_char(i - 1)) {
            i += 1;
            continue;
        }
        // A single letter, a dot, then another single letter: the dot goes.
        let mut at = i;
        while dot(at + 1) && letter(at + 2) && !word_char(at + 3) {
            dots.push(chars[at + 1].0);
            at += 2;
        }
        i = at + 1;
    }
    dots
}

/// The folded form of a text, without its map.
pub fn fold(text: &str) -> String {
    Folded::new(text).text
}

/// Appends the folded form of one character.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let folded: &str =
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă'
            | 'Ą' => "a",
            'æ' | 'Æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' | 'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "c",
            'ď' | 'đ' | 'ð' | 'Ď' | 'Đ' | 'Ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę'
            | 'Ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "g",
            'ĥ' | 'ħ' | 'Ĥ' | 'Ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į'
            | 'İ' => "i",
            'ĳ' | 'Ĳ' => "ij",
            'ĵ' | 'Ĵ' => "j",
            'ķ' | 'Ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' | 'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ'
            | 'Ő' => "o",
            'œ' | 'Œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' | 'Ŕ' | 'Ŗ' | 'Ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "s",
            'ß' | 'ẞ' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' | 'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "t",
            'þ' | 'Þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ'
            | 'Ů' | 'Ű' | 'Ų' => "u",
            'ŵ' | 'Ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' | 'Ý' | 'Ÿ' | 'Ŷ' => "y",
            'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
            'ﬀ' => "ff",
            'ﬁ' => "fi",
            'ﬂ' => "fl",
            'ﬃ' => "ffi",
            'ﬄ' => "ffl",
            // Apostrophes and the characters typed for them.
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '\u{2032}' => "'",
            // Hyphens and dashes that join words.
            '\u{2010}' | '\u{2011}' | '\u{2012}' => "-",
            // No-break and thin spaces.
            '\u{00A0}' | '\u{202F}' | '\u{2009}' => " ",
            // Combining diacritics (decomposed text, frequent in PDF extraction) vanish.
            '\u{0300}'..='\u{036F}' => "",
            _ => {
                out.extend(c.to_lowercase());
                return;
            }
        };
    out.push_str(folded);
}

/// One token of a folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the folded text.
    pub start: usize,
    pub end: usize,
    /// Whether a phrase may continue from the previous token into this one.
    pub soft_before: bool,
    /// Whether this token starts a sentence (the first token, or one after sentence
    /// punctuation or a line break).
    pub starts_sentence: bool,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Characters that end a sentence (for note shorthand), a line break included.
fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n' | '\r' | '•' | '…')
}

/// Characters that end a phrase: sentence punctuation, brackets, quotes, slashes.
fn is_hard(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '«'
            | '»'
            | '“'
            | '”'
            | '•'
            | '|'
            | '/'
            | '\\'
            | '…'
            | '\t'
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Gap,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_alphanumeric() {
        Class::Letter
    } else {
        Class::Gap
    }
}

/// Splits a folded text into tokens, in one pass.
pub fn tokenise(folded: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(folded.len() / 5);
    let mut current: Option<(usize, Class)> = None;
    let mut soft = true;
    let mut stop = true;
    for (at, c) in folded.char_indices() {
        let k = class(c);
        match (current, k) {
            (Some((_, was)), now) if was == now => {}
            (Some((start, _)), Class::Gap) => {
                tokens.push(Token { start, end: at, soft_before: soft, starts_sentence: stop });
                current = None;
                soft = !is_hard(c);
                stop = is_stop(c);
            }
            (Some((start, _)), now) => {
                // A letter run meets a digit run: two tokens, joined softly.
                tokens.push(Token { start, end: at, soft_before: soft, starts_sentence: stop });
                current = Some((at, now));
                soft = true;
                stop = false;
            }
            (None, Class::Gap) => {
                soft &= !is_hard(c);
                stop |= is_stop(c);
            }
            (None, now) => current = Some((at, now)),
        }
    }
    if let Some((start, _)) = current {
        tokens.push(Token { start, end: folded.len(), soft_before: soft, starts_sentence: stop });
    }
    tokens
}
