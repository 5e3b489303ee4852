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
/// The most PDF pages read.
const MAX_PDF_PAGES: usize = 10_000;
/// The most spaces one `<text:s text:c="…"/>` may stand for.
const MAX_ODT_SPACES: usize = 1000;

/// Extract the text of a document whose format was recognised by
/// [`sniff`](super::sniff). Bounded in memory and work (see the module docs), but it
/// parses hostile input: call it in the child process, through
/// [`Extractor`](super::Extractor).
pub fn extract_text(format: DocumentFormat, bytes: &[u8]) -> Result<String, ExtractError> {
    match format {
        DocumentFormat::Pdf => pdf_text(bytes),
        DocumentFormat::Docx => {
            let xml = zip_entry(bytes, "word/document.xml")?;
            xml_text(&xml, Dialect::Docx)
        }
        DocumentFormat::Odt => {
            let xml = zip_entry(bytes, "content.xml")?;
            xml_text(&xml, Dialect::Odt)
        }
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
// PDF

fn pdf_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let options = lopdf::LoadOptions { max_decompressed_size: Some(MAX_ENTRY_SIZE as usize), ..Default::default() };
    let document = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(error) => return Err(pdf_error(&error, declares_encryption(bytes))),
    };
    // Still encrypted after loading: lopdf could not open it without a password.
    if document.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let pages: Vec<u32> = document.get_pages().into_keys().take(MAX_PDF_PAGES).collect();
    if pages.is_empty() {
        return Err(ExtractError::Corrupt("the PDF has no pages".into()));
    }
    let mut out = TextOut::default();
    let mut read_any = false;
    let mut last_error = None;
    for page in pages {
        match document.extract_text_with_limit(&[page], MAX_ENTRY_SIZE as usize) {
            Ok(text) => {
                read_any = true;
                if !out.text.is_empty() && !out.text.ends_with('\n') {
                    out.push("\n");
                }
                out.push(&text);
            }
            Err(error) => last_error = Some(error),
        }
        if out.full {
            break;
        }
    }
    match last_error {
        Some(error) if !read_any => Err(pdf_error(&error, false)),
        _ => Ok(out.text),
    }
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

// ---------------------------------------------------------------------------------------
// Zip containers (DOCX, ODT)

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

/// The text of a DOCX or ODT body. Elements are matched by local name (prefixes vary
/// between producers); entities other than XML's five and character references are not
/// expanded (no "billion laughs").
fn xml_text(xml: &str, dialect: Dialect) -> Result<String, ExtractError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = TextOut::default();
    let mut depth = 0usize;
    // DOCX: inside a `w:t`; ODT: inside a paragraph or heading (how many, nested).
    let mut in_text = 0usize;
    let broken = |_| ExtractError::Corrupt("the document XML is malformed".into());
    loop {
        match reader.read_event().map_err(broken)? {
            Event::Start(element) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(ExtractError::TooDeep);
                }
                match (dialect, element.local_name().as_ref()) {
                    (Dialect::Docx, "t") | (Dialect::Odt, "p" | "h") => in_text += 1,
                    (_, name) => out.push(empty_element_text(dialect, name, &element)),
                }
            }
            Event::Empty(element) => out.push(empty_element_text(dialect, element.local_name().as_ref(), &element)),
            Event::End(element) => {
                depth = depth.saturating_sub(1);
                match (dialect, element.local_name().as_ref()) {
                    (Dialect::Docx, "t") => in_text = in_text.saturating_sub(1),
                    (Dialect::Docx, "p") => out.push("\n"),
                    (Dialect::Odt, "p" | "h") => {
                        in_text = in_text.saturating_sub(1);
                        out.push("\n");
                    }
                    _ => {}
                }
            }
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
    Ok(out.text)
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
struct TextOut {
    text: String,
    full: bool,
}

impl TextOut {
    fn push(&mut self, s: &str) {
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
