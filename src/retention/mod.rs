//! Retention (promises P6, P7 and the erasure side of P8; docs/promises.md): when each
//! person's data must go and why ([`policy`], pure), the facts it decides on as stored
//! ([`facts`], with the pool pre-filter beside the policy's rule), legal holds, the settings,
//! and the purge.

pub mod facts;
pub mod holds;
pub mod policy;
pub mod purge;
pub mod settings;
pub mod unattended;

pub use crate::person::PurgeCounts;
pub use facts::{RetentionStatus, StaleOpen, Upcoming};
pub use holds::HoldInfo;
pub use policy::{RetentionError, Rule};
pub(crate) use purge::ledger_rows;
pub use purge::{Cleanup, PurgeLogEntry, PurgeReport, Purged, RetentionHealth};
pub use settings::RetentionSettings;
pub use unattended::{UnattendedOutcome, Withheld, WithheldReason};
