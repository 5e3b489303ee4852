//! Recognising a document by its content, and checking its name and size against it.

use std::io::{Cursor, Read};

use super::{DocumentError, DocumentFormat};

/// The default document size limit: 20 MB (decimal, as file managers show it).
pub const DEFAULT_SIZE_LIMIT: u64 = 20 * 1000 * 1000;

const ODT_MIMETYPE: &str = "application/vnd.oasis.opendocument.text";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Recognise a document by its content only (never its name). See the module docs for the
/// rules; anything not recognised is [`DocumentError::Unsupported`], an empty file is
/// [`DocumentError::Empty`].
pub fn sniff(bytes: &[u8]) -> Result<DocumentFormat, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(DocumentFormat::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return sniff_zip(bytes);
    }
    if is_text(bytes) {
        return Ok(DocumentFormat::Text);
    }
    Err(DocumentError::Unsupported { what: "its content is not a document format Vivier knows".into() })
}

fn sniff_zip(bytes: &[u8]) -> Result<DocumentFormat, DocumentError> {
    let unsupported = |what: &str| DocumentError::Unsupported { what: what.into() };
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Err(unsupported("it looks like a zip archive but cannot be opened"));
    };
    // ODF: the `mimetype` entry names the kind of document (text, spreadsheet, …).
    if let Ok(entry) = archive.by_name("mimetype") {
        let mut mimetype = Vec::new();
        // A mimetype is a short line; read a few bytes more than the longest expected.
        if entry.take(128).read_to_end(&mut mimetype).is_ok() && mimetype.trim_ascii() == ODT_MIMETYPE.as_bytes() {
            return Ok(DocumentFormat::Odt);
        }
        return Err(unsupported("an archive that is not an OpenDocument text, such as a spreadsheet or an e-book"));
    }
    if archive.index_for_name("word/document.xml").is_some() {
        return Ok(DocumentFormat::Docx);
    }
    Err(unsupported("a zip archive that is not a Word or OpenDocument text, such as a spreadsheet or a folder archive"))
}

/// Valid UTF-8 (after an optional BOM) without NUL or other binary control bytes. Tabs,
/// line breaks and form feeds are text.
fn is_text(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    std::str::from_utf8(body).is_ok() && !body.iter().any(|&b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F))
}

/// Check the file's name against its recognised content.
///
/// `.pdf`, `.docx`, `.odt` must hold what they say; `.txt`, `.text`, `.md` and `.markdown`
/// must hold text. A name without an extension lets the content decide. Any other
/// extension is refused as unsupported (e.g. `.doc`, `.rtf`, `.pages`).
pub fn check_name(file_name: &str, format: DocumentFormat) -> Result<(), DocumentError> {
    let Some(extension) = extension(file_name) else {
        return Ok(());
    };
    let expected = match extension.as_str() {
        "pdf" => DocumentFormat::Pdf,
        "docx" => DocumentFormat::Docx,
        "odt" => DocumentFormat::Odt,
        "txt" | "text" | "md" | "markdown" => DocumentFormat::Text,
        _ => return Err(DocumentError::Unsupported { what: format!("files named .{extension} are not accepted") }),
    };
    if expected == format { Ok(()) } else { Err(DocumentError::Mismatch { extension, found: format }) }
}

/// The lowercased extension of the last path component, if it has one ("cv.PDF" → "pdf";
/// ".profile" and "cv." have none).
fn extension(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, extension) = base.rsplit_once('.')?;
    if stem.is_empty() || extension.is_empty() {
        return None;
    }
    Some(extension.to_lowercase())
}

/// Refuse a file of `len` bytes when it is over `limit` bytes.
pub fn check_size(len: u64, limit: u64) -> Result<(), DocumentError> {
    if len > limit { Err(DocumentError::TooLarge { len, limit }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_header_is_a_pdf() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(DocumentFormat::Pdf));
        assert!(matches!(sniff(b"%PDX-1.7\n\x00"), Err(DocumentError::Unsupported { .. })));
    }

    #[test]
    fn text_rules() {
        assert_eq!(sniff("Émilie Durand\r\n\tPython\x0c".as_bytes()), Ok(DocumentFormat::Text));
        assert_eq!(sniff(b"\xEF\xBB\xBFwith a BOM"), Ok(DocumentFormat::Text));
        assert!(sniff(b"nul\x00inside").is_err());
        assert!(sniff(b"escape \x1b[31m").is_err());
        assert!(sniff(b"latin-1 \xe9t\xe9").is_err());
        assert_eq!(sniff(b""), Err(DocumentError::Empty));
    }

    #[test]
    fn broken_zip_is_unsupported() {
        assert!(matches!(sniff(b"PK\x03\x04not really a zip"), Err(DocumentError::Unsupported { .. })));
    }

    #[test]
    fn extensions() {
        assert_eq!(extension("cv.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension("dir.d/cv").as_deref(), None);
        assert_eq!(extension(r"C:\Users\a.b\cv.Docx").as_deref(), Some("docx"));
        assert_eq!(extension(".profile"), None);
        assert_eq!(extension("cv."), None);
    }

    #[test]
    fn name_must_match_content() {
        assert_eq!(check_name("cv.pdf", DocumentFormat::Pdf), Ok(()));
        assert_eq!(check_name("notes.md", DocumentFormat::Text), Ok(()));
        assert_eq!(check_name("README", DocumentFormat::Text), Ok(()));
        assert_eq!(check_name("scan", DocumentFormat::Pdf), Ok(()));
        let err = check_name("cv.pdf", DocumentFormat::Docx).unwrap_err();
        assert!(
            err.to_string().starts_with("the file is named .pdf but its content is a Word document (DOCX)"),
            "{err}"
        );
        assert_eq!(err.code(), "document_mismatch");
        let err = check_name("cv.txt", DocumentFormat::Pdf).unwrap_err();
        assert!(err.to_string().contains(".txt but its content is a PDF document"), "{err}");
        let err = check_name("cv.doc", DocumentFormat::Text).unwrap_err();
        assert_eq!(err.code(), "unsupported_document");
        assert!(err.to_string().contains(".doc"), "{err}");
    }

    #[test]
    fn size_limit() {
        assert_eq!(check_size(DEFAULT_SIZE_LIMIT, DEFAULT_SIZE_LIMIT), Ok(()));
        let err = check_size(DEFAULT_SIZE_LIMIT + 1, DEFAULT_SIZE_LIMIT).unwrap_err();
        assert_eq!(err.code(), "document_too_large");
        assert!(err.to_string().contains("limited to 20 MB"), "{err}");
    }
}
