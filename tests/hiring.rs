//! Stage-gated data (promise P3) through the engine, on the real encrypted store: hiring
//! details only from the offer stage, custom fields from their declared stage, nothing on
//! a closed application, and everything the new stage may not hold erased in the same
//! transaction as a move back, with the audit naming fields and never values.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use vivier::db::Store;
use vivier::hiring::{FieldKind, HiringDetails};
use vivier::pipeline::{NewJob, PipelineError, Stage, Stamp};

const NIR: &str = "1 85 05 78 006 084 91";
const NIR_STORED: &str = "185057800608491";
const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
const IBAN_STORED: &str = "FR7630006000011234567890189";
const ADDRESS: &str = "12 rue des Lilas, 75011 Paris";

fn at(day: u32) -> Stamp {
    Stamp::new("hr.alice", Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap())
}

fn count(store: &mut Store, table: &str) -> i64 {
    store.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// A store with one application at `new`; returns its UUID and the candidate's.
fn application(s: &mut Store) -> (String, String) {
    let job =
        s.add_job(&at(1), NewJob { title: "Data engineer".into(), country: "FR".into(), ..NewJob::default() }).unwrap();
    let c = person(s, at(1).at, "Ana Lima", "ana@example.org");
    let app = s.apply(&at(1), &c, &job.uuid).unwrap();
    (app.uuid, c)
}

fn move_to(s: &mut Store, app: &str, path: &[Stage]) {
    for st in path {
        s.move_stage(&at(2), app, *st, Some("test")).unwrap();
    }
}

fn full_details() -> HiringDetails {
    HiringDetails {
        address: Some(ADDRESS.into()),
        birth_date: Some(NaiveDate::from_ymd_opt(1985, 5, 17).unwrap()),
        birth_place: Some("Lyon".into()),
        nationality: Some("fr".into()),
        nir: Some(NIR.into()),
        iban: Some(IBAN.into()),
        emergency_name: Some("Marc Lima".into()),
        emergency_phone: Some("06 12 34 56 78".into()),
    }
}

/// No audit entry, error or stored table other than hiring_details holds these values.
fn assert_audit_has_no_values(s: &Store, candidate: &str) {
    for e in s.audit_entries(Some(candidate), 500).unwrap() {
        let detail = e.detail.unwrap_or_default();
        for secret in [NIR_STORED, "1850578", IBAN_STORED, "30006000", "rue des Lilas", "Marc Lima", "612345678"] {
            assert!(!detail.contains(secret), "audit entry {} leaks a value: {detail}", e.seq);
        }
    }
}

#[test]
fn hiring_details_are_refused_before_the_offer_stage_and_nothing_is_stored() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let (app, candidate) = application(&mut s);
    let audit_before = count(&mut s, "audit");
    for (i, stage) in [Stage::New, Stage::Screening, Stage::Interview].into_iter().enumerate() {
        if i > 0 {
            move_to(&mut s, &app, &[stage]);
        }
        let audit_before = count(&mut s, "audit");
        let err = s.set_hiring_details(&at(3), &app, full_details()).unwrap_err();
        assert_eq!(err.code(), "stage_gate", "{err}");
        assert!(
            matches!(&err, PipelineError::StageGate { stage: st, from: Stage::Offer, .. } if *st == stage),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("offer") && message.contains(stage.as_str()), "{message}");
        assert!(!message.contains(NIR_STORED) && !message.contains("FR76"), "{message}");
        assert_eq!(count(&mut s, "hiring_details"), 0);
        assert_eq!(count(&mut s, "audit"), audit_before, "a refused write leaves no trace but the refusal");
    }
    assert!(count(&mut s, "audit") > audit_before);
    let view = s.hiring_details(&at(3), &app).unwrap();
    assert!(!view.collectable);
    assert!(view.details.is_empty());
    assert_audit_has_no_values(&s, &candidate);
}

