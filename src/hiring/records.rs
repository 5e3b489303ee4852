//! The SQL of stage-gated data (promise P3): hiring details and custom fields. Every
//! write checks the gate of `pipeline::hiring` inside its transaction, against the stage
//! the application has at that moment, so no door can store data early; moving an
//! application back erases what its new stage may not hold, in the move's own transaction
//! (see [`erase_out_of_stage`]). Audit details name fields, never their values.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::audit::{PendingAudit, append};
use crate::db::Store;
use crate::db::ids::resolve;
use crate::db::time::{parse_day, parse_ts, ts};
use crate::guard::policy::HrText;
use crate::hiring::{CustomField, CustomValue, FieldKind, HIRING_FROM, HiringDetails, NewCustomField, may_collect};
use crate::pipeline::{PipelineError, Stage, Stamp};

type Result<T> = std::result::Result<T, PipelineError>;

/// An application's hiring details, as the profile and the hiring form show them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HiringRecord {
    pub application_uuid: String,
    pub candidate_uuid: String,
    pub stage: Stage,
    /// Whether hiring details may be entered at this stage (the form appears only then).
    pub collectable: bool,
    pub details: HiringDetails,
    /// When the details were last changed; `None` when there are none.
    pub updated_at: Option<DateTime<Utc>>,
}

/// An application's row id, UUID, stage and candidate UUID.
fn application(tx: &rusqlite::Connection, id: &str) -> Result<(i64, String, Stage, String)> {
    let (app_id, uuid) = resolve(tx, "applications", "application", id)?;
    let (stage, cuuid): (String, String) = tx.query_row(
        "SELECT a.stage, c.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ?1",
        [app_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((app_id, uuid, Stage::parse(&stage)?, cuuid))
}

fn details_of(tx: &rusqlite::Connection, app_id: i64) -> Result<Option<(HiringDetails, DateTime<Utc>)>> {
    let row = tx
        .query_row(
            "SELECT address, birth_date, birth_place, nationality, nir, iban, emergency_name, emergency_phone,
                    updated_at
             FROM hiring_details WHERE application_id = ?1",
            [app_id],
            |r| {
                let birth: Option<String> = r.get(1)?;
                Ok((
                    HiringDetails {
                        address: r.get(0)?,
                        birth_date: birth.as_deref().and_then(parse_day),
                        birth_place: r.get(2)?,
                        nationality: r.get(3)?,
                        nir: r.get(4)?,
                        iban: r.get(5)?,
                        emergency_name: r.get(6)?,
                        emergency_phone: r.get(7)?,
                    },
                    parse_ts(&r.get::<_, String>(8)?)?,
                ))
            },
        )
        .optional()?;
    Ok(row)
}

fn record(tx: &rusqlite::Connection, app_id: i64, uuid: String, stage: Stage, cuuid: String) -> Result<HiringRecord> {
    let (details, updated_at) = match details_of(tx, app_id)? {
        Some((d, at)) => (d, Some(at)),
        None => (HiringDetails::default(), None),
    };
    Ok(HiringRecord {
        application_uuid: uuid,
        candidate_uuid: cuuid,
        stage,
        collectable: may_collect(stage, HIRING_FROM),
        details,
        updated_at,
    })
}

const FIELD_SELECT: &str = "SELECT id, name, kind, collect_from FROM custom_fields";

fn field_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, CustomField)> {
    let kind: String = r.get(2)?;
    let from: String = r.get(3)?;
    Ok((
        r.get(0)?,
        CustomField {
            name: r.get(1)?,
            kind: FieldKind::parse(&kind).unwrap_or(FieldKind::Text),
            collect_from: Stage::parse(&from).unwrap_or(Stage::Hired),
        },
    ))
}

fn field_by_name(tx: &rusqlite::Connection, name: &str) -> Result<(i64, CustomField)> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    tx.query_row(&format!("{FIELD_SELECT} WHERE name = ?1"), [&name], field_row)
        .optional()?
        .ok_or(PipelineError::NotFound { what: "field", id: name })
}

