//! The walk over everything held on one person, table by table as the registry lists
//! them: what the access export (issue 14) turns into its archive. Rows come back as JSON
//! objects, column by column; file bytes are not inlined (their size is given, the export
//! writes them as files), and internal bookkeeping is named but left out.

use serde::Serialize;
use serde_json::{Map, Value};

use super::registry::{Export, Link, TABLES};
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

impl Store {
    /// Everything held on a candidate, every registry table in turn (UUID-only records by
    /// their UUID). Reads only; the door that exports audits it.
    pub fn held_on(&self, candidate: &str) -> Result<Vec<HeldRows>, PipelineError> {
        let (cid, uuid) = resolve_candidate(&self.conn, candidate)?;
        let mut out = Vec::new();
        for table in TABLES {
            let (sql, arg): (String, Value) = match table.rows_of("(?1)") {
                Some((rows, _)) => (format!("SELECT * FROM {} WHERE {rows}", table.name), Value::from(cid)),
                None => (format!("SELECT * FROM {} WHERE candidate_uuid = ?1", table.name), Value::from(uuid.clone())),
            };
            let export = match table.export {
                Export::Rows => "rows",
                Export::RowsWithFiles => "rows_with_files",
                Export::Internal => "internal",
            };
            let rows = if table.export == Export::Internal { Vec::new() } else { rows(&self.conn, &sql, &arg)? };
            debug_assert!(table.link != Link::UuidOnly || rows.iter().all(|r| r.get("candidate_uuid").is_some()));
            out.push(HeldRows { table: table.name, export, rows });
        }
        Ok(out)
    }
}

fn rows(conn: &rusqlite::Connection, sql: &str, arg: &Value) -> Result<Vec<Value>, PipelineError> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let param: Box<dyn rusqlite::ToSql> = match arg {
        Value::Number(n) => Box::new(n.as_i64().unwrap_or_default()),
        other => Box::new(other.as_str().unwrap_or_default().to_owned()),
    };
    let mut rows = stmt.query([param])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut object = Map::new();
        for (i, name) in names.iter().enumerate() {
            use rusqlite::types::ValueRef;
            let value = match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(x) => Value::from(x),
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => serde_json::json!({ "file_bytes": b.len() }),
            };
            object.insert(name.clone(), value);
        }
        out.push(Value::Object(object));
    }
    Ok(out)
}
