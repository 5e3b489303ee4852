//! The SQL of offer letters: offer details (stage-gated like the hiring details, checked
//! inside the write's transaction), templates (shipped ones from the binary, a stored one
//! of the same name replacing it), the company's details (a setting), and letters stored
//! as documents of kind `offer_letter` with their application, a new one marking the
//! earlier letters of the application superseded. Audit details name fields, never values.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::format::Lang;
use super::offer::{Offer, OfferInput};
use super::{Company, LetterData, LetterError, SHIPPED, check_template, compose, pdf, shipped_name};
use crate::audit::{PendingAudit, append};
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_ts, ts};
use crate::documents::document_info;
use crate::guard::policy::HrText;
use crate::hiring::{HIRING_FROM, may_collect};
use crate::pipeline::{DocumentInfo, PipelineError, Stage, Stamp};

type Result<T> = std::result::Result<T, PipelineError>;

/// The setting holding the company's details (JSON).
pub const COMPANY_SETTING: &str = "letters.company";

/// An application's offer details, as the form and `vivier offer show` give them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OfferRecord {
    pub application_uuid: String,
    pub candidate_uuid: String,
    pub stage: Stage,
    /// Whether offer details may be entered at this stage.
    pub collectable: bool,
    pub offer: Option<Offer>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A template, shipped or stored.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TemplateInfo {
    pub name: String,
    pub language: Lang,
    /// One of the templates that come with Vivier.
    pub shipped: bool,
    /// Stored in the database (added, or a shipped one edited).
    pub edited: bool,
    pub body: String,
}

/// A generated letter: the document stored, and the earlier letters it superseded.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LetterRecord {
    pub document: DocumentInfo,
    pub pages: usize,
    pub superseded: Vec<String>,
}

struct AppRow {
    id: i64,
    uuid: String,
    stage: Stage,
    candidate_uuid: String,
}

