//! Compact Font Format (CFF) programs, as embedded in PDFs (`/FontFile3` of subtype
//! `Type1C` or `CIDFontType0C`, or the `CFF ` table of an OpenType font), read only as far
//! as text extraction needs: each glyph's name (the charset of a name-keyed font), each
//! glyph's CID (the charset of a CID-keyed font) and the font's own encoding (which glyph
//! each code of a simple font draws). Adobe Technical Note 5176 describes the format.
//!
//! Every read is bounds-checked against the program's bytes; counts come from the data,
//! so nothing grows beyond what the program itself holds (at most 65,535 glyphs).

/// A font program's own encoding.
#[derive(Debug)]
pub(super) enum Encoding {
    /// Adobe StandardEncoding (the names of [`super::encodings::BaseEncoding::Standard`]).
    Standard,
    /// The glyph (its index) each code draws.
    Glyphs(Box<[Option<u16>; 256]>),
}

/// What the program says about its glyphs, by glyph index.
#[derive(Debug)]
pub(super) struct Cff {
    /// Name-keyed fonts: each glyph's name.
    names: Vec<Option<Box<str>>>,
    /// CID-keyed fonts: each glyph's CID.
    cids: Vec<u16>,
    /// Name-keyed fonts: the built-in encoding (CID-keyed ones have none).
    pub(super) encoding: Option<Encoding>,
}

impl Cff {
    /// Reads a CFF program; `None` when it is not one or is broken where it matters.
    pub(super) fn parse(data: &[u8]) -> Option<Cff> {
        if data.first() != Some(&1) {
            return None;
        }
        let header_size = usize::from(*data.get(2)?);
        let names = Index::at(data, header_size)?;
        let top_dicts = Index::at(data, names.end)?;
        let strings = Index::at(data, top_dicts.end)?;
        let top = Dict::parse(top_dicts.get(data, 0)?);
        let char_strings = Index::at(data, top.offset(17)?)?;
        let glyph_count = char_strings.count;
        let is_cid = top.has(12 << 8 | 30);
        let charset = charset(data, top.int(15).unwrap_or(0), glyph_count)?;
        if is_cid {
            return Some(Cff { names: Vec::new(), cids: charset, encoding: None });
        }
        let name = |sid: u16| -> Option<Box<str>> {
            let sid = usize::from(sid);
            match STANDARD_STRINGS.get(sid) {
                Some(name) => Some((*name).into()),
                None => std::str::from_utf8(strings.get(data, sid - STANDARD_STRINGS.len())?).ok().map(Into::into),
            }
        };
        let names: Vec<Option<Box<str>>> = charset.iter().map(|&sid| name(sid)).collect();
        let encoding = encoding(data, top.int(16).unwrap_or(0), &charset);
        Some(Cff { names, cids: Vec::new(), encoding })
    }

    /// The name of a glyph of a name-keyed font.
    pub(super) fn glyph_name(&self, glyph: u16) -> Option<&str> {
        self.names.get(usize::from(glyph))?.as_deref()
    }

    /// Whether the font is CID-keyed (its glyphs have CIDs, not names).
    pub(super) fn is_cid_keyed(&self) -> bool {
        !self.cids.is_empty()
    }

    /// Every (CID, glyph) pair of a CID-keyed font.
    pub(super) fn cid_glyphs(&self) -> impl Iterator<Item = (u32, u16)> + '_ {
        self.cids.iter().enumerate().filter_map(|(g, &cid)| Some((u32::from(cid), u16::try_from(g).ok()?)))
    }
}

/// An INDEX: a count, then offsets, then the data of each item.
struct Index {
    count: usize,
    offset_size: usize,
    /// Where the offsets start.
    offsets: usize,
    /// Where the items' data starts (offsets count from one byte before).
    data: usize,
    /// The first byte after the INDEX.
    end: usize,
}

impl Index {
    fn at(data: &[u8], at: usize) -> Option<Index> {
        let count = usize::from(u16_at(data, at)?);
        if count == 0 {
            return Some(Index { count, offset_size: 1, offsets: at + 2, data: at + 2, end: at + 2 });
        }
        let offset_size = usize::from(*data.get(at + 2)?);
        if !(1..=4).contains(&offset_size) {
            return None;
        }
        let offsets = at + 3;
        let data_start = offsets.checked_add((count + 1) * offset_size)?.checked_sub(1)?;
        let last = uint_at(data, offsets + count * offset_size, offset_size)?;
        let end = data_start.checked_add(last)?;
        (end <= data.len()).then_some(Index { count, offset_size, offsets, data: data_start, end })
    }

