//! Fuzzes the mail intake entry point: any bytes through `mail::parse` within the default
//! limits, and what parses through `Store::intake` into one real encrypted store (opened
//! once, in a temporary directory). A panic or a store error other than a refusal is a bug.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use vivier::data_dir::{DataDir, Protection, Unlock};
use vivier::db::Store;
use vivier::keys::Passphrase;
use vivier::mail::{self, Limits, Source};
use vivier::pipeline::Stamp;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    extractor: vivier::documents::Extractor,
}

fn fixture() -> &'static Mutex<Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = DataDir::new(tmp.path().join("data"));
        let pass = Passphrase::new("fuzzing passphrase that is long enough".into());
        dir.init(Protection::Passphrase(&pass)).expect("init");
        let store = dir.open(Unlock { keyring: None, passphrase: Some(&pass) }).expect("open");
        // The extraction child: a `vivier` binary on PATH (VIVIER_BIN to override).
        let bin = std::env::var("VIVIER_BIN").unwrap_or_else(|_| "vivier".into());
        let extractor = vivier::documents::Extractor::new(bin.into(), vec![vivier::documents::CHILD_ARG.into()]);
        Mutex::new(Fixture { _dir: tmp, store, extractor })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = mail::parse(data, &Limits::default()) else { return };
    let mut f = fixture().lock().expect("lock");
    let Fixture { store, extractor, .. } = &mut *f;
    let stamp = Stamp::new("fuzz", chrono::Utc::now());
    if let Err(e) = store.intake(&stamp, &parsed, &Source::File, extractor) {
        // Refusals of bad input are fine; a database or internal error is not.
        let code = e.code();
        assert!(
            !matches!(code, vivier::error::Code::Database | vivier::error::Code::Internal),
            "intake failed: {code:?}"
        );
    }
});
