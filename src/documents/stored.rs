//! Documents as stored with a candidate: checked (kind, name, size, content), their text
//! extracted before the transaction, flagged by the guard, indexed; read back masked unless
//! a reveal is asked for (and audited as one). Each audited read has a `read_…` form for a
//! reader connection, which returns the audit entry owed instead of writing it.

use rusqlite::params;

use crate::audit::{PendingAudit, append};
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_ts, ts};
use crate::guard::policy::{CandidateText, Flagged};
use crate::guard::{Category, flags, policy};
use crate::pipeline::{PipelineError, Stamp};

use crate::documents::{self, DocumentFormat, Extraction, Extractor, NoTextReason};
use crate::guard::policy::Span;
use crate::pipeline::DocumentInfo;
use crate::pipeline::candidates::resolve_candidate;
use crate::pipeline::index::{index_text, refused_spans};
use sha2::{Digest, Sha256};
type Result<T> = std::result::Result<T, PipelineError>;

/// A file handed in for a candidate.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// cv, letter or other
    pub kind: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// What stands in a preview for a masked passage.
pub const MASK: &str = "[████]";

/// Kinds of document a candidate can have.
pub const DOCUMENT_KINDS: [&str; 3] = ["cv", "letter", "other"];

/// The setting that holds the document size limit in bytes.
pub const SIZE_LIMIT_SETTING: &str = "documents.size_limit";

impl Store {
    // ----- documents -----

    /// The largest document accepted, in bytes: the `documents.size_limit` setting, else
    /// [`documents::DEFAULT_SIZE_LIMIT`]. Every door adds documents through
    /// [`Store::add_document`], which checks it; a door may check it earlier too (the CLI,
    /// before reading a file into memory).
    pub fn document_size_limit(&self) -> Result<u64> {
        Ok(self
            .setting(SIZE_LIMIT_SETTING)?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(documents::DEFAULT_SIZE_LIMIT))
    }

    /// Stores a document: recognised by its content (not its name), within the size limit,
    /// its text extracted by `extractor` in a bounded child process before the transaction.
    /// A failed extraction stores the document marked as having no text, with the code of
    /// the reason (`text_reason`: `no_text`, `encrypted`, `unreadable`).
    pub fn add_document(
        &mut self,
        stamp: &Stamp,
        candidate: &str,
        upload: Upload<'_>,
        extractor: &Extractor,
    ) -> Result<(DocumentInfo, Extraction)> {
        let checked = check_upload(upload, self.document_size_limit()?)?;
        // Make sure the candidate exists before the (slow) extraction.
        resolve_candidate(&self.conn, candidate)?;
        let (extraction, reason) = extractor.extract_with_reason(checked.format, checked.bytes);
        let text = DocumentText::of(&extraction, reason);
        let info = self.write(|tx| insert_document(tx, stamp, candidate, &checked, &text))?;
        Ok((info, extraction))
    }

    /// A document's original bytes, asked for knowingly (an export by a door that says so);
    /// audited as an export, or as a reveal when the document has refused passages. Doors
    /// that view or export on a user's behalf use [`Store::document_original`], which
    /// refuses those documents unless the reveal is asked for.
    pub fn document_content(&mut self, stamp: &Stamp, id: &str) -> Result<(DocumentInfo, Vec<u8>)> {
        self.audited(|tx| original_of(tx, stamp, id, OriginalUse::Export, true))
    }

    /// A document's original bytes, to view (its pages) or to export (a file). The original
    /// of a document with passages refused by the guard is refused ([`PipelineError::RevealRequired`])
    /// unless `reveal`: the masked text is what is shown of it by default. Audited as a
    /// reveal when there was something to unmask, else as a view or an export.
    pub fn document_original(
        &mut self,
        stamp: &Stamp,
        id: &str,
        purpose: OriginalUse,
        reveal: bool,
    ) -> Result<(DocumentInfo, Vec<u8>)> {
        self.audited(|tx| original_of(tx, stamp, id, purpose, reveal))
    }

    /// [`Store::document_original`] read without writing (on a `Reader`), with the audit
    /// entry owed to the log.
    pub fn read_document_original(
        &self,
        stamp: &Stamp,
        id: &str,
        purpose: OriginalUse,
        reveal: bool,
    ) -> Result<((DocumentInfo, Vec<u8>), PendingAudit)> {
        self.read(|tx| original_of(tx, stamp, id, purpose, reveal))
    }

