//! Removing people: the rows of every table of the registry, counted and deleted for the
//! candidates staged in a temporary table.

use std::collections::HashMap;

use serde::Serialize;

use super::registry::{Purge, TABLES};
use crate::pipeline::PipelineError;

type Result<T> = std::result::Result<T, PipelineError>;

/// The staged candidates' row ids, as an SQL subquery.
const STAGED: &str = "(SELECT id FROM temp.purge_ids)";

/// How many rows of each kind went with a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PurgeCounts {
    pub emails: i64,
    pub applications: i64,
    pub stage_events: i64,
    pub hiring_details: i64,
    pub custom_values: i64,
    pub offers: i64,
    pub documents: i64,
    pub letters: i64,
    pub notes: i64,
    pub ratings: i64,
    pub messages: i64,
    pub requests: i64,
    pub flags: i64,
    pub index_entries: i64,
    pub holds: i64,
}

/// The temporary list of row ids a purge works on (in memory: the temp store is).
pub(crate) fn stage_ids(tx: &rusqlite::Connection, ids: &[i64]) -> Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY); DELETE FROM temp.purge_ids;",
    )?;
    let mut insert = tx.prepare_cached("INSERT INTO temp.purge_ids (id) VALUES (?1)")?;
    for id in ids {
        insert.execute([id])?;
    }
    Ok(())
}

/// Rows of each kind per staged candidate, table by table as the registry counts them.
pub(crate) fn count_staged(tx: &rusqlite::Connection) -> Result<HashMap<i64, PurgeCounts>> {
    let mut counts: HashMap<i64, PurgeCounts> = HashMap::new();
    for table in TABLES {
        let Some((rows, owner)) = table.rows_of(STAGED) else { continue };
        for count in table.counts {
            let filter = count.filter.map(|f| format!(" AND {f}")).unwrap_or_default();
            let sql = format!("SELECT {owner}, count(*) FROM {} WHERE {rows}{filter} GROUP BY 1", table.name);
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (cid, n) = row?;
                *(count.slot)(counts.entry(cid).or_default()) += n;
            }
        }
    }
    Ok(counts)
}

/// Deletes every row of the staged candidates from every table the registry says a purge
/// deletes, in its order: index entries first (their trigger removes the passages from
/// FTS5), children before parents (the cascades stay as a safety net), the candidate last.
pub(crate) fn delete_staged(tx: &rusqlite::Connection) -> Result<()> {
    for table in TABLES.iter().filter(|t| t.purge == Purge::Delete) {
        if let Some((rows, _)) = table.rows_of(STAGED) {
            tx.execute(&format!("DELETE FROM {} WHERE {rows}", table.name), [])?;
        }
    }
    tx.execute("DELETE FROM temp.purge_ids", [])?;
    Ok(())
}