#[test]
fn hiring_details_are_accepted_at_offer_normalised_and_readable_once_hired() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let (app, candidate) = application(&mut s);
    move_to(&mut s, &app, &[Stage::Screening, Stage::Interview, Stage::Offer]);

    let r = s.set_hiring_details(&at(4), &app, full_details()).unwrap();
    assert!(r.collectable);
    assert_eq!(r.stage, Stage::Offer);
    assert_eq!(r.details.nir.as_deref(), Some(NIR_STORED));
    assert_eq!(r.details.iban.as_deref(), Some(IBAN_STORED));
    assert_eq!(r.details.nationality.as_deref(), Some("FR"));
    assert_eq!(r.details.emergency_phone.as_deref(), Some("+33612345678"));
    assert_eq!(r.updated_at, Some(at(4).at));

    // A partial update keeps the other fields; a blank one clears its field.
    let update = HiringDetails {
        birth_place: Some("".into()),
        address: Some("3 quai Perrache, Lyon".into()),
        ..HiringDetails::default()
    };
    let r = s.set_hiring_details(&at(5), &app, update).unwrap();
    assert_eq!(r.details.address.as_deref(), Some("3 quai Perrache, Lyon"));
    assert_eq!(r.details.birth_place, None);
    assert_eq!(r.details.iban.as_deref(), Some(IBAN_STORED));

    move_to(&mut s, &app, &[Stage::Hired]);
    let view = s.hiring_details(&at(6), &app).unwrap();
    assert_eq!(view.stage, Stage::Hired);
    assert_eq!(view.details.nir.as_deref(), Some(NIR_STORED));
    assert_eq!(count(&mut s, "hiring_details"), 1);

    // The views and writes are audited, by field name only.
    let entries = s.audit_entries(Some(&candidate), 50).unwrap();
    let details: Vec<String> = entries.iter().filter_map(|e| e.detail.clone()).collect();
    assert!(details.iter().any(|d| d.contains(&format!("{app} set address,birth_date"))), "{details:?}");
    assert!(details.iter().any(|d| d == &format!("hiring {app}")), "{details:?}");
    assert_audit_has_no_values(&s, &candidate);
}

#[test]
fn a_wrong_nir_or_iban_at_offer_is_refused_without_echoing_it_and_nothing_changes() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let (app, _) = application(&mut s);
    move_to(&mut s, &app, &[Stage::Offer]);
    let bad_nir = HiringDetails { nir: Some("1 85 05 78 006 084 92".into()), ..HiringDetails::default() };
    let err = s.set_hiring_details(&at(3), &app, bad_nir).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("NIR") && err.to_string().contains("key"), "{err}");
    assert!(!err.to_string().contains("1850578"), "{err}");
    let bad_iban = HiringDetails { iban: Some("FR76 3000 6000 0112 3456 7890 188".into()), ..HiringDetails::default() };
    let err = s.set_hiring_details(&at(3), &app, bad_iban).unwrap_err();
    assert!(err.to_string().starts_with("IBAN:"), "{err}");
    assert!(!err.to_string().contains("3000"), "{err}");
    // A NIR born in May 1985 does not go with a birth date in 1990.
    let mismatch = HiringDetails { birth_date: NaiveDate::from_ymd_opt(1990, 1, 2), ..full_details() };
    assert_eq!(s.set_hiring_details(&at(3), &app, mismatch).unwrap_err().code(), "invalid_input");
    assert_eq!(count(&mut s, "hiring_details"), 0);
    assert_eq!(s.set_hiring_details(&at(3), &app, HiringDetails::default()).unwrap_err().code(), "invalid_input");
}

#[test]
fn moving_back_from_offer_erases_the_hiring_details_in_the_same_move_and_audits_the_field_names() {
    for back in [Stage::Interview, Stage::Screening, Stage::New, Stage::Rejected, Stage::Withdrawn] {
        let t = TempDataDir::with_passphrase();
        let mut s = t.open().unwrap();
        let (app, candidate) = application(&mut s);
        move_to(&mut s, &app, &[Stage::Offer]);
        s.set_hiring_details(&at(3), &app, full_details()).unwrap();
        assert_eq!(count(&mut s, "hiring_details"), 1);

        let moved = s.move_stage(&at(4), &app, back, Some("budget frozen")).unwrap();
        assert_eq!(moved.stage, back);
        assert_eq!(count(&mut s, "hiring_details"), 0, "after offer -> {back}");
        let view = s.hiring_details(&at(5), &app).unwrap();
        assert!(view.details.is_empty());

        let entries = s.audit_entries(Some(&candidate), 50).unwrap();
        let stage_entry = entries.iter().find(|e| e.action == "stage" && e.at.starts_with("2026-03-04")).unwrap();
        let detail = stage_entry.detail.as_deref().unwrap();
        assert_eq!(
            detail,
            format!(
                "{app} offer->{back}; erased address,birth_date,birth_place,nationality,nir,iban,emergency_name,emergency_phone"
            )
        );
        assert_audit_has_no_values(&s, &candidate);
        assert!(s.verify_audit().unwrap().first_broken.is_none(), "the chain holds");

        // Back at offer, nothing comes back: HR enters the details again.
        if back.is_open() {
            move_to(&mut s, &app, &[Stage::Offer]);
            assert!(s.hiring_details(&at(6), &app).unwrap().details.is_empty());
        }
    }
}