    /// A document's extracted text (None when it has none), its sensitive passages masked
    /// unless `reveal` is asked for; audited as a view, or as a reveal.
    pub fn document_text(&mut self, stamp: &Stamp, id: &str, reveal: bool) -> Result<(DocumentInfo, Option<String>)> {
        self.audited(|tx| text_of(tx, stamp, id, reveal))
    }

    /// A document's text, read without writing (on a `Reader`), and the view's (or
    /// reveal's) audit entry, owed to the log.
    pub fn read_document_text(
        &self,
        stamp: &Stamp,
        id: &str,
        reveal: bool,
    ) -> Result<((DocumentInfo, Option<String>), PendingAudit)> {
        self.read(|tx| text_of(tx, stamp, id, reveal))
    }

    /// The flagged passages of a document: category and byte span in its extracted text.
    pub fn document_flags(&self, id: &str) -> Result<Vec<(String, Span)>> {
        let (_, uuid) = resolve(&self.conn, "documents", "document", id)?;
        flags::spans(&self.conn, "document", &uuid, "refused")
    }
}

/// Why a door asks for a document's original bytes: what its audit entry says when there is
/// nothing to reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginalUse {
    /// Its pages drawn on screen.
    View,
    /// Written out of Vivier (a file).
    Export,
}

/// Reads a document's bytes, refused when it has refused passages and `reveal` is not asked
/// for, and the audit entry owed: a reveal when there was something to unmask, else a view
/// or an export.
pub(crate) fn original_of(
    conn: &rusqlite::Connection,
    stamp: &Stamp,
    id: &str,
    purpose: OriginalUse,
    reveal: bool,
) -> Result<((DocumentInfo, Vec<u8>), PendingAudit)> {
    let (doc_id, uuid) = resolve(conn, "documents", "document", id)?;
    let info = document_info(conn, &uuid)?;
    let refused = flags::spans(conn, "document", &uuid, "refused")?;
    if !refused.is_empty() && !reveal {
        let mut categories: Vec<String> = refused
            .into_iter()
            .map(|(code, _)| Category::from_code(&code).map_or(code, |c| c.label_en().to_owned()))
            .collect();
        categories.sort();
        categories.dedup();
        return Err(PipelineError::RevealRequired { document: uuid, categories });
    }
    let action = match (refused.is_empty(), purpose) {
        (false, _) => "reveal",
        (true, OriginalUse::View) => "view",
        (true, OriginalUse::Export) => "export",
    };
    let bytes: Vec<u8> = conn.query_row("SELECT content FROM documents WHERE id = ?1", [doc_id], |r| r.get(0))?;
    let owed = PendingAudit::new(stamp, action, Some(&info.candidate_uuid), format!("document {uuid}"));
    Ok(((info, bytes), owed))
}

/// Reads a document's text, masked unless `reveal`, and the audit entry its view owes: a
/// reveal when there was something to unmask, else a view.
fn text_of(
    conn: &rusqlite::Connection,
    stamp: &Stamp,
    id: &str,
    reveal: bool,
) -> Result<((DocumentInfo, Option<String>), PendingAudit)> {
    let (doc_id, uuid) = resolve(conn, "documents", "document", id)?;
    let info = document_info(conn, &uuid)?;
    let text: Option<String> = conn.query_row("SELECT text FROM documents WHERE id = ?1", [doc_id], |r| r.get(0))?;
    let masked = refused_spans(conn, &uuid)?;
    let action = if reveal && !masked.is_empty() { "reveal" } else { "view" };
    let owed = PendingAudit::new(stamp, action, Some(&info.candidate_uuid), format!("document {uuid}"));
    let text = match (text, reveal) {
        (Some(t), false) => Some(policy::mask(&t, &masked, MASK)),
        (t, _) => t,
    };
    Ok(((info, text), owed))
}

pub(crate) fn document_info(conn: &rusqlite::Connection, uuid: &str) -> Result<DocumentInfo> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.uuid, c.uuid, d.kind, d.file_name, d.media_type, d.size, d.sha256, d.text_status, d.added_at,
                d.text_reason, d.superseded_at, {} AS outdated
         FROM documents d JOIN candidates c ON c.id = d.candidate_id WHERE d.uuid = ?1",
        crate::access::correction::OUTDATED
    ))?;
    Ok(stmt.query_row([uuid], |r| {
        Ok(DocumentInfo {
            uuid: r.get(0)?,
            candidate_uuid: r.get(1)?,
            kind: r.get(2)?,
            file_name: r.get(3)?,
            media_type: r.get(4)?,
            size: r.get(5)?,
            sha256: r.get(6)?,
            text_status: r.get(7)?,
            added_at: parse_ts(&r.get::<_, String>(8)?)?,
            text_reason: r.get::<_, Option<String>>(9)?.as_deref().and_then(NoTextReason::parse),
            superseded_at: r.get::<_, Option<String>>(10)?.as_deref().map(parse_ts).transpose()?,
            outdated: r.get(11)?,
        })
    })?)
}

