//! The JSON Schema (draft 2020-12) of an access export's `data.json`, written into the
//! archive as `schema.json`. Each registry table is described here in words ([`TABLE_DOCS`]);
//! its columns and their types are read from the database's own schema, so the schema
//! always matches the rows given. A registry table without a description fails the tests
//! until it is documented.

use serde_json::{Map, Value, json};

use crate::person::registry::{Export, TABLES};
use crate::person::walk::export_name;
use crate::pipeline::PipelineError;

/// What each registry table holds, as `schema.json` tells the reader.
pub const TABLE_DOCS: &[(&str, &str)] = &[
    (
        "search_entries",
        "Internal: which passages of the search index belong to the person (the index holds only words, and the \
         passages are the profile, notes, documents and messages given in the other tables). Given with no rows.",
    ),
    (
        "guard_flags",
        "Internal: byte offsets of passages that the sensitive-category guard keeps out of search and previews. \
         Given with no rows.",
    ),
    ("note_ratings", "Scores (1 to 5) given on each criterion of an interview feedback note."),
    ("notes", "Notes and interview feedback written by the recruiters."),
    ("stage_events", "Each move of an application from one stage to the next, with when, who and why."),
    (
        "hiring_details",
        "Details collected once an offer is to be made: address, date and place of birth, nationality, \
         social-security number (nir), bank account (iban), emergency contact.",
    ),
    ("offers", "The offer of employment of an application (a JSON record: position, contract, pay, dates)."),
    (
        "custom_values",
        "Values of the employer's own recruitment fields (field_id names them in context.custom_fields).",
    ),
    ("applications", "Applications to a job (job_id names it in context.jobs), their stage and outcome."),
    (
        "documents",
        "Documents: CV, cover letters, other files and generated offer letters; `content` points to the original \
         file in the archive, `text` is the text read from it.",
    ),
    (
        "messages",
        "Email messages received from or sent to the person; `raw` points to the message (.eml) in the archive.",
    ),
    (
        "outbox",
        "Email messages written to the person and their sending state; `raw` points to the message in the archive.",
    ),
    ("requests", "The person's requests (access, correction, erasure, objection, …), when received and how decided."),
    ("candidate_emails", "The person's email addresses."),
    ("legal_holds", "Legal holds that suspend the deletion of the data, with their reason."),
    ("candidates", "The person: name, phone, source, language, dates, and their objection, erasure or restriction."),
    ("audit", "The log of every view, change and export of the person's file: when, by whom, what."),
    ("purge_log", "Records of earlier deletions under this identifier (date, rule, counts)."),
    ("erasure_ledger", "The identifier's erasure record, kept so that a restored backup erases it again."),
];

/// The description of a registry table.
pub fn table_doc(name: &str) -> Option<&'static str> {
    TABLE_DOCS.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// The schema of `data.json`, from the registry, the descriptions above and the columns of
/// the database `conn` holds.
pub fn schema(conn: &rusqlite::Connection) -> Result<Value, PipelineError> {
    let mut tables = Map::new();
    let mut names = Vec::new();
    for table in TABLES {
        names.push(Value::from(table.name));
        let mut stmt =
            conn.prepare(&format!("SELECT name, type, \"notnull\" FROM pragma_table_info('{}')", table.name))?;
        let columns: Vec<(String, String, bool)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (name, sql_type, not_null) in columns {
            let base = match sql_type.to_ascii_uppercase().as_str() {
                "INTEGER" => json!({ "type": "integer" }),
                "REAL" => json!({ "type": "number" }),
                "BLOB" => json!({ "$ref": "#/$defs/file" }),
                _ => json!({ "type": "string" }),
            };
            let mut column = if not_null { base } else { json!({ "anyOf": [base, { "type": "null" }] }) };
            if let Some(o) = column.as_object_mut() {
                o.insert("description".into(), Value::from(format!("column {name} ({sql_type})")));
            }
            properties.insert(name.clone(), column);
            required.push(Value::from(name));
        }
        let export = export_name(table.export);
        let mut rows = json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            }
        });
        if table.export == Export::Internal
            && let Some(o) = rows.as_object_mut()
        {
            o.insert("maxItems".into(), Value::from(0));
        }
        tables.insert(
            table.name.into(),
            json!({
                "description": table_doc(table.name).unwrap_or("(not documented)"),
                "type": "object",
                "properties": { "export": { "const": export }, "rows": rows },
                "required": ["export", "rows"],
                "additionalProperties": false,
            }),
        );
    }
    Ok(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:vivier:access-export:data:1",
        "title": "Vivier access export: data.json",
        "description": "Everything an employer's Vivier holds on one person, every table of the person registry with \
                        its rows, column by column. Files (documents, raw messages) are in the archive beside this \
                        file and named by their path.",
        "type": "object",
        "properties": {
            "format": { "const": "vivier-access-export", "description": "What this file is." },
            "version": { "const": 1, "description": "The version of this format." },
            "generated_at": { "type": "string", "format": "date-time", "description": "When the export was made (UTC)." },
            "candidate_uuid": { "type": "string", "description": "The person's random identifier in Vivier." },
            "language": { "enum": ["fr", "en"], "description": "The language of summary.pdf." },
            "context": {
                "description": "What the rows refer to: the jobs applied to and the names of the employer's own fields.",
                "type": "object",
                "properties": {
                    "jobs": { "type": "array", "items": { "$ref": "#/$defs/job" } },
                    "custom_fields": { "type": "array", "items": { "$ref": "#/$defs/custom_field" } },
                },
                "required": ["jobs", "custom_fields"],
                "additionalProperties": false,
            },
            "tables": {
                "description": "Every table of the person registry, by name: how it is exported and its rows.",
                "type": "object",
                "properties": tables,
                "required": names,
                "additionalProperties": false,
            },
        },
        "required": ["format", "version", "generated_at", "candidate_uuid", "language", "context", "tables"],
        "additionalProperties": false,
        "$defs": {
            "file": {
                "description": "A file of the archive: its path, size and SHA-256.",
                "type": "object",
                "properties": {
                    "file": { "type": "string", "description": "Path of the file inside the archive." },
                    "bytes": { "type": "integer", "minimum": 0 },
                    "sha256": { "type": "string" },
                },
                "required": ["file", "bytes", "sha256"],
                "additionalProperties": false,
            },
            "job": {
                "type": "object",
                "properties": {
                    "id": { "type": "integer" },
                    "uuid": { "type": "string" },
                    "title": { "type": "string" },
                    "location": { "type": ["string", "null"] },
                    "country": { "type": "string" },
                },
                "required": ["id", "uuid", "title", "location", "country"],
                "additionalProperties": false,
            },
            "custom_field": {
                "type": "object",
                "properties": { "id": { "type": "integer" }, "name": { "type": "string" } },
                "required": ["id", "name"],
                "additionalProperties": false,
            },
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registry_table_is_documented_and_nothing_else() {
        for table in TABLES {
            assert!(
                table_doc(table.name).is_some(),
                "registry table {} has no description in src/access/schema.rs TABLE_DOCS: document it",
                table.name
            );
        }
        for (name, _) in TABLE_DOCS {
            assert!(TABLES.iter().any(|t| t.name == *name), "{name} is described but not in the registry");
        }
    }
}
