//! Fonts as text extraction sees them: how a shown string splits into codes, how wide each
//! code's glyph is (to know where the next one starts, and so where the gaps between words
//! are), and what text each code stands for. The text comes from the font's `ToUnicode`
//! map first, then from glyph names (a `/Differences` array, or the font's own encoding read
//! from its embedded program: Type 1, CFF or TrueType), then from the base encoding
//! (WinAnsi, MacRoman, Standard). Composite (Type 0) fonts split codes by their encoding
//! CMap (`Identity-H` or an embedded one) and take widths from the descendant font's `W`
//! array; without a `ToUnicode` map, their text comes from the embedded program: CID to
//! glyph (`CIDToGIDMap`, or the CFF charset), glyph to character (the program's Unicode
//! `cmap`, or the glyph's name in its `post` table or CFF charset).

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cff::{self, Cff};
use super::cmap::{CMap, Token, Tokens, code_value};
use super::encodings::BaseEncoding;
use super::sfnt::Sfnt;
use super::{get, glyphs, number, resolve, stream_bytes};

/// The most entries read from a `W` array.
const MAX_WIDTH_ENTRIES: usize = 1 << 16;

/// A font, ready to decode strings.
#[derive(Debug)]
pub(super) struct Font {
    kind: Kind,
    /// From a glyph width to a fraction of the text size: 1/1000, except in Type 3 fonts,
    /// whose `FontMatrix` says.
    width_scale: f32,
}

#[derive(Debug)]
enum Kind {
    /// One byte per code: the text and the width of each.
    Simple { text: Vec<Option<Box<str>>>, widths: Vec<f32> },
    /// Codes of one to four bytes, through CMaps.
    Composite(Box<Composite>),
}

/// What a composite font needs to decode its codes.
#[derive(Debug)]
struct Composite {
    encoding: CidEncoding,
    to_unicode: Option<CMap>,
    widths: HashMap<u32, f32>,
    width_ranges: Vec<(u32, u32, f32)>,
    default_width: f32,
    /// Without a `ToUnicode` map: the embedded program, and how CIDs find its glyphs.
    program: Option<(CidGlyphs, Program)>,
}

/// How a CID finds its glyph in a CIDFont's program.
#[derive(Debug)]
enum CidGlyphs {
    /// The CID is the glyph index.
    Identity,
    /// A `CIDToGIDMap` stream: the glyph of each CID.
    Table(Vec<u16>),
    /// A CID-keyed CFF program's charset.
    Charset(HashMap<u32, u16>),
}

impl CidGlyphs {
    fn glyph(&self, cid: u32) -> Option<u16> {
        match self {
            CidGlyphs::Identity => u16::try_from(cid).ok(),
            CidGlyphs::Table(table) => table.get(usize::try_from(cid).ok()?).copied(),
            CidGlyphs::Charset(map) => map.get(&cid).copied(),
        }
    }
}

/// An embedded font program, as far as it tells what its glyphs are.
#[derive(Debug)]
enum Program {
    Cff(Cff),
    Sfnt(Sfnt),
}

impl Program {
    /// Reads the program a font descriptor embeds (`FontFile2` or `FontFile3`).
    fn load(doc: &Document, font: &Dictionary) -> Option<Program> {
        let descriptor = get(doc, font, b"FontDescriptor").and_then(|o| o.as_dict().ok())?;
        if let Some(file) = get(doc, descriptor, b"FontFile2") {
            return Sfnt::parse(&stream_bytes(doc, file)?).map(Program::Sfnt);
        }
        let file = get(doc, descriptor, b"FontFile3")?;
        let subtype = file.as_stream().ok().and_then(|s| s.dict.get(b"Subtype").ok()).and_then(|o| o.as_name().ok());
        let data = stream_bytes(doc, file)?;
        match subtype {
            Some(b"OpenType") => Sfnt::parse(&data).map(Program::Sfnt),
            _ => Cff::parse(&data).map(Program::Cff),
        }
    }

    /// The CFF part of the program, if any.
    fn cff(&self) -> Option<&Cff> {
        match self {
            Program::Cff(cff) => Some(cff),
            Program::Sfnt(sfnt) => sfnt.cff.as_ref(),
        }
    }

