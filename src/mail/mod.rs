//! Mail: candidates' email, in and out (issue 12). The network is [`transport`] (IMAP
//! fetch, SMTP sending, the outbox, mail settings and their passwords); [`fetch`] hands
//! what IMAP brings to the intake, one message at a time, outside any transaction;
//! [`links`] says which links of a message's text a door may open (http, https, mailto).
//! [`compose`] writes HR's messages from templates, with the privacy footer, into the outbox.
//!
//! The intake: messages brought by a file (.eml, .mbox) or by the IMAP transport, parsed
//! within bounds, stored raw in the encrypted store, imported once, tied to a candidate
//! (or left in triage with the reason), read without their quoted history, and the right
//! a reply asks for opened as a request HR confirms or dismisses. It never sends mail and
//! never reaches the network (that is `mail::transport`), never deletes a person's data
//! without HR's confirmation, and never refuses what a candidate wrote (the guard flags
//! and masks it).
//!
//! The entry point for every source is two calls:
//! 1. [`parse`]`(raw, &limits) -> Result<Parsed, Rejected>`: pure and bounded, no store
//!    (limits from [`Store::mail_limits`], defaults in [`Limits::default`]). A rejected
//!    message is stored nowhere; the caller reports its reason.
//! 2. [`Store::intake`]`(&stamp, &parsed, &Source::Imap { .. }, &extractor) -> Intake`:
//!    the short write. The same Message-ID (or, without one, the same raw bytes) is
//!    imported once whichever source brings it: a second call answers
//!    [`Intake::Duplicate`], so an IMAP re-delivery is safe. The stamp's time is the
//!    received time (and starts a request's legal delay).
//!
//! Many messages at once (an mbox, an IMAP fetch) go through [`Store::intake_batch`]: one
//! transaction for the batch, a savepoint per message (one that fails is rolled back
//! alone and reported, the others are kept), the slow parts done before the transaction
//! (the guard, the documents' text extracted by one sandboxed child for the batch).
//! [`Store::intake`] is a batch of one.
//!
//! ```no_run
//! # fn f(store: &mut vivier::db::Store, raw: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use vivier::mail::{self, Source};
//! use vivier::pipeline::Stamp;
//! let limits = store.mail_limits()?;
//! let parsed = mail::parse(raw, &limits).map_err(|r| r.to_string())?;
//! let source = Source::Imap { account: "hr".into(), mailbox: "INBOX".into(), uid: 42, uid_validity: 7 };
//! let outcome = store.intake(&Stamp::new("imap", chrono::Utc::now()), &parsed, &source,
//!                            &vivier::documents::Extractor::this_binary()?)?;
//! # Ok(()) }
//! ```

pub mod compose;
mod error;
pub mod fetch;
pub mod file;
pub mod intake;
pub mod intent;
pub mod links;
pub mod parse;
pub mod reply;
pub mod transport;

pub use error::MailError;
pub use fetch::{FetchIntake, Fetched};
pub use file::{ImportResult, Imported};
pub use intake::{Batch, Extracted, Incoming, Intake, Matched, Phases, Source};
pub use intent::{Intent, classify};
pub use parse::{Attachment, Limits, Parsed, Rejected, parse};
pub use reply::reply_text;

#[cfg(doc)]
use crate::db::Store;