fn application(tx: &rusqlite::Connection, id: &str) -> Result<AppRow> {
    let (app_id, uuid) = resolve(tx, "applications", "application", id)?;
    let (stage, cuuid): (String, String) = tx.query_row(
        "SELECT a.stage, c.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ?1",
        [app_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(AppRow { id: app_id, uuid, stage: Stage::parse(&stage)?, candidate_uuid: cuuid })
}

fn offer_of(tx: &rusqlite::Connection, app_id: i64) -> Result<Option<(Offer, DateTime<Utc>)>> {
    let row: Option<(String, String)> = tx
        .query_row("SELECT details, updated_at FROM offers WHERE application_id = ?1", [app_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((details, at)) = row else { return Ok(None) };
    let offer: Offer = serde_json::from_str(&details).map_err(|_| PipelineError::Invalid {
        field: "offer",
        reason: "the stored offer details do not read; set them again".into(),
    })?;
    Ok(Some((offer, parse_ts(&at)?)))
}

fn record(tx: &rusqlite::Connection, app: AppRow) -> Result<OfferRecord> {
    let (offer, updated_at) = match offer_of(tx, app.id)? {
        Some((o, at)) => (Some(o), Some(at)),
        None => (None, None),
    };
    Ok(OfferRecord {
        application_uuid: app.uuid,
        candidate_uuid: app.candidate_uuid,
        stage: app.stage,
        collectable: may_collect(app.stage, HIRING_FROM),
        offer,
        updated_at,
    })
}

/// Erases an application's offer details when it moves to a stage that may not hold
/// them; inside the move's transaction. Returns whether there were any.
pub(crate) fn erase_offer_out_of_stage(tx: &rusqlite::Connection, app_id: i64, to: Stage) -> Result<bool> {
    if may_collect(to, HIRING_FROM) {
        return Ok(false);
    }
    Ok(tx.execute("DELETE FROM offers WHERE application_id = ?1", [app_id])? > 0)
}

pub(crate) fn company_of(conn: &rusqlite::Connection) -> Result<Company> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [COMPANY_SETTING], |r| r.get(0)).optional()?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

fn stored_template(conn: &rusqlite::Connection, name: &str) -> Result<Option<TemplateInfo>> {
    let row: Option<(String, String, String)> = conn
        .query_row("SELECT name, language, body FROM letter_templates WHERE name = ?1", [name.trim()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.map(|(name, lang, body)| TemplateInfo {
        shipped: SHIPPED.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(&name)),
        name,
        language: Lang::parse(&lang).unwrap_or(Lang::Fr),
        edited: true,
        body,
    }))
}

fn template_of(conn: &rusqlite::Connection, name: &str) -> Result<TemplateInfo> {
    if let Some(t) = stored_template(conn, name)? {
        return Ok(t);
    }
    SHIPPED
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(n, lang, body)| TemplateInfo {
            name: (*n).to_owned(),
            language: *lang,
            shipped: true,
            edited: false,
            body: (*body).to_owned(),
        })
        .ok_or_else(|| PipelineError::NotFound { what: "template", id: name.trim().to_owned() })
}

fn check_template_text(body: &str) -> Result<()> {
    check_template(body)?;
    HrText::new("template", body).check().map_err(PipelineError::Refused)?;
    Ok(())
}

/// What a letter is made from, read in one snapshot, and the view's audit entry.
fn letter_data(
    conn: &rusqlite::Connection,
    stamp: &Stamp,
    id: &str,
    template: Option<&str>,
    lang: Option<Lang>,
) -> Result<(AppRow, LetterData, TemplateInfo)> {
    let app = application(conn, id)?;
    if !may_collect(app.stage, HIRING_FROM) {
        return Err(PipelineError::StageGate { field: "an offer letter".into(), stage: app.stage, from: HIRING_FROM });
    }
    let (name, cand_lang, title, location): (String, String, String, Option<String>) = conn.query_row(
        "SELECT c.full_name, c.language, j.title, j.location
         FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN jobs j ON j.id = a.job_id
         WHERE a.id = ?1",
        [app.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let address: Option<String> = conn
        .query_row("SELECT address FROM hiring_details WHERE application_id = ?1", [app.id], |r| r.get(0))
        .optional()?
        .flatten();
    let template = match (template, lang) {
        (Some(t), _) => template_of(conn, t)?,
        (None, Some(l)) => template_of(conn, shipped_name(l))?,
        (None, None) => template_of(conn, shipped_name(Lang::parse(&cand_lang).unwrap_or(Lang::Fr)))?,
    };
    let data = LetterData {
        lang: lang.unwrap_or(template.language),
        candidate_name: name,
        candidate_address: address,
        job_title: title,
        job_location: location,
        offer: offer_of(conn, app.id)?.map(|(o, _)| o),
        company: company_of(conn)?,
        today: stamp.at.date_naive(),
        created: stamp.at,
    };
    Ok((app, data, template))
}

/// The number of pages of a PDF this module wrote.
fn page_count(pdf: &[u8]) -> usize {
    let needle = b"/Type/Page/";
    let alt = b"/Type /Page\n";
    pdf.windows(needle.len()).filter(|w| w == needle).count().max(pdf.windows(alt.len()).filter(|w| w == alt).count())
}

impl Store {
    /// Sets offer details on an application at the offer stage or later; refused with
    /// [`PipelineError::StageGate`] before (nothing stored). Fields not given keep their
    /// value; the whole offer is checked (every problem in one error) and its free text
    /// passes the guard.
    pub fn set_offer(&mut self, stamp: &Stamp, application_id: &str, update: OfferInput) -> Result<OfferRecord> {
        if update.is_empty() {
            return Err(PipelineError::Invalid { field: "offer", reason: "give at least one field to set".into() });
        }
        for (field, text) in update.free_texts() {
            HrText::new(field_name(field), text).check().map_err(PipelineError::Refused)?;
        }
        self.write(|tx| {
            let app = application(tx, application_id)?;
            if !may_collect(app.stage, HIRING_FROM) {
                return Err(PipelineError::StageGate { field: "offer details".into(), stage: app.stage, from: HIRING_FROM });
            }
            let current = offer_of(tx, app.id)?.map(|(o, _)| o.as_input()).unwrap_or_default();
            let offer = update.over(current).validated(stamp.at.date_naive())?;
            let json = serde_json::to_string(&offer)
                .map_err(|e| PipelineError::Invalid { field: "offer", reason: e.to_string() })?;
            tx.execute(
                "INSERT INTO offers (application_id, details, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (application_id) DO UPDATE SET details = excluded.details, updated_at = excluded.updated_at",
                params![app.id, json, ts(stamp.at)],
            )?;
            append(tx, stamp, "offer", Some(&app.candidate_uuid), Some(&format!("{} set", app.uuid)))?;
            record(tx, app)
        })
    }

    /// An application's offer details; audited as a view.
    pub fn offer(&mut self, stamp: &Stamp, application_id: &str) -> Result<OfferRecord> {
        self.audited(|tx| audited_offer(tx, stamp, application_id))
    }

    /// [`Store::offer`] read without writing (on a `Reader`), with the view's audit entry
    /// owed to the log.
    pub fn read_offer(&self, stamp: &Stamp, application_id: &str) -> Result<(OfferRecord, PendingAudit)> {
        self.read(|tx| audited_offer(tx, stamp, application_id))
    }

    /// Every template: the shipped ones (or their stored edits), then the added ones.
    pub fn letter_templates(&self) -> Result<Vec<TemplateInfo>> {
        let mut out = Vec::new();
        for (name, _, _) in SHIPPED {
            out.push(template_of(&self.conn, name)?);
        }
        let mut stmt = self.conn.prepare("SELECT name FROM letter_templates ORDER BY name")?;
        let names: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for name in names {
            if !SHIPPED.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(&name))
                && let Some(t) = stored_template(&self.conn, &name)?
            {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// One template by name.
    pub fn letter_template(&self, name: &str) -> Result<TemplateInfo> {
        template_of(&self.conn, name)
    }

    /// Adds a template (`add`: the name must be new) or replaces one's text (a shipped
    /// one's edit is stored under its name). The markup and field names are checked, and
    /// the text passes the guard as HR text; nothing is stored otherwise.
    pub fn save_letter_template(
        &mut self,
        stamp: &Stamp,
        name: &str,
        language: Option<Lang>,
        body: &str,
        add: bool,
    ) -> Result<TemplateInfo> {
        let name = name.trim();
        let valid_name = !name.is_empty()
            && name.chars().count() <= 60
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_name {
            return Err(PipelineError::Invalid {
                field: "template name",
                reason: "use 1 to 60 letters, digits, dashes, dots or underscores".into(),
            });
        }
        if body.len() > 200_000 {
            return Err(PipelineError::Invalid { field: "template", reason: "is larger than 200 KB".into() });
        }
        check_template_text(body)?;
        self.write(|tx| {
            let existing = template_of(tx, name).ok();
            let language = match (&existing, add, language) {
                (Some(_), true, _) => {
                    return Err(PipelineError::Invalid {
                        field: "template name",
                        reason: format!("a template named \"{name}\" exists; edit it or choose another name"),
                    });
                }
                (None, false, _) => return Err(PipelineError::NotFound { what: "template", id: name.to_owned() }),
                (_, _, Some(l)) => l,
                (Some(t), _, None) => t.language,
                (None, true, None) => {
                    return Err(PipelineError::Invalid {
                        field: "template language",
                        reason: "say which language the template is in (fr or en)".into(),
                    });
                }
            };
            let stored_name = existing.as_ref().map(|t| t.name.clone()).unwrap_or_else(|| name.to_owned());
            tx.execute(
                "INSERT INTO letter_templates (name, language, body, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET language = excluded.language, body = excluded.body,
                   updated_at = excluded.updated_at",
                params![stored_name, language.as_str(), body, ts(stamp.at)],
            )?;
            append(
                tx,
                stamp,
                "template",
                None,
                Some(&format!("{} {stored_name}", if add { "added" } else { "edited" })),
            )?;
            template_of(tx, &stored_name)
        })
    }

    /// The company's details for letters.
    pub fn company(&self) -> Result<Company> {
        company_of(&self.conn)
    }

    /// Updates the company's details (fields not given keep their value; an empty text
    /// clears one).
    pub fn set_company(&mut self, stamp: &Stamp, update: Company) -> Result<Company> {
        self.write(|tx| {
            let company = company_of(tx)?.merged(update).validated()?;
            for (field, text) in [("company name", &company.name), ("company address", &company.address)] {
                if let Some(t) = text {
                    HrText::new(field, t).check().map_err(PipelineError::Refused)?;
                }
            }
            let json = serde_json::to_string(&company)
                .map_err(|e| PipelineError::Invalid { field: "company", reason: e.to_string() })?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![COMPANY_SETTING, json],
            )?;
            append(tx, stamp, "settings", None, Some("company details"))?;
            Ok(company)
        })
    }

    /// Renders an application's offer letter without storing it (the app's preview);
    /// audited as a view of the candidate's file.
    pub fn preview_offer_letter(
        &mut self,
        stamp: &Stamp,
        application_id: &str,
        template: Option<&str>,
        lang: Option<Lang>,
    ) -> Result<Vec<u8>> {
        self.audited(|tx| preview(tx, stamp, application_id, template, lang))
    }

    /// [`Store::preview_offer_letter`] on a `Reader`: the PDF, and the view's audit entry
    /// owed to the log.
    pub fn read_offer_letter_preview(
        &self,
        stamp: &Stamp,
        application_id: &str,
        template: Option<&str>,
        lang: Option<Lang>,
    ) -> Result<(Vec<u8>, PendingAudit)> {
        self.read(|tx| preview(tx, stamp, application_id, template, lang))
    }

    /// Renders an application's offer letter and stores it with the candidate as a
    /// document of kind `offer_letter`; the application's earlier letters are kept, marked
    /// superseded. Needs the offer stage (or hired), the offer details, and the company's
    /// name and signatory: every missing field is named in one error, nothing stored.
    pub fn generate_offer_letter(
        &mut self,
        stamp: &Stamp,
        application_id: &str,
        template: Option<&str>,
        lang: Option<Lang>,
    ) -> Result<(LetterRecord, Vec<u8>)> {
        self.write(|tx| {
            let (app, data, template) = letter_data(tx, stamp, application_id, template, lang)?;
            let (letter, text) = compose(&data, &template.body)?;
            let bytes = pdf::render(&letter)?;
            let cid: i64 = tx.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app.id], |r| r.get(0))?;
            let mut stmt = tx.prepare(
                "SELECT uuid FROM documents WHERE application_id = ?1 AND kind = 'offer_letter' AND superseded_at IS NULL",
            )?;
            let superseded: Vec<String> = stmt.query_map([app.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            tx.execute(
                "UPDATE documents SET superseded_at = ?1
                 WHERE application_id = ?2 AND kind = 'offer_letter' AND superseded_at IS NULL",
                params![ts(stamp.at), app.id],
            )?;
            let uuid = new_uuid();
            let file_name = format!(
                "{}-{}.pdf",
                match data.lang {
                    Lang::Fr => "lettre-offre",
                    Lang::En => "offer-letter",
                },
                stamp.at.format("%Y-%m-%d")
            );
            let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
            tx.execute(
                "INSERT INTO documents (uuid, candidate_id, kind, file_name, media_type, size, sha256, content, text,
                                        text_status, added_at, application_id)
                 VALUES (?1, ?2, 'offer_letter', ?3, 'application/pdf', ?4, ?5, ?6, ?7, 'extracted', ?8, ?9)",
                params![uuid, cid, file_name, bytes.len() as i64, sha, bytes, text, ts(stamp.at), app.id],
            )?;
            let detail = format!("offer_letter {uuid} for {} ({})", app.uuid, template.name);
            append(tx, stamp, "document_add", Some(&app.candidate_uuid), Some(&detail))?;
            let document = document_info(tx, &uuid)?;
            let pages = page_count(&bytes);
            Ok((LetterRecord { document, pages, superseded }, bytes))
        })
    }

    /// The offer letters of an application, newest first: (document, superseded when).
    pub fn offer_letters(&self, application_id: &str) -> Result<Vec<(DocumentInfo, Option<DateTime<Utc>>)>> {
        let app = application(&self.conn, application_id)?;
        let mut stmt = self.conn.prepare(
            "SELECT uuid, superseded_at FROM documents WHERE application_id = ?1 AND kind = 'offer_letter'
             ORDER BY added_at DESC, id DESC",
        )?;
        let rows: Vec<(String, Option<String>)> =
            stmt.query_map([app.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(uuid, at)| Ok((document_info(&self.conn, &uuid)?, at.as_deref().map(parse_ts).transpose()?)))
            .collect()
    }
}

fn audited_offer(conn: &rusqlite::Connection, stamp: &Stamp, id: &str) -> Result<(OfferRecord, PendingAudit)> {
    let app = application(conn, id)?;
    let owed = PendingAudit::new(stamp, "view", Some(&app.candidate_uuid), format!("offer {}", app.uuid));
    Ok((record(conn, app)?, owed))
}

fn preview(
    conn: &rusqlite::Connection,
    stamp: &Stamp,
    id: &str,
    template: Option<&str>,
    lang: Option<Lang>,
) -> Result<(Vec<u8>, PendingAudit)> {
    let (app, data, template) = letter_data(conn, stamp, id, template, lang)?;
    let (letter, _) = compose(&data, &template.body)?;
    let bytes = pdf::render(&letter)?;
    let owed = PendingAudit::new(stamp, "view", Some(&app.candidate_uuid), format!("letter preview {}", app.uuid));
    Ok((bytes, owed))
}

/// The guard names the field it refuses; its names are static.
fn field_name(field: &'static str) -> &'static str {
    field
}

impl From<LetterError> for PipelineError {
    fn from(e: LetterError) -> PipelineError {
        PipelineError::Letter(e)
    }
}
