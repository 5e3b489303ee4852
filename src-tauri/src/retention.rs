//! Retention's commands (promises P6, P7, P8's erasure side) and the purge that runs while
//! the app is open: at start, as soon as the store is unlocked, then hourly. Commands are
//! adapters: the state in, one engine call, the error mapped. Every rule is the engine's.

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use tauri::{AppHandle, Emitter, Manager, State};
use vivier::db::Store;
use vivier::pipeline::PipelineError;
use vivier::requests::RequestOutcome;
use vivier::retention::{HoldInfo, PurgeLogEntry, PurgeReport, RetentionSettings, RetentionStatus, Upcoming};

use crate::clock;
use crate::commands::AppState;
use crate::error::CommandResult;
use crate::pipeline::stamp;

/// The event the UI listens to, to refresh what it shows after a purge.
pub const PURGED_EVENT: &str = "vivier://purged";

#[tauri::command]
pub async fn retention_status(state: State<'_, AppState>, candidate: String) -> CommandResult<RetentionStatus> {
    state.with_store(|store| Ok(store.retention_status(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn upcoming_purges(state: State<'_, AppState>, days: u32) -> CommandResult<Vec<Upcoming>> {
    state.with_store(|store| Ok(store.upcoming_purges(clock::now(), days)?))
}

#[tauri::command]
pub async fn legal_holds(state: State<'_, AppState>) -> CommandResult<Vec<HoldInfo>> {
    state.with_store(|store| Ok(store.holds(clock::now())?))
}

/// `until`: the first instant after the hold's last day, as the UI computed it in local time.
#[tauri::command]
pub async fn place_hold(
    state: State<'_, AppState>,
    candidate: String,
    reason: String,
    until: Option<DateTime<Utc>>,
) -> CommandResult<HoldInfo> {
    state.with_store(|store| Ok(store.place_hold(&stamp(), &candidate, &reason, until)?))
}

#[tauri::command]
pub async fn release_holds(state: State<'_, AppState>, candidate: String) -> CommandResult<Vec<HoldInfo>> {
    state.with_store(|store| Ok(store.release_holds(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn purge_log(state: State<'_, AppState>, limit: usize) -> CommandResult<Vec<PurgeLogEntry>> {
    state.with_store(|store| Ok(store.purge_log(limit)?))
}

#[tauri::command]
pub async fn record_objection(state: State<'_, AppState>, candidate: String) -> CommandResult<RequestOutcome> {
    state.with_store(|store| Ok(store.record_objection(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn confirm_erasure(state: State<'_, AppState>, candidate: String) -> CommandResult<RequestOutcome> {
    state.with_store(|store| Ok(store.confirm_erasure(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn renew_consent(state: State<'_, AppState>, candidate: String) -> CommandResult<RetentionStatus> {
    state.with_store(|store| Ok(store.renew_consent(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn restrict_candidate(state: State<'_, AppState>, candidate: String) -> CommandResult<RetentionStatus> {
    state.with_store(|store| Ok(store.restrict(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn set_contract_end(
    state: State<'_, AppState>,
    application: String,
    end: Option<NaiveDate>,
) -> CommandResult<RetentionStatus> {
    state.with_store(|store| Ok(store.set_contract_end(&stamp(), &application, end)?))
}

#[tauri::command]
pub async fn retention_settings(state: State<'_, AppState>) -> CommandResult<RetentionSettings> {
    state.with_store(|store| Ok(store.retention_settings()?))
}

#[tauri::command]
pub async fn set_pool_months(state: State<'_, AppState>, months: u32) -> CommandResult<RetentionSettings> {
    state.with_store(|store| Ok(store.set_pool_months(&stamp(), months)?))
}

#[tauri::command]
pub async fn set_retention_period(
    state: State<'_, AppState>,
    country: String,
    years: u32,
) -> CommandResult<RetentionSettings> {
    state.with_store(|store| Ok(store.set_retention_period(&stamp(), &country, years)?))
}

/// Purges whoever is due now by the app's clock and tells the open screens when anyone went.
fn purge_due(app: &AppHandle, store: &mut Store) -> Result<PurgeReport, PipelineError> {
    let stamp = stamp();
    let report = store.purge(&stamp, stamp.at, false)?;
    if !report.purged.is_empty() {
        let _ = app.emit(PURGED_EVENT, report.purged.len());
    }
    Ok(report)
}

/// Runs the purge now (the retention screen's button); the app also runs it by itself.
#[tauri::command]
pub async fn purge_now(app: AppHandle, state: State<'_, AppState>) -> CommandResult<PurgeReport> {
    state.with_store(|store| Ok(purge_due(&app, store)?))
}

/// The purge while the app runs: checks every few seconds whether the store is open and
/// an interval has passed since the last run (none yet: at once), then purges on a blocking
/// thread. A failure is retried at the next interval; it never stops the app. Nothing about
/// a candidate is logged, only counts.
pub fn spawn_purge_task(app: AppHandle) {
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
