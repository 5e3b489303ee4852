//! The installed package's app (`VIVIER_APP`, e.g. /usr/bin/vivier-app from the .deb) starts
//! to its first screen on a fresh data directory, and a screenshot of it is saved to
//! `VIVIER_SMOKE_SCREENSHOT`. Run by scripts/package-smoke.sh, not by the suite (ignored).

mod harness;

use harness::{App, Launch};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "package smoke test: scripts/package-smoke.sh"]
async fn the_installed_app_opens_on_its_first_screen() {
    let program = std::env::var_os("VIVIER_APP").expect("VIVIER_APP: the installed app").into();
    let app = App::start(Launch { program: Some(program), ..Launch::default() }).await;
    app.testid("app-frame").await;
    let jobs = app.testid("nav-jobs").await.text().await.unwrap();
    assert!(!jobs.trim().is_empty(), "the navigation shows no label");
    let png = app.client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    if let Some(path) = std::env::var_os("VIVIER_SMOKE_SCREENSHOT") {
        std::fs::write(&path, &png).unwrap();
        println!("first screen: {} ({} bytes)", std::path::Path::new(&path).display(), png.len());
    }
    app.stop().await;
}
