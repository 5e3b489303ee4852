//! The guard's live check and the stage-gated data (promises P2 and P3): what HR types is
//! checked as they type, hiring details and custom fields are set on an application. Each
//! command is an adapter: one engine call, the error mapped. The gates (offer stage, a
//! field's stage) and the guard's refusals are the engine's; none is repeated here.
//! Arguments are never logged: they are candidate data.

use serde::Deserialize;
use tauri::State;
use vivier::guard::{Finding, Guard};
use vivier::hiring::HiringRecord;
use vivier::hiring::{CustomField, CustomValue, FieldKind, HiringDetails};
use vivier::pipeline::Stage;

use crate::error::CommandResult;
use crate::state::{AppState, stamp};

/// What the guard finds in a text, for the inline feedback under a text box. Pure: no
/// store, nothing stored, nothing audited (the text is checked again when it is saved).
#[tauri::command]
pub async fn guard_check(text: String) -> Vec<Finding> {
    Guard::standard().check(&text)
}

#[tauri::command]
pub async fn hiring_details(state: State<'_, AppState>, application: String) -> CommandResult<HiringRecord> {
    state.with_audited_read(|store| Ok(store.read_hiring_details(&stamp(), &application)?))
}

#[tauri::command]
pub async fn set_hiring_details(
    state: State<'_, AppState>,
    application: String,
    details: HiringDetails,
) -> CommandResult<HiringRecord> {
    state.with_store(|store| Ok(store.set_hiring_details(&stamp(), &application, details)?))
}

#[tauri::command]
pub async fn custom_fields(state: State<'_, AppState>) -> CommandResult<Vec<CustomField>> {
    state.with_reader(|store| Ok(store.custom_fields()?))
}

/// A custom field as the declaration form sends it.
#[derive(Deserialize, ts_rs::TS)]
pub struct FieldForm {
    name: String,
    kind: FieldKind,
    collect_from: Stage,
}

#[tauri::command]
pub async fn declare_custom_field(state: State<'_, AppState>, field: FieldForm) -> CommandResult<CustomField> {
    state.with_store(|store| Ok(store.declare_custom_field(&stamp(), &field.name, field.kind, field.collect_from)?))
}

#[tauri::command]
pub async fn set_custom_value(
    state: State<'_, AppState>,
    application: String,
    field: String,
    value: String,
) -> CommandResult<CustomValue> {
    state.with_store(|store| Ok(store.set_custom_value(&stamp(), &application, &field, &value)?))
}

#[tauri::command]
pub async fn custom_values(state: State<'_, AppState>, application: String) -> CommandResult<Vec<CustomValue>> {
    state.with_audited_read(|store| Ok(store.read_custom_values(&stamp(), &application)?))
}
