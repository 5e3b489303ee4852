//! Promises P6 and P7 on the screens: a profile says until when the candidate is kept and
//! why; a legal hold placed there is listed on the Retention screen; an erasure asked for
//! by the candidate is confirmed once, removes them at once and leaves a purge-log line
//! with their UUID and the rule, never their name; a hire's erasure is refused with
//! restriction offered instead (and restriction takes them out of search); an objection
//! while an application is open is recorded, not purged; the app's own purge, unattended,
//! waits for HR when it would take too many people at once (HR checks the date and confirms
//! on the Retention screen), and people kept only by an application left open are listed.
//! People are added through the CLI beforehand; the CLI checks afterwards what the database
//! holds.

mod harness;

use std::path::Path;

use fantoccini::Locator;
use harness::{App, Launch, eventually, vivier};

fn json(out: std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "vivier failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs the CLI with `--json` on a data directory and returns its answer.
fn cli(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    json(vivier(dir, &all, &[]))
}

fn uuid(value: &serde_json::Value) -> String {
    value["uuid"].as_str().expect("a uuid").to_owned()
}

/// The calendar day (year, month, day) of an RFC 3339 UTC instant.
fn day_of(instant: &str) -> (i32, u32, u32) {
    let (y, m, d) = (&instant[0..4], &instant[5..7], &instant[8..10]);
    (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap())
}

/// The same day `years` later; 29 February becomes 28 February, as the engine counts.
fn years_later((y, m, d): (i32, u32, u32), years: i32) -> (i32, u32, u32) {
    let y = y + years;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    (y, m, if m == 2 && d == 29 && !leap { 28 } else { d })
}

/// A day as both interface languages show it (en-GB and fr-FR: 31/01/2027).
fn shown((y, m, d): (i32, u32, u32)) -> String {
    format!("{d:02}/{m:02}/{y}")
}

fn iso((y, m, d): (i32, u32, u32)) -> String {
    format!("{y}-{m:02}-{d:02}")
}

/// The app in UTC, so that "local" days are the test's days.
async fn start(dir: &Path) -> App {
    let app = App::start(Launch {
        data_dir: Some(dir.to_owned()),
        env: vec![("TZ".into(), "UTC".into())],
        ..Launch::default()
    })
    .await;
    app.testid("app-frame").await;
    app
}

/// Sets a date input as a date picker would (WebDriver cannot type into every picker).
async fn set_date(app: &App, id: &str, day: &str) {
    let el = app.testid(id).await;
    app.client
        .execute(
            "const [el, day] = arguments; el.value = day; el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&el).unwrap(), serde_json::Value::from(day)],
        )
        .await
        .unwrap();
}

/// Searches (Ctrl+K dialog) and waits for an answer: whether it found anyone.
async fn search_finds(app: &App, text: &str) -> bool {
    app.click("search-open").await;
    app.type_into("search-input", text).await;
    let found = eventually("the search's answer", || async move {
        let hits = app.client.find_all(Locator::Css("[data-testid=\"search-result\"]")).await.ok()?;
        if !hits.is_empty() {
            return Some(true);
        }
        app.present("[data-testid=\"search-empty\"]").await.then_some(false)
    })
    .await;
    // Escape closes the dialog.
    app.testid("search-input").await.send_keys("\u{e00c}").await.unwrap();
    eventually("the search dialog closed", || async move {
        (!app.present("[data-testid=\"search-dialog\"]").await).then_some(())
    })
    .await;
    found
}

/// Opens a candidate's profile from the candidates page.
async fn open_profile(app: &App, name: &str) {
    app.click("nav-candidates").await;
    let xpath = format!("//button[@data-testid='candidate-row' and normalize-space(.)='{name}']");
    let row = eventually(&format!("{name} in the candidates list"), || {
        let xpath = xpath.clone();
        async move { app.client.find(Locator::XPath(&xpath)).await.ok() }
    })
    .await;
    row.click().await.unwrap();
    let title = app.text_until("profile-name", |t| t.trim() == name).await;
    assert_eq!(title.trim(), name);
}

/// The profile's "kept until" line once its rule is `rule`: (text, due attribute).
async fn kept_until(app: &App, rule: &str) -> (String, String) {
    let line = eventually(&format!("the kept-until line with rule {rule}"), || async move {
        let el = app.client.find(Locator::Css("[data-testid=\"profile-kept-until\"]")).await.ok()?;
        (el.attr("data-rule").await.ok()??.as_str() == rule).then_some(el)
    })
    .await;
    (line.text().await.unwrap(), line.attr("data-due").await.unwrap().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_says_until_when_it_is_kept_a_hold_is_listed_and_an_erasure_leaves_a_nameless_log_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    cli(&dir, &["init"]);
    let lea = cli(&dir, &["candidate", "add", "--name", "Léa Fontaine", "--email", "lea.fontaine@example.org"]);
    let marc = cli(&dir, &["candidate", "add", "--name", "Marc Aubert", "--email", "marc.aubert@example.org"]);
    let created = day_of(lea["created_at"].as_str().unwrap());
    let marc_uuid = uuid(&marc);

    let app = start(&dir).await;

    // A new user's Retention screen says what will happen, section by section.
    app.click("nav-retention").await;
    app.testid("retention-upcoming-empty").await;
    app.testid("retention-holds-empty").await;
    app.testid("purge-log-empty").await;

    // Not hired: kept 24 months after the last contact (here, the creation).
    open_profile(&app, "Léa Fontaine").await;
    let (text, due) = kept_until(&app, "pool").await;
    let expected = years_later(created, 2);
    assert!(text.contains(&shown(expected)), "kept-until line {text:?}, expected {}", shown(expected));
    assert!(text.contains("24"), "the rule does not say 24 months: {text:?}");
    assert!(due.starts_with(&iso(expected)), "due {due:?}, expected {}", iso(expected));
    assert!(!app.present("[data-testid=\"profile-held\"]").await, "held before any hold");

    // A legal hold with its reason and last day; the profile says it suspends the purge.
    let last_day = (created.0 + 1, 6, 30);
    app.click_centered("profile-hold").await;
    app.testid("confirm-box").await;
    app.type_into("profile-hold-reason", "Labour court case 2026-114").await;
    set_date(&app, "profile-hold-until", &iso(last_day)).await;
    app.click_centered("confirm-yes").await;
    app.testid("profile-held").await;
    let item = app.text_until("profile-hold-item", |t| t.contains("2026-114")).await;
    assert!(item.contains(&shown(last_day)), "the hold's last day on the profile: {item:?}");

    // The Retention screen lists it, in force, with its reason and last day.
    app.click("nav-retention").await;
    let row = app.testid("retention-hold-row").await;
    let said = row.text().await.unwrap();
    assert!(said.contains("Léa Fontaine") && said.contains("Labour court case 2026-114"), "hold row: {said:?}");
    assert_eq!(row.attr("data-in-force").await.unwrap().as_deref(), Some("true"));
    let until = app.testid("retention-hold-until").await.text().await.unwrap();
    assert_eq!(until.trim(), shown(last_day));

    // Erasure asks first: nothing is gone while the confirmation is open.
    open_profile(&app, "Marc Aubert").await;
    app.click_centered("profile-erase").await;
    let asked = app.text_until("confirm-message", |t| t.contains("Marc Aubert")).await;
    assert!(asked.contains("Marc Aubert"), "the confirmation does not name the person: {asked:?}");
    assert!(!app.present("[data-testid=\"profile-purged\"]").await, "purged before the confirmation");
    assert_eq!(cli(&dir, &["retention", "log"]).as_array().unwrap().len(), 0, "purged before the confirmation");
    app.click_centered("confirm-yes").await;
    app.testid("profile-purged").await;
    let shown_uuid = app.testid("profile-purged-uuid").await.text().await.unwrap();
    assert_eq!(shown_uuid.trim(), marc_uuid);

    // Gone from the candidates list; Léa stays.
    app.click("profile-purged-back").await;
    let list = app.text_until("page-candidates", |t| t.contains("Léa Fontaine")).await;
    assert!(list.contains("Léa Fontaine"), "Léa is gone too: {list:?}");
    assert!(!list.contains("Marc Aubert"), "Marc is still listed: {list:?}");

    // The purge log has his UUID and the rule, and no name anywhere on the screen.
    app.click("nav-retention").await;
    let entry = app.testid("purge-log-row").await;
    assert_eq!(entry.attr("data-rule").await.unwrap().as_deref(), Some("erasure"));
    assert_eq!(entry.attr("data-candidate").await.unwrap().as_deref(), Some(marc_uuid.as_str()));
    assert!(entry.text().await.unwrap().contains(&marc_uuid));
    let rows = app.client.find_all(Locator::Css("[data-testid=\"purge-log-row\"]")).await.unwrap();
    assert_eq!(rows.len(), 1);
    let screen = app.testid("page-retention").await.text().await.unwrap();
    assert!(!screen.contains("Marc") && !screen.contains("Aubert"), "a name on the retention screen: {screen:?}");

    // With a one-month pool period, Léa is due within 60 days, held.
    app.type_into("retention-pool-months", "1").await;
    app.click_centered("retention-pool-save").await;
    app.testid("retention-settings-saved").await;
    app.testid("retention-days").await.select_by_value("60").await.unwrap();
    let soon = app.testid("retention-upcoming-row").await;
    assert!(soon.text().await.unwrap().contains("Léa Fontaine"));
    assert_eq!(soon.attr("data-candidate").await.unwrap(), lea["uuid"].as_str().map(str::to_owned));
    soon.find(Locator::Css("[data-testid=\"retention-held\"]")).await.expect("the held badge");

    let _ = app.stop().await;
    let names: Vec<String> = cli(&dir, &["candidate", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["Léa Fontaine".to_owned()]);
    let log = cli(&dir, &["retention", "log"]);
    assert_eq!(log[0]["candidate_uuid"], marc_uuid.as_str());
    assert_eq!(log[0]["rule"], "erasure");
    assert!(!log.to_string().contains("Marc"), "a name in the purge log: {log}");
    // The hold ends at the first instant after its last day, local time (UTC here).
    let holds = cli(&dir, &["retention", "holds"]);
    let until = holds[0]["until"].as_str().unwrap_or_default();
    let next = (last_day.0, 7, 1);
    assert!(until.starts_with(&format!("{}T00:00:00", iso(next))), "the hold's end: {holds}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hire_cannot_be_erased_but_restricted_and_an_objection_waits_for_the_open_application() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    cli(&dir, &["init"]);
    let job = uuid(&cli(&dir, &["job", "add", "--title", "Welder", "--country", "FR"]));
    cli(&dir, &["candidate", "add", "--name", "Nadia Haddad", "--email", "nadia.haddad@example.org"]);
    let application = cli(&dir, &["apply", "nadia.haddad@example.org", &job]);
    let hire = uuid(&application);
    let applied = day_of(application["created_at"].as_str().unwrap());
    for stage in ["offer", "hired"] {
        cli(&dir, &["stage", &hire, stage]);
    }
    cli(&dir, &["candidate", "add", "--name", "Omar Benali", "--email", "omar.benali@example.org"]);
    cli(&dir, &["apply", "omar.benali@example.org", &job]);

    let app = start(&dir).await;

    // A hire is kept while the contract runs; search finds her.
    open_profile(&app, "Nadia Haddad").await;
    let (_, due) = kept_until(&app, "contract_running").await;
    assert_eq!(due, "", "a running contract has no due date");
    assert!(search_finds(&app, "Haddad").await, "search does not find her before the restriction");

    // Her erasure is refused by the engine, with restriction offered instead.
    app.click_centered("profile-erase").await;
    app.click_centered("confirm-yes").await;
    let refused = app.text_until("profile-erase-refused", |t| !t.trim().is_empty()).await;
    assert!(refused.to_lowercase().contains("hired"), "the legal reason: {refused:?}");
    assert!(!app.present("[data-testid=\"profile-purged\"]").await, "a hire was purged");
    app.click_centered("profile-restrict").await;
    app.testid("profile-restricted").await;
    assert!(!app.present("[data-testid=\"profile-erase-refused\"]").await, "the refusal stays after restricting");

    // Restricted: out of search.
    assert!(!search_finds(&app, "Haddad").await, "a restricted person is found by search");

    // The contract ends: kept five more years (France, by default), then purged. Its last
    // day is kept whole, as a hold's is: due at the first instant after it (midnight UTC).
    let (y, _, _) = applied;
    set_date(&app, "profile-contract-end", &format!("{}-12-31", y + 1)).await;
    app.click_centered("profile-contract-save").await;
    let (_, due) = kept_until(&app, "hired_retention").await;
    assert!(due.starts_with(&format!("{}-01-01T00:00:00", y + 7)), "due after the contract: {due:?}");

    // An objection while an application is open is recorded; nothing is purged.
    open_profile(&app, "Omar Benali").await;
    app.click_centered("profile-object").await;
    app.click_centered("confirm-yes").await;
    app.testid("profile-retention-notice").await;
    app.testid("profile-objected").await;
    assert!(!app.present("[data-testid=\"profile-purged\"]").await, "purged with an application open");
    let (_, due) = kept_until(&app, "application_open").await;
    assert_eq!(due, "", "kept while the application is open, with no date");

    let _ = app.stop().await;
    let names = cli(&dir, &["candidate", "list"]).to_string();
    assert!(names.contains("Nadia Haddad") && names.contains("Omar Benali"), "someone was purged: {names}");
    assert!(cli(&dir, &["retention", "log"]).as_array().unwrap().is_empty(), "the purge log is not empty");
    let omar = cli(&dir, &["retention", "show", "omar.benali@example.org"]);
    assert!(omar["objected_at"].is_string(), "the objection is not recorded: {omar}");
    let nadia = cli(&dir, &["retention", "show", "nadia.haddad@example.org"]);
    assert!(nadia["restricted_at"].is_string(), "the restriction is not recorded: {nadia}");
    assert_eq!(nadia["rule"], "hired_retention");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_automatic_purge_of_too_many_waits_for_hr_and_an_application_left_open_is_listed() {
    const POOL: usize = 60;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let clock = tmp.path().join("clock");
    cli(&dir, &["init"]);
    cli(&dir, &["retention", "settings", "--pool-months", "1"]);
    // Sixty people last heard of today: with a one-month pool, all due a month on.
    for i in 0..POOL {
        let (name, email) = (format!("Pool Person {i:02}"), format!("pool.{i:02}@example.org"));
        cli(&dir, &["candidate", "add", "--name", &name, "--email", &email]);
    }
    // One more, at interview since today: kept while the application is open.
    let job = uuid(&cli(&dir, &["job", "add", "--title", "Joiner", "--country", "FR"]));
    let ines = uuid(&cli(&dir, &["candidate", "add", "--name", "Inès Morel", "--email", "ines.morel@example.org"]));
    let application = cli(&dir, &["apply", "ines.morel@example.org", &job]);
    let opened = day_of(application["created_at"].as_str().unwrap());
    cli(&dir, &["stage", &uuid(&application), "interview"]);

    // The machine believes it is three months later: sixty of sixty-one would go at once,
    // more than an unattended purge may (50).
    let believed = chrono::Utc::now() + chrono::Duration::days(90);
    std::fs::write(&clock, believed.to_rfc3339()).unwrap();
    let believed_day = day_of(&believed.to_rfc3339());
    let app = App::start(Launch {
        data_dir: Some(dir.clone()),
        env: vec![("TZ".into(), "UTC".into()), ("VIVIER_TEST_CLOCK_FILE".into(), clock.display().to_string())],
        ..Launch::default()
    })
    .await;
    app.testid("app-frame").await;

    // The Retention screen shows the purge that waited: why, how many, the date believed.
    app.click("nav-retention").await;
    let banner = app.testid("retention-withheld").await;
    assert_eq!(banner.attr("role").await.unwrap().as_deref(), Some("alert"));
    assert_eq!(banner.attr("data-reason").await.unwrap().as_deref(), Some("too_many"));
    assert_eq!(banner.attr("data-due").await.unwrap().as_deref(), Some("60"));
    let why = app.text_until("retention-withheld-why", |t| t.contains("60")).await;
    assert!(why.contains("60") && why.contains("61"), "the count: {why:?}");
    assert!(
        why.contains(&shown(believed_day)),
        "the date the machine believed: {why:?}, expected {}",
        shown(believed_day)
    );

    // Nobody went: all sixty are still due by that date, and the purge log is empty.
    assert!(cli(&dir, &["retention", "log"]).as_array().unwrap().is_empty(), "someone was purged unattended");
    let preview = cli(&dir, &["purge", "--as-of", &iso(believed_day), "--dry-run"]);
    assert_eq!(preview["purged"].as_array().unwrap().len(), POOL, "due by the believed date: {preview}");
    let listed = cli(&dir, &["candidate", "list", "--limit", "100"]);
    assert_eq!(listed.as_array().unwrap().len(), POOL + 1);

    // Inès is kept only by her open application, listed with its date and a way to her profile.
    let row = app.testid("retention-stale-row").await;
    assert_eq!(row.attr("data-candidate").await.unwrap().as_deref(), Some(ines.as_str()));
    let said = row.text().await.unwrap();
    assert!(said.contains("Inès Morel") && said.contains(&shown(opened)), "stale row: {said:?}");
    let rows = app.client.find_all(Locator::Css("[data-testid=\"retention-stale-row\"]")).await.unwrap();
    assert_eq!(rows.len(), 1);
    app.click_centered("retention-stale-open").await;
    let title = app.text_until("profile-name", |t| t.trim() == "Inès Morel").await;
    assert_eq!(title.trim(), "Inès Morel");
    let (text, due) = kept_until(&app, "application_open").await;
    assert_eq!(due, "", "an open application has no due date");
    assert!(text.contains("application is open"), "the profile's line: {text:?}");

    // HR checks the date and confirms: the attended purge takes the sixty, not Inès.
    app.click("nav-retention").await;
    app.click_centered("retention-withheld-confirm").await;
    let asked = app.text_until("confirm-message", |t| t.contains(&shown(believed_day))).await;
    assert!(asked.contains(&shown(believed_day)), "the confirmation does not say the date: {asked:?}");
    assert!(cli(&dir, &["retention", "log"]).as_array().unwrap().is_empty(), "purged before the confirmation");
    app.click_centered("confirm-yes").await;
    let result = app.testid("purge-result").await;
    assert_eq!(result.attr("data-purged").await.unwrap().as_deref(), Some("60"));
    let screen = &app;
    eventually("the notice answered", || async move {
        (!screen.present("[data-testid=\"retention-withheld\"]").await).then_some(())
    })
    .await;
    app.testid("retention-stale-row").await;

    let _ = app.stop().await;
    let log = cli(&dir, &["retention", "log", "--limit", "100"]);
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), POOL, "the purge log: {log:?}");
    assert!(log.iter().all(|e| e["rule"] == "pool"), "rules: {log:?}");
    assert!(log.iter().all(|e| e["candidate_uuid"] != ines.as_str()), "Inès was purged");
    let left = cli(&dir, &["candidate", "list", "--limit", "100"]);
    let names: Vec<&str> = left.as_array().unwrap().iter().map(|c| c["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Inès Morel"]);
}
