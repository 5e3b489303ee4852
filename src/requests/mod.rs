//! Candidates' rights (promise P5): the register of their requests with its deadlines
//! (`register`, `deadline`, `error`), and the immediate acts a confirmed request goes
//! through — an objection to being kept, an erasure HR confirms, a consent renewal, a
//! restriction of use — each recorded in the audit log and, for an objection or an
//! erasure, decided by the retention engine.

pub mod deadline;
pub mod error;
pub mod register;

pub use error::RequestError;
pub use register::{Channel, Kind, NewRequest, Status};

use rusqlite::params;
use serde::Serialize;

use crate::audit::append;
use crate::db::Store;
use crate::db::time::ts;
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::policy::{check_erasure, decide};

use crate::pipeline::candidates::record_contact;
use crate::retention::facts::{RetentionStatus, candidate, facts_of, settings_of, status_from, status_of};
use crate::retention::purge::{Purged, purge_rows};
type Result<T> = std::result::Result<T, PipelineError>;

/// What happened to an objection or an erasure confirmation.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RequestOutcome {
    pub candidate_uuid: String,
    /// Set when the candidate was purged at once.
    pub purged: Option<Purged>,
    /// The status after the request, when the candidate is still there.
    pub status: Option<RetentionStatus>,
}

impl Store {
    /// The candidate objects to being kept for future offers: their data goes as soon as no
    /// application of theirs is open — at once when none is and no hold stands.
    pub fn record_objection(&mut self, stamp: &Stamp, id: &str) -> Result<RequestOutcome> {
        self.request(stamp, id, "object", |tx, cid| {
            tx.execute(
                "UPDATE candidates SET objected_at = coalesce(objected_at, ?1) WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            Ok(())
        })
    }

    /// HR confirms an erasure the candidate asked for: the data goes now (unless a hold
    /// stands). Refused, with the legal reason, for a hire: restrict instead.
    pub fn confirm_erasure(&mut self, stamp: &Stamp, id: &str) -> Result<RequestOutcome> {
        self.request(stamp, id, "erase", |tx, cid| {
            check_erasure(&facts_of(tx, cid)?.2)?;
            tx.execute(
                "UPDATE candidates SET erasure_confirmed_at = coalesce(erasure_confirmed_at, ?1) WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            Ok(())
        })
    }

    /// Records the request, then purges the candidate in the same transaction when the
    /// policy says their data must go now.
    fn request(
        &mut self,
        stamp: &Stamp,
        id: &str,
        action: &str,
        record: impl FnOnce(&rusqlite::Connection, i64) -> Result<()>,
    ) -> Result<RequestOutcome> {
        let ledger = self.ledger.clone();
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            record(tx, cid)?;
            append(tx, stamp, action, Some(&uuid), None)?;
            let (_, name, facts) = facts_of(tx, cid)?;
            let decision = decide(&facts, &settings_of(tx)?, stamp.at);
            if decision.purge_now(stamp.at) {
                let (mut purged, _) = purge_rows(tx, ledger.as_ref(), stamp, &[(cid, uuid.clone(), decision)])?;
                return Ok(RequestOutcome { candidate_uuid: uuid, purged: purged.pop(), status: None });
            }
            let status = status_from(tx, cid, uuid.clone(), name, &facts, &decision, stamp.at)?;
            Ok(RequestOutcome { candidate_uuid: uuid, purged: None, status: Some(status) })
        })
        .and_then(|outcome| {
            if outcome.purged.is_some() {
                self.clean_up(crate::retention::Cleanup::default())?;
            }
            Ok(outcome)
        })
    }

    /// The candidate confirmed a consent renewal (by mail, by phone): their last contact
    /// moves to now and an earlier objection is withdrawn.
    pub fn renew_consent(&mut self, stamp: &Stamp, id: &str) -> Result<RetentionStatus> {
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            record_contact(tx, cid, stamp.at)?;
            tx.execute("UPDATE candidates SET objected_at = NULL WHERE id = ?1", [cid])?;
            append(tx, stamp, "renew", Some(&uuid), None)?;
            status_of(tx, cid, stamp.at)
        })
    }

    /// Restricts the use of a candidate's data (an erasure that the law does not allow for a
    /// hire): kept, but out of search. Recorded with its date.
    pub fn restrict(&mut self, stamp: &Stamp, id: &str) -> Result<RetentionStatus> {
        self.write(|tx| {
            let (cid, uuid) = candidate(tx, id)?;
            tx.execute(
                "UPDATE candidates SET restricted_at = coalesce(restricted_at, ?1) WHERE id = ?2",
                params![ts(stamp.at), cid],
            )?;
            append(tx, stamp, "restrict", Some(&uuid), None)?;
            status_of(tx, cid, stamp.at)
        })
    }
}
