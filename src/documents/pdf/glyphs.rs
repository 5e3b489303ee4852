//! Glyph names to Unicode. Simple fonts name their glyphs (in a `/Differences` array, or in
//! a Type 1 font's own encoding) instead of saying which character each code is; this turns
//! those names back into text: the common Latin names of the Adobe Glyph List, the names TeX
//! fonts use, `uniXXXX` (one or more groups of four hex digits) and `uXXXX`…`uXXXXXX`,
//! ligatures named by their parts joined with `_` (`f_f_i`), variants with a suffix
//! (`one.oldstyle`, `a.sc`, `hyphen.alt`), and accented letters composed from their base
//! and accent (`Eacute`, `scaron`, `Tcommaaccent`). A name it does not know gives `None`.

use unicode_normalization::UnicodeNormalization;

/// The names that are not a single letter, a `uni`/`u` form or a composition, sorted by
/// name (a test keeps them sorted, for the binary search).
const NAMES: &[(&str, &str)] = &[
    ("AE", "Æ"),
    ("Alpha", "Α"),
    ("Beta", "Β"),
    ("Chi", "Χ"),
    ("Dcroat", "Đ"),
    ("Delta", "Δ"),
    ("Eng", "Ŋ"),
    ("Epsilon", "Ε"),
    ("Eta", "Η"),
    ("Eth", "Ð"),
    ("Euro", "€"),
    ("Gamma", "Γ"),
    ("Germandbls", "ẞ"),
    ("Hbar", "Ħ"),
    ("IJ", "Ĳ"),
    ("Iota", "Ι"),
    ("Kappa", "Κ"),
    ("Lambda", "Λ"),
    ("Ldot", "Ŀ"),
    ("Lslash", "Ł"),
    ("Mu", "Μ"),
    ("Nu", "Ν"),
    ("OE", "Œ"),
    ("Omega", "Ω"),
    ("Omicron", "Ο"),
    ("Oslash", "Ø"),
    ("Phi", "Φ"),
    ("Pi", "Π"),
    ("Psi", "Ψ"),
    ("Rho", "Ρ"),
    ("SS", "SS"),
    ("Sigma", "Σ"),
    ("Tau", "Τ"),
    ("Theta", "Θ"),
    ("Thorn", "Þ"),
    ("Upsilon", "Υ"),
    ("Xi", "Ξ"),
    ("Zeta", "Ζ"),
    ("acute", "´"),
    ("ae", "æ"),
    ("afii61352", "№"),
    ("alpha", "α"),
    ("ampersand", "&"),
    ("angleleft", "〈"),
    ("angleright", "〉"),
    ("apostrophe", "'"),
    ("approxequal", "≈"),
    ("arrowboth", "↔"),
    ("arrowdblright", "⇒"),
    ("arrowdown", "↓"),
    ("arrowleft", "←"),
    ("arrowright", "→"),
    ("arrowup", "↑"),
    ("asciicircum", "^"),
    ("asciitilde", "~"),
    ("asterisk", "*"),
    ("asteriskmath", "∗"),
    ("at", "@"),
    ("backslash", "\\"),
    ("bar", "|"),
    ("beta", "β"),
    ("braceleft", "{"),
    ("braceright", "}"),
    ("bracketleft", "["),
    ("bracketright", "]"),
    ("breve", "˘"),
    ("brokenbar", "¦"),
    ("bullet", "•"),
    ("caron", "ˇ"),
    ("cedilla", "¸"),
    ("cent", "¢"),
    ("checkmark", "✓"),
    ("chi", "χ"),
    ("circle", "○"),
    ("circumflex", "ˆ"),
    ("colon", ":"),
    ("comma", ","),
    ("compwordmark", ""),
    ("copyright", "©"),
    ("currency", "¤"),
    ("cwm", ""),
    ("dagger", "†"),
    ("daggerdbl", "‡"),
    ("dcroat", "đ"),
    ("degree", "°"),
    ("delta", "δ"),
    ("dieresis", "¨"),
    ("divide", "÷"),
    ("dollar", "$"),
    ("dotaccent", "˙"),
    ("dotlessi", "ı"),
    ("dotlessj", "ȷ"),
    ("dotmath", "⋅"),
    ("eight", "8"),
    ("element", "∈"),
    ("ellipsis", "…"),
    ("emdash", "—"),
    ("emptyset", "∅"),
    ("endash", "–"),
    ("eng", "ŋ"),
    ("epsilon", "ε"),
    ("equal", "="),
    ("equivalence", "≡"),
    ("eta", "η"),
    ("eth", "ð"),
    ("exclam", "!"),
    ("exclamdown", "¡"),
    ("existential", "∃"),
    ("ff", "ﬀ"),
    ("ffi", "ﬃ"),
    ("ffl", "ﬄ"),
    ("fi", "ﬁ"),
    ("figuredash", "‒"),
    ("filledbox", "■"),
    ("five", "5"),
    ("fl", "ﬂ"),
    ("florin", "ƒ"),
    ("four", "4"),
    ("fraction", "⁄"),
    ("gamma", "γ"),
    ("germandbls", "ß"),
    ("grave", "`"),
    ("greater", ">"),
    ("greaterequal", "≥"),
    ("guillemetleft", "«"),
    ("guillemetright", "»"),
    ("guillemotleft", "«"),
    ("guillemotright", "»"),
    ("guilsinglleft", "‹"),
    ("guilsinglright", "›"),
    ("hbar", "ħ"),
    ("hungarumlaut", "˝"),
    ("hyphen", "-"),
    ("ij", "ĳ"),
    ("infinity", "∞"),
    ("integral", "∫"),
    ("iota", "ι"),
    ("kappa", "κ"),
    ("kgreenlandic", "ĸ"),
    ("lambda", "λ"),
    ("ldot", "ŀ"),
    ("less", "<"),
    ("lessequal", "≤"),
    ("logicalnot", "¬"),
    ("longs", "ſ"),
    ("longs_t", "ﬅ"),
    ("lozenge", "◊"),
    ("lslash", "ł"),
    ("macron", "¯"),
    ("minus", "−"),
    ("mu", "µ"),
    ("multiply", "×"),
    ("napostrophe", "ŉ"),
    ("nbspace", "\u{a0}"),
    ("nine", "9"),
    ("notequal", "≠"),
    ("nu", "ν"),
    ("numbersign", "#"),
    ("oe", "œ"),
    ("ogonek", "˛"),
    ("omega", "ω"),
    ("omicron", "ο"),
    ("one", "1"),
    ("onehalf", "½"),
    ("onequarter", "¼"),
    ("onesuperior", "¹"),
    ("openbullet", "◦"),
    ("ordfeminine", "ª"),
    ("ordmasculine", "º"),
    ("oslash", "ø"),
    ("paragraph", "¶"),
    ("parenleft", "("),
    ("parenright", ")"),
    ("partialdiff", "∂"),
    ("percent", "%"),
    ("period", "."),
    ("periodcentered", "·"),
    ("perthousand", "‰"),
    ("perthousandzero", ""),
    ("phi", "φ"),
    ("pi", "π"),
    ("plus", "+"),
    ("plusminus", "±"),
    ("product", "∏"),
    ("psi", "ψ"),
    ("question", "?"),
    ("questiondown", "¿"),
    ("quotedbl", "\""),
    ("quotedblbase", "„"),
    ("quotedblleft", "“"),
    ("quotedblright", "”"),
    ("quoteleft", "‘"),
    ("quoteright", "’"),
    ("quotesinglbase", "‚"),
    ("quotesingle", "'"),
    ("radical", "√"),
    ("registered", "®"),
    ("rho", "ρ"),
    ("ring", "˚"),
    ("section", "§"),
    ("semicolon", ";"),
    ("seven", "7"),
    ("sfthyphen", "\u{ad}"),
    ("sigma", "σ"),
    ("sigma1", "ς"),
    ("similar", "∼"),
    ("six", "6"),
    ("slash", "/"),
    ("space", " "),
    ("square", "□"),
    ("st", "ﬆ"),
    ("sterling", "£"),
    ("summation", "∑"),
    ("tau", "τ"),
    ("theta", "θ"),
    ("thorn", "þ"),
    ("three", "3"),
    ("threequarters", "¾"),
    ("threesuperior", "³"),
    ("tilde", "˜"),
    ("trademark", "™"),
    ("two", "2"),
    ("twosuperior", "²"),
    ("underscore", "_"),
    ("upsilon", "υ"),
    ("visiblespace", "␣"),
    ("xi", "ξ"),
    ("yen", "¥"),
    ("zero", "0"),
    ("zeta", "ζ"),
];

