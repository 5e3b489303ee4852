//! TrueType and OpenType font programs (`/FontFile2`, or `/FontFile3` of subtype
//! `OpenType`), read only as far as text extraction needs: the `cmap` table (which glyph a
//! character code draws: the Unicode subtables, read backwards to give each glyph its
//! character, and the Windows symbol and Macintosh Roman ones a simple font's codes go
//! through), the `post` table's glyph names, and the `CFF ` table of an OpenType font
//! ([`super::cff`]). Apple's TrueType reference and the OpenType specification describe
//! the tables.
//!
//! Every read is bounds-checked; a hostile table costs at most [`MAX_MAPPINGS`] entries.

use std::collections::HashMap;

use super::cff::Cff;

/// The most character-to-glyph mappings read from the `cmap` table.
const MAX_MAPPINGS: usize = 1 << 17;

/// What the program says about its glyphs.
#[derive(Debug, Default)]
pub(super) struct Sfnt {
    /// The character of each glyph, from the Unicode subtables.
    unicode: HashMap<u16, char>,
    /// The Windows symbol subtable (3,0): code → glyph.
    symbol: HashMap<u32, u16>,
    /// The Macintosh Roman subtable (1,0): code → glyph.
    mac: HashMap<u32, u16>,
    /// The `post` table's name of each glyph.
    names: Vec<Option<Box<str>>>,
    /// The `CFF ` table of an OpenType font.
    pub(super) cff: Option<Cff>,
}

impl Sfnt {
    /// Reads a TrueType or OpenType program; `None` when it is not one.
    pub(super) fn parse(data: &[u8]) -> Option<Sfnt> {
        let version = u32_at(data, 0)?;
        if !matches!(version, 0x0001_0000 | 0x7472_7565 | 0x4F54_544F) {
            return None; // not 1.0, 'true' or 'OTTO' (collections are not embedded)
        }
        let tables = usize::from(u16_at(data, 4)?);
        let mut font = Sfnt::default();
        for i in 0..tables {
            let record = 12 + i * 16;
            let (Some(tag), Some(offset), Some(length)) =
                (data.get(record..record + 4), u32_at(data, record + 8), u32_at(data, record + 12))
            else {
                break;
            };
            let (Ok(offset), Ok(length)) = (usize::try_from(offset), usize::try_from(length)) else { continue };
            let Some(table) = offset.checked_add(length).and_then(|end| data.get(offset..end)) else { continue };
            match tag {
                b"cmap" => font.read_cmap(table),
                b"post" => font.names = post_names(table).unwrap_or_default(),
                b"CFF " => font.cff = Cff::parse(table),
                _ => {}
            }
        }
        Some(font)
    }

    /// The glyph a simple font's code draws, through the symbol subtable (codes as they
    /// are, or moved to U+F000–U+F0FF as symbol fonts have them) or the Macintosh one.
    pub(super) fn simple_glyph(&self, code: u8) -> Option<u16> {
        let code = u32::from(code);
        [code, 0xF000 + code, 0xF100 + code, 0xF200 + code]
            .iter()
            .find_map(|c| self.symbol.get(c))
            .or_else(|| self.mac.get(&code))
            .copied()
            .filter(|&g| g != 0)
    }

    /// The name of a glyph, from the `post` table or the CFF charset.
    pub(super) fn glyph_name(&self, glyph: u16) -> Option<&str> {
        self.names
            .get(usize::from(glyph))
            .and_then(|n| n.as_deref())
            .or_else(|| self.cff.as_ref().and_then(|cff| cff.glyph_name(glyph)))
    }

    /// The character a Unicode subtable maps to a glyph.
    pub(super) fn glyph_char(&self, glyph: u16) -> Option<char> {
        self.unicode.get(&glyph).copied()
    }

