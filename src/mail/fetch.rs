//! The IMAP fetch's way into the intake: [`FetchIntake`] implements the transport's
//! [`sync::Intake`] with the same two calls every source uses — [`parse`] (pure, bounded,
//! no store, no lock, no transaction) then [`Store::intake`] (its own short transactions)
//! — and then records the mailbox's sync state ([`sync::record`]) once per batch, after the
//! last message of the batch the intake committed.
//!
//! Delivery is at least once, made safe by the intake's dedup: a crash after a message's
//! intake but before its UID was recorded brings it again at the next fetch, where the
//! same Message-ID (or, without one, the same bytes) answers [`Intake::Duplicate`] and
//! nothing is written twice. The transport marks a message on the server (flag or move)
//! only after [`Intake`] reported it committed, i.e. after its intake and the state that
//! follows it are in the store. A message over the intake's limits (or one the transport
//! read as its header only because it was over the account's size bound) is stored nowhere,
//! but counted as handled: the state moves past it, it is marked like the others (left
//! whole on the server for HR to read there) and listed as `rejected` in the outcomes —
//! it never stops the fetch. A store failure does stop it, with the state at the last
//! recorded message.
//!
//! The network never waits under a store transaction: the transport reads a batch, then
//! calls [`sync::Intake::commit_all`], which only parses and writes. A door that keeps the
//! store behind a lock (the desktop app) takes it per message in the same way.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::MailError;
use super::file::ImportResult;
use super::intake::{Intake, Source};
use super::parse::{Limits, Rejected, parse};
use super::transport::imap::FetchedMessage;
use super::transport::sync::{self, SyncState};
use crate::db::Store;
use crate::documents::Extractor;
use crate::error::Code;
use crate::pipeline::Stamp;

/// What became of one fetched message, by its UID.
#[derive(Debug, Clone, Serialize)]
pub struct Fetched {
    pub uid: u32,
    #[serde(flatten)]
    pub result: ImportResult,
}

/// The intake of an IMAP fetch: see the module's doc.
pub struct FetchIntake<'s> {
    store: &'s mut Store,
    actor: String,
    clock: fn() -> DateTime<Utc>,
    extractor: &'s Extractor,
    limits: Limits,
    /// Each message handled in this fetch, in UID order.
    pub outcomes: Vec<Fetched>,
}

impl<'s> FetchIntake<'s> {
    /// `actor` signs the intake's audit entries; `clock` gives each message its received
    /// time. The parsing limits are the store's (`mail.limits.*`).
    pub fn new(
        store: &'s mut Store,
        actor: impl Into<String>,
        clock: fn() -> DateTime<Utc>,
        extractor: &'s Extractor,
    ) -> Result<FetchIntake<'s>, MailError> {
        let limits = store.mail_limits()?;
        Ok(FetchIntake { store, actor: actor.into(), clock, extractor, limits, outcomes: Vec::new() })
    }

    /// The intake's size limit: the transport need not read more of a message than this.
    pub fn max_size(&self) -> usize {
        self.limits.max_size
    }

    /// Parse then intake one message; a message over the limits is reported, not stored.
    fn take(&mut self, message: &FetchedMessage, after: &SyncState) -> Result<ImportResult, MailError> {
        let parsed = if message.header_only {
            let size = message.size.map_or(message.raw.len(), |s| s as usize);
            Err(Rejected::TooLarge { size, limit: self.limits.max_size })
        } else {
            parse(&message.raw, &self.limits)
        };
        Ok(match parsed {
            Ok(parsed) => {
                let source = Source::Imap {
                    account: after.account.clone(),
                    mailbox: after.mailbox.clone(),
                    uid: message.uid,
                    uid_validity: after.uidvalidity,
                };
                let stamp = Stamp::new(self.actor.clone(), (self.clock)());
                ImportResult::Intake(self.store.intake(&stamp, &parsed, &source, self.extractor)?)
            }
            Err(rejected) => ImportResult::Rejected {
                outcome: "rejected".into(),
                code: Code::MessageRejected,
                message: rejected.to_string(),
                rejected,
            },
        })
    }

    /// How many messages of this fetch ended each way: (matched, triaged, duplicate, rejected).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for f in &self.outcomes {
            match &f.result {
                ImportResult::Intake(Intake::Matched { .. }) => c.0 += 1,
                ImportResult::Intake(Intake::Triaged { .. }) => c.1 += 1,
                ImportResult::Intake(Intake::Duplicate { .. }) => c.2 += 1,
                ImportResult::Rejected { .. } => c.3 += 1,
            }
        }
        c
    }
}

impl sync::Intake for FetchIntake<'_> {
    type Error = MailError;

    fn commit(&mut self, message: &FetchedMessage, after: &SyncState) -> Result<(), MailError> {
        let result = self.take(message, after)?;
        sync::record::<MailError>(self.store, after, (self.clock)())?;
        self.outcomes.push(Fetched { uid: message.uid, result });
        Ok(())
    }

    fn record(&mut self, state: &SyncState) -> Result<(), MailError> {
        sync::record(self.store, state, (self.clock)())
    }

    /// Each message through the intake, then the state after the last one taken in, once.
    /// A failure stops there: the messages before it are recorded (their state saved), the
    /// failed one and those after it come again at the next fetch.
    fn commit_all(&mut self, batch: &[(FetchedMessage, SyncState)]) -> (usize, Option<MailError>) {
        let mut done: usize = 0;
        let mut failure = None;
        let mut taken = Vec::with_capacity(batch.len());
        for (message, after) in batch {
            match self.take(message, after) {
                Ok(result) => {
                    taken.push(Fetched { uid: message.uid, result });
                    done += 1;
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if let Some((_, after)) = done.checked_sub(1).and_then(|i| batch.get(i))
            && let Err(e) = sync::record::<MailError>(self.store, after, (self.clock)())
        {
            // Taken in but not recorded: they come again and answer Duplicate.
            return (0, Some(e));
        }
        self.outcomes.extend(taken);
        (done, failure)
    }
}
