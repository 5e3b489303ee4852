//! The foundation, end to end: the real app starts under Xvfb, opens (or creates) the
//! encrypted database with the keyring or a passphrase, and shows its frame.

mod harness;

use harness::{App, Launch, vivier};

const PASS: &str = "correct horse battery staple";

fn header_is_encrypted(db: &std::path::Path) -> bool {
    let bytes = std::fs::read(db).unwrap();
    bytes.len() >= 4096 && &bytes[..16] != b"SQLite format 3\0"
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_with_the_keyring_renders_the_frame_on_an_encrypted_database() {
    let app = App::start(Launch::default()).await;
    app.testid("app-frame").await;
    let status = app.text_until("store-status", |t| t.contains("SQLCipher 4")).await;
    assert!(status.contains("SQLCipher 4"), "status line: {status:?}");

    // Every section of the navigation is there and shows its page.
    for page in ["jobs", "candidates", "inbox", "requests", "retention", "settings"] {
        app.click(&format!("nav-{page}")).await;
        app.testid(&format!("page-{page}")).await;
    }
    let source = app.testid("key-source").await.text().await.unwrap();
    assert!(!source.trim().is_empty());

    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;

    // The database the app created is encrypted, and its key is in the keyring.
    assert!(header_is_encrypted(&data_dir.join("vivier.db")));
    let out = vivier(&data_dir, &["doctor", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["key_source"], "keyring");
    assert_eq!(report["healthy"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passphrase_data_directory_asks_for_it_and_refuses_a_wrong_one() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let out = vivier(&data_dir, &["init", "--passphrase"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db_before = std::fs::read(data_dir.join("vivier.db")).unwrap();

    let app = App::start(Launch { data_dir: Some(data_dir.clone()), ..Launch::default() }).await;
    app.testid("passphrase-screen").await;
    app.type_into("passphrase-input", "definitely not it").await;
    app.click("passphrase-submit").await;
    let error = app.text_until("passphrase-error", |t| !t.trim().is_empty()).await;
    assert!(!error.trim().is_empty(), "no inline error for a wrong passphrase");
    assert_eq!(
        std::fs::read(data_dir.join("vivier.db")).unwrap(),
        db_before,
        "a wrong passphrase changed the database"
    );

    app.type_into("passphrase-input", PASS).await;
    app.click("passphrase-submit").await;
    app.testid("app-frame").await;
    let status = app.text_until("store-status", |t| t.contains("SQLCipher 4")).await;
    assert!(status.contains("SQLCipher 4"), "status line: {status:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_the_first_start_offers_a_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let nowhere = format!("unix:path={}", tmp.path().join("no-bus").display());
    let app = App::start(Launch { env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), nowhere)], ..Launch::default() }).await;
    app.testid("passphrase-screen").await;
    app.testid("passphrase-confirm").await;
    // Mismatched confirmation is caught before anything is created.
    app.type_into("passphrase-input", PASS).await;
    app.type_into("passphrase-confirm", "something else entirely").await;
    app.click("passphrase-submit").await;
    let error = app.text_until("passphrase-error", |t| !t.trim().is_empty()).await;
    assert!(!error.trim().is_empty());
    assert!(!app.data_dir.join("key.json").exists());

    app.type_into("passphrase-confirm", PASS).await;
    app.click("passphrase-submit").await;
    app.testid("app-frame").await;
    let data_dir = app.data_dir.clone();
    let _tmp = app.stop().await;

    assert!(header_is_encrypted(&data_dir.join("vivier.db")));
    let out = vivier(&data_dir, &["doctor", "--json"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["key_source"], "passphrase");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_database_is_an_error_screen_and_nothing_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let out = vivier(&data_dir, &["init", "--passphrase"], &[("VIVIER_PASSPHRASE", PASS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(data_dir.join("vivier.db")).unwrap();

    let app = App::start(Launch { data_dir: Some(data_dir.clone()), ..Launch::default() }).await;
    let code = app.text_until("error-code", |t| !t.trim().is_empty()).await;
    assert_eq!(code.trim(), "database_missing");
    let screen = app.testid("error-screen").await.text().await.unwrap();
    assert!(screen.contains("vivier.db"), "the missing file is named: {screen}");
    app.click("error-retry").await;
    app.text_until("error-code", |t| t.trim() == "database_missing").await;
    app.stop().await;
    assert!(!data_dir.join("vivier.db").exists(), "the app created no database");
}
