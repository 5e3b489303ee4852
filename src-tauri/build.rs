//! Builds the Tauri context and the app's permission manifest. Every command the UI may
//! call is listed here, so that `capabilities/default.json` must grant each one by name.

const COMMANDS: &[&str] = &[
    "store_status",
    "open_store",
    "create_with_passphrase",
    "unlock_with_passphrase",
    "store_info",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
