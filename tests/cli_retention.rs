//! Retention through the `vivier` command line: `retention show|upcoming|hold|release|
//! holds|log|contract|settings`, `candidate object|renew|erase|restrict` and `purge`
//! (`--dry-run`, `--as-of`, `--install-timer`), with --json and their exit codes (2 for an
//! unconfirmed erasure, 20 for a purged candidate, 22 for a refused date or setting, 26
//! for the erasure of a hire).

mod common;

use common::*;
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// A candidate (by email) and, with `job`, an application of theirs; returns their UUIDs.
fn candidate(c: &CliDir, name: &str, email: &str, job: Option<&str>) -> (String, Option<String>) {
    let a = c.ok(&["candidate", "add", "--name", name, "--email", email]);
    let app = job.map(|j| s(&c.ok(&["apply", email, j])["uuid"]).to_owned());
    (s(&a["uuid"]).to_owned(), app)
}

#[test]
fn show_upcoming_and_settings() {
    let c = CliDir::new();
    let (uuid, _) = candidate(&c, "Ana Lima", "ana@example.org", None);
    let shown = c.ok(&["retention", "show", "ana@example.org"]);
    assert_eq!(shown["candidate_uuid"], uuid.as_str());
    assert_eq!(shown["rule"], "pool");
    let due = chrono::DateTime::parse_from_rfc3339(s(&shown["due"])).unwrap();
    let created = chrono::DateTime::parse_from_rfc3339(s(&shown["last_contact_at"])).unwrap();
    assert_eq!(due, created.checked_add_months(chrono::Months::new(24)).unwrap());
    // Human output names the rule in words.
    let out = c.run(false, &["retention", "show", &uuid]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("kept until"));
    let upcoming =
        |c: &CliDir, days: &str| c.ok(&["retention", "upcoming", "--days", days])["upcoming"].as_array().unwrap().len();
    assert_eq!(upcoming(&c, "30"), 0);
    assert_eq!(upcoming(&c, "800"), 1);
    // The pool period can be lowered, never raised past 24 months.
    c.fails(&["retention", "settings", "--pool-months", "25"], 22, "invalid_input");
    let set = c.ok(&["retention", "settings", "--pool-months", "12", "--country", "de", "--years", "10"]);
    assert_eq!(set["pool_months"], 12);
    assert!(set["countries"].as_array().unwrap().iter().any(|p| p[0] == "DE" && p[1] == 10));
    assert_eq!(upcoming(&c, "400"), 1);
}

