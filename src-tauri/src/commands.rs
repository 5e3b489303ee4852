//! Tauri commands: thin adapters over the engine. Each takes the app state, makes one
//! engine call and maps its error; no rule lives here. Passphrases are handed straight to
//! the engine's `Passphrase` (zeroed on drop, redacted in `Debug`) and never logged.
//! Commands are `async` so that Argon2 and keyring prompts run off the main thread and
//! the window stays responsive.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use tauri::State;
use vivier::data_dir::{DataDir, Protection, Status, Unlock};
use vivier::db::{CipherReport, Store};
use vivier::keys::{KeyError, Keyring, Passphrase};

use crate::error::{CommandError, CommandResult};

/// How the open store's key is kept.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Keyring,
    Passphrase,
}

/// The app's state: its data directory and, once unlocked, the open store.
pub struct AppState {
    dir: DataDir,
    store: Mutex<Option<(Store, KeySource)>>,
}

impl AppState {
    pub fn new(root: PathBuf) -> AppState {
        AppState { dir: DataDir::new(root), store: Mutex::new(None) }
    }

    fn store(&self) -> CommandResult<MutexGuard<'_, Option<(Store, KeySource)>>> {
        self.store.lock().map_err(|_| CommandError::internal())
    }

    /// Runs `f` on the open store, holding its lock for the duration of the call.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> CommandResult<T>) -> CommandResult<T> {
        match self.store()?.as_mut() {
            Some((store, _)) => f(store),
            None => Err(CommandError::store_closed()),
        }
    }

    /// Runs `f` on the store if it is open (None otherwise), for background work.
    pub fn with_open_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        let mut slot = self.store.lock().ok()?;
        slot.as_mut().map(|(store, _)| f(store))
    }

    /// Opens the store with `open` unless it is open already, keeps it, and describes it.
    /// The lock is held throughout, so two calls never open the store twice.
    fn open_with(
        &self,
        source: KeySource,
        open: impl FnOnce(&DataDir) -> Result<Store, CommandError>,
    ) -> CommandResult<StoreInfo> {
        let mut slot = self.store()?;
        if let Some((store, source)) = slot.as_ref() {
            return self.info(store, *source);
        }
        let store = open(&self.dir)?;
        let info = self.info(&store, source)?;
        *slot = Some((store, source));
        Ok(info)
    }

    fn info(&self, store: &Store, key_source: KeySource) -> CommandResult<StoreInfo> {
        Ok(StoreInfo {
            data_dir: self.dir.root().display().to_string(),
            database: self.dir.db_path().display().to_string(),
            key_source,
            cipher: store.cipher_report()?,
        })
    }
}

#[derive(Debug, Serialize)]
pub struct StoreStatus {
    status: Status,
    data_dir: String,
    open: bool,
}

#[derive(Debug, Serialize)]
pub struct StoreInfo {
    data_dir: String,
    database: String,
    key_source: KeySource,
    cipher: CipherReport,
}

/// What the data directory holds, and whether the store is already open.
#[tauri::command]
pub async fn store_status(state: State<'_, AppState>) -> CommandResult<StoreStatus> {
    let status = state.dir.status()?;
    let open = state.store()?.is_some();
    Ok(StoreStatus { status, data_dir: state.dir.root().display().to_string(), open })
}

/// Opens the store with the OS keyring, creating it on first run. A passphrase-protected
/// store answers `passphrase_required`.
#[tauri::command]
pub async fn open_store(state: State<'_, AppState>) -> CommandResult<StoreInfo> {
    state.open_with(KeySource::Keyring, |dir| match dir.status()? {
        Status::Uninitialised => Ok(dir.init(Protection::Keyring(&Keyring::system()?))?),
        Status::Keyring => {
            let keyring = Keyring::system()?;
            Ok(dir.open(Unlock { keyring: Some(&keyring), passphrase: None })?)
        }
        Status::Passphrase => Err(KeyError::PassphraseRequired.into()),
    })
}

/// First run without a usable keyring: creates the store, its key wrapped with `passphrase`.
#[tauri::command]
pub async fn create_with_passphrase(state: State<'_, AppState>, passphrase: String) -> CommandResult<StoreInfo> {
    let passphrase = Passphrase::new(passphrase);
    state.open_with(KeySource::Passphrase, |dir| Ok(dir.init(Protection::Passphrase(&passphrase))?))
}

/// Opens a passphrase-protected store.
#[tauri::command]
pub async fn unlock_with_passphrase(state: State<'_, AppState>, passphrase: String) -> CommandResult<StoreInfo> {
    let passphrase = Passphrase::new(passphrase);
    state.open_with(KeySource::Passphrase, |dir| Ok(dir.open(Unlock { keyring: None, passphrase: Some(&passphrase) })?))
}

/// Describes the open store: where it is, how its key is kept, its cipher and pragmas.
#[tauri::command]
pub async fn store_info(state: State<'_, AppState>) -> CommandResult<StoreInfo> {
    match state.store()?.as_ref() {
        Some((store, source)) => state.info(store, *source),
        None => Err(CommandError::store_closed()),
    }
}
