//! The app's state: its data directory, the open store's connection once unlocked, who is
//! acting (the `Stamp` every write and audited read carries) and the text extractor.
//! Commands and background tasks reach the database only through the methods here, which
//! take the connection's lock for the duration of one engine call.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use vivier::data_dir::DataDir;
use vivier::db::Store;
use vivier::documents::Extractor;
use vivier::pipeline::Stamp;

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

    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    fn store(&self) -> CommandResult<MutexGuard<'_, Option<(Store, KeySource)>>> {
        self.store.lock().map_err(|_| CommandError::internal())
    }

    /// Whether the store is open.
    pub fn is_open(&self) -> CommandResult<bool> {
        Ok(self.store()?.is_some())
    }

    /// Runs `f` on the open store, holding its lock for the duration of the call.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> CommandResult<T>) -> CommandResult<T> {
        match self.store()?.as_mut() {
            Some((store, _)) => f(store),
            None => Err(CommandError::store_closed()),
        }
    }

    /// Runs `f` on the open store and how its key is kept.
    pub fn with_store_source<T>(&self, f: impl FnOnce(&Store, KeySource) -> CommandResult<T>) -> CommandResult<T> {
        match self.store()?.as_ref() {
            Some((store, source)) => f(store, *source),
            None => Err(CommandError::store_closed()),
        }
    }

    /// Runs `f` on the store if it is open (None otherwise), for background work.
    pub fn with_open_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        let mut slot = self.store.lock().ok()?;
        slot.as_mut().map(|(store, _)| f(store))
    }

    /// Opens the store with `open` unless it is open already, keeps it, and describes it
    /// with `describe`. The lock is held throughout, so two calls never open the store twice.
    pub fn open_with<T>(
        &self,
        source: KeySource,
        open: impl FnOnce(&DataDir) -> CommandResult<Store>,
        describe: impl FnOnce(&Store, KeySource) -> CommandResult<T>,
    ) -> CommandResult<T> {
        let mut slot = self.store()?;
        if let Some((store, source)) = slot.as_ref() {
            return describe(store, *source);
        }
        let store = open(&self.dir)?;
        let described = describe(&store, source)?;
        *slot = Some((store, source));
        Ok(described)
    }
}

/// Who is acting: VIVIER_ACTOR, else the OS user, else "desktop"; stamped now.
pub fn stamp() -> Stamp {
    let actor = Stamp::os_actor().unwrap_or_else(|| "desktop".into());
    Stamp::new(actor, crate::clock::now())
}

/// Text extraction runs in this very binary, started again in its child mode.
pub fn extractor() -> CommandResult<Extractor> {
    Extractor::this_binary().map_err(|_| CommandError::internal())
}
