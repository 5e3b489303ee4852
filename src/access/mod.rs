//! The candidate's right of access (issue 14, promise P5): an archive of everything held on
//! one person, written where the user chose. It holds `data.json` (every table of the
//! person registry with its rows, driven by the registry walk so that nothing can be left
//! out), `schema.json` (its documented JSON Schema, [`schema`]), the original documents
//! (`documents/`, unmasked: they are the candidate's own, the reveal is audited), the raw
//! messages (`messages/*.eml`) and `summary.pdf` ([`summary`]), a readable account of the
//! purposes, categories, sources, recipients, retention and rights, in the candidate's
//! language. The export is audited with identifiers only. The archive is built in memory and
//! written whole or not at all (a temporary name in the chosen folder, then renamed).
//! Correction of identity and contact fields, and what follows it, is in [`correction`].

pub mod correction;
pub mod schema;
pub mod summary;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::Path;

use rusqlite::types::Value as SqlValue;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::audit::append;
use crate::db::Store;
use crate::db::time::ts;
use crate::documents::{OriginalUse, PartFile, original_of};
use crate::error::Code;
use crate::letters::format::Lang;
use crate::letters::{LetterError, company_of, pdf};
use crate::person::walk::{export_name, held_tables};
use crate::pipeline::candidates::{candidate_by_id, resolve_candidate};
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::facts::{facts_of, settings_of, status_of};
use summary::{Category, Retention, SummaryFacts};

/// What can go wrong with an access export or a correction.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),

    /// The summary names the employer, who is responsible for the data.
    #[error(
        "the summary must name the employer: set the company's name first (Settings → Company, or `vivier company set --name …`)"
    )]
    NoEmployer,

    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    /// The archive could not be written; nothing was left where it was asked. The reason is
    /// the system's, never a path or content.
    #[error(
        "the archive could not be written ({reason}); check that the folder exists, is writable and has space, then export again"
    )]
    WriteFailed { reason: String, disk_full: bool },

    #[error(transparent)]
    Letter(#[from] LetterError),
}

