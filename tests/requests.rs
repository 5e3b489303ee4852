//! The requests register (promise P5) at its doors, against the real encrypted store: a
//! request entered by hand with its channel and received date, listed by due date and as
//! overdue, shown with its history, extended within the first month and refused after it,
//! refused with a reason; a confirmed erasure purges at once and a hire's is refused with
//! the restriction offered; `vivier doctor` counts overdue requests; who did what is in the
//! audit log; the dashboard's groups; the rows of migration 0009 carried into the register.

mod common;

use chrono::{Days, Months, Utc};
use common::{CliDir, TempDataDir, day, hr, person, t};
use serde_json::Value;
use vivier::requests::register::{Filter, NewRequest};
use vivier::requests::{Channel, Kind, Status};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn actions(c: &CliDir, candidate: &str) -> Vec<String> {
    let log = c.ok(&["audit", "list", "--candidate", candidate]);
    log.as_array().unwrap().iter().map(|e| s(&e["action"]).to_owned()).collect()
}

#[test]
fn a_request_by_hand_is_listed_shown_extended_in_time_refused_after_and_audited() {
    let c = CliDir::new();
    let cand = c.ok(&["candidate", "add", "--name", "Ines Morel", "--email", "ines@example.org"]);
    let uuid = s(&cand["uuid"]).to_owned();
    let today = Utc::now().date_naive();

    // Received ten days ago by phone: due one calendar month after that day.
    let received = today.checked_sub_days(Days::new(10)).unwrap();
    let r = c.ok(&[
        "request",
        "add",
        "ines@example.org",
        "--kind",
        "access",
        "--channel",
        "phone",
        "--received",
        &received.to_string(),
        "--note",
        "asked for a copy of her file",
    ]);
    let access = s(&r["uuid"]).to_owned();
    assert_eq!(r["status"], "open");
    assert_eq!(r["channel"], "phone");
    assert_eq!(r["kind"], "access");
    assert_eq!(r["identity"], "not_needed");
    assert_eq!(s(&r["due_on"]), vivier::requests::register::due_on(received).to_string());

    // Extended within the first month: due three calendar months after receipt.
    let ext = c.ok(&["request", "extend", &access, "--months", "2", "--reason", "many documents to gather"]);
    assert_eq!(s(&ext["due_on"]), received.checked_add_months(Months::new(3)).unwrap().to_string());
    assert_eq!(ext["extended_months"], 2);
    assert_eq!(ext["first_due_on"], r["due_on"]);
    // Two months in all at most.
    let v =
        c.fails(&["request", "extend", &access, "--months", "1", "--reason", "still more"], 31, "extension_refused");
    assert!(s(&v["error"]["message"]).contains("two months"), "{v}");
    c.fails(&["request", "extend", &access, "--months", "3", "--reason", "x"], 22, "invalid_input");

    // Received forty days ago by letter: overdue, and too late to extend.
    let old = today.checked_sub_days(Days::new(40)).unwrap();
    let r =
        c.ok(&["request", "add", &uuid, "--kind", "correction", "--channel", "letter", "--received", &old.to_string()]);
    let correction = s(&r["uuid"]).to_owned();
    let v = c.fails(&["request", "extend", &correction, "--months", "1", "--reason", "busy"], 31, "extension_refused");
    let message = s(&v["error"]["message"]);
    assert!(
        message.contains("first month") && message.contains(&vivier::requests::register::due_on(old).to_string()),
        "{message}"
    );
    assert_eq!(c.ok(&["request", "show", &correction])["request"]["extended_months"], 0, "nothing written");

    // Lists: both pending by due date; --overdue only the late one; --due-before.
    let list = c.ok(&["request", "list"]);
    let uuids: Vec<&str> = list.as_array().unwrap().iter().map(|r| s(&r["uuid"])).collect();
    assert_eq!(uuids, vec![correction.as_str(), access.as_str()]);
    let overdue = c.ok(&["request", "list", "--overdue"]);
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["uuid"], correction.as_str());
    let before = c.ok(&["request", "list", "--due-before", &today.to_string()]);
    assert_eq!(before.as_array().unwrap().len(), 1);
    assert_eq!(c.ok(&["request", "list", "--status", "done"]).as_array().unwrap().len(), 0);
    c.fails(&["request", "list", "--status", "closed"], 2, "usage");

    // `vivier doctor` counts the overdue request.
    assert_eq!(c.ok(&["doctor"])["requests_overdue"], 1);
    let human = c.run(false, &["doctor"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("requests         1 overdue"));

    // Refused, with its reason (a reason is required; HR's words go through the guard).
    c.fails(&["request", "refuse", &correction, "--reason", "  "], 22, "reason_required");
    c.fails(&["request", "refuse", &correction, "--reason", "she is a trade union member"], 25, "sensitive_data");
    let refused = c.ok(&["request", "refuse", &correction, "--reason", "the values given are already the ones held"]);
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["refusal_reason"], "the values given are already the ones held");
    c.fails(&["request", "confirm", &correction], 22, "request_decided");
    assert_eq!(c.ok(&["doctor"])["requests_overdue"], 0);

    // The access is done once HR has acted; its history names who did what, when.
    let done = c.ok(&["request", "confirm", &access]);
    assert_eq!(done["kind"], "access");
    let shown = c.ok(&["request", "show", &access]);
    assert_eq!(shown["request"]["status"], "done");
    assert_eq!(shown["request"]["decided_by"], "hr.test");
    let history: Vec<&str> = shown["history"].as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    assert_eq!(history, vec!["request_open", "request_extend", "request_done"]);
    assert!(shown["history"].as_array().unwrap().iter().all(|e| e["actor"] == "hr.test"));
    let shown = c.ok(&["request", "show", &correction]);
    let history: Vec<&str> = shown["history"].as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    assert_eq!(history, vec!["request_open", "request_refused"]);

    // The audit log has every step, and never HR's reasons or notes.
    let log = c.ok(&["audit", "list", "--candidate", &uuid]).to_string();
    assert!(!log.contains("many documents") && !log.contains("already the ones") && !log.contains("a copy of her"));
    let acts = actions(&c, &uuid);
    for a in ["request_open", "request_extend", "request_refused", "request_done"] {
        assert!(acts.iter().any(|x| x == a), "{a} missing from {acts:?}");
    }
    c.ok(&["audit", "verify"]);

    // The requests are on the candidate's timeline.
    let profile = c.ok(&["candidate", "show", &uuid]);
    let on_timeline: Vec<&str> = profile["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "request")
        .map(|e| s(&e["reference"]))
        .collect();
    assert_eq!(on_timeline.len(), 2, "{profile}");
    assert!(on_timeline.contains(&access.as_str()) && on_timeline.contains(&correction.as_str()));

    // Bad input: a clear error, nothing written.
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap().to_string();
    c.fails(&["request", "add", &uuid, "--kind", "access", "--received", &tomorrow], 22, "invalid_input");
    c.fails(&["request", "add", &uuid, "--kind", "gossip"], 2, "usage");
    c.fails(&["request", "add", &uuid, "--kind", "access", "--channel", "pigeon"], 2, "usage");
    c.fails(&["request", "add", "nobody@example.org", "--kind", "access"], 20, "not_found");
    assert_eq!(c.ok(&["request", "list", "--all"]).as_array().unwrap().len(), 2);
}