    fn get<'a>(&self, data: &'a [u8], i: usize) -> Option<&'a [u8]> {
        if i >= self.count {
            return None;
        }
        let start = uint_at(data, self.offsets + i * self.offset_size, self.offset_size)?;
        let end = uint_at(data, self.offsets + (i + 1) * self.offset_size, self.offset_size)?;
        data.get(self.data.checked_add(start)?..self.data.checked_add(end)?)
    }
}

/// A DICT: operators and their operands (integers only are kept; reals read as 0).
struct Dict {
    entries: Vec<(u16, Vec<i64>)>,
}

impl Dict {
    fn parse(data: &[u8]) -> Dict {
        let mut entries = Vec::new();
        let mut operands = Vec::new();
        let mut at = 0;
        while let Some(&b0) = data.get(at) {
            at += 1;
            let value = match b0 {
                0..=21 => {
                    let operator = if b0 == 12 {
                        let Some(&b1) = data.get(at) else { break };
                        at += 1;
                        12 << 8 | u16::from(b1)
                    } else {
                        u16::from(b0)
                    };
                    entries.push((operator, std::mem::take(&mut operands)));
                    continue;
                }
                28 => {
                    let v = u16_at(data, at).map(|v| i64::from(v as i16));
                    at += 2;
                    v
                }
                29 => {
                    let v = data.get(at..at + 4).map(|b| i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])));
                    at += 4;
                    v
                }
                30 => {
                    // A real: nibbles up to one of 0xF.
                    while let Some(&b) = data.get(at) {
                        at += 1;
                        if b & 0x0F == 0x0F || b >> 4 == 0x0F {
                            break;
                        }
                    }
                    Some(0)
                }
                32..=246 => Some(i64::from(b0) - 139),
                247..=250 => {
                    let v = data.get(at).map(|&b1| (i64::from(b0) - 247) * 256 + i64::from(b1) + 108);
                    at += 1;
                    v
                }
                251..=254 => {
                    let v = data.get(at).map(|&b1| -(i64::from(b0) - 251) * 256 - i64::from(b1) - 108);
                    at += 1;
                    v
                }
                _ => None,
            };
            let Some(value) = value else { break };
            if operands.len() < 48 {
                operands.push(value);
            }
        }
        Dict { entries }
    }

    fn has(&self, operator: u16) -> bool {
        self.entries.iter().any(|(op, _)| *op == operator)
    }

    fn int(&self, operator: u16) -> Option<i64> {
        self.entries.iter().find(|(op, _)| *op == operator)?.1.last().copied()
    }

    fn offset(&self, operator: u16) -> Option<usize> {
        usize::try_from(self.int(operator)?).ok()
    }
}

/// The charset: the SID (name-keyed) or CID (CID-keyed) of each glyph, glyph 0 being
/// `.notdef` (SID or CID 0).
fn charset(data: &[u8], offset: i64, glyph_count: usize) -> Option<Vec<u16>> {
    let mut ids = Vec::with_capacity(glyph_count.min(data.len()));
    ids.push(0);
    match offset {
        // The predefined ISOAdobe charset: glyph i is SID i (the others are for expert
        // fonts, whose names are not text).
        0 => ids.extend((1..glyph_count.min(229)).filter_map(|i| u16::try_from(i).ok())),
        1 | 2 => {}
        _ => {
            let mut at = usize::try_from(offset).ok()?;
            let format = *data.get(at)?;
            at += 1;
            while ids.len() < glyph_count {
                match format {
                    0 => {
                        ids.push(u16_at(data, at)?);
                        at += 2;
                    }
                    1 | 2 => {
                        let first = u16_at(data, at)?;
                        let left = if format == 1 { u16::from(*data.get(at + 2)?) } else { u16_at(data, at + 2)? };
                        at += if format == 1 { 3 } else { 4 };
                        for id in (0..=left).map_while(|i| first.checked_add(i)) {
                            if ids.len() >= glyph_count {
                                break;
                            }
                            ids.push(id);
                        }
                    }
                    _ => return None,
                }
            }
        }
    }
    ids.resize(glyph_count.max(1), 0);
    Some(ids)
}

