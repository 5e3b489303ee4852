//! The purge that runs while the app is open: at start, as soon as the store is unlocked,
//! then hourly (`clock::purge_interval`). Nobody watches it, so it is the engine's
//! unattended purge, which distrusts the clock: when the clock reads behind what the store
//! has seen, or too many people would go at once, it removes nobody and leaves a notice,
//! and the open screens are told (the Retention screen shows it for HR to confirm). The
//! retention screen's "purge now" is HR's own, attended purge ([`purge_due`]), which also
//! answers such a notice. Nothing about a candidate is logged, only codes and counts.

use std::time::Instant;

use tauri::{AppHandle, Emitter, Manager};
use vivier::db::Store;
use vivier::pipeline::PipelineError;
use vivier::retention::{PurgeReport, UnattendedOutcome, WithheldReason};

use crate::clock;
use crate::state::{AppState, stamp};

/// The event the UI listens to, to refresh what it shows after a purge.
pub const PURGED_EVENT: &str = "vivier://purged";
/// The event the UI listens to when an unattended purge waited for HR (payload: the notice).
pub const WITHHELD_EVENT: &str = "vivier://purge-withheld";

/// HR's purge ("purge now", confirmed on the Retention screen): purges whoever is due now by
/// the app's clock, answering any withheld notice and vouching for that clock, and tells the
/// open screens when anyone went.
pub fn purge_due(app: &AppHandle, store: &mut Store) -> Result<PurgeReport, PipelineError> {
    let stamp = stamp();
    let report = store.purge_attended(&stamp, stamp.at, false)?;
    if !report.purged.is_empty() {
        let _ = app.emit(PURGED_EVENT, report.purged.len());
    }
    Ok(report)
}

/// The scheduled purge (at start, then hourly): the engine's unattended purge by the app's
/// clock. It tells the open screens when anyone went, or when it waited for HR.
pub fn purge_unattended(app: &AppHandle, store: &mut Store) -> Result<UnattendedOutcome, PipelineError> {
    // The daily backup (and the destruction of expired ones) runs with it: at start, then
    // whenever the last backup is a day old. A failure is reported by its code only and
    // never keeps the purge from running.
    if let Err(e) = store.backup_if_due(clock::now()) {
        eprintln!("vivier: the daily backup failed ({}); it will run again", e.code());
    }
    let outcome = store.purge_unattended(&stamp())?;
    if let Some(report) = outcome.purged.as_ref().filter(|r| !r.purged.is_empty()) {
        let _ = app.emit(PURGED_EVENT, report.purged.len());
    }
    if let Some(w) = &outcome.withheld {
        eprintln!(
            "vivier: the scheduled purge waits for HR's confirmation ({}: {} of {} candidates due)",
            reason_code(w.reason),
            w.due,
            w.candidates
        );
        let _ = app.emit(WITHHELD_EVENT, w);
    }
    Ok(outcome)
}

/// The reason's code, as the UI receives it.
fn reason_code(reason: WithheldReason) -> &'static str {
    match reason {
        WithheldReason::ClockBehind => "clock_behind",
        WithheldReason::TooMany => "too_many",
    }
}

/// Checks every few seconds whether the store is open and an interval has passed since the
/// last run (none yet: at once), then purges on a blocking thread. A failure is retried at
/// the next interval; it never stops the app.
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let interval = clock::purge_interval();
        let poll = interval.min(std::time::Duration::from_secs(5));
        let mut last: Option<Instant> = None;
        loop {
            tokio::time::sleep(poll).await;
            if last.is_some_and(|l| l.elapsed() < interval) {
                continue;
            }
            let handle = app.clone();
            let ran = tauri::async_runtime::spawn_blocking(move || {
                handle.state::<AppState>().with_open_store(|store| purge_unattended(&handle, store))
            })
            .await;
            match ran {
                Ok(Some(Ok(_))) => last = Some(Instant::now()),
                Ok(Some(Err(e))) => {
                    last = Some(Instant::now());
                    eprintln!("vivier: the scheduled purge failed ({}); it will run again", e.code());
                }
                // The store is not open yet (passphrase screen): try again shortly.
                Ok(None) | Err(_) => {}
            }
        }
    });
}
