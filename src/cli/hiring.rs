//! The stage-gated commands (promise P3): `vivier hiring set|show` for an application's
//! hiring details, `vivier field add|set|list` for custom fields. The gate itself is the
//! engine's; these only parse arguments, make one engine call and print the answer.

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::json;

use vivier::db::Store;
use vivier::hiring::HiringRecord;
use vivier::hiring::{FieldKind, HiringDetails, format_iban, format_nir, parse_birth_date};
use vivier::pipeline::Stage;

use super::pipeline::stamp;
use super::{Failure, out};

#[derive(Debug, Subcommand)]
pub enum HiringCommand {
    /// Set hiring details on an application at the offer stage or later (refused before).
    /// Options not given keep their value; an empty one ("") clears it.
    Set(HiringArgs),
    /// Show an application's hiring details (audited as a view).
    Show { application: String },
}

#[derive(Debug, Args)]
pub struct HiringArgs {
    application: String,
    /// Postal address.
    #[arg(long)]
    address: Option<String>,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    birth_date: Option<String>,
    #[arg(long)]
    birth_place: Option<String>,
    /// Two-letter country code (FR, DE, …).
    #[arg(long)]
    nationality: Option<String>,
    /// French social-security number with its key (15 characters, spaces allowed).
    #[arg(long)]
    nir: Option<String>,
    /// IBAN (spaces allowed).
    #[arg(long)]
    iban: Option<String>,
    /// Emergency contact's name (with --emergency-phone).
    #[arg(long)]
    emergency_name: Option<String>,
    /// Emergency contact's phone (with --emergency-name).
    #[arg(long)]
    emergency_phone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FieldCommand {
    /// Declare a custom field and the stage from which it may be collected.
    Add {
        name: String,
        /// text, date, number or yes_no
        #[arg(long)]
        kind: String,
        /// The first stage at which it may be collected: new, screening, interview, offer or hired.
        #[arg(long = "from")]
        from: String,
    },
    /// Set a custom field on an application (refused before the field's stage).
    Set { application: String, name: String, value: String },
    /// List the declared fields, or with --application the values of one application (audited).
    List {
        #[arg(long)]
        application: Option<String>,
    },
}

fn print_record(w: &mut dyn Write, r: &HiringRecord) {
    let _ = writeln!(w, "Application {} at {}", r.application_uuid, r.stage);
    if !r.collectable {
        let _ = writeln!(w, "  Hiring details are collected only from the offer stage.");
        return;
    }
    if r.details.is_empty() {
        let _ = writeln!(w, "  No hiring details yet (`vivier hiring set {} --address …`).", r.application_uuid);
        return;
    }
    let d = &r.details;
    let lines = [
        ("address", d.address.clone()),
        ("birth date", d.birth_date.map(|b| b.format("%Y-%m-%d").to_string())),
        ("birth place", d.birth_place.clone()),
        ("nationality", d.nationality.clone()),
        ("NIR", d.nir.as_deref().map(format_nir)),
        ("IBAN", d.iban.as_deref().map(format_iban)),
        (
            "emergency",
            d.emergency_name.as_ref().map(|n| format!("{n}, {}", d.emergency_phone.as_deref().unwrap_or(""))),
        ),
    ];
    for (label, value) in lines {
        if let Some(v) = value {
            let _ = writeln!(w, "  {label:<12} {v}");
        }
    }
}

pub fn hiring(store: &mut Store, cmd: &HiringCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        HiringCommand::Set(a) => {
            let birth_date = match a.birth_date.as_deref().map(str::trim) {
                Some(b) if !b.is_empty() => Some(parse_birth_date(b)?),
                _ => None,
            };
            let update = HiringDetails {
                address: a.address.clone(),
                birth_date,
                birth_place: a.birth_place.clone(),
                nationality: a.nationality.clone(),
                nir: a.nir.clone(),
                iban: a.iban.clone(),
                emergency_name: a.emergency_name.clone(),
                emergency_phone: a.emergency_phone.clone(),
            };
            let r = store.set_hiring_details(&stamp, &a.application, update)?;
            out(json, json!(r), |w| {
                let _ = writeln!(w, "Hiring details saved.");
                print_record(w, &r);
            });
        }
        HiringCommand::Show { application } => {
            let r = store.hiring_details(&stamp, application)?;
            out(json, json!(r), |w| print_record(w, &r));
        }
    }
    Ok(())
}

pub fn field(store: &mut Store, cmd: &FieldCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        FieldCommand::Add { name, kind, from } => {
            let kind = FieldKind::parse(kind)?;
            let from = Stage::parse(from)?;
            let f = store.declare_custom_field(&stamp, name, kind, from)?;
            out(json, json!(f), |w| {
                let _ = writeln!(w, "Declared field \"{}\" ({}), collected from {}", f.name, f.kind, f.collect_from);
            });
        }
        FieldCommand::Set { application, name, value } => {
            let v = store.set_custom_value(&stamp, application, name, value)?;
            out(json, json!(v), |w| {
                let _ = writeln!(w, "{} = {}", v.field, v.value);
            });
        }
        FieldCommand::List { application: None } => {
            let fields = store.custom_fields()?;
            out(json, json!(fields), |w| {
                if fields.is_empty() {
                    let _ = writeln!(
                        w,
                        "No custom fields yet. Declare one with `vivier field add NAME --kind text --from screening`."
                    );
                }
                for f in &fields {
                    let _ = writeln!(w, "{:<30} {:<7} from {}", f.name, f.kind, f.collect_from);
                }
            });
        }
        FieldCommand::List { application: Some(application) } => {
            let values = store.custom_values(&stamp, application)?;
            out(json, json!(values), |w| {
                if values.is_empty() {
                    let _ = writeln!(w, "No custom values on this application.");
                }
                for v in &values {
                    let _ = writeln!(w, "{:<30} {}", v.field, v.value);
                }
            });
        }
    }
    Ok(())
}