/// The built-in encoding of a name-keyed font.
fn encoding(data: &[u8], offset: i64, sids: &[u16]) -> Option<Encoding> {
    match offset {
        0 => return Some(Encoding::Standard),
        1 => return None,
        _ => {}
    }
    let mut at = usize::try_from(offset).ok()?;
    let format = *data.get(at)?;
    at += 1;
    let mut glyphs = Box::new([None; 256]);
    match format & 0x7F {
        0 => {
            let count = usize::from(*data.get(at)?);
            for glyph in 1..=count {
                let code = *data.get(at + glyph)?;
                glyphs[usize::from(code)] = u16::try_from(glyph).ok();
            }
            at += 1 + count;
        }
        1 => {
            let ranges = usize::from(*data.get(at)?);
            at += 1;
            let mut glyph = 1u16;
            for _ in 0..ranges {
                let (first, left) = (usize::from(*data.get(at)?), usize::from(*data.get(at + 1)?));
                at += 2;
                for code in (first..=first + left).take_while(|&c| c < 256) {
                    glyphs[code] = Some(glyph);
                    glyph = glyph.saturating_add(1);
                }
            }
        }
        _ => return None,
    }
    // Supplements: more codes for glyphs named by SID.
    if format & 0x80 != 0 {
        let count = usize::from(*data.get(at)?);
        at += 1;
        for i in 0..count {
            let code = usize::from(*data.get(at + i * 3)?);
            let sid = u16_at(data, at + i * 3 + 1)?;
            if let Some(glyph) = sids.iter().position(|&s| s == sid) {
                glyphs[code] = u16::try_from(glyph).ok();
            }
        }
    }
    Some(Encoding::Glyphs(glyphs))
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at.checked_add(1)?)?]))
}

fn uint_at(data: &[u8], at: usize, size: usize) -> Option<usize> {
    let bytes = data.get(at..at.checked_add(size)?)?;
    Some(bytes.iter().fold(0usize, |v, &b| v << 8 | usize::from(b)))
}

