//! Removing people: the rows of every table of the registry, counted and deleted for the
//! candidates staged in a temporary table.

use std::collections::HashMap;

use serde::Serialize;

use crate::pipeline::PipelineError;

type Result<T> = std::result::Result<T, PipelineError>;

/// How many rows of each kind went with a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    pub emails: i64,
    pub applications: i64,
    pub stage_events: i64,
    pub hiring_details: i64,
    pub custom_values: i64,
    pub documents: i64,
    pub letters: i64,
    pub notes: i64,
    pub ratings: i64,
    pub messages: i64,
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

/// Rows of each kind per staged candidate.
pub(crate) fn count_staged(tx: &rusqlite::Connection) -> Result<HashMap<i64, PurgeCounts>> {
    const IN: &str = "IN (SELECT id FROM temp.purge_ids)";
    let apps = format!("SELECT id FROM applications WHERE candidate_id {IN}");
    type Slot = fn(&mut PurgeCounts) -> &mut i64;
    let queries: [(Slot, String); 13] = [
        (
            |c| &mut c.emails,
            format!("SELECT candidate_id, count(*) FROM candidate_emails WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.applications,
            format!("SELECT candidate_id, count(*) FROM applications WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.stage_events,
            format!(
                "SELECT a.candidate_id, count(*) FROM stage_events s JOIN applications a ON a.id = s.application_id
                 WHERE s.application_id IN ({apps}) GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.hiring_details,
            format!(
                "SELECT a.candidate_id, count(*) FROM hiring_details h JOIN applications a ON a.id = h.application_id
                 WHERE h.application_id IN ({apps}) GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.custom_values,
            format!(
                "SELECT a.candidate_id, count(*) FROM custom_values v JOIN applications a ON a.id = v.application_id
                 WHERE v.application_id IN ({apps}) GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.documents,
            format!(
                "SELECT candidate_id, count(*) FILTER (WHERE kind <> 'offer_letter') FROM documents
                 WHERE candidate_id {IN} GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.letters,
            format!(
                "SELECT candidate_id, count(*) FILTER (WHERE kind = 'offer_letter') FROM documents
                 WHERE candidate_id {IN} GROUP BY 1"
            ),
        ),
        (|c| &mut c.notes, format!("SELECT candidate_id, count(*) FROM notes WHERE candidate_id {IN} GROUP BY 1")),
        (
            |c| &mut c.ratings,
            format!(
                "SELECT n.candidate_id, count(*) FROM note_ratings r JOIN notes n ON n.id = r.note_id
                 WHERE n.candidate_id {IN} GROUP BY 1"
            ),
        ),
        (
            |c| &mut c.messages,
            format!("SELECT candidate_id, count(*) FROM messages WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.flags,
            format!("SELECT candidate_id, count(*) FROM guard_flags WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.index_entries,
            format!("SELECT candidate_id, count(*) FROM search_entries WHERE candidate_id {IN} GROUP BY 1"),
        ),
        (
            |c| &mut c.holds,
            format!("SELECT candidate_id, count(*) FROM legal_holds WHERE candidate_id {IN} GROUP BY 1"),
        ),
    ];
    let mut counts: HashMap<i64, PurgeCounts> = HashMap::new();
    for (slot, sql) in queries {
        let mut stmt = tx.prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (cid, n) = row?;
            *slot(counts.entry(cid).or_default()) = n;
        }
    }
    Ok(counts)
}

/// Deletes every row of the staged candidates, children first (the cascades stay as a
/// safety net). Index entries go first: their trigger removes the passages from FTS5.
pub(crate) fn delete_staged(tx: &rusqlite::Connection) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM search_entries WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM guard_flags WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM note_ratings WHERE note_id IN
             (SELECT id FROM notes WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM notes WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM stage_events WHERE application_id IN
             (SELECT id FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM hiring_details WHERE application_id IN
             (SELECT id FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM custom_values WHERE application_id IN
             (SELECT id FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids));
         DELETE FROM applications WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM documents WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM messages WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM candidate_emails WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM legal_holds WHERE candidate_id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM candidates WHERE id IN (SELECT id FROM temp.purge_ids);
         DELETE FROM temp.purge_ids;",
    )?;
    Ok(())
}
