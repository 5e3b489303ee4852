//! The app's side of the mail transport: the IMAP and SMTP settings (read, save; the
//! passwords go to the OS keyring and never come back to the screen, which only learns
//! whether one is kept), "test connection" for each server, "check mail now" and the
//! status of the app's periodic check (`tasks::mail_poll`), and the links of a message as
//! the timeline shows them (`vivier::mail::links`). Commands are adapters: the state in,
//! one engine call, the error mapped; the network is never reached under the store's lock
//! (settings are read, the lock let go, then the server is called on a blocking thread).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use vivier::keys::Keyring;
use vivier::mail::links::{self, TextSegment};
use vivier::mail::transport::imap::{self, ImapAccount, Processed};
use vivier::mail::transport::settings::{self, Server, SmtpSettings};
use vivier::mail::transport::{Endpoint, MailPassword, MailTransportError, Security, smtp};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use crate::tasks::mail_poll::{self, MailCheck};

/// The keyword set on a fetched message when no folder to move it to is given.
const DEFAULT_FLAG: &str = "$Vivier";

/// A server's address and login, as the settings screen edits it.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct ServerForm {
    pub host: String,
    pub port: u16,
    /// `tls`, `starttls`, or `plain` (to this computer only).
    pub security: String,
    pub user: String,
    /// A PEM file of certificate authorities to trust beside the built-in ones.
    pub ca_file: Option<String>,
}

/// The IMAP mailbox the app checks.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct ImapForm {
    pub server: ServerForm,
    /// The folder read, e.g. `INBOX`.
    pub mailbox: String,
    /// A folder taken-in messages are moved to; none: they are flagged and left in place.
    pub move_to: Option<String>,
    /// How often the app checks, in minutes.
    pub every_minutes: u32,
}

/// The SMTP server and the sender.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct SmtpForm {
    pub server: ServerForm,
    /// The From address, e.g. `Jobs <jobs@example.org>`.
    pub from: String,
}

/// The saved mail settings, without the passwords: only whether one is kept.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MailSettings {
    pub imap: Option<ImapForm>,
    pub smtp: Option<SmtpForm>,
    pub imap_password_saved: bool,
    pub smtp_password_saved: bool,
}

/// What a successful IMAP test saw.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImapTested {
    pub mailbox: String,
    pub messages: u32,
}

/// A transport failure as the UI receives it (its code, its sentence).
pub fn transport(e: MailTransportError) -> CommandError {
    match e {
        MailTransportError::Pipeline(e) => e.into(),
        e => CommandError::new(e.code(), e.to_string()),
    }
}

fn store_id(state: &AppState) -> CommandResult<String> {
    Ok(state.dir().key_file()?.map(|kf| kf.store_id).unwrap_or_default())
}

/// The password kept for `server` in the OS keyring.
pub fn password(state: &AppState, server: Server) -> CommandResult<MailPassword> {
    let keyring = Keyring::system()?;
    settings::load_password(&keyring, &store_id(state)?, server).map_err(transport)
}

fn password_saved(state: &AppState, server: Server) -> bool {
    password(state, server).is_ok()
}

fn form_of(endpoint: &Endpoint) -> ServerForm {
    ServerForm {
        host: endpoint.host.clone(),
        port: endpoint.port,
        security: endpoint.security.as_str().into(),
        user: endpoint.user.clone(),
        ca_file: endpoint.extra_ca.as_ref().map(|p| p.display().to_string()),
    }
}

/// The form as an endpoint; `before` keeps what the screen does not edit (the timeout).
fn endpoint_of(form: &ServerForm, before: Option<&Endpoint>) -> CommandResult<Endpoint> {
    let ca = form.ca_file.as_deref().map(str::trim).filter(|p| !p.is_empty());
    Ok(Endpoint {
        host: form.host.trim().to_owned(),
        port: form.port,
        security: Security::parse(&form.security).map_err(transport)?,
        user: form.user.trim().to_owned(),
        extra_ca: ca.map(PathBuf::from),
        timeout_secs: before.map_or(30, |e| e.timeout_secs),
    })
}

fn describe(state: &AppState) -> CommandResult<MailSettings> {
    let (imap, smtp) =
        state.with_reader(|store| Ok((settings::load_imap(store).ok(), settings::load_smtp(store).ok())))?;
    Ok(MailSettings {
        imap: imap.map(|a| ImapForm {
            server: form_of(&a.endpoint),
            mailbox: a.mailbox.clone(),
            move_to: match &a.processed {
                Processed::Move(folder) => Some(folder.clone()),
                Processed::Flag(_) => None,
            },
            every_minutes: u32::try_from(a.poll_secs.div_ceil(60)).unwrap_or(u32::MAX),
        }),
        smtp: smtp.map(|s| SmtpForm { server: form_of(&s.endpoint), from: s.from.clone() }),
        imap_password_saved: password_saved(state, Server::Imap),
        smtp_password_saved: password_saved(state, Server::Smtp),
    })
}

