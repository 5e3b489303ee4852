//! A job's board: every column's count and a window of its cards, in one query.

use rusqlite::params;

use crate::db::Store;
use crate::db::ids::resolve;
use crate::db::time::parse_ts;
use crate::pipeline::{Board, BoardCard, BoardColumn, PipelineError, Stage};

use crate::pipeline::jobs::job_by_uuid;
type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    /// A job's board: for every column (or only `stage`'s), how many applications are at
    /// that stage and the cards from `offset`, at most `limit` of them, most recently
    /// updated first. One query: the counts and the positions come from window functions
    /// over the job's applications, and only the cards sent are joined to their candidate.
    pub fn board(&self, job: &str, stage: Option<Stage>, offset: usize, limit: usize) -> Result<Board> {
        let (jid, juuid) = resolve(&self.conn, "jobs", "job", job)?;
        let job = job_by_uuid(&self.conn, &juuid)?;
        let stages: &[Stage] = match &stage {
            Some(s) => std::slice::from_ref(s),
            None => &Stage::ALL,
        };
        let mut columns: Vec<BoardColumn> = stages
            .iter()
            .map(|s| BoardColumn { stage: *s, total: 0, offset: offset as u64, cards: Vec::new() })
            .collect();
        // Counts from the (job, stage) index alone; positions from one window over the
        // job's applications; only the cards in the window are joined to their candidate.
        // A column with no card in the window still comes back once, for its count.
        let first = i64::try_from(offset).unwrap_or(i64::MAX);
        let last = i64::try_from(offset.saturating_add(limit)).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "WITH counts AS (
                 SELECT stage, count(*) AS total FROM applications
                 WHERE job_id = ?1 AND (?2 IS NULL OR stage = ?2) GROUP BY stage),
             ranked AS (
                 SELECT uuid, candidate_id, stage, updated_at,
                        row_number() OVER (PARTITION BY stage ORDER BY updated_at DESC, id DESC) AS n
                 FROM applications WHERE job_id = ?1 AND (?2 IS NULL OR stage = ?2)),
             shown AS (SELECT * FROM ranked WHERE n > ?3 AND n <= ?4)
             SELECT counts.stage, counts.total, shown.uuid, c.uuid, c.full_name, shown.updated_at
             FROM counts LEFT JOIN shown ON shown.stage = counts.stage
             LEFT JOIN candidates c ON c.id = shown.candidate_id
             ORDER BY shown.n",
        )?;
        let rows = stmt.query_map(params![jid, stage.map(|s| s.as_str()), first, last], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (stage, total, app, cand, name, updated) = row?;
            let stage = Stage::parse(&stage)?;
            let Some(column) = columns.iter_mut().find(|c| c.stage == stage) else { continue };
            column.total = u64::try_from(total).unwrap_or(0);
            if let (Some(app), Some(cand), Some(name), Some(updated)) = (app, cand, name, updated) {
                column.cards.push(BoardCard {
                    application_uuid: app,
                    candidate_uuid: cand,
                    candidate_name: name,
                    stage,
                    updated_at: parse_ts(&updated)?,
                });
            }
        }
        Ok(Board { job, columns })
    }
}
