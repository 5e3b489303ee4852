//! PDF text as a reader sees it. A PDF does not hold text: it places glyphs. This module
//! loads the document (decrypting it when it opens without a password, as readers do:
//! RC4 and AES), runs each page's content to place every glyph ([`content`]) in the fonts
//! it uses ([`font`], with [`cmap`], [`encodings`], [`glyphs`] and the embedded font
//! programs read by [`cff`] and [`sfnt`] for what each code stands for), rebuilds words, lines and reading order from the glyphs' positions
//! ([`layout`]), joins words hyphenated at line ends, and normalises the text (ligatures
//! decomposed, compatibility forms folded where that keeps the meaning).
//!
//! Everything stays bounded: the document's streams are decompressed with a limit, the
//! interpretation has a work budget, and the text stops growing at
//! [`MAX_TEXT_LEN`](super::MAX_TEXT_LEN). A PDF that needs a password is
//! [`ExtractError::Encrypted`]; one whose pages hold no text gives an empty string.

mod cff;
mod cmap;
mod content;
mod encodings;
mod font;
mod glyphs;
mod layout;
mod sfnt;

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};
use unicode_normalization::UnicodeNormalization;

use super::extract::TextOut;
use super::{ExtractError, MAX_ENTRY_SIZE, MAX_TEXT_LEN};

/// The most any one stream may decompress to.
const MAX_STREAM: usize = MAX_ENTRY_SIZE as usize;
/// The most PDF pages read.
const MAX_PAGES: usize = 10_000;
/// Operators and glyphs interpreted in one document, at most: far above any CV (a dense
/// page is about 10,000), low enough to finish in a few seconds.
const WORK_BUDGET: u64 = 20_000_000;

/// The text of a PDF, page after page.
pub(super) fn pdf_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let options = lopdf::LoadOptions { max_decompressed_size: Some(MAX_STREAM), ..Default::default() };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(error) => return Err(pdf_error(&error, declares_encryption(bytes))),
    };
    // Still encrypted after loading: the empty password did not open it.
    if doc.trailer.has(b"Encrypt") || doc.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let pages: Vec<_> = doc.get_pages().into_values().take(MAX_PAGES).collect();
    if pages.is_empty() {
        return Err(ExtractError::Corrupt("the PDF has no pages".into()));
    }
    let mut shared = content::Shared::new(WORK_BUDGET);
    let mut lines: Vec<String> = Vec::new();
    let mut read_any = false;
    let mut last_error = None;
    let mut length = 0usize;
    for page_id in pages {
        let content = match doc.get_page_content_with_limit(page_id, MAX_STREAM) {
            Ok(content) => content,
            Err(error) => {
                last_error = Some(error);
                continue;
            }
        };
        read_any = true;
        let resources = page_resources(&doc, page_id);
        let page = content::interpret(&doc, &mut shared, &content, resources);
        // Pages apart by an empty line.
        if lines.last().is_some_and(|l| !l.is_empty()) {
            lines.push(String::new());
        }
        for line in layout::page_lines(&page) {
            length += line.len() + 1;
            lines.push(line);
        }
        if length > MAX_TEXT_LEN || shared.budget == 0 {
            break;
        }
    }
    if let (Some(error), false) = (&last_error, read_any) {
        return Err(pdf_error(error, false));
    }
    join_hyphenated(&mut lines);
    let mut out = TextOut::default();
    for line in &lines {
        out.push(&normalise(line));
        out.push("\n");
        if out.full {
            break;
        }
    }
    Ok(out.text)
}

/// The resources of a page: its own, or inherited from the page tree.
fn page_resources(doc: &Document, page_id: lopdf::ObjectId) -> Option<&Dictionary> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    for _ in 0..32 {
        if let Some(resources) = get(doc, node, b"Resources").and_then(|o| o.as_dict().ok()) {
            return Some(resources);
        }
        node = get(doc, node, b"Parent")?.as_dict().ok()?;
    }
    None
}

