//! Vivier's engine: an applicant-tracking system that keeps its privacy promises by
//! construction. Every rule lives here, so that it holds at each door: the desktop app,
//! the `vivier` command line and the tests.
//!
//! Areas:
//! - [`store`]: the encrypted SQLCipher database, its pragmas and migrations; the only
//!   place that speaks SQL.
//! - [`keys`]: the database key, from the OS keyring or a passphrase.
//! - [`data_dir`]: a data directory, tying a database to its key safely.
//! - [`pipeline`]: jobs, candidates, applications and stages, notes, search (pure rules;
//!   their SQL is in `store`).
//! - [`documents`]: recognising PDF, DOCX, ODT and text by content; bounded text extraction
//!   in a child process with time and memory limits.
//! - [`audit`]: the hash-chained log of every view, edit, export and deletion.
//! - [`privacy`]: the sensitive-category guard, stage gates and retention.

pub mod audit;
pub mod data_dir;
pub mod documents;
pub mod keys;
pub mod pipeline;
pub mod privacy;
pub mod store;
