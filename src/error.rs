//! The one list of error codes. Every failure that leaves the engine or one of its doors
//! carries a [`Code`]: stable, snake_case, the same for a script reading `vivier --json`
//! and for the desktop UI, which branches on it and never on a message. Each area's error
//! type says which code it is (`code()`); the command line maps codes to exit codes here,
//! by an exhaustive match, so a new code cannot fall through to a default; the UI's list
//! (`ui/src/lib/generated.ts`) and README.md's exit-code table are generated from
//! [`Code::ALL`] and checked by tests.
//!
//! ```
//! use vivier::error::Code;
//! assert_eq!(Code::WrongPassphrase.as_str(), "wrong_passphrase");
//! assert_eq!(Code::parse("wrong_passphrase"), Some(Code::WrongPassphrase));
//! assert_eq!(Code::WrongPassphrase.exit_code(), 12);
//! ```

use serde::{Deserialize, Serialize};

/// A stable error code. Its string ([`Code::as_str`], also its serde form) never changes
/// once released: scripts and the UI depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ErrorCode")]
pub enum Code {
    // The command line's own.
    /// A wrong command line, or input it cannot read.
    Usage,
    /// `vivier doctor` found a failed integrity check.
    Unhealthy,
    /// The text-extraction child failed (its own process).
    ExtractFailed,
    /// `vivier purge --install-timer` could not install the timer.
    TimerNotInstalled,
    /// `vivier audit verify` found a broken hash chain.
    AuditBroken,

    // The data directory and the key.
    NoDataDir,
    NotInitialised,
    AlreadyInitialised,
    KeyFileMissing,
    /// The key is here but the database file is gone: never recreated empty.
    DatabaseMissing,
    KeyFileDamaged,
    KeyMismatch,
    KeyringUnavailable,
    KeyringLocked,
    KeyringEntryMissing,
    KeyringEntryInvalid,
    PassphraseRequired,
    WrongPassphrase,
    WeakPassphrase,
    PassphraseMismatch,
    RandomSource,
    InvalidKey,

    // The database file.
    WrongKey,
    NotAVivierDatabase,
    SchemaTooNew,
    Damaged,
    DataDirUnwritable,
    DiskFull,
    MigrationFailed,
    UnsafeBuild,
    Io,
    Database,

    // The pipeline.
    NotFound,
    AmbiguousId,
    DuplicateCandidate,
    AlreadyApplied,
    InvalidInput,
    InvalidTransition,
    ReasonRequired,
    JobClosed,
    StageGate,
    /// A letter template whose markup does not read (line and column in the message).
    TemplateSyntax,
    /// Merge fields unknown or without a value, all named in one message.
    MergeFields,
    /// The PDF of a letter could not be written.
    LetterFailed,
    /// Refused by the sensitive-category guard.
    SensitiveData,
    /// Asked for the original of a document with refused passages without asking to reveal
    /// them (the reveal is audited).
    RevealRequired,

    // Retention.
    HiredCannotBeErased,
    /// The candidate was purged; only the purge log remembers the UUID.
    Purged,
    /// An unattended purge distrusted the clock and waits for HR's confirmation.
    PurgeWithheld,

    // Backups, the erasure ledger file, exports.
    /// The erasure ledger file does not open with the key, or was altered or cut short.
    LedgerDamaged,
    /// A restore found no erasure ledger: refused unless the risk is accepted.
    LedgerMissing,
    /// A restore of a backup older than the ledger's record: refused unless accepted.
    BackupOlderThanLedger,
    /// A backup or export that is damaged or not Vivier's.
    BackupDamaged,
    /// No backup at the path given.
    BackupMissing,
    /// The backup before a migration could not be taken: the database was not updated.
    BackupFailed,
    /// An unencrypted export was not confirmed.
    ConfirmationRequired,

