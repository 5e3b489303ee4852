//! Retention policy (promises P6, P7 and the erasure side of P8): for one candidate, the
//! date their data must go and the rule that sets it. Pure: facts and the clock come in as
//! values, a decision comes out; the store gathers the facts and the purge acts on them.
//!
//! - In a hiring process: while any application is open, no pool rule makes anyone due.
//! - The pool: the later of the last candidate contact and the close of the last
//!   application (rejected, withdrawn), plus the pool period (24 months by default, never
//!   more).
//! - Objection to being kept: due as soon as no application of theirs is open.
//! - Erasure confirmed by HR: due at once, open applications or not (the person asked);
//!   refused for a hire (restriction instead).
//! - Hired: the day after the contract's last day + the retention period of the country of
//!   hire; nothing while the contract runs.
//! - Due under several rules (a former hire who applies again): the latest date wins, and
//!   "not while …" beats any date.
//! - A legal hold suspends any purge from its creation, whatever the clock says, until the
//!   end of its last day.
//!
//! Calendar days (a contract's last day, a hold's last day) end at midnight UTC: the stated
//! time zone of every day the policy reads ([`end_of_day`]).

use chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};
use serde::Serialize;

/// The longest pool period the employer's policy allows.
pub const MAX_POOL_MONTHS: u32 = 24;
/// Retention after a contract ends where the country has no entry.
pub const DEFAULT_HIRED_YEARS: u32 = 5;

/// What the policy needs to know about one candidate.
#[derive(Debug, Clone)]
pub struct Facts {
    pub last_contact: DateTime<Utc>,
    /// When the candidate objected to being kept for future offers.
    pub objected: Option<DateTime<Utc>>,
    /// When HR confirmed an erasure the candidate asked for.
    pub erasure_confirmed: Option<DateTime<Utc>>,
    /// The last stage move of the open applications; None when none is open.
    pub open_since: Option<DateTime<Utc>>,
    /// When the last rejected or withdrawn application closed.
    pub last_closed: Option<DateTime<Utc>>,
    /// Every hired application of the candidate (usually none or one).
    pub hires: Vec<Hire>,
    pub holds: Vec<Hold>,
}

#[derive(Debug, Clone)]
pub struct Hire {
    /// Country of hire (ISO alpha-2), which decides the retention period.
    pub country: String,
    /// The contract's last day; None while the contract runs.
    pub contract_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hold {
    pub reason: String,
    pub by: String,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

impl Hold {
    /// In force from its creation, whatever the clock says (a clock set back must not make
    /// a hold "not yet" in force), until its end.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|u| now < u)
    }
}

/// The first instant after a calendar day, in UTC: where a contract's or a hold's last day
/// ends. Both are read this way, so a hire is never due a day before a hold on the same date
/// would let them go.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The rule that sets a candidate's due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Pool,
    Objection,
    Erasure,
    HiredRetention,
    ContractRunning,
    /// Kept while an application is open: in a hiring process, nobody is due.
    ApplicationOpen,
}

/// When the data must go and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// None: not while the contract runs.
    pub due: Option<DateTime<Utc>>,
    pub rule: Rule,
    /// A legal hold in force suspends the purge.
    pub held: bool,
    /// Kept only because an application is open, with no stage move since this date for
    /// longer than the pool period: HR should close it.
    pub stale_open_since: Option<DateTime<Utc>>,
}

impl Decision {
    /// Whether the purge must happen at `now`.
    pub fn purge_now(&self, now: DateTime<Utc>) -> bool {
        !self.held && self.due.is_some_and(|d| d <= now)
    }
}

