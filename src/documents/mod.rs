//! Documents: recognise a candidate's file by its content and extract its text safely.
//!
//! This module owns what Vivier accepts as a document (PDF, Word DOCX, OpenDocument text
//! and plain UTF-8 text, DESIGN.md §3 and issue 3), the size limit, and text extraction.
//! It never touches SQL (the `store` keeps the bytes and the text) and it never writes a
//! byte of a document anywhere but into memory and pipes: no temporary file, no log line,
//! no message on stderr carries document content. The one exception is asked for by the
//! user: a copy saved where they chose (`copy`, [`Store::save_document_copy`](crate::db::Store::save_document_copy)).
//!
//! # Recognising a file
//! - [`sniff`] looks at the bytes only: `%PDF-` is a PDF; a zip with `word/document.xml`
//!   is a DOCX; a zip whose `mimetype` entry is `application/vnd.oasis.opendocument.text`
//!   is an ODT; valid UTF-8 (a BOM allowed) without NULs or binary control bytes is text.
//!   Anything else, other zip containers included (xlsx, epub, a plain zip), is refused.
//! - [`check_name`] compares the file's extension with what the content is: a `.pdf` that
//!   is really a DOCX is refused, naming both. A name without an extension lets the content
//!   decide; an unknown extension is refused.
//! - [`check_size`] refuses a file over the limit ([`DEFAULT_SIZE_LIMIT`], 20 MB).
//!
//! Every refusal is a [`DocumentError`] with a stable [`code`](DocumentError::code) and a
//! message that says what to do.
//!
//! # Extracting text
//! - [`extract_text`] works in-process and is bounded: zip entries over
//!   [`MAX_ENTRY_SIZE`] (declared or actually inflated) are refused, XML nesting over
//!   [`MAX_XML_DEPTH`] is refused, PDF streams are decompressed with a limit, and the text
//!   is cut at [`MAX_TEXT_LEN`]. It still parses hostile input, so the application does
//!   not call it directly: it runs it in a child process.
//! - PDF text is rebuilt as a reader sees it (`pdf/`): words from the glyphs' positions
//!   (producers such as pdfTeX write no spaces), lines and columns in reading order,
//!   hyphenated line ends joined, fonts' `ToUnicode` maps, encodings and glyph names read,
//!   ligatures decomposed; a PDF that opens without a password is decrypted (RC4, AES).
//! - [`Extractor`] starts that child (`program args…`), writes the document to its stdin
//!   (a pipe, never a file), and reads one JSON answer from its stdout. The child gets an
//!   address-space limit ([`Extractor::memory_limit`], 1 GiB by default), a CPU-time limit,
//!   no core dumps and no right to write files; it is killed after
//!   [`Extractor::timeout`] (10 s by default). Its environment is cleared (a passphrase in
//!   the parent's environment does not reach it). Whatever goes wrong — crash, kill,
//!   timeout, garbage, an [`ExtractError`] — the result is [`Extraction::NoText`] with a
//!   reason: the document is still stored, marked as having no text, with the reason's
//!   code ([`NoTextReason`]: no text, encrypted, unreadable) for the profile to show.
//! - [`run_child`] is the child's entry point: the CLI's hidden `vivier __extract-text
//!   <format>` and the desktop app call it and return its exit code.
//!
//! # The child protocol
//! The format comes from the environment variable `VIVIER_EXTRACT_FORMAT` (which
//! [`Extractor`] always sets), or else from the last command-line argument (`pdf`, `docx`,
//! `odt` or `text`). The document comes on stdin. The answer is one line on stdout,
//! `VIVIER-EXTRACT ` followed by JSON, `{"text": "…"}` or `{"error": "…", "code": "…"}`;
//! other stdout lines are ignored, so a test harness may print around it.
//!
//! Many documents at once ([`Extractor::extract_many`], the mail intake's batches) go
//! through one child each share (two children at a time): `VIVIER_EXTRACT_FORMAT=batch`,
//! each document framed on stdin as `<format> <length>\n<bytes>` and answered by its own
//! answer line. Each document keeps its limits: the parent stops the child when one answer
//! takes longer than the timeout (the documents after it go to a new child), the child
//! gives each document its own CPU-time allowance under a hard limit for the lot, and its
//! address-space limit holds as for one document (nothing is kept from one to the next).
//!
//! For tests only, when `VIVIER_TEST=1` is also set, the child honours
//! `VIVIER_EXTRACT_TEST_HANG=1` (sleeps forever, to prove the timeout) and
//! `VIVIER_EXTRACT_TEST_ALLOC=<bytes>` (allocates and touches that much memory first, to
//! prove the memory limit); in the child of many documents, a document holding the bytes
//! of `VIVIER_EXTRACT_TEST_HANG_ON` hangs and one holding those of
//! `VIVIER_EXTRACT_TEST_ALLOC_ON` allocates `VIVIER_EXTRACT_TEST_ALLOC_SIZE` bytes first.
//! Without `VIVIER_TEST=1` all are ignored.
//!
//! # Example
//! ```no_run
//! use std::path::PathBuf;
//! use vivier::documents::{self, Extraction, Extractor};
//!
//! let bytes = b"Jeanne Martin\nRust engineer\n";
//! let format = documents::sniff(bytes)?;
//! documents::check_name("cv.txt", format)?;
//! documents::check_size(bytes.len() as u64, documents::DEFAULT_SIZE_LIMIT)?;
//! let extractor = Extractor::new(PathBuf::from("/usr/bin/vivier"), vec!["__extract-text".into()]);
//! match extractor.extract(format, bytes) {
//!     Extraction::Text(text) => assert!(text.contains("Rust")),
//!     Extraction::NoText { reason } => eprintln!("stored without text: {reason}"),
//! }
//! # Ok::<(), vivier::documents::DocumentError>(())
//! ```

