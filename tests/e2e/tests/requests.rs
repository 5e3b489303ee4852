//! The requests register on the screens (promise P5): requests entered by hand (through the
//! CLI beforehand) — one received forty days ago, one twenty-five days ago — make the app
//! remind HR at start; the Requests screen shows the first as overdue and the second as
//! due this week. Extending the overdue one is refused (the first month is over) with the
//! engine's message; extending the other by a month with a reason moves it to "later".
//! HR registers a request by hand on the screen, refuses the overdue one with a reason
//! (it moves to "done lately"), and the CLI checks afterwards what the database holds.

mod harness;

use std::path::Path;

use chrono::{Days, Months, Utc};
use fantoccini::Locator;
use fantoccini::elements::Element;
use harness::{App, Launch, eventually, vivier};

fn cli(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = vivier(dir, &all, &[]);
    assert!(out.status.success(), "vivier failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The element `inner` (a data-testid) inside the row of request `uuid`.
fn in_row(uuid: &str, inner: &str) -> String {
    format!("[data-testid=\"request-row\"][data-uuid=\"{uuid}\"] [data-testid=\"{inner}\"]")
}

async fn click_css(app: &App, css: &str) -> Element {
    let el = app.wait_css(css).await;
    app.client
        .execute("arguments[0].scrollIntoView({ block: 'center' });", vec![serde_json::to_value(&el).unwrap()])
        .await
        .unwrap();
    el.click().await.unwrap();
    el
}

#[tokio::test(flavor = "multi_thread")]
async fn overdue_and_due_this_week_remind_at_start_and_hr_extends_refuses_and_adds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    cli(&dir, &["init"]);
    let nina = cli(&dir, &["candidate", "add", "--name", "Nina Roux", "--email", "nina.roux@example.org"]);
    let nina_uuid = nina["uuid"].as_str().unwrap().to_owned();
    cli(&dir, &["candidate", "add", "--name", "Paul Marin", "--email", "paul.marin@example.org"]);
    let today = Utc::now().date_naive();
    let forty = today.checked_sub_days(Days::new(40)).unwrap().to_string();
    let late = cli(&dir, &["request", "add", &nina_uuid, "--kind", "correction", "--received", &forty]);
    let late = late["uuid"].as_str().unwrap().to_owned();
    let received = today.checked_sub_days(Days::new(25)).unwrap();
    let soon = cli(
        &dir,
        &["request", "add", &nina_uuid, "--kind", "access", "--channel", "phone", "--received", &received.to_string()],
    );
    let soon = soon["uuid"].as_str().unwrap().to_owned();

    let app =
        App::start(Launch { data_dir: Some(dir.clone()), env: vec![("TZ".into(), "UTC".into())], ..Launch::default() })
            .await;
    app.testid("app-frame").await;

    // The reminder at start, then the dashboard.
    let reminder = app.testid("requests-reminder").await.text().await.unwrap();
    assert!(reminder.contains('1'), "{reminder}");
    app.click("requests-reminder-open").await;
    app.testid("page-requests").await;
    let row = app.wait_css(&format!("[data-testid=\"request-row\"][data-uuid=\"{late}\"]")).await;
    assert_eq!(row.attr("data-section").await.unwrap().as_deref(), Some("overdue"));
    let row = app.wait_css(&format!("[data-testid=\"request-row\"][data-uuid=\"{soon}\"]")).await;
    assert_eq!(row.attr("data-section").await.unwrap().as_deref(), Some("week"));

    // Extending the overdue one is refused: the first month is over.
    click_css(&app, &in_row(&late, "request-extend")).await;
    app.wait_css(&in_row(&late, "request-reason")).await.send_keys("more time please").await.unwrap();
    click_css(&app, "[data-testid=\"confirm-yes\"]").await;
    let error = app.wait_css(&in_row(&late, "request-error")).await.text().await.unwrap();
    assert!(error.contains("first month"), "{error}");
    assert_eq!(cli(&dir, &["request", "show", &late])["request"]["extended_months"], 0);
    click_css(&app, "[data-testid=\"confirm-no\"]").await;

    // Extending the one due this week by a month, with its reason: it moves to "later".
    click_css(&app, &in_row(&soon, "request-extend")).await;
    app.wait_css(&in_row(&soon, "request-reason")).await.send_keys("archives to retrieve").await.unwrap();
    click_css(&app, "[data-testid=\"confirm-yes\"]").await;
    let screen = &app;
    let soon_css = format!("[data-testid=\"request-row\"][data-uuid=\"{soon}\"][data-section=\"later\"]");
    let soon_css = soon_css.as_str();
    eventually("the extended request under later", || async move { screen.present(soon_css).await.then_some(()) })
        .await;
    let shown = cli(&dir, &["request", "show", &soon]);
    assert_eq!(shown["request"]["extended_months"], 1);
    assert_eq!(shown["request"]["extension_reason"], "archives to retrieve");
    assert_eq!(shown["request"]["due_on"], received.checked_add_months(Months::new(2)).unwrap().to_string());

    // A request registered on the screen.
    app.click("request-add").await;
    app.type_into("request-add-candidate", "paul.marin@example.org").await;
    app.type_into("request-add-note", "asked at the front desk").await;
    app.click("request-add-submit").await;
    app.testid("request-added").await;
    let listed = cli(&dir, &["request", "list", "--candidate", "paul.marin@example.org"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["kind"], "access");
    assert_eq!(listed[0]["channel"], "letter");
    assert_eq!(listed[0]["note"], "asked at the front desk");

    // The overdue one refused with its reason: it moves to "done lately".
    click_css(&app, &in_row(&late, "request-refuse")).await;
    app.wait_css(&in_row(&late, "request-reason")).await.send_keys("the values held are correct").await.unwrap();
    click_css(&app, "[data-testid=\"confirm-yes\"]").await;
    app.wait_css("[data-testid=\"request-done-row\"][data-status=\"refused\"]").await;
    let shown = cli(&dir, &["request", "show", &late]);
    assert_eq!(shown["request"]["status"], "refused");
    assert_eq!(shown["request"]["refusal_reason"], "the values held are correct");
    assert_eq!(cli(&dir, &["doctor"])["requests_overdue"], 0);

    // The requests are on Nina's timeline.
    let _ = app.client.find(Locator::Css("[data-testid=\"page-requests\"]")).await.unwrap();
    click_css(&app, &format!("[data-testid=\"request-row\"][data-uuid=\"{soon}\"] button.link")).await;
    app.wait_css("[data-testid=\"timeline\"] li[data-kind=\"request\"]").await;
    app.stop().await;
}
