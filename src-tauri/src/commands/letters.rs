//! Offer letters in the app (issue 13): the offer form on an application, the templates to
//! choose from, a live preview of the letter's pages (rendered by the engine, never
//! stored), the letter generated and stored with the candidate, and in the settings the
//! company's details and the templates' markup. Each command is an
//! adapter: one engine call, the error mapped. The gate (offer stage), the checks and the
//! merge fields are the engine's. Arguments are never logged: they are candidate data.

use tauri::State;
use tauri::ipc::Response;
use vivier::letters::format::Lang;
use vivier::letters::offer::OfferInput;
use vivier::letters::{Company, LetterRecord, OfferRecord, TemplateInfo};

use crate::error::CommandResult;
use crate::state::{AppState, stamp};

#[tauri::command]
pub async fn offer_details(state: State<'_, AppState>, application: String) -> CommandResult<OfferRecord> {
    state.with_audited_read(|store| Ok(store.read_offer(&stamp(), &application)?))
}

#[tauri::command]
pub async fn set_offer(
    state: State<'_, AppState>,
    application: String,
    offer: OfferInput,
) -> CommandResult<OfferRecord> {
    state.with_store(|store| Ok(store.set_offer(&stamp(), &application, offer)?))
}

#[tauri::command]
pub async fn letter_templates(state: State<'_, AppState>) -> CommandResult<Vec<TemplateInfo>> {
    state.with_reader(|store| Ok(store.letter_templates()?))
}

/// The letter's PDF as it would be generated now, for the preview (audited as a view).
#[tauri::command]
pub async fn preview_offer_letter(
    state: State<'_, AppState>,
    application: String,
    template: Option<String>,
    lang: Option<Lang>,
) -> CommandResult<Response> {
    let bytes = state.with_audited_read(|store| {
        Ok(store.read_offer_letter_preview(&stamp(), &application, template.as_deref(), lang)?)
    })?;
    Ok(Response::new(bytes))
}

#[tauri::command]
pub async fn generate_offer_letter(
    state: State<'_, AppState>,
    application: String,
    template: Option<String>,
    lang: Option<Lang>,
) -> CommandResult<LetterRecord> {
    state.with_store(|store| Ok(store.generate_offer_letter(&stamp(), &application, template.as_deref(), lang)?.0))
}

/// The company's details printed on letters (the logo as hex).
#[tauri::command]
pub async fn company_details(state: State<'_, AppState>) -> CommandResult<Company> {
    state.with_reader(|store| Ok(store.company()?))
}

/// Updates the company's details: a field left null keeps its value, an empty one clears it.
#[tauri::command]
pub async fn set_company(state: State<'_, AppState>, company: Company) -> CommandResult<Company> {
    state.with_store(|store| Ok(store.set_company(&stamp(), company)?))
}

/// Adds a template (`add`) or replaces one's markup; checked and guarded by the engine.
#[tauri::command]
pub async fn save_letter_template(
    state: State<'_, AppState>,
    name: String,
    language: Option<Lang>,
    body: String,
    add: bool,
) -> CommandResult<TemplateInfo> {
    state.with_store(|store| Ok(store.save_letter_template(&stamp(), &name, language, &body, add)?))
}
