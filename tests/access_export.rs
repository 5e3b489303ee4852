//! The access export (issue 14, promise P5) on the real encrypted store: a richly filled
//! candidate (documents with a flagged passage, notes and feedback, a message taken in from
//! an .eml, an access request read in it, hiring details, custom fields, an offer and its
//! letter, a hire with its contract end, a legal hold) is exported; the archive's data.json
//! validates against its schema.json; a walk of every registry table from the candidate's
//! UUID, in SQL written here, finds no row, document or message missing from the archive;
//! summary.pdf (read back with pdftotext) gives the retention date and the CNIL; a second
//! candidate's data is nowhere in it. Correction: the old name, email and phone are no
//! longer found by search, the new ones are, and the letter shows as outdated.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use vivier::access::AccessError;
use vivier::db::Store;
use vivier::documents::Upload;
use vivier::error::Code;
use vivier::hiring::{FieldKind, HiringDetails};
use vivier::letters::Company;
use vivier::letters::format::{Lang, date};
use vivier::letters::offer::OfferInput;
use vivier::person::registry::{Export, Link, TABLES};
use vivier::pipeline::search::SearchFilter;
use vivier::pipeline::{CandidateEdit, Language, NewCandidate, NewNote, Source, Stage};

const AGENCY: &str = "Talents & Associés";

fn company() -> Company {
    Company {
        name: Some("Atelier Vivier SAS".into()),
        address: Some("12 rue des Lilas\n75011 Paris".into()),
        signatory: Some("Claire Martin".into()),
        signatory_title: Some("DRH".into()),
        ..Company::default()
    }
}

fn eml(from: &str, id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: rh@atelier.fr\r\nSubject: Re: votre candidature\r\nMessage-ID: <{id}>\r\n\
         Date: Tue, 1 Dec 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A candidate with something in every table the registry names; their UUID and the
/// application's.
fn rich(s: &mut Store) -> (String, String) {
    let job = job(s, t(2026, 9, 1), "FR");
    let c = s
        .add_candidate(
            &hr(t(2026, 9, 2)),
            NewCandidate {
                full_name: "Jeanne Dupond".into(),
                emails: vec!["jeanne.dupond@oldmail.fr".into(), "jd@work.example.org".into()],
                phone: Some("06 12 34 56 78".into()),
                source: Source::Agency(AGENCY.into()),
                language: Language::En,
            },
        )
        .unwrap()
        .uuid;
    let cv = "Jeanne Dupond, data engineer. jeanne.dupond@oldmail.fr, 06 12 34 56 78. \
              Membre du syndicat CGT depuis 2015. Skills: Rust, SQL, Kafka.";
    s.add_document(
        &hr(t(2026, 9, 2)),
        &c,
        Upload { kind: "cv", file_name: "CV Jeanne.txt", bytes: cv.as_bytes() },
        &extractor(),
    )
    .unwrap();
    s.add_document(
        &hr(t(2026, 9, 2)),
        &c,
        Upload { kind: "letter", file_name: "motivation.txt", bytes: "Dear HR, I would love to join.".as_bytes() },
        &extractor(),
    )
    .unwrap();
    let app = s.apply(&hr(t(2026, 9, 3)), &c, &job).unwrap().uuid;
    s.add_note(
        &hr(t(2026, 9, 10)),
        &c,
        NewNote {
            body: "Strong on streaming systems.".into(),
            feedback: true,
            application: Some(app.clone()),
            ratings: vec![("technical".into(), 5), ("communication".into(), 4)],
        },
    )
    .unwrap();
    s.add_note(
        &hr(t(2026, 9, 11)),
        &c,
        NewNote {
            body: "Call back Jeanne Dupond on Monday.".into(),
            feedback: false,
            application: None,
            ratings: vec![],
        },
    )
    .unwrap();
    // A reply from her asking for access: a message and a request.
    let raw = eml(
        "Jeanne Dupond <jeanne.dupond@oldmail.fr>",
        "access-1@oldmail.fr",
        "Bonjour,\r\nJe souhaite accéder à mes données personnelles.\r\nJeanne Dupond, 06 12 34 56 78",
    );
    let taken = s.import_mail(&|| hr(t(2026, 10, 1)), "reply.eml", &raw[..], &extractor()).unwrap();
    assert_eq!(taken.len(), 1);
    for stage in [Stage::Screening, Stage::Interview, Stage::Offer] {
        s.move_stage(&hr(t(2026, 10, 5)), &app, stage, None).unwrap();
    }
    s.set_hiring_details(
        &hr(t(2026, 10, 6)),
        &app,
        HiringDetails {
            address: Some("3 rue Oberkampf, 75011 Paris".into()),
            iban: Some("FR7630006000011234567890189".into()),
            ..HiringDetails::default()
        },
    )
    .unwrap();
    s.declare_custom_field(&hr(t(2026, 10, 6)), "Notice period", FieldKind::Text, Stage::Interview).unwrap();
    s.set_custom_value(&hr(t(2026, 10, 6)), &app, "Notice period", "two months").unwrap();
    s.set_company(&hr(t(2026, 10, 6)), company()).unwrap();
    s.set_offer(
        &hr(t(2026, 10, 7)),
        &app,
        OfferInput {
            position: Some("Data engineer".into()),
            contract: Some("cdi".into()),
            start_date: Some("2027-01-04".into()),
            salary: Some("52000".into()),
            ..OfferInput::default()
        },
    )
    .unwrap();
    s.generate_offer_letter(&hr(t(2026, 10, 7)), &app, None, Some(Lang::En)).unwrap();
    s.move_stage(&hr(t(2026, 11, 2)), &app, Stage::Hired, None).unwrap();
    s.set_contract_end(&hr(t(2026, 11, 3)), &app, Some(day(2027, 6, 30))).unwrap();
    s.place_hold(&hr(t(2026, 11, 4)), &c, "Labour court case 26/042", None).unwrap();
    // A message to her, queued (no server needed to queue).
    let outgoing = vivier::mail::transport::outbox::Outgoing {
        candidate: Some(c.clone()),
        to: vec!["jeanne.dupond@oldmail.fr".into()],
        subject: "Your data".into(),
        body_text: "Dear Jeanne, your access request is being handled.".into(),
        in_reply_to: None,
        attachments: vec![],
    };
    vivier::mail::transport::outbox::queue(s, "rh@atelier.fr", &outgoing, t(2026, 11, 5)).unwrap();
    (c, app)
}

/// Another candidate, whose data must not be in the first one's archive.
fn other(s: &mut Store) -> String {
    let c = person(s, t(2026, 9, 5), "Zacharie Quenneville", "zacharie.q@example.net");
    s.add_document(
        &hr(t(2026, 9, 5)),
        &c,
        Upload { kind: "cv", file_name: "cv-zq.txt", bytes: "Zacharie Quenneville, xylophonist.".as_bytes() },
        &extractor(),
    )
    .unwrap();
    s.add_note(
        &hr(t(2026, 9, 6)),
        &c,
        NewNote { body: "Plays the xylophone.".into(), feedback: false, application: None, ratings: vec![] },
    )
    .unwrap();
    c
}

fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.insert(entry.name().unwrap().into_owned(), bytes);
    }
    out
}