#[test]
fn confirming_an_erasure_purges_at_once_and_a_hires_is_refused_with_restriction_offered() {
    let c = CliDir::new();
    let cand = c.ok(&["candidate", "add", "--name", "Bo Chen", "--email", "bo@example.org"]);
    let gone = s(&cand["uuid"]).to_owned();
    let r = c.ok(&["request", "add", &gone, "--kind", "erasure", "--channel", "in-person"]);
    let erasure = s(&r["uuid"]).to_owned();
    let confirmed = c.ok(&["request", "confirm", &erasure]);
    assert_eq!(confirmed["kind"], "erasure");
    assert_eq!(confirmed["outcome"]["purged"]["rule"], "erasure", "{confirmed}");
    c.fails(&["candidate", "show", &gone], 20, "not_found");
    // The request went with the person; the audit log keeps the UUIDs.
    c.fails(&["request", "show", &erasure], 20, "not_found");
    let acts = actions(&c, &gone);
    assert!(acts.iter().any(|a| a == "request_done") && acts.iter().any(|a| a == "purge"), "{acts:?}");
    // A purged candidate cannot be given a new request.
    c.fails(&["request", "add", &gone, "--kind", "access"], 20, "purged");

    // A hire: the erasure is refused by law, the request stays open, restriction offered.
    let job = c.ok(&["job", "add", "--title", "Welder"]);
    let hire = s(&c.ok(&["candidate", "add", "--name", "Cy Diaz", "--email", "cy@example.org"])["uuid"]).to_owned();
    let app = s(&c.ok(&["apply", "cy@example.org", s(&job["uuid"])])["uuid"]).to_owned();
    c.ok(&["stage", &app, "offer"]);
    c.ok(&["stage", &app, "hired"]);
    let r = c.ok(&["request", "add", &hire, "--kind", "erasure", "--channel", "email"]);
    let erasure = s(&r["uuid"]).to_owned();
    let v = c.fails(&["request", "confirm", &erasure], 26, "hired_cannot_be_erased");
    assert!(s(&v["error"]["message"]).contains("restrict"), "{v}");
    let shown = c.ok(&["request", "show", &erasure]);
    assert_eq!(shown["request"]["status"], "open");
    let history: Vec<&str> = shown["history"].as_array().unwrap().iter().map(|e| s(&e["action"])).collect();
    assert_eq!(history, vec!["request_open"], "nothing written for the refused act");
    // The restriction, asked for as a request and confirmed, is set.
    let r = c.ok(&["request", "add", &hire, "--kind", "restriction", "--channel", "email"]);
    c.ok(&["request", "confirm", s(&r["uuid"])]);
    assert!(!c.ok(&["retention", "show", &hire])["restricted_at"].is_null());
    c.ok(&["request", "refuse", &erasure, "--reason", "employment contract: kept for the legal period, restricted"]);
    assert_eq!(c.ok(&["request", "list"]).as_array().unwrap().len(), 0);
}