    /// The text of a glyph: the character a Unicode `cmap` gives it, else its name's.
    fn glyph_text(&self, glyph: u16) -> Option<String> {
        match self {
            Program::Cff(cff) => cff.glyph_name(glyph).and_then(glyphs::to_unicode),
            Program::Sfnt(sfnt) => {
                sfnt.glyph_char(glyph).map(String::from).or_else(|| sfnt.glyph_name(glyph).and_then(glyphs::to_unicode))
            }
        }
    }

    /// How the CIDs of a CIDFont find their glyphs in this program.
    fn cid_glyphs(&self, doc: &Document, cid_font: &Dictionary) -> CidGlyphs {
        if let Some(cff) = self.cff().filter(|cff| cff.is_cid_keyed()) {
            return CidGlyphs::Charset(cff.cid_glyphs().collect());
        }
        match get(doc, cid_font, b"CIDToGIDMap") {
            Some(object @ Object::Stream(_)) => match stream_bytes(doc, object) {
                Some(data) => {
                    CidGlyphs::Table(data.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect())
                }
                None => CidGlyphs::Identity,
            },
            _ => CidGlyphs::Identity,
        }
    }
}

#[derive(Debug)]
enum CidEncoding {
    /// Two bytes per code, the code is the CID (`Identity-H`, `Identity-V`).
    Identity,
    /// Two bytes per code, the code is a Unicode (UCS-2) value.
    Unicode,
    /// An embedded CMap.
    Embedded(CMap),
}

impl Font {
    /// Reads a font dictionary. Never fails: what is missing or broken gives a font that
    /// decodes to less text.
    pub(super) fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = get(doc, dict, b"Subtype").and_then(|o| o.as_name().ok()).unwrap_or(b"Type1");
        let to_unicode = get(doc, dict, b"ToUnicode").and_then(|o| stream_bytes(doc, o)).map(|data| CMap::parse(&data));
        if subtype == b"Type0" {
            return Self::composite(doc, dict, to_unicode);
        }
        // Type 3 glyph widths are in glyph space, which the font matrix scales.
        let width_scale = match subtype {
            b"Type3" => get(doc, dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| number(resolve(doc, o)))
                .filter(|a| a.is_finite() && a.abs() > 1e-6)
                .unwrap_or(0.001),
            _ => 0.001,
        };
        let text = simple_text(doc, dict, subtype, to_unicode.as_ref());
        let widths = simple_widths(doc, dict, &text);
        Font { kind: Kind::Simple { text, widths }, width_scale }
    }

    fn composite(doc: &Document, dict: &Dictionary, to_unicode: Option<CMap>) -> Font {
        let encoding = match get(doc, dict, b"Encoding") {
            Some(Object::Name(name)) if name.starts_with(b"Identity") => CidEncoding::Identity,
            Some(Object::Name(name))
                if name.windows(4).any(|w| w == b"UCS2") || name.windows(5).any(|w| w == b"UTF16") =>
            {
                CidEncoding::Unicode
            }
            Some(object @ Object::Stream(_)) => match stream_bytes(doc, object).map(|data| CMap::parse(&data)) {
                Some(cmap) if cmap.has_codespace() || !cmap.is_empty() => CidEncoding::Embedded(cmap),
                _ => CidEncoding::Identity,
            },
            _ => CidEncoding::Identity,
        };
        let descendant = get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| resolve(doc, o).as_dict().ok());
        let mut widths = HashMap::new();
        let mut width_ranges = Vec::new();
        let mut default_width = 1000.0;
        let mut program = None;
        if let Some(descendant) = descendant {
            default_width = get(doc, descendant, b"DW").and_then(number).unwrap_or(1000.0);
            if let Some(array) = get(doc, descendant, b"W").and_then(|o| o.as_array().ok()) {
                read_w_array(doc, array, &mut widths, &mut width_ranges);
            }
            if to_unicode.is_none() {
                program = Program::load(doc, descendant).map(|p| (p.cid_glyphs(doc, descendant), p));
            }
        }
        let composite = Composite { encoding, to_unicode, widths, width_ranges, default_width, program };
        Font { kind: Kind::Composite(Box::new(composite)), width_scale: 0.001 }
    }

    /// Splits a shown string into codes: `(code, its length in bytes)`.
    pub(super) fn codes<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = (u32, usize)> + 'a {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= bytes.len() {
                return None;
            }
            let len = match &self.kind {
                Kind::Simple { .. } => 1,
                Kind::Composite(font) => match &font.encoding {
                    CidEncoding::Embedded(cmap) => cmap.code_len(&bytes[at..], 2),
                    _ => 2,
                },
            }
            .min(bytes.len() - at);
            let code = code_value(&bytes[at..at + len]);
            at += len;
            Some((code, len))
        })
    }

    /// The advance of a code's glyph, as a fraction of the text size.
    pub(super) fn width(&self, code: u32) -> f32 {
        let width = match &self.kind {
            Kind::Simple { widths, .. } => widths.get(code as usize).copied().unwrap_or(0.0),
            Kind::Composite(font) => {
                let Composite { encoding, widths, width_ranges, default_width, .. } = &**font;
                let cid = match encoding {
                    CidEncoding::Embedded(cmap) => cmap.cid(code).unwrap_or(code),
                    _ => code,
                };
                widths
                    .get(&cid)
                    .copied()
                    .or_else(|| width_ranges.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&cid)).map(|r| r.2))
                    .unwrap_or(*default_width)
            }
        };
        width * self.width_scale
    }

    /// The text a code stands for (empty when nothing says), appended to `out`.
    pub(super) fn push_text(&self, code: u32, out: &mut String) {
        match &self.kind {
            Kind::Simple { text, .. } => {
                if let Some(Some(text)) = text.get(code as usize) {
                    out.push_str(text);
                }
            }
            Kind::Composite(font) => {
                let Composite { encoding, to_unicode, program, .. } = &**font;
                if let Some(text) = to_unicode.as_ref().and_then(|map| map.text(code)) {
                    out.push_str(&text);
                } else if matches!(encoding, CidEncoding::Unicode)
                    && let Some(c) = char::from_u32(code)
                {
                    out.push(c);
                } else if let Some((cid_glyphs, program)) = program {
                    let cid = match encoding {
                        CidEncoding::Embedded(cmap) => cmap.cid(code).unwrap_or(code),
                        _ => code,
                    };
                    if let Some(text) = cid_glyphs.glyph(cid).and_then(|glyph| program.glyph_text(glyph)) {
                        out.push_str(&text);
                    }
                }
            }
        }
    }
}

