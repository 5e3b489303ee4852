//! The deadlines of the requests register, as plain values (GDPR Art. 12(3)): a request is
//! answered within one calendar month of receipt; that delay may be extended by up to two
//! further months, with a reason, and the candidate must be told within the first month —
//! so an extension is accepted only until the first due date. Where a request stands
//! against a day (overdue, due this week, later) is decided here too. Time comes in as a
//! value: nothing here reads the clock.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// The most months a delay may be extended by, in all (Art. 12(3)).
pub const MAX_EXTENSION_MONTHS: u32 = 2;

/// "Due this week": due today or within the next six days.
pub const WEEK_DAYS: u64 = 6;

/// The legal due date of a request received on `received`: one calendar month later, on
/// the last day of the month when that month is shorter (31 January -> 28/29 February).
pub fn due_on(received: NaiveDate) -> NaiveDate {
    due_after(received, 0)
}

/// The due date once the delay is extended by `extended` months: `1 + extended` calendar
/// months after receipt (31 January extended by two months -> 30 April).
pub fn due_after(received: NaiveDate, extended: u32) -> NaiveDate {
    received.checked_add_months(Months::new(1 + extended)).unwrap_or(NaiveDate::MAX)
}

/// Why an extension is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionRefusal {
    /// Asked for 0 months or more than two.
    Months { asked: u32 },
    /// The delay was already extended; the total may not pass two months.
    TooMany { already: u32, asked: u32 },
    /// The first month after receipt is over: the candidate had to be told by then.
    TooLate { first_due: NaiveDate, today: NaiveDate },
}

impl std::fmt::Display for ExtensionRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionRefusal::Months { asked } => {
                write!(f, "an extension is of 1 or 2 months (asked: {asked}); give --months 1 or --months 2")
            }
            ExtensionRefusal::TooMany { already, asked } => write!(
                f,
                "the delay was already extended by {already} month(s); {asked} more would pass the two months \
                 the law allows (at most {} more)",
                MAX_EXTENSION_MONTHS.saturating_sub(*already)
            ),
            ExtensionRefusal::TooLate { first_due, today } => write!(
                f,
                "an extension must be decided, and the candidate told, within the first month after receipt \
                 (by {first_due}); it is {today}: answer the request now, or refuse it with its reason"
            ),
        }
    }
}

/// Checks an extension of `months` asked on `today` for a request received on `received`
/// and already extended by `already` months; returns the new due date.
pub fn extend(received: NaiveDate, already: u32, months: u32, today: NaiveDate) -> Result<NaiveDate, ExtensionRefusal> {
    if !(1..=MAX_EXTENSION_MONTHS).contains(&months) {
        return Err(ExtensionRefusal::Months { asked: months });
    }
    if already + months > MAX_EXTENSION_MONTHS {
        return Err(ExtensionRefusal::TooMany { already, asked: months });
    }
    let first_due = due_on(received);
    if today > first_due {
        return Err(ExtensionRefusal::TooLate { first_due, today });
    }
    Ok(due_after(received, already + months))
}

/// Where a pending request stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RequestUrgency")]
pub enum Urgency {
    /// The due date has passed.
    Overdue,
    /// Due today or within the next six days.
    DueThisWeek,
    Later,
}

/// How urgent a pending request due on `due` is on `today`.
pub fn urgency(due: NaiveDate, today: NaiveDate) -> Urgency {
    if due < today {
        Urgency::Overdue
    } else if due <= today.checked_add_days(Days::new(WEEK_DAYS)).unwrap_or(NaiveDate::MAX) {
        Urgency::DueThisWeek
    } else {
        Urgency::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn due_one_calendar_month_later_clamped_to_the_month_end() {
        assert_eq!(due_on(d("2027-01-31")), d("2027-02-28"));
        assert_eq!(due_on(d("2028-01-31")), d("2028-02-29"));
        assert_eq!(due_on(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(due_on(d("2026-03-31")), d("2026-04-30"));
        assert_eq!(due_on(d("2026-12-15")), d("2027-01-15"));
        assert_eq!(due_on(d("2027-02-28")), d("2027-03-28"));
    }

    #[test]
    fn an_extension_counts_its_months_from_receipt() {
        assert_eq!(due_after(d("2027-01-31"), 1), d("2027-03-31"));
        assert_eq!(due_after(d("2027-01-31"), 2), d("2027-04-30"));
        assert_eq!(due_after(d("2028-11-30"), 2), d("2029-02-28"));
    }

    #[test]
    fn an_extension_is_accepted_within_the_first_month_only() {
        let received = d("2027-01-31");
        // On the day of receipt, and on the first due date itself.
        assert_eq!(extend(received, 0, 2, received), Ok(d("2027-04-30")));
        assert_eq!(extend(received, 0, 1, d("2027-02-28")), Ok(d("2027-03-31")));
        // The day after: refused, with the date it had to be decided by.
        assert_eq!(
            extend(received, 0, 1, d("2027-03-01")),
            Err(ExtensionRefusal::TooLate { first_due: d("2027-02-28"), today: d("2027-03-01") })
        );
        // Leap year: 29 February is still within the first month.
        assert_eq!(extend(d("2028-01-31"), 0, 1, d("2028-02-29")), Ok(d("2028-03-31")));
        assert!(extend(d("2028-01-31"), 0, 1, d("2028-03-01")).is_err());
        let late = extend(received, 0, 1, d("2027-05-02")).unwrap_err().to_string();
        assert!(late.contains("2027-02-28") && late.contains("first month"), "{late}");
    }

    #[test]
    fn an_extension_is_of_one_or_two_months_in_all() {
        let received = d("2027-03-10");
        assert_eq!(extend(received, 0, 0, received), Err(ExtensionRefusal::Months { asked: 0 }));
        assert_eq!(extend(received, 0, 3, received), Err(ExtensionRefusal::Months { asked: 3 }));
        assert_eq!(extend(received, 1, 1, received), Ok(d("2027-06-10")));
        assert_eq!(extend(received, 1, 2, received), Err(ExtensionRefusal::TooMany { already: 1, asked: 2 }));
        assert_eq!(extend(received, 2, 1, received), Err(ExtensionRefusal::TooMany { already: 2, asked: 1 }));
    }

    #[test]
    fn urgency_against_a_day() {
        let today = d("2027-02-10");
        assert_eq!(urgency(d("2027-02-09"), today), Urgency::Overdue);
        assert_eq!(urgency(today, today), Urgency::DueThisWeek);
        assert_eq!(urgency(d("2027-02-16"), today), Urgency::DueThisWeek);
        assert_eq!(urgency(d("2027-02-17"), today), Urgency::Later);
    }
}
