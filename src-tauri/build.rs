//! Builds the Tauri context and the app's permission manifest. Every command the UI may
//! call is listed here, so that `capabilities/default.json` must grant each one by name.
//!
//! The window shows `ui/dist`, built by `cd ui && npm ci && npm run build`. When it has not
//! been built, a static page saying so is put there (with a build warning), so that
//! `cargo build --workspace` and the engine's tests work on a machine without Node.

use std::path::Path;

const COMMANDS: &[&str] = &[
    "store_status",
    "open_store",
    "create_with_passphrase",
    "unlock_with_passphrase",
    "store_info",
    "list_jobs",
    "add_job",
    "set_job_status",
    "job_board",
    "list_candidates",
    "add_candidate",
    "candidate_profile",
    "edit_candidate",
    "merge_candidates",
    "apply_to_job",
    "move_stage",
    "add_note",
    "add_document",
    "document_text",
    "document_pdf",
    "save_document_copy",
    "search",
    "guard_check",
    "hiring_details",
    "set_hiring_details",
    "custom_fields",
    "declare_custom_field",
    "set_custom_value",
    "custom_values",
    "offer_details",
    "set_offer",
    "letter_templates",
    "preview_offer_letter",
    "generate_offer_letter",
    "company_details",
    "set_company",
    "save_letter_template",
    "retention_status",
    "upcoming_purges",
    "legal_holds",
    "place_hold",
    "release_holds",
    "purge_log",
    "record_objection",
    "confirm_erasure",
    "renew_consent",
    "restrict_candidate",
    "set_contract_end",
    "retention_settings",
    "set_pool_months",
    "set_retention_period",
    "purge_now",
    "withheld_purge",
    "stale_applications",
    "mail_import",
    "triage_list",
    "triage_link",
    "triage_create",
    "triage_dismiss",
    "rights_requests",
    "confirm_request",
    "dismiss_request",
    "list_backups",
    "back_up_now",
    "restore_plan",
    "restore_backup",
    "mail_settings",
    "save_imap_settings",
    "save_smtp_settings",
    "test_imap",
    "test_smtp",
    "check_mail_now",
    "mail_check_status",
    "link_segments",
    "export_access",
    "mail_templates",
    "save_mail_template",
    "reset_mail_template",
    "preview_mail",
    "queue_mail",
    "request_renewals",
    "request_dashboard",
    "request_list",
    "request_show",
    "request_add",
    "request_identity",
    "request_confirm",
    "request_refuse",
    "request_extend",
];

const PLACEHOLDER: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Vivier</title></head><body><h1>Vivier's screens are not built</h1>\
<p>Run <code>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, then build the app again.</p>\
</body></html>\n";

fn ensure_ui_dist() {
    let dist = Path::new("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if dist.join("index.html").exists() {
        return;
    }
    println!(
        "cargo:warning=ui/dist is not built: the app will show a placeholder page. Run `cd ui && npm ci && npm run build`."
    );
    std::fs::create_dir_all(dist).expect("cannot create ui/dist");
    std::fs::write(dist.join("index.html"), PLACEHOLDER).expect("cannot write ui/dist/index.html");
}

fn main() {
    ensure_ui_dist();
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
