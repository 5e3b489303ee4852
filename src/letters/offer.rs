//! The offer details of an application (issue 13): position, contract (CDI; CDD with its
//! end date and reason; internship; freelance), start date, gross annual salary and its
//! currency, working time, trial period, place of work, manager, answer deadline, extra
//! clauses. Pure: raw text in ([`OfferInput`], as a form or the command line gives it),
//! a checked [`Offer`] out, with every problem named in one error; `today` is injected.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::LetterError;

/// The kinds of contract an offer may be for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    /// Contrat à durée indéterminée (permanent).
    Cdi,
    /// Contrat à durée déterminée (fixed term): needs an end date and a reason.
    Cdd,
    Internship,
    Freelance,
}

impl Contract {
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Cdi => "cdi",
            Contract::Cdd => "cdd",
            Contract::Internship => "internship",
            Contract::Freelance => "freelance",
        }
    }

    pub fn parse(raw: &str) -> Option<Contract> {
        match raw.trim().to_lowercase().as_str() {
            "cdi" | "permanent" => Some(Contract::Cdi),
            "cdd" | "fixed_term" | "fixed-term" => Some(Contract::Cdd),
            "internship" | "stage" | "intern" => Some(Contract::Internship),
            "freelance" | "contractor" => Some(Contract::Freelance),
            _ => None,
        }
    }
}

/// Currencies a salary may be given in.
pub const CURRENCIES: [&str; 4] = ["EUR", "GBP", "USD", "CHF"];

/// Offer details as typed: every field optional (a partial update keeps the others).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct OfferInput {
    pub position: Option<String>,
    pub contract: Option<String>,
    pub end_date: Option<String>,
    pub cdd_reason: Option<String>,
    pub start_date: Option<String>,
    pub salary: Option<String>,
    pub currency: Option<String>,
    pub working_time: Option<String>,
    pub trial_period: Option<String>,
    pub place: Option<String>,
    pub manager: Option<String>,
    pub answer_by: Option<String>,
    /// Replaces the extra clauses when given (an empty list clears them).
    pub clauses: Option<Vec<String>>,
}

/// Checked offer details. The salary is in minor units (cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Offer {
    pub position: String,
    pub contract: Contract,
    pub end_date: Option<NaiveDate>,
    pub cdd_reason: Option<String>,
    pub start_date: NaiveDate,
    #[ts(type = "number")]
    pub salary_cents: i64,
    pub currency: String,
    pub working_time: Option<String>,
    pub trial_period: Option<String>,
    pub place: Option<String>,
    pub manager: Option<String>,
    pub answer_by: Option<NaiveDate>,
    pub clauses: Vec<String>,
}

impl Offer {
    /// The offer as input, to be updated by a partial input.
    pub fn as_input(&self) -> OfferInput {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        OfferInput {
            position: Some(self.position.clone()),
            contract: Some(self.contract.as_str().into()),
            end_date: self.end_date.map(day),
            cdd_reason: self.cdd_reason.clone(),
            start_date: Some(day(self.start_date)),
            salary: Some(format!("{}.{:02}", self.salary_cents / 100, self.salary_cents % 100)),
            currency: Some(self.currency.clone()),
            working_time: self.working_time.clone(),
            trial_period: self.trial_period.clone(),
            place: self.place.clone(),
            manager: self.manager.clone(),
            answer_by: self.answer_by.map(day),
            clauses: Some(self.clauses.clone()),
        }
    }
}

fn pick(update: Option<String>, current: Option<String>) -> Option<String> {
    update.or(current)
}

