//! The requests register's commands (promise P5): the dashboard (overdue, due this week,
//! done lately — also the reminder the app shows at start), the list, one request with its
//! history, a request entered by hand, the identity-check note, confirm, refuse with a
//! reason, extend with a reason. Adapters: the state in, one engine call, the error mapped;
//! every rule (deadlines, the first-month limit on extensions, what confirming does) is the
//! engine's (`vivier::requests`). Today is the app's clock's (`clock`).

use tauri::{AppHandle, State};
use vivier::requests::NewRequest;
use vivier::requests::register::{Confirmed, Dashboard, Detail, Filter, Request};

use crate::clock;
use crate::error::CommandResult;
use crate::state::{AppState, stamp};

#[tauri::command]
pub async fn request_dashboard(state: State<'_, AppState>) -> CommandResult<Dashboard> {
    state.with_reader(|store| Ok(store.request_dashboard(clock::now().date_naive())?))
}

#[tauri::command]
pub async fn request_list(state: State<'_, AppState>, filter: Filter) -> CommandResult<Vec<Request>> {
    state.with_reader(|store| Ok(store.request_list(&filter, clock::now().date_naive())?))
}

#[tauri::command]
pub async fn request_show(state: State<'_, AppState>, request: String) -> CommandResult<Detail> {
    state.with_reader(|store| Ok(store.request_show(&request)?))
}

#[tauri::command]
pub async fn request_add(app: AppHandle, state: State<'_, AppState>, new: NewRequest) -> CommandResult<Request> {
    let request = state.with_store(|store| Ok(store.add_request(&stamp(), &new)?))?;
    // Its acknowledgement, queued with it when SMTP is set up, leaves now.
    crate::tasks::mail_poll::send_soon(app);
    Ok(request)
}

#[tauri::command]
pub async fn request_identity(state: State<'_, AppState>, request: String, note: String) -> CommandResult<Request> {
    state.with_store(|store| Ok(store.note_identity(&stamp(), &request, &note)?))
}

#[tauri::command]
pub async fn request_confirm(state: State<'_, AppState>, request: String) -> CommandResult<Confirmed> {
    state.with_store(|store| Ok(store.confirm_request(&stamp(), &request)?))
}

#[tauri::command]
pub async fn request_refuse(state: State<'_, AppState>, request: String, reason: String) -> CommandResult<Request> {
    state.with_store(|store| Ok(store.refuse_request(&stamp(), &request, &reason)?))
}

#[tauri::command]
pub async fn request_extend(
    state: State<'_, AppState>,
    request: String,
    months: u32,
    reason: String,
) -> CommandResult<Request> {
    state.with_store(|store| Ok(store.extend_request(&stamp(), &request, months, &reason)?))
}
