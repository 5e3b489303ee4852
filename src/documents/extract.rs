//! In-process, bounded text extraction. Hostile input is parsed here, so the application
//! runs this in a child process (see `child.rs`); the bounds keep even that child small.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::{DocumentFormat, ExtractError};

/// The most a single zip entry (or PDF stream) may inflate to: 50 MB.
pub const MAX_ENTRY_SIZE: u64 = 50 * 1000 * 1000;
/// The most text kept from one document: 5 MB; longer text is cut (at a character
/// boundary).
pub const MAX_TEXT_LEN: usize = 5 * 1000 * 1000;
/// The deepest XML element nesting accepted in a DOCX or ODT.
pub const MAX_XML_DEPTH: usize = 256;
/// The most spaces one `<text:s text:c="…"/>` may stand for.
const MAX_ODT_SPACES: usize = 1000;

/// Extract the text of a document whose format was recognised by
/// [`sniff`](super::sniff). Bounded in memory and work (see the module docs), but it
/// parses hostile input: call it in the child process, through
/// [`Extractor`](super::Extractor).
pub fn extract_text(format: DocumentFormat, bytes: &[u8]) -> Result<String, ExtractError> {
    match format {
        DocumentFormat::Pdf => super::pdf::pdf_text(bytes),
        DocumentFormat::Docx => docx_text(bytes),
        DocumentFormat::Odt => odt_text(bytes),
        DocumentFormat::Text => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let text = std::str::from_utf8(body).map_err(|_| ExtractError::Corrupt("the text is not UTF-8".into()))?;
            let mut out = TextOut::default();
            out.push(text);
            Ok(out.text)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Zip containers (DOCX, ODT)

/// The most parts of a DOCX read besides its body (headers, footers, notes, comments).
const MAX_DOCX_PARTS: usize = 64;

/// The text of every part of a DOCX that a reader may see, so that the guard reads all
/// of it: the body (text boxes included, once), then footnotes, endnotes, headers,
/// footers and comments, each part after a line break.
fn docx_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let mut out = TextOut::default();
    xml_text_into(&zip_entry(bytes, "word/document.xml")?, Dialect::Docx, Scope::All, &mut out)?;
    let mut parts: Vec<String> =
        zip_names(bytes)?.into_iter().filter(|name| docx_part_rank(name).is_some()).take(MAX_DOCX_PARTS).collect();
    parts.sort_by_key(|name| (docx_part_rank(name), name.clone()));
    for name in parts {
        if out.full {
            break;
        }
        out.push("\n");
        xml_text_into(&zip_entry(bytes, &name)?, Dialect::Docx, Scope::All, &mut out)?;
    }
    Ok(out.text)
}

/// Where a part of a DOCX comes after the body, if it holds text a reader sees.
fn docx_part_rank(name: &str) -> Option<u8> {
    let file = name.strip_prefix("word/")?.strip_suffix(".xml")?;
    let numbered = |prefix: &str| file.strip_prefix(prefix).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
    match file {
        "footnotes" => Some(0),
        "endnotes" => Some(1),
        _ if numbered("header") => Some(2),
        _ if numbered("footer") => Some(3),
        "comments" => Some(4),
        _ => None,
    }
}

/// The text of an ODT: its body (text boxes, notes and comments are inside it), then its
/// page headers and footers, which live in `styles.xml`.
fn odt_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let mut out = TextOut::default();
    xml_text_into(&zip_entry(bytes, "content.xml")?, Dialect::Odt, Scope::All, &mut out)?;
    if !out.full && zip_names(bytes)?.iter().any(|name| name == "styles.xml") {
        let mut styles = TextOut::default();
        xml_text_into(&zip_entry(bytes, "styles.xml")?, Dialect::Odt, Scope::HeadersAndFooters, &mut styles)?;
        if !styles.text.trim().is_empty() {
            out.push("\n");
            out.push(&styles.text);
        }
    }
    Ok(out.text)
}

/// The names of the entries of a zip.
fn zip_names(bytes: &[u8]) -> Result<Vec<String>, ExtractError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ExtractError::Corrupt("the zip container is broken".into()))?;
    archive
        .file_names()
        .map(|name| {
            name.map(String::from).map_err(|_| ExtractError::Corrupt("a zip entry name is not readable".into()))
        })
        .collect()
}

