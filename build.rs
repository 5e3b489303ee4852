//! Embeds the SQL files of `migrations/` into the engine at build time, so a binary always
//! carries exactly the migrations it was built with. Re-runs whenever the folder changes,
//! so a new file can never be left out.

use std::{env, fs, path::Path};

fn main() {
    // Read at run time, not baked in with env!(): a build-script binary is shared between
    // checkouts that use one target directory (a CI cache), and must read this checkout's.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("migrations/ folder")
        .map(|entry| entry.expect("readable migrations/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("pub(crate) const MIGRATIONS: &[Migration] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let number: u32 = name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("migration {name} must start with its number, e.g. 0002_"));
        out.push_str(&format!(
            "    Migration {{ version: {number}, name: {name:?}, sql: include_str!({:?}) }},\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("migrations.rs");
    fs::write(dest, out).expect("write migrations.rs");
}
