//! The retention commands (promises P6, P7, P8's erasure side): `vivier retention
//! show|upcoming|hold|release|holds|log|contract|settings`, the candidate's own requests
//! (`vivier candidate object|renew|erase|restrict`) and `vivier purge`, with the timer that
//! runs it where the app is rarely opened. Dates are read and shown in local time and
//! stored in UTC by the engine; every rule is the engine's.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use clap::{Args, Subcommand};
use serde_json::json;

use vivier::db::Store;
use vivier::error::Code;
use vivier::requests::RequestOutcome;
use vivier::retention::{HoldInfo, Purged, RetentionStatus};

use super::pipeline::stamp;
use super::{Failure, day, out, usage};

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// When a candidate's data must go, and the rule that sets it.
    Show { candidate: String },
    /// Candidates whose data goes within N days (ask them for a consent renewal).
    Upcoming {
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Place a legal hold: no purge of this candidate while it stands.
    Hold {
        candidate: String,
        /// The case or the authority that asked for it.
        #[arg(long)]
        reason: String,
        /// Last day of the hold (YYYY-MM-DD); without it, until released.
        #[arg(long)]
        until: Option<String>,
    },
    /// Release a candidate's legal holds.
    Release { candidate: String },
    /// Every legal hold, in force or released.
    Holds,
    /// The purge log: UUID, date, rule and counts of each purge.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// The contract end of a hired application (the retention period runs from it).
    Contract {
        application: String,
        /// Last day of the contract (YYYY-MM-DD).
        #[arg(long, conflicts_with = "running")]
        end: Option<String>,
        /// The contract runs (clears the end date).
        #[arg(long)]
        running: bool,
    },
    /// Show the policy's settings, or change the pool period or a country's period.
    Settings(SettingsArgs),
    /// Queue the consent-renewal email to the candidates whose data goes soon (or to some
    /// of them); those without an email address, objected, erased or held are left out.
    RenewRequest(super::compose::RenewArgs),
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Months a non-hired candidate is kept after their last contact (1 to 24).
    #[arg(long)]
    pool_months: Option<u32>,
    /// A country of hire (two letters), with --years.
    #[arg(long, requires = "years")]
    country: Option<String>,
    /// Years a former employee's file is kept after the contract, in --country.
    #[arg(long, requires = "country")]
    years: Option<u32>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Decide as at the end of this day (YYYY-MM-DD, local time) instead of now; a later
    /// date than today only with --dry-run.
    #[arg(long)]
    as_of: Option<String>,
    /// List who would be purged and what would go; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Install a systemd user timer that runs the purge hourly (or print the cron line).
    #[arg(long, conflicts_with_all = ["as_of", "dry_run", "unattended"])]
    pub install_timer: bool,
    /// As a timer runs it, with nobody watching: distrust the clock. When it reads earlier
    /// than the newest time the database has seen, or when more than 50 people (or 2%) would
    /// go at once, remove nobody, leave a notice for HR and exit 27.
    #[arg(long, conflicts_with_all = ["as_of", "dry_run"])]
    pub unattended: bool,
}

/// The first instant after the local day `d`, in UTC.
fn after_local_day(d: NaiveDate) -> DateTime<Utc> {
    let next = d.succ_opt().unwrap_or(d).and_hms_opt(0, 0, 0).unwrap_or_default();
    Local.from_local_datetime(&next).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| next.and_utc())
}

fn local_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d").to_string()
}

fn describe(s: &RetentionStatus) -> String {
    let mut text = match s.due {
        Some(due) => format!("kept until {} because {}", local_day(due), s.rule.explain()),
        None => format!("kept: {}", s.rule.explain()),
    };
    if s.held {
        text.push_str("; a legal hold suspends the purge");
    }
    text
}

fn print_status(w: &mut dyn Write, s: &RetentionStatus) {
    let _ = writeln!(w, "{} — {}", s.candidate_uuid, s.full_name);
    let _ = writeln!(w, "  {}", describe(s));
    let _ = writeln!(w, "  last contact  {}", local_day(s.last_contact_at));
    if let Some(at) = s.objected_at {
        let _ = writeln!(w, "  objected      {}", local_day(at));
    }
    if let Some(at) = s.restricted_at {
        let _ = writeln!(w, "  restricted    {}", local_day(at));
    }
    for h in &s.holds {
        print_hold(w, h);
    }
}