fn values_of(tx: &rusqlite::Connection, app_id: i64) -> Result<Vec<CustomValue>> {
    let mut stmt = tx.prepare_cached(
        "SELECT f.name, f.kind, f.collect_from, v.value FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
         WHERE v.application_id = ?1 ORDER BY f.name",
    )?;
    let rows = stmt.query_map([app_id], |r| {
        let kind: String = r.get(1)?;
        let from: String = r.get(2)?;
        Ok(CustomValue {
            field: r.get(0)?,
            kind: FieldKind::parse(&kind).unwrap_or(FieldKind::Text),
            collect_from: Stage::parse(&from).unwrap_or(Stage::Hired),
            value: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Erases what an application at stage `to` may no longer hold: its hiring details
/// unless `to` is offer or hired, and the custom values whose stage `to` has not reached
/// (all of them on a rejected or withdrawn application). Runs inside the caller's
/// transaction (the stage move). Returns the names of what was erased, for the audit
/// detail: hiring fields by their names (`address`, `nir`, …), custom fields as
/// `field:NAME`; never values.
pub(crate) fn erase_out_of_stage(tx: &rusqlite::Connection, app_id: i64, to: Stage) -> Result<Vec<String>> {
    let mut erased = Vec::new();
    if !may_collect(to, HIRING_FROM)
        && let Some((details, _)) = details_of(tx, app_id)?
    {
        erased.extend(details.set_fields().into_iter().map(str::to_owned));
        tx.execute("DELETE FROM hiring_details WHERE application_id = ?1", [app_id])?;
    }
    let mut stmt = tx.prepare_cached(
        "SELECT f.id, f.name, f.collect_from FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
         WHERE v.application_id = ?1 ORDER BY f.name",
    )?;
    let values: Vec<(i64, String, String)> =
        stmt.query_map([app_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<std::result::Result<_, _>>()?;
    drop(stmt);
    for (field_id, name, from) in values {
        let from = Stage::parse(&from).unwrap_or(Stage::Hired);
        if !may_collect(to, from) {
            tx.execute(
                "DELETE FROM custom_values WHERE application_id = ?1 AND field_id = ?2",
                params![app_id, field_id],
            )?;
            erased.push(format!("field:{name}"));
        }
    }
    Ok(erased)
}

impl Store {
    /// Sets hiring details on an application at the offer stage or later; refused with
    /// [`PipelineError::StageGate`] before (nothing stored). Fields left `None` keep their
    /// value; a blank text field clears it. The merged record is checked as a whole
    /// (e.g. the NIR against the date of birth, the emergency contact's name and phone).
    pub fn set_hiring_details(
        &mut self,
        stamp: &Stamp,
        application_id: &str,
        update: HiringDetails,
    ) -> Result<HiringRecord> {
        self.write(|tx| {
            let (app_id, uuid, stage, cuuid) = application(tx, application_id)?;
            if !may_collect(stage, HIRING_FROM) {
                return Err(PipelineError::StageGate { field: "hiring details".into(), stage, from: HIRING_FROM });
            }
            let given = update.set_fields();
            if given.is_empty() {
                return Err(PipelineError::Invalid {
                    field: "hiring details",
                    reason: "give at least one field to set".into(),
                });
            }
            let current = details_of(tx, app_id)?.map(|(d, _)| d).unwrap_or_default();
            let details = current.merged(update).validated(stamp.at.date_naive())?;
            if details.is_empty() {
                tx.execute("DELETE FROM hiring_details WHERE application_id = ?1", [app_id])?;
            } else {
                tx.execute(
                    "INSERT INTO hiring_details (application_id, address, birth_date, birth_place, nationality, nir, iban,
                                                 emergency_name, emergency_phone, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (application_id) DO UPDATE SET
                       address = excluded.address, birth_date = excluded.birth_date,
                       birth_place = excluded.birth_place, nationality = excluded.nationality, nir = excluded.nir,
                       iban = excluded.iban, emergency_name = excluded.emergency_name,
                       emergency_phone = excluded.emergency_phone, updated_at = excluded.updated_at",
                    params![
                        app_id,
                        details.address,
                        details.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
                        details.birth_place,
                        details.nationality,
                        details.nir,
                        details.iban,
                        details.emergency_name,
                        details.emergency_phone,
                        ts(stamp.at)
                    ],
                )?;
            }
            append(tx, stamp, "hiring", Some(&cuuid), Some(&format!("{uuid} set {}", given.join(","))))?;
            record(tx, app_id, uuid, stage, cuuid)
        })
    }

    /// An application's hiring details (empty before the offer stage); audited as a view.
    pub fn hiring_details(&mut self, stamp: &Stamp, application_id: &str) -> Result<HiringRecord> {
        self.audited(|tx| audited_record(tx, stamp, application_id))
    }

    /// [`Store::hiring_details`] read without writing (on a `Reader`), with the view's
    /// audit entry owed to the log.
    pub fn read_hiring_details(&self, stamp: &Stamp, application_id: &str) -> Result<(HiringRecord, PendingAudit)> {
        self.read(|tx| audited_record(tx, stamp, application_id))
    }

    /// Declares a custom field, collectable from `collect_from` on. Names are unique,
    /// whatever their case.
    pub fn declare_custom_field(
        &mut self,
        stamp: &Stamp,
        name: &str,
        kind: FieldKind,
        collect_from: Stage,
    ) -> Result<CustomField> {
        let field = NewCustomField { name: name.to_owned(), kind, collect_from }.validated()?;
        // A field's name is text HR writes: "religion" or "union member?" is no field to keep.
        HrText::new("field name", &field.name).check()?;
        self.write(|tx| {
            if let Ok((_, existing)) = field_by_name(tx, &field.name) {
                return Err(PipelineError::Invalid {
                    field: "field name",
                    reason: format!("a field named \"{}\" already exists; choose another name", existing.name),
                });
            }
            tx.execute(
                "INSERT INTO custom_fields (name, kind, collect_from, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![field.name, field.kind.as_str(), field.collect_from.as_str(), ts(stamp.at)],
            )?;
            append(
                tx,
                stamp,
                "field",
                None,
                Some(&format!("declared {} ({}, from {})", field.name, kind, collect_from)),
            )?;
            Ok(CustomField { name: field.name, kind: field.kind, collect_from: field.collect_from })
        })
    }

    /// The declared custom fields, by name.
    pub fn custom_fields(&self) -> Result<Vec<CustomField>> {
        let mut stmt = self.conn.prepare_cached(&format!("{FIELD_SELECT} ORDER BY name"))?;
        let rows = stmt.query_map([], field_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.1);
        }
        Ok(out)
    }

    /// Sets a custom field's value on an application; refused with
    /// [`PipelineError::StageGate`] before the field's stage or on a closed application.
    pub fn set_custom_value(
        &mut self,
        stamp: &Stamp,
        application_id: &str,
        field: &str,
        value: &str,
    ) -> Result<CustomValue> {
        self.write(|tx| {
            let (app_id, uuid, stage, cuuid) = application(tx, application_id)?;
            let (field_id, field) = field_by_name(tx, field)?;
            if !may_collect(stage, field.collect_from) {
                return Err(PipelineError::StageGate { field: field.name, stage, from: field.collect_from });
            }
            let value = field.kind.normalize(value)?;
            let warned = HrText::new("field value", &value).check()?;
            tx.execute(
                "INSERT INTO custom_values (application_id, field_id, value, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (application_id, field_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![app_id, field_id, value, ts(stamp.at)],
            )?;
            append(tx, stamp, "field", Some(&cuuid), Some(&format!("{uuid} set {}", field.name)))?;
            let cid: i64 = tx.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app_id], |r| r.get(0))?;
            let reference = format!("{uuid}/{field_id}");
            crate::guard::flags::clear(tx, "custom_field", &reference)?;
            crate::guard::flags::record(tx, Some(cid), "custom_field", &reference, &warned, stamp)?;
            Ok(CustomValue { field: field.name, kind: field.kind, collect_from: field.collect_from, value })
        })
    }

    /// An application's custom values, by field name; audited as a view (promise P4).
    pub fn custom_values(&mut self, stamp: &Stamp, application_id: &str) -> Result<Vec<CustomValue>> {
        self.audited(|tx| audited_values(tx, stamp, application_id))
    }

    /// [`Store::custom_values`] read without writing (on a `Reader`), with the view's audit
    /// entry owed to the log.
    pub fn read_custom_values(&self, stamp: &Stamp, application_id: &str) -> Result<(Vec<CustomValue>, PendingAudit)> {
        self.read(|tx| audited_values(tx, stamp, application_id))
    }
}

/// An application's hiring details, and the audit entry their view owes.
fn audited_record(conn: &rusqlite::Connection, stamp: &Stamp, id: &str) -> Result<(HiringRecord, PendingAudit)> {
    let (app_id, uuid, stage, cuuid) = application(conn, id)?;
    let owed = PendingAudit::new(stamp, "view", Some(&cuuid), format!("hiring {uuid}"));
    Ok((record(conn, app_id, uuid, stage, cuuid)?, owed))
}

/// An application's custom values, and the audit entry their view owes.
fn audited_values(conn: &rusqlite::Connection, stamp: &Stamp, id: &str) -> Result<(Vec<CustomValue>, PendingAudit)> {
    let (app_id, uuid, _, cuuid) = application(conn, id)?;
    let owed = PendingAudit::new(stamp, "view", Some(&cuuid), format!("fields {uuid}"));
    Ok((values_of(conn, app_id)?, owed))
}
