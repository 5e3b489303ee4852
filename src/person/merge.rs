//! Merging two records of one person: everything the absorbed record holds goes to the
//! kept one, table by table as the registry says, in one transaction. Nothing is lost on
//! the way: legal holds, the guard's flags (a moved CV stays masked and out of search where
//! it was), the objection, erasure and restriction state (the stricter wins), hiring
//! details and custom values of folded applications, and the history.

use rusqlite::params;

use super::registry::{Link, Merge, TABLES};
use crate::audit::append;
use crate::db::Store;
use crate::pipeline::candidates::{candidate_by_id, resolve_candidate};
use crate::pipeline::index::index_profile;
use crate::pipeline::{Candidate, PipelineError, Stage, Stamp};

type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    /// Merges `absorb` into `keep`; `absorb`'s record is deleted once everything it held
    /// has moved. Where both applied to the same job, the absorbed application folds into
    /// the kept one.
    pub fn merge_candidates(&mut self, stamp: &Stamp, keep: &str, absorb: &str) -> Result<Candidate> {
        self.write(|tx| {
            let (keep_id, keep_uuid) = resolve_candidate(tx, keep)?;
            let (gone_id, gone_uuid) = resolve_candidate(tx, absorb)?;
            if keep_id == gone_id {
                return Err(PipelineError::Invalid {
                    field: "merge",
                    reason: "a candidate cannot be merged into itself".into(),
                });
            }
            let ids = Pair { keep: keep_id, gone: gone_id };
            // The absorbed person's profile passage names them: the kept one is re-indexed
            // below with every email.
            tx.execute("DELETE FROM search_entries WHERE field = 'profile' AND ref = ?1", [&gone_uuid])?;
            for table in TABLES {
                match table.merge {
                    Merge::Move => {
                        debug_assert_eq!(table.link, Link::Candidate);
                        tx.execute(
                            &format!("UPDATE {} SET candidate_id = ?1 WHERE candidate_id = ?2", table.name),
                            params![ids.keep, ids.gone],
                        )?;
                    }
                    Merge::Union => union_emails(tx, ids)?,
                    Merge::Fold => fold_applications(tx, ids)?,
                    Merge::Columns => merge_columns(tx, ids)?,
                    Merge::FollowParent | Merge::Keep => {}
                }
            }
            tx.execute("DELETE FROM candidates WHERE id = ?1", [ids.gone])?;
            index_profile(tx, ids.keep)?;
            append(tx, stamp, "merge", Some(&keep_uuid), Some(&format!("absorbed {gone_uuid}")))?;
            append(tx, stamp, "delete", Some(&gone_uuid), Some(&format!("merged into {keep_uuid}")))?;
            candidate_by_id(tx, ids.keep)
        })
    }
}

/// Row ids of the kept and the absorbed candidate.
#[derive(Clone, Copy)]
struct Pair {
    keep: i64,
    gone: i64,
}

fn union_emails(tx: &rusqlite::Connection, ids: Pair) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO candidate_emails (candidate_id, email, email_normalized)
         SELECT ?1, email, email_normalized FROM candidate_emails WHERE candidate_id = ?2",
        params![ids.keep, ids.gone],
    )?;
    tx.execute("DELETE FROM candidate_emails WHERE candidate_id = ?1", [ids.gone])?;
    Ok(())
}

/// The phone the kept record lacks, the earliest creation, the latest contact, and for each
/// request the stricter state: set on either record, set on the survivor (at its earliest).
fn merge_columns(tx: &rusqlite::Connection, ids: Pair) -> Result<()> {
    let earliest = |col: &str| {
        format!(
            "{col} = coalesce(min({col}, (SELECT {col} FROM candidates WHERE id = ?2)), {col}, (SELECT {col} FROM candidates WHERE id = ?2))"
        )
    };
    tx.execute(
        &format!(
            "UPDATE candidates SET
               phone = coalesce(phone, (SELECT phone FROM candidates WHERE id = ?2)),
               phone_normalized = coalesce(phone_normalized, (SELECT phone_normalized FROM candidates WHERE id = ?2)),
               created_at = min(created_at, (SELECT created_at FROM candidates WHERE id = ?2)),
               last_contact_at = max(last_contact_at, (SELECT last_contact_at FROM candidates WHERE id = ?2)),
               {}, {}, {}
             WHERE id = ?1",
            earliest("objected_at"),
            earliest("erasure_confirmed_at"),
            earliest("restricted_at"),
        ),
        params![ids.keep, ids.gone],
    )?;
    Ok(())
}