// ----- a small validator of the part of JSON Schema 2020-12 that schema.json uses -----

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let path = r.strip_prefix("#/").unwrap_or_else(|| panic!("only local $ref: {r}"));
            path.split('/').fold(root, |v, k| &v[k])
        }
        None => schema,
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("type {other} is not used"),
    }
}

/// Errors of `v` against `schema` (empty when valid), with their JSON path.
fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    let known = [
        "$schema",
        "$id",
        "$ref",
        "$defs",
        "title",
        "description",
        "type",
        "const",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "anyOf",
        "maxItems",
        "minimum",
        "format",
    ];
    for key in schema.as_object().unwrap().keys() {
        assert!(known.contains(&key.as_str()), "schema keyword {key} is not checked by this validator");
    }
    match &schema["type"] {
        Value::String(t) if !type_ok(t, v) => errors.push(format!("{at}: not a {t}: {v}")),
        Value::Array(ts) if !ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)) => {
            errors.push(format!("{at}: not any of {ts:?}"))
        }
        _ => {}
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        errors.push(format!("{at}: {v} is not {c}"));
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{at}: {v} not in {e:?}"));
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < min
    {
        errors.push(format!("{at}: {n} < {min}"));
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let ok = any.iter().any(|s| {
            let mut e = Vec::new();
            validate(root, s, v, at, &mut e);
            e.is_empty()
        });
        if !ok {
            errors.push(format!("{at}: matches none of anyOf: {v}"));
        }
    }
    if let Some(o) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !o.contains_key(r.as_str().unwrap()) {
                errors.push(format!("{at}: missing {r}"));
            }
        }
        for (k, val) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(root, s, val, &format!("{at}/{k}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{at}: {k} is not in the schema")),
                    Some(s @ Value::Object(_)) => validate(root, s, val, &format!("{at}/{k}"), errors),
                    _ => {}
                },
            }
        }
    }
    if let Some(a) = v.as_array() {
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && a.len() as u64 > max
        {
            errors.push(format!("{at}: more than {max} items"));
        }
        if let Some(items) = schema.get("items") {
            for (i, item) in a.iter().enumerate() {
                validate(root, items, item, &format!("{at}/{i}"), errors);
            }
        }
    }
}

