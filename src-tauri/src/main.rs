//! Vivier's desktop app: resolves the data directory, registers the engine commands and
//! opens the one window. The store is opened later, by the UI's first call, so that a
//! passphrase screen can be shown when the key needs one.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;

use std::path::PathBuf;

use vivier::data_dir::DataDir;

/// `VIVIER_DATA_DIR` when set, else the platform's data directory.
fn data_dir() -> Result<PathBuf, vivier::data_dir::DataDirError> {
    match std::env::var_os("VIVIER_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => DataDir::platform_default(),
    }
}

fn main() {
    let root = match data_dir() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("vivier: {e}");
            std::process::exit(2);
        }
    };
    tauri::Builder::default()
        .manage(commands::AppState::new(root))
        .invoke_handler(tauri::generate_handler![
            commands::store_status,
            commands::open_store,
            commands::create_with_passphrase,
            commands::unlock_with_passphrase,
            commands::store_info,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Vivier");
}
