//! CMaps, the small PostScript programs in which a font says how its codes split into
//! characters and what they stand for: a `ToUnicode` map (`bfchar`, `bfrange` with a
//! starting value or an array of values) gives the text of each code; an embedded encoding
//! CMap (`cidchar`, `cidrange`) gives the CID of each code; either one's
//! `codespacerange` says how many bytes a code takes. Ranges are kept as ranges (a hostile
//! `<0000> <FFFFFFFF>` costs one entry), and the number of entries is capped.

use std::collections::HashMap;

use super::glyphs;

/// The most entries (single codes plus ranges) read from one CMap.
const MAX_ENTRIES: usize = 1 << 20;
/// The most UTF-16 units one code may stand for (a ligature is two or three letters): a
/// code mapped to a megabyte of text and shown a thousand times would fill the memory.
const MAX_UNITS: usize = 32;

/// A parsed CMap. Every part may be empty.
#[derive(Debug, Default)]
pub(super) struct CMap {
    /// Code space ranges: the lowest and highest code, byte by byte, and their length.
    codespace: Vec<([u8; 4], [u8; 4], usize)>,
    /// `bfchar`: one code, its text.
    text: HashMap<u32, String>,
    /// `bfrange`: codes `lo..=hi` and what they stand for.
    text_ranges: Vec<(u32, u32, RangeText)>,
    /// `cidchar`: one code, its CID.
    cids: HashMap<u32, u32>,
    /// `cidrange`: codes `lo..=hi`, the CID of `lo`.
    cid_ranges: Vec<(u32, u32, u32)>,
    /// The CMap this one builds on (`/Identity-H usecmap`), by name.
    pub(super) parent: Option<Vec<u8>>,
}

#[derive(Debug)]
enum RangeText {
    /// The text of `lo`, as UTF-16 units; each next code adds one to the last unit.
    Start(Vec<u16>),
    /// The text of each code in turn.
    Each(Vec<String>),
}