#[test]
fn the_validator_can_fail() {
    let schema = json!({ "type": "object", "properties": { "a": { "type": "integer" } }, "required": ["a"], "additionalProperties": false });
    for (bad, why) in [
        (json!({}), "missing"),
        (json!({ "a": "x" }), "not a integer"),
        (json!({ "a": 1, "b": 2 }), "not in the schema"),
    ] {
        let mut e = Vec::new();
        validate(&schema, &schema, &bad, "", &mut e);
        assert!(e.iter().any(|m| m.contains(why)), "{bad}: {e:?}");
    }
}

// ----- the walk, in SQL written here -----

/// Rows of `table` held on the candidate, found from the UUID alone, as JSON (blobs as
/// their SHA-256).
fn rows_in_db(s: &mut Store, table: &str, link: Link, uuid: &str) -> Vec<BTreeMap<String, Value>> {
    let me = "(SELECT id FROM candidates WHERE uuid = ?1)";
    let filter = match link {
        Link::Itself => "uuid = ?1".to_owned(),
        Link::Candidate => format!("candidate_id = {me}"),
        Link::Application => format!("application_id IN (SELECT id FROM applications WHERE candidate_id = {me})"),
        Link::Note => format!("note_id IN (SELECT id FROM notes WHERE candidate_id = {me})"),
        Link::UuidOnly => "candidate_uuid = ?1".to_owned(),
    };
    let conn = s.connection();
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {filter}")).unwrap();
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([uuid]).unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        let mut m = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            use rusqlite::types::ValueRef;
            let v = match row.get_ref(i).unwrap() {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(x) => json!(x),
                ValueRef::Real(x) => json!(x),
                ValueRef::Text(t) => json!(String::from_utf8(t.to_vec()).unwrap()),
                ValueRef::Blob(b) => json!({ "sha256": hex::encode(Sha256::digest(b)) }),
            };
            m.insert(n.clone(), v);
        }
        out.push(m);
    }
    out
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("summary.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (Makefile TEST_PACKAGES: poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_richly_filled_candidate_is_exported_whole_and_nobody_else() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let (uuid, _) = rich(&mut s);
    let zq = other(&mut s);
    let out_dir = tempfile::tempdir().unwrap();
    let dest = out_dir.path().join("access.zip");
    let started = std::time::Instant::now();
    let report = s.export_access(&hr(t(2026, 12, 1)), &uuid, &dest, None).unwrap();
    eprintln!(
        "access export: {} rows, {} entries, {} bytes in {:?}",
        report.rows,
        report.entries,
        report.bytes,
        started.elapsed()
    );
    assert_eq!(report.language, Lang::En, "the candidate's language");
    assert_eq!(report.documents, 3, "CV, letter, offer letter: {report:?}");
    assert!(report.messages >= 1, "{report:?}");
    let names: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("access.zip")], "nothing but the archive is left");

    let files = unzip(&dest);
    assert_eq!(files.len(), report.entries);
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let schema: Value = serde_json::from_slice(&files["schema.json"]).unwrap();

    // data.json validates against schema.json.
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let mut errors = Vec::new();
    validate(&schema, &schema, &data, "", &mut errors);
    assert!(errors.is_empty(), "data.json does not validate: {errors:#?}");
    // And a broken one does not: the check can fail.
    let mut broken = data.clone();
    broken["tables"]["candidates"]["rows"][0]["full_name"] = json!(42);
    let mut errors = Vec::new();
    validate(&schema, &schema, &broken, "", &mut errors);
    assert!(!errors.is_empty());

    // Every registry table is named and documented in the schema.
    for table in TABLES {
        let doc = &schema["properties"]["tables"]["properties"][table.name]["description"];
        assert!(doc.as_str().is_some_and(|d| !d.contains("not documented")), "{} undocumented", table.name);
    }

    // The walk: every row of every registry table, found from the UUID in SQL written here,
    // is in data.json, each file in the archive with its bytes.
    let mut seen_tables = 0;
    for table in TABLES {
        let given = &data["tables"][table.name];
        assert!(given.is_object(), "{} is not in data.json", table.name);
        let db_rows = rows_in_db(&mut s, table.name, table.link, &uuid);
        if table.export == Export::Internal {
            assert_eq!(given["export"], "internal");
            continue;
        }
        if !db_rows.is_empty() {
            seen_tables += 1;
        }
        let archived = given["rows"].as_array().unwrap();
        for row in &db_rows {
            // The export's own entry is written after the archive's content.
            if table.name == "audit" && row["action"] == "access_export" {
                continue;
            }
            let found = archived.iter().any(|a| {
                row.iter().all(|(col, v)| match v.get("sha256") {
                    Some(sha) => {
                        let f = &a[col];
                        f["sha256"] == *sha
                            && files
                                .get(f["file"].as_str().unwrap_or(""))
                                .is_some_and(|b| hex::encode(Sha256::digest(b)) == sha.as_str().unwrap())
                    }
                    None => a[col] == *v,
                })
            });
            assert!(found, "{} row missing from the archive: {row:?}", table.name);
        }
    }
    // Every table but the records of a purge (purge log, erasure ledger: a living person has
    // none) holds something of hers.
    assert_eq!(seen_tables, 15, "the candidate fills the registry: {seen_tables} tables with rows");
    let docs = files.keys().filter(|k| k.starts_with("documents/")).count();
    let mails = files.keys().filter(|k| k.starts_with("messages/") && k.ends_with(".eml")).count();
    assert_eq!(docs, 3);
    assert_eq!(mails, report.messages);
    // The CV's flagged passage is in its original: the candidate's own words, revealed.
    let cv = files.iter().find(|(k, _)| k.contains("CV_Jeanne")).map(|(_, v)| v).unwrap();
    assert!(contains(cv, "syndicat CGT".as_bytes()));

    // The summary, read back by poppler.
    let text = pdftotext(&files["summary.pdf"]);
    let status = s.retention_status(&hr(t(2026, 12, 1)), &uuid).unwrap();
    let due = date(Lang::En, status.due.expect("a hire with a contract end has a date").date_naive());
    assert!(text.contains(&due), "the retention date {due} is in the summary: {text}");
    assert!(text.contains("CNIL") && text.contains("cnil.fr"), "{text}");
    assert!(text.contains("5 years"), "the rule: the country's period: {text}");
    assert!(text.contains(AGENCY), "the source is the agency, named: {text}");
    assert!(text.contains("Atelier Vivier SAS"), "the employer: {text}");
    assert!(text.contains("hiring details") && text.contains("email messages"), "categories held: {text}");
    assert!(text.contains("legal obligation"), "the hold: {text}");

    // Nobody else's data.
    for (name, bytes) in &files {
        for needle in ["Zacharie", "Quenneville", "xylophon", "zacharie.q@example.net", zq.as_str()] {
            assert!(!contains(bytes, needle.as_bytes()), "{needle} in {name}");
        }
    }
    assert!(!text.contains("Zacharie"));

    // Audited with identifiers only.
    let entries = s.audit_entries(Some(&uuid), 1000).unwrap();
    let export = entries.iter().find(|e| e.action == "access_export").expect("the export is audited");
    let detail = export.detail.clone().unwrap_or_default();
    for personal in ["Jeanne", "Dupond", "oldmail", "access.zip", out_dir.path().to_str().unwrap()] {
        assert!(!detail.contains(personal), "{personal} in the audit: {detail}");
    }
}

