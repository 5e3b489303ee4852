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
use super::intake::{Incoming, Intake, Source};
use super::parse::{Limits, Parsed, Rejected, parse};
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

    /// A fetched message parsed within the limits (one read as its header only, over the
    /// account's size bound, is too large).
    fn parse(&self, message: &FetchedMessage) -> Result<Parsed, Rejected> {
        if message.header_only {
            let size = message.size.map_or(message.raw.len(), |s| s as usize);
            Err(Rejected::TooLarge { size, limit: self.limits.max_size })
        } else {
            parse(&message.raw, &self.limits)
        }
    }

    /// Parse then intake one message; a message over the limits is reported, not stored.
    fn take(&mut self, message: &FetchedMessage, after: &SyncState) -> Result<ImportResult, MailError> {
        Ok(match self.parse(message) {
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
                ImportResult::Rejected { .. } | ImportResult::Failed { .. } => c.3 += 1,
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

    /// The batch through the intake as one batch ([`Store::intake_batch`]: one
    /// transaction, each message in its savepoint), the state after the last message taken
    /// in saved in that same transaction. A failure stops there: the messages before it are
    /// committed with their state, the failed one and those after it are not taken in and
    /// come again at the next fetch.
    fn commit_all(&mut self, batch: &[(FetchedMessage, SyncState)]) -> (usize, Option<MailError>) {
        let parsed: Vec<Result<Parsed, Rejected>> = batch.iter().map(|(message, _)| self.parse(message)).collect();
        let items: Vec<Incoming<'_>> = batch
            .iter()
            .zip(&parsed)
            .filter_map(|((message, after), parsed)| {
                let parsed = parsed.as_ref().ok()?;
                Some(Incoming {
                    stamp: Stamp::new(self.actor.clone(), (self.clock)()),
                    parsed,
                    source: Source::Imap {
                        account: after.account.clone(),
                        mailbox: after.mailbox.clone(),
                        uid: message.uid,
                        uid_validity: after.uidvalidity,
                    },
                })
            })
            .collect();
        // How many of the batch were handled when `taken` of its parsed messages were
        // taken in: a rejected message counts as handled; the first parsed one not taken stops.
        let handled = |taken: usize| -> usize {
            let mut left = taken;
            let mut done = 0;
            for p in &parsed {
                if p.is_ok() {
                    if left == 0 {
                        break;
                    }
                    left -= 1;
                }
                done += 1;
            }
            done
        };
        let clock = self.clock;
        let batch_result =
            self.store.intake_batch_then(&items, self.extractor, Default::default(), true, |tx, taken| {
                if let Some((_, after)) = handled(taken).checked_sub(1).and_then(|i| batch.get(i)) {
                    sync::save(tx, after, clock())?;
                }
                Ok(())
            });
        let outcomes = match batch_result {
            Ok(done) => done.outcomes,
            Err(e) => return (0, Some(e)),
        };
        let mut outcomes = outcomes.into_iter();
        let mut done = 0;
        for ((message, _), parsed) in batch.iter().zip(parsed) {
            let result = match parsed {
                Err(rejected) => ImportResult::Rejected {
                    outcome: "rejected".into(),
                    code: Code::MessageRejected,
                    message: rejected.to_string(),
                    rejected,
                },
                Ok(_) => match outcomes.next() {
                    Some(Ok(intake)) => ImportResult::Intake(intake),
                    Some(Err(e)) => return (done, Some(e)),
                    None => break,
                },
            };
            self.outcomes.push(Fetched { uid: message.uid, result });
            done += 1;
        }
        (done, None)
    }
}