impl CMap {
    /// Parse a CMap program. Whatever cannot be understood is skipped.
    pub(super) fn parse(data: &[u8]) -> CMap {
        let mut map = CMap::default();
        let tokens = Tokens { data, at: 0 };
        let mut operands: Vec<Token<'_>> = Vec::new();
        let mut entries = 0usize;
        for token in tokens {
            let Token::Word(word) = token else {
                if operands.len() < 3 * 100_000 {
                    operands.push(token);
                }
                continue;
            };
            match word {
                b"endcodespacerange" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Token::Hex(lo), Token::Hex(hi)] = pair
                            && lo.len() == hi.len()
                            && (1..=4).contains(&lo.len())
                        {
                            let (mut l, mut h) = ([0; 4], [0; 4]);
                            l[..lo.len()].copy_from_slice(lo);
                            h[..hi.len()].copy_from_slice(hi);
                            map.codespace.push((l, h, lo.len()));
                        }
                    }
                }
                b"endbfchar" => {
                    for pair in operands.chunks_exact(2) {
                        let text = match &pair[1] {
                            Token::Hex(dst) => utf16_text(dst),
                            Token::Name(name) => std::str::from_utf8(name).ok().and_then(glyphs::to_unicode),
                            _ => None,
                        };
                        if let (Token::Hex(src), Some(text)) = (&pair[0], text)
                            && entries < MAX_ENTRIES
                        {
                            entries += 1;
                            map.text.insert(code_value(src), text);
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in operands.chunks_exact(3) {
                        let [Token::Hex(lo), Token::Hex(hi), dst] = triple else { continue };
                        let (lo, hi) = (code_value(lo), code_value(hi));
                        let dst = match dst {
                            Token::Hex(dst) => RangeText::Start(utf16_units(dst)),
                            Token::Array(items) => {
                                RangeText::Each(items.iter().map(|item| utf16_text(item).unwrap_or_default()).collect())
                            }
                            _ => continue,
                        };
                        if lo <= hi && entries < MAX_ENTRIES {
                            entries += 1;
                            map.text_ranges.push((lo, hi, dst));
                        }
                    }
                }
                b"endcidchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Token::Hex(src), Token::Int(cid)] = pair
                            && let Ok(cid) = u32::try_from(*cid)
                            && entries < MAX_ENTRIES
                        {
                            entries += 1;
                            map.cids.insert(code_value(src), cid);
                        }
                    }
                }
                b"endcidrange" => {
                    for triple in operands.chunks_exact(3) {
                        if let [Token::Hex(lo), Token::Hex(hi), Token::Int(cid)] = triple
                            && let Ok(cid) = u32::try_from(*cid)
                            && entries < MAX_ENTRIES
                        {
                            let (lo, hi) = (code_value(lo), code_value(hi));
                            if lo <= hi {
                                entries += 1;
                                map.cid_ranges.push((lo, hi, cid));
                            }
                        }
                    }
                }
                b"usecmap" => {
                    if let Some(Token::Name(name)) = operands.last() {
                        map.parent = Some(name.to_vec());
                    }
                }
                _ => {}
            }
            operands.clear();
        }
        map
    }

    /// Whether the map gives any text or CID at all.
    pub(super) fn is_empty(&self) -> bool {
        self.text.is_empty() && self.text_ranges.is_empty() && self.cids.is_empty() && self.cid_ranges.is_empty()
    }

    /// How many bytes the code starting `bytes` takes: the code space range it falls in,
    /// else the shortest code length declared (or `fallback` when none is).
    pub(super) fn code_len(&self, bytes: &[u8], fallback: usize) -> usize {
        for (lo, hi, len) in &self.codespace {
            if bytes.len() >= *len && (0..*len).all(|i| lo[i] <= bytes[i] && bytes[i] <= hi[i]) {
                return *len;
            }
        }
        self.codespace.iter().map(|(_, _, len)| *len).min().unwrap_or(fallback).max(1)
    }

    /// Whether code space ranges were declared.
    pub(super) fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// The text of a code, if the map gives one.
    pub(super) fn text(&self, code: u32) -> Option<String> {
        if let Some(text) = self.text.get(&code) {
            return Some(text.clone());
        }
        for (lo, hi, dst) in &self.text_ranges {
            if (*lo..=*hi).contains(&code) {
                let offset = code - lo;
                return match dst {
                    RangeText::Start(units) => {
                        let mut units = units.clone();
                        let last = units.last_mut()?;
                        *last = last.wrapping_add(offset as u16);
                        String::from_utf16(&units).ok()
                    }
                    RangeText::Each(texts) => texts.get(offset as usize).cloned(),
                };
            }
        }
        None
    }

    /// The CID of a code, if the map gives one.
    pub(super) fn cid(&self, code: u32) -> Option<u32> {
        if let Some(cid) = self.cids.get(&code) {
            return Some(*cid);
        }
        self.cid_ranges
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
            .and_then(|(lo, _, cid)| cid.checked_add(code - lo))
    }
}

/// The value of a code's bytes, big-endian (the first four bytes at most).
pub(super) fn code_value(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |v, b| (v << 8) | u32::from(*b))
}

/// UTF-16BE units of a destination string (at most [`MAX_UNITS`]); a lone byte is taken
/// as one unit.
fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    if bytes.len() == 1 {
        return vec![u16::from(bytes[0])];
    }
    bytes.chunks_exact(2).take(MAX_UNITS).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect()
}

/// The text of a destination string, if it is valid UTF-16.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    String::from_utf16(&utf16_units(bytes)).ok()
}