    // Documents: refused files, and why a text could not be extracted.
    UnsupportedDocument,
    DocumentMismatch,
    DocumentTooLarge,
    EmptyDocument,
    Encrypted,
    Corrupt,
    TooLarge,
    TooDeep,

    // Mail transport (IMAP fetch, SMTP sending).
    /// No IMAP or SMTP settings, or no password in the keyring for them.
    MailNotConfigured,
    /// The mail server refused the user name or password.
    MailAuthFailed,
    /// The mail server's TLS certificate is not trusted (or TLS was refused).
    MailCertificateRefused,
    /// The mail server could not be reached (name unknown, connection refused, no route).
    MailUnreachable,
    /// The mail server did not answer in time.
    MailTimeout,
    /// The mail server answered something unexpected, or refused a command.
    MailProtocol,
    /// The SMTP server refused the message for good (a 5xx answer).
    MailRejected,
    // Mail intake.
    /// A message over the parsing limits (size, parts, nesting, attachments, header line).
    MessageRejected,
    /// A triage decision on a message that no longer waits in triage.
    NotInTriage,
    /// A decision on a request already confirmed or dismissed.
    RequestDecided,

    // The desktop app's own.
    /// The database is not open yet.
    StoreClosed,
    /// Asked for the PDF view of a document that is not a PDF.
    NotPdf,
    /// A bug or a poisoned lock in the app.
    Internal,

    // Composing mail.
    /// The candidate has no email address to write to.
    NoRecipient,
    // The requests register.
    /// An extension of a request's delay the law no longer allows (after the first month,
    /// or past two months in all).
    ExtensionRefused,
    /// An act on a request from an unknown address before its sender's identity is checked.
    IdentityCheckNeeded,
}

impl Code {
    /// Every code, in the order above (the order of the generated lists).
    pub const ALL: [Code; 80] = [
        Code::Usage,
        Code::Unhealthy,
        Code::ExtractFailed,
        Code::TimerNotInstalled,
        Code::AuditBroken,
        Code::NoDataDir,
        Code::NotInitialised,
        Code::AlreadyInitialised,
        Code::KeyFileMissing,
        Code::DatabaseMissing,
        Code::KeyFileDamaged,
        Code::KeyMismatch,
        Code::KeyringUnavailable,
        Code::KeyringLocked,
        Code::KeyringEntryMissing,
        Code::KeyringEntryInvalid,
        Code::PassphraseRequired,
        Code::WrongPassphrase,
        Code::WeakPassphrase,
        Code::PassphraseMismatch,
        Code::RandomSource,
        Code::InvalidKey,
        Code::WrongKey,
        Code::NotAVivierDatabase,
        Code::SchemaTooNew,
        Code::Damaged,
        Code::DataDirUnwritable,
        Code::DiskFull,
        Code::MigrationFailed,
        Code::UnsafeBuild,
        Code::Io,
        Code::Database,
        Code::NotFound,
        Code::AmbiguousId,
        Code::DuplicateCandidate,
        Code::AlreadyApplied,
        Code::InvalidInput,
        Code::InvalidTransition,
        Code::ReasonRequired,
        Code::JobClosed,
        Code::StageGate,
        Code::TemplateSyntax,
        Code::MergeFields,
        Code::LetterFailed,
        Code::SensitiveData,
        Code::RevealRequired,
        Code::HiredCannotBeErased,
        Code::Purged,
        Code::PurgeWithheld,
        Code::LedgerDamaged,
        Code::LedgerMissing,
        Code::BackupOlderThanLedger,
        Code::BackupDamaged,
        Code::BackupMissing,
        Code::BackupFailed,
        Code::ConfirmationRequired,
        Code::UnsupportedDocument,
        Code::DocumentMismatch,
        Code::DocumentTooLarge,
        Code::EmptyDocument,
        Code::Encrypted,
        Code::Corrupt,
        Code::TooLarge,
        Code::TooDeep,
        Code::MailNotConfigured,
        Code::MailAuthFailed,
        Code::MailCertificateRefused,
        Code::MailUnreachable,
        Code::MailTimeout,
        Code::MailProtocol,
        Code::MailRejected,
        Code::MessageRejected,
        Code::NotInTriage,
        Code::RequestDecided,
        Code::StoreClosed,
        Code::NotPdf,
        Code::Internal,
        Code::NoRecipient,
        Code::ExtensionRefused,
        Code::IdentityCheckNeeded,
    ];

