//! Retention policy (promises P6, P7 and the erasure side of P8): for one candidate, the
//! date their data must go and the rule that sets it. Pure: facts and the clock come in as
//! values, a decision comes out; the store gathers the facts and the purge acts on them.
//!
//! - Not hired: last candidate contact + the pool period (24 months by default, never more).
//! - Objection to being kept: due as soon as no application of theirs is open.
//! - Erasure confirmed by HR: due at once; refused for a hire (restriction instead).
//! - Hired: contract end + the retention period of the country of hire; nothing while the
//!   contract runs.
//! - A legal hold in force suspends any purge.

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
    pub open_applications: bool,
    /// Every hired application of the candidate (usually none or one).
    pub hires: Vec<Hire>,
    pub holds: Vec<Hold>,
}

#[derive(Debug, Clone)]
pub struct Hire {
    /// Country of hire (ISO alpha-2), which decides the retention period.
    pub country: String,
    /// None while the contract runs.
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
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.from <= now && self.until.is_none_or(|u| now < u)
    }
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
}

/// When the data must go and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// None: not while the contract runs.
    pub due: Option<DateTime<Utc>>,
    pub rule: Rule,
    /// A legal hold in force suspends the purge.
    pub held: bool,
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
    pub const ALL: [Rule; 5] =
        [Rule::Pool, Rule::Objection, Rule::Erasure, Rule::HiredRetention, Rule::ContractRunning];

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
        }
    }

    /// The rule in a sentence, for the command line (the app words it in its own language).
    pub fn explain(self) -> &'static str {
        match self {
            Rule::Pool => "not hired: the pool period after the candidate's last contact",
            Rule::Objection => "the candidate objected to being kept, and no application of theirs is open",
            Rule::Erasure => "the candidate asked for erasure, confirmed by HR",
            Rule::HiredRetention => "hired: the contract ended, plus the retention period of the country of hire",
            Rule::ContractRunning => "hired: kept while the contract runs",
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

    fn years_for(&self, country: &str) -> u32 {
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

/// The due date and rule for one candidate at `now`.
pub fn decide(facts: &Facts, settings: &Settings, now: DateTime<Utc>) -> Decision {
    let held = facts.holds.iter().any(|h| h.in_force(now));
    if !facts.hires.is_empty() {
        // The file of a hire goes with the last of their contracts to expire.
        let mut due = None;
        for hire in &facts.hires {
            let Some(end) = hire.contract_end else {
                return Decision { due: None, rule: Rule::ContractRunning, held };
            };
            let years = settings.years_for(&hire.country);
            let end = Utc.from_utc_datetime(&end.and_hms_opt(0, 0, 0).unwrap_or_default());
            due = due.max(Some(add_months(end, years * 12)));
        }
        return Decision { due, rule: Rule::HiredRetention, held };
    }
    let mut best = (add_months(facts.last_contact, settings.pool_months), Rule::Pool);
    if let Some(objected) = facts.objected
        && !facts.open_applications
        && objected < best.0
    {
        best = (objected, Rule::Objection);
    }
    if let Some(confirmed) = facts.erasure_confirmed
        && confirmed < best.0
    {
        best = (confirmed, Rule::Erasure);
    }
    Decision { due: Some(best.0), rule: best.1, held }
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

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    fn facts(last: DateTime<Utc>) -> Facts {
        Facts {
            last_contact: last,
            objected: None,
            erasure_confirmed: None,
            open_applications: false,
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
        f.open_applications = true;
        let d = decide(&f, &s, at(2025, 2, 2));
        assert_eq!((d.rule, d.due), (Rule::Pool, Some(at(2027, 1, 1))));
        f.open_applications = false;
        let d = decide(&f, &s, at(2025, 2, 2));
        assert_eq!((d.rule, d.due), (Rule::Objection, Some(at(2025, 2, 1))));
        assert!(d.purge_now(at(2025, 2, 2)));
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
            NaiveDate::from_ymd_opt(2033, 2, 28).unwrap()
        );
        f.hires = vec![Hire { country: "de".into(), contract_end: NaiveDate::from_ymd_opt(2028, 6, 30) }];
        assert_eq!(
            decide(&f, &s, at(2030, 1, 1)).due.unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2038, 6, 30).unwrap()
        );
        // Two contracts: the later expiry wins; one still running keeps everything.
        f.hires.push(Hire { country: "FR".into(), contract_end: NaiveDate::from_ymd_opt(2035, 1, 31) });
        assert_eq!(
            decide(&f, &s, at(2036, 1, 1)).due.unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2040, 1, 31).unwrap()
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
        let mut x: u64 = 0x2545F4914F6CDD1D;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let base = at(2020, 1, 1);
        for _ in 0..20_000 {
            let s = Settings::new(1 + next(24) as u32).unwrap();
            let last = base + chrono::Duration::days(next(2000) as i64);
            let mut f = facts(last);
            if next(4) == 0 {
                f.objected = Some(last + chrono::Duration::days(next(400) as i64));
                f.open_applications = next(2) == 0;
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
                    assert!(f.hires.iter().any(|h| h.contract_end.is_none()));
                }
            }
            // Nothing HR does alone moves the date later than the pool rule for a non-hire.
            if f.hires.is_empty() {
                assert!(d.due.unwrap() <= add_months(last, s.pool_months()));
            }
        }
    }
}