impl OfferInput {
    /// `self` over `current`: what `self` gives replaces, the rest stays.
    pub fn over(self, current: OfferInput) -> OfferInput {
        OfferInput {
            position: pick(self.position, current.position),
            contract: pick(self.contract, current.contract),
            end_date: pick(self.end_date, current.end_date),
            cdd_reason: pick(self.cdd_reason, current.cdd_reason),
            start_date: pick(self.start_date, current.start_date),
            salary: pick(self.salary, current.salary),
            currency: pick(self.currency, current.currency),
            working_time: pick(self.working_time, current.working_time),
            trial_period: pick(self.trial_period, current.trial_period),
            place: pick(self.place, current.place),
            manager: pick(self.manager, current.manager),
            answer_by: pick(self.answer_by, current.answer_by),
            clauses: self.clauses.or(current.clauses),
        }
    }

    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        self.free_texts().is_empty()
            && self.contract.is_none()
            && self.end_date.is_none()
            && self.start_date.is_none()
            && self.salary.is_none()
            && self.currency.is_none()
            && self.answer_by.is_none()
            && self.clauses.is_none()
    }

    /// The free text HR typed, by field: what the guard checks.
    pub fn free_texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for (name, v) in [
            ("position", &self.position),
            ("CDD reason", &self.cdd_reason),
            ("working time", &self.working_time),
            ("trial period", &self.trial_period),
            ("place of work", &self.place),
            ("manager", &self.manager),
        ] {
            if let Some(v) = v {
                out.push((name, v.as_str()));
            }
        }
        for c in self.clauses.iter().flatten() {
            out.push(("extra clause", c.as_str()));
        }
        out
    }

    /// Checks the whole offer against `today`; every problem is named in one error.
    pub fn validated(self, today: NaiveDate) -> Result<Offer, LetterError> {
        let mut problems: Vec<String> = Vec::new();
        let mut text = |field: &str, v: Option<String>, max: usize| -> Option<String> {
            let v = v.map(|v| v.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|v| !v.is_empty())?;
            if v.chars().count() > max {
                problems.push(format!("{field} is too long (over {max} characters)"));
            }
            Some(v)
        };
        let position = text("position", self.position, 200);
        let cdd_reason = text("CDD reason", self.cdd_reason, 500);
        let working_time = text("working time", self.working_time, 200);
        let trial_period = text("trial period", self.trial_period, 200);
        let place = text("place of work", self.place, 300);
        let manager = text("manager", self.manager, 200);
        let mut clauses = Vec::new();
        for c in self.clauses.unwrap_or_default() {
            let c = c.trim().to_owned();
            if c.is_empty() {
                continue;
            }
            if c.chars().count() > 20_000 {
                problems.push("an extra clause is too long (over 20,000 characters)".into());
            }
            clauses.push(c);
        }
        if clauses.len() > 200 {
            problems.push("there are more than 200 extra clauses".into());
        }
        let mut date = |field: &str, v: Option<String>| -> Option<NaiveDate> {
            let v = v.filter(|v| !v.trim().is_empty())?;
            match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(format!("{field} \"{}\" is not a date: write it as YYYY-MM-DD", v.trim()));
                    None
                }
            }
        };
        let start_date = date("start date", self.start_date);
        let end_date = date("end date", self.end_date);
        let answer_by = date("answer deadline", self.answer_by);
        let contract = match self.contract.filter(|c| !c.trim().is_empty()) {
            None => None,
            Some(c) => Contract::parse(&c).or_else(|| {
                problems.push(format!("contract \"{}\" is not one of cdi, cdd, internship, freelance", c.trim()));
                None
            }),
        };
        let salary = match self.salary.filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(s) => parse_amount(&s).or_else(|| {
                problems.push(format!(
                    "salary \"{}\" is not an amount: write the gross annual salary in digits, as 45000 or 45 000,50",
                    s.trim()
                ));
                None
            }),
        };
        if let Some(cents) = salary
            && (cents <= 0 || cents > 10_000_000_000)
        {
            problems.push("salary must be more than zero and less than 100,000,000".into());
        }
        let currency = self.currency.filter(|c| !c.trim().is_empty()).map(|c| c.trim().to_uppercase());
        let currency = match currency {
            None => "EUR".to_owned(),
            Some(c) if CURRENCIES.contains(&c.as_str()) => c,
            Some(c) => {
                problems.push(format!("currency \"{c}\" is not one of {}", CURRENCIES.join(", ")));
                c
            }
        };
        for (field, missing) in [
            ("position", position.is_none()),
            ("contract", contract.is_none()),
            ("start date", start_date.is_none()),
            ("salary", salary.is_none()),
        ] {
            if missing && !problems.iter().any(|p| p.starts_with(field)) {
                problems.push(format!("{field} is required"));
            }
        }
        if let Some(start) = start_date
            && start < today
        {
            problems.push(format!("start date {start} is in the past: an offer starts today or later"));
        }
        if contract == Some(Contract::Cdd) {
            match (end_date, start_date) {
                (None, _) => problems.push("a CDD needs an end date".into()),
                (Some(end), Some(start)) if end <= start => {
                    problems.push(format!("end date {end} is not after the start date {start}"))
                }
                _ => {}
            }
            if cdd_reason.is_none() {
                problems.push("a CDD needs its reason (replacement, temporary increase in activity, …)".into());
            }
        } else if contract.is_some()
            && (end_date.is_some() || cdd_reason.is_some())
            && contract != Some(Contract::Internship)
        {
            problems.push(
                "an end date and a reason are for a CDD (or an internship's end): clear them or choose cdd".into(),
            );
        }
        if let Some(answer) = answer_by {
            if answer < today {
                problems.push(format!("answer deadline {answer} is in the past"));
            }
            if let Some(start) = start_date
                && answer > start
            {
                problems.push(format!("answer deadline {answer} is after the start date {start}"));
            }
        }
        match (problems.is_empty(), position, contract, start_date, salary) {
            (true, Some(position), Some(contract), Some(start_date), Some(salary_cents)) => Ok(Offer {
                position,
                contract,
                end_date,
                cdd_reason,
                start_date,
                salary_cents,
                currency,
                working_time,
                trial_period,
                place,
                manager,
                answer_by,
                clauses,
            }),
            _ => Err(LetterError::Offer(problems)),
        }
    }
}

