//! The candidate's right of access (issue 14, promise P5): the access archive saved where
//! the user chose in the OS's save dialog. An adapter: every rule (what the archive holds,
//! the summary, the audit, written whole or not at all) is the engine's (`vivier::access`).
//! Arguments are never logged: the path may name the person.

use std::path::Path;

use tauri::State;
use vivier::access::{AccessArchive, AccessError};
use vivier::letters::format::Lang;

use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, stamp};

impl From<AccessError> for CommandError {
    fn from(e: AccessError) -> CommandError {
        CommandError::new(e.code(), e.to_string())
    }
}

/// Writes the access archive of `candidate` at `path`, the file chosen in the save dialog
/// (which has asked about replacing one); the summary in `lang`, else the candidate's.
#[tauri::command]
pub async fn export_access(
    state: State<'_, AppState>,
    candidate: String,
    path: String,
    lang: Option<Lang>,
) -> CommandResult<AccessArchive> {
    state.with_store(|store| Ok(store.export_access(&stamp(), &candidate, Path::new(&path), lang)?))
}
