//! How time is stored: fixed-width UTC text that sorts as it compares, and calendar days
//! as `YYYY-MM-DD`. Reading a stored value back never guesses: an unreadable one is an
//! error, never a date in 1970.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Timestamps are stored as fixed-width UTC text, so they sort as they compare.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A stored timestamp. An unreadable one is an error (reported as a damaged database and
/// listed by `doctor`), never a date in 1970: a wrong date could make a person due at once.
pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(Unreadable(s.to_owned())))
    })
}

/// A stored timestamp that may be absent.
pub(crate) fn opt_ts(s: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_ts).transpose()
}

/// Stored dates that do not read, column by column, for `doctor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableDates {
    pub table: String,
    pub column: String,
    pub rows: i64,
}

/// Every stored date that does not read: timestamps in columns named `*_at` or `until`,
/// calendar days in `contract_end` and `birth_date`, found from the schema itself so that a
/// column added later is checked too.
pub(crate) fn unreadable_dates(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<UnreadableDates>> {
    let mut tables = conn.prepare(
        "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
           AND (c.name LIKE '%\\_at' ESCAPE '\\' OR c.name IN ('until', 'contract_end', 'birth_date'))
         ORDER BY 1, 2",
    )?;
    let columns: Vec<(String, String)> =
        tables.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (table, column) in columns {
        let day = matches!(column.as_str(), "contract_end" | "birth_date");
        let mut stmt = conn.prepare(&format!("SELECT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"))?;
        let mut rows = stmt.query([])?;
        let mut bad = 0;
        while let Some(row) = rows.next()? {
            let readable = match row.get_ref(0)?.as_str() {
                Ok(s) if day => parse_day(s).is_some(),
                Ok(s) => parse_ts(s).is_ok(),
                Err(_) => false,
            };
            bad += i64::from(!readable);
        }
        if bad > 0 {
            out.push(UnreadableDates { table, column, rows: bad });
        }
    }
    Ok(out)
}

/// Whether an error is a stored date that does not read.
pub(crate) fn is_unreadable(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::FromSqlConversionFailure(_, _, inner) if inner.downcast_ref::<Unreadable>().is_some())
}

/// A stored date or time that does not read.
#[derive(Debug)]
pub struct Unreadable(pub String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the stored date \"{}\" cannot be read", self.0.chars().take(40).collect::<String>())
    }
}

impl std::error::Error for Unreadable {}

/// A calendar day as stored (`YYYY-MM-DD`); None when unreadable.
pub(crate) fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
