//! The search index's writes and reads: one passage per source row (a profile, a note, a
//! document's text with its refused passages blanked), and the text a snippet is cut from
//! (the index is contentless, so it comes from the source row, masked).

use rusqlite::{OptionalExtension, params};

use crate::guard::{flags, policy};
use crate::pipeline::{Candidate, PipelineError};

use crate::documents::MASK;
use crate::guard::policy::Span;
use crate::pipeline::candidates::candidate_by_id;
type Result<T> = std::result::Result<T, PipelineError>;

/// The text of an indexed passage, from its source row, as a preview may show it: a
/// document's refused passages masked. None when the source is gone.
pub(crate) fn passage(conn: &rusqlite::Connection, entry: i64) -> Result<Option<String>> {
    let Some((cid, field, reference)): Option<(i64, String, String)> = conn
        .prepare_cached("SELECT candidate_id, field, ref FROM search_entries WHERE id = ?1")?
        .query_row([entry], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let text = |sql: &str| -> Result<Option<String>> {
        Ok(conn.prepare_cached(sql)?.query_row([&reference], |r| r.get::<_, Option<String>>(0)).optional()?.flatten())
    };
    Ok(match field.as_str() {
        "profile" => Some(profile_passage(&candidate_by_id(conn, cid)?)),
        "note" => text("SELECT body FROM notes WHERE uuid = ?1")?,
        "message" => text("SELECT body_text FROM messages WHERE uuid = ?1")?
            .map(|t| {
                let spans: Vec<Span> =
                    flags::spans(conn, "message", &reference, "refused")?.into_iter().map(|(_, s)| s).collect();
                Ok::<_, PipelineError>(policy::mask(&t, &spans, MASK))
            })
            .transpose()?,
        _ => match text("SELECT text FROM documents WHERE uuid = ?1")? {
            Some(t) => Some(policy::mask(&t, &refused_spans(conn, &reference)?, MASK)),
            None => None,
        },
    })
}

/// The passages of a document's text that previews and snippets mask.
pub(crate) fn refused_spans(conn: &rusqlite::Connection, document: &str) -> Result<Vec<Span>> {
    Ok(flags::spans(conn, "document", document, "refused")?.into_iter().map(|(_, s)| s).collect())
}

/// What a candidate's profile passage holds: name, emails and phone.
pub(crate) fn profile_passage(c: &Candidate) -> String {
    let mut body = c.full_name.clone();
    for e in &c.emails {
        body.push(' ');
        body.push_str(e);
    }
    if let Some(p) = &c.phone {
        body.push(' ');
        body.push_str(p);
    }
    body
}

/// (Re)indexes a candidate's profile passage: name, emails and phone.
pub(crate) fn index_profile(tx: &rusqlite::Connection, cid: i64) -> Result<()> {
    let c = candidate_by_id(tx, cid)?;
    index_text(tx, cid, "profile", &c.uuid, &profile_passage(&c))
}

/// Puts one passage in the search index, replacing any earlier one for the same source.
pub(crate) fn index_text(tx: &rusqlite::Connection, cid: i64, field: &str, reference: &str, body: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM search_entries WHERE field = ?1 AND ref = ?2")?
        .execute(params![field, reference])?;
    tx.prepare_cached("INSERT INTO search_entries (candidate_id, field, ref) VALUES (?1, ?2, ?3)")?
        .execute(params![cid, field, reference])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO search_index (rowid, body) VALUES (?1, ?2)")?.execute(params![id, body])?;
    Ok(())
}
