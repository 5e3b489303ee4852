//! Backups' commands (promise P8): the list with each backup's age and destruction date,
//! "back up now", what a restore would do (how many erased people it purges again, and
//! whether it needs the risk accepted) and the restore itself, which closes the store,
//! restores and opens it again. Commands are adapters: every rule is the engine's
//! (`vivier::backup`). The daily backup runs with the scheduled purge (`tasks::purge`).

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use vivier::backup::{BackupError, BackupInfo, RestorePlan, RestoreReport};

use crate::clock;
use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, stamp};
use crate::tasks::purge::PURGED_EVENT;

impl From<BackupError> for CommandError {
    fn from(e: BackupError) -> CommandError {
        CommandError::new(e.code(), e.to_string())
    }
}

/// The backups and where they go.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BackupList {
    #[ts(type = "string")]
    pub folder: PathBuf,
    /// How many months a backup is kept (12 at most).
    pub months: u32,
    /// Oldest first.
    pub backups: Vec<BackupInfo>,
}

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> CommandResult<BackupList> {
    state.with_reader(|store| {
        Ok(BackupList {
            folder: store.backup_folder(),
            months: store.backup_retention_months(),
            backups: store.backups()?,
        })
    })
}

#[tauri::command]
pub async fn back_up_now(state: State<'_, AppState>) -> CommandResult<BackupInfo> {
    state.with_store(|store| Ok(store.back_up_now(clock::now())?))
}

/// What restoring `file` would do, shown before HR confirms.
#[tauri::command]
pub async fn restore_plan(state: State<'_, AppState>, file: PathBuf) -> CommandResult<RestorePlan> {
    state.with_store(|store| Ok(store.restore_plan(&file)?))
}

/// Restores `file` (confirmed by HR after seeing its plan); `accept_risk` only when the plan
/// said the restore needs it and HR accepted.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    file: PathBuf,
    accept_risk: bool,
) -> CommandResult<RestoreReport> {
    let report = state.replace_store(|store, reader| {
        let (store, reader, done) = store.restore_backup(reader, &file, &stamp(), accept_risk)?;
        Ok((store, reader, done.map_err(CommandError::from)))
    })?;
    let _ = app.emit(PURGED_EVENT, report.purged_again);
    Ok(report)
}