#[test]
fn a_failed_export_leaves_nothing_and_says_what_to_do() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let c = person(&mut s, t(2026, 9, 1), "Ana Lima", "ana@example.org");
    let out_dir = tempfile::tempdir().unwrap();
    // No employer's name yet: the summary could not say who holds the data.
    let e = s.export_access(&hr(t(2026, 12, 1)), &c, &out_dir.path().join("a.zip"), None).unwrap_err();
    assert!(matches!(e, AccessError::NoEmployer), "{e}");
    assert_eq!(e.code(), Code::MergeFields);
    assert!(e.to_string().contains("company"), "{e}");
    s.set_company(&hr(t(2026, 12, 1)), company()).unwrap();
    // A folder that does not exist.
    let e = s.export_access(&hr(t(2026, 12, 1)), &c, &out_dir.path().join("missing/a.zip"), None).unwrap_err();
    assert_eq!(e.code(), Code::Io, "{e}");
    // A folder, not a file.
    let e = s.export_access(&hr(t(2026, 12, 1)), &c, Path::new("/"), None).unwrap_err();
    assert_eq!(e.code(), Code::InvalidInput, "{e}");
    assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0, "nothing half-written");
    assert!(!s.audit_entries(Some(&c), 100).unwrap().iter().any(|e| e.action == "access_export"));
    // French, asked for: the summary is in French.
    let dest = out_dir.path().join("acces.zip");
    let r = s.export_access(&hr(t(2026, 12, 1)), &c, &dest, Some(Lang::Fr)).unwrap();
    assert_eq!(r.language, Lang::Fr);
    let text = pdftotext(&unzip(&dest)["summary.pdf"]);
    assert!(text.contains("Vos droits") && text.contains("CNIL"), "{text}");
    assert!(text.contains("directement"), "a direct application: {text}");
}

