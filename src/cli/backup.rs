//! `vivier backup now|list|verify|restore|settings` and `vivier export --full|--plain-json`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::json;

use vivier::backup::{BackupError, BackupInfo};
use vivier::data_dir::{DataDir, Unlock};
use vivier::db::Store;
use vivier::error::Code;
use vivier::keys::{KeyError, Passphrase};

use super::{Failure, out};

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Take an encrypted backup now (checked, read-only) into the backup folder.
    Now,
    /// List the backups with their date, size and the date each is destroyed.
    List,
    /// Check a backup (both integrity checks); all of them without a FILE.
    Verify { file: Option<PathBuf> },
    /// Restore a backup in place of the database (close the app first). Everyone erased or
    /// purged since it was taken is purged again before the database is used.
    Restore {
        file: PathBuf,
        /// Show what the restore would do (how many would be purged again) and stop.
        #[arg(long)]
        dry_run: bool,
        /// Restore although the erasure ledger is missing or damaged, or begins after the
        /// backup: people erased in between may come back.
        #[arg(long)]
        accept_risk: bool,
    },
    /// The daily run: a backup when the last is a day old, expired ones destroyed (also run
    /// by `vivier purge --unattended`, the timer's, and by the app).
    Auto,
    /// Show or change the backup folder and how many months backups are kept (12 at most).
    Settings {
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        /// Back to the default folder (backups/ in the data directory).
        #[arg(long, conflicts_with = "folder")]
        default_folder: bool,
        #[arg(long, value_name = "MONTHS")]
        months: Option<u32>,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A whole, encrypted copy of the store to move to another machine (`vivier init
    /// --from FILE` there). Its key is wrapped by a passphrase you type
    /// (VIVIER_EXPORT_PASSPHRASE, or a prompt).
    #[arg(long, conflicts_with = "plain_json", requires = "output")]
    pub full: bool,
    /// Every table of the person registry as UNENCRYPTED JSON files in a new directory.
    #[arg(long, requires = "output")]
    pub plain_json: bool,
    /// The file (--full) or the new directory (--plain-json).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Confirm the unencrypted export without typing the confirmation (for scripts).
    #[arg(long)]
    pub yes_i_understand: bool,
}

