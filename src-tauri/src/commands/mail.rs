//! Mail intake's commands: a dropped .eml or .mbox file taken in (its bytes, never a path),
//! the triage (list, link to a candidate, create one, dismiss) and the requests opened from
//! candidates' replies (list, confirm, dismiss). Commands are adapters: the state in, one
//! engine call, the error mapped. Every rule is the engine's (`vivier::mail`).

use tauri::State;
use tauri::ipc::{InvokeBody, Request};
use vivier::error::Code;
use vivier::mail::Imported;
use vivier::mail::intake::{Linked, TriageItem};
use vivier::requests::register::{Confirmed, Request as RightsRequest};

use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, extractor, stamp};

/// The bytes of one dropped file, its name percent-encoded in the `file-name` header.
#[tauri::command]
pub async fn mail_import(state: State<'_, AppState>, request: Request<'_>) -> CommandResult<Vec<Imported>> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new(Code::InvalidInput, "the mail file must be sent as raw bytes"));
    };
    let name = request
        .headers()
        .get("x-vivier-file-name")
        .and_then(|v| v.to_str().ok())
        .and_then(crate::commands::pipeline::percent_decode)
        .unwrap_or_default();
    let extractor = extractor()?;
    state.with_store(|store| Ok(store.import_mail(&stamp, &name, bytes.as_slice(), &extractor)?))
}

#[tauri::command]
pub async fn triage_list(state: State<'_, AppState>) -> CommandResult<Vec<TriageItem>> {
    state.with_reader(|store| Ok(store.triage_list()?))
}

#[tauri::command]
pub async fn triage_link(state: State<'_, AppState>, message: String, candidate: String) -> CommandResult<Linked> {
    state.with_store(|store| Ok(store.triage_link(&stamp(), &message, &candidate)?))
}

#[tauri::command]
pub async fn triage_create(state: State<'_, AppState>, message: String, name: Option<String>) -> CommandResult<Linked> {
    state.with_store(|store| Ok(store.triage_create(&stamp(), &message, name.as_deref())?))
}

#[tauri::command]
pub async fn triage_dismiss(state: State<'_, AppState>, message: String) -> CommandResult<String> {
    state.with_store(|store| Ok(store.triage_dismiss(&stamp(), &message)?))
}

#[tauri::command]
pub async fn rights_requests(state: State<'_, AppState>, all: bool) -> CommandResult<Vec<RightsRequest>> {
    state.with_reader(|store| Ok(store.requests(!all)?))
}

#[tauri::command]
pub async fn confirm_request(state: State<'_, AppState>, request: String) -> CommandResult<Confirmed> {
    state.with_store(|store| Ok(store.confirm_request(&stamp(), &request)?))
}

#[tauri::command]
pub async fn dismiss_request(state: State<'_, AppState>, request: String) -> CommandResult<String> {
    state.with_store(|store| Ok(store.dismiss_request(&stamp(), &request)?))
}