/// An amount typed by hand, in minor units: digits with spaces (or no-break spaces) or
/// commas between thousands, and up to two decimals after a point or a comma
/// (`45000`, `45 000`, `45,000.50`, `45000,5`). None when it is not one.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let s: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\'')).collect();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    // "45,000" and "1,234,567.89": commas between groups of three are thousands.
    let groups: Vec<&str> = s.split('.').next().unwrap_or("").split(',').collect();
    let thousands = groups.len() > 1
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups.first().is_some_and(|g| (1..=3).contains(&g.len()));
    let s = if thousands { s.replace(',', "") } else { s.replace(',', ".") };
    let mut parts = s.split('.');
    let whole = parts.next()?;
    let frac = parts.next().unwrap_or("");
    if parts.next().is_some() || whole.is_empty() || frac.len() > 2 || whole.len() > 12 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn good() -> OfferInput {
        OfferInput {
            position: Some("Data engineer".into()),
            contract: Some("cdi".into()),
            start_date: Some("2027-01-04".into()),
            salary: Some("45 000".into()),
            ..OfferInput::default()
        }
    }

    fn problems(input: OfferInput) -> Vec<String> {
        match input.validated(day(2026, 12, 2)) {
            Err(LetterError::Offer(p)) => p,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn amounts_read_in_either_convention() {
        assert_eq!(parse_amount("45000"), Some(4_500_000));
        assert_eq!(parse_amount("45 000"), Some(4_500_000));
        assert_eq!(parse_amount("45,000"), Some(4_500_000));
        assert_eq!(parse_amount("45 000,5"), Some(4_500_050));
        assert_eq!(parse_amount("1,234,567.89"), Some(123_456_789));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("45.000.00"), None);
        assert_eq!(parse_amount("4.567"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn a_good_offer_is_checked_and_defaults_to_euros() {
        let o = good().validated(day(2026, 12, 2)).unwrap();
        assert_eq!(o.salary_cents, 4_500_000);
        assert_eq!(o.currency, "EUR");
        assert_eq!(o.contract, Contract::Cdi);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let p = problems(OfferInput {
            salary: Some("abc".into()),
            start_date: Some("2026-11-30".into()),
            currency: Some("XYZ".into()),
            ..good()
        });
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("salary \"abc\" is not an amount"), "{p:?}");
        assert!(p.iter().any(|m| m.contains("in the past")));
        assert!(p.iter().any(|m| m.contains("XYZ")));
    }

    #[test]
    fn a_cdd_needs_its_end_and_reason() {
        let p = problems(OfferInput { contract: Some("cdd".into()), ..good() });
        assert!(p.iter().any(|m| m.contains("end date")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("reason")), "{p:?}");
        let ok = OfferInput {
            contract: Some("CDD".into()),
            end_date: Some("2027-06-30".into()),
            cdd_reason: Some("Remplacement d'une salariée absente".into()),
            ..good()
        };
        assert_eq!(ok.validated(day(2026, 12, 2)).unwrap().end_date, Some(day(2027, 6, 30)));
        let p = problems(OfferInput { contract: Some("cdd".into()), end_date: Some("2026-12-31".into()), ..good() });
        assert!(p.iter().any(|m| m.contains("not after the start date")), "{p:?}");
    }

    #[test]
    fn required_fields_and_bad_deadlines_are_named() {
        let p = problems(OfferInput::default());
        assert_eq!(p.len(), 4, "{p:?}");
        let p = problems(OfferInput { answer_by: Some("2027-02-01".into()), ..good() });
        assert!(p[0].contains("after the start date"), "{p:?}");
    }

    #[test]
    fn a_partial_update_keeps_the_rest() {
        let o = good().validated(day(2026, 12, 2)).unwrap();
        let upd = OfferInput { manager: Some("Ana Lima".into()), ..OfferInput::default() }.over(o.as_input());
        let o2 = upd.validated(day(2026, 12, 2)).unwrap();
        assert_eq!(o2.manager.as_deref(), Some("Ana Lima"));
        assert_eq!(o2.salary_cents, o.salary_cents);
    }
}