#[test]
fn the_dashboard_groups_overdue_due_this_week_and_done() {
    let data = TempDataDir::with_passphrase();
    let mut s = data.open().unwrap();
    let now = t(2027, 3, 10);
    let ana = person(&mut s, t(2027, 1, 2), "Ana Lima", "ana@example.org");
    let add = |s: &mut vivier::db::Store, kind: Kind, received| {
        let new =
            NewRequest { candidate: ana.clone(), kind, channel: Channel::Letter, received: Some(received), note: None };
        s.add_request(&hr(now), &new).unwrap()
    };
    // 31 January: due 28 February 2027, overdue on 10 March.
    let late = add(&mut s, Kind::Access, day(2027, 1, 31));
    assert_eq!(late.due_on, day(2027, 2, 28));
    // 12 February: due 12 March, this week.
    let soon = add(&mut s, Kind::Correction, day(2027, 2, 12));
    // 9 March: due 9 April, later.
    let later = add(&mut s, Kind::Objection, day(2027, 3, 9));
    let answered = add(&mut s, Kind::Access, day(2027, 3, 1));
    s.refuse_request(&hr(now), &answered.uuid, "asked twice").unwrap();

    let d = s.request_dashboard(now.date_naive()).unwrap();
    let ids = |v: &[vivier::requests::register::Request]| v.iter().map(|r| r.uuid.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&d.overdue), vec![late.uuid.clone()]);
    assert_eq!(ids(&d.due_this_week), vec![soon.uuid.clone()]);
    assert_eq!(ids(&d.later), vec![later.uuid.clone()]);
    assert_eq!(ids(&d.done), vec![answered.uuid.clone()]);
    assert!(d.needs_attention());
    assert_eq!(s.overdue_requests(now.date_naive()).unwrap(), 1);
    // Thirty-one days on, the refusal has left the "done" list.
    let d = s.request_dashboard(day(2027, 4, 11)).unwrap();
    assert!(d.done.is_empty());
    assert_eq!(d.overdue.len(), 3);

    // Extension: within the first month only (the store's clock is the stamp's).
    let e = s.extend_request(&hr(t(2027, 3, 9)), &soon.uuid, 1, "documents in storage").unwrap();
    assert_eq!(e.due_on, day(2027, 4, 12));
    let err = s.extend_request(&hr(now), &late.uuid, 1, "too late").unwrap_err();
    assert_eq!(err.code(), vivier::error::Code::ExtensionRefused);
    // Leap year: received 31 January 2028, due 29 February, extendable that day.
    let new = NewRequest {
        candidate: ana.clone(),
        kind: Kind::Erasure,
        channel: Channel::Form,
        received: None,
        note: Some("the web form".into()),
    };
    let leap = s.add_request(&hr(t(2028, 1, 31)), &new).unwrap();
    assert_eq!(leap.due_on, day(2028, 2, 29));
    let e = s.extend_request(&hr(t(2028, 2, 29)), &leap.uuid, 2, "a hold to check").unwrap();
    assert_eq!(e.due_on, day(2028, 4, 30));

    let pending =
        s.request_list(&Filter { status: Some(Status::Open), ..Filter::default() }, now.date_naive()).unwrap();
    assert_eq!(pending.len(), 4);
}