/// A file checked as a document: kind, plain file name, size, content recognised and
/// matching its name. What [`Store::add_document`] checks before extracting.
pub(crate) struct CheckedUpload<'a> {
    pub kind: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub format: DocumentFormat,
}

/// Checks `upload` (see [`CheckedUpload`]) against the size limit `size_limit`.
pub(crate) fn check_upload(upload: Upload<'_>, size_limit: u64) -> Result<CheckedUpload<'_>> {
    let Upload { kind, file_name, bytes } = upload;
    if !DOCUMENT_KINDS.contains(&kind) {
        return Err(PipelineError::Invalid { field: "kind", reason: format!("\"{kind}\" is not cv, letter or other") });
    }
    let file_name = file_name.trim();
    if file_name.is_empty() || file_name.contains(['/', '\\', '\0']) {
        return Err(PipelineError::Invalid { field: "file name", reason: "must be a plain file name".into() });
    }
    documents::check_size(bytes.len() as u64, size_limit)?;
    let format: DocumentFormat = documents::sniff(bytes)?;
    documents::check_name(file_name, format)?;
    Ok(CheckedUpload { kind, file_name, bytes, format })
}

/// A document's extracted text as stored: the text (none when empty or not extracted),
/// its status and reason, and the guard's findings over it (flagged outside any
/// transaction: it is the slow part).
pub(crate) struct DocumentText {
    text: Option<String>,
    status: &'static str,
    reason: Option<&'static str>,
    /// Why there is no text, for people (never document content).
    why: Option<String>,
    flagged: Option<Flagged>,
}

impl DocumentText {
    /// Why the document has no text, when it has none.
    pub(crate) fn no_text_reason(&self) -> Option<&str> {
        self.why.as_deref()
    }

    pub(crate) fn of(extraction: &Extraction, reason: Option<NoTextReason>) -> DocumentText {
        match extraction {
            Extraction::Text(t) if !t.trim().is_empty() => DocumentText {
                // The candidate's own words are stored as given; passages of a sensitive
                // category are flagged, masked in previews and kept out of the search index.
                flagged: Some(CandidateText(t).flag()),
                text: Some(t.clone()),
                status: "extracted",
                reason: None,
                why: None,
            },
            _ => DocumentText {
                text: None,
                status: "none",
                reason: Some(reason.unwrap_or(NoTextReason::NoText).as_str()),
                why: match extraction {
                    Extraction::NoText { reason } => Some(reason.clone()),
                    Extraction::Text(_) => Some("the document contains no text".into()),
                },
                flagged: None,
            },
        }
    }
}

/// Stores a checked document with its text, inside the caller's transaction: the row,
/// the guard's flags, the search index, the audit entry.
pub(crate) fn insert_document(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    candidate: &str,
    checked: &CheckedUpload<'_>,
    text: &DocumentText,
) -> Result<DocumentInfo> {
    let CheckedUpload { kind, file_name, bytes, format } = *checked;
    let sha = hex::encode(Sha256::digest(bytes));
    let (cid, cuuid) = resolve_candidate(tx, candidate)?;
    let uuid = new_uuid();
    tx.prepare_cached(
        "INSERT INTO documents (uuid, candidate_id, kind, file_name, media_type, size, sha256, content, text,
                                text_status, text_reason, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        uuid,
        cid,
        kind,
        file_name,
        format.media_type(),
        bytes.len() as i64,
        sha,
        bytes,
        text.text,
        text.status,
        text.reason,
        ts(stamp.at)
    ])?;
    if let Some(flagged) = &text.flagged {
        flags::record(tx, Some(cid), "document", &uuid, &flagged.findings, stamp)?;
        index_text(tx, cid, "document", &uuid, &flagged.indexable)?;
    }
    append(tx, stamp, "document_add", Some(&cuuid), Some(&format!("{kind} {uuid}")))?;
    document_info(tx, &uuid)
}
