//! The app's Tauri commands, by feature: the store (open, unlock, describe), the pipeline,
//! hiring data, offer letters, retention, backups, mail intake, mail settings, composing mail,
//! the access export and the requests register. Every command is a thin
//! adapter: the app state in, one engine call, the engine's error mapped to `{code, message}`. No rule lives here. Command names
//! and their JSON are what the UI (`ui/src/lib/backend.ts`) calls: they do not change.

pub mod access;
pub mod backup;
pub mod compose;
pub mod hiring;
pub mod letters;
pub mod mail;
pub mod mail_settings;
pub mod pipeline;
pub mod requests;
pub mod retention;
pub mod store;
