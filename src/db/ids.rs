//! Identifiers: every row that names a person or a record outside the database has a
//! random UUID, and the doors accept any unique prefix of at least 4 characters.

use crate::pipeline::PipelineError;

type Result<T> = std::result::Result<T, PipelineError>;

pub(crate) fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Finds a row by full UUID or by a unique UUID prefix of at least 4 characters.
pub(crate) fn resolve(
    tx: &rusqlite::Connection,
    table: &'static str,
    what: &'static str,
    id: &str,
) -> Result<(i64, String)> {
    let id = id.trim().to_ascii_lowercase();
    let not_found = || PipelineError::NotFound { what, id: id.clone() };
    if id.len() < 4 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(not_found());
    }
    let sql = format!("SELECT id, uuid FROM {table} WHERE uuid >= ?1 AND uuid < ?1 || 'g' ORDER BY uuid LIMIT 2");
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows: Vec<(i64, String)> =
        stmt.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<std::result::Result<_, _>>()?;
    match rows.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(not_found()),
        _ => Err(PipelineError::Ambiguous { what, id }),
    }
}