#[test]
fn erase_needs_yes_is_refused_for_a_hire_and_leaves_only_the_log() {
    let c = CliDir::new();
    let job = c.ok(&["job", "add", "--title", "Welder"]);
    let (gone, _) = candidate(&c, "Bo Chen", "bo@example.org", None);
    c.fails(&["candidate", "erase", "bo@example.org"], 2, "usage");
    let out = c.ok(&["candidate", "erase", "bo@example.org", "--yes"]);
    assert_eq!(out["purged"]["rule"], "erasure");
    let v = c.fails(&["retention", "show", &gone], 20, "purged");
    assert!(s(&v["error"]["message"]).contains("purged on"));
    c.fails(&["candidate", "show", &gone], 20, "not_found");
    let log = c.ok(&["retention", "log"]);
    assert_eq!(log[0]["candidate_uuid"], gone.as_str());
    assert!(!log.to_string().contains("Bo Chen") && !log.to_string().contains("bo@example.org"));

    let (hire, app) = candidate(&c, "Cy Diaz", "cy@example.org", Some(s(&job["uuid"])));
    let app = app.unwrap();
    c.ok(&["stage", &app, "offer"]);
    c.ok(&["stage", &app, "hired"]);
    let v = c.fails(&["candidate", "erase", &hire, "--yes"], 26, "hired_cannot_be_erased");
    assert!(s(&v["error"]["message"]).contains("vivier candidate restrict"));
    assert!(c.ok(&["retention", "show", &hire])["restricted_at"].is_null());
    assert!(!c.ok(&["candidate", "restrict", &hire])["restricted_at"].is_null());
    assert!(c.ok(&["search", "diaz"]).as_array().unwrap().is_empty());
    // The contract: only on the hire, then the country's period runs from its end.
    let st = c.ok(&["retention", "contract", &app, "--end", "2024-02-29"]);
    assert_eq!(st["rule"], "hired_retention");
    // The whole last day counts: the period runs from 1 March.
    assert!(s(&st["due"]).starts_with("2029-03-01"), "{st}");
    assert_eq!(c.ok(&["retention", "contract", &app, "--running"])["rule"], "contract_running");
    let out = c.run(true, &["retention", "contract", &app]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn object_renew_hold_release_and_purge() {
    let c = CliDir::new();
    let job = c.ok(&["job", "add", "--title", "Nurse"]);
    let (busy, app) = candidate(&c, "Di Eve", "di@example.org", Some(s(&job["uuid"])));
    let o = c.ok(&["candidate", "object", &busy]);
    assert!(o["purged"].is_null());
    assert!(!o["status"]["objected_at"].is_null());
    let r = c.ok(&["candidate", "renew", &busy]);
    assert!(r["objected_at"].is_null());
    c.ok(&["candidate", "object", &busy]);
    c.ok(&["retention", "hold", &busy, "--reason", "Labour court case 2026-114", "--until", "2099-12-31"]);
    c.fails(&["retention", "hold", &busy, "--reason", "x", "--until", "2001-01-01"], 22, "invalid_input");
    c.fails(&["retention", "hold", &busy, "--reason", "x", "--until", "31/12/2099"], 2, "usage");
    let holds = c.ok(&["retention", "holds"]);
    assert_eq!(holds.as_array().unwrap().len(), 1);
    assert_eq!((&holds[0]["in_force"], &holds[0]["placed_by"]), (&Value::Bool(true), &Value::from("hr.test")));
    // Closing the application makes the objection due; the hold keeps her.
    c.ok(&["stage", &app.unwrap(), "withdrawn"]);
    let dry = c.ok(&["purge", "--dry-run"]);
    assert_eq!((dry["purged"].as_array().unwrap().len(), dry["held"][0].as_str()), (0, Some(busy.as_str())));
    c.ok(&["retention", "release", &busy]);
    c.fails(&["retention", "release", &busy], 22, "invalid_input");
    let dry = c.ok(&["purge", "--dry-run"]);
    assert_eq!(dry["purged"][0]["candidate_uuid"], busy.as_str());
    assert_eq!(dry["purged"][0]["counts"]["applications"], 1);
    assert_eq!(c.ok(&["candidate", "list"]).as_array().unwrap().len(), 1, "a dry run removes nobody");
    // A date in the future only previews.
    let (_, _) = candidate(&c, "Ed Fox", "ed@example.org", None);
    let v = c.fails(&["purge", "--as-of", "2099-01-01"], 22, "invalid_input");
    assert!(s(&v["error"]["message"]).ends_with("Add `--dry-run` to preview it"), "{v}");
    assert_eq!(c.ok(&["purge", "--as-of", "2099-01-01", "--dry-run"])["purged"].as_array().unwrap().len(), 2);
    let done = c.ok(&["purge"]);
    assert_eq!(done["purged"].as_array().unwrap().len(), 1);
    assert_eq!(done["purged"][0]["rule"], "objection");
    assert_eq!(done["cleanup"]["wal_truncated"], true);
    assert_eq!(c.ok(&["candidate", "list"]).as_array().unwrap().len(), 1);
    let doctor = c.ok(&["doctor"]);
    assert_eq!((&doctor["retention"]["overdue"], &doctor["retention"]["held"]), (&Value::from(0), &Value::from(0)));
    assert!(!doctor["retention"]["last_purge"].is_null());
    // The audit chain holds the purge, UUID only.
    let audit = c.ok(&["audit", "list", "--candidate", &busy]);
    assert_eq!(audit[0]["action"], "purge");
    c.ok(&["audit", "verify"]);
}

#[test]
fn install_timer_without_systemd_prints_the_cron_line_and_warns_about_the_passphrase() {
    let c = CliDir::new();
    if std::path::Path::new("/run/systemd/system").is_dir() {
        eprintln!("systemd runs here: the cron path is not what this machine would take; skipped");
        return;
    }
    let out = c.ok(&["purge", "--install-timer"]);
    assert_eq!(out["installed"], false);
    let cron = s(&out["cron_line"]);
    assert!(cron.contains(env!("CARGO_BIN_EXE_vivier")) && cron.contains(c.root.to_str().unwrap()));
    assert!(cron.ends_with("purge --unattended --json"), "the timer's purge distrusts the clock: {cron}");
    assert!(s(&out["warning"]).contains("passphrase"));
    let out = c.run(true, &["purge", "--install-timer", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "--install-timer does not combine with --dry-run");
}

/// Runs the CLI under a clock moved by `offset` (libfaketime's `faketime -f`, e.g. "+3650d").
fn under_clock(c: &CliDir, offset: &str, args: &[&str]) -> std::process::Output {
    let faketime = std::path::Path::new("/usr/bin/faketime");
    assert!(faketime.exists(), "faketime is missing: apt-get install faketime (make test installs it)");
    std::process::Command::new(faketime)
        .arg("-f")
        .arg(offset)
        .arg(env!("CARGO_BIN_EXE_vivier"))
        .arg("--data-dir")
        .arg(&c.root)
        .arg("--json")
        .args(args)
        .env_remove("VIVIER_DATA_DIR")
        .env("VIVIER_PASSPHRASE", PASS)
        .env("VIVIER_ACTOR", "hr.test")
        .output()
        .unwrap()
}

/// Issue 11 at the command line: a candidate in a process is never due, whatever the pool;
/// a former hire who applies again is kept while the application is open; an unattended
/// purge under a clock years ahead, or behind what the database has seen, removes nobody
/// and says why with an exit code of its own; an attended purge confirms.
#[test]
fn a_process_keeps_people_and_an_unattended_purge_distrusts_a_wrong_clock() {
    let c = CliDir::new();
    c.ok(&["retention", "settings", "--pool-months", "1"]);
    let job = c.ok(&["job", "add", "--title", "Analyst"]);
    let (busy, app) = candidate(&c, "Ann Interview", "ann@example.org", Some(s(&job["uuid"])));
    c.ok(&["stage", &app.unwrap(), "interview"]);
    let ahead = (chrono::Local::now() + chrono::Duration::days(92)).format("%Y-%m-%d").to_string();
    let dry = c.ok(&["purge", "--as-of", &ahead, "--dry-run"]);
    assert!(dry["purged"].as_array().unwrap().is_empty(), "at interview, not due three months on: {dry}");
    assert_eq!(c.ok(&["retention", "show", &busy])["rule"], "application_open");

    // A hire whose contract ended six years ago applies again.
    let old = c.ok(&["job", "add", "--title", "Welder"]);
    let (former, hired) = candidate(&c, "Bo Former", "bo@example.org", Some(s(&old["uuid"])));
    let hired = hired.unwrap();
    c.ok(&["stage", &hired, "offer"]);
    c.ok(&["stage", &hired, "hired"]);
    let ended = (chrono::Local::now() - chrono::Duration::days(6 * 366)).format("%Y-%m-%d").to_string();
    assert!(!c.ok(&["retention", "contract", &hired, "--end", &ended])["due"].is_null());
    c.ok(&["apply", &former, s(&job["uuid"])]);
    let st = c.ok(&["retention", "show", &former]);
    assert_eq!((&st["rule"], &st["due"]), (&Value::from("application_open"), &Value::Null));
    assert!(c.ok(&["purge", "--dry-run"])["purged"].as_array().unwrap().is_empty());

    // Sixty people who would all be due ten years from now.
    {
        let mut store = c.data.open().unwrap();
        let now = chrono::Utc::now();
        for i in 0..60 {
            person(&mut store, now, &format!("Pool {i}"), &format!("pool{i}@example.org"));
        }
    }
    let count = |c: &CliDir| c.ok(&["candidate", "list", "--limit", "500"]).as_array().unwrap().len();
    assert_eq!(count(&c), 62);
    let out = under_clock(&c, "+3650d", &["purge", "--unattended"]);
    assert_eq!(out.status.code(), Some(27), "{}", String::from_utf8_lossy(&out.stdout));
    let mut answers = serde_json::Deserializer::from_slice(&out.stdout).into_iter::<Value>();
    let outcome = answers.next().unwrap().unwrap();
    assert_eq!(outcome["withheld"]["reason"], "too_many", "{outcome}");
    assert_eq!(outcome["withheld"]["due"], 60);
    assert_eq!(answers.next().unwrap().unwrap()["error"]["code"], "purge_withheld");
    assert_eq!(count(&c), 62, "nobody removed under a clock ten years ahead");
    let doctor = c.ok(&["doctor"]);
    assert_eq!(doctor["retention"]["withheld"]["reason"], "too_many", "{doctor}");

    // A clock a day behind what the database has seen.
    let out = under_clock(&c, "-1d", &["purge", "--unattended"]);
    assert_eq!(out.status.code(), Some(27), "{}", String::from_utf8_lossy(&out.stdout));
    let outcome: Value = serde_json::Deserializer::from_slice(&out.stdout).into_iter().next().unwrap().unwrap();
    assert_eq!(outcome["withheld"]["reason"], "clock_behind", "{outcome}");
    assert_eq!(count(&c), 62);

    // The clock ahead wrote its notice into the audit log: with the right clock, the next
    // unattended purge still waits, until HR runs one (which vouches for the clock).
    assert_eq!(c.run(true, &["purge", "--unattended"]).status.code(), Some(27));
    let confirmed = c.ok(&["purge"]);
    assert_eq!(confirmed["confirmed"]["reason"], "clock_behind", "{confirmed}");
    assert!(c.ok(&["doctor"])["retention"]["withheld"].is_null(), "the attended purge answered the notice");
    let ok = c.ok(&["purge", "--unattended"]);
    assert!(ok["purged"].as_array().unwrap().is_empty(), "nobody is due today: {ok}");
    assert_eq!(count(&c), 62);
    let _ = busy;
}
