//! The guard's flags in the database: warned findings of text HR wrote, and flagged
//! passages of text candidates provided, as byte spans (never the words themselves).

use rusqlite::params;

use crate::db::time::ts;
use crate::guard::policy::Span;
use crate::guard::{Category, Finding, Level};
use crate::pipeline::{GuardWarning, PipelineError, Stamp};

/// Records findings on one source row.
pub(crate) fn record(
    tx: &rusqlite::Connection,
    candidate_id: Option<i64>,
    source: &str,
    reference: &str,
    findings: &[Finding],
    stamp: &Stamp,
) -> Result<(), PipelineError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO guard_flags (candidate_id, source, ref, category, level, span_start, span_end, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for f in findings {
        let level = match f.level {
            Level::Refused => "refused",
            Level::Warned => "warned",
        };
        stmt.execute(params![
            candidate_id,
            source,
            reference,
            f.category.code(),
            level,
            f.start as i64,
            f.end as i64,
            ts(stamp.at)
        ])?;
    }
    Ok(())
}

/// Forgets the flags of a source row whose text is being replaced.
pub(crate) fn clear(tx: &rusqlite::Connection, source: &str, reference: &str) -> Result<(), PipelineError> {
    tx.execute("DELETE FROM guard_flags WHERE source = ?1 AND ref = ?2", params![source, reference])?;
    Ok(())
}

/// The spans flagged at `level` on one source row.
pub(crate) fn spans(
    conn: &rusqlite::Connection,
    source: &str,
    reference: &str,
    level: &str,
) -> Result<Vec<(String, Span)>, PipelineError> {
    let mut stmt = conn.prepare_cached(
        "SELECT category, span_start, span_end FROM guard_flags WHERE source = ?1 AND ref = ?2 AND level = ?3 ORDER BY span_start",
    )?;
    let rows = stmt.query_map(params![source, reference, level], |r| {
        Ok((r.get::<_, String>(0)?, Span { start: r.get::<_, i64>(1)? as usize, end: r.get::<_, i64>(2)? as usize }))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The warnings of one source row, with their words taken from `text`.
pub(crate) fn warnings(
    conn: &rusqlite::Connection,
    source: &str,
    reference: &str,
    text: &str,
) -> Result<Vec<GuardWarning>, PipelineError> {
    Ok(spans(conn, source, reference, "warned")?
        .into_iter()
        .map(|(code, span)| warning(&code, text.get(span.start..span.end).unwrap_or("")))
        .collect())
}

pub(crate) fn warning(code: &str, words: &str) -> GuardWarning {
    let category = Category::from_code(code);
    GuardWarning {
        category: code.to_owned(),
        label_en: category.map(|c| c.label_en()).unwrap_or(code).to_owned(),
        label_fr: category.map(|c| c.label_fr()).unwrap_or(code).to_owned(),
        words: words.to_owned(),
    }
}
