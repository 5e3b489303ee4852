//! Retention's commands (promises P6, P7, P8's erasure side): a candidate's retention
//! status, upcoming purges, legal holds, the purge log, objection, erasure, consent renewal,
//! restriction, contract ends and the retention settings, the purge on demand (the purge
//! that runs by itself is `tasks::purge`), the notice of an unattended purge that waited for
//! HR, and the applications left open too long. Commands are adapters: the state in, one
//! engine call, the error mapped. Every rule is the engine's. The lists (upcoming purges,
//! holds, the purge log, the settings, the notice, stale applications) are read on the
//! reader, so they answer during a purge; so is a candidate's status, its audit entry owed
//! to the log.

use chrono::NaiveDate;
use tauri::{AppHandle, State};
use vivier::requests::RequestOutcome;
use vivier::retention::{
    HoldInfo, PurgeLogEntry, PurgeReport, RetentionSettings, RetentionStatus, StaleOpen, Upcoming, Withheld,
};

use crate::clock;
use crate::error::CommandResult;
use crate::state::{AppState, stamp};
use crate::tasks::purge::purge_due;

#[tauri::command]
pub async fn retention_status(state: State<'_, AppState>, candidate: String) -> CommandResult<RetentionStatus> {
    state.with_audited_read(|store| Ok(store.read_retention_status(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn upcoming_purges(state: State<'_, AppState>, days: u32) -> CommandResult<Vec<Upcoming>> {
    state.with_reader(|store| Ok(store.upcoming_purges(clock::now(), days)?))
}

#[tauri::command]
pub async fn legal_holds(state: State<'_, AppState>) -> CommandResult<Vec<HoldInfo>> {
    state.with_reader(|store| Ok(store.holds(clock::now())?))
}

/// `until`: the hold's last day (YYYY-MM-DD); the engine keeps it in force through that day.
#[tauri::command]
pub async fn place_hold(
    state: State<'_, AppState>,
    candidate: String,
    reason: String,
    until: Option<chrono::NaiveDate>,
) -> CommandResult<HoldInfo> {
    state.with_store(|store| Ok(store.place_hold(&stamp(), &candidate, &reason, until)?))
}

#[tauri::command]
pub async fn release_holds(state: State<'_, AppState>, candidate: String) -> CommandResult<Vec<HoldInfo>> {
    state.with_store(|store| Ok(store.release_holds(&stamp(), &candidate)?))
}

#[tauri::command]
pub async fn purge_log(state: State<'_, AppState>, limit: usize) -> CommandResult<Vec<PurgeLogEntry>> {
    state.with_reader(|store| Ok(store.purge_log(limit)?))
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
    state.with_reader(|store| Ok(store.retention_settings()?))
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

/// Runs the purge now (the retention screen's button, HR's confirmation): attended, so it
/// also answers a withheld unattended purge. The app runs its own, unattended, by itself.
#[tauri::command]
pub async fn purge_now(app: AppHandle, state: State<'_, AppState>) -> CommandResult<PurgeReport> {
    state.with_store(|store| Ok(purge_due(&app, store)?))
}

/// The notice of an unattended purge that waited for HR's confirmation, if one is pending.
#[tauri::command]
pub async fn withheld_purge(state: State<'_, AppState>) -> CommandResult<Option<Withheld>> {
    state.with_reader(|store| Ok(store.withheld_purge()?))
}

/// People kept only because an application is open with no stage move for longer than the
/// pool period, by the app's clock: HR should close those applications.
#[tauri::command]
pub async fn stale_applications(state: State<'_, AppState>) -> CommandResult<Vec<StaleOpen>> {
    state.with_reader(|store| Ok(store.stale_open(clock::now())?))
}