/// One entry of a zip, as UTF-8, refusing it when it declares or inflates to more than
/// [`MAX_ENTRY_SIZE`]. The declared size is only a claim: the read itself is capped too.
fn zip_entry(bytes: &[u8], name: &str) -> Result<String, ExtractError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ExtractError::Corrupt("the zip container is broken".into()))?;
    let entry = archive.by_name(name).map_err(|error| match error {
        zip::result::ZipError::FileNotFound => ExtractError::Corrupt(format!("the part {name} is missing")),
        _ => ExtractError::Corrupt(format!("the part {name} cannot be opened")),
    })?;
    if entry.size() > MAX_ENTRY_SIZE {
        return Err(ExtractError::TooLarge);
    }
    let mut data = Vec::with_capacity(entry.size() as usize);
    entry
        .take(MAX_ENTRY_SIZE + 1)
        .read_to_end(&mut data)
        .map_err(|_| ExtractError::Corrupt(format!("the part {name} cannot be decompressed")))?;
    if data.len() as u64 > MAX_ENTRY_SIZE {
        return Err(ExtractError::TooLarge);
    }
    String::from_utf8(data).map_err(|_| ExtractError::Corrupt(format!("the part {name} is not UTF-8")))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dialect {
    /// WordprocessingML: text in `w:t`, paragraphs `w:p`, `w:tab`, `w:br`/`w:cr`.
    Docx,
    /// ODF text: paragraphs and headings `text:p`/`text:h`, `text:s`, `text:tab`,
    /// `text:line-break`.
    Odt,
}

/// Which text of an XML part is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    All,
    /// Only inside page headers and footers (`style:header`, `style:footer-left`, ...):
    /// the rest of an ODT's `styles.xml` is not text of the document.
    HeadersAndFooters,
}

/// The text of a DOCX or ODT body. Elements are matched by local name (prefixes vary
/// between producers); entities other than XML's five and character references are not
/// expanded (no "billion laughs").
#[cfg(test)]
fn xml_text(xml: &str, dialect: Dialect) -> Result<String, ExtractError> {
    let mut out = TextOut::default();
    xml_text_into(xml, dialect, Scope::All, &mut out)?;
    Ok(out.text)
}

/// [`xml_text`] into `out`, for the parts of `scope`. A DOCX text box is written twice
/// (the drawing, and a `mc:Fallback` copy for older readers): the copy is skipped; so are
/// an ODT comment's author and date and a note's number.
fn xml_text_into(xml: &str, dialect: Dialect, scope: Scope, out: &mut TextOut) -> Result<(), ExtractError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    // DOCX: inside a `w:t`; ODT: inside a paragraph or heading (how many, nested).
    let mut in_text = 0usize;
    // Inside what is not text of the document (how many, nested): a DOCX `mc:Fallback`,
    // an ODT comment's author and date, a note's number.
    let mut in_fallback = 0usize;
    // Inside a header or footer (how many, nested): counted only for that scope.
    let mut in_scope = usize::from(scope == Scope::All);
    let scoped =
        |name: &str| scope == Scope::HeadersAndFooters && (name.starts_with("header") || name.starts_with("footer"));
    let broken = |_| ExtractError::Corrupt("the document XML is malformed".into());
    loop {
        match reader.read_event().map_err(broken)? {
            Event::Start(element) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(ExtractError::TooDeep);
                }
                let local = element.local_name();
                let name: &str = local.as_ref();
                if scoped(name) {
                    in_scope += 1;
                }
                let reading = in_fallback == 0 && in_scope > 0;
                match (dialect, name) {
                    (Dialect::Docx, "Fallback") | (Dialect::Odt, "creator" | "date" | "note-citation") => {
                        in_fallback += 1
                    }
                    (Dialect::Docx, "t") | (Dialect::Odt, "p" | "h") => in_text += 1,
                    (_, name) if reading => out.push(empty_element_text(dialect, name, &element)),
                    _ => {}
                }
            }
            Event::Empty(element) if in_fallback == 0 && in_scope > 0 => {
                out.push(empty_element_text(dialect, element.local_name().as_ref(), &element))
            }
            Event::End(element) => {
                depth = depth.saturating_sub(1);
                let reading = in_fallback == 0 && in_scope > 0;
                let local = element.local_name();
                let name: &str = local.as_ref();
                match (dialect, name) {
                    (Dialect::Docx, "Fallback") | (Dialect::Odt, "creator" | "date" | "note-citation") => {
                        in_fallback = in_fallback.saturating_sub(1)
                    }
                    (Dialect::Docx, "t") => in_text = in_text.saturating_sub(1),
                    (Dialect::Docx, "p") if reading => out.push("\n"),
                    (Dialect::Odt, "p" | "h") => {
                        in_text = in_text.saturating_sub(1);
                        if reading {
                            out.push("\n");
                        }
                    }
                    _ => {}
                }
                if scoped(name) {
                    in_scope = in_scope.saturating_sub(1);
                }
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) if in_fallback > 0 || in_scope == 0 => {}
            Event::Text(text) if in_text > 0 => out.push(&text.xml10_content()),
            Event::CData(data) if in_text > 0 => out.push(&data),
            Event::GeneralRef(reference) if in_text > 0 => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*reference {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                    Err(_) => None,
                };
                if let Some(c) = resolved {
                    out.push(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.full {
            break;
        }
    }
    Ok(())
}