/// Settings of the policy.
#[derive(Debug, Clone)]
pub struct Settings {
    pool_months: u32,
    /// Years kept after a contract ends, per country.
    pub hired_years: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error(
        "the pool period is {0} months: it must be between 1 and {MAX_POOL_MONTHS} months (the policy allows no more)"
    )]
    PoolTooLong(u32),
    #[error("a retention period of {0} years is outside 1 to 50 years; give the period the law of the country sets")]
    YearsOutOfRange(u32),
    #[error(
        "this candidate was hired: their data is kept for the contract and then the legal period of the \
         country of hire, so it cannot be erased now. Restrict its use instead (the restriction is recorded)"
    )]
    HiredCannotBeErased,
    #[error("candidate {uuid} was purged on {at} ({rule}); nothing of them is left but the purge log")]
    Purged { uuid: String, at: String, rule: String },
    #[error("a purge as of a date later than now would purge people before their date; only a dry run may look ahead")]
    FuturePurge,
}

impl RetentionError {
    pub fn code(&self) -> crate::error::Code {
        use crate::error::Code;
        match self {
            RetentionError::PoolTooLong(_) | RetentionError::YearsOutOfRange(_) => Code::InvalidInput,
            RetentionError::HiredCannotBeErased => Code::HiredCannotBeErased,
            RetentionError::Purged { .. } => Code::Purged,
            RetentionError::FuturePurge => Code::InvalidInput,
        }
    }
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::Pool,
        Rule::Objection,
        Rule::Erasure,
        Rule::HiredRetention,
        Rule::ContractRunning,
        Rule::ApplicationOpen,
    ];

    /// The rule named by [`Rule::as_str`] (as the purge log stores it).
    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Pool => "pool",
            Rule::Objection => "objection",
            Rule::Erasure => "erasure",
            Rule::HiredRetention => "hired_retention",
            Rule::ContractRunning => "contract_running",
            Rule::ApplicationOpen => "application_open",
        }
    }

    /// The rule in a sentence, for the command line (the app words it in its own language).
    pub fn explain(self) -> &'static str {
        match self {
            Rule::Pool => {
                "not hired: the pool period after the candidate's last contact or the close of their last application"
            }
            Rule::Objection => "the candidate objected to being kept, and no application of theirs is open",
            Rule::Erasure => "the candidate asked for erasure, confirmed by HR",
            Rule::HiredRetention => "hired: the contract ended, plus the retention period of the country of hire",
            Rule::ContractRunning => "hired: kept while the contract runs",
            Rule::ApplicationOpen => "in a hiring process: kept while an application is open",
        }
    }
}

/// Checks a retention period in years for a country of hire.
pub fn check_years(years: u32) -> Result<u32, RetentionError> {
    if (1..=50).contains(&years) { Ok(years) } else { Err(RetentionError::YearsOutOfRange(years)) }
}

impl Settings {
    pub fn new(pool_months: u32) -> Result<Settings, RetentionError> {
        if pool_months == 0 || pool_months > MAX_POOL_MONTHS {
            return Err(RetentionError::PoolTooLong(pool_months));
        }
        Ok(Settings { pool_months, hired_years: Vec::new() })
    }

    pub fn pool_months(&self) -> u32 {
        self.pool_months
    }

    /// Years a former employee's file is kept after the contract ends in a country.
    pub fn years_for(&self, country: &str) -> u32 {
        self.hired_years
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(country))
            .map(|(_, y)| *y)
            .unwrap_or(DEFAULT_HIRED_YEARS)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { pool_months: MAX_POOL_MONTHS, hired_years: Vec::new() }
    }
}

/// Adds calendar months, ending on the last day of a shorter month (31 January + 1 month
/// is 28 or 29 February; 29 February + 12 months is 28 February).
pub fn add_months(at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    at.checked_add_months(Months::new(months)).unwrap_or(at)
}

/// The due date and rule for one candidate at `now`: each rule that applies gives a date
/// (or "not while …"), and the latest wins.
pub fn decide(facts: &Facts, settings: &Settings, now: DateTime<Utc>) -> Decision {
    let held = facts.holds.iter().any(|h| h.in_force(now));
    let stale_open_since = facts.open_since.filter(|since| add_months(*since, settings.pool_months) <= now);
    let (due, rule) = match (hire_side(facts, settings), pool_side(facts, settings)) {
        // The person asked, and no law keeps them: at once, open applications or not (or at
        // the pool date, had it come first).
        (None, pool) if let Some(erased) = facts.erasure_confirmed => match pool {
            (Some(date), rule) if date <= erased => (Some(date), rule),
            _ => (Some(erased), Rule::Erasure),
        },
        (None, pool) => pool,
        (Some(hire), pool) => latest(hire, pool),
    };
    Decision { due, rule, held, stale_open_since }
}

