//! Applications: a candidate applies to a job, and the application moves through the
//! stages; each move is dated, recorded in the timeline, and erases in the same
//! transaction what the new stage may not hold (promise P3).

use rusqlite::{OptionalExtension, params};

use crate::audit::append;
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_day, parse_ts, ts};
use crate::guard::flags;
use crate::guard::policy::HrText;
use crate::pipeline::{Application, PipelineError, Stage, Stamp};

use crate::pipeline::candidates::{record_contact, resolve_candidate};
type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    // ----- applications -----

    /// The candidate applies to a job: a new application at stage "new". This is something
    /// the candidate does, so it renews their last contact.
    pub fn apply(&mut self, stamp: &Stamp, candidate: &str, job: &str) -> Result<Application> {
        self.write(|tx| insert_application(tx, stamp, candidate, job))
    }

    /// Moves an application to another stage, dated and recorded in the timeline.
    pub fn move_stage(
        &mut self,
        stamp: &Stamp,
        application: &str,
        to: Stage,
        reason: Option<&str>,
    ) -> Result<Application> {
        self.write(|tx| {
            let (app_id, uuid) = resolve(tx, "applications", "application", application)?;
            let (from, cuuid): (String, String) = tx.query_row(
                "SELECT a.stage, c.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ?1",
                [app_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let from = Stage::parse(&from)?;
            let reason = from.check_move(to, reason)?;
            let warned = match &reason {
                Some(r) => HrText::new("reason", r).check()?,
                None => Vec::new(),
            };
            let now = ts(stamp.at);
            let closed_reason = if to.is_open() { None } else { reason.clone() };
            tx.execute(
                "UPDATE applications SET stage = ?1, closed_reason = ?2, updated_at = ?3 WHERE id = ?4",
                params![to.as_str(), closed_reason, now, app_id],
            )?;
            tx.execute(
                "INSERT INTO stage_events (application_id, from_stage, to_stage, reason, actor, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![app_id, from.as_str(), to.as_str(), reason, stamp.actor, now],
            )?;
            // Promise P3: what the new stage may not hold (hiring details before offer, custom
            // values before their stage, anything on a closed application) goes in this same
            // transaction; the audit names the erased fields, never their values.
            let mut erased = crate::hiring::erase_out_of_stage(tx, app_id, to)?;
            if crate::letters::erase_offer_out_of_stage(tx, app_id, to)? {
                erased.push("offer".into());
            }
            let mut detail = format!("{uuid} {from}->{to}");
            if !erased.is_empty() {
                detail.push_str(&format!("; erased {}", erased.join(",")));
            }
            let cid: i64 =
                tx.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app_id], |r| r.get(0))?;
            flags::record(tx, Some(cid), "stage_reason", &uuid, &warned, stamp)?;
            append(tx, stamp, "stage", Some(&cuuid), Some(&detail))?;
            application_by_uuid(tx, &uuid)
        })
    }

    pub fn applications_of(&self, candidate: &str) -> Result<Vec<Application>> {
        let (cid, _) = resolve_candidate(&self.conn, candidate)?;
        applications_where(&self.conn, "a.candidate_id = ?1", cid)
    }
}

pub(crate) fn applications_where(conn: &rusqlite::Connection, clause: &str, arg: i64) -> Result<Vec<Application>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.uuid, c.uuid, c.full_name, j.uuid, j.title, a.stage, a.closed_reason, a.created_at, a.updated_at,
                a.contract_end
         FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN jobs j ON j.id = a.job_id
         WHERE {clause} ORDER BY a.created_at"
    ))?;
    let rows = stmt.query_map([arg], application_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row?);
    }
    Ok(out)
}

pub(crate) fn application_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Application> {
    let stage: String = r.get(5)?;
    Ok(Application {
        uuid: r.get(0)?,
        candidate_uuid: r.get(1)?,
        candidate_name: r.get(2)?,
        job_uuid: r.get(3)?,
        job_title: r.get(4)?,
        stage: Stage::parse(&stage).unwrap_or(Stage::New),
        closed_reason: r.get(6)?,
        created_at: parse_ts(&r.get::<_, String>(7)?)?,
        updated_at: parse_ts(&r.get::<_, String>(8)?)?,
        contract_end: r.get::<_, Option<String>>(9)?.as_deref().and_then(parse_day),
    })
}

pub(crate) fn application_by_uuid(conn: &rusqlite::Connection, uuid: &str) -> Result<Application> {
    let (id, _) = resolve(conn, "applications", "application", uuid)?;
    applications_where(conn, "a.id = ?1", id)?
        .pop()
        .ok_or(PipelineError::NotFound { what: "application", id: uuid.to_owned() })
}

/// [`Store::apply`] inside the caller's transaction (the mail intake's batch).
pub(crate) fn insert_application(
    tx: &rusqlite::Connection,
    stamp: &Stamp,
    candidate: &str,
    job: &str,
) -> Result<Application> {
    let (cid, cuuid) = resolve_candidate(tx, candidate)?;
    let (jid, _) = resolve(tx, "jobs", "job", job)?;
    let (status, title): (String, String) =
        tx.query_row("SELECT status, title FROM jobs WHERE id = ?1", [jid], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if status == "closed" {
        return Err(PipelineError::JobClosed { title });
    }
    if let Some(existing) = tx
        .query_row("SELECT uuid FROM applications WHERE candidate_id = ?1 AND job_id = ?2", params![cid, jid], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
    {
        return Err(PipelineError::AlreadyApplied { candidate: cuuid, application: existing });
    }
    let uuid = new_uuid();
    let now = ts(stamp.at);
    tx.execute(
        "INSERT INTO applications (uuid, candidate_id, job_id, stage, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'new', ?4, ?4)",
        params![uuid, cid, jid, now],
    )?;
    let app_id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO stage_events (application_id, from_stage, to_stage, actor, at) VALUES (?1, NULL, 'new', ?2, ?3)",
        params![app_id, stamp.actor, now],
    )?;
    // Applying is something the candidate does.
    record_contact(tx, cid, stamp.at)?;
    append(tx, stamp, "apply", Some(&cuuid), Some(&format!("application {uuid}")))?;
    application_by_uuid(tx, &uuid)
}
