//! The store's commands: what the data directory holds, opening it (OS keyring or
//! passphrase, creating it on first run) and describing the open store. Passphrases are
//! handed straight to the engine's `Passphrase` (zeroed on drop, redacted in `Debug`) and
//! never logged. Commands are `async` so that Argon2 and keyring prompts run off the main
//! thread and the window stays responsive.

use serde::Serialize;
use tauri::State;
use vivier::data_dir::{DataDir, Protection, Status, Unlock};
use vivier::db::{CipherReport, Reader, Store};
use vivier::keys::{KeyError, Keyring, Passphrase};

use crate::error::CommandResult;
use crate::state::{AppState, KeySource};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct StoreStatus {
    status: Status,
    data_dir: String,
    open: bool,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct StoreInfo {
    data_dir: String,
    database: String,
    key_source: KeySource,
    cipher: CipherReport,
}

/// Describes `store`, opened from `state`'s data directory with its key kept as `key_source`.
fn info(state: &AppState, store: &Store, key_source: KeySource) -> CommandResult<StoreInfo> {
    Ok(StoreInfo {
        data_dir: state.dir().root().display().to_string(),
        database: state.dir().db_path().display().to_string(),
        key_source,
        cipher: store.cipher_report()?,
    })
}

/// What the data directory holds, and whether the store is already open.
#[tauri::command]
pub async fn store_status(state: State<'_, AppState>) -> CommandResult<StoreStatus> {
    let status = state.dir().status()?;
    let open = state.is_open()?;
    Ok(StoreStatus { status, data_dir: state.dir().root().display().to_string(), open })
}

/// Opens the store with the OS keyring, creating it on first run. A passphrase-protected
/// store answers `passphrase_required`.
#[tauri::command]
pub async fn open_store(state: State<'_, AppState>) -> CommandResult<StoreInfo> {
    state.open_with(KeySource::Keyring, open_with_keyring, |store, source| info(&state, store, source))
}

fn open_with_keyring(dir: &DataDir) -> CommandResult<(Store, Reader)> {
    match dir.status()? {
        Status::Uninitialised => Ok(dir.init_with_reader(Protection::Keyring(&Keyring::system()?))?),
        Status::Keyring => {
            let keyring = Keyring::system()?;
            Ok(dir.open_with_reader(Unlock { keyring: Some(&keyring), passphrase: None })?)
        }
        Status::Passphrase => Err(KeyError::PassphraseRequired.into()),
    }
}

/// Opens a keyring store at start, while WebKit starts and loads the page, so that the
/// page's `open_store` finds it open (it waits for this if it asks sooner). Only a store
/// that exists and is kept by the keyring: a first run, or a passphrase, is the page's to
/// ask about. A failure is left for `open_store` to meet again and report.
pub fn open_at_start(state: &AppState) {
    if matches!(state.dir().status(), Ok(Status::Keyring)) {
        let _ = state.open_with(KeySource::Keyring, open_with_keyring, |_, _| Ok(()));
    }
}

/// First run without a usable keyring: creates the store, its key wrapped with `passphrase`.
#[tauri::command]
pub async fn create_with_passphrase(state: State<'_, AppState>, passphrase: String) -> CommandResult<StoreInfo> {
    let passphrase = Passphrase::new(passphrase);
    state.open_with(
        KeySource::Passphrase,
        |dir| Ok(dir.init_with_reader(Protection::Passphrase(&passphrase))?),
        |store, source| info(&state, store, source),
    )
}

/// Opens a passphrase-protected store.
#[tauri::command]
pub async fn unlock_with_passphrase(state: State<'_, AppState>, passphrase: String) -> CommandResult<StoreInfo> {
    let passphrase = Passphrase::new(passphrase);
    state.open_with(
        KeySource::Passphrase,
        |dir| Ok(dir.open_with_reader(Unlock { keyring: None, passphrase: Some(&passphrase) })?),
        |store, source| info(&state, store, source),
    )
}

/// Describes the open store: where it is, how its key is kept, its cipher and pragmas
/// (as the reader reports them: the same file, key and pragmas as the writer).
#[tauri::command]
pub async fn store_info(state: State<'_, AppState>) -> CommandResult<StoreInfo> {
    state.with_reader_source(|store, source| info(&state, store, source))
}
