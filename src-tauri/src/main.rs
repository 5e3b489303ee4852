//! Vivier's desktop app: resolves the data directory, registers the engine commands and
//! opens the one window. The store is opened later, by the UI's first call, so that a
//! passphrase screen can be shown when the key needs one.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod clock;
mod commands;
mod error;
mod hiring;
mod pipeline;
mod retention;

use std::path::PathBuf;
use std::process::ExitCode;

use vivier::data_dir::DataDir;

/// `VIVIER_DATA_DIR` when set, else the platform's data directory.
fn data_dir() -> Result<PathBuf, vivier::data_dir::DataDirError> {
    match std::env::var_os("VIVIER_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => DataDir::platform_default(),
    }
}

fn main() -> ExitCode {
    // Text extraction runs in a child process: this binary, started again in child mode.
    if std::env::args().nth(1).as_deref() == Some(vivier::documents::CHILD_ARG) {
        return vivier::documents::run_child();
    }
    let root = match data_dir() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("vivier: {e}");
            return ExitCode::from(2);
        }
    };
    tauri::Builder::default()
        .manage(commands::AppState::new(root))
        .setup(|app| {
            retention::spawn_purge_task(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store_status,
            commands::open_store,
            commands::create_with_passphrase,
            commands::unlock_with_passphrase,
            commands::store_info,
            pipeline::list_jobs,
            pipeline::add_job,
            pipeline::set_job_status,
            pipeline::job_board,
            pipeline::list_candidates,
            pipeline::add_candidate,
            pipeline::candidate_profile,
            pipeline::edit_candidate,
            pipeline::merge_candidates,
            pipeline::apply_to_job,
            pipeline::move_stage,
            pipeline::add_note,
            pipeline::add_document,
            pipeline::document_text,
            pipeline::document_pdf,
            pipeline::search,
            hiring::guard_check,
            hiring::hiring_details,
            hiring::set_hiring_details,
            hiring::custom_fields,
            hiring::declare_custom_field,
            hiring::set_custom_value,
            hiring::custom_values,
            retention::retention_status,
            retention::upcoming_purges,
            retention::legal_holds,
            retention::place_hold,
            retention::release_holds,
            retention::purge_log,
            retention::record_objection,
            retention::confirm_erasure,
            retention::renew_consent,
            retention::restrict_candidate,
            retention::set_contract_end,
            retention::retention_settings,
            retention::set_pool_months,
            retention::set_retention_period,
            retention::purge_now,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Vivier");
    ExitCode::SUCCESS
}