    fn read_cmap(&mut self, table: &[u8]) {
        let Some(count) = u16_at(table, 2) else { return };
        let mut budget = MAX_MAPPINGS;
        // Subtables in order of preference for Unicode: full repertoire first.
        let mut records: Vec<(u16, u16, usize)> = (0..usize::from(count))
            .filter_map(|i| {
                let at = 4 + i * 8;
                Some((u16_at(table, at)?, u16_at(table, at + 2)?, usize::try_from(u32_at(table, at + 4)?).ok()?))
            })
            .collect();
        records.sort_by_key(|&(platform, encoding, _)| match (platform, encoding) {
            (3, 10) | (0, 4 | 6) => 0,
            (3, 1) | (0, _) => 1,
            _ => 2,
        });
        for (platform, encoding, offset) in records {
            let Some(subtable) = table.get(offset..) else { continue };
            match (platform, encoding) {
                (3, 1 | 10) | (0, _) => {
                    let unicode = &mut self.unicode;
                    mappings(subtable, &mut budget, |code, glyph| {
                        if let Some(c) = char::from_u32(code) {
                            unicode.entry(glyph).or_insert(c);
                        }
                    });
                }
                (3, 0) if self.symbol.is_empty() => {
                    let symbol = &mut self.symbol;
                    mappings(subtable, &mut budget, |code, glyph| {
                        symbol.insert(code, glyph);
                    });
                }
                (1, 0) if self.mac.is_empty() => {
                    let mac = &mut self.mac;
                    mappings(subtable, &mut budget, |code, glyph| {
                        mac.insert(code, glyph);
                    });
                }
                _ => {}
            }
        }
    }
}