/// Accent suffixes of composed letter names, and the combining mark each stands for.
const ACCENTS: &[(&str, char)] = &[
    ("acute", '\u{301}'),
    ("breve", '\u{306}'),
    ("caron", '\u{30C}'),
    ("cedilla", '\u{327}'),
    ("circumflex", '\u{302}'),
    ("commaaccent", '\u{326}'),
    ("dieresis", '\u{308}'),
    ("dotaccent", '\u{307}'),
    ("grave", '\u{300}'),
    ("hungarumlaut", '\u{30B}'),
    ("macron", '\u{304}'),
    ("ogonek", '\u{328}'),
    ("ring", '\u{30A}'),
    ("tilde", '\u{303}'),
];

/// The text a glyph name stands for, if the name is known.
pub(super) fn to_unicode(name: &str) -> Option<String> {
    // Real names are short; a long one would only make long text of one glyph.
    if name.len() > 64 {
        return None;
    }
    to_unicode_at(name, 0)
}

fn to_unicode_at(name: &str, depth: u8) -> Option<String> {
    if name.is_empty() || depth > 4 {
        return None;
    }
    if let Ok(at) = NAMES.binary_search_by(|(n, _)| n.cmp(&name)) {
        return Some(NAMES[at].1.to_string());
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_ascii_alphabetic()
    {
        return Some(c.to_string());
    }
    if let Some(hex) = name.strip_prefix("uni")
        && !hex.is_empty()
        && hex.len().is_multiple_of(4)
        && let Some(text) = hex_groups(hex)
    {
        return Some(text);
    }
    if let Some(hex) = name.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
    {
        return Some(c.to_string());
    }
    // A variant: "one.oldstyle", "a.sc", "hyphen.alt".
    if let Some((base, _)) = name.split_once('.')
        && !base.is_empty()
    {
        return to_unicode_at(base, depth + 1);
    }
    // A ligature named by its parts: "f_f_i".
    if name.contains('_') {
        return name.split('_').map(|part| to_unicode_at(part, depth + 1)).collect();
    }
    // An accented letter: "Eacute", "scaron", "AEacute".
    for (suffix, mark) in ACCENTS {
        if let Some(base) = name.strip_suffix(suffix)
            && !base.is_empty()
            && let Some(letter) = to_unicode_at(base, depth + 1)
            && letter.chars().all(char::is_alphabetic)
        {
            return Some(letter.chars().chain(std::iter::once(*mark)).nfc().collect());
        }
    }
    None
}

/// "00660069" → "fi": groups of four hex digits, each a UTF-16 code unit (surrogate pairs
/// allowed), as `uni` names write them.
fn hex_groups(hex: &str) -> Option<String> {
    let units: Option<Vec<u16>> =
        (0..hex.len()).step_by(4).map(|i| u16::from_str_radix(hex.get(i..i + 4)?, 16).ok()).collect();
    String::from_utf16(&units?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_the_binary_search() {
        for pair in NAMES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
    }

    #[test]
    fn names_of_every_form() {
        let cases = [
            ("a", "a"),
            ("Q", "Q"),
            ("eacute", "é"),
            ("Eacute", "É"),
            ("ccedilla", "ç"),
            ("scaron", "š"),
            ("Tcommaaccent", "Ț"),
            ("AEacute", "Ǽ"),
            ("ocircumflex", "ô"),
            ("fi", "ﬁ"),
            ("f_f_i", "ffi"),
            ("uni00E9", "é"),
            ("uni00660069", "fi"),
            ("u1F600", "😀"),
            ("one.oldstyle", "1"),
            ("hyphen.alt", "-"),
            ("quoteright", "’"),
            ("endash", "–"),
            ("dotlessi", "ı"),
            ("compwordmark", ""),
        ];
        for (name, text) in cases {
            assert_eq!(to_unicode(name).as_deref(), Some(text), "{name}");
        }
        for unknown in ["", "g123", "glyph42", "uniXYZW", "uni12", ".notdef"] {
            assert_eq!(to_unicode(unknown), None, "{unknown}");
        }
    }
}
