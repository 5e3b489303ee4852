//! Vivier's desktop app: resolves the data directory, registers the engine commands
//! (`commands`, by feature) over the app's state (`state`), starts the background tasks
//! (`tasks`) and opens the one window. A store kept by the keyring is opened at start, on
//! its own thread while WebKit starts; otherwise by the UI's first call, so that a
//! passphrase screen can be shown when the key needs one.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod clock;
mod commands;
mod error;
mod state;
mod tasks;

use std::path::PathBuf;
use std::process::ExitCode;

use tauri::Manager;
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
        // The OS's save dialog, for "save a copy" (the capability grants only `dialog:allow-save`).
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::new(root))
        // Links in candidates' messages open outside the app (the capability allows only
        // http, https and mailto); the app's mail check and its status.
        .plugin(tauri_plugin_opener::init())
        .manage(tasks::mail_poll::MailPoll::default())
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::spawn(move || commands::store::open_at_start(&handle.state::<state::AppState>()));
            tasks::purge::spawn(app.handle().clone());
            tasks::mail_poll::spawn(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store::store_status,
            commands::store::open_store,
            commands::store::create_with_passphrase,
            commands::store::unlock_with_passphrase,
            commands::store::store_info,
            commands::pipeline::list_jobs,
            commands::pipeline::add_job,
            commands::pipeline::set_job_status,
            commands::pipeline::job_board,
            commands::pipeline::list_candidates,
            commands::pipeline::add_candidate,
            commands::pipeline::candidate_profile,
            commands::pipeline::edit_candidate,
            commands::pipeline::merge_candidates,
            commands::pipeline::apply_to_job,
            commands::pipeline::move_stage,
            commands::pipeline::add_note,
            commands::pipeline::add_document,
            commands::pipeline::document_text,
            commands::pipeline::document_pdf,
            commands::pipeline::save_document_copy,
            commands::pipeline::search,
            commands::hiring::guard_check,
            commands::hiring::hiring_details,
            commands::hiring::set_hiring_details,
            commands::hiring::custom_fields,
            commands::hiring::declare_custom_field,
            commands::hiring::set_custom_value,
            commands::hiring::custom_values,
            commands::letters::offer_details,
            commands::letters::set_offer,
            commands::letters::letter_templates,
            commands::letters::preview_offer_letter,
            commands::letters::generate_offer_letter,
            commands::letters::company_details,
            commands::letters::set_company,
            commands::letters::save_letter_template,
            commands::retention::retention_status,
            commands::retention::upcoming_purges,
            commands::retention::legal_holds,
            commands::retention::place_hold,
            commands::retention::release_holds,
            commands::retention::purge_log,
            commands::retention::record_objection,
            commands::retention::confirm_erasure,
            commands::retention::renew_consent,
            commands::retention::restrict_candidate,
            commands::retention::set_contract_end,
            commands::retention::retention_settings,
            commands::retention::set_pool_months,
            commands::retention::set_retention_period,
            commands::retention::purge_now,
            commands::retention::withheld_purge,
            commands::retention::stale_applications,
            commands::mail::mail_import,
            commands::mail::triage_list,
            commands::mail::triage_link,
            commands::mail::triage_create,
            commands::mail::triage_dismiss,
            commands::mail::rights_requests,
            commands::mail::confirm_request,
            commands::mail::dismiss_request,
            commands::backup::list_backups,
            commands::backup::back_up_now,
            commands::backup::restore_plan,
            commands::backup::restore_backup,
            commands::mail_settings::mail_settings,
            commands::mail_settings::save_imap_settings,
            commands::mail_settings::save_smtp_settings,
            commands::mail_settings::test_imap,
            commands::mail_settings::test_smtp,
            commands::mail_settings::check_mail_now,
            commands::mail_settings::mail_check_status,
            commands::mail_settings::link_segments,
            commands::access::export_access,
            commands::compose::mail_templates,
            commands::compose::save_mail_template,
            commands::compose::reset_mail_template,
            commands::compose::preview_mail,
            commands::compose::queue_mail,
            commands::compose::request_renewals,
            commands::requests::request_dashboard,
            commands::requests::request_list,
            commands::requests::request_show,
            commands::requests::request_add,
            commands::requests::request_identity,
            commands::requests::request_confirm,
            commands::requests::request_refuse,
            commands::requests::request_extend,
        ])
        .build(tauri::generate_context!())
        .expect("error while running Vivier")
        .run(|app, event| {
            // Audit entries that reads still owe are appended before the process ends.
            if let tauri::RunEvent::Exit = event {
                app.state::<state::AppState>().flush_at_exit();
            }
        });
    ExitCode::SUCCESS
}