impl AccessError {
    pub fn code(&self) -> Code {
        match self {
            AccessError::Pipeline(e) => e.code(),
            AccessError::NoEmployer => Code::MergeFields,
            AccessError::Invalid { .. } => Code::InvalidInput,
            AccessError::WriteFailed { disk_full: true, .. } => Code::DiskFull,
            AccessError::WriteFailed { .. } => Code::Io,
            AccessError::Letter(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for AccessError {
    fn from(e: rusqlite::Error) -> AccessError {
        AccessError::Pipeline(e.into())
    }
}

fn write_failed(e: std::io::Error) -> AccessError {
    let disk_full = e.kind() == std::io::ErrorKind::StorageFull;
    AccessError::WriteFailed { reason: e.to_string(), disk_full }
}

fn zip_failed(e: zip::result::ZipError) -> AccessError {
    AccessError::WriteFailed { reason: e.to_string(), disk_full: false }
}

/// What an access export wrote (identifiers and counts only).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AccessArchive {
    pub candidate_uuid: String,
    /// The summary's language.
    pub language: Lang,
    /// Rows given in data.json, all tables together.
    pub rows: usize,
    pub documents: usize,
    pub messages: usize,
    /// Entries of the zip archive.
    pub entries: usize,
    /// Size of the archive in bytes.
    pub bytes: u64,
}

impl Store {
    /// Writes the access archive of `candidate` (UUID, prefix or email) to `dest`, the path
    /// of a file (replaced if there; a relative path is the current folder's). `lang` overrides the candidate's language for the
    /// summary. The audit entries (the export, and each original document given) are
    /// committed before the archive takes its name, so that it never exists unaudited.
    pub fn export_access(
        &mut self,
        stamp: &Stamp,
        candidate: &str,
        dest: &Path,
        lang: Option<Lang>,
    ) -> Result<AccessArchive, AccessError> {
        // A relative path (the command line's `-o archive.zip`) is the current folder's.
        let dest = std::path::absolute(dest).map_err(write_failed)?;
        let folder = match (dest.parent(), dest.file_name()) {
            (Some(folder), Some(_)) => folder,
            _ => {
                return Err(AccessError::Invalid {
                    field: "path",
                    reason: "must name the archive's file (e.g. /home/me/access.zip), not a folder".into(),
                });
            }
        };
        let (report, part) = self.write(|tx| -> Result<_, AccessError> {
            let (archive, report) = build(tx, stamp, candidate, lang)?;
            append(
                tx,
                stamp,
                "access_export",
                Some(&report.candidate_uuid),
                Some(&format!(
                    "{} rows, {} documents, {} messages, summary {}",
                    report.rows,
                    report.documents,
                    report.messages,
                    report.language.as_str()
                )),
            )?;
            let part = PartFile::write(folder, &archive).map_err(write_failed)?;
            Ok((report, part))
        })?;
        part.rename_to(&dest).map_err(write_failed)?;
        Ok(report)
    }
}

/// One file of the archive, named by where data.json points to it.
struct ArchiveFile {
    path: String,
    bytes: Vec<u8>,
}

/// A file's reference in data.json.
fn file_ref(path: &str, bytes: &[u8]) -> Value {
    json!({ "file": path, "bytes": bytes.len(), "sha256": hex::encode(Sha256::digest(bytes)) })
}

/// A file name safe in any archive tool: letters, digits, `.-_` kept, the rest `_`, at most
/// 80 characters.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(80)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "file".into() } else { cleaned }
}

fn text_of(row: &[(String, SqlValue)], column: &str) -> Option<String> {
    row.iter().find(|(c, _)| c == column).and_then(|(_, v)| match v {
        SqlValue::Text(t) => Some(t.clone()),
        _ => None,
    })
}

/// Builds the archive's bytes in the caller's transaction, appending the audit entries of
/// the original documents it gives.
fn build(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    candidate: &str,
    lang: Option<Lang>,
) -> Result<(Vec<u8>, AccessArchive), AccessError> {
    let (cid, uuid) = resolve_candidate(tx, candidate)?;
    let person = candidate_by_id(tx, cid)?;
    let company = company_of(tx)?;
    if company.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(AccessError::NoEmployer);
    }
    let lang = lang.unwrap_or(match person.language {
        crate::pipeline::Language::Fr => Lang::Fr,
        crate::pipeline::Language::En => Lang::En,
    });
    // The originals first, by the engine's one rule for a document's original: the
    // candidate's own, so revealed, and each audited, before the walk reads the audit log
    // (so that the archive holds the record of its own documents' export).
    let mut originals: BTreeMap<String, (String, Vec<u8>)> = BTreeMap::new();
    let mut stmt = tx.prepare("SELECT uuid FROM documents WHERE candidate_id = ?1 ORDER BY id")?;
    let doc_uuids: Vec<String> = stmt.query_map([cid], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    for doc in doc_uuids {
        let ((info, bytes), owed) = original_of(tx, stamp, &doc, OriginalUse::Export, true)?;
        owed.append_in(tx)?;
        originals.insert(doc, (format!("documents/{}-{}", info.uuid, safe_name(&info.file_name)), bytes));
    }
    let held = held_tables(tx, cid, &uuid)?;
    let mut files: Vec<ArchiveFile> = Vec::new();
    let mut tables = Map::new();
    let mut categories: BTreeMap<Category, usize> = BTreeMap::new();
    let (mut rows_given, mut documents, mut messages) = (0, 0, 0);
    for table in held {
        let name = table.table.name;
        if !table.rows.is_empty()
            && let Some(category) = Category::of_table(name)
        {
            *categories.entry(category).or_default() += table.rows.len();
        }
        let mut rows = Vec::with_capacity(table.rows.len());
        for (i, row) in table.rows.into_iter().enumerate() {
            let row_uuid = text_of(&row, "uuid");
            let mut object = Map::new();
            for (column, value) in row.iter().cloned() {
                let value = match value {
                    SqlValue::Blob(blob) => {
                        let (path, bytes) = match (name, column.as_str(), &row_uuid) {
                            ("documents", "content", Some(doc)) if let Some(original) = originals.remove(doc) => {
                                documents += 1;
                                original
                            }
                            ("messages", "raw", Some(m)) => {
                                messages += 1;
                                (format!("messages/{m}.eml"), blob)
                            }
                            ("outbox", "raw", Some(m)) => {
                                messages += 1;
                                (format!("messages/outbox-{m}.eml"), blob)
                            }
                            _ => (format!("files/{name}/{}-{}.bin", i + 1, safe_name(&column)), blob),
                        };
                        let reference = file_ref(&path, &bytes);
                        files.push(ArchiveFile { path, bytes });
                        reference
                    }
                    other => crate::person::walk::plain(other),
                };
                object.insert(column, value);
            }
            rows.push(Value::Object(object));
        }
        rows_given += rows.len();
        tables.insert(name.into(), json!({ "export": export_name(table.table.export), "rows": rows }));
    }

    let context = json!({ "jobs": jobs_of(tx, cid)?, "custom_fields": custom_fields_of(tx, cid)? });
    let data = json!({
        "format": "vivier-access-export",
        "version": 1,
        "generated_at": ts(stamp.at),
        "candidate_uuid": uuid,
        "language": lang.as_str(),
        "context": context,
        "tables": tables,
    });
    let schema = schema::schema(tx)?;

    let status = status_of(tx, cid, stamp.at)?;
    let (_, _, facts) = facts_of(tx, cid)?;
    let settings = settings_of(tx)?;
    let hired_years = facts.hires.first().map(|h| settings.years_for(&h.country));
    let (source_kind, source_detail): (String, Option<String>) =
        tx.query_row("SELECT source, source_detail FROM candidates WHERE id = ?1", [cid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let summary_facts = SummaryFacts {
        lang,
        company,
        candidate_name: person.full_name.clone(),
        emails: person.emails.clone(),
        source: (source_kind, source_detail),
        categories: categories.into_iter().collect(),
        retention: Retention {
            due: status.due.map(|d| d.date_naive()),
            rule: status.rule,
            held: status.held,
            pool_months: settings.pool_months(),
            hired_years,
            objected: status.objected_at.is_some(),
        },
        generated: stamp.at,
    };
    let summary = pdf::render(&summary::letter(&summary_facts))?;

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().unix_permissions(0o600);
    let mut entries = 0;
    let mut put = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>, path: &str, bytes: &[u8]| -> Result<(), AccessError> {
        zip.start_file(path, options).map_err(zip_failed)?;
        zip.write_all(bytes).map_err(write_failed)?;
        entries += 1;
        Ok(())
    };
    let pretty = |v: &Value| {
        serde_json::to_vec_pretty(v).map_err(|e| AccessError::Invalid { field: "data", reason: e.to_string() })
    };
    put(&mut zip, "data.json", &pretty(&data)?)?;
    put(&mut zip, "schema.json", &pretty(&schema)?)?;
    put(&mut zip, "summary.pdf", &summary)?;
    for file in &files {
        put(&mut zip, &file.path, &file.bytes)?;
    }
    let bytes = zip.finish().map_err(zip_failed)?.into_inner();
    let report = AccessArchive {
        candidate_uuid: uuid,
        language: lang,
        rows: rows_given,
        documents,
        messages,
        entries,
        bytes: bytes.len() as u64,
    };
    Ok((bytes, report))
}

/// The jobs the candidate applied to.
fn jobs_of(tx: &rusqlite::Connection, cid: i64) -> Result<Vec<Value>, AccessError> {
    let mut stmt = tx.prepare(
        "SELECT DISTINCT j.id, j.uuid, j.title, j.location, j.country FROM jobs j
         JOIN applications a ON a.job_id = j.id WHERE a.candidate_id = ?1 ORDER BY j.id",
    )?;
    let rows = stmt.query_map([cid], |r| {
        Ok(json!({
            "id": r.get::<_, i64>(0)?,
            "uuid": r.get::<_, String>(1)?,
            "title": r.get::<_, String>(2)?,
            "location": r.get::<_, Option<String>>(3)?,
            "country": r.get::<_, String>(4)?,
        }))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The employer's own fields the candidate has values for.
fn custom_fields_of(tx: &rusqlite::Connection, cid: i64) -> Result<Vec<Value>, AccessError> {
    let mut stmt = tx.prepare(
        "SELECT DISTINCT f.id, f.name FROM custom_fields f JOIN custom_values v ON v.field_id = f.id
         JOIN applications a ON a.id = v.application_id WHERE a.candidate_id = ?1 ORDER BY f.id",
    )?;
    let rows = stmt.query_map([cid], |r| Ok(json!({ "id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)? })))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