/// The recruitment pool's date: none while an application is open; else the pool period
/// from the later of last contact and the last close, shortened by an objection.
fn pool_side(facts: &Facts, settings: &Settings) -> (Option<DateTime<Utc>>, Rule) {
    if facts.open_since.is_some() {
        return (None, Rule::ApplicationOpen);
    }
    let start = facts.last_contact.max(facts.last_closed.unwrap_or(facts.last_contact));
    let pool = add_months(start, settings.pool_months);
    match facts.objected {
        // Due once nothing is open: at the objection, or at the last close after it.
        Some(objected) => {
            let at = objected.max(facts.last_closed.unwrap_or(objected));
            if at < pool { (Some(at), Rule::Objection) } else { (Some(pool), Rule::Pool) }
        }
        None => (Some(pool), Rule::Pool),
    }
}

/// A hire's date: the day after the last contract's last day + the country's period;
/// none while any contract runs; None when the person was never hired.
fn hire_side(facts: &Facts, settings: &Settings) -> Option<(Option<DateTime<Utc>>, Rule)> {
    if facts.hires.is_empty() {
        return None;
    }
    let mut due = None;
    for hire in &facts.hires {
        let Some(end) = hire.contract_end else { return Some((None, Rule::ContractRunning)) };
        let years = settings.years_for(&hire.country);
        due = due.max(Some(add_months(end_of_day(end), years * 12)));
    }
    Some((due, Rule::HiredRetention))
}

/// Of two rules, the one that keeps the person longer: "not while …" (None) beats a date.
fn latest(a: (Option<DateTime<Utc>>, Rule), b: (Option<DateTime<Utc>>, Rule)) -> (Option<DateTime<Utc>>, Rule) {
    match (a.0, b.0) {
        (None, _) => a,
        (_, None) => b,
        (Some(x), Some(y)) => {
            if y > x {
                b
            } else {
                a
            }
        }
    }
}

/// Who may be due at a date: the pre-filter through which a purge reads the store, so
/// that it never decides over everyone. `facts::gather`'s SQL is this, clause for clause:
/// last contact at or before the cutoff (the pool rule, with a week's margin for month
/// ends), an objection or an erasure on record, or a hire. It must admit everyone
/// [`decide`] finds due: a rule added to `decide` and not here would silently skip people,
/// which the property test below catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefilter {
    /// The latest last contact that may be due under the pool rule.
    pub last_contact_by: DateTime<Utc>,
}

impl Prefilter {
    pub fn at(settings: &Settings, at: DateTime<Utc>) -> Prefilter {
        let months = Months::new(settings.pool_months());
        Prefilter { last_contact_by: at.checked_sub_months(months).unwrap_or(at) + chrono::Duration::days(7) }
    }

    pub fn admits(&self, facts: &Facts) -> bool {
        facts.last_contact <= self.last_contact_by
            || facts.objected.is_some()
            || facts.erasure_confirmed.is_some()
            || !facts.hires.is_empty()
    }
}