#[test]
fn a_rejected_or_withdrawn_application_collects_nothing() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let (app, _) = application(&mut s);
    s.declare_custom_field(&at(1), "Notice period", FieldKind::Number, Stage::New).unwrap();
    for closed in [Stage::Rejected, Stage::Withdrawn] {
        move_to(&mut s, &app, &[closed]);
        let err = s.set_hiring_details(&at(3), &app, full_details()).unwrap_err();
        assert_eq!(err.code(), "stage_gate");
        assert!(err.to_string().contains("closed application"), "{err}");
        let err = s.set_custom_value(&at(3), &app, "Notice period", "2").unwrap_err();
        assert_eq!(err.code(), "stage_gate");
        move_to(&mut s, &app, &[Stage::New]);
    }
    assert_eq!(count(&mut s, "hiring_details") + count(&mut s, "custom_values"), 0);
}

#[test]
fn custom_fields_are_collected_from_their_stage_and_erased_when_the_application_goes_back() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let (app, candidate) = application(&mut s);
    let notice = s.declare_custom_field(&at(1), "  Notice   period ", FieldKind::Number, Stage::Screening).unwrap();
    assert_eq!(notice.name, "Notice period");
    s.declare_custom_field(&at(1), "Start date", FieldKind::Date, Stage::Offer).unwrap();
    s.declare_custom_field(&at(1), "Remote", FieldKind::YesNo, Stage::New).unwrap();
    let err = s.declare_custom_field(&at(1), "notice PERIOD", FieldKind::Text, Stage::New).unwrap_err();
    assert_eq!(err.code(), "invalid_input", "names are unique whatever their case");
    assert_eq!(
        s.declare_custom_field(&at(1), "Why", FieldKind::Text, Stage::Rejected).unwrap_err().code(),
        "invalid_input"
    );
    let names: Vec<_> = s.custom_fields().unwrap().into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["Notice period", "Remote", "Start date"]);

    // At new: only the field collected from new.
    let err = s.set_custom_value(&at(2), &app, "Notice period", "3").unwrap_err();
    assert!(
        matches!(&err, PipelineError::StageGate { field, stage: Stage::New, from: Stage::Screening } if field == "Notice period"),
        "{err:?}"
    );
    assert_eq!(s.set_custom_value(&at(2), &app, "remote", "oui").unwrap().value, "yes");
    assert_eq!(s.set_custom_value(&at(2), &app, "No such field", "x").unwrap_err().code(), "not_found");

    move_to(&mut s, &app, &[Stage::Screening]);
    assert_eq!(s.set_custom_value(&at(3), &app, "notice period", "2,5").unwrap().value, "2.5");
    assert_eq!(s.set_custom_value(&at(3), &app, "Notice period", "soon").unwrap_err().code(), "invalid_input");
    assert_eq!(s.set_custom_value(&at(3), &app, "Start date", "2026-06-01").unwrap_err().code(), "stage_gate");
    move_to(&mut s, &app, &[Stage::Interview, Stage::Offer]);
    s.set_custom_value(&at(4), &app, "Start date", "2026-06-01").unwrap();
    assert_eq!(s.custom_values(&at(4), &app).unwrap().len(), 3);

    // Offer -> interview: the offer-stage field goes, the others stay.
    let before = s.audit_entries(Some(&candidate), 1).unwrap()[0].seq;
    s.move_stage(&at(5), &app, Stage::Interview, None).unwrap();
    let values: Vec<_> = s.custom_values(&at(5), &app).unwrap().into_iter().map(|v| v.field).collect();
    assert_eq!(values, ["Notice period", "Remote"]);
    let moved = s.audit_entries(Some(&candidate), 10).unwrap().into_iter().find(|e| e.seq == before + 1).unwrap();
    assert_eq!(moved.detail.unwrap(), format!("{app} offer->interview; erased field:Start date"));

    // Interview -> new: the screening field goes too; the field from new stays.
    s.move_stage(&at(6), &app, Stage::New, None).unwrap();
    let values: Vec<_> = s.custom_values(&at(6), &app).unwrap().into_iter().map(|v| v.field).collect();
    assert_eq!(values, ["Remote"]);
    // Withdrawn: nothing is kept.
    s.move_stage(&at(7), &app, Stage::Withdrawn, None).unwrap();
    assert_eq!(count(&mut s, "custom_values"), 0);
    for e in s.audit_entries(Some(&candidate), 100).unwrap() {
        let d = e.detail.unwrap_or_default();
        assert!(!d.contains("2.5") && !d.contains("2026-06-01"), "a value in the audit: {d}");
    }
}

#[test]
fn a_move_with_nothing_to_erase_keeps_its_usual_audit_detail() {
    let t = TempDataDir::with_passphrase();
    let mut s = t.open().unwrap();
    let (app, candidate) = application(&mut s);
    move_to(&mut s, &app, &[Stage::Offer, Stage::Interview]);
    let last = s.audit_entries(Some(&candidate), 1).unwrap().remove(0);
    assert_eq!(last.detail.unwrap(), format!("{app} offer->interview"));
}