/// The rows of migration 0009 (opened from replies) are carried into the register:
/// 'open' awaits confirmation, 'confirmed' is done, 'dismissed' is refused with a reason.
#[test]
fn requests_of_the_minimal_register_migrate() {
    use vivier::db::migration_testing;
    let data = TempDataDir::with_passphrase();
    std::fs::remove_file(data.dir.db_path()).unwrap();
    let key = common::key_of(&data.dir);
    {
        let mut conn = rusqlite::Connection::open(data.dir.db_path()).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key.expose_secret_bytes()))).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;").unwrap();
        migration_testing::migrate_to(&mut conn, 11).unwrap();
        conn.execute_batch(
            "INSERT INTO candidates (id, uuid, full_name, source, created_at, last_contact_at)
             VALUES (1, '11111111-1111-4111-8111-111111111111', 'Old Timer', 'direct',
                     '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z');
             INSERT INTO requests (uuid, candidate_id, kind, detail, received_at, due_on, status, decided_at, decided_by)
             VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 1, 'erasure', NULL, '2026-11-02T09:00:00Z', '2026-12-02',
                     'open', NULL, NULL),
                    ('aaaaaaaa-0000-4000-8000-000000000002', 1, 'renewal', NULL, '2026-11-03T09:00:00Z', '2026-12-03',
                     'confirmed', '2026-11-04T09:00:00Z', 'hr.bob'),
                    ('aaaaaaaa-0000-4000-8000-000000000003', 1, 'correction', 'new@example.org',
                     '2026-11-05T09:00:00Z', '2026-12-05', 'dismissed', '2026-11-06T09:00:00Z', 'hr.bob');",
        )
        .unwrap();
    }
    let s = data.open().unwrap();
    let all = s.requests(false).unwrap();
    let by = |n: &str| all.iter().find(|r| r.uuid.ends_with(n)).unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|r| r.channel == Channel::Email));
    assert_eq!(by("1").status, Status::AwaitingConfirmation);
    assert_eq!(by("1").due_on, day(2026, 12, 2));
    assert_eq!(by("2").status, Status::Done);
    assert_eq!(by("2").decided_by.as_deref(), Some("hr.bob"));
    assert_eq!(by("3").status, Status::Refused);
    assert!(by("3").refusal_reason.as_deref().unwrap().starts_with("not a request"));
    assert_eq!(by("3").detail.as_deref(), Some("new@example.org"));
    let h = s.health();
    assert!(h.is_sound(), "{h:?}");
}

