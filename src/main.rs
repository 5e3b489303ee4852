//! `vivier`, the command line: the scripting and server door to the engine. It parses
//! arguments, gathers secrets from the environment, stdin or a terminal prompt (never from
//! an argument), calls the engine and prints a human or JSON answer. No rule lives here.
//!
//! Exit codes (stable, for scripts):
//! - 0 success
//! - 1 unexpected failure
//! - 2 usage error, or a passphrase refused as too short or mistyped
//! - 3 / 4 `guard check` only: the text holds a warned criterion / a refused category
//! - 10 the data directory is not initialised, or its key file is missing
//! - 11 the key is unreachable: keyring unavailable, locked or without the entry, or a
//!   passphrase is required and none was given
//! - 12 wrong key or passphrase
//! - 13 the database or key file is damaged, or not a Vivier database; `doctor` found a
//!   failed integrity check
//! - 14 the database was written by a newer Vivier
//! - 15 the data directory cannot be written, or the disk is full
//! - 16 the data directory is already initialised
//! - 20 no job, candidate, application or document matches the identifier (or several do),
//!   or the candidate was purged
//! - 21 a duplicate: the person or the application already exists
//! - 22 invalid input or a stage move that is not allowed
//! - 23 a document that is unsupported, too large, empty, or not what its name says
//! - 24 the audit log's hash chain is broken
//! - 25 refused by the sensitive-category guard (the text names origin, politics, religion,
//!   union, sex life, health, genetics or pregnancy); nothing was stored
//! - 26 an erasure refused by law: the candidate was hired (restrict their data instead)
//! - 27 an unattended purge distrusted the clock and removed nobody
//! - 28 mail not configured, or the mail server unreachable, slow, untrusted or refusing

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