impl From<BackupError> for Failure {
    fn from(e: BackupError) -> Failure {
        Failure { code: e.code(), message: e.to_string() }
    }
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / 1048576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn print_backup(w: &mut dyn Write, b: &BackupInfo) {
    let _ = writeln!(
        w,
        "{}  {:>9}  {:<16}  destroyed {}  {}",
        local(b.taken_at),
        size(b.size),
        format!("{:?}", b.reason).to_lowercase(),
        local(b.destroy_at),
        b.path.display()
    );
}

/// The clock of this run: VIVIER_NOW (RFC 3339, for tests) or the system's.
pub fn now() -> DateTime<Utc> {
    std::env::var("VIVIER_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

pub fn backup(store: &mut Store, cmd: &BackupCommand, json: bool) -> Result<(), Failure> {
    let now = now();
    match cmd {
        BackupCommand::Now => {
            let b = store.back_up_now(now)?;
            out(json, json!(b), |w| {
                let _ = write!(w, "Backed up: ");
                print_backup(w, &b);
            });
        }
        BackupCommand::List => {
            let list = store.backups()?;
            let folder = store.backup_folder();
            out(json, json!({"folder": folder, "backups": list}), |w| {
                let _ = writeln!(w, "backup folder {}", folder.display());
                for b in &list {
                    print_backup(w, b);
                }
                if list.is_empty() {
                    let _ = writeln!(w, "No backup yet.");
                }
            });
        }
        BackupCommand::Verify { file } => {
            let files: Vec<PathBuf> = match file {
                Some(f) => vec![f.clone()],
                None => store.backups()?.into_iter().map(|b| b.path).collect(),
            };
            let mut results = Vec::new();
            for f in &files {
                results.push(store.verify_backup(f)?);
            }
            let bad = results.iter().filter(|v| !v.sound).count();
            out(json, json!({"verified": results}), |w| {
                for v in &results {
                    let _ = writeln!(w, "{}  {}", if v.sound { "ok     " } else { "DAMAGED" }, v.file);
                }
            });
            if bad > 0 {
                return Err(Failure {
                    code: Code::BackupDamaged,
                    message: format!("{bad} backup(s) failed their integrity checks; do not restore them"),
                });
            }
        }
        BackupCommand::Auto => {
            let run = store.backup_if_due(now)?;
            out(json, json!(run), |w| {
                match &run.taken {
                    Some(b) => {
                        let _ = write!(w, "Backed up: ");
                        print_backup(w, b);
                    }
                    None => {
                        let _ = writeln!(w, "The last backup is less than a day old.");
                    }
                }
                for b in &run.destroyed {
                    let _ = write!(w, "Destroyed: ");
                    print_backup(w, b);
                }
            });
        }
        BackupCommand::Settings { folder, default_folder, months } => {
            if let Some(f) = folder {
                store.set_backup_folder(Some(f))?;
            } else if *default_folder {
                store.set_backup_folder(None)?;
            }
            if let Some(m) = months {
                store.set_backup_retention_months(*m)?;
            }
            let (f, m) = (store.backup_folder(), store.backup_retention_months());
            out(json, json!({"folder": f, "months": m}), |w| {
                let _ = writeln!(w, "backup folder {}; backups kept {m} months", f.display());
            });
        }
        BackupCommand::Restore { .. } => unreachable!("restored without opening the store"),
    }
    Ok(())
}

/// `vivier backup restore`: works on the data directory, even when the database is gone.
pub fn restore(
    dir: &DataDir,
    unlock: Unlock<'_>,
    file: &std::path::Path,
    dry_run: bool,
    accept_risk: bool,
    json: bool,
) -> Result<(), Failure> {
    if dry_run {
        let plan = dir.restore_plan(unlock, file)?;
        out(json, json!(plan), |w| {
            let _ = writeln!(
                w,
                "Backup taken {}; the erasure ledger ({} entries, since {}) would purge {} of its people again.",
                plan.taken_at.map(local).unwrap_or("at an unknown date".into()),
                plan.ledger_entries,
                plan.ledger_since.map(local).unwrap_or("-".into()),
                plan.purge_again
            );
            if let Some(code) = plan.risk {
                let _ = writeln!(w, "The restore is refused without --accept-risk ({code}).");
            }
        });
        return Ok(());
    }
    let mut stamp = super::pipeline::stamp();
    stamp.at = now();
    let report = dir.restore(unlock, file, &stamp, accept_risk)?;
    out(json, json!(report), |w| {
        let _ = writeln!(
            w,
            "Restored the backup taken {}; {} erased since were purged again before use{}.",
            report.taken_at.map(local).unwrap_or("at an unknown date".into()),
            report.purged_again,
            if report.accepted_risk { " (risk accepted: the ledger was missing, damaged or younger)" } else { "" }
        );
    });
    Ok(())
}

/// The passphrase of a full export: VIVIER_EXPORT_PASSPHRASE, else typed (twice when new).
pub fn export_passphrase(new: bool) -> Result<Passphrase, Failure> {
    if let Ok(text) = std::env::var("VIVIER_EXPORT_PASSPHRASE") {
        return Ok(Passphrase::new(text));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure {
            code: Code::PassphraseRequired,
            message:
                "the export's passphrase is needed. Give it through VIVIER_EXPORT_PASSPHRASE or type it at a terminal"
                    .into(),
        });
    }
    let prompt = |p: &str| {
        rpassword::prompt_password(p)
            .map_err(|e| Failure { code: Code::Usage, message: format!("cannot read the passphrase: {e}") })
    };
    let first = Passphrase::new(prompt("Export passphrase: ")?);
    if new {
        first.check_strength()?;
        let again = Passphrase::new(prompt("Again: ")?);
        if again.expose_secret() != first.expose_secret() {
            return Err(KeyError::PassphraseMismatch.into());
        }
    }
    Ok(first)
}

pub fn export(store: &mut Store, args: &ExportArgs, json: bool) -> Result<(), Failure> {
    let Some(output) = &args.output else {
        return Err(super::usage("give the output with -o".into()));
    };
    let mut stamp = super::pipeline::stamp();
    stamp.at = now();
    if args.full {
        let passphrase = export_passphrase(true)?;
        let done = store.export_full(&stamp, output, &passphrase)?;
        out(json, json!(done), |w| {
            let _ = writeln!(
                w,
                "Exported the whole store, encrypted, to {} ({}). On the other machine: vivier init --from {}",
                done.file.display(),
                size(done.size),
                done.file.display()
            );
        });
        return Ok(());
    }
    if !args.plain_json {
        return Err(super::usage("choose --full or --plain-json".into()));
    }
    eprintln!(
        "WARNING: this writes every candidate's data (names, contacts, notes, documents) UNENCRYPTED into {}. \
         Anyone who can read that folder can read it all, and Vivier's purges will not reach it.",
        output.display()
    );
    let confirmed = args.yes_i_understand || typed_confirmation()?;
    let done = store.export_plain(&stamp, output, confirmed)?;
    out(json, json!(done), |w| {
        for (table, rows) in &done.tables {
            let _ = writeln!(w, "{rows:>8}  {table}.json");
        }
        let _ = writeln!(w, "Written unencrypted to {}. Delete it as soon as it has served.", done.dir.display());
    });
    Ok(())
}

const CONFIRM: &str = "I understand";

fn typed_confirmation() -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure {
            code: Code::ConfirmationRequired,
            message: format!(
                "{}. Run it at a terminal and type \"{CONFIRM}\", or add --yes-i-understand",
                BackupError::ConfirmationRequired
            ),
        });
    }
    eprint!("Type \"{CONFIRM}\" to go on: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure { code: Code::Usage, message: format!("cannot read stdin: {e}") })?;
    Ok(line.trim() == CONFIRM)
}