fn print_hold(w: &mut dyn Write, h: &HoldInfo) {
    let state = match (&h.released_at, h.in_force) {
        (Some(at), _) => format!("released {}", local_day(*at)),
        (None, true) => "in force".to_owned(),
        (None, false) => "ended".to_owned(),
    };
    // Its last day, in UTC as the engine reads days.
    let until =
        h.until.map(|u| format!(" until {}", (u - chrono::Duration::seconds(1)).date_naive())).unwrap_or_default();
    let _ = writeln!(
        w,
        "  hold {}  {}  {} — placed {} by {}{}: {}",
        &h.uuid[..8],
        &h.candidate_uuid[..8],
        h.full_name,
        local_day(h.placed_at),
        h.placed_by,
        until,
        state
    );
    let _ = writeln!(w, "       reason: {}", h.reason);
}

fn print_purged(w: &mut dyn Write, p: &Purged, verb: &str) {
    let c = &p.counts;
    let _ = writeln!(
        w,
        "{verb} {} ({}): {} documents, {} letters, {} notes, {} messages, {} applications",
        p.candidate_uuid,
        p.rule.as_str(),
        c.documents,
        c.letters,
        c.notes,
        c.messages,
        c.applications
    );
}

fn print_outcome(w: &mut dyn Write, o: &RequestOutcome) {
    match (&o.purged, &o.status) {
        (Some(p), _) => print_purged(w, p, "Purged"),
        (None, Some(s)) => print_status(w, s),
        (None, None) => {}
    }
}

pub fn retention(store: &mut Store, cmd: &RetentionCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        RetentionCommand::Show { candidate } => {
            let s = store.retention_status(&stamp, candidate)?;
            out(json, json!(s), |w| print_status(w, &s));
        }
        RetentionCommand::Upcoming { days } => {
            let list = store.upcoming_purges(stamp.at, *days)?;
            let stale = store.stale_open(stamp.at)?;
            out(json, json!({"upcoming": list, "kept_by_open_application": stale}), |w| {
                if list.is_empty() {
                    let _ = writeln!(w, "Nobody's data goes within {days} days.");
                }
                for u in &list {
                    let held = if u.held { "  (held)" } else { "" };
                    let _ = writeln!(
                        w,
                        "{}  {}  {:<16} {}  {}{held}",
                        local_day(u.due),
                        &u.candidate_uuid[..8],
                        u.rule.as_str(),
                        u.full_name,
                        u.emails.join(", ")
                    );
                }
                for s in &stale {
                    let _ = writeln!(
                        w,
                        "kept only because an application is open since {}: {}  {} (close it if the process is over)",
                        local_day(s.open_since),
                        &s.candidate_uuid[..8],
                        s.full_name
                    );
                }
            });
        }
        RetentionCommand::Hold { candidate, reason, until } => {
            let until = until.as_deref().map(day).transpose()?;
            let h = store.place_hold(&stamp, candidate, reason, until)?;
            out(json, json!(h), |w| print_hold(w, &h));
        }
        RetentionCommand::Release { candidate } => {
            let holds = store.release_holds(&stamp, candidate)?;
            out(json, json!(holds), |w| holds.iter().for_each(|h| print_hold(w, h)));
        }
        RetentionCommand::Holds => {
            let holds = store.holds(stamp.at)?;
            out(json, json!(holds), |w| {
                if holds.is_empty() {
                    let _ = writeln!(w, "No legal hold.");
                }
                holds.iter().for_each(|h| print_hold(w, h));
            });
        }
        RetentionCommand::Log { limit } => {
            let log = store.purge_log(*limit)?;
            out(json, json!(log), |w| {
                if log.is_empty() {
                    let _ = writeln!(w, "Nobody has been purged yet.");
                }
                for e in &log {
                    let _ = writeln!(
                        w,
                        "{}  {}  {:<16} {}",
                        e.purged_at.with_timezone(&Local).format("%Y-%m-%d %H:%M"),
                        e.candidate_uuid,
                        e.rule.as_str(),
                        e.counts
                    );
                }
            });
        }
        RetentionCommand::Contract { application, end, running } => {
            let end = match (end, running) {
                (Some(d), false) => Some(day(d)?),
                (None, true) => None,
                _ => return Err(usage("give the contract's last day with --end YYYY-MM-DD, or --running".into())),
            };
            let s = store.set_contract_end(&stamp, application, end)?;
            out(json, json!(s), |w| print_status(w, &s));
        }
        RetentionCommand::Settings(a) => {
            if let Some(months) = a.pool_months {
                store.set_pool_months(&stamp, months)?;
            }
            if let (Some(country), Some(years)) = (&a.country, a.years) {
                store.set_retention_period(&stamp, country, years)?;
            }
            let s = store.retention_settings()?;
            out(json, json!(s), |w| {
                let _ = writeln!(w, "pool period  {} months (at most {})", s.pool_months, s.max_pool_months);
                let _ = writeln!(
                    w,
                    "after a contract ends, per country of hire (others: {} years):",
                    s.default_hired_years
                );
                for (country, years) in &s.countries {
                    let _ = writeln!(w, "  {country}  {years} years");
                }
            });
        }
        RetentionCommand::RenewRequest(args) => return super::compose::renew_request(store, args, json),
    }
    Ok(())
}

