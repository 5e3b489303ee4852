//! The IMAP sync state kept in the store (`mail_sync`): per account and mailbox, the
//! UIDVALIDITY seen, the last UID whose message the intake committed, and the last UID
//! marked on the server. It only moves forward with a commit: [`StoreIntake`] writes
//! messages and the state that follows the last of them in one transaction, so a crash
//! between the two cannot happen.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::imap::FetchedMessage;
use crate::db::Store;
use crate::db::time::ts;

/// Where a mailbox's fetch stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncState {
    /// `user@host` ([`super::imap::ImapAccount::state_key`]).
    pub account: String,
    pub mailbox: String,
    pub uidvalidity: u32,
    /// The last UID committed by the intake (or known to be gone); 0 before the first.
    pub last_uid: u32,
    /// The last UID marked on the server; the range above it up to `last_uid` is owed.
    pub flagged_uid: u32,
}

/// Where fetched messages go. The transport calls [`Intake::commit`] once per message, in
/// UID order, outside any transaction of its own; the implementation stores the message
/// and `after` atomically. [`Intake::record`] stores a state change without a message (a
/// new UIDVALIDITY, flags set).
pub trait Intake {
    type Error: std::fmt::Display + std::fmt::Debug;
    fn commit(&mut self, message: &FetchedMessage, after: &SyncState) -> Result<(), Self::Error>;
    fn record(&mut self, state: &SyncState) -> Result<(), Self::Error>;

    /// Commits messages in order, each with the state that follows it; stops at the first
    /// failure. Returns how many were committed, and the failure. One by one by default;
    /// an implementation may group them, as long as every message counted is stored with
    /// its state and none after it.
    fn commit_all(&mut self, batch: &[(FetchedMessage, SyncState)]) -> (usize, Option<Self::Error>) {
        for (i, (message, after)) in batch.iter().enumerate() {
            if let Err(e) = self.commit(message, after) {
                return (i, Some(e));
            }
        }
        (batch.len(), None)
    }
}

/// The stored state of one account's mailbox.
pub fn load(conn: &rusqlite::Connection, account: &str, mailbox: &str) -> rusqlite::Result<Option<SyncState>> {
    conn.query_row(
        "SELECT uidvalidity, last_uid, flagged_uid FROM mail_sync WHERE account = ?1 AND mailbox = ?2",
        params![account, mailbox],
        |r| {
            Ok(SyncState {
                account: account.to_owned(),
                mailbox: mailbox.to_owned(),
                uidvalidity: r.get(0)?,
                last_uid: r.get(1)?,
                flagged_uid: r.get(2)?,
            })
        },
    )
    .optional()
}

/// Stores `state` (inside the caller's transaction). Within one UIDVALIDITY the state
/// never moves back: a second fetch running at the same time (the app and a timer) with an
/// older view cannot undo what the other committed.
pub fn save(tx: &rusqlite::Connection, state: &SyncState, now: DateTime<Utc>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO mail_sync (account, mailbox, uidvalidity, last_uid, flagged_uid, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
             last_uid = excluded.last_uid, flagged_uid = excluded.flagged_uid, updated_at = excluded.updated_at
         WHERE excluded.uidvalidity <> mail_sync.uidvalidity
            OR excluded.last_uid > mail_sync.last_uid
            OR (excluded.last_uid = mail_sync.last_uid AND excluded.flagged_uid >= mail_sync.flagged_uid)",
        params![state.account, state.mailbox, state.uidvalidity, state.last_uid, state.flagged_uid, ts(now)],
    )?;
    Ok(())
}

/// An [`Intake`] over the store: `sink` stores one message inside the transaction that
/// also advances the state. The intake engine plugs its import in as `sink`.
pub struct StoreIntake<'s, F> {
    store: &'s mut Store,
    clock: fn() -> DateTime<Utc>,
    sink: F,
}

