//! Unattended purges distrust the clock. The app's hourly task and the timer's
//! `vivier purge --unattended` run with nobody watching, by a clock that may be wrong (a
//! dead CMOS battery, a manual mistake, a virtual machine restored from a snapshot). Such a
//! purge does nothing, and leaves a notice for HR, when the clock reads earlier than the
//! newest time the store has seen (beyond a few minutes), or when it would remove more than
//! a bounded share of the store at once (a backlog, or a clock jumped forward). HR sees the
//! notice (Retention screen, `vivier purge`, `doctor`) and confirms with an attended purge,
//! which is unchanged, as is `purge --as-of`.

use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::audit::append;
use crate::db::Store;
use crate::db::time::opt_ts;
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::facts::verdicts;
use crate::retention::purge::PurgeReport;

type Result<T> = std::result::Result<T, PipelineError>;

/// How far behind the newest time seen the clock may read before it is distrusted.
pub const CLOCK_TOLERANCE_MINUTES: i64 = 5;
/// An unattended purge removes at most this many people at once…
pub const UNATTENDED_MIN: usize = 50;
/// …or this share of the store, in percent, whichever is larger.
pub const UNATTENDED_PERCENT: usize = 2;

/// Where the notice of a withheld purge is kept (one at a time: the latest).
const WITHHELD_SETTING: &str = "retention.withheld";
/// Where the clock HR last vouched for is kept: its time, and how far the audit log and the
/// purge log went then. Times recorded before it (by a clock that ran ahead) no longer count.
const VOUCHED_SETTING: &str = "retention.clock_vouched";

/// The clock HR vouched for by running a purge themselves.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Vouched {
    at: Option<DateTime<Utc>>,
    audit_seq: i64,
    purge_id: i64,
}

/// Why an unattended purge waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// The clock read earlier than the newest time the store has seen.
    ClockBehind,
    /// It would have removed more than the bounded share at once.
    TooMany,
}

/// An unattended purge that did nothing and waits for HR's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Withheld {
    pub reason: WithheldReason,
    /// The date the machine believed.
    pub clock: DateTime<Utc>,
    /// The newest time the store had seen (audit entries, the last purge).
    pub newest_seen: Option<DateTime<Utc>>,
    /// How many people it would have removed.
    pub due: usize,
    /// How many candidates the store held.
    pub candidates: usize,
}

/// What an unattended purge did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct UnattendedOutcome {
    pub purged: Option<PurgeReport>,
    pub withheld: Option<Withheld>,
}

/// The most an unattended purge removes at once from a store of `candidates` people.
pub fn unattended_limit(candidates: usize) -> usize {
    UNATTENDED_MIN.max(candidates * UNATTENDED_PERCENT / 100)
}

/// Whether an unattended purge at `clock` may go ahead: the reason to wait, if any.
pub fn distrust(
    clock: DateTime<Utc>,
    newest_seen: Option<DateTime<Utc>>,
    due: usize,
    candidates: usize,
) -> Option<WithheldReason> {
    if newest_seen.is_some_and(|seen| clock + Duration::minutes(CLOCK_TOLERANCE_MINUTES) < seen) {
        return Some(WithheldReason::ClockBehind);
    }
    (due > unattended_limit(candidates)).then_some(WithheldReason::TooMany)
}

/// The newest time the store has seen: its last purge and its latest audit entries, since
/// the clock HR last vouched for (which counts too).
pub(crate) fn newest_seen(conn: &rusqlite::Connection) -> Result<Option<DateTime<Utc>>> {
    let vouched = vouched(conn)?;
    let purge: Option<String> =
        conn.query_row("SELECT max(purged_at) FROM purge_log WHERE id > ?1", [vouched.purge_id], |r| r.get(0))?;
    // The audit log is appended in order; a view's entry may land a little after its time
    // (the app's reader), so the newest of the last entries, not only the last.
    let audit: Option<String> = conn.query_row(
        "SELECT max(at) FROM (SELECT at FROM audit WHERE seq > ?1 ORDER BY seq DESC LIMIT 200)",
        [vouched.audit_seq],
        |r| r.get(0),
    )?;
    Ok(opt_ts(purge)?.max(opt_ts(audit)?).max(vouched.at))
}