/// The text of each code of a simple font.
fn simple_text(doc: &Document, dict: &Dictionary, subtype: &[u8], to_unicode: Option<&CMap>) -> Vec<Option<Box<str>>> {
    let mut base = None;
    let mut differences: Vec<Option<Box<str>>> = vec![None; 256];
    match get(doc, dict, b"Encoding") {
        Some(Object::Name(name)) => base = BaseEncoding::from_name(name),
        Some(Object::Dictionary(encoding)) => {
            base = get(doc, encoding, b"BaseEncoding").and_then(|o| o.as_name().ok()).and_then(BaseEncoding::from_name);
            if let Some(array) = get(doc, encoding, b"Differences").and_then(|o| o.as_array().ok()) {
                let mut code = 0usize;
                for item in array {
                    match resolve(doc, item) {
                        Object::Integer(n) => code = usize::try_from(*n).unwrap_or(256),
                        Object::Name(name) => {
                            if code < 256 {
                                differences[code] =
                                    std::str::from_utf8(name).ok().and_then(glyphs::to_unicode).map(Into::into);
                            }
                            code = code.saturating_add(1);
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
    // Without a named base encoding, the embedded font's own encoding is the base.
    let builtin = if base.is_none() {
        builtin_encoding(doc, dict).or_else(|| Program::load(doc, dict).and_then(|p| program_encoding(&p)))
    } else {
        None
    };
    let fallback = match subtype {
        b"Type3" => None,
        b"TrueType" => Some(BaseEncoding::WinAnsi),
        _ => Some(BaseEncoding::Standard),
    };
    (0..256u32)
        .map(|code| {
            if let Some(text) = to_unicode.and_then(|map| map.text(code)) {
                return Some(text.into_boxed_str());
            }
            if let Some(text) = &differences[code as usize] {
                return Some(text.clone());
            }
            match &builtin {
                // A code the program's encoding leaves out draws no glyph.
                Some(Builtin::Names(names)) => names[code as usize].clone(),
                Some(Builtin::Standard) => BaseEncoding::Standard.char(code as u8).map(|c| c.to_string().into()),
                Some(Builtin::Unknown) => None,
                None => base.or(fallback).and_then(|b| b.char(code as u8)).map(|c| c.to_string().into()),
            }
        })
        .collect()
}

/// The widths of a simple font's codes, in thousandths of the text size (glyph space for
/// Type 3): `/Widths` from `/FirstChar`, `/MissingWidth` elsewhere; a font without widths
/// (one of the standard 14) gets estimates from its text.
fn simple_widths(doc: &Document, dict: &Dictionary, text: &[Option<Box<str>>]) -> Vec<f32> {
    let descriptor = get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());
    let missing = descriptor.and_then(|d| get(doc, d, b"MissingWidth")).and_then(number).unwrap_or(0.0);
    let first = get(doc, dict, b"FirstChar").and_then(|o| o.as_i64().ok()).unwrap_or(0);
    match get(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
        Some(array) => {
            let mut widths = vec![missing; 256];
            for (i, item) in array.iter().enumerate().take(256) {
                let code = first.saturating_add(i as i64);
                if let (Ok(code), Some(width)) = (usize::try_from(code), number(resolve(doc, item)))
                    && code < 256
                {
                    widths[code] = width;
                }
            }
            widths
        }
        None => {
            let monospaced = get(doc, dict, b"BaseFont")
                .and_then(|o| o.as_name().ok())
                .is_some_and(|name| name.windows(7).any(|w| w == b"Courier"));
            text.iter().map(|t| estimated_width(t.as_deref(), monospaced)).collect()
        }
    }
}

/// A rough advance for a font without widths (Helvetica-like proportions).
fn estimated_width(text: Option<&str>, monospaced: bool) -> f32 {
    if monospaced {
        return 600.0;
    }
    match text.and_then(|t| t.chars().next()) {
        Some(' ') => 278.0,
        Some('i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|') => 250.0,
        Some('m' | 'w' | 'M' | 'W' | '@' | '%') => 850.0,
        Some(c) if c.is_uppercase() => 680.0,
        Some(c) if c.is_ascii_digit() => 556.0,
        Some(c) if c.is_alphabetic() => 530.0,
        _ => 400.0,
    }
}

/// A font program's own encoding.
enum Builtin {
    Standard,
    Names(Vec<Option<Box<str>>>),
    /// Codes that stand for glyphs, not characters, and no way to know the characters.
    Unknown,
}

/// Reads the encoding in the clear-text part of an embedded Type 1 font (`/Encoding
/// StandardEncoding def`, or `dup <code> /<name> put` lines).
fn builtin_encoding(doc: &Document, dict: &Dictionary) -> Option<Builtin> {
    let descriptor = get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok())?;
    let file = get(doc, descriptor, b"FontFile")?;
    let clear_len =
        file.as_stream().ok().and_then(|s| s.dict.get(b"Length1").ok()).and_then(|o| resolve(doc, o).as_i64().ok());
    let data = stream_bytes(doc, file)?;
    let end = clear_len
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0 && n <= data.len())
        .unwrap_or_else(|| data.windows(5).position(|w| w == b"eexec").unwrap_or(data.len()));
    let clear = &data[..end];
    let start = clear.windows(9).position(|w| w == b"/Encoding")? + 9;
    let mut tokens = Tokens { data: clear, at: start };
    let mut names: Vec<Option<Box<str>>> = vec![None; 256];
    let mut window: [Option<Token<'_>>; 3] = [None, None, None];
    let mut any = false;
    for token in tokens.by_ref() {
        match &token {
            Token::Word(b"StandardEncoding") if !any => return Some(Builtin::Standard),
            Token::Word(b"def") => break,
            Token::Word(b"put") => {
                if let [Some(Token::Word(b"dup")), Some(Token::Int(code)), Some(Token::Name(name))] = &window
                    && let Ok(code) = usize::try_from(*code)
                    && code < 256
                {
                    names[code] = std::str::from_utf8(name).ok().and_then(glyphs::to_unicode).map(Into::into);
                    any = true;
                }
            }
            _ => {}
        }
        window.rotate_left(1);
        window[2] = Some(token);
    }
    any.then_some(Builtin::Names(names))
}

/// The own encoding of an embedded CFF or TrueType program, as text: a CFF font's
/// built-in encoding; a TrueType font's codes through its symbol or Macintosh `cmap`.
fn program_encoding(program: &Program) -> Option<Builtin> {
    let mut names: Vec<Option<Box<str>>> = vec![None; 256];
    match (program, program.cff().and_then(|cff| cff.encoding.as_ref())) {
        (_, Some(cff::Encoding::Standard)) => return Some(Builtin::Standard),
        (_, Some(cff::Encoding::Glyphs(glyphs))) => {
            for (name, glyph) in names.iter_mut().zip(glyphs.iter()) {
                *name = glyph.and_then(|g| program.glyph_text(g)).map(Into::into);
            }
        }
        (Program::Sfnt(sfnt), None) => {
            let mut control_codes = 0;
            for (code, name) in (0..=255u8).zip(names.iter_mut()) {
                let glyph = sfnt.simple_glyph(code);
                control_codes += usize::from(glyph.is_some() && (1..0x20).contains(&code));
                *name = glyph.and_then(|g| program.glyph_text(g)).map(Into::into);
            }
            // Glyphs drawn by control codes, none named: the codes number the glyphs of a
            // subset (as LibreOffice writes them), they are no characters of any encoding.
            if control_codes >= 8 && names.iter().all(Option::is_none) {
                return Some(Builtin::Unknown);
            }
        }
        (Program::Cff(_), None) => return None,
    }
    names.iter().any(Option::is_some).then_some(Builtin::Names(names))
}

/// Reads a `W` array: `c [w1 w2 …]` gives widths from CID `c` on, `c1 c2 w` one width for
/// CIDs `c1` to `c2`.
fn read_w_array(doc: &Document, array: &[Object], widths: &mut HashMap<u32, f32>, ranges: &mut Vec<(u32, u32, f32)>) {
    let mut items = array.iter().map(|o| resolve(doc, o));
    let mut entries = 0usize;
    while let Some(first) = items.next() {
        let Some(first) = number(first).and_then(|n| (n >= 0.0).then_some(n as u32)) else { break };
        match items.next() {
            Some(Object::Array(list)) => {
                for (i, width) in list.iter().enumerate() {
                    if let Some(width) = number(resolve(doc, width))
                        && entries < MAX_WIDTH_ENTRIES
                    {
                        entries += 1;
                        widths.insert(first.saturating_add(i as u32), width);
                    }
                }
            }
            Some(last) => {
                let (Some(last), Some(width)) = (number(last), items.next().and_then(number)) else { break };
                if entries < MAX_WIDTH_ENTRIES && last >= first as f32 {
                    entries += 1;
                    ranges.push((first, last as u32, width));
                }
            }
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{Stream, dictionary};

    use super::*;
    use crate::documents::pdf::cff::tests::program;
    use crate::documents::pdf::sfnt::tests::{be16, font};

    /// A font dictionary whose descriptor embeds `program` under `key` (a stream of
    /// subtype `subtype`, if given), with `entries` added.
    fn load(key: &str, subtype: Option<&str>, program: Vec<u8>, entries: Dictionary) -> (Document, Dictionary) {
        let mut doc = Document::with_version("1.7");
        let mut stream_dict = Dictionary::new();
        if let Some(subtype) = subtype {
            stream_dict.set("Subtype", Object::Name(subtype.into()));
        }
        let file = doc.add_object(Stream::new(stream_dict, program));
        let descriptor = doc.add_object(dictionary! { "Type" => "FontDescriptor", key => file });
        let mut dict = entries;
        dict.set("FontDescriptor", descriptor);
        (doc, dict)
    }

    fn text(font: &Font, bytes: &[u8]) -> String {
        let mut out = String::new();
        font.codes(bytes).for_each(|(code, _)| font.push_text(code, &mut out));
        out
    }

    #[test]
    fn a_type1c_font_without_encoding_uses_its_own() {
        let cff = program(false, &[0, 0, 34, 1, 135, 1, 136, 0, 207], &[0, 4, 0x41, 0x4C, 0x01, 0xE9]);
        let (doc, dict) = load("FontFile3", Some("Type1C"), cff, dictionary! { "Subtype" => "Type1" });
        assert_eq!(text(&Font::load(&doc, &dict), b"\x41\x4C\x01\xE9\x42"), "AŁfié");
    }

    #[test]
    fn a_composite_opentype_cff_font_without_tounicode_reads_its_cmap() {
        // CIDs 100–103 are glyphs 1–4 (CFF charset); the Unicode cmap maps Ł ł Ń ń to them.
        let cff = program(true, &[2, 0, 100, 0, 3], &[]);
        let cmap = [be16(&[0, 1, 3, 1, 0, 12]), be16(&[6, 0, 0, 0x141, 4, 1, 2, 3, 4])].concat();
        let otf = font(0x4F54_544F, &[(b"CFF ", cff), (b"cmap", cmap)]);
        let (mut doc, descendant) =
            load("FontFile3", Some("OpenType"), otf, dictionary! { "Subtype" => "CIDFontType0" });
        let descendant = doc.add_object(descendant);
        let dict = dictionary! {
            "Subtype" => "Type0",
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(descendant)],
        };
        assert_eq!(text(&Font::load(&doc, &dict), &be16(&[100, 101, 102, 103, 104])), "ŁłŃń");
    }

    #[test]
    fn a_composite_truetype_font_maps_cids_through_its_cid_to_gid_map() {
        // CID 1 is glyph 7, CID 2 glyph 5: "uni00C4" in the post table, 'A' in the cmap.
        let cmap = [be16(&[0, 1, 3, 1, 0, 12]), be16(&[6, 0, 0, 0x41, 1, 5])].concat();
        let mut post =
            [0x0002_0000u32.to_be_bytes().to_vec(), vec![0; 28], be16(&[8, 0, 0, 0, 0, 0, 0, 0, 258])].concat();
        post.push(7);
        post.extend_from_slice(b"uni00C4");
        let ttf = font(0x0001_0000, &[(b"cmap", cmap), (b"post", post)]);
        let (mut doc, mut descendant) = load("FontFile2", None, ttf, dictionary! { "Subtype" => "CIDFontType2" });
        let map = doc.add_object(Stream::new(Dictionary::new(), be16(&[0, 7, 5])));
        descendant.set("CIDToGIDMap", map);
        let descendant = doc.add_object(descendant);
        let dict = dictionary! {
            "Subtype" => "Type0",
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(descendant)],
        };
        assert_eq!(text(&Font::load(&doc, &dict), &be16(&[1, 2, 3])), "ÄA");
    }

    #[test]
    fn a_truetype_subset_numbering_its_glyphs_gives_no_text() {
        // A (1,0) cmap mapping codes 0–30 to glyphs 0–30, no Unicode cmap, no glyph names.
        let mut format0 = be16(&[0, 262, 0]);
        format0.extend((0..=255u8).map(|c| if c <= 30 { c } else { 0 }));
        let cmap = [be16(&[0, 1, 1, 0, 0, 12]), format0].concat();
        let ttf = font(0x0001_0000, &[(b"cmap", cmap)]);
        let (doc, dict) = load("FontFile2", None, ttf, dictionary! { "Subtype" => "TrueType" });
        assert_eq!(text(&Font::load(&doc, &dict), b"\x01\x02\x03A"), "");
        // The same codes in a font that names its encoding read as that encoding says.
        let (doc, mut dict) = load("FontFile2", None, font(0x0001_0000, &[]), dictionary! { "Subtype" => "TrueType" });
        dict.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        assert_eq!(text(&Font::load(&doc, &dict), b"\x01\x02\x03A"), "A");
    }
}
