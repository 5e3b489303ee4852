//! Merging two records of one person: everything the absorbed record holds moves to the
//! kept one, table by table as the registry says.

use rusqlite::params;

use crate::audit::append;
use crate::db::Store;
use crate::pipeline::{Candidate, PipelineError, Stamp};

use crate::pipeline::candidates::{candidate_by_id, resolve_candidate};
use crate::pipeline::index::index_profile;
type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    /// Merges `absorb` into `keep`: emails, applications, notes, documents and messages
    /// move over; `absorb` is deleted. Where both applied to the same job, the absorbed
    /// application's history joins the kept one.
    pub fn merge_candidates(&mut self, stamp: &Stamp, keep: &str, absorb: &str) -> Result<Candidate> {
        self.write(|tx| {
            let (keep_id, keep_uuid) = resolve_candidate(tx, keep)?;
            let (gone_id, gone_uuid) = resolve_candidate(tx, absorb)?;
            if keep_id == gone_id {
                return Err(PipelineError::Invalid { field: "merge", reason: "a candidate cannot be merged into itself".into() });
            }
            tx.execute(
                "INSERT OR IGNORE INTO candidate_emails (candidate_id, email, email_normalized)
                 SELECT ?1, email, email_normalized FROM candidate_emails WHERE candidate_id = ?2",
                params![keep_id, gone_id],
            )?;
            // Applications to the same job: fold the absorbed one into the kept one.
            let mut stmt = tx.prepare(
                "SELECT g.id, k.id FROM applications g JOIN applications k ON k.job_id = g.job_id
                 WHERE g.candidate_id = ?1 AND k.candidate_id = ?2",
            )?;
            let pairs: Vec<(i64, i64)> = stmt
                .query_map(params![gone_id, keep_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            drop(stmt);
            for (g, k) in pairs {
                tx.execute("UPDATE stage_events SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
                tx.execute("UPDATE notes SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
                tx.execute("DELETE FROM applications WHERE id = ?1", [g])?;
            }
            for table in ["applications", "notes", "documents", "messages", "search_entries"] {
                tx.execute(&format!("UPDATE {table} SET candidate_id = ?1 WHERE candidate_id = ?2"), params![keep_id, gone_id])?;
            }
            // The phone, if the kept one has none; the earliest creation; the latest contact.
            tx.execute(
                "UPDATE candidates SET
                   phone = coalesce(phone, (SELECT phone FROM candidates WHERE id = ?2)),
                   phone_normalized = coalesce(phone_normalized, (SELECT phone_normalized FROM candidates WHERE id = ?2)),
                   created_at = min(created_at, (SELECT created_at FROM candidates WHERE id = ?2)),
                   last_contact_at = max(last_contact_at, (SELECT last_contact_at FROM candidates WHERE id = ?2))
                 WHERE id = ?1",
                params![keep_id, gone_id],
            )?;
            tx.execute("DELETE FROM candidates WHERE id = ?1", [gone_id])?;
            index_profile(tx, keep_id)?;
            append(tx, stamp, "merge", Some(&keep_uuid), Some(&format!("absorbed {gone_uuid}")))?;
            append(tx, stamp, "delete", Some(&gone_uuid), Some(&format!("merged into {keep_uuid}")))?;
            candidate_by_id(tx, keep_id)
        })
    }
}