mod child;
mod copy;
mod extract;
mod pdf;
mod sniff;
pub(crate) mod stored;

use serde::{Deserialize, Serialize};

use crate::error::Code;
pub use child::{CHILD_ARG, CHILDREN, Extraction, Extractor, NoTextReason, run_child};
pub(crate) use copy::PartFile;
pub use extract::{MAX_ENTRY_SIZE, MAX_TEXT_LEN, MAX_XML_DEPTH, extract_text};
pub use sniff::{DEFAULT_SIZE_LIMIT, check_name, check_size, sniff};
pub use stored::{DOCUMENT_KINDS, MASK, OriginalUse, SIZE_LIMIT_SETTING, Upload};
pub(crate) use stored::{document_info, original_of};

/// What a document is, as recognised from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    Pdf,
    Docx,
    Odt,
    Text,
}

impl DocumentFormat {
    /// Every format, in a stable order.
    pub const ALL: [DocumentFormat; 4] = [Self::Pdf, Self::Docx, Self::Odt, Self::Text];

    /// The stable short name: `pdf`, `docx`, `odt`, `text`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Odt => "odt",
            Self::Text => "text",
        }
    }

    /// The media (MIME) type, e.g. for an email attachment or a download.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    /// A human description, as used in messages: "a Word document (DOCX)".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Pdf => "a PDF document",
            Self::Docx => "a Word document (DOCX)",
            Self::Odt => "an OpenDocument text (ODT)",
            Self::Text => "plain text",
        }
    }

    /// Parse the short name given by [`as_str`](Self::as_str).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for DocumentFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file is refused as a document (nothing is stored), or a copy of one is not written
