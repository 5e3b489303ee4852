//! The built-in encodings of simple fonts (PDF 32000-1, annex D): WinAnsi, MacRoman and
//! Adobe Standard, each as the character of every code from 0x20 to 0xFF (`'\0'` where
//! the encoding has no character). Codes below 0x20 have none in any of them.

/// A base encoding a font may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

impl BaseEncoding {
    /// The encoding a `/BaseEncoding` or `/Encoding` name stands for.
    pub(super) fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"WinAnsiEncoding" => Some(Self::WinAnsi),
            b"MacRomanEncoding" => Some(Self::MacRoman),
            b"StandardEncoding" => Some(Self::Standard),
            _ => None,
        }
    }

    /// The character of `code`, if the encoding has one.
    pub(super) fn char(self, code: u8) -> Option<char> {
        let c = match (self, code) {
            (_, 0..0x20) => '\0',
            (Self::Standard, 0x27) => '’',
            (Self::Standard, 0x60) => '‘',
            (_, 0x20..0x7F) => code as char,
            (Self::WinAnsi, 0x7F..=0xFF) => WIN_ANSI_HIGH[usize::from(code - 0x7F)],
            (Self::MacRoman, 0x7F..=0xFF) => MAC_ROMAN_HIGH[usize::from(code - 0x7F)],
            (Self::Standard, 0x7F..=0xFF) => STANDARD_HIGH[usize::from(code - 0x7F)],
        };
        (c != '\0').then_some(c)
    }
}

/// WinAnsi (Windows code page 1252) from 0x7F: 0xA0–0xFF are Latin-1.
const WIN_ANSI_HIGH: [char; 129] = [
    '\0', // 0x7F
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', // 0x80
    '\0', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ', // 0x90
    ' ', '¡', '¢', '£', '¤', '¥', '¦', '§', '¨', '©', 'ª', '«', '¬', '-', '®', '¯', // 0xA0
    '°', '±', '²', '³', '´', 'µ', '¶', '·', '¸', '¹', 'º', '»', '¼', '½', '¾', '¿', // 0xB0
    'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Æ', 'Ç', 'È', 'É', 'Ê', 'Ë', 'Ì', 'Í', 'Î', 'Ï', // 0xC0
    'Ð', 'Ñ', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', '×', 'Ø', 'Ù', 'Ú', 'Û', 'Ü', 'Ý', 'Þ', 'ß', // 0xD0
    'à', 'á', 'â', 'ã', 'ä', 'å', 'æ', 'ç', 'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï', // 0xE0
    'ð', 'ñ', 'ò', 'ó', 'ô', 'õ', 'ö', '÷', 'ø', 'ù', 'ú', 'û', 'ü', 'ý', 'þ', 'ÿ', // 0xF0
];

/// Mac OS Roman from 0x7F, as PDF defines it (0xDB is the currency sign).
const MAC_ROMAN_HIGH: [char; 129] = [
    '\0', // 0x7F
    'Ä', 'Å', 'Ç', 'É', 'Ñ', 'Ö', 'Ü', 'á', 'à', 'â', 'ä', 'ã', 'å', 'ç', 'é', 'è', // 0x80
    'ê', 'ë', 'í', 'ì', 'î', 'ï', 'ñ', 'ó', 'ò', 'ô', 'ö', 'õ', 'ú', 'ù', 'û', 'ü', // 0x90
    '†', '°', '¢', '£', '§', '•', '¶', 'ß', '®', '©', '™', '´', '¨', '≠', 'Æ', 'Ø', // 0xA0
    '∞', '±', '≤', '≥', '¥', 'µ', '∂', '∑', '∏', 'π', '∫', 'ª', 'º', 'Ω', 'æ', 'ø', // 0xB0
    '¿', '¡', '¬', '√', 'ƒ', '≈', '∆', '«', '»', '…', ' ', 'À', 'Ã', 'Õ', 'Œ', 'œ', // 0xC0
    '–', '—', '“', '”', '‘', '’', '÷', '◊', 'ÿ', 'Ÿ', '⁄', '¤', '‹', '›', 'ﬁ', 'ﬂ', // 0xD0
    '‡', '·', '‚', '„', '‰', 'Â', 'Ê', 'Á', 'Ë', 'È', 'Í', 'Î', 'Ï', 'Ì', 'Ó', 'Ô', // 0xE0
    '\0', 'Ò', 'Ú', 'Û', 'Ù', 'ı', 'ˆ', '˜', '¯', '˘', '˙', '˚', '¸', '˝', '˛', 'ˇ', // 0xF0
];

/// Adobe Standard from 0x7F.
const STANDARD_HIGH: [char; 129] = [
    '\0', // 0x7F
    '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', // 0x80
    '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', // 0x90
    '\0', '¡', '¢', '£', '⁄', '¥', 'ƒ', '§', '¤', '\'', '“', '«', '‹', '›', 'ﬁ', 'ﬂ', // 0xA0
    '\0', '–', '†', '‡', '·', '\0', '¶', '•', '‚', '„', '”', '»', '…', '‰', '\0', '¿', // 0xB0
    '\0', '`', '´', 'ˆ', '˜', '¯', '˘', '˙', '¨', '\0', '˚', '¸', '\0', '˝', '˛', 'ˇ', // 0xC0
    '—', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', // 0xD0
    '\0', 'Æ', '\0', 'ª', '\0', '\0', '\0', '\0', 'Ł', 'Ø', 'Œ', 'º', '\0', '\0', '\0', '\0', // 0xE0
    '\0', 'æ', '\0', '\0', '\0', 'ı', '\0', '\0', 'ł', 'ø', 'œ', 'ß', '\0', '\0', '\0', '\0', // 0xF0
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_each_encoding_says() {
        assert_eq!(BaseEncoding::WinAnsi.char(b'A'), Some('A'));
        assert_eq!(BaseEncoding::WinAnsi.char(0xE9), Some('é'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x80), Some('€'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x9C), Some('œ'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x81), None);
        assert_eq!(BaseEncoding::MacRoman.char(0x8E), Some('é'));
        assert_eq!(BaseEncoding::MacRoman.char(0xDE), Some('ﬁ'));
        assert_eq!(BaseEncoding::Standard.char(0x27), Some('’'));
        assert_eq!(BaseEncoding::Standard.char(0xAE), Some('ﬁ'));
        assert_eq!(BaseEncoding::Standard.char(0xFB), Some('ß'));
        assert_eq!(BaseEncoding::Standard.char(0x10), None);
        assert_eq!(BaseEncoding::from_name(b"MacRomanEncoding"), Some(BaseEncoding::MacRoman));
    }
}
