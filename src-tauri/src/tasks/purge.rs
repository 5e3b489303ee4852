//! The purge that runs while the app is open: at start, as soon as the store is unlocked,
//! then hourly (`clock::purge_interval`). Also the one purge step the retention screen's
//! "purge now" shares: purge whoever is due by the app's clock, and tell the open screens.
//! Nothing about a candidate is logged, only counts.

use std::time::Instant;

use tauri::{AppHandle, Emitter, Manager};
use vivier::db::Store;
use vivier::pipeline::PipelineError;
use vivier::retention::PurgeReport;

use crate::clock;
use crate::state::{AppState, stamp};

/// The event the UI listens to, to refresh what it shows after a purge.
pub const PURGED_EVENT: &str = "vivier://purged";

/// Purges whoever is due now by the app's clock and tells the open screens when anyone went.
pub fn purge_due(app: &AppHandle, store: &mut Store) -> Result<PurgeReport, PipelineError> {
    let stamp = stamp();
    let report = store.purge(&stamp, stamp.at, false)?;
    if !report.purged.is_empty() {
        let _ = app.emit(PURGED_EVENT, report.purged.len());
    }
    Ok(report)
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
                handle.state::<AppState>().with_open_store(|store| purge_due(&handle, store))
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
