//! Composing email in the app (issue 12, "Sending"): the templates of each kind and
//! language (edited in the settings, checked and guarded by the engine), the live preview
//! of a message on a candidate's profile (rendered by the engine on the reader, audited as
//! a view), queueing it into the outbox (sent by the outbox's sender), and the consent-
//! renewal requests of the Retention screen. Each command is an adapter: one engine call,
//! the error mapped. Arguments are never logged: they are candidate data.

use tauri::{AppHandle, State};
use vivier::letters::format::Lang;
use vivier::mail::compose::{ComposeRequest, Kind, MailTemplateInfo, Preview, Queued, RenewalReport};

use crate::error::CommandResult;
use crate::state::{AppState, stamp};

#[tauri::command]
pub async fn mail_templates(state: State<'_, AppState>) -> CommandResult<Vec<MailTemplateInfo>> {
    state.with_reader(|store| Ok(store.mail_templates()?))
}

/// Replaces a template's text; refused (nothing stored) when it does not read, names an
/// unknown field, or holds a category the guard refuses.
#[tauri::command]
pub async fn save_mail_template(
    state: State<'_, AppState>,
    kind: Kind,
    language: Lang,
    body: String,
) -> CommandResult<MailTemplateInfo> {
    state.with_store(|store| Ok(store.save_mail_template(&stamp(), kind, language, &body)?))
}

/// Restores the shipped text of a template.
#[tauri::command]
pub async fn reset_mail_template(
    state: State<'_, AppState>,
    kind: Kind,
    language: Lang,
) -> CommandResult<MailTemplateInfo> {
    state.with_store(|store| Ok(store.reset_mail_template(&stamp(), kind, language)?))
}

/// The message as it would be sent (subject, body with the footer, attachments).
#[tauri::command]
pub async fn preview_mail(state: State<'_, AppState>, request: ComposeRequest) -> CommandResult<Preview> {
    state.with_audited_read(|store| Ok(store.read_mail_preview(&stamp(), &request)?))
}

/// Queues the message in the outbox.
#[tauri::command]
pub async fn queue_mail(app: AppHandle, state: State<'_, AppState>, request: ComposeRequest) -> CommandResult<Queued> {
    let queued = state.with_store(|store| Ok(store.queue_mail(&stamp(), &request)?))?;
    crate::tasks::mail_poll::send_soon(app);
    Ok(queued)
}

/// Queues the consent-renewal request to the candidates whose data goes within
/// `within_days` (or to `candidates` among them); says who was left out and why.
#[tauri::command]
pub async fn request_renewals(
    app: AppHandle,
    state: State<'_, AppState>,
    within_days: u32,
    candidates: Option<Vec<String>>,
) -> CommandResult<RenewalReport> {
    let report =
        state.with_store(|store| Ok(store.request_renewals(&stamp(), within_days, candidates.as_deref())?))?;
    crate::tasks::mail_poll::send_soon(app);
    Ok(report)
}
