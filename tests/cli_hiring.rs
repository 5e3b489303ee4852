//! Stage-gated data through the `vivier` command line: `hiring set|show` and
//! `field add|set|list`, with --json, their exit codes (22 for a stage gate), and the
//! erasure when an application moves back from offer.

mod common;

use common::*;
use serde_json::Value;

type Cli = CliDir;

/// An application at `new`; returns its UUID.
fn application(c: &Cli) -> String {
    let a = c.ok(&["candidate", "add", "--name", "Ana Lima", "--email", "ana@example.org"]);
    let job = c.ok(&["job", "add", "--title", "Data engineer"]);
    let app = c.ok(&["apply", s(&a["uuid"]), s(&job["uuid"])]);
    s(&app["uuid"]).to_owned()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

const SET: [&str; 16] = [
    "--address",
    "12 rue des Lilas, 75011 Paris",
    "--birth-date",
    "1985-05-17",
    "--birth-place",
    "Lyon",
    "--nationality",
    "fr",
    "--nir",
    "1 85 05 78 006 084 91",
    "--iban",
    "FR76 3000 6000 0112 3456 7890 189",
    "--emergency-name",
    "Marc Lima",
    "--emergency-phone",
    "06 12 34 56 78",
];

fn set_args(app: &str) -> Vec<&str> {
    let mut args = vec!["hiring", "set", app];
    args.extend_from_slice(&SET);
    args
}

#[test]
fn hiring_details_are_refused_with_exit_22_before_offer_and_accepted_from_offer() {
    let c = Cli::new();
    let app = application(&c);
    for stage in ["new", "screening", "interview"] {
        if stage != "new" {
            c.ok(&["stage", &app, stage]);
        }
        let v = c.fails(&set_args(&app), 22, "stage_gate");
        let message = s(&v["error"]["message"]);
        assert!(message.contains("offer") && message.contains(stage), "{message}");
        assert!(message.ends_with("`vivier stage APPLICATION offer` moves it"), "{message}");
        assert!(!message.contains("185057") && !message.contains("FR76"), "{message}");
    }
    let shown = c.ok(&["hiring", "show", &app]);
    assert_eq!(shown["collectable"], false);
    assert!(shown["details"]["nir"].is_null());

    c.ok(&["stage", &app, "offer"]);
    let set = c.ok(&set_args(&app));
    assert_eq!(set["stage"], "offer");
    assert_eq!(set["details"]["nir"], "185057800608491");
    assert_eq!(set["details"]["iban"], "FR7630006000011234567890189");
    assert_eq!(set["details"]["birth_date"], "1985-05-17");
    assert_eq!(set["details"]["nationality"], "FR");

    c.ok(&["stage", &app, "hired"]);
    let shown = c.ok(&["hiring", "show", &app[..8]]);
    assert_eq!(shown["stage"], "hired");
    assert_eq!(shown["details"]["emergency_phone"], "+33612345678");

    // Human output groups the NIR and the IBAN as printed on the card.
    let out = c.run(false, &["hiring", "show", &app]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 85 05 78 006 084 91") && text.contains("FR76 3000 6000 0112"), "{text}");
}

#[test]
fn bad_hiring_values_exit_22_without_echoing_them() {
    let c = Cli::new();
    let app = application(&c);
    c.ok(&["stage", &app, "offer"]);
    let v = c.fails(&["hiring", "set", &app, "--nir", "1 85 05 78 006 084 92"], 22, "invalid_input");
    assert!(s(&v["error"]["message"]).contains("key"), "{v}");
    assert!(!s(&v["error"]["message"]).contains("1850578"), "{v}");
    let v = c.fails(&["hiring", "set", &app, "--iban", "GB82 WEST 1234 5698 7654 33"], 22, "invalid_input");
    assert!(!s(&v["error"]["message"]).contains("WEST"), "{v}");
    c.fails(&["hiring", "set", &app, "--birth-date", "17/05/1985"], 22, "invalid_input");
    let v = c.fails(&["hiring", "set", &app, "--emergency-name", "Marc"], 22, "invalid_input");
    assert!(s(&v["error"]["message"]).contains("`--emergency-phone`"), "{v}");
    let v = c.fails(&["hiring", "set", &app], 22, "invalid_input");
    assert!(s(&v["error"]["message"]).contains("`vivier hiring set --help`"), "{v}");
    c.fails(&["hiring", "set", "ffffffff", "--address", "x"], 20, "not_found");
    assert!(c.ok(&["hiring", "show", &app])["details"]["nir"].is_null());
}

#[test]
fn moving_back_from_offer_erases_the_details_and_the_audit_names_only_fields() {
    let c = Cli::new();
    let app = application(&c);
    c.ok(&["field", "add", "Start date", "--kind", "date", "--from", "offer"]);
    c.ok(&["stage", &app, "offer"]);
    c.ok(&set_args(&app));
    c.ok(&["field", "set", &app, "start date", "2026-06-01"]);
    c.ok(&["stage", &app, "interview"]);
    let shown = c.ok(&["hiring", "show", &app]);
    assert!(shown["details"]["address"].is_null() && shown["details"]["iban"].is_null(), "{shown}");
    assert_eq!(c.ok(&["field", "list", "--application", &app]).as_array().unwrap().len(), 0);

    let candidate = s(&shown["candidate_uuid"]).to_owned();
    let audit = c.ok(&["audit", "list", "--candidate", &candidate]);
    let details: Vec<&str> = audit.as_array().unwrap().iter().filter_map(|e| e["detail"].as_str()).collect();
    let erased = details.iter().find(|d| d.contains("offer->interview")).unwrap();
    assert!(erased.contains("erased address,") && erased.contains("nir,iban") && erased.contains("field:Start date"));
    for d in &details {
        assert!(
            !d.contains("185057") && !d.contains("FR76") && !d.contains("Lilas") && !d.contains("2026-06-01"),
            "{d}"
        );
    }
    assert!(c.ok(&["audit", "verify"])["first_broken"].is_null());
}

#[test]
fn custom_fields_are_declared_listed_and_gated_by_their_stage() {
    let c = Cli::new();
    let app = application(&c);
    let f = c.ok(&["field", "add", "Notice period", "--kind", "number", "--from", "screening"]);
    assert_eq!(f["kind"], "number");
    assert_eq!(f["collect_from"], "screening");
    c.fails(&["field", "add", "notice period", "--kind", "text", "--from", "new"], 22, "invalid_input");
    c.fails(&["field", "add", "Shoe size", "--kind", "colour", "--from", "new"], 22, "invalid_input");
    c.fails(&["field", "add", "Why", "--kind", "text", "--from", "rejected"], 22, "invalid_input");
    c.fails(&["field", "add", "Why", "--kind", "text", "--from", "later"], 22, "invalid_input");
    let list = c.ok(&["field", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Notice period");

    let v = c.fails(&["field", "set", &app, "Notice period", "2"], 22, "stage_gate");
    assert!(s(&v["error"]["message"]).contains("screening"), "{v}");
    c.fails(&["field", "set", &app, "Nope", "2"], 20, "not_found");
    c.ok(&["stage", &app, "screening"]);
    c.fails(&["field", "set", &app, "Notice period", "two"], 22, "invalid_input");
    let v = c.ok(&["field", "set", &app, "Notice period", "2,5"]);
    assert_eq!(v["value"], "2.5");
    let values = c.ok(&["field", "list", "--application", &app]);
    assert_eq!(values[0]["field"], "Notice period");
    assert_eq!(values[0]["value"], "2.5");

    c.ok(&["stage", &app, "withdrawn"]);
    assert_eq!(c.ok(&["field", "list", "--application", &app]).as_array().unwrap().len(), 0);
    let v = c.fails(&["field", "set", &app, "Notice period", "2"], 22, "stage_gate");
    assert!(s(&v["error"]["message"]).contains("closed application"), "{v}");
}
