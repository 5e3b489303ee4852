//! The app's clock, injected so that retention can be tested at any date. Release builds
//! read the system clock. Debug builds (the ones the e2e suite drives) read an RFC 3339
//! instant from the file named by `VIVIER_TEST_CLOCK_FILE` when it is set, so a test can
//! move time forward while the app runs; `VIVIER_PURGE_INTERVAL_SECS` shortens the hour
//! between purges likewise.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Now, by the system clock or, in a debug build under test, by the test's clock file.
pub fn now() -> DateTime<Utc> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("VIVIER_TEST_CLOCK_FILE")
        && let Ok(text) = std::fs::read_to_string(path)
        && let Ok(at) = DateTime::parse_from_rfc3339(text.trim())
    {
        return at.with_timezone(&Utc);
    }
    Utc::now()
}

/// How long between two purges while the app runs: an hour.
pub fn purge_interval() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var("VIVIER_PURGE_INTERVAL_SECS").ok().and_then(|s| s.parse::<u64>().ok()) {
        return Duration::from_secs(secs.max(1));
    }
    Duration::from_secs(3600)
}