/// Applications to a job both applied to: the absorbed one's events and notes join the
/// kept one, its hiring details and custom values fill what the kept one lacks (with their
/// flags), a hire stays a hire; then it goes. Every other application moves.
fn fold_applications(tx: &rusqlite::Connection, ids: Pair) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT g.id, g.uuid, g.stage, g.contract_end, k.id, k.uuid, k.stage
         FROM applications g JOIN applications k ON k.job_id = g.job_id
         WHERE g.candidate_id = ?1 AND k.candidate_id = ?2",
    )?;
    type Row = (i64, String, String, Option<String>, i64, String, String);
    let pairs: Vec<Row> = stmt
        .query_map(params![ids.gone, ids.keep], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    drop(stmt);
    for (g, g_uuid, g_stage, g_end, k, k_uuid, k_stage) in pairs {
        tx.execute("UPDATE stage_events SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
        tx.execute("UPDATE notes SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
        tx.execute(
            "UPDATE hiring_details SET application_id = ?1 WHERE application_id = ?2
               AND NOT EXISTS (SELECT 1 FROM hiring_details WHERE application_id = ?1)",
            params![k, g],
        )?;
        tx.execute(
            "UPDATE offers SET application_id = ?1 WHERE application_id = ?2
               AND NOT EXISTS (SELECT 1 FROM offers WHERE application_id = ?1)",
            params![k, g],
        )?;
        tx.execute("UPDATE documents SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
        tx.execute(
            "UPDATE custom_values SET application_id = ?1 WHERE application_id = ?2
               AND field_id NOT IN (SELECT field_id FROM custom_values WHERE application_id = ?1)",
            params![k, g],
        )?;
        // Flags name their source row: the moved custom values' and the stage reasons' now
        // belong to the kept application; those of values the kept one already had go.
        tx.execute(
            "UPDATE guard_flags SET ref = ?1 || substr(ref, length(?2) + 1)
             WHERE candidate_id IN (?3, ?4) AND source = 'custom_field' AND ref LIKE ?2 || '/%'
               AND CAST(substr(ref, length(?2) + 2) AS INTEGER) IN
                   (SELECT field_id FROM custom_values WHERE application_id = ?5)",
            params![k_uuid, g_uuid, ids.gone, ids.keep, k],
        )?;
        tx.execute(
            "UPDATE guard_flags SET ref = ?1 WHERE candidate_id IN (?2, ?3) AND source = 'stage_reason' AND ref = ?4",
            params![k_uuid, ids.gone, ids.keep, g_uuid],
        )?;
        tx.execute(
            "DELETE FROM guard_flags WHERE candidate_id IN (?1, ?2) AND source = 'custom_field' AND ref LIKE ?3 || '/%'",
            params![ids.gone, ids.keep, g_uuid],
        )?;
        // A hire is final, and keeps the file for the contract and the country's period.
        let hired = Stage::Hired.as_str();
        if g_stage == hired && k_stage != hired {
            tx.execute(
                "UPDATE applications SET stage = ?1, closed_reason = NULL, contract_end = ?2 WHERE id = ?3",
                params![hired, g_end, k],
            )?;
        }
        tx.execute("DELETE FROM applications WHERE id = ?1", [g])?;
    }
    tx.execute("UPDATE applications SET candidate_id = ?1 WHERE candidate_id = ?2", params![ids.keep, ids.gone])?;
    Ok(())
}
