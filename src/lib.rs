//! Vivier's engine: an applicant-tracking system that keeps its privacy promises by
//! construction. Every rule lives here, so that it holds at each door: the desktop app,
//! the `vivier` command line and the tests. The promises are listed, with where each is
//! enforced and which test proves it, in `docs/promises.md`.
//!
//! The engine is cut by feature: each folder owns its rules, its SQL and its types, over a
//! small database core.
//! - [`db`]: the encrypted SQLCipher database (open, pragmas, migrations, transactions),
//!   stored time and identifiers. The only module that opens a connection.
//! - [`keys`], [`data_dir`]: the database key (OS keyring or passphrase) and the data
//!   directory's life: create, unlock, rotate.
//! - [`person`]: the registry of every table that holds something about a candidate, and
//!   what merge, purge and (later) the access export do with each.
//! - [`pipeline`]: jobs, candidates, applications and stages, board, notes, search.
//! - [`documents`]: recognising files, bounded text extraction, documents as stored.
//! - [`guard`]: the sensitive-category guard, its policy (HR text refused, candidate text
//!   flagged) and its stored flags.
//! - [`hiring`]: stage gates, hiring details, custom fields.
//! - [`letters`]: offer details, letter templates with merge fields, the PDF writer.
//! - [`retention`]: when each person's data must go, legal holds, the purge.
//! - [`mail`]: mail intake (bounded parsing, import once, matching, triage, rights read in
//!   replies).
//! - [`requests`]: candidates' rights (objection, erasure, renewal, restriction).
//! - [`mail`]: candidates' email; so far its network transport (IMAP fetch, SMTP outbox).
//! - [`backup`]: encrypted backups, the erasure ledger file a restore replays, full and
//!   plain exports.
//! - [`audit`]: the hash-chained log of every view, edit, export and deletion.
//! - [`access`]: the candidate's right of access (the export archive) and correction
//!   (what follows a corrected name, email or phone).
//! - [`error`]: the one list of error codes every door shows.

pub mod access;
pub mod audit;
pub mod backup;
pub mod data_dir;
pub mod db;
pub mod documents;
pub mod error;
pub mod guard;
pub mod hiring;
pub mod keys;
pub mod letters;
pub mod mail;
pub mod person;
pub mod pipeline;
pub mod requests;
pub mod retention;