/// Joins a word broken at a line end by a hyphen when it continues on the next line with
/// a small letter (an empty line between, as at a column break, is allowed). The hyphen
/// is dropped, unless the document has the compound elsewhere ("state-based"), or, having
/// neither form elsewhere, has both halves as words of their own; a soft hyphen is always
/// dropped. The first word of the next line moves up.
fn join_hyphenated(lines: &mut [String]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in lines.iter() {
        for word in words(line) {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
        // Hyphenated compounds count too, whole ("state-based").
        for token in line.split_whitespace() {
            let token = token.trim_matches(|c: char| !c.is_alphanumeric());
            if token.contains('-') {
                *counts.entry(token.to_lowercase()).or_default() += 1;
            }
        }
    }
    let seen = |word: &str, times: usize| counts.get(&word.to_lowercase()).is_some_and(|&n| n >= times);
    for i in 0..lines.len() {
        let Some(hyphen) = lines[i].chars().next_back().filter(|c| matches!(c, '-' | '\u{2010}' | '\u{AD}')) else {
            continue;
        };
        let stem = lines[i][..lines[i].len() - hyphen.len_utf8()].to_string();
        let Some(last) = stem.split(|c: char| !c.is_alphanumeric()).next_back().filter(|w| !w.is_empty()) else {
            continue;
        };
        let next = match lines.get(i + 1) {
            Some(l) if l.is_empty() => i + 2,
            _ => i + 1,
        };
        let Some(following) = lines.get(next) else { continue };
        if !following.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        let end = following.find(|c: char| c.is_whitespace()).unwrap_or(following.len());
        let (first, rest) = following.split_at(end);
        let continuation: String = first.chars().take_while(|c| c.is_alphanumeric()).collect();
        // The document decides when it has the word elsewhere, whole or hyphenated; else
        // the hyphen stays when both halves are words of their own (each seen here once).
        let compound = hyphen != '\u{AD}'
            && !seen(&format!("{last}{continuation}"), 1)
            && (seen(&format!("{last}-{continuation}"), 1) || (seen(last, 2) && seen(&continuation, 2)));
        let joined = if compound { format!("{stem}-{first}") } else { format!("{stem}{first}") };
        let rest = rest.trim_start().to_string();
        lines[i] = joined;
        lines[next] = rest;
    }
}

/// The words of a line: runs of letters and digits.
fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// Normalises extracted text: compatibility forms folded (NFKC: ligatures "ﬁ" → "fi",
/// no-break and thin spaces → spaces, full-width letters → letters), except where the
/// folded form would change the meaning (superscripts, subscripts, fractions, ordinal
/// indicators, trade marks); then composed (NFC). Control characters, soft hyphens,
/// private-use characters and replacement characters are dropped.
fn normalise(line: &str) -> String {
    let mut folded = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            c if c.is_ascii() && !c.is_ascii_control() => folded.push(c),
            '\t' => folded.push(' '),
            '\u{AD}' | '\u{FFFD}' | '\u{E000}'..='\u{F8FF}' => {}
            c if c.is_control() => {}
            c if keeps_meaning(c) => folded.push(c),
            c => folded.extend(std::iter::once(c).nfkc()),
        }
    }
    folded.nfc().collect()
}

/// Characters whose compatibility folding would change what the text says: "m²" is not
/// "m2", "½" is not "12", "1er" is not "1er" once its superscript is gone.
fn keeps_meaning(c: char) -> bool {
    matches!(c,
        '²' | '³' | '¹' | 'ª' | 'º' | '¼' | '½' | '¾' | '™' | '℠' | '…'
        | '\u{2070}'..='\u{209F}' // superscripts and subscripts
        | '\u{2150}'..='\u{215F}' // vulgar fractions
        | '\u{2B0}'..='\u{2B8}' | '\u{1D2C}'..='\u{1D6A}' | '\u{1D9B}'..='\u{1DBF}' // superscript letters (1ᵉʳ)
    )
}

// ---------------------------------------------------------------------------------------
// Objects

/// An object with references followed (a few levels at most).
fn resolve<'a>(doc: &'a Document, mut object: &'a Object) -> &'a Object {
    for _ in 0..16 {
        match object {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(target) => object = target,
                Err(_) => return &Object::Null,
            },
            _ => return object,
        }
    }
    &Object::Null
}

/// A dictionary entry with references followed.
fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| resolve(doc, o)).filter(|o| !matches!(o, Object::Null))
}

/// A number, integer or real.
fn number(object: &Object) -> Option<f32> {
    object.as_float().ok()
}

/// The decoded bytes of a stream object, within the size limit.
fn stream_bytes(doc: &Document, object: &Object) -> Option<Vec<u8>> {
    resolve(doc, object).as_stream().ok()?.get_plain_content_with_limit(MAX_STREAM).ok()
}

/// Whether the trailer declares encryption, for PDFs lopdf could not load at all.
fn declares_encryption(bytes: &[u8]) -> bool {
    bytes.windows(b"/Encrypt".len()).any(|w| w == b"/Encrypt")
}

/// A fixed description of a lopdf error: lopdf's own messages may quote bytes of the file.
fn pdf_error(error: &lopdf::Error, declares_encryption: bool) -> ExtractError {
    use lopdf::Error as E;
    match error {
        E::Decryption(_) | E::InvalidPassword | E::AlreadyEncrypted => ExtractError::Encrypted,
        _ if declares_encryption => ExtractError::Encrypted,
        E::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => ExtractError::TooLarge,
        E::Decompress(_) => ExtractError::Corrupt("a compressed stream of the PDF cannot be read".into()),
        E::Parse(_) | E::InvalidOffset(_) | E::MissingXrefEntry | E::Xref(_) => {
            ExtractError::Corrupt("the PDF structure is broken or truncated".into())
        }
        E::Unimplemented(_) => ExtractError::Corrupt("the PDF uses a feature the reader does not support".into()),
        _ => ExtractError::Corrupt("the PDF cannot be read".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_and_spaces_fold_but_superscripts_and_fractions_stay() {
        assert_eq!(normalise("ofﬁce ﬂuent ﬀ ﬃ ﬄ ﬅ ﬆ"), "office fluent ff ffi ffl st st");
        assert_eq!(normalise("10\u{a0}000\u{2009}€ ＡＢＣ"), "10 000 € ABC");
        assert_eq!(normalise("m² ½ 1ᵉʳ ™"), "m² ½ 1ᵉʳ ™");
        assert_eq!(normalise("e\u{301}te\u{301}\u{ad}\u{e001}\u{7}"), "été");
    }

    #[test]
    fn hyphenated_line_ends_are_joined_when_the_word_continues() {
        let mut lines: Vec<String> =
            ["the unreli-", "able network, state-", "based and state", "based designs; Ger-", "", "man Cas-", "Tests"]
                .map(String::from)
                .to_vec();
        join_hyphenated(&mut lines);
        let expected =
            ["the unreliable", "network, state-based", "and state", "based designs; German", "", "Cas-", "Tests"];
        assert_eq!(lines, expected.map(String::from));
    }
}