/// Calls `each(code, glyph)` for the mappings of a `cmap` subtable (formats 0, 4, 6 and
/// 12), glyph 0 (none) left out, while the budget lasts (every code read costs one,
/// mapped or not).
fn mappings(subtable: &[u8], budget: &mut usize, mut each: impl FnMut(u32, u16)) {
    let mut emit = |budget: &mut usize, code: u32, glyph: u16| {
        *budget = budget.saturating_sub(1);
        if glyph != 0 {
            each(code, glyph);
        }
    };
    match u16_at(subtable, 0) {
        Some(0) => {
            for code in 0..256u32 {
                if let Some(&glyph) = subtable.get(6 + code as usize) {
                    emit(budget, code, u16::from(glyph));
                }
            }
        }
        Some(4) => {
            let Some(segments) = u16_at(subtable, 6).map(|n| usize::from(n / 2)) else { return };
            let ends = 14;
            let starts = ends + segments * 2 + 2;
            let deltas = starts + segments * 2;
            let range_offsets = deltas + segments * 2;
            for s in 0..segments {
                let (Some(end), Some(start), Some(delta), Some(range_offset)) = (
                    u16_at(subtable, ends + s * 2),
                    u16_at(subtable, starts + s * 2),
                    u16_at(subtable, deltas + s * 2),
                    u16_at(subtable, range_offsets + s * 2),
                ) else {
                    return;
                };
                for code in start..=end.max(start) {
                    if *budget == 0 {
                        return;
                    }
                    let glyph = if range_offset == 0 {
                        code.wrapping_add(delta)
                    } else {
                        // The glyph array entry: from this segment's idRangeOffset word.
                        let at = range_offsets + s * 2 + usize::from(range_offset) + usize::from(code - start) * 2;
                        match u16_at(subtable, at) {
                            Some(0) | None => 0,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    if code != 0xFFFF {
                        emit(budget, u32::from(code), glyph);
                    }
                }
            }
        }
        Some(6) => {
            let (Some(first), Some(count)) = (u16_at(subtable, 6), u16_at(subtable, 8)) else { return };
            for i in 0..count {
                let Some(glyph) = u16_at(subtable, 10 + usize::from(i) * 2) else { return };
                emit(budget, u32::from(first) + u32::from(i), glyph);
            }
        }
        Some(12) => {
            let Some(groups) = u32_at(subtable, 12) else { return };
            for g in 0..groups as usize {
                let at = 16 + g * 12;
                let (Some(start), Some(end), Some(glyph)) =
                    (u32_at(subtable, at), u32_at(subtable, at + 4), u32_at(subtable, at + 8))
                else {
                    return;
                };
                for (i, code) in (start..=end.max(start)).enumerate() {
                    if *budget == 0 {
                        return;
                    }
                    emit(budget, code, u16::try_from(u64::from(glyph) + i as u64).unwrap_or(0));
                }
            }
        }
        _ => {}
    }
}

/// The glyph names of a `post` table of version 2.0 (other versions name no glyph, or
/// only the standard Macintosh ones in order).
fn post_names(table: &[u8]) -> Option<Vec<Option<Box<str>>>> {
    match u32_at(table, 0)? {
        0x0001_0000 => return Some(MAC_NAMES.iter().map(|n| Some((*n).into())).collect()),
        0x0002_0000 => {}
        _ => return None,
    }
    let count = usize::from(u16_at(table, 32)?);
    let indices: Vec<u16> = (0..count).map_while(|i| u16_at(table, 34 + i * 2)).collect();
    // The Pascal strings after the indices: names 258 and up.
    let mut strings: Vec<&[u8]> = Vec::new();
    let mut at = 34 + count * 2;
    while let Some(&len) = table.get(at) {
        let Some(name) = table.get(at + 1..at + 1 + usize::from(len)) else { break };
        strings.push(name);
        at += 1 + usize::from(len);
    }
    Some(
        indices
            .iter()
            .map(|&i| match MAC_NAMES.get(usize::from(i)) {
                Some(name) => Some((*name).into()),
                None => strings
                    .get(usize::from(i) - MAC_NAMES.len())
                    .and_then(|n| std::str::from_utf8(n).ok())
                    .map(Into::into),
            })
            .collect(),
    )
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at.checked_add(1)?)?]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The 258 standard Macintosh glyph names, in the order `post` tables index them.
#[rustfmt::skip]
const MAC_NAMES: [&str; 258] = [
    ".notdef", ".null", "nonmarkingreturn", "space", "exclam", "quotedbl", "numbersign",
    "dollar", "percent", "ampersand", "quotesingle", "parenleft", "parenright", "asterisk",
    "plus", "comma", "hyphen", "period", "slash", "zero", "one", "two", "three", "four",
    "five", "six", "seven", "eight", "nine", "colon", "semicolon", "less", "equal", "greater",
    "question", "at",
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
    "S", "T", "U", "V", "W", "X", "Y", "Z",
    "bracketleft", "backslash", "bracketright", "asciicircum", "underscore", "grave",
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
    "s", "t", "u", "v", "w", "x", "y", "z",
    "braceleft", "bar", "braceright", "asciitilde", "Adieresis", "Aring", "Ccedilla",
    "Eacute", "Ntilde", "Odieresis", "Udieresis", "aacute", "agrave", "acircumflex",
    "adieresis", "atilde", "aring", "ccedilla", "eacute", "egrave", "ecircumflex",
    "edieresis", "iacute", "igrave", "icircumflex", "idieresis", "ntilde", "oacute",
    "ograve", "ocircumflex", "odieresis", "otilde", "uacute", "ugrave", "ucircumflex",
    "udieresis", "dagger", "degree", "cent", "sterling", "section", "bullet", "paragraph",
    "germandbls", "registered", "copyright", "trademark", "acute", "dieresis", "notequal",
    "AE", "Oslash", "infinity", "plusminus", "lessequal", "greaterequal", "yen", "mu",
    "partialdiff", "summation", "product", "pi", "integral", "ordfeminine", "ordmasculine",
    "Omega", "ae", "oslash", "questiondown", "exclamdown", "logicalnot", "radical", "florin",
    "approxequal", "Delta", "guillemotleft", "guillemotright", "ellipsis", "nonbreakingspace",
    "Agrave", "Atilde", "Otilde", "OE", "oe", "endash", "emdash", "quotedblleft",
    "quotedblright", "quoteleft", "quoteright", "divide", "lozenge", "ydieresis", "Ydieresis",
    "fraction", "currency", "guilsinglleft", "guilsinglright", "fi", "fl", "daggerdbl",
    "periodcentered", "quotesinglbase", "quotedblbase", "perthousand", "Acircumflex",
    "Ecircumflex", "Aacute", "Edieresis", "Egrave", "Iacute", "Icircumflex", "Idieresis",
    "Igrave", "Oacute", "Ocircumflex", "apple", "Ograve", "Uacute", "Ucircumflex", "Ugrave",
    "dotlessi", "circumflex", "tilde", "macron", "breve", "dotaccent", "ring", "cedilla",
    "hungarumlaut", "ogonek", "caron", "Lslash", "lslash", "Scaron", "scaron", "Zcaron",
    "zcaron", "brokenbar", "Eth", "eth", "Yacute", "yacute", "Thorn", "thorn", "minus",
    "multiply", "onesuperior", "twosuperior", "threesuperior", "onehalf", "onequarter",
    "threequarters", "franc", "Gbreve", "gbreve", "Idotaccent", "Scedilla", "scedilla",
    "Cacute", "cacute", "Ccaron", "ccaron", "dcroat",
];

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::documents::pdf) fn be16(values: &[u16]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_be_bytes()).collect()
    }

    /// An sfnt of the given tables.
    pub(in crate::documents::pdf) fn font(version: u32, tables: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut out = [version.to_be_bytes().to_vec(), be16(&[tables.len() as u16, 0, 0, 0])].concat();
        let mut offset = 12 + 16 * tables.len();
        for (tag, data) in tables {
            out.extend_from_slice(*tag);
            out.extend_from_slice(&[0; 4]);
            out.extend_from_slice(&(offset as u32).to_be_bytes());
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            offset += data.len();
        }
        tables.iter().for_each(|(_, data)| out.extend_from_slice(data));
        out
    }

    /// A `cmap` with a (3,1) format 4 subtable (A–C by delta to glyphs 5–7, Ł and ł through
    /// the glyph array to glyphs 9 and 10) and a (1,0) format 0 one (0x80 to glyph 7).
    fn cmap() -> Vec<u8> {
        let format4 = [
            be16(&[4, 0, 0, 6, 0, 0, 0]),
            be16(&[0x43, 0x142, 0xFFFF, 0]),
            be16(&[0x41, 0x141, 0xFFFF]),
            be16(&[5u16.wrapping_sub(0x41), 0, 1]),
            be16(&[0, 4, 0]),
            be16(&[9, 10]),
        ]
        .concat();
        let mut format0 = be16(&[0, 262, 0]);
        format0.extend((0..=255u8).map(|c| if c == 0x80 { 7 } else { 0 }));
        let header = be16(&[0, 2]);
        let first = header.len() + 16;
        [header, be16(&[3, 1, 0, first as u16, 1, 0, 0, (first + format4.len()) as u16]), format4, format0].concat()
    }

    /// A `post` table of version 2.0 naming glyph 7 "uni00C4" and glyph 3 "space".
    fn post() -> Vec<u8> {
        let mut table = [0x0002_0000u32.to_be_bytes().to_vec(), vec![0; 28], be16(&[11])].concat();
        table.extend(be16(&[0, 0, 0, 3, 0, 0, 0, 258, 0, 0, 0]));
        table.push(7);
        table.extend_from_slice(b"uni00C4");
        table
    }

    #[test]
    fn unicode_and_mac_cmaps_and_post_names() {
        let sfnt = Sfnt::parse(&font(0x0001_0000, &[(b"cmap", cmap()), (b"post", post())])).unwrap();
        let chars: Vec<_> = (5..=10).map(|g| sfnt.glyph_char(g)).collect();
        assert_eq!(chars, [Some('A'), Some('B'), Some('C'), None, Some('Ł'), Some('ł')]);
        assert_eq!(sfnt.simple_glyph(0x80), Some(7));
        assert_eq!(sfnt.simple_glyph(0x41), None);
        assert_eq!(
            (sfnt.glyph_name(7), sfnt.glyph_name(3), sfnt.glyph_name(4)),
            (Some("uni00C4"), Some("space"), Some(".notdef"))
        );
        assert!(sfnt.cff.is_none());
    }

    #[test]
    fn a_symbol_cmap_maps_codes_moved_to_the_private_use_area() {
        let format6 = be16(&[6, 0, 0, 0xF041, 2, 12, 13]);
        let cmap = [be16(&[0, 1, 3, 0, 0, 12]), format6].concat();
        let sfnt = Sfnt::parse(&font(0x0001_0000, &[(b"cmap", cmap)])).unwrap();
        assert_eq!(
            (sfnt.simple_glyph(0x41), sfnt.simple_glyph(0x42), sfnt.simple_glyph(0x43)),
            (Some(12), Some(13), None)
        );
    }

    #[test]
    fn hostile_tables_cost_a_bounded_amount_and_never_panic() {
        // Format 12: every code of 32 bits to glyph 0, then to glyphs past 65,535.
        let format12 = [
            be16(&[12, 0]),
            vec![0; 8],
            2u32.to_be_bytes().to_vec(),
            [0u32, u32::MAX, 0, 0, u32::MAX, 65_000].iter().flat_map(|v| v.to_be_bytes()).collect(),
        ]
        .concat();
        let hostile = [be16(&[0, 1, 3, 10, 0, 12]), format12].concat();
        let started = std::time::Instant::now();
        let sfnt = Sfnt::parse(&font(0x0001_0000, &[(b"cmap", hostile)])).unwrap();
        assert!(sfnt.unicode.len() <= MAX_MAPPINGS);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let good = font(0x0001_0000, &[(b"cmap", cmap()), (b"post", post())]);
        for cut in 0..good.len() {
            let _ = Sfnt::parse(&good[..cut]);
        }
        for at in 0..good.len() {
            for value in [0, 1, 0x7F, 0xFF] {
                let mut broken = good.clone();
                broken[at] = value;
                let _ = Sfnt::parse(&broken);
            }
        }
    }
}
