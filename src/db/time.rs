//! How time is stored: fixed-width UTC text that sorts as it compares, and calendar days
//! as `YYYY-MM-DD`. Reading a stored value back never guesses: an unreadable one is an
//! error, never a date in 1970.

use chrono::{DateTime, Utc};

/// Timestamps are stored as fixed-width UTC text, so they sort as they compare.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
}

/// A calendar day as stored (`YYYY-MM-DD`); None when unreadable.
pub(crate) fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