/// Checks that an erasure request can be confirmed.
pub fn check_erasure(facts: &Facts) -> Result<(), RetentionError> {
    if !facts.hires.is_empty() {
        return Err(RetentionError::HiredCannotBeErased);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::db::seed::Xorshift;

    fn chance(rng: &mut Xorshift, in_ten: u64) -> bool {
        rng.below(10) < in_ten
    }

    fn date(rng: &mut Xorshift) -> DateTime<Utc> {
        at(2018, 1, 1) + chrono::Duration::minutes(rng.below(12 * 365 * 24 * 60) as i64)
    }

    #[test]
    fn the_prefilter_never_leaves_out_anyone_decide_finds_due() {
        let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
        let mut due_seen = 0;
        for _ in 0..200_000 {
            let hires = (0..rng.below(3))
                .map(|_| Hire {
                    country: ["FR", "DE", "ES"][rng.below(3) as usize].into(),
                    contract_end: chance(&mut rng, 7).then(|| date(&mut rng).date_naive()),
                })
                .collect();
            let holds = (0..rng.below(2))
                .map(|_| Hold {
                    reason: "case".into(),
                    by: "hr".into(),
                    from: date(&mut rng),
                    until: chance(&mut rng, 5).then(|| date(&mut rng)),
                })
                .collect();
            let facts = Facts {
                last_contact: date(&mut rng),
                objected: chance(&mut rng, 2).then(|| date(&mut rng)),
                erasure_confirmed: chance(&mut rng, 1).then(|| date(&mut rng)),
                open_since: chance(&mut rng, 3).then(|| date(&mut rng)),
                last_closed: chance(&mut rng, 3).then(|| date(&mut rng)),
                hires,
                holds,
            };
            let mut settings = Settings::new(1 + rng.below(u64::from(MAX_POOL_MONTHS)) as u32).unwrap();
            settings.hired_years = vec![("DE".into(), 1 + rng.below(15) as u32)];
            let at = date(&mut rng);
            let decision = decide(&facts, &settings, at);
            if decision.due.is_some_and(|d| d <= at) {
                due_seen += 1;
                assert!(Prefilter::at(&settings, at).admits(&facts), "due but filtered out: {facts:?} at {at}");
            }
        }
        assert!(due_seen > 10_000, "the generator makes people due ({due_seen})");
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    fn facts(last: DateTime<Utc>) -> Facts {
        Facts {
            last_contact: last,
            objected: None,
            erasure_confirmed: None,
            open_since: None,
            last_closed: None,
            hires: vec![],
            holds: vec![],
        }
    }

    #[test]
    fn a_pool_candidate_goes_24_months_after_last_contact_calendar_exact() {
        let s = Settings::default();
        assert_eq!(decide(&facts(at(2024, 3, 15)), &s, at(2024, 4, 1)).due, Some(at(2026, 3, 15)));
        // 29 February and month ends.
        assert_eq!(decide(&facts(at(2024, 2, 29)), &s, at(2024, 4, 1)).due, Some(at(2026, 2, 28)));
        assert_eq!(add_months(at(2025, 1, 31), 1), at(2025, 2, 28));
        assert_eq!(add_months(at(2023, 1, 31), 13), at(2024, 2, 29));
    }

    #[test]
    fn the_pool_period_can_be_lowered_never_raised() {
        assert_eq!(Settings::new(25).unwrap_err(), RetentionError::PoolTooLong(25));
        assert!(Settings::new(0).is_err());
        let s = Settings::new(12).unwrap();
        assert_eq!(decide(&facts(at(2025, 6, 1)), &s, at(2025, 6, 2)).due, Some(at(2026, 6, 1)));
    }

    #[test]
    fn an_objection_is_due_once_no_application_is_open() {
        let s = Settings::default();
        let mut f = facts(at(2025, 1, 1));
        f.objected = Some(at(2025, 2, 1));
        f.open_since = Some(at(2025, 1, 10));
        let d = decide(&f, &s, at(2025, 2, 2));
        assert_eq!((d.rule, d.due), (Rule::ApplicationOpen, None));
        f.open_since = None;
        let d = decide(&f, &s, at(2025, 2, 2));
        assert_eq!((d.rule, d.due), (Rule::Objection, Some(at(2025, 2, 1))));
        assert!(d.purge_now(at(2025, 2, 2)));
        // Closed after the objection: due at the close.
        f.last_closed = Some(at(2025, 3, 1));
        assert_eq!(decide(&f, &s, at(2025, 3, 2)).due, Some(at(2025, 3, 1)));
    }

    #[test]
    fn an_open_application_stops_the_pool_clock_which_restarts_at_its_close() {
        let s = Settings::new(1).unwrap();
        let mut f = facts(at(2025, 1, 1));
        f.open_since = Some(at(2025, 1, 15));
        // At interview for months with a one-month pool: kept.
        let d = decide(&f, &s, at(2025, 6, 1));
        assert_eq!((d.rule, d.due), (Rule::ApplicationOpen, None));
        assert!(!d.purge_now(at(2025, 6, 1)));
        assert_eq!(d.stale_open_since, Some(at(2025, 1, 15)), "no move for longer than the pool: shown");
        assert_eq!(decide(&f, &s, at(2025, 2, 1)).stale_open_since, None);
        // Rejected on 1 June: the pool runs from the close.
        f.open_since = None;
        f.last_closed = Some(at(2025, 6, 1));
        let d = decide(&f, &s, at(2025, 6, 2));
        assert_eq!((d.rule, d.due), (Rule::Pool, Some(at(2025, 7, 1))));
    }

    #[test]
    fn a_former_hire_who_applies_again_is_kept_then_goes_at_the_later_date() {
        let s = Settings::default();
        let mut f = facts(at(2031, 3, 1));
        f.hires = vec![Hire { country: "FR".into(), contract_end: NaiveDate::from_ymd_opt(2025, 12, 31) }];
        // The hire's date (1 January 2031) has passed; a new application is open.
        f.open_since = Some(at(2031, 3, 1));
        let d = decide(&f, &s, at(2031, 6, 1));
        assert_eq!((d.rule, d.due), (Rule::ApplicationOpen, None));
        // Rejected: the later of the hire's date and the new pool date.
        f.open_since = None;
        f.last_closed = Some(at(2031, 7, 1));
        let d = decide(&f, &s, at(2031, 7, 2));
        assert_eq!((d.rule, d.due), (Rule::Pool, Some(at(2033, 7, 1))));
    }

    #[test]
    fn a_contract_and_a_hold_ending_the_same_day_end_at_the_same_instant() {
        let day = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        assert_eq!(end_of_day(day), Utc.with_ymd_and_hms(2025, 7, 1, 0, 0, 0).unwrap());
        let mut s = Settings::default();
        s.hired_years.push(("FR".into(), 1));
        let mut f = facts(at(2020, 1, 1));
        f.hires = vec![Hire { country: "FR".into(), contract_end: Some(day) }];
        assert_eq!(decide(&f, &s, at(2026, 1, 1)).due, Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()));
    }

    #[test]
    fn a_hold_is_in_force_from_its_creation_whatever_the_clock_says() {
        let hold = Hold { reason: "case".into(), by: "dpo".into(), from: at(2025, 6, 1), until: Some(at(2026, 1, 1)) };
        assert!(hold.in_force(at(2025, 5, 1)), "a clock set back does not lift it");
        assert!(hold.in_force(at(2025, 12, 31)));
        assert!(!hold.in_force(at(2026, 1, 1)));
    }

    #[test]
    fn erasure_is_due_at_once_and_refused_for_a_hire() {
        let s = Settings::default();
        let mut f = facts(at(2025, 1, 1));
        f.erasure_confirmed = Some(at(2025, 3, 1));
        let d = decide(&f, &s, at(2025, 3, 1));
        assert_eq!(d.rule, Rule::Erasure);
        assert!(d.purge_now(at(2025, 3, 1)));
        f.hires = vec![Hire { country: "FR".into(), contract_end: None }];
        assert_eq!(check_erasure(&f).unwrap_err(), RetentionError::HiredCannotBeErased);
    }

    #[test]
    fn a_hire_is_kept_while_the_contract_runs_then_for_the_country_period() {
        let mut s = Settings::default();
        s.hired_years.push(("DE".into(), 10));
        let mut f = facts(at(2020, 1, 1));
        f.hires = vec![Hire { country: "FR".into(), contract_end: None }];
        let d = decide(&f, &s, at(2030, 1, 1));
        assert_eq!((d.rule, d.due), (Rule::ContractRunning, None));
        assert!(!d.purge_now(at(2099, 1, 1)));
        f.hires = vec![Hire { country: "FR".into(), contract_end: NaiveDate::from_ymd_opt(2028, 2, 29) }];
        assert_eq!(
            decide(&f, &s, at(2030, 1, 1)).due.unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2033, 3, 1).unwrap()
        );
        f.hires = vec![Hire { country: "de".into(), contract_end: NaiveDate::from_ymd_opt(2028, 6, 30) }];
        assert_eq!(
            decide(&f, &s, at(2030, 1, 1)).due.unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2038, 7, 1).unwrap()
        );
        // Two contracts: the later expiry wins; one still running keeps everything.
        f.hires.push(Hire { country: "FR".into(), contract_end: NaiveDate::from_ymd_opt(2035, 1, 31) });
        assert_eq!(
            decide(&f, &s, at(2036, 1, 1)).due.unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2040, 2, 1).unwrap()
        );
        f.hires.push(Hire { country: "FR".into(), contract_end: None });
        assert_eq!(decide(&f, &s, at(2036, 1, 1)).rule, Rule::ContractRunning);
    }

    #[test]
    fn a_hold_in_force_suspends_the_purge_and_ends_with_its_date() {
        let s = Settings::default();
        let mut f = facts(at(2020, 1, 1));
        f.holds.push(Hold {
            reason: "litigation".into(),
            by: "dpo".into(),
            from: at(2021, 1, 1),
            until: Some(at(2023, 1, 1)),
        });
        assert!(decide(&f, &s, at(2022, 6, 1)).held);
        assert!(!decide(&f, &s, at(2022, 6, 1)).purge_now(at(2022, 6, 1)));
        assert!(decide(&f, &s, at(2023, 1, 1)).purge_now(at(2023, 1, 1)));
    }

    /// Random histories with an injected clock: nobody is purged before their due date,
    /// nobody outlives it (unless held), and holds are honoured.
    #[test]
    fn property_no_early_purge_no_late_survivor_holds_honoured() {
        let mut rng = Xorshift(0x2545F4914F6CDD1D);
        let mut next = |m: u64| rng.below(m);
        let base = at(2020, 1, 1);
        for _ in 0..20_000 {
            let s = Settings::new(1 + next(24) as u32).unwrap();
            let last = base + chrono::Duration::days(next(2000) as i64);
            let mut f = facts(last);
            if next(4) == 0 {
                f.objected = Some(last + chrono::Duration::days(next(400) as i64));
                f.open_since = (next(2) == 0).then(|| last + chrono::Duration::days(next(100) as i64));
            }
            if next(6) == 0 {
                f.erasure_confirmed = Some(last + chrono::Duration::days(next(800) as i64));
            }
            if next(5) == 0 {
                let end = (next(2) == 0).then(|| (last + chrono::Duration::days(next(3000) as i64)).date_naive());
                f.hires = vec![Hire { country: ["FR", "DE", "ES"][next(3) as usize].into(), contract_end: end }];
            }
            if next(5) == 0 {
                let from = last + chrono::Duration::days(next(1500) as i64);
                let until = (next(2) == 0).then(|| from + chrono::Duration::days(1 + next(900) as i64));
                f.holds.push(Hold { reason: "r".into(), by: "b".into(), from, until });
            }
            let now = base + chrono::Duration::days(next(6000) as i64);
            let d = decide(&f, &s, now);
            let held = f.holds.iter().any(|h| h.in_force(now));
            assert_eq!(d.held, held);
            match d.due {
                Some(due) if now < due => assert!(!d.purge_now(now), "purged early: {f:?} {d:?}"),
                Some(_) => assert_eq!(d.purge_now(now), !held, "survived its due date: {f:?} {d:?}"),
                None => {
                    assert!(!d.purge_now(now));
                    assert!(f.open_since.is_some() || f.hires.iter().any(|h| h.contract_end.is_none()));
                }
            }
            // Nothing HR does alone moves the date later than the pool rule for a non-hire.
            if f.hires.is_empty() && f.open_since.is_none() {
                assert!(d.due.unwrap() <= add_months(last, s.pool_months()));
            }
        }
    }
}
