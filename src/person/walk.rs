//! The walk over everything held on one person, table by table as the registry lists
//! them: what the access export (`access`) turns into its archive. Rows come back column
//! by column; [`Store::held_on`] gives them as JSON objects with file bytes not inlined
//! (their size is given), and internal bookkeeping is named but left out.

use rusqlite::types::Value as SqlValue;
use serde::Serialize;
use serde_json::{Map, Value};

use super::registry::{Export, Link, PersonTable, TABLES};
use crate::db::Store;
use crate::pipeline::PipelineError;
use crate::pipeline::candidates::resolve_candidate;

/// The rows of one registry table held on a person.
#[derive(Debug, Clone, Serialize)]
pub struct HeldRows {
    pub table: &'static str,
    pub export: &'static str,
    pub rows: Vec<Value>,
}

/// The rows of one registry table held on a person, as SQLite gives them (file bytes
/// included): what the access export writes out.
#[derive(Debug, Clone)]
pub(crate) struct HeldTable {
    pub table: &'static PersonTable,
    /// Each row's columns, in the table's order.
    pub rows: Vec<Vec<(String, SqlValue)>>,
}

/// The name of an export decision, as data.json and `held_on` give it.
pub(crate) fn export_name(export: Export) -> &'static str {
    match export {
        Export::Rows => "rows",
        Export::RowsWithFiles => "rows_with_files",
        Export::Internal => "internal",
    }
}

/// Every registry table's rows of candidate `cid` (UUID-only records by `uuid`), in the
/// registry's order; internal bookkeeping is listed with no rows.
pub(crate) fn held_tables(conn: &rusqlite::Connection, cid: i64, uuid: &str) -> Result<Vec<HeldTable>, PipelineError> {
    let mut out = Vec::new();
    for table in TABLES {
        let rows = if table.export == Export::Internal {
            Vec::new()
        } else {
            match table.rows_of("(?1)") {
                Some((rows, _)) => select(conn, &format!("SELECT * FROM {} WHERE {rows}", table.name), &cid)?,
                None => select(conn, &format!("SELECT * FROM {} WHERE candidate_uuid = ?1", table.name), &uuid)?,
            }
        };
        debug_assert!(
            table.link != Link::UuidOnly || rows.iter().all(|r| r.iter().any(|(c, _)| c == "candidate_uuid"))
        );
        out.push(HeldTable { table, rows });
    }
    Ok(out)
}

impl Store {
    /// Everything held on a candidate, every registry table in turn (UUID-only records by
    /// their UUID). Reads only; the door that exports audits it.
    pub fn held_on(&self, candidate: &str) -> Result<Vec<HeldRows>, PipelineError> {
        let (cid, uuid) = resolve_candidate(&self.conn, candidate)?;
        Ok(held_tables(&self.conn, cid, &uuid)?
            .into_iter()
            .map(|held| HeldRows {
                table: held.table.name,
                export: export_name(held.table.export),
                rows: held
                    .rows
                    .into_iter()
                    .map(|row| {
                        let object: Map<String, Value> = row
                            .into_iter()
                            .map(|(name, v)| {
                                let v = match v {
                                    SqlValue::Blob(b) => serde_json::json!({ "file_bytes": b.len() }),
                                    other => plain(other),
                                };
                                (name, v)
                            })
                            .collect();
                        Value::Object(object)
                    })
                    .collect(),
            })
            .collect())
    }
}

/// A column's value as JSON (a blob as its hex, which callers replace by a file).
pub(crate) fn plain(v: SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(n) => Value::from(n),
        SqlValue::Real(x) => Value::from(x),
        SqlValue::Text(t) => Value::from(t),
        SqlValue::Blob(b) => Value::from(hex::encode(b)),
    }
}

fn select(
    conn: &rusqlite::Connection,
    sql: &str,
    arg: &dyn rusqlite::ToSql,
) -> Result<Vec<Vec<(String, SqlValue)>>, PipelineError> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([arg])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut columns = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            columns.push((name.clone(), row.get::<_, SqlValue>(i)?));
        }
        out.push(columns);
    }
    Ok(out)
}