/// The text an element without content stands for (tabs, breaks, runs of spaces).
fn empty_element_text(dialect: Dialect, local_name: &str, element: &quick_xml::events::BytesStart<'_>) -> &'static str {
    const SPACES: &str = match std::str::from_utf8(&[b' '; MAX_ODT_SPACES]) {
        Ok(s) => s,
        Err(_) => "",
    };
    match (dialect, local_name) {
        (_, "tab") => "\t",
        (Dialect::Docx, "br" | "cr") | (Dialect::Odt, "line-break") => "\n",
        (Dialect::Odt, "s") => {
            let count = element
                .attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == "c")
                .and_then(|a| a.value.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .min(MAX_ODT_SPACES);
            &SPACES[..count]
        }
        _ => "",
    }
}

// ---------------------------------------------------------------------------------------

/// Text being gathered, cut at [`MAX_TEXT_LEN`] on a character boundary.
#[derive(Default)]
pub(super) struct TextOut {
    pub(super) text: String,
    pub(super) full: bool,
}

impl TextOut {
    pub(super) fn push(&mut self, s: &str) {
        if self.full {
            return;
        }
        let room = MAX_TEXT_LEN - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
        } else {
            let mut cut = room;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            self.text.push_str(&s[..cut]);
            self.full = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn docx_paragraphs_runs_tabs_and_breaks() {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document {W}><w:body>
            <w:p><w:r><w:t>Jeanne</w:t></w:r><w:r><w:t xml:space="preserve"> Martin</w:t></w:r></w:p>
            <w:p><w:r><w:t>Rust</w:t><w:tab/><w:t>C&amp;C++ &#233;t&#xE9;</w:t><w:br/><w:t>Lyon</w:t></w:r></w:p>
            <w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>
            </w:body></w:document>"#
        );
        assert_eq!(xml_text(&xml, Dialect::Docx).unwrap(), "Jeanne Martin\nRust\tC&C++ été\nLyon\n\n");
    }

    #[test]
    fn odt_paragraphs_headings_spaces() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
            <text:h text:outline-level="1">Curriculum</text:h>
            <text:p>A<text:s text:c="3"/>B<text:tab/>C<text:line-break/>D <text:span>span</text:span></text:p>
            <text:p>E<text:s/>F<text:s text:c="99999999"/></text:p>
            </office:text></office:body></office:document-content>"#;
        let text = xml_text(xml, Dialect::Odt).unwrap();
        assert!(text.starts_with("Curriculum\nA   B\tC\nD span\nE F"), "{text:?}");
        assert_eq!(text.len(), "Curriculum\nA   B\tC\nD span\nE F".len() + MAX_ODT_SPACES + 1);
    }

    #[test]
    fn deep_xml_is_refused() {
        let xml = format!("{}{}", "<a>".repeat(MAX_XML_DEPTH + 1), "</a>".repeat(MAX_XML_DEPTH + 1));
        assert_eq!(xml_text(&xml, Dialect::Docx), Err(ExtractError::TooDeep));
        let xml = format!("{}{}", "<a>".repeat(MAX_XML_DEPTH), "</a>".repeat(MAX_XML_DEPTH));
        assert_eq!(xml_text(&xml, Dialect::Docx), Ok(String::new()));
    }

    #[test]
    fn malformed_xml_is_corrupt_and_custom_entities_are_not_expanded() {
        assert!(matches!(xml_text("<w:p><w:t>x</w:p>", Dialect::Docx), Err(ExtractError::Corrupt(_))));
        let xml = r#"<!DOCTYPE d [<!ENTITY lol "lollollol">]><d><t>a&lol;b</t></d>"#;
        assert_eq!(xml_text(xml, Dialect::Docx).unwrap(), "ab");
    }

    #[test]
    fn text_is_cut_at_the_cap_on_a_char_boundary() {
        let long = "é".repeat(MAX_TEXT_LEN); // 2 bytes each
        let text = extract_text(DocumentFormat::Text, long.as_bytes()).unwrap();
        assert_eq!(text.len(), MAX_TEXT_LEN);
        let text = extract_text(DocumentFormat::Text, "\u{FEFF}a".as_bytes()).unwrap();
        assert_eq!(text, "a");
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        assert!(matches!(extract_text(DocumentFormat::Pdf, b"%PDF-1.4\nnonsense"), Err(ExtractError::Corrupt(_))));
        assert!(matches!(extract_text(DocumentFormat::Docx, b"PK\x03\x04junk"), Err(ExtractError::Corrupt(_))));
        assert!(matches!(extract_text(DocumentFormat::Odt, b""), Err(ExtractError::Corrupt(_))));
    }
}
