//! The retention settings as stored: the pool period (never above the policy's maximum)
//! and the years kept after a contract, per country of hire.

use rusqlite::params;
use serde::Serialize;

use crate::audit::append;
use crate::db::Store;
use crate::pipeline::{PipelineError, Stamp};
use crate::retention::policy::{self as rules, MAX_POOL_MONTHS, Settings};

use crate::retention::facts::{POOL_SETTING, settings_of};
type Result<T> = std::result::Result<T, PipelineError>;

/// The policy's settings as stored.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RetentionSettings {
    pub pool_months: u32,
    pub max_pool_months: u32,
    pub default_hired_years: u32,
    /// Years kept after a contract ends, per country of hire.
    pub countries: Vec<(String, u32)>,
}

impl Store {
    /// The policy's settings: the pool period and the per-country periods after a contract.
    pub fn retention_settings(&self) -> Result<RetentionSettings> {
        let s = settings_of(&self.conn)?;
        Ok(RetentionSettings {
            pool_months: s.pool_months(),
            max_pool_months: MAX_POOL_MONTHS,
            default_hired_years: rules::DEFAULT_HIRED_YEARS,
            countries: s.hired_years,
        })
    }

    /// Lowers (or restores) the pool period; never above the policy's 24 months.
    pub fn set_pool_months(&mut self, stamp: &Stamp, months: u32) -> Result<RetentionSettings> {
        Settings::new(months)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![POOL_SETTING, months.to_string()],
            )?;
            append(tx, stamp, "settings", None, Some(&format!("pool period {months} months")))
        })?;
        self.retention_settings()
    }

    /// Sets the years a former employee's file is kept in a country of hire.
    pub fn set_retention_period(&mut self, stamp: &Stamp, country: &str, years: u32) -> Result<RetentionSettings> {
        let years = rules::check_years(years)?;
        let country = crate::pipeline::country_code("country", country)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO retention_periods (country, years) VALUES (?1, ?2)
                 ON CONFLICT (country) DO UPDATE SET years = excluded.years",
                params![country, years],
            )?;
            append(tx, stamp, "settings", None, Some(&format!("retention {country} {years} years")))
        })?;
        self.retention_settings()
    }
}