/// (nothing is left where it was asked for).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The content (or the extension) is not a format Vivier accepts.
    #[error(
        "this file is not a supported document ({what}); Vivier accepts PDF, Word (DOCX), OpenDocument text (ODT) \
         and plain text: export or save it in one of these formats and add it again"
    )]
    Unsupported { what: String },
    /// The extension says one format, the content another.
    #[error(
        "the file is named .{extension} but its content is {}; check that it is the right file, \
         or rename it with the extension that matches its content",
        found.describe()
    )]
    Mismatch { extension: String, found: DocumentFormat },
    /// The file is over the size limit.
    #[error(
        "the file is {} but documents are limited to {}; reduce it (e.g. export the PDF with smaller images) \
         or raise the limit in the settings",
        human_size(*len),
        human_size(*limit)
    )]
    TooLarge { len: u64, limit: u64 },
    /// The file has no content at all.
    #[error("the file is empty; check that it was fully downloaded or saved, and add it again")]
    Empty,
    /// A copy of a document could not be written where asked; nothing was left there. The
    /// reason is the system's, never a path or content.
    #[error(
        "the copy could not be written ({reason}); check that the folder exists, is writable and has space, then save again"
    )]
    CopyFailed { reason: String, disk_full: bool },
}

impl DocumentError {
    /// A stable code for programs (the UI, `--json`); the message is for people.
    pub fn code(&self) -> Code {
        match self {
            Self::Unsupported { .. } => Code::UnsupportedDocument,
            Self::Mismatch { .. } => Code::DocumentMismatch,
            Self::TooLarge { .. } => Code::DocumentTooLarge,
            Self::Empty => Code::EmptyDocument,
            Self::CopyFailed { disk_full: true, .. } => Code::DiskFull,
            Self::CopyFailed { .. } => Code::Io,
        }
    }
}

/// Why the text of a document could not be extracted. The document itself is still
/// stored; it is marked as having no text. Messages never quote document content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// A password-protected PDF.
    #[error(
        "the PDF is encrypted (password-protected), so its text cannot be read; ask for an unprotected copy if the text is needed"
    )]
    Encrypted,
    /// The file is damaged or not what it claims to be; the string says which part (never
    /// any content).
    #[error("the document is damaged ({0}), so its text cannot be read")]
    Corrupt(String),
    /// A part of the document is, or inflates to, more than the allowed size.
    #[error(
        "the document inflates to more than {} once decompressed, so its text is not read",
        human_size(MAX_ENTRY_SIZE)
    )]
    TooLarge,
    /// The document's structure nests deeper than is safe to read.
    #[error("the document's structure is nested too deeply to be read safely")]
    TooDeep,
}

impl ExtractError {
    /// A stable code for programs.
    pub fn code(&self) -> Code {
        match self {
            Self::Encrypted => Code::Encrypted,
            Self::Corrupt(_) => Code::Corrupt,
            Self::TooLarge => Code::TooLarge,
            Self::TooDeep => Code::TooDeep,
        }
    }
}

/// "20 MB", "1.5 MB", "900 bytes": decimal units, as file managers show them.
fn human_size(len: u64) -> String {
    const MB: u64 = 1000 * 1000;
    const KB: u64 = 1000;
    if len >= MB {
        let tenths = (len * 10 + MB / 2) / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if len >= KB {
        format!("{} KB", (len + KB / 2) / KB)
    } else {
        format!("{len} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(DocumentError::Empty.code(), "empty_document");
        assert_eq!(DocumentError::Unsupported { what: "x".into() }.code(), "unsupported_document");
        assert_eq!(
            DocumentError::Mismatch { extension: "pdf".into(), found: DocumentFormat::Docx }.code(),
            "document_mismatch"
        );
        assert_eq!(DocumentError::TooLarge { len: 2, limit: 1 }.code(), "document_too_large");
        assert_eq!(ExtractError::Encrypted.code(), "encrypted");
        assert_eq!(ExtractError::TooDeep.code(), "too_deep");
    }

    #[test]
    fn format_names_round_trip() {
        for f in DocumentFormat::ALL {
            assert_eq!(DocumentFormat::from_name(f.as_str()), Some(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.as_str()));
        }
        assert_eq!(DocumentFormat::from_name("exe"), None);
        assert_eq!(
            DocumentFormat::Docx.media_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(20 * 1000 * 1000), "20 MB");
        assert_eq!(human_size(25_340_000), "25.3 MB");
        assert_eq!(human_size(1500), "2 KB");
        assert_eq!(human_size(12), "12 bytes");
    }
}