/// Keeps a password typed on the screen (none, or an empty one: the kept one stays).
fn keep_password(state: &AppState, server: Server, typed: Option<String>) -> CommandResult<()> {
    let Some(typed) = typed.filter(|p| !p.is_empty()) else { return Ok(()) };
    let password = MailPassword::new(typed);
    let keyring = Keyring::system()?;
    settings::save_password(&keyring, &store_id(state)?, server, &password).map_err(transport)
}

#[tauri::command]
pub async fn mail_settings(state: State<'_, AppState>) -> CommandResult<MailSettings> {
    describe(&state)
}

/// Saves the IMAP settings (checked by the engine) and, when one is typed, the password.
#[tauri::command]
pub async fn save_imap_settings(
    state: State<'_, AppState>,
    settings: ImapForm,
    password: Option<String>,
) -> CommandResult<MailSettings> {
    state.with_store(|store| {
        let before = settings::load_imap(store).ok();
        let move_to = settings.move_to.as_deref().map(str::trim).filter(|f| !f.is_empty());
        let processed = match (move_to, before.as_ref().map(|a| &a.processed)) {
            (Some(folder), _) => Processed::Move(folder.to_owned()),
            (None, Some(Processed::Flag(flag))) => Processed::Flag(flag.clone()),
            (None, _) => Processed::Flag(DEFAULT_FLAG.into()),
        };
        let account = ImapAccount {
            endpoint: endpoint_of(&settings.server, before.as_ref().map(|a| &a.endpoint))?,
            mailbox: settings.mailbox.trim().to_owned(),
            processed,
            poll_secs: u64::from(settings.every_minutes.max(1)) * 60,
            max_message_bytes: before.as_ref().map_or(imap::DEFAULT_MAX_MESSAGE, |a| a.max_message_bytes),
        };
        settings::save_imap(store, &account).map_err(transport)
    })?;
    keep_password(&state, Server::Imap, password)?;
    describe(&state)
}

/// Saves the SMTP settings (checked by the engine) and, when one is typed, the password.
#[tauri::command]
pub async fn save_smtp_settings(
    state: State<'_, AppState>,
    settings: SmtpForm,
    password: Option<String>,
) -> CommandResult<MailSettings> {
    state.with_store(|store| {
        let before = settings::load_smtp(store).ok();
        let smtp = SmtpSettings {
            endpoint: endpoint_of(&settings.server, before.as_ref().map(|s| &s.endpoint))?,
            from: settings.from.trim().to_owned(),
        };
        settings::save_smtp(store, &smtp).map_err(transport)
    })?;
    keep_password(&state, Server::Smtp, password)?;
    describe(&state)
}

/// Connects, secures and logs in to the saved IMAP server, and looks at the mailbox.
#[tauri::command]
pub async fn test_imap(state: State<'_, AppState>) -> CommandResult<ImapTested> {
    let account = state.with_reader(|store| settings::load_imap(store).map_err(transport))?;
    let password = password(&state, Server::Imap)?;
    let info = tauri::async_runtime::spawn_blocking(move || imap::test_connection(&account, &password))
        .await
        .map_err(|_| CommandError::internal())?
        .map_err(transport)?;
    Ok(ImapTested { mailbox: info.mailbox, messages: info.messages })
}

/// Connects, secures and logs in to the saved SMTP server; answers its host.
#[tauri::command]
pub async fn test_smtp(state: State<'_, AppState>) -> CommandResult<String> {
    let smtp = state.with_reader(|store| settings::load_smtp(store).map_err(transport))?;
    let password = password(&state, Server::Smtp)?;
    let host = smtp.endpoint.host.clone();
    tauri::async_runtime::spawn_blocking(move || smtp::test_connection(&smtp.endpoint, &password))
        .await
        .map_err(|_| CommandError::internal())?
        .map_err(transport)?;
    Ok(host)
}

/// Checks the IMAP mailbox now (after the check in progress, if any, never beside it).
#[tauri::command]
pub async fn check_mail_now(app: AppHandle) -> CommandResult<MailCheck> {
    tauri::async_runtime::spawn_blocking(move || mail_poll::check(&app)).await.map_err(|_| CommandError::internal())?
}

/// The status of the app's mail check: when it last ran, and its last error.
#[tauri::command]
pub async fn mail_check_status(app: AppHandle) -> CommandResult<MailCheck> {
    Ok(mail_poll::status(&app))
}

/// Messages' texts cut into plain and linked segments (only http, https and mailto links
/// are live), one list per text, for the timeline.
#[tauri::command]
pub async fn link_segments(texts: Vec<String>) -> CommandResult<Vec<Vec<TextSegment>>> {
    Ok(texts.iter().map(|t| links::segments(t)).collect())
}
