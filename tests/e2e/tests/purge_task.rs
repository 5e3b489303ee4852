//! Promise P6 while the app runs: the purge runs at start, once the store is unlocked, and
//! then at each interval, by the app's own clock. The debug build reads its clock from the
//! file named by VIVIER_TEST_CLOCK_FILE and takes VIVIER_PURGE_INTERVAL_SECS for the hour,
//! so the test moves time forward under a running app and watches people go — through the
//! CLI on the same database (what is stored) and through the screens (what is shown).

mod harness;

use harness::{App, Launch, eventually, vivier};

fn json(out: std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "vivier failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn candidates(dir: &std::path::Path) -> Vec<String> {
    json(vivier(dir, &["--json", "candidate", "list"], &[]))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_running_app_purges_at_start_and_at_each_interval_by_its_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let clock = tmp.path().join("clock");
    let now = chrono::Utc::now();
    json(vivier(&dir, &["--json", "init"], &[]));
    // Created now by the real clock: due 24 months later.
    for (name, email) in [("Ada Early", "ada@example.org"), ("Bea Later", "bea@example.org")] {
        json(vivier(&dir, &["--json", "candidate", "add", "--name", name, "--email", email], &[]));
    }
    // Ada objected: with no application open, her data goes at the next purge. The CLI
    // purges at once, so the objection goes in while a hold keeps her, released below.
    json(vivier(&dir, &["--json", "retention", "hold", "ada@example.org", "--reason", "Pending check"], &[]));
    json(vivier(&dir, &["--json", "candidate", "object", "ada@example.org"], &[]));
    json(vivier(&dir, &["--json", "retention", "release", "ada@example.org"], &[]));
    assert_eq!(candidates(&dir).len(), 2);

    std::fs::write(&clock, (now + chrono::Duration::days(1)).to_rfc3339()).unwrap();
    let app = App::start(Launch {
        data_dir: Some(dir.clone()),
        env: vec![
            ("VIVIER_TEST_CLOCK_FILE".into(), clock.display().to_string()),
            ("VIVIER_PURGE_INTERVAL_SECS".into(), "2".into()),
        ],
        ..Launch::default()
    })
    .await;
    app.testid("app-frame").await;
    // At start: Ada (objection, nothing open) goes; Bea stays.
    let left = eventually("the purge at start", || {
        let dir = dir.clone();
        async move {
            let left = candidates(&dir);
            (left.len() == 1).then_some(left)
        }
    })
    .await;
    assert_eq!(left, vec!["Bea Later".to_owned()]);
    // A few intervals later, still a day after creation: nobody else goes early.
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert_eq!(candidates(&dir), vec!["Bea Later".to_owned()]);
    app.click("nav-candidates").await;
    app.text_until("page-candidates", |t| t.contains("Bea Later")).await;

    // Time moves past Bea's 24 months while the app runs: the interval purge takes her.
    std::fs::write(&clock, (now + chrono::Months::new(24) + chrono::Duration::hours(1)).to_rfc3339()).unwrap();
    eventually("the interval purge", || {
        let dir = dir.clone();
        async move { candidates(&dir).is_empty().then_some(()) }
    })
    .await;
    let log = json(vivier(&dir, &["--json", "retention", "log"], &[]));
    let rules: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, vec!["pool", "objection"]);
    // The screens follow: the candidates page no longer lists her.
    app.click("nav-jobs").await;
    app.click("nav-candidates").await;
    app.testid("candidates-empty").await;
    assert!(!app.testid("page-candidates").await.text().await.unwrap().contains("Bea Later"));
    app.stop().await;
}