/// The 391 standard strings of CFF (Technical Note 5176, appendix A): SIDs 0 to 390.
#[rustfmt::skip]
const STANDARD_STRINGS: [&str; 391] = [
    ".notdef", "space", "exclam", "quotedbl", "numbersign", "dollar", "percent", "ampersand",
    "quoteright", "parenleft", "parenright", "asterisk", "plus", "comma", "hyphen", "period",
    "slash", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "colon", "semicolon", "less", "equal", "greater", "question", "at",
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
    "S", "T", "U", "V", "W", "X", "Y", "Z",
    "bracketleft", "backslash", "bracketright", "asciicircum", "underscore", "quoteleft",
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
    "s", "t", "u", "v", "w", "x", "y", "z",
    "braceleft", "bar", "braceright", "asciitilde", "exclamdown", "cent", "sterling",
    "fraction", "yen", "florin", "section", "currency", "quotesingle", "quotedblleft",
    "guillemotleft", "guilsinglleft", "guilsinglright", "fi", "fl", "endash", "dagger",
    "daggerdbl", "periodcentered", "paragraph", "bullet", "quotesinglbase", "quotedblbase",
    "quotedblright", "guillemotright", "ellipsis", "perthousand", "questiondown", "grave",
    "acute", "circumflex", "tilde", "macron", "breve", "dotaccent", "dieresis", "ring",
    "cedilla", "hungarumlaut", "ogonek", "caron", "emdash", "AE", "ordfeminine", "Lslash",
    "Oslash", "OE", "ordmasculine", "ae", "dotlessi", "lslash", "oslash", "oe", "germandbls",
    "onesuperior", "logicalnot", "mu", "trademark", "Eth", "onehalf", "plusminus", "Thorn",
    "onequarter", "divide", "brokenbar", "degree", "thorn", "threequarters", "twosuperior",
    "registered", "minus", "eth", "multiply", "threesuperior", "copyright", "Aacute",
    "Acircumflex", "Adieresis", "Agrave", "Aring", "Atilde", "Ccedilla", "Eacute",
    "Ecircumflex", "Edieresis", "Egrave", "Iacute", "Icircumflex", "Idieresis", "Igrave",
    "Ntilde", "Oacute", "Ocircumflex", "Odieresis", "Ograve", "Otilde", "Scaron", "Uacute",
    "Ucircumflex", "Udieresis", "Ugrave", "Yacute", "Ydieresis", "Zcaron", "aacute",
    "acircumflex", "adieresis", "agrave", "aring", "atilde", "ccedilla", "eacute",
    "ecircumflex", "edieresis", "egrave", "iacute", "icircumflex", "idieresis", "igrave",
    "ntilde", "oacute", "ocircumflex", "odieresis", "ograve", "otilde", "scaron", "uacute",
    "ucircumflex", "udieresis", "ugrave", "yacute", "ydieresis", "zcaron",
    // 229: expert and small-cap names.
    "exclamsmall", "Hungarumlautsmall", "dollaroldstyle", "dollarsuperior", "ampersandsmall",
    "Acutesmall", "parenleftsuperior", "parenrightsuperior", "twodotenleader",
    "onedotenleader", "zerooldstyle", "oneoldstyle", "twooldstyle", "threeoldstyle",
    "fouroldstyle", "fiveoldstyle", "sixoldstyle", "sevenoldstyle", "eightoldstyle",
    "nineoldstyle", "commasuperior", "threequartersemdash", "periodsuperior", "questionsmall",
    "asuperior", "bsuperior", "centsuperior", "dsuperior", "esuperior", "isuperior",
    "lsuperior", "msuperior", "nsuperior", "osuperior", "rsuperior", "ssuperior", "tsuperior",
    "ff", "ffi", "ffl", "parenleftinferior", "parenrightinferior", "Circumflexsmall",
    "hyphensuperior", "Gravesmall",
    "Asmall", "Bsmall", "Csmall", "Dsmall", "Esmall", "Fsmall", "Gsmall", "Hsmall", "Ismall",
    "Jsmall", "Ksmall", "Lsmall", "Msmall", "Nsmall", "Osmall", "Psmall", "Qsmall", "Rsmall",
    "Ssmall", "Tsmall", "Usmall", "Vsmall", "Wsmall", "Xsmall", "Ysmall", "Zsmall",
    "colonmonetary", "onefitted", "rupiah", "Tildesmall", "exclamdownsmall", "centoldstyle",
    "Lslashsmall", "Scaronsmall", "Zcaronsmall", "Dieresissmall", "Brevesmall", "Caronsmall",
    "Dotaccentsmall", "Macronsmall", "figuredash", "hypheninferior", "Ogoneksmall",
    "Ringsmall", "Cedillasmall", "questiondownsmall", "oneeighth", "threeeighths",
    "fiveeighths", "seveneighths", "onethird", "twothirds", "zerosuperior", "foursuperior",
    "fivesuperior", "sixsuperior", "sevensuperior", "eightsuperior", "ninesuperior",
    "zeroinferior", "oneinferior", "twoinferior", "threeinferior", "fourinferior",
    "fiveinferior", "sixinferior", "seveninferior", "eightinferior", "nineinferior",
    "centinferior", "dollarinferior", "periodinferior", "commainferior", "Agravesmall",
    "Aacutesmall", "Acircumflexsmall", "Atildesmall", "Adieresissmall", "Aringsmall",
    "AEsmall", "Ccedillasmall", "Egravesmall", "Eacutesmall", "Ecircumflexsmall",
    "Edieresissmall", "Igravesmall", "Iacutesmall", "Icircumflexsmall", "Idieresissmall",
    "Ethsmall", "Ntildesmall", "Ogravesmall", "Oacutesmall", "Ocircumflexsmall",
    "Otildesmall", "Odieresissmall", "OEsmall", "Oslashsmall", "Ugravesmall", "Uacutesmall",
    "Ucircumflexsmall", "Udieresissmall", "Yacutesmall", "Thornsmall", "Ydieresissmall",
    "001.000", "001.001", "001.002", "001.003", "Black", "Bold", "Book", "Light", "Medium",
    "Regular", "Roman", "Semibold",
];

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn index(items: &[&[u8]]) -> Vec<u8> {
        let mut out = (items.len() as u16).to_be_bytes().to_vec();
        if items.is_empty() {
            return out;
        }
        out.push(1);
        let mut offset = 1u8;
        out.push(offset);
        for item in items {
            offset += item.len() as u8;
            out.push(offset);
        }
        items.iter().for_each(|item| out.extend_from_slice(item));
        out
    }

    fn int32(value: usize, operator: &[u8]) -> Vec<u8> {
        [&[29][..], &(value as i32).to_be_bytes(), operator].concat()
    }

    /// A CFF program of five glyphs: `charset` and `encoding` are their tables.
    pub(in crate::documents::pdf) fn program(cid_keyed: bool, charset: &[u8], encoding: &[u8]) -> Vec<u8> {
        let head = [1u8, 0, 4, 1];
        let names = index(&[b"Test"]);
        let strings = index(&[b"uni0141", b"f_i"]);
        let globals = index(&[]);
        let ros: &[u8] = if cid_keyed { &[139, 139, 139, 12, 30] } else { &[] };
        let dict_len = 3 * 6 + ros.len();
        let top_len = index(&[&vec![0; dict_len]]).len();
        let charset_at = head.len() + names.len() + top_len + strings.len() + globals.len();
        let encoding_at = charset_at + charset.len();
        let char_strings_at = encoding_at + encoding.len();
        let dict =
            [ros, &int32(charset_at, &[15]), &int32(encoding_at, &[16]), &int32(char_strings_at, &[17])].concat();
        let char_strings = index(&[&[14], &[14], &[14], &[14], &[14]]);
        [&head[..], &names, &index(&[&dict]), &strings, &globals, charset, encoding, &char_strings].concat()
    }

    #[test]
    fn names_and_encoding_of_a_name_keyed_font() {
        // Glyphs 1–4: "A" (SID 34), "uni0141" and "f_i" (own strings), "eacute" (SID 207).
        let charset = [0, 0, 34, 1, 135, 1, 136, 0, 207];
        // Codes 0x41, 0x4C, 0x01, 0xE9 for glyphs 1–4; a supplement: 0x61 for "A" too.
        let encoding = [0x80, 4, 0x41, 0x4C, 0x01, 0xE9, 1, 0x61, 0, 34];
        let cff = Cff::parse(&program(false, &charset, &encoding)).unwrap();
        let names: Vec<_> = (0..6).map(|g| cff.glyph_name(g)).collect();
        assert_eq!(names, [Some(".notdef"), Some("A"), Some("uni0141"), Some("f_i"), Some("eacute"), None]);
        assert!(!cff.is_cid_keyed());
        let Some(Encoding::Glyphs(glyphs)) = &cff.encoding else { panic!("{:?}", cff.encoding) };
        assert_eq!([glyphs[0x41], glyphs[0x4C], glyphs[0x01], glyphs[0xE9], glyphs[0x61]], [1, 2, 3, 4, 1].map(Some));
        assert_eq!(glyphs.iter().flatten().count(), 5);
    }

    #[test]
    fn cids_of_a_cid_keyed_font() {
        // Format 2: glyphs 1–4 are CIDs 100–103.
        let cff = Cff::parse(&program(true, &[2, 0, 100, 0, 3], &[])).unwrap();
        assert!(cff.is_cid_keyed() && cff.encoding.is_none() && cff.glyph_name(1).is_none());
        let pairs: Vec<_> = cff.cid_glyphs().collect();
        assert_eq!(pairs, [(0, 0), (100, 1), (101, 2), (102, 3), (103, 4)]);
    }

    #[test]
    fn broken_programs_never_panic() {
        let font = program(false, &[0, 0, 34, 1, 135, 1, 136, 0, 207], &[0x81, 1, 0x41, 3]);
        assert!(Cff::parse(&font).is_some());
        for cut in 0..font.len() {
            let _ = Cff::parse(&font[..cut]);
        }
        for at in 0..font.len() {
            for value in [0, 1, 0x7F, 0xFF] {
                let mut broken = font.clone();
                broken[at] = value;
                let _ = Cff::parse(&broken);
            }
        }
        assert!(Cff::parse(b"").is_none() && Cff::parse(&[1; 3]).is_none());
    }
}
