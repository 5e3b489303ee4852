//! The benchmark's floor: the smallest Tauri 2 app, one window showing one static page,
//! nothing else (no commands, no state, no store). `make bench-desktop` measures its start
//! and memory beside Vivier's, so that Vivier's figures read as a cost above the platform.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("error while running the floor app");
}
