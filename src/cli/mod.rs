//! Argument parsing, secret gathering and output for the `vivier` binary.

mod backup;
mod compose;
mod hiring;
mod letters;
mod mail;
mod pipeline;
mod request;
mod retention;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use serde_json::json;

use vivier::data_dir::{DataDir, DataDirError, Protection, Status, Unlock};
use vivier::error::Code;
use vivier::keys::{KeyError, KeySource, Keyring, Passphrase};

/// Vivier: applicant tracking that keeps its privacy promises.
#[derive(Debug, Parser)]
#[command(name = "vivier", version, about)]
struct Cli {
    /// Data directory (default: the platform's, e.g. ~/.local/share/vivier).
    #[arg(long, global = true, env = "VIVIER_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Print machine-readable JSON on stdout (errors too, as {"error": {code, message}}).
    #[arg(long, global = true)]
    json: bool,

    /// Read passphrases from stdin, one per line: the current one first (when needed), then
    /// the new one. Otherwise VIVIER_PASSPHRASE / VIVIER_NEW_PASSPHRASE, or a prompt.
    #[arg(long, global = true)]
    passphrase_stdin: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the data directory, a random database key and the encrypted database.
    Init(InitArgs),
    /// Check the database: path, schema, cipher settings, key source, integrity.
    Doctor,
    /// Manage the database key.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Jobs: add, list, show (with the board), close.
    #[command(subcommand)]
    Job(pipeline::JobCommand),
    /// Candidates: add, list, show, edit, merge, duplicates.
    #[command(subcommand)]
    Candidate(pipeline::CandidateCommand),
    /// A candidate applies to a job.
    Apply { candidate: String, job: String },
    /// Move an application to a stage: new, screening, interview, offer, hired, rejected, withdrawn.
    Stage {
        application: String,
        stage: String,
        /// Why (required when rejecting).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Documents: add, get, text.
    #[command(subcommand)]
    Doc(pipeline::DocCommand),
    /// Notes and interview feedback.
    #[command(subcommand)]
    Note(pipeline::NoteCommand),
    /// Full-text search over names, emails, notes and document text.
    Search(pipeline::SearchArgs),
    /// Hiring details of an application (from the offer stage): set, show.
    #[command(subcommand)]
    Hiring(hiring::HiringCommand),
    /// Custom fields, collected from a declared stage: add, set, list.
    #[command(subcommand)]
    Field(hiring::FieldCommand),
    /// Offer details of an application (from the offer stage): set, show.
    #[command(subcommand)]
    Offer(letters::OfferCommand),
    /// Offer letters: render (a PDF, stored with the candidate).
    #[command(subcommand)]
    Letter(letters::LetterCommand),
    /// Letter templates: list, show, edit, add.
    #[command(subcommand)]
    Template(letters::TemplateCommand),
    /// The company's details on letters (name, address, registration, signatory, logo).
    #[command(subcommand)]
    Company(letters::CompanyCommand),
    /// The audit log: list, verify.
    #[command(subcommand)]
    Audit(pipeline::AuditCommand),
    /// Retention: due dates, upcoming purges, legal holds, the purge log, settings.
    #[command(subcommand)]
    Retention(retention::RetentionCommand),
    /// Purge every candidate whose data must go (also run by the app, hourly).
    Purge(retention::PurgeArgs),
    /// Mail: import .eml/.mbox, triage, requests opened from replies; IMAP and SMTP
    /// settings, test connection, fetch, send, the outbox.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Encrypted backups: now, list, verify, restore (replaying the erasure ledger), auto, settings.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Export the whole store, encrypted, to move it (--full), or every table as plain JSON.
    Export(backup::ExportArgs),
    /// The sensitive-category guard: check any text (a job ad, interview questions).
    #[command(subcommand)]
    Guard(GuardCommand),
    /// Developer tools (synthetic data for benchmarks and demos).
    #[command(subcommand)]
    Dev(DevCommand),
    /// The requests register: add, list, show, identity, confirm, refuse, extend.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// Internal: the bounded child process that extracts a document's text.
    #[command(name = vivier::documents::CHILD_ARG, hide = true)]
    ExtractText {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum GuardCommand {
    /// Print each finding (category, level, span, words). Exit 0 when clean, 3 when only
    /// warned, 4 when something is refused.
    Check {
        /// A UTF-8 text file, or - (the default) for stdin.
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum DevCommand {
    /// Fill the database with synthetic candidates (about 3 KB of CV text each). Never on real data.
    Seed {
        #[arg(long)]
        candidates: u64,
        #[arg(long, default_value_t = 50)]
        jobs: u64,
        /// Applications given to the first job (a large board).
        #[arg(long, default_value_t = 2000)]
        big_board: u64,
        #[arg(long, default_value_t = 3000)]
        cv_bytes: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Protect the key with a passphrase instead of the OS keyring (for machines without
    /// a keyring). The passphrase comes from VIVIER_PASSPHRASE, stdin or a prompt.
    #[arg(long)]
    passphrase: bool,
    /// Make the data directory from a full export (`vivier export --full`); its passphrase
    /// comes from VIVIER_EXPORT_PASSPHRASE or a prompt.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Re-encrypt the database with a new random key, kept where the current one is.
    Rotate,
    /// Protect the key with a passphrase (from the keyring), change the passphrase, or with
    /// --keyring move it back into the OS keyring.
    Passphrase {
        /// Move the key from its passphrase into the OS keyring.
        #[arg(long)]
        keyring: bool,
    },
}

/// A failure with its stable code (which decides the exit code) and its message.
struct Failure {
    code: Code,
    message: String,
}

impl From<DataDirError> for Failure {
    fn from(e: DataDirError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

impl From<KeyError> for Failure {
    fn from(e: KeyError) -> Failure {
        DataDirError::from(e).into()
    }
}

/// The command line's way out of a failure with this code, printed after the engine's
/// message. The engine says what is wrong in the user's terms, the same at every door; the
/// commands and flags to type are this door's (the app words its own).
fn hint(code: Code) -> Option<&'static str> {
    Some(match code {
        Code::NotInitialised => "Run `vivier init` to create it",
        Code::AlreadyInitialised => "`vivier doctor` inspects it",
        Code::KeyringUnavailable => {
            "Without a keyring, `vivier init --passphrase` protects a new key with a passphrase"
        }
        Code::KeyringEntryMissing => {
            "`vivier key passphrase`, run where the keyring holds the key, moves the key into a passphrase-protected \
             key file"
        }
        Code::PassphraseRequired => "Give it through VIVIER_PASSPHRASE, --passphrase-stdin or the prompt of a terminal",
        Code::NotAVivierDatabase => "`--data-dir DIR` (or VIVIER_DATA_DIR) names the data directory to use",
        Code::DataDirUnwritable => "`--data-dir DIR` (or VIVIER_DATA_DIR) chooses another data directory",
        Code::NoDataDir => "Name one with `--data-dir DIR` or VIVIER_DATA_DIR",
        Code::Damaged => "`vivier doctor` shows which checks fail",
        Code::ReasonRequired => "Give it with `--reason`",
        Code::MailNotConfigured => {
            "`vivier mail settings imap|smtp --host … --user …` saves them, with the password from \
             VIVIER_IMAP_PASSWORD / VIVIER_SMTP_PASSWORD or the prompt"
        }
        Code::MailAuthFailed => {
            "`vivier mail settings imap|smtp` again, with the password in VIVIER_IMAP_PASSWORD / \
             VIVIER_SMTP_PASSWORD or at the prompt, stores the right one"
        }
        Code::MailCertificateRefused => "`--ca-file PEM` of `vivier mail settings` trusts a company's own authority",
        Code::MergeFields => {
            "Fill them in with `vivier offer set APPLICATION --…` and `vivier company set --…`, or change the template \
             (`vivier template show NAME`, `vivier template edit NAME FILE`)"
        }
        Code::TemplateSyntax => "Correct the file and run `vivier template add|edit` again",
        Code::LedgerMissing | Code::BackupOlderThanLedger => {
            "`vivier backup restore --dry-run FILE` shows what would happen; `--accept-risk` restores anyway"
        }
        Code::LedgerDamaged => "`vivier backup list` shows the backup folder, which holds a copy of the ledger",
        Code::BackupDamaged => "`vivier backup list` and `vivier backup verify` show the sound backups",
        Code::ConfirmationRequired => "Type the confirmation at a terminal, or add `--yes-i-understand`",
        Code::NoRecipient => "`vivier candidate edit CANDIDATE --add-email ADDRESS` adds one",
        _ => return None,
    })
}

/// The message with this door's hint, if its code has one.
fn with_hint(f: &Failure) -> String {
    match hint(f.code) {
        Some(hint) => format!("{}. {hint}", f.message),
        None => f.message.clone(),
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let mut secrets = Secrets::new(cli.passphrase_stdin);
    match execute(&cli, &mut secrets) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let message = with_hint(&f);
            if json {
                println!("{}", json!({"error": {"code": f.code, "message": message}}));
            } else {
                eprintln!("vivier: {message}");
            }
            ExitCode::from(f.code.exit_code())
        }
    }
}

fn execute(cli: &Cli, secrets: &mut Secrets) -> Result<(), Failure> {
    if let Command::Guard(GuardCommand::Check { file }) = &cli.command {
        return guard_check(file.as_deref(), cli.json);
    }
    if let Command::ExtractText { .. } = &cli.command {
        return match vivier::documents::run_child() {
            c if c == ExitCode::SUCCESS => Ok(()),
            _ => Err(Failure { code: Code::ExtractFailed, message: "text extraction failed".into() }),
        };
    }
    let root = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => DataDir::platform_default()?,
    };
    let dir = DataDir::new(root);
    match &cli.command {
        Command::Init(args) => init(&dir, args, secrets, cli.json),
        Command::Doctor => doctor(&dir, secrets, cli.json),
        Command::Key(KeyCommand::Rotate) => {
            let keyring = keyring_if_needed(&dir)?;
            let passphrase = secrets.current_if_needed(&dir)?;
            dir.rotate_key(Unlock { keyring: keyring.as_ref(), passphrase: passphrase.as_ref() })?;
            report(cli.json, json!({"rotated": true}), "The database was re-encrypted with a new key.");
            Ok(())
        }
        Command::Key(KeyCommand::Passphrase { keyring: to_keyring }) => {
            let current_keyring = keyring_if_needed(&dir)?;
            let passphrase = secrets.current_if_needed(&dir)?;
            let unlock = Unlock { keyring: current_keyring.as_ref(), passphrase: passphrase.as_ref() };
            if *to_keyring {
                let keyring = Keyring::system()?;
                dir.protect_with_keyring(unlock, &keyring)?;
                report(cli.json, json!({"key_source": "keyring"}), "The key is now kept in the OS keyring.");
            } else {
                let new = secrets.new_passphrase()?;
                dir.protect_with_passphrase(unlock, &new)?;
                report(cli.json, json!({"key_source": "passphrase"}), "The key is now protected by the passphrase.");
            }
            Ok(())
        }
        Command::Job(cmd) => pipeline::job(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Candidate(cmd) => pipeline::candidate(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Apply { candidate, job } => pipeline::apply(&mut open(&dir, secrets)?, candidate, job, cli.json),
        Command::Stage { application, stage, reason } => {
            pipeline::stage(&mut open(&dir, secrets)?, application, stage, reason.as_deref(), cli.json)
        }
        Command::Doc(cmd) => pipeline::doc(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Note(cmd) => pipeline::note(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Search(args) => pipeline::search(&mut open(&dir, secrets)?, args, cli.json),
        Command::Audit(cmd) => pipeline::audit(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Hiring(cmd) => hiring::hiring(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Retention(cmd) => retention::retention(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Purge(args) if args.install_timer => {
            let protected = matches!(dir.status()?, Status::Passphrase);
            retention::install_timer(dir.root(), protected, cli.json)
        }
        Command::Purge(args) => retention::purge(&mut open(&dir, secrets)?, args, cli.json),
        Command::Backup(backup::BackupCommand::Restore { file, dry_run, accept_risk }) => {
            let keyring = match vivier::keys::KeyFile::load(&dir.key_path()).map_err(Failure::from)? {
                Some(kf) if matches!(kf.source, KeySource::Keyring) => Some(Keyring::system()?),
                _ => None,
            };
            let passphrase = match vivier::keys::KeyFile::load(&dir.key_path()).map_err(Failure::from)? {
                Some(kf) if matches!(kf.source, KeySource::Passphrase { .. }) => secrets.current_passphrase()?,
                _ => None,
            };
            let unlock = Unlock { keyring: keyring.as_ref(), passphrase: passphrase.as_ref() };
            backup::restore(&dir, unlock, file, *dry_run, *accept_risk, cli.json)
        }
        Command::Backup(cmd) => backup::backup(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Export(args) => backup::export(&mut open(&dir, secrets)?, args, cli.json),
        Command::Field(cmd) => hiring::field(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Mail(cmd) => mail::mail(&dir, &mut open(&dir, secrets)?, cmd, cli.json),
        Command::Offer(cmd) => letters::offer(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Letter(cmd) => letters::letter(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Template(cmd) => letters::template(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Company(cmd) => letters::company(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Request(cmd) => request::request(&mut open(&dir, secrets)?, cmd, cli.json),
        Command::Dev(DevCommand::Seed { candidates, jobs, big_board, cv_bytes, seed }) => {
            let mut store = open(&dir, secrets)?;
            let started = std::time::Instant::now();
            let seeded = store
                .seed_synthetic(*candidates, *jobs, *big_board, *cv_bytes, *seed, chrono::Utc::now())
                .map_err(Failure::from)?;
            report(
                cli.json,
                json!(seeded),
                &format!(
                    "Seeded {} candidates over {} jobs in {:.1} s; job {} has {} applications.",
                    seeded.candidates,
                    seeded.jobs,
                    started.elapsed().as_secs_f64(),
                    seeded.big_job,
                    seeded.big_job_applications
                ),
            );
            Ok(())
        }
        Command::ExtractText { .. } | Command::Guard(_) => unreachable!("handled above"),
    }
}

/// `vivier guard check`: the guard on any text, no data directory needed.
fn guard_check(file: Option<&std::path::Path>, json: bool) -> Result<(), Failure> {
    use std::io::Read;
    use vivier::guard::{Guard, Level};
    let mut bytes = Vec::new();
    let read = match file {
        None => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
        Some(p) if p.as_os_str() == "-" => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
        Some(p) => std::fs::read(p).map(|b| bytes = b),
    };
    read.map_err(|e| Failure { code: Code::Usage, message: format!("cannot read the text: {e}") })?;
    let text = String::from_utf8(bytes).map_err(|_| Failure {
        code: Code::Usage,
        message: "the text is not UTF-8; save it as UTF-8 and try again".into(),
    })?;
    let findings = Guard::standard().check(&text);
    let refused = findings.iter().any(|f| f.level == Level::Refused);
    let warned = findings.iter().any(|f| f.level == Level::Warned);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"findings": findings, "refused": refused, "warned": warned}))
                .unwrap_or_default()
        );
    } else {
        for f in &findings {
            let level = if f.level == Level::Refused { "REFUSED" } else { "warned " };
            println!("{level}  {:<26} {:>6}..{:<6} \"{}\"", f.category.label_en(), f.start, f.end, f.words);
        }
        if findings.is_empty() {
            println!("Nothing of a sensitive category found.");
        }
    }
    // Exit codes of a check, not failures: 3 warned, 4 refused.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if refused {
        std::process::exit(4);
    }
    if warned {
        std::process::exit(3);
    }
    Ok(())
}

/// Opens the store of an initialised data directory with its keyring or passphrase.
fn open(dir: &DataDir, secrets: &mut Secrets) -> Result<vivier::db::Store, Failure> {
    let keyring = keyring_if_needed(dir)?;
    let passphrase = secrets.current_if_needed(dir)?;
    let store = dir.open(Unlock { keyring: keyring.as_ref(), passphrase: passphrase.as_ref() })?;
    // At every start: backups past their date go (a failure here stops nothing; the
    // next run, `backup auto` or the timer reports it).
    let _ = store.destroy_expired_backups(backup::now());
    Ok(store)
}

fn init(dir: &DataDir, args: &InitArgs, secrets: &mut Secrets, json: bool) -> Result<(), Failure> {
    if let Some(from) = &args.from {
        let export_passphrase = backup::export_passphrase(false)?;
        let store = if args.passphrase {
            let passphrase = secrets.new_passphrase()?;
            dir.init_from(from, &export_passphrase, Protection::Passphrase(&passphrase))?
        } else {
            let keyring = Keyring::system()?;
            dir.init_from(from, &export_passphrase, Protection::Keyring(&keyring))?
        };
        let version = store.schema_version().map_err(DataDirError::from)?;
        report(
            json,
            json!({"data_dir": dir.root(), "database": dir.db_path(), "from": from, "schema_version": version}),
            &format!("Made the Vivier data directory {} from the export {}.", dir.root().display(), from.display()),
        );
        return Ok(());
    }
    let store = if args.passphrase {
        let passphrase = secrets.new_passphrase()?;
        dir.init(Protection::Passphrase(&passphrase))?
    } else {
        let keyring = Keyring::system()?;
        dir.init(Protection::Keyring(&keyring))?
    };
    let version = store.schema_version().map_err(DataDirError::from)?;
    let source = if args.passphrase { "passphrase" } else { "keyring" };
    report(
        json,
        json!({"data_dir": dir.root(), "database": dir.db_path(), "key_source": source, "schema_version": version}),
        &format!(
            "Created an encrypted Vivier database in {} (key in the {}).",
            dir.root().display(),
            if args.passphrase { "passphrase-protected key file" } else { "OS keyring" }
        ),
    );
    Ok(())
}

#[derive(Serialize)]
struct DoctorReport {
    data_dir: PathBuf,
    database: PathBuf,
    key_file: PathBuf,
    key_source: &'static str,
    keyring_vendor: Option<String>,
    #[serde(flatten)]
    cipher: vivier::db::CipherReport,
    integrity: Vec<String>,
    cipher_integrity: Vec<String>,
    /// None when stored dates do not read: nobody's date can be trusted until restored.
    retention: Option<vivier::retention::RetentionHealth>,
    /// Stored dates that do not read, by table and column.
    unreadable_dates: Vec<vivier::db::time::UnreadableDates>,
    /// The erasure ledger file: "ok", "missing" or "damaged" (purges stop until it is back).
    erasure_ledger: &'static str,
    ledger_entries: usize,
    /// Candidates' requests past their legal due date, not answered yet (promise P5).
    requests_overdue: u64,
    healthy: bool,
}

fn doctor(dir: &DataDir, secrets: &mut Secrets, json: bool) -> Result<(), Failure> {
    let keyring = keyring_if_needed(dir)?;
    let passphrase = secrets.current_if_needed(dir)?;
    let kf = dir.key_file()?;
    let store = dir.open(Unlock { keyring: keyring.as_ref(), passphrase: passphrase.as_ref() })?;
    let cipher = store.cipher_report().map_err(DataDirError::from)?;
    let health = store.health();
    let unreadable_dates = store.unreadable_dates().map_err(DataDirError::from)?;
    // With an unreadable date the retention figures cannot be computed (and no purge runs).
    let retention = match store.retention_health(chrono::Utc::now()) {
        Ok(r) => Some(r),
        Err(_) if !unreadable_dates.is_empty() => None,
        Err(e) => return Err(e.into()),
    };
    let (erasure_ledger, ledger_entries) = match store.ledger().map(|l| l.book()) {
        Some(Ok(Some(book))) => ("ok", book.entries.len()),
        Some(Ok(None)) | None => ("missing", 0),
        Some(Err(_)) => ("damaged", 0),
    };
    let requests_overdue = store.overdue_requests(chrono::Utc::now().date_naive()).map_err(Failure::from)?;
    let report = DoctorReport {
        requests_overdue,
        erasure_ledger,
        ledger_entries,
        data_dir: dir.root().to_owned(),
        database: dir.db_path(),
        key_file: dir.key_path(),
        key_source: match kf.map(|k| k.source) {
            Some(KeySource::Keyring) => "keyring",
            Some(KeySource::Passphrase { .. }) => "passphrase",
            None => "none",
        },
        keyring_vendor: keyring.as_ref().map(Keyring::vendor),
        healthy: health.is_sound() && unreadable_dates.is_empty() && erasure_ledger == "ok",
        cipher,
        integrity: health.integrity,
        cipher_integrity: health.cipher_integrity,
        retention,
        unreadable_dates,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        let c = &report.cipher;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "data directory   {}", report.data_dir.display());
        let _ = writeln!(out, "database         {}", report.database.display());
        let _ = writeln!(
            out,
            "key source       {}{}",
            report.key_source,
            report.keyring_vendor.as_deref().map(|v| format!(" ({v})")).unwrap_or_default()
        );
        let _ = writeln!(out, "schema version   {} (this Vivier knows up to {})", c.schema_version, c.schema_supported);
        let _ = writeln!(
            out,
            "cipher           SQLCipher {} with {} {}",
            c.cipher_version, c.cipher_provider, c.cipher_provider_version
        );
        let _ = writeln!(
            out,
            "settings         page size {}, page authentication {}, memory security {}, secure delete {}, foreign keys {}",
            c.page_size,
            c.page_hmac,
            on_off(c.cipher_memory_security),
            on_off(c.secure_delete),
            on_off(c.foreign_keys)
        );
        let _ = writeln!(
            out,
            "journal          {} with synchronous {}, temp store {} (compiled in)",
            c.journal_mode,
            c.synchronous,
            if c.temp_store_compiled == "3" { "memory" } else { &c.temp_store_compiled }
        );
        let _ = writeln!(out, "integrity        {}", report.integrity.join("; "));
        let _ = writeln!(
            out,
            "erasure ledger   {}{}",
            report.erasure_ledger,
            if report.erasure_ledger == "ok" {
                format!(" ({} entries)", report.ledger_entries)
            } else {
                " (no purge runs until it is back: copy the one from the backup folder)".into()
            }
        );
        let _ = writeln!(
            out,
            "cipher integrity {}",
            if report.cipher_integrity.is_empty() { "ok".to_owned() } else { report.cipher_integrity.join("; ") }
        );
        for bad in &report.unreadable_dates {
            let _ = writeln!(
                out,
                "unreadable dates {} in {}.{} (no purge runs until they are restored)",
                bad.rows, bad.table, bad.column
            );
        }
        let _ = writeln!(
            out,
            "requests         {} overdue{}",
            report.requests_overdue,
            if report.requests_overdue > 0 { " (see `vivier request list --overdue`)" } else { "" }
        );
        if let Some(r) = &report.retention {
            let _ = writeln!(
                out,
                "retention        last purge {}; {} overdue, {} held past their date; {} free pages{}",
                r.last_purge
                    .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or("never".into()),
                r.overdue,
                r.held,
                r.free_pages,
                if r.incremental_vacuum { "" } else { " (the next purge rebuilds the file once to reclaim them)" }
            );
            if r.overdue > 0 {
                let _ = writeln!(
                    out,
                    "                 run `vivier purge` (or open the app); where the app is rarely opened, \
                 `vivier purge --install-timer`"
                );
            }
            if !r.unreadable.is_empty() {
                let _ = writeln!(
                    out,
                    "                 kept because a stored date does not read: {}",
                    r.unreadable.join(", ")
                );
            }
            if r.stale_open > 0 {
                let _ = writeln!(
                    out,
                    "                 {} kept only because an application is open with no move for longer than the pool \
                 period (`vivier retention upcoming` lists them): close those that are over",
                    r.stale_open
                );
            }
            if let Some(w) = &r.withheld {
                let _ = writeln!(
                    out,
                    "                 an unattended purge was withheld ({} due, clock read {}): check the date, then run `vivier purge`",
                    w.due,
                    w.clock.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
                );
            }
        }
        let _ = writeln!(out, "{}", if report.healthy { "healthy" } else { "DAMAGED: restore from a backup" });
    }
    if report.healthy {
        Ok(())
    } else {
        Err(Failure {
            code: Code::Unhealthy,
            message: "an integrity check failed or stored dates do not read; the database was not changed. Restore it from a backup".into(),
        })
    }
}

/// Prints `value` as pretty JSON with --json, else what `human` writes.
fn out(json: bool, value: serde_json::Value, human: impl FnOnce(&mut dyn Write)) {
    let mut stdout = std::io::stdout().lock();
    if json {
        let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        human(&mut stdout);
    }
}

fn usage(message: String) -> Failure {
    Failure { code: Code::Usage, message }
}

/// A date given as YYYY-MM-DD.
fn day(s: &str) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| usage(format!("\"{s}\" is not a date as YYYY-MM-DD")))
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn report(json: bool, value: serde_json::Value, human: &str) {
    if json {
        println!("{value}");
    } else {
        println!("{human}");
    }
}

/// The OS keyring, when the data directory keeps its key there.
fn keyring_if_needed(dir: &DataDir) -> Result<Option<Keyring>, Failure> {
    match dir.status()? {
        Status::Keyring => Ok(Some(Keyring::system()?)),
        _ => Ok(None),
    }
}

/// Where passphrases come from: environment, stdin lines, or a terminal prompt.
struct Secrets {
    stdin: bool,
}

impl Secrets {
    fn new(stdin: bool) -> Secrets {
        Secrets { stdin }
    }

    fn read_line(&mut self) -> Result<Option<Passphrase>, Failure> {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure { code: Code::Usage, message: format!("cannot read stdin: {e}") })?;
        let text = line.trim_end_matches(['\n', '\r']).to_owned();
        zeroize::Zeroize::zeroize(&mut line);
        Ok((!text.is_empty()).then(|| Passphrase::new(text)))
    }

    /// The current passphrase, asked for without looking at the database (a restore runs
    /// when it is gone).
    fn current_passphrase(&mut self) -> Result<Option<Passphrase>, Failure> {
        if let Ok(text) = std::env::var("VIVIER_PASSPHRASE") {
            return Ok(Some(Passphrase::new(text)));
        }
        if self.stdin {
            return self.read_line()?.map(Some).ok_or_else(|| KeyError::PassphraseRequired.into());
        }
        if std::io::stdin().is_terminal() {
            let text = rpassword::prompt_password("Passphrase: ")
                .map_err(|e| Failure { code: Code::Usage, message: format!("cannot read the passphrase: {e}") })?;
            return Ok(Some(Passphrase::new(text)));
        }
        Err(KeyError::PassphraseRequired.into())
    }

    /// The current passphrase, when the data directory is protected by one.
    fn current_if_needed(&mut self, dir: &DataDir) -> Result<Option<Passphrase>, Failure> {
        if dir.status()? != Status::Passphrase {
            return Ok(None);
        }
        if let Ok(text) = std::env::var("VIVIER_PASSPHRASE") {
            return Ok(Some(Passphrase::new(text)));
        }
        if self.stdin {
            return self.read_line()?.map(Some).ok_or_else(|| KeyError::PassphraseRequired.into());
        }
        if std::io::stdin().is_terminal() {
            let text = rpassword::prompt_password("Passphrase: ")
                .map_err(|e| Failure { code: Code::Usage, message: format!("cannot read the passphrase: {e}") })?;
            return Ok(Some(Passphrase::new(text)));
        }
        Err(KeyError::PassphraseRequired.into())
    }

    /// A new passphrase: VIVIER_NEW_PASSPHRASE (or VIVIER_PASSPHRASE when there is no
    /// current one), the next stdin line, or typed twice at a prompt.
    fn new_passphrase(&mut self) -> Result<Passphrase, Failure> {
        if let Ok(text) = std::env::var("VIVIER_NEW_PASSPHRASE") {
            return Ok(Passphrase::new(text));
        }
        if self.stdin {
            return self.read_line()?.ok_or_else(|| KeyError::PassphraseRequired.into());
        }
        if std::io::stdin().is_terminal() {
            let prompt = |p: &str| {
                rpassword::prompt_password(p)
                    .map_err(|e| Failure { code: Code::Usage, message: format!("cannot read the passphrase: {e}") })
            };
            let first = Passphrase::new(prompt("New passphrase: ")?);
            first.check_strength()?;
            let second = Passphrase::new(prompt("Again: ")?);
            if first.expose_secret() != second.expose_secret() {
                return Err(KeyError::PassphraseMismatch.into());
            }
            return Ok(first);
        }
        if let Ok(text) = std::env::var("VIVIER_PASSPHRASE") {
            return Ok(Passphrase::new(text));
        }
        Err(KeyError::PassphraseRequired.into())
    }
}