fn vouched(conn: &rusqlite::Connection) -> Result<Vouched> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [VOUCHED_SETTING], |r| r.get(0)).optional()?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// HR ran a purge by this clock: it is the newest time that counts from now on, so that
/// entries a clock running ahead wrote do not keep every later unattended purge waiting.
pub(crate) fn vouch(conn: &rusqlite::Connection, at: DateTime<Utc>) -> Result<()> {
    let audit_seq: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM audit", [], |r| r.get(0))?;
    let purge_id: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM purge_log", [], |r| r.get(0))?;
    let json = serde_json::to_string(&Vouched { at: Some(at), audit_seq, purge_id }).unwrap_or_default();
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [VOUCHED_SETTING, &json],
    )?;
    Ok(())
}

/// The notice of the latest withheld unattended purge, if HR has not confirmed one since.
pub(crate) fn withheld(conn: &rusqlite::Connection) -> Result<Option<Withheld>> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [WITHHELD_SETTING], |r| r.get(0)).optional()?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

/// An attended purge confirms (and clears) the notice.
pub(crate) fn clear_withheld(conn: &rusqlite::Connection) -> Result<()> {
    conn.execute("DELETE FROM settings WHERE key = ?1", [WITHHELD_SETTING])?;
    Ok(())
}

impl Store {
    /// The purge of the app's hourly task and of the timer: as [`Store::purge`] at the
    /// stamp's time, unless the clock is distrusted; then nothing is removed, and the notice
    /// is recorded (and audited) for HR to confirm.
    pub fn purge_unattended(&mut self, stamp: &Stamp) -> Result<UnattendedOutcome> {
        let newest = newest_seen(&self.conn)?;
        let due = verdicts(&self.conn, stamp.at)?.due.len();
        let candidates: i64 = self.conn.query_row("SELECT count(*) FROM candidates", [], |r| r.get(0))?;
        let candidates = usize::try_from(candidates).unwrap_or(0);
        if let Some(reason) = distrust(stamp.at, newest, due, candidates) {
            let notice = Withheld { reason, clock: stamp.at, newest_seen: newest, due, candidates };
            let json = serde_json::to_string(&notice).unwrap_or_default();
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [WITHHELD_SETTING, &json],
                )?;
                let detail = format!("{} due; {reason:?}", notice.due);
                append(tx, stamp, "purge_withheld", None, Some(&detail))
            })?;
            return Ok(UnattendedOutcome { purged: None, withheld: Some(notice) });
        }
        let report = self.purge(stamp, stamp.at, false)?;
        Ok(UnattendedOutcome { purged: Some(report), withheld: None })
    }

    /// The notice of a withheld unattended purge, if any.
    pub fn withheld_purge(&self) -> Result<Option<Withheld>> {
        withheld(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_clock_behind_what_the_store_has_seen_is_distrusted() {
        let seen = Some(at(2026, 6, 1));
        assert_eq!(distrust(at(2026, 5, 31), seen, 0, 10), Some(WithheldReason::ClockBehind));
        assert_eq!(distrust(at(2026, 6, 1) - Duration::minutes(4), seen, 0, 10), None, "a few minutes are tolerated");
        assert_eq!(distrust(at(2026, 6, 2), seen, 3, 10), None);
        assert_eq!(distrust(at(2026, 6, 2), None, 3, 10), None);
    }

    #[test]
    fn more_than_fifty_people_or_two_percent_at_once_waits_for_hr() {
        assert_eq!(unattended_limit(100), 50);
        assert_eq!(unattended_limit(10_000), 200);
        assert_eq!(distrust(at(2036, 6, 1), None, 50, 60), None);
        assert_eq!(distrust(at(2036, 6, 1), None, 51, 60), Some(WithheldReason::TooMany));
        assert_eq!(distrust(at(2036, 6, 1), None, 201, 10_000), Some(WithheldReason::TooMany));
        assert_eq!(distrust(at(2036, 6, 1), None, 200, 10_000), None);
    }
}