fn found(s: &mut Store, query: &str) -> Vec<String> {
    s.search(&hr(t(2026, 12, 2)), query, &SearchFilter::default())
        .unwrap()
        .into_iter()
        .map(|h| h.candidate_uuid)
        .collect()
}

#[test]
fn a_correction_reaches_search_and_letters() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let (uuid, app) = rich(&mut s);
    for old in ["Jeanne Dupond", "Dupond", "jeanne.dupond@oldmail.fr", "06 12 34 56 78"] {
        assert_eq!(found(&mut s, old), vec![uuid.clone()], "{old} is found before the correction");
    }
    let letters = s.offer_letters(&app).unwrap();
    assert!(!letters[0].0.outdated);

    s.edit_candidate(
        &hr(t(2026, 12, 2)),
        &uuid,
        CandidateEdit {
            full_name: Some("Jeanne Dupont".into()),
            add_emails: vec!["jeanne.dupont@newmail.fr".into()],
            remove_emails: vec!["jeanne.dupond@oldmail.fr".into()],
            phone: Some(Some("07 98 76 54 32".into())),
            ..CandidateEdit::default()
        },
    )
    .unwrap();
    for old in ["Jeanne Dupond", "Dupond", "jeanne.dupond@oldmail.fr", "oldmail", "06 12 34 56 78", "0612345678"] {
        assert!(found(&mut s, old).is_empty(), "{old} is still found after the correction");
    }
    for new in ["Jeanne Dupont", "jeanne.dupont@newmail.fr", "07 98 76 54 32", "Kafka"] {
        assert_eq!(found(&mut s, new), vec![uuid.clone()], "{new} finds her");
    }
    // Duplicate detection follows: the old address is free, the new one is hers.
    let again = NewCandidate {
        full_name: "Someone".into(),
        emails: vec!["jeanne.dupont@newmail.fr".into()],
        phone: None,
        source: Source::Direct,
        language: Language::Fr,
    };
    assert!(s.add_candidate(&hr(t(2026, 12, 2)), again).is_err());
    // The letter prints the old name: outdated, until regenerated.
    let letters = s.offer_letters(&app).unwrap();
    assert!(letters[0].0.outdated, "{:?}", letters[0].0);
    s.move_stage(&hr(t(2026, 12, 2)), &app, Stage::Hired, None).ok();
    s.generate_offer_letter(&hr(t(2026, 12, 3)), &app, None, Some(Lang::En)).unwrap();
    let letters = s.offer_letters(&app).unwrap();
    assert!(!letters[0].0.outdated, "the regenerated letter is current");
}

#[test]
fn the_command_line_corrects_through_the_same_rule() {
    let c = CliDir::new();
    let cand = c.ok(&[
        "candidate",
        "add",
        "--name",
        "Paul Mercier",
        "--email",
        "paul.m@old.example",
        "--phone",
        "06 11 22 33 44",
    ]);
    let uuid = cand["uuid"].as_str().unwrap().to_owned();
    let note = c.ok(&["note", "add", &uuid, "--text", "Paul Mercier prefers paul.m@old.example, 06 11 22 33 44."]);
    assert!(note.is_object());
    let hits = c.ok(&["search", "Mercier"]);
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
    let r = c.ok(&[
        "candidate",
        "edit",
        &uuid,
        "--name",
        "Paul Mercer",
        "--add-email",
        "paul@new.example",
        "--remove-email",
        "paul.m@old.example",
        "--phone",
        "07 11 22 33 44",
    ]);
    assert_eq!(r["full_name"], "Paul Mercer");
    for old in ["Mercier", "paul.m@old.example", "06 11 22 33 44"] {
        let hits = c.ok(&["search", old]);
        assert!(hits.as_array().unwrap().is_empty(), "{old}: {hits}");
    }
    for new in ["Mercer", "paul@new.example", "07 11 22 33 44"] {
        let hits = c.ok(&["search", new]);
        assert_eq!(hits.as_array().unwrap().len(), 1, "{new}: {hits}");
    }
}
