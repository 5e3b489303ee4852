//! The guard's flags in the database: warned findings of text HR wrote, and flagged
//! passages of text candidates provided, as byte spans (never the words themselves).

use rusqlite::params;

use crate::db::time::ts;
use crate::guard::policy::Span;
use crate::guard::{Category, Finding, Guard, Level, Why};
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

/// The warnings of one source row, with their words taken from `text`, and why each was
/// warned (the guard is run on the text again: the flags keep spans, not reasons).
pub(crate) fn warnings(
    conn: &rusqlite::Connection,
    source: &str,
    reference: &str,
    text: &str,
) -> Result<Vec<GuardWarning>, PipelineError> {
    let spans = spans(conn, source, reference, "warned")?;
    if spans.is_empty() {
        return Ok(Vec::new());
    }
    let findings = Guard::standard().check(text);
    Ok(spans
        .into_iter()
        .map(|(code, span)| {
            let found =
                findings.iter().find(|f| f.category.code() == code && f.start == span.start && f.end == span.end);
            warning(&code, text.get(span.start..span.end).unwrap_or(""), found)
        })
        .collect())
}

/// A warning as shown: from the finding when the guard still finds it, else (the
/// vocabulary changed since) with the reason its category's level gives.
pub(crate) fn warning(code: &str, words: &str, finding: Option<&Finding>) -> GuardWarning {
    let category = Category::from_code(code);
    let why = finding.map(|f| f.why).unwrap_or(match category.map(Category::level) {
        Some(Level::Refused) => Why::NotSaidOfCandidate,
        _ => Why::Criterion,
    });
    GuardWarning {
        category: code.to_owned(),
        label_en: category.map(|c| c.label_en()).unwrap_or(code).to_owned(),
        label_fr: category.map(|c| c.label_fr()).unwrap_or(code).to_owned(),
        words: words.to_owned(),
        why,
        phrase: finding.map_or(words, |f| f.phrase.as_str()).to_owned(),
    }
}
