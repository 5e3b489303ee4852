//! Promise P8 in the desktop app: the Settings screen lists the backups (the one the app
//! took at start among them) with their destruction date, takes one on demand, and
//! restores one after saying how many people erased since it will purge again; the
//! erased person is gone from the restored database, as the CLI on the same data
//! directory sees it, and from the screens.

mod harness;

use harness::{App, Launch, eventually, vivier};

fn json(out: std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "vivier failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(dir: &std::path::Path) -> Vec<String> {
    json(vivier(dir, &["--json", "candidate", "list"], &[]))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_backs_up_and_restores_without_bringing_back_the_erased() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    json(vivier(&dir, &["--json", "init"], &[]));
    for (name, email) in [("Ada Erased", "ada@example.org"), ("Bea Kept", "bea@example.org")] {
        json(vivier(&dir, &["--json", "candidate", "add", "--name", name, "--email", email], &[]));
    }
    let app = App::start(Launch { data_dir: Some(dir.clone()), ..Launch::default() }).await;
    app.testid("app-frame").await;
    // The app takes its daily backup at start, with its first scheduled purge.
    eventually("the backup at start", || {
        let dir = dir.clone();
        async move {
            let listed = json(vivier(&dir, &["--json", "backup", "list"], &[]));
            (listed["backups"].as_array().map_or(0, Vec::len) == 1).then_some(())
        }
    })
    .await;
    app.click("nav-settings").await;
    app.testid("backup-row").await;
    app.click("backup-now").await;
    app.text_until("backup-result", |t| !t.is_empty()).await;
    let listed = json(vivier(&dir, &["--json", "backup", "list"], &[]));
    let backups = listed["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 2, "{listed}");
    assert!(backups.iter().any(|b| b["reason"] == "daily") && backups.iter().any(|b| b["reason"] == "manual"));

    // Ada is erased after the backups were taken (through the CLI, beside the running app).
    json(vivier(&dir, &["--json", "candidate", "erase", "ada@example.org", "--yes"], &[]));
    assert_eq!(names(&dir), vec!["Bea Kept".to_owned()]);

    // Restore the newest backup: the app says one person will be purged again.
    app.click("backup-restore").await;
    let asked = app.text_until("confirm-message", |t| !t.is_empty()).await;
    assert!(asked.contains(" 1 "), "{asked}");
    app.click("confirm-yes").await;
    let done = app.text_until("backup-result", |t| t.contains('1')).await;
    assert!(done.contains('1'), "{done}");
    assert_eq!(names(&dir), vec!["Bea Kept".to_owned()]);
    // The screens read the restored database.
    app.click("nav-candidates").await;
    let shown = app.text_until("page-candidates", |t| t.contains("Bea Kept")).await;
    assert!(!shown.contains("Ada Erased"), "{shown}");
    eventually("the restore's audit entry", || {
        let dir = dir.clone();
        async move {
            let log = json(vivier(&dir, &["--json", "audit", "list"], &[]));
            log.to_string().contains("restore").then_some(())
        }
    })
    .await;
    app.stop().await;
}