/// An access request answered through `vivier request export`: the archive of the
/// request's candidate is written where asked and the request is done; an unknown `--lang`
/// is a usage error and writes nothing.
#[test]
fn an_access_request_is_exported_and_done() {
    let c = CliDir::new();
    c.ok(&["company", "set", "--name", "Atelier Vivier", "--signatory", "Claire Martin", "--address", "Paris"]);
    c.ok(&["candidate", "add", "--name", "Ines Morel", "--email", "ines@example.org"]);
    let r = c.ok(&["request", "add", "ines@example.org", "--kind", "access", "--channel", "email"]);
    let id = s(&r["uuid"]).to_owned();
    let out = c.root.join("ines-access.zip");
    let out_s = out.to_str().unwrap();

    c.fails(&["request", "export", &id, "-o", out_s, "--lang", "de"], 2, "usage");
    assert!(!out.exists());

    let done = c.ok(&["request", "export", &id, "-o", out_s]);
    assert_eq!(done["request"]["status"], "done");
    assert!(done["archive"]["rows"].as_u64().unwrap() > 0);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip archive");
    assert!(common::contains(&bytes, b"summary.pdf") && common::contains(&bytes, b"data.json"));
    let shown = c.ok(&["request", "show", &id]);
    assert_eq!(shown["request"]["status"], "done");
    assert!(actions(&c, s(&r["candidate"])).iter().any(|a| a == "access_export"));
}

/// A request registered while SMTP is set up queues its acknowledgement in the same
/// transaction (sent by the outbox), to the candidate's address; without SMTP the request
/// is registered and nothing is queued.
#[test]
fn a_registered_request_queues_its_acknowledgement_when_smtp_is_set_up() {
    use vivier::mail::transport::outbox;
    use vivier::mail::transport::settings::{SmtpSettings, save_smtp};
    use vivier::mail::transport::{Endpoint, Security};

    let data = TempDataDir::with_passphrase();
    let mut s = data.open().unwrap();
    let now = t(2027, 3, 10);
    let ana = person(&mut s, t(2027, 1, 2), "Ana Lima", "ana@example.org");
    let new = |kind| NewRequest { candidate: ana.clone(), kind, channel: Channel::Letter, received: None, note: None };

    // No SMTP: registered, nothing queued.
    s.add_request(&hr(now), &new(Kind::Access)).unwrap();
    assert!(outbox::list(&s).unwrap().is_empty());

    s.set_company(
        &hr(now),
        vivier::letters::Company { name: Some("Atelier Vivier".into()), ..vivier::letters::Company::default() },
    )
    .unwrap();
    let endpoint = Endpoint {
        host: "smtp.example.org".into(),
        port: 587,
        security: Security::StartTls,
        user: "jobs".into(),
        extra_ca: None,
        timeout_secs: 30,
    };
    save_smtp(&mut s, &SmtpSettings { endpoint, from: "Jobs <jobs@example.org>".into() }).unwrap();
    let r = s.add_request(&hr(now), &new(Kind::Erasure)).unwrap();
    let queued = outbox::list(&s).unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].to, vec!["ana@example.org".to_owned()]);
    assert_eq!(queued[0].status, "queued");
    assert_eq!(queued[0].candidate.as_deref(), Some(r.candidate.as_str()));
}