impl<'s, F, E> StoreIntake<'s, F>
where
    F: FnMut(&Transaction<'_>, &FetchedMessage) -> Result<(), E>,
    E: From<rusqlite::Error> + std::fmt::Display + std::fmt::Debug,
{
    pub fn new(store: &'s mut Store, clock: fn() -> DateTime<Utc>, sink: F) -> Self {
        StoreIntake { store, clock, sink }
    }
}

impl<F, E> Intake for StoreIntake<'_, F>
where
    F: FnMut(&Transaction<'_>, &FetchedMessage) -> Result<(), E>,
    E: From<rusqlite::Error> + std::fmt::Display + std::fmt::Debug,
{
    type Error = E;

    fn commit(&mut self, message: &FetchedMessage, after: &SyncState) -> Result<(), E> {
        let batch = [(message.clone(), after.clone())];
        match commit_batch(self.store, &batch, &mut self.sink, (self.clock)()) {
            (_, Some(e)) => Err(e),
            (_, None) => Ok(()),
        }
    }

    fn record(&mut self, state: &SyncState) -> Result<(), E> {
        record(self.store, state, (self.clock)())
    }

    fn commit_all(&mut self, batch: &[(FetchedMessage, SyncState)]) -> (usize, Option<E>) {
        commit_batch(self.store, batch, &mut self.sink, (self.clock)())
    }
}

/// Stores a state change without a message, in its own short transaction.
pub fn record<E: From<rusqlite::Error>>(store: &mut Store, state: &SyncState, now: DateTime<Utc>) -> Result<(), E> {
    store.write(|tx| Ok(save(tx, state, now)?))
}

/// Stores a batch of fetched messages through `sink` in one transaction (one disk sync
/// instead of one per message), each message in a savepoint: a message the sink refuses
/// is rolled back alone, those before it are committed with the state after the last of
/// them. Returns how many were committed, and the failure that stopped it.
///
/// For a door that keeps the store behind a lock (the desktop app), an [`Intake`] whose
/// `commit_all` takes the lock, calls this and lets go keeps the network outside the lock.
pub fn commit_batch<F, E>(
    store: &mut Store,
    batch: &[(FetchedMessage, SyncState)],
    sink: &mut F,
    now: DateTime<Utc>,
) -> (usize, Option<E>)
where
    F: FnMut(&Transaction<'_>, &FetchedMessage) -> Result<(), E>,
    E: From<rusqlite::Error>,
{
    let outcome = store.write(|tx| {
        let mut done: usize = 0;
        let mut failure = None;
        for (message, _) in batch {
            tx.execute_batch("SAVEPOINT fetched_message")?;
            match sink(tx, message) {
                Ok(()) => {
                    tx.execute_batch("RELEASE fetched_message")?;
                    done += 1;
                }
                Err(e) => {
                    tx.execute_batch("ROLLBACK TO fetched_message; RELEASE fetched_message")?;
                    failure = Some(e);
                    break;
                }
            }
        }
        if let Some(i) = done.checked_sub(1)
            && let Some((_, after)) = batch.get(i)
        {
            save(tx, after, now)?;
        }
        Ok::<_, E>((done, failure))
    });
    match outcome {
        Ok(result) => result,
        Err(e) => (0, Some(e)),
    }
}

/// A raw sink for the transport's own tests (the doors use the intake,
/// [`crate::mail::FetchIntake`]): keeps a fetched message as it came, in `messages`
/// (inbound, `triage`, no candidate), skipped when a message with the same Message-ID is
/// already stored. Returns whether it was new.
pub fn store_raw(tx: &Transaction<'_>, message: &FetchedMessage, now: DateTime<Utc>) -> rusqlite::Result<bool> {
    let message_id = header_message_id(&message.raw);
    let added = tx.execute(
        "INSERT INTO messages (uuid, candidate_id, direction, message_id, raw, status, received_at)
         VALUES (?1, NULL, 'inbound', ?2, ?3, 'triage', ?4)
         ON CONFLICT DO NOTHING",
        params![crate::db::ids::new_uuid(), message_id, message.raw, ts(now)],
    )?;
    Ok(added == 1)
}

/// The Message-ID of a raw message (angle brackets kept), read from its header only:
/// folded lines are joined, the name matched without regard to case. None when absent.
pub fn header_message_id(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw.get(..raw.len().min(64 * 1024))?);
    let mut current: Option<String> = None;
    let mut found = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(c) = current.as_mut() {
                c.push_str(line);
            }
            continue;
        }
        if let Some(done) = current.take() {
            found = found.or(message_id_of(&done));
        }
        current = Some(line.to_owned());
    }
    if let Some(done) = current {
        found = found.or(message_id_of(&done));
    }
    found
}

fn message_id_of(field: &str) -> Option<String> {
    let (name, value) = field.split_once(':')?;
    if !name.trim().eq_ignore_ascii_case("message-id") {
        return None;
    }
    let value = value.trim();
    let start = value.find('<')?;
    let end = start + value.get(start..)?.find('>')?;
    value.get(start..=end).map(str::to_owned).filter(|id| id.len() > 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_is_read_from_the_header_only() {
        let raw = b"From: a@b\r\nMessage-ID:\r\n <abc@example.org>\r\nSubject: x\r\n\r\nMessage-ID: <body@x>\r\n";
        assert_eq!(header_message_id(raw).as_deref(), Some("<abc@example.org>"));
        assert_eq!(header_message_id(b"message-id: <a@b>\n\nbody").as_deref(), Some("<a@b>"));
        assert_eq!(header_message_id(b"Subject: x\r\n\r\nMessage-ID: <body@x>\r\n"), None);
        assert_eq!(header_message_id(b"Message-ID: <>\r\n\r\n"), None);
        assert_eq!(header_message_id(b""), None);
    }
}