/// A candidate's own requests, confirmed by HR.
pub enum Request<'a> {
    Object(&'a str),
    Renew(&'a str),
    Erase(&'a str),
    Restrict(&'a str),
}

pub fn request(store: &mut Store, request: Request<'_>, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match request {
        Request::Object(id) => {
            let o = store.record_objection(&stamp, id)?;
            out(json, json!(o), |w| {
                if o.purged.is_none() {
                    let _ = writeln!(w, "Objection recorded.");
                }
                print_outcome(w, &o);
            });
        }
        Request::Erase(id) => {
            let o = store.confirm_erasure(&stamp, id).map_err(|e| {
                let mut f = Failure::from(e);
                if f.code == Code::HiredCannotBeErased {
                    f.message.push_str(&format!(": `vivier candidate restrict {id}`"));
                }
                f
            })?;
            out(json, json!(o), |w| {
                if o.purged.is_none() {
                    let _ = writeln!(w, "Erasure recorded; a legal hold delays it.");
                }
                print_outcome(w, &o);
            });
        }
        Request::Renew(id) => {
            let s = store.renew_consent(&stamp, id)?;
            out(json, json!(s), |w| {
                let _ = writeln!(w, "Consent renewed.");
                print_status(w, &s);
            });
        }
        Request::Restrict(id) => {
            let s = store.restrict(&stamp, id)?;
            out(json, json!(s), |w| {
                let _ = writeln!(w, "Use restricted: kept, out of search.");
                print_status(w, &s);
            });
        }
    }
    Ok(())
}

pub fn purge(store: &mut Store, args: &PurgeArgs, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    let as_of = match args.as_of.as_deref().map(day).transpose()? {
        // Today means now: the rest of the day has not happened yet.
        Some(d) if d == Local::now().date_naive() => stamp.at,
        Some(d) => after_local_day(d) - chrono::Duration::microseconds(1),
        None => stamp.at,
    };
    if args.unattended {
        // The timer's run also takes the daily backup and destroys expired ones; a failed
        // backup does not keep the purge from running (the purge is the law's).
        let backup = store.backup_if_due(super::backup::now());
        let outcome = store.purge_unattended(&stamp)?;
        if let Err(e) = backup {
            eprintln!("vivier: the daily backup failed: {e}");
        }
        if let Some(w) = &outcome.withheld {
            out(json, json!(outcome), |_| {});
            return Err(Failure { code: Code::PurgeWithheld, message: withheld_message(w) });
        }
        let report = outcome.purged.unwrap_or_else(|| unreachable!("an unattended purge purges or waits"));
        return report_purge(&report, json);
    }
    if let Some(w) = store.withheld_purge()?
        && !args.dry_run
    {
        eprintln!("vivier: {}; this purge, run by you, confirms it.", withheld_message(&w));
    }
    let report = store.purge_attended(&stamp, as_of, args.dry_run)?;
    report_purge(&report, json)
}

/// What a withheld unattended purge says to HR: the count and the date the machine believed.
fn withheld_message(w: &vivier::retention::Withheld) -> String {
    let why = match w.reason {
        vivier::retention::WithheldReason::ClockBehind => format!(
            "the clock read {}, earlier than {} which the database had already seen",
            w.clock.with_timezone(&Local).format("%Y-%m-%d %H:%M"),
            w.newest_seen.map(|s| s.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
        ),
        vivier::retention::WithheldReason::TooMany => format!(
            "it would have removed {} of {} candidates at once, more than an unattended purge may (the clock read {})",
            w.due,
            w.candidates,
            w.clock.with_timezone(&Local).format("%Y-%m-%d %H:%M")
        ),
    };
    format!("an unattended purge removed nobody: {why}. Check the date, then run `vivier purge` yourself to confirm")
}

fn report_purge(report: &vivier::retention::PurgeReport, json: bool) -> Result<(), Failure> {
    out(json, json!(report), |w| {
        let verb = if report.dry_run { "Would purge" } else { "Purged" };
        for p in &report.purged {
            print_purged(w, p, verb);
        }
        let _ = writeln!(
            w,
            "{} {} candidate(s) as of {}; {} due but held.",
            verb,
            report.purged.len(),
            report.as_of.with_timezone(&Local).format("%Y-%m-%d %H:%M"),
            report.held.len()
        );
        if !report.unreadable.is_empty() {
            let _ = writeln!(
                w,
                "Kept {} candidate(s) whose stored dates do not read (see `vivier doctor`).",
                report.unreadable.len()
            );
        }
    });
    Ok(())
}

/// The systemd user units that run `vivier purge` hourly for one data directory.
pub fn timer_units(exe: &Path, data_dir: &Path) -> (String, String) {
    let service = format!(
        "[Unit]\nDescription=Vivier: purge candidates whose retention period is over\n\n\
         [Service]\nType=oneshot\nExecStart=\"{}\" --data-dir \"{}\" purge --unattended\n",
        exe.display(),
        data_dir.display()
    );
    let timer = "[Unit]\nDescription=Run the Vivier purge hourly\n\n\
                 [Timer]\nOnBootSec=5min\nOnUnitActiveSec=1h\nPersistent=true\n\n\
                 [Install]\nWantedBy=timers.target\n"
        .to_owned();
    (service, timer)
}

/// `vivier purge --install-timer`: a systemd user timer where systemd runs, else the cron
/// line to add. A passphrase-protected key cannot be unlocked by a timer: said, not hidden.
pub fn install_timer(data_dir: &Path, passphrase_protected: bool, json: bool) -> Result<(), Failure> {
    let fail = |message: String| Failure { code: Code::TimerNotInstalled, message };
    let exe = std::env::current_exe().map_err(|e| fail(format!("cannot find the vivier binary: {e}")))?;
    let data_dir = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_owned());
    let warning = passphrase_protected.then_some(
        "this data directory's key is protected by a passphrase, which a timer cannot type: move the key \
         into the OS keyring (`vivier key passphrase --keyring`) for unattended purges",
    );
    let systemd = Path::new("/run/systemd/system").is_dir() && which("systemctl").is_some();
    if !systemd {
        let cron =
            format!("17 * * * * \"{}\" --data-dir \"{}\" purge --unattended --json", exe.display(), data_dir.display());
        out(json, json!({"installed": false, "cron_line": cron, "warning": warning}), |w| {
            let _ = writeln!(w, "systemd is not running here; add this line with `crontab -e`:\n{cron}");
            if let Some(warning) = warning {
                let _ = writeln!(w, "Note: {warning}");
            }
        });
        return Ok(());
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or_else(|| fail("neither XDG_CONFIG_HOME nor HOME is set".into()))?;
    let units = config.join("systemd/user");
    std::fs::create_dir_all(&units).map_err(|e| fail(format!("cannot create {}: {e}", units.display())))?;
    let (service, timer) = timer_units(&exe, &data_dir);
    for (name, text) in [("vivier-purge.service", service), ("vivier-purge.timer", timer)] {
        let path = units.join(name);
        std::fs::write(&path, text).map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
    }
    let enabled =
        std::process::Command::new("systemctl").args(["--user", "daemon-reload"]).status().is_ok_and(|s| s.success())
            && std::process::Command::new("systemctl")
                .args(["--user", "enable", "--now", "vivier-purge.timer"])
                .status()
                .is_ok_and(|s| s.success());
    out(json, json!({"installed": true, "enabled": enabled, "units": units, "warning": warning}), |w| {
        let _ = writeln!(w, "Wrote vivier-purge.service and vivier-purge.timer in {}.", units.display());
        if enabled {
            let _ = writeln!(w, "The timer is enabled: the purge runs hourly.");
        } else {
            let _ = writeln!(w, "Enable it with: systemctl --user enable --now vivier-purge.timer");
        }
        if let Some(warning) = warning {
            let _ = writeln!(w, "Note: {warning}");
        }
    });
    Ok(())
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(program)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timer_runs_this_binary_on_this_data_dir_hourly() {
        let (service, timer) = timer_units(Path::new("/opt/v/vivier"), Path::new("/home/a b/vivier"));
        assert!(service.contains("ExecStart=\"/opt/v/vivier\" --data-dir \"/home/a b/vivier\" purge --unattended\n"));
        assert!(timer.contains("OnUnitActiveSec=1h") && timer.contains("Persistent=true"));
    }

    #[test]
    fn a_hold_until_a_day_covers_that_whole_local_day() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        let end = after_local_day(d);
        assert_eq!(end.with_timezone(&Local).date_naive(), NaiveDate::from_ymd_opt(2027, 4, 1).unwrap());
        assert_eq!((end - chrono::Duration::seconds(1)).with_timezone(&Local).date_naive(), d);
    }
}