#[derive(Debug)]
pub(super) enum Token<'a> {
    Hex(Vec<u8>),
    Int(i64),
    Name(&'a [u8]),
    Word(&'a [u8]),
    Array(Vec<Vec<u8>>),
    Other,
}

/// The tokens of a CMap program: what the sections above need, everything else as
/// [`Token::Other`] or a word.
pub(super) struct Tokens<'a> {
    pub(super) data: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Tokens<'a> {
    fn skip_space(&mut self) {
        while let Some(&b) = self.data.get(self.at) {
            if b == b'%' {
                while self.data.get(self.at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else if b.is_ascii_whitespace() || b == 0 {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn hex(&mut self) -> Vec<u8> {
        // After '<'.
        let mut digits = Vec::new();
        while let Some(&b) = self.data.get(self.at) {
            self.at += 1;
            match b {
                b'>' => break,
                _ if b.is_ascii_hexdigit() => digits.push((b as char).to_digit(16).unwrap_or(0) as u8),
                _ => {}
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        digits.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]).collect()
    }

    fn regular(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.data.get(self.at).is_some_and(|&b| !b.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&b)) {
            self.at += 1;
        }
        &self.data[start..self.at]
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        self.skip_space();
        let &b = self.data.get(self.at)?;
        Some(match b {
            b'<' if self.data.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                Token::Other
            }
            b'>' => {
                self.at += 1;
                Token::Other
            }
            b'<' => {
                self.at += 1;
                Token::Hex(self.hex())
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.data.get(self.at) {
                        None => break,
                        Some(b']') => {
                            self.at += 1;
                            break;
                        }
                        Some(b'<') => {
                            self.at += 1;
                            let item = self.hex();
                            if items.len() < 65_536 {
                                items.push(item);
                            }
                        }
                        Some(_) => {
                            // Not a string: skip one token (or one delimiter).
                            if self.regular().is_empty() {
                                self.at += 1;
                            }
                        }
                    }
                }
                Token::Array(items)
            }
            b'(' => {
                // A literal string: skipped, with its nesting and escapes.
                let mut depth = 0usize;
                while let Some(&b) = self.data.get(self.at) {
                    self.at += 1;
                    match b {
                        b'\\' => self.at += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Token::Other
            }
            b'/' => {
                self.at += 1;
                Token::Name(self.regular())
            }
            b']' | b'{' | b'}' | b')' => {
                self.at += 1;
                Token::Other
            }
            _ => {
                let word = self.regular();
                if word.is_empty() {
                    self.at += 1;
                    return Some(Token::Other);
                }
                match std::str::from_utf8(word).ok().and_then(|w| w.parse::<i64>().ok()) {
                    Some(n) => Token::Int(n),
                    None => Token::Word(word),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0011> <00660069>   % the fi ligature
<0012> <D83DDE00>
endbfchar
2 beginbfrange
<0020> <0025> <0041>
<0030> <0032> [<00E9> <00E8> <0153>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn to_unicode_chars_ranges_and_arrays() {
        let map = CMap::parse(TO_UNICODE);
        assert_eq!(map.text(0x03).as_deref(), Some(" "));
        assert_eq!(map.text(0x11).as_deref(), Some("fi"));
        assert_eq!(map.text(0x12).as_deref(), Some("😀"));
        assert_eq!(map.text(0x20).as_deref(), Some("A"));
        assert_eq!(map.text(0x25).as_deref(), Some("F"));
        assert_eq!(map.text(0x26), None);
        assert_eq!(map.text(0x31).as_deref(), Some("è"));
        assert_eq!(map.text(0x32).as_deref(), Some("œ"));
        assert_eq!(map.code_len(&[0x00, 0x11], 1), 2);
    }

    #[test]
    fn encoding_cmaps_give_cids_and_code_lengths() {
        let map = CMap::parse(
            b"/Identity-H usecmap 2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
              1 begincidchar <41> 34 endcidchar 1 begincidrange <8140> <817E> 633 endcidrange",
        );
        assert_eq!(map.parent.as_deref(), Some(&b"Identity-H"[..]));
        assert_eq!(map.code_len(&[0x41, 0x81], 2), 1);
        assert_eq!(map.code_len(&[0x81, 0x41], 1), 2);
        assert_eq!(map.cid(0x41), Some(34));
        assert_eq!(map.cid(0x8142), Some(635));
        assert_eq!(map.cid(0x42), None);
    }

    #[test]
    fn garbage_and_hostile_ranges_cost_nothing() {
        let map = CMap::parse(b"1 beginbfrange <0000> <FFFFFFFF> <0041> endbfrange ((nested) \\) [<41 <<>>");
        assert_eq!(map.text(0x10).as_deref(), Some("Q"));
        let _ = map.text(0xFFFF_FFFF); // wraps around, never panics
        assert!(CMap::parse(b"<<<<[[[[((((").is_empty());
    }
}
