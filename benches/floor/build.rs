//! Builds the floor's Tauri context (its one static page, dist/index.html).

fn main() {
    tauri_build::build();
}