    /// The stable string: `wrong_passphrase`, `not_found`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Usage => "usage",
            Code::Unhealthy => "unhealthy",
            Code::ExtractFailed => "extract_failed",
            Code::TimerNotInstalled => "timer_not_installed",
            Code::AuditBroken => "audit_broken",
            Code::NoDataDir => "no_data_dir",
            Code::NotInitialised => "not_initialised",
            Code::AlreadyInitialised => "already_initialised",
            Code::KeyFileMissing => "key_file_missing",
            Code::DatabaseMissing => "database_missing",
            Code::KeyFileDamaged => "key_file_damaged",
            Code::KeyMismatch => "key_mismatch",
            Code::KeyringUnavailable => "keyring_unavailable",
            Code::KeyringLocked => "keyring_locked",
            Code::KeyringEntryMissing => "keyring_entry_missing",
            Code::KeyringEntryInvalid => "keyring_entry_invalid",
            Code::PassphraseRequired => "passphrase_required",
            Code::WrongPassphrase => "wrong_passphrase",
            Code::WeakPassphrase => "weak_passphrase",
            Code::PassphraseMismatch => "passphrase_mismatch",
            Code::RandomSource => "random_source",
            Code::InvalidKey => "invalid_key",
            Code::WrongKey => "wrong_key",
            Code::NotAVivierDatabase => "not_a_vivier_database",
            Code::SchemaTooNew => "schema_too_new",
            Code::Damaged => "damaged",
            Code::DataDirUnwritable => "data_dir_unwritable",
            Code::DiskFull => "disk_full",
            Code::MigrationFailed => "migration_failed",
            Code::UnsafeBuild => "unsafe_build",
            Code::Io => "io",
            Code::Database => "database",
            Code::NotFound => "not_found",
            Code::AmbiguousId => "ambiguous_id",
            Code::DuplicateCandidate => "duplicate_candidate",
            Code::AlreadyApplied => "already_applied",
            Code::InvalidInput => "invalid_input",
            Code::InvalidTransition => "invalid_transition",
            Code::ReasonRequired => "reason_required",
            Code::JobClosed => "job_closed",
            Code::StageGate => "stage_gate",
            Code::TemplateSyntax => "template_syntax",
            Code::MergeFields => "merge_fields",
            Code::LetterFailed => "letter_failed",
            Code::SensitiveData => "sensitive_data",
            Code::RevealRequired => "reveal_required",
            Code::HiredCannotBeErased => "hired_cannot_be_erased",
            Code::Purged => "purged",
            Code::PurgeWithheld => "purge_withheld",
            Code::LedgerDamaged => "ledger_damaged",
            Code::LedgerMissing => "ledger_missing",
            Code::BackupOlderThanLedger => "backup_older_than_ledger",
            Code::BackupDamaged => "backup_damaged",
            Code::BackupMissing => "backup_missing",
            Code::BackupFailed => "backup_failed",
            Code::ConfirmationRequired => "confirmation_required",
            Code::UnsupportedDocument => "unsupported_document",
            Code::DocumentMismatch => "document_mismatch",
            Code::DocumentTooLarge => "document_too_large",
            Code::EmptyDocument => "empty_document",
            Code::Encrypted => "encrypted",
            Code::Corrupt => "corrupt",
            Code::TooLarge => "too_large",
            Code::TooDeep => "too_deep",
            Code::MailNotConfigured => "mail_not_configured",
            Code::MailAuthFailed => "mail_auth_failed",
            Code::MailCertificateRefused => "mail_certificate_refused",
            Code::MailUnreachable => "mail_unreachable",
            Code::MailTimeout => "mail_timeout",
            Code::MailProtocol => "mail_protocol",
            Code::MailRejected => "mail_rejected",
            Code::MessageRejected => "message_rejected",
            Code::NotInTriage => "not_in_triage",
            Code::RequestDecided => "request_decided",
            Code::StoreClosed => "store_closed",
            Code::NotPdf => "not_pdf",
            Code::Internal => "internal",
            Code::NoRecipient => "no_recipient",
            Code::ExtensionRefused => "extension_refused",
            Code::IdentityCheckNeeded => "identity_check_needed",
        }
    }

    /// The code named by [`Code::as_str`].
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The command line's exit code for a failure with this code (README.md lists them, from
    /// [`exit_code_table`]). No default arm: a new code must be given its exit code here.
    pub fn exit_code(self) -> u8 {
        match self {
            Code::Usage | Code::WeakPassphrase | Code::PassphraseMismatch | Code::ConfirmationRequired => 2,
            Code::NotInitialised | Code::KeyFileMissing | Code::DatabaseMissing => 10,
            Code::KeyringUnavailable
            | Code::KeyringLocked
            | Code::KeyringEntryMissing
            | Code::KeyringEntryInvalid
            | Code::PassphraseRequired => 11,
            Code::WrongPassphrase | Code::WrongKey | Code::KeyMismatch => 12,
            Code::NotAVivierDatabase
            | Code::Damaged
            | Code::KeyFileDamaged
            | Code::Unhealthy
            | Code::LedgerDamaged
            | Code::BackupDamaged => 13,
            Code::SchemaTooNew => 14,
            Code::DataDirUnwritable | Code::DiskFull | Code::NoDataDir => 15,
            Code::AlreadyInitialised => 16,
            Code::NotFound | Code::AmbiguousId | Code::Purged => 20,
            Code::DuplicateCandidate | Code::AlreadyApplied => 21,
            Code::InvalidInput
            | Code::InvalidTransition
            | Code::ReasonRequired
            | Code::JobClosed
            | Code::StageGate
            | Code::NotInTriage
            | Code::RequestDecided
            | Code::TemplateSyntax
            | Code::MergeFields => 22,
            Code::UnsupportedDocument
            | Code::DocumentMismatch
            | Code::DocumentTooLarge
            | Code::EmptyDocument
            | Code::MessageRejected => 23,
            Code::AuditBroken => 24,
            Code::SensitiveData | Code::RevealRequired => 25,
            Code::HiredCannotBeErased => 26,
            Code::PurgeWithheld => 27,
            Code::MailNotConfigured
            | Code::MailAuthFailed
            | Code::MailCertificateRefused
            | Code::MailUnreachable
            | Code::MailTimeout
            | Code::MailProtocol
            | Code::MailRejected => 28,
            Code::LedgerMissing | Code::BackupOlderThanLedger => 29,
            Code::BackupMissing | Code::BackupFailed => 30,
            Code::ExtractFailed
            | Code::TimerNotInstalled
            | Code::RandomSource
            | Code::InvalidKey
            | Code::MigrationFailed
            | Code::UnsafeBuild
            | Code::Io
            | Code::Database
            | Code::Encrypted
            | Code::Corrupt
            | Code::TooLarge
            | Code::TooDeep
            | Code::StoreClosed
            | Code::NotPdf
            | Code::LetterFailed
            | Code::Internal => 1,
            Code::NoRecipient => 33,
            Code::ExtensionRefused | Code::IdentityCheckNeeded => 31,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code compares with its string, so that tests and callers can write `"not_found"`.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// What each exit code of the command line means, in order. Exit 0 is success; `vivier
/// guard check` alone also exits 3 (warned) or 4 (refused).
pub const EXIT_MEANINGS: [(u8, &str); 22] = [
    (1, "unexpected failure"),
    (2, "usage error, unacceptable new passphrase, or an unencrypted export not confirmed"),
    (10, "not initialised, key file missing, or database file missing beside its key"),
    (11, "key unreachable (keyring unavailable, locked or without the entry; passphrase required)"),
    (12, "wrong key or passphrase"),
    (13, "damaged or not a Vivier database, backup, export or erasure ledger, or a failed integrity check"),
    (14, "database written by a newer Vivier"),
    (15, "data directory not writable or disk full"),
    (16, "already initialised"),
    (20, "unknown, ambiguous or purged identifier"),
    (21, "duplicate person or application"),
    (
        22,
        "invalid input or stage move, a decision already taken (triage, request), a letter template that does not read or a merge field without a value",
    ),
    (23, "unsupported, oversized, empty or misnamed document, or a mail message over the limits"),
    (24, "broken audit chain"),
    (25, "refused by the sensitive-category guard, or its refused passages not revealed"),
    (26, "erasure refused by law (the candidate was hired: restrict instead)"),
    (27, "an unattended purge distrusted the clock and removed nobody (confirm with an attended purge)"),
    (28, "mail not configured, or the mail server unreachable, slow, untrusted or refusing"),
    (29, "restore refused: the erasure ledger is missing or begins after the backup (accept the risk explicitly)"),
    (30, "no backup at that path, or the backup before a migration failed (nothing was updated)"),
    (31, "request: extension after the first month (or past two months), or act before the identity check"),
    (33, "the candidate has no email address to write to"),
];

/// The exit-code table of README.md, rendered from [`Code::ALL`] and [`EXIT_MEANINGS`]:
/// one row per exit code, with the codes that exit with it.
pub fn exit_code_table() -> String {
    let mut table = String::from("| exit | meaning | codes |\n|---|---|---|\n");
    for (exit, meaning) in EXIT_MEANINGS {
        let codes: Vec<String> = Code::ALL.iter().filter(|c| c.exit_code() == exit).map(|c| format!("`{c}`")).collect();
        table.push_str(&format!("| {exit} | {meaning} | {} |\n", codes.join(", ")));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_round_trips_through_its_string() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code), "{code:?}");
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<Code>(&format!("\"{code}\"")).unwrap(), code);
        }
        assert_eq!(Code::parse("no_such_code"), None);
    }

    #[test]
    fn no_two_codes_share_a_string() {
        let strings: HashSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), Code::ALL.len(), "two codes share a string");
        let codes: HashSet<Code> = Code::ALL.into_iter().collect();
        assert_eq!(codes.len(), Code::ALL.len(), "a code is listed twice in Code::ALL");
    }

    #[test]
    fn codes_are_snake_case() {
        for code in Code::ALL {
            let s = code.as_str();
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !s.starts_with('_'), "{s}");
        }
    }

    #[test]
    fn every_exit_code_has_a_meaning() {
        let meant: HashSet<u8> = EXIT_MEANINGS.iter().map(|(exit, _)| *exit).collect();
        for code in Code::ALL {
            assert!(meant.contains(&code.exit_code()), "{code}: exit {} has no meaning", code.exit_code());
        }
        for (exit, _) in EXIT_MEANINGS {
            assert!(Code::ALL.iter().any(|c| c.exit_code() == exit), "no code exits {exit}");
        }
    }

    /// Engine messages say what is wrong in the user's terms, the same at every door; the
    /// commands, flags and variables to type are each door's hint (src/cli, the app's UI).
    #[test]
    fn engine_messages_carry_no_command_line_syntax() {
        use crate::data_dir::DataDirError;
        use crate::db::StoreError;
        use crate::documents::{DocumentError, DocumentFormat, ExtractError};
        use crate::keys::KeyError;
        use crate::pipeline::{PipelineError, Source, Stage};
        use crate::retention::RetentionError;
        use std::path::PathBuf;

        let path = || PathBuf::from("/home/hr/vivier");
        let io = || std::io::Error::from_raw_os_error(libc::EACCES);
        let text = || "detail".to_owned();
        let mut messages: Vec<String> = [
            StoreError::WrongKey,
            StoreError::Plaintext { path: path() },
            StoreError::NotADatabase { path: path() },
            StoreError::Missing { path: path() },
            StoreError::SchemaTooNew { found: 9, supported: 8 },
            StoreError::Damaged { detail: text() },
            StoreError::Unwritable { path: path(), source: io() },
            StoreError::DiskFull,
            StoreError::Migration { version: 1, name: "init", detail: text(), at: 0 },
            StoreError::Unsafe(text()),
            StoreError::Io { path: path(), source: io() },
        ]
        .iter()
        .map(|e| e.to_string())
        .collect();
        messages.extend(
            [
                KeyError::KeyringUnavailable { detail: text() },
                KeyError::KeyringLocked { detail: text() },
                KeyError::KeyringEntryMissing { service: text(), account: text() },
                KeyError::KeyringEntryInvalid { service: text(), account: text(), detail: text() },
                KeyError::WrongPassphrase,
                KeyError::PassphraseRequired,
                KeyError::WeakPassphrase { min: 12 },
                KeyError::PassphraseMismatch,
                KeyError::KeyFileDamaged { path: path(), detail: text() },
                KeyError::KeyMismatch { detail: text() },
                KeyError::Random(text()),
                KeyError::Malformed(text()),
                KeyError::DiskFull { path: path() },
                KeyError::Unwritable { path: path(), source: io() },
                KeyError::Io { path: path(), source: io() },
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        messages.extend(
            [
                DataDirError::NotInitialised { root: path() },
                DataDirError::AlreadyInitialised { root: path() },
                DataDirError::KeyFileMissing { root: path() },
                DataDirError::DatabaseMissing { path: path() },
                DataDirError::Unwritable { path: path(), source: io() },
                DataDirError::DiskFull { path: path() },
                DataDirError::NoDefault,
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        messages.extend(
            [
                crate::mail::MailError::Rejected(crate::mail::Rejected::TooDeep { limit: 12 }),
                crate::mail::MailError::Rejected(crate::mail::Rejected::TooLarge { size: 9, limit: 8 }),
                crate::mail::MailError::NotInTriage { message: text() },
                crate::mail::MailError::RequestDecided { request: text(), status: text() },
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        let not_found = |what| PipelineError::NotFound { what, id: "abcd".into() };
        messages.extend(
            [
                not_found("job"),
                not_found("candidate"),
                not_found("application"),
                PipelineError::Ambiguous { what: "candidate", id: "abcd".into() },
                PipelineError::Duplicate {
                    existing: "abcd".into(),
                    existing_name: "Ana".into(),
                    matched_on: "email".into(),
                },
                Source::from_parts("agency", None).unwrap_err(),
                Stage::New.check_move(Stage::Rejected, None).unwrap_err(),
                PipelineError::AlreadyApplied { candidate: "Ana".into(), application: "abcd".into() },
                PipelineError::JobClosed { title: "Payroll".into() },
                PipelineError::StageGate { field: "address".into(), stage: Stage::New, from: Stage::Offer },
                PipelineError::StageGate { field: "address".into(), stage: Stage::Rejected, from: Stage::Offer },
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        messages.extend(
            [
                RetentionError::PoolTooLong(30),
                RetentionError::YearsOutOfRange(80),
                RetentionError::HiredCannotBeErased,
                RetentionError::Purged { uuid: "abcd".into(), at: "2026-01-01".into(), rule: "pool".into() },
                RetentionError::FuturePurge,
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        messages.extend(
            [
                DocumentError::Unsupported { what: "x".into() },
                DocumentError::Mismatch { extension: "pdf".into(), found: DocumentFormat::Docx },
                DocumentError::TooLarge { len: 2, limit: 1 },
                DocumentError::Empty,
                DocumentError::CopyFailed { reason: text(), disk_full: false },
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        messages.extend(
            [ExtractError::Encrypted, ExtractError::Corrupt(text()), ExtractError::TooLarge, ExtractError::TooDeep]
                .iter()
                .map(|e| e.to_string()),
        );
        {
            use crate::mail::transport::MailTransportError as M;
            let host = || "mail.example.org".to_owned();
            messages.extend(
                [
                    M::NotConfigured { what: "IMAP" },
                    M::PasswordMissing { what: "SMTP" },
                    M::AuthFailed { host: host(), detail: text() },
                    M::CertificateRefused { host: host(), detail: text() },
                    M::Unreachable { host: host(), port: 993, detail: text() },
                    M::Timeout { host: host(), port: 993, seconds: 30 },
                    M::Protocol { host: host(), detail: text() },
                    M::Rejected { host: host(), detail: text() },
                    M::Invalid(text()),
                ]
                .iter()
                .map(|e| e.to_string()),
            );
        }
        {
            use crate::letters::LetterError;
            use crate::letters::merge::{MergeProblems, SyntaxError};
            messages.extend(
                [
                    LetterError::Syntax(SyntaxError { line: 1, column: 2, reason: text() }),
                    LetterError::Fields(MergeProblems { unknown: vec![text()], missing: vec![text()] }),
                    LetterError::Offer(vec![text()]),
                    LetterError::Invalid { field: "logo", reason: text() },
                    LetterError::NoGlyph { chars: text() },
                    LetterError::Pdf(text()),
                ]
                .iter()
                .map(|e| e.to_string()),
            );
        }
        use crate::backup::BackupError;
        messages.extend(
            [
                BackupError::LedgerDamaged { path: path() },
                BackupError::LedgerMissing { folder: path() },
                BackupError::OlderThanLedger { taken: "2026-01-01".into(), since: "2026-02-01".into() },
                BackupError::BackupDamaged { path: path(), detail: text() },
                BackupError::BackupMissing { path: path() },
                BackupError::BackupWrongKey { path: path() },
                BackupError::RetentionTooLong { months: 13, max: 12 },
                BackupError::ExportDamaged { path: path() },
                BackupError::ConfirmationRequired,
                BackupError::Exists { path: path() },
                BackupError::DiskFull { path: path() },
                BackupError::Io { path: path(), source: io() },
            ]
            .iter()
            .map(|e| e.to_string()),
        );
        messages.push(StoreError::BackupFailed { detail: text() }.to_string());
        for message in &messages {
            for syntax in ["`vivier", "vivier init", "vivier doctor", "--", "VIVIER_"] {
                assert!(!message.contains(syntax), "an engine message carries `{syntax}`: {message}");
            }
        }
    }

    /// README.md's exit-code table is [`exit_code_table`], between two marker comments.
    #[test]
    fn readme_lists_the_exit_codes() {
        const BEGIN: &str = "<!-- exit codes: generated from src/error.rs -->\n";
        const END: &str = "<!-- end of exit codes -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let start = readme.find(BEGIN).map(|i| i + BEGIN.len());
        let end = readme.find(END);
        let (Some(start), Some(end)) = (start, end) else {
            panic!("README.md lacks the exit-code table's markers:\n{BEGIN}{END}");
        };
        let expected = exit_code_table();
        if readme[start..end] != expected {
            if std::env::var("VIVIER_WRITE_BINDINGS").as_deref() == Ok("1") {
                std::fs::write(path, format!("{}{expected}{}", &readme[..start], &readme[end..])).unwrap();
                return;
            }
            panic!(
                "README.md's exit-code table differs from src/error.rs (Code::exit_code, EXIT_MEANINGS). \
                 Regenerate it: VIVIER_WRITE_BINDINGS=1 cargo test -p vivier --lib error::\n\
                 expected:\n{expected}"
            );
        }
    }
}
