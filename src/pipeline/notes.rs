//! Notes and interview feedback with their ratings: HR text, refused by the guard when it
//! holds a sensitive category, indexed for search.

use rusqlite::params;

use crate::audit::append;
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_ts, ts};
use crate::guard::flags;
use crate::guard::policy::HrText;
use crate::pipeline::{NewNote, Note, PipelineError, Rating, Stamp};

use crate::pipeline::candidates::resolve_candidate;
use crate::pipeline::index::index_text;
type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    // ----- notes -----

    pub fn add_note(&mut self, stamp: &Stamp, candidate: &str, note: NewNote) -> Result<Note> {
        let note = note.validated()?;
        let warned = HrText::new("note", &note.body).check()?;
        for (criterion, _) in &note.ratings {
            HrText::new("rating criterion", criterion).check()?;
        }
        self.write(|tx| {
            let (cid, cuuid) = resolve_candidate(tx, candidate)?;
            let app_id = match &note.application {
                Some(app) => {
                    let (app_id, _) = resolve(tx, "applications", "application", app)?;
                    let owner: i64 =
                        tx.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app_id], |r| r.get(0))?;
                    if owner != cid {
                        return Err(PipelineError::Invalid {
                            field: "application",
                            reason: "that application belongs to another candidate".into(),
                        });
                    }
                    Some(app_id)
                }
                None => None,
            };
            let uuid = new_uuid();
            let kind = if note.feedback { "feedback" } else { "note" };
            tx.execute(
                "INSERT INTO notes (uuid, candidate_id, application_id, kind, author, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![uuid, cid, app_id, kind, stamp.actor, note.body, ts(stamp.at)],
            )?;
            let note_id = tx.last_insert_rowid();
            for (criterion, score) in &note.ratings {
                tx.execute(
                    "INSERT INTO note_ratings (note_id, criterion, score) VALUES (?1, ?2, ?3)",
                    params![note_id, criterion, *score as i64],
                )?;
            }
            flags::record(tx, Some(cid), "note", &uuid, &warned, stamp)?;
            index_text(tx, cid, "note", &uuid, &note.body)?;
            append(tx, stamp, "note", Some(&cuuid), Some(&format!("{kind} {uuid}")))?;
            note_by_id(tx, note_id)
        })
    }
}

pub(crate) fn note_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Note> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.uuid, c.uuid, a.uuid, n.kind, n.author, n.body, n.created_at
         FROM notes n JOIN candidates c ON c.id = n.candidate_id LEFT JOIN applications a ON a.id = n.application_id
         WHERE n.id = ?1",
    )?;
    let mut note = stmt.query_row([id], |r| {
        Ok(Note {
            uuid: r.get(0)?,
            candidate_uuid: r.get(1)?,
            application_uuid: r.get(2)?,
            kind: r.get(3)?,
            author: r.get(4)?,
            body: r.get(5)?,
            ratings: Vec::new(),
            created_at: parse_ts(&r.get::<_, String>(6)?)?,
            warnings: Vec::new(),
        })
    })?;
    note.warnings = flags::warnings(conn, "note", &note.uuid, &note.body)?;
    let mut stmt =
        conn.prepare_cached("SELECT criterion, score FROM note_ratings WHERE note_id = ?1 ORDER BY criterion")?;
    note.ratings = stmt
        .query_map([id], |r| Ok(Rating { criterion: r.get(0)?, score: r.get::<_, i64>(1)? as u8 }))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(note)
}
