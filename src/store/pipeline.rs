//! The pipeline's SQL: jobs, candidates, applications, notes, documents, search, board,
//! profile and timeline. Every operation is one transaction that also appends its audit
//! entry, so a change and its record land together or not at all.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use super::{Store, audit::append, flags};
use crate::documents::{self, DocumentFormat, Extraction, Extractor};
use crate::pipeline::search::{SearchFilter, SearchHit, fts_query, snippet};
use crate::pipeline::{
    Application, Board, BoardCard, BoardColumn, Candidate, CandidateEdit, DocumentInfo, Job, JobStatus, Language,
    NewCandidate, NewJob, NewNote, Note, PipelineError, Profile, Rating, Source, Stage, Stamp, TimelineEntry, contact,
};
use crate::privacy::policy::{self, Span};

type Result<T> = std::result::Result<T, PipelineError>;

/// Timestamps are stored as fixed-width UTC text, so they sort as they compare.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
}

/// A calendar day as stored (`YYYY-MM-DD`); None when unreadable.
pub(crate) fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A file handed in for a candidate.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// cv, letter or other
    pub kind: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// What stands in a preview for a masked passage.
pub const MASK: &str = "[████]";

/// Kinds of document a candidate can have.
pub const DOCUMENT_KINDS: [&str; 3] = ["cv", "letter", "other"];

/// Finds a row by full UUID or by a unique UUID prefix of at least 4 characters.
pub(super) fn resolve(
    tx: &rusqlite::Connection,
    table: &'static str,
    what: &'static str,
    id: &str,
) -> Result<(i64, String)> {
    let id = id.trim().to_ascii_lowercase();
    let not_found = || PipelineError::NotFound { what, id: id.clone() };
    if id.len() < 4 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(not_found());
    }
    let sql = format!("SELECT id, uuid FROM {table} WHERE uuid >= ?1 AND uuid < ?1 || 'g' ORDER BY uuid LIMIT 2");
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows: Vec<(i64, String)> =
        stmt.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<std::result::Result<_, _>>()?;
    match rows.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(not_found()),
        _ => Err(PipelineError::Ambiguous { what, id }),
    }
}

/// A candidate by UUID (or prefix) or by one of their email addresses.
pub(super) fn resolve_candidate(tx: &rusqlite::Connection, id: &str) -> Result<(i64, String)> {
    if id.contains('@') {
        let email = contact::normalize_email(id)?;
        return tx
            .query_row(
                "SELECT c.id, c.uuid FROM candidate_emails e JOIN candidates c ON c.id = e.candidate_id
                 WHERE e.email_normalized = ?1",
                [&email],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(PipelineError::NotFound { what: "candidate", id: id.to_owned() });
    }
    resolve(tx, "candidates", "candidate", id)
}

impl Store {
    pub(super) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    // ----- jobs -----

    pub fn add_job(&mut self, stamp: &Stamp, job: NewJob) -> Result<Job> {
        let job = job.validated()?;
        let warned = policy::check_hr_fields(&[
            ("title", &job.title),
            ("department", job.department.as_deref().unwrap_or("")),
            ("location", job.location.as_deref().unwrap_or("")),
            ("description", &job.description),
        ])?;
        let uuid = new_uuid();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO jobs (uuid, title, department, location, country, status, description, opened_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7)",
                params![uuid, job.title, job.department, job.location, job.country, job.description, ts(stamp.at)],
            )?;
            // Offsets of warnings found in several fields are relative to each field.
            flags::record(tx, None, "job", &uuid, &warned, stamp)?;
            job_by_uuid(tx, &uuid)
        })
    }

    pub fn jobs(&self, status: Option<JobStatus>) -> Result<Vec<Job>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{JOB_SELECT} WHERE ?1 IS NULL OR j.status = ?1 ORDER BY j.opened_at DESC"))?;
        let rows = stmt.query_map([status.map(JobStatus::as_str)], job_row)?.collect::<std::result::Result<_, _>>()?;
        Ok(rows)
    }

    pub fn job(&self, id: &str) -> Result<Job> {
        let (_, uuid) = resolve(&self.conn, "jobs", "job", id)?;
        job_by_uuid(&self.conn, &uuid)
    }

    pub fn set_job_status(&mut self, stamp: &Stamp, id: &str, status: JobStatus) -> Result<Job> {
        self.write(|tx| {
            let (job_id, uuid) = resolve(tx, "jobs", "job", id)?;
            let closed_at = (status == JobStatus::Closed).then(|| ts(stamp.at));
            tx.execute(
                "UPDATE jobs SET status = ?1, closed_at = ?2 WHERE id = ?3",
                params![status.as_str(), closed_at, job_id],
            )?;
            job_by_uuid(tx, &uuid)
        })
    }

    // ----- candidates -----

    /// Adds a candidate, unless their email or phone already belongs to someone: then the
    /// error names that person, so HR can merge instead of creating a second one.
    pub fn add_candidate(&mut self, stamp: &Stamp, candidate: NewCandidate) -> Result<Candidate> {
        let (c, emails, phone) = candidate.validated()?;
        self.write(|tx| {
            if let Some(dup) = find_duplicate(tx, &emails, phone.as_deref(), None)? {
                return Err(dup);
            }
            let uuid = new_uuid();
            let now = ts(stamp.at);
            tx.execute(
                "INSERT INTO candidates (uuid, full_name, phone, phone_normalized, source, source_detail, language,
                                         created_at, last_contact_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    uuid,
                    c.full_name,
                    c.phone,
                    phone,
                    c.source.kind(),
                    c.source.detail(),
                    c.language.as_str(),
                    now
                ],
            )?;
            let id = tx.last_insert_rowid();
            for (raw, norm) in c.emails.iter().zip(&emails) {
                tx.execute(
                    "INSERT INTO candidate_emails (candidate_id, email, email_normalized) VALUES (?1, ?2, ?3)",
                    params![id, raw, norm],
                )?;
            }
            index_profile(tx, id)?;
            append(tx, stamp, "create", Some(&uuid), None)?;
            candidate_by_id(tx, id)
        })
    }

    /// Candidates, newest first.
    pub fn candidates(&self, limit: usize, offset: usize) -> Result<Vec<Candidate>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM candidates ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2")?;
        let ids: Vec<i64> = stmt
            .query_map(params![limit as i64, offset as i64], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        ids.into_iter().map(|id| candidate_by_id(&self.conn, id)).collect()
    }

    pub fn count_candidates(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM candidates", [], |r| r.get(0))?)
    }

    /// One candidate; the view is audited.
    pub fn candidate(&mut self, stamp: &Stamp, id: &str) -> Result<Candidate> {
        self.write(|tx| {
            let (cid, uuid) = resolve_candidate(tx, id)?;
            append(tx, stamp, "view", Some(&uuid), None)?;
            candidate_by_id(tx, cid)
        })
    }

    pub fn edit_candidate(&mut self, stamp: &Stamp, id: &str, edit: CandidateEdit) -> Result<Candidate> {
        self.write(|tx| {
            let (cid, uuid) = resolve_candidate(tx, id)?;
            let mut changed = Vec::new();
            if let Some(name) = &edit.full_name {
                let name = name.trim();
                if name.is_empty() {
                    return Err(PipelineError::Invalid { field: "full name", reason: "must not be empty".into() });
                }
                tx.execute("UPDATE candidates SET full_name = ?1 WHERE id = ?2", params![name, cid])?;
                changed.push("name");
            }
            for email in &edit.add_emails {
                let norm = contact::normalize_email(email)?;
                if let Some(dup) = find_duplicate(tx, std::slice::from_ref(&norm), None, Some(cid))? {
                    return Err(dup);
                }
                tx.execute(
                    "INSERT OR IGNORE INTO candidate_emails (candidate_id, email, email_normalized) VALUES (?1, ?2, ?3)",
                    params![cid, email.trim(), norm],
                )?;
                changed.push("email");
            }
            for email in &edit.remove_emails {
                let norm = contact::normalize_email(email)?;
                let n = tx.execute(
                    "DELETE FROM candidate_emails WHERE candidate_id = ?1 AND email_normalized = ?2",
                    params![cid, norm],
                )?;
                if n == 0 {
                    return Err(PipelineError::NotFound { what: "email", id: email.trim().to_owned() });
                }
                changed.push("email");
            }
            if let Some(phone) = &edit.phone {
                let phone = phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
                let norm = phone.map(contact::normalize_phone).transpose()?;
                if let Some(n) = &norm
                    && let Some(dup) = find_duplicate(tx, &[], Some(n), Some(cid))?
                {
                    return Err(dup);
                }
                tx.execute(
                    "UPDATE candidates SET phone = ?1, phone_normalized = ?2 WHERE id = ?3",
                    params![phone, norm, cid],
                )?;
                changed.push("phone");
            }
            if let Some(source) = &edit.source {
                tx.execute(
                    "UPDATE candidates SET source = ?1, source_detail = ?2 WHERE id = ?3",
                    params![source.kind(), source.detail(), cid],
                )?;
                changed.push("source");
            }
            if let Some(lang) = edit.language {
                tx.execute("UPDATE candidates SET language = ?1 WHERE id = ?2", params![lang.as_str(), cid])?;
                changed.push("language");
            }
            changed.dedup();
            index_profile(tx, cid)?;
            append(tx, stamp, "edit", Some(&uuid), Some(&changed.join(",")))?;
            candidate_by_id(tx, cid)
        })
    }

    /// Merges `absorb` into `keep`: emails, applications, notes, documents and messages
    /// move over; `absorb` is deleted. Where both applied to the same job, the absorbed
    /// application's history joins the kept one.
    pub fn merge_candidates(&mut self, stamp: &Stamp, keep: &str, absorb: &str) -> Result<Candidate> {
        self.write(|tx| {
            let (keep_id, keep_uuid) = resolve_candidate(tx, keep)?;
            let (gone_id, gone_uuid) = resolve_candidate(tx, absorb)?;
            if keep_id == gone_id {
                return Err(PipelineError::Invalid { field: "merge", reason: "a candidate cannot be merged into itself".into() });
            }
            tx.execute(
                "INSERT OR IGNORE INTO candidate_emails (candidate_id, email, email_normalized)
                 SELECT ?1, email, email_normalized FROM candidate_emails WHERE candidate_id = ?2",
                params![keep_id, gone_id],
            )?;
            // Applications to the same job: fold the absorbed one into the kept one.
            let mut stmt = tx.prepare(
                "SELECT g.id, k.id FROM applications g JOIN applications k ON k.job_id = g.job_id
                 WHERE g.candidate_id = ?1 AND k.candidate_id = ?2",
            )?;
            let pairs: Vec<(i64, i64)> = stmt
                .query_map(params![gone_id, keep_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            drop(stmt);
            for (g, k) in pairs {
                tx.execute("UPDATE stage_events SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
                tx.execute("UPDATE notes SET application_id = ?1 WHERE application_id = ?2", params![k, g])?;
                tx.execute("DELETE FROM applications WHERE id = ?1", [g])?;
            }
            for table in ["applications", "notes", "documents", "messages", "search_entries"] {
                tx.execute(&format!("UPDATE {table} SET candidate_id = ?1 WHERE candidate_id = ?2"), params![keep_id, gone_id])?;
            }
            // The phone, if the kept one has none; the earliest creation; the latest contact.
            tx.execute(
                "UPDATE candidates SET
                   phone = coalesce(phone, (SELECT phone FROM candidates WHERE id = ?2)),
                   phone_normalized = coalesce(phone_normalized, (SELECT phone_normalized FROM candidates WHERE id = ?2)),
                   created_at = min(created_at, (SELECT created_at FROM candidates WHERE id = ?2)),
                   last_contact_at = max(last_contact_at, (SELECT last_contact_at FROM candidates WHERE id = ?2))
                 WHERE id = ?1",
                params![keep_id, gone_id],
            )?;
            tx.execute("DELETE FROM candidates WHERE id = ?1", [gone_id])?;
            index_profile(tx, keep_id)?;
            append(tx, stamp, "merge", Some(&keep_uuid), Some(&format!("absorbed {gone_uuid}")))?;
            append(tx, stamp, "delete", Some(&gone_uuid), Some(&format!("merged into {keep_uuid}")))?;
            candidate_by_id(tx, keep_id)
        })
    }

    /// Candidates who share an email or phone with this one.
    pub fn duplicates_of(&self, id: &str) -> Result<Vec<Candidate>> {
        let (cid, _) = resolve_candidate(&self.conn, id)?;
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT c2.id FROM candidates c
             JOIN candidates c2 ON c2.id <> c.id
             WHERE c.id = ?1 AND (
               (c.phone_normalized IS NOT NULL AND c2.phone_normalized = c.phone_normalized)
               OR EXISTS (SELECT 1 FROM candidate_emails e1 JOIN candidate_emails e2 ON e2.email_normalized = e1.email_normalized
                          WHERE e1.candidate_id = c.id AND e2.candidate_id = c2.id))",
        )?;
        let ids: Vec<i64> = stmt.query_map([cid], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
        ids.into_iter().map(|id| candidate_by_id(&self.conn, id)).collect()
    }

    // ----- applications -----

    /// The candidate applies to a job: a new application at stage "new". This is something
    /// the candidate does, so it renews their last contact.
    pub fn apply(&mut self, stamp: &Stamp, candidate: &str, job: &str) -> Result<Application> {
        self.write(|tx| {
            let (cid, cuuid) = resolve_candidate(tx, candidate)?;
            let (jid, _) = resolve(tx, "jobs", "job", job)?;
            let (status, title): (String, String) =
                tx.query_row("SELECT status, title FROM jobs WHERE id = ?1", [jid], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if status == "closed" {
                return Err(PipelineError::JobClosed { title });
            }
            if let Some(existing) = tx
                .query_row(
                    "SELECT uuid FROM applications WHERE candidate_id = ?1 AND job_id = ?2",
                    params![cid, jid],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
            {
                return Err(PipelineError::AlreadyApplied { candidate: cuuid, application: existing });
            }
            let uuid = new_uuid();
            let now = ts(stamp.at);
            tx.execute(
                "INSERT INTO applications (uuid, candidate_id, job_id, stage, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'new', ?4, ?4)",
                params![uuid, cid, jid, now],
            )?;
            let app_id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO stage_events (application_id, from_stage, to_stage, actor, at) VALUES (?1, NULL, 'new', ?2, ?3)",
                params![app_id, stamp.actor, now],
            )?;
            tx.execute(
                "UPDATE candidates SET last_contact_at = max(last_contact_at, ?1) WHERE id = ?2",
                params![now, cid],
            )?;
            append(tx, stamp, "apply", Some(&cuuid), Some(&format!("application {uuid}")))?;
            application_by_uuid(tx, &uuid)
        })
    }

    /// Moves an application to another stage, dated and recorded in the timeline.
    pub fn move_stage(
        &mut self,
        stamp: &Stamp,
        application: &str,
        to: Stage,
        reason: Option<&str>,
    ) -> Result<Application> {
        self.write(|tx| {
            let (app_id, uuid) = resolve(tx, "applications", "application", application)?;
            let (from, cuuid): (String, String) = tx.query_row(
                "SELECT a.stage, c.uuid FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ?1",
                [app_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let from = Stage::parse(&from)?;
            let reason = from.check_move(to, reason)?;
            let warned = match &reason {
                Some(r) => policy::check_hr_text("reason", r)?,
                None => Vec::new(),
            };
            let now = ts(stamp.at);
            let closed_reason = if to.is_open() { None } else { reason.clone() };
            tx.execute(
                "UPDATE applications SET stage = ?1, closed_reason = ?2, updated_at = ?3 WHERE id = ?4",
                params![to.as_str(), closed_reason, now, app_id],
            )?;
            tx.execute(
                "INSERT INTO stage_events (application_id, from_stage, to_stage, reason, actor, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![app_id, from.as_str(), to.as_str(), reason, stamp.actor, now],
            )?;
            // Promise P3: what the new stage may not hold (hiring details before offer, custom
            // values before their stage, anything on a closed application) goes in this same
            // transaction; the audit names the erased fields, never their values.
            let erased = super::hiring::erase_out_of_stage(tx, app_id, to)?;
            let mut detail = format!("{uuid} {from}->{to}");
            if !erased.is_empty() {
                detail.push_str(&format!("; erased {}", erased.join(",")));
            }
            let cid: i64 =
                tx.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app_id], |r| r.get(0))?;
            flags::record(tx, Some(cid), "stage_reason", &uuid, &warned, stamp)?;
            append(tx, stamp, "stage", Some(&cuuid), Some(&detail))?;
            application_by_uuid(tx, &uuid)
        })
    }

    pub fn applications_of(&self, candidate: &str) -> Result<Vec<Application>> {
        let (cid, _) = resolve_candidate(&self.conn, candidate)?;
        applications_where(&self.conn, "a.candidate_id = ?1", cid)
    }

    /// A job's board: for every column (or only `stage`'s), how many applications are at
    /// that stage and the cards from `offset`, at most `limit` of them, most recently
    /// updated first. One query: the counts and the positions come from window functions
    /// over the job's applications, and only the cards sent are joined to their candidate.
    pub fn board(&self, job: &str, stage: Option<Stage>, offset: usize, limit: usize) -> Result<Board> {
        let (jid, juuid) = resolve(&self.conn, "jobs", "job", job)?;
        let job = job_by_uuid(&self.conn, &juuid)?;
        let stages: &[Stage] = match &stage {
            Some(s) => std::slice::from_ref(s),
            None => &Stage::ALL,
        };
        let mut columns: Vec<BoardColumn> = stages
            .iter()
            .map(|s| BoardColumn { stage: *s, total: 0, offset: offset as u64, cards: Vec::new() })
            .collect();
        // Counts from the (job, stage) index alone; positions from one window over the
        // job's applications; only the cards in the window are joined to their candidate.
        // A column with no card in the window still comes back once, for its count.
        let first = i64::try_from(offset).unwrap_or(i64::MAX);
        let last = i64::try_from(offset.saturating_add(limit)).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "WITH counts AS (
                 SELECT stage, count(*) AS total FROM applications
                 WHERE job_id = ?1 AND (?2 IS NULL OR stage = ?2) GROUP BY stage),
             ranked AS (
                 SELECT uuid, candidate_id, stage, updated_at,
                        row_number() OVER (PARTITION BY stage ORDER BY updated_at DESC, id DESC) AS n
                 FROM applications WHERE job_id = ?1 AND (?2 IS NULL OR stage = ?2)),
             shown AS (SELECT * FROM ranked WHERE n > ?3 AND n <= ?4)
             SELECT counts.stage, counts.total, shown.uuid, c.uuid, c.full_name, shown.updated_at
             FROM counts LEFT JOIN shown ON shown.stage = counts.stage
             LEFT JOIN candidates c ON c.id = shown.candidate_id
             ORDER BY shown.n",
        )?;
        let rows = stmt.query_map(params![jid, stage.map(|s| s.as_str()), first, last], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (stage, total, app, cand, name, updated) = row?;
            let stage = Stage::parse(&stage)?;
            let Some(column) = columns.iter_mut().find(|c| c.stage == stage) else { continue };
            column.total = u64::try_from(total).unwrap_or(0);
            if let (Some(app), Some(cand), Some(name), Some(updated)) = (app, cand, name, updated) {
                column.cards.push(BoardCard {
                    application_uuid: app,
                    candidate_uuid: cand,
                    candidate_name: name,
                    stage,
                    updated_at: parse_ts(&updated),
                });
            }
        }
        Ok(Board { job, columns })
    }

    // ----- notes -----

    pub fn add_note(&mut self, stamp: &Stamp, candidate: &str, note: NewNote) -> Result<Note> {
        let note = note.validated()?;
        let warned = policy::check_hr_text("note", &note.body)?;
        for (criterion, _) in &note.ratings {
            policy::check_hr_text("rating criterion", criterion)?;
        }
        self.write(|tx| {
            let (cid, cuuid) = resolve_candidate(tx, candidate)?;
            let app_id = match &note.application {
                Some(app) => {
                    let (app_id, _) = resolve(tx, "applications", "application", app)?;
                    let owner: i64 =
                        tx.query_row("SELECT candidate_id FROM applications WHERE id = ?1", [app_id], |r| r.get(0))?;
                    if owner != cid {
                        return Err(PipelineError::Invalid {
                            field: "application",
                            reason: "that application belongs to another candidate".into(),
                        });
                    }
                    Some(app_id)
                }
                None => None,
            };
            let uuid = new_uuid();
            let kind = if note.feedback { "feedback" } else { "note" };
            tx.execute(
                "INSERT INTO notes (uuid, candidate_id, application_id, kind, author, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![uuid, cid, app_id, kind, stamp.actor, note.body, ts(stamp.at)],
            )?;
            let note_id = tx.last_insert_rowid();
            for (criterion, score) in &note.ratings {
                tx.execute(
                    "INSERT INTO note_ratings (note_id, criterion, score) VALUES (?1, ?2, ?3)",
                    params![note_id, criterion, *score as i64],
                )?;
            }
            flags::record(tx, Some(cid), "note", &uuid, &warned, stamp)?;
            index_text(tx, cid, "note", &uuid, &note.body)?;
            append(tx, stamp, "note", Some(&cuuid), Some(&format!("{kind} {uuid}")))?;
            note_by_id(tx, note_id)
        })
    }

    // ----- documents -----

    /// Stores a document: recognised by its content (not its name), within the size limit,
    /// its text extracted by `extractor` in a bounded child process before the transaction.
    /// A failed extraction stores the document marked as having no text.
    pub fn add_document(
        &mut self,
        stamp: &Stamp,
        candidate: &str,
        upload: Upload<'_>,
        size_limit: u64,
        extractor: &Extractor,
    ) -> Result<(DocumentInfo, Extraction)> {
        let Upload { kind, file_name, bytes } = upload;
        if !DOCUMENT_KINDS.contains(&kind) {
            return Err(PipelineError::Invalid {
                field: "kind",
                reason: format!("\"{kind}\" is not cv, letter or other"),
            });
        }
        let file_name = file_name.trim();
        if file_name.is_empty() || file_name.contains(['/', '\\', '\0']) {
            return Err(PipelineError::Invalid { field: "file name", reason: "must be a plain file name".into() });
        }
        documents::check_size(bytes.len() as u64, size_limit)?;
        let format: DocumentFormat = documents::sniff(bytes)?;
        documents::check_name(file_name, format)?;
        // Make sure the candidate exists before the (slow) extraction.
        resolve_candidate(&self.conn, candidate)?;
        let extraction = extractor.extract(format, bytes);
        let (text, status) = match &extraction {
            Extraction::Text(t) if !t.trim().is_empty() => (Some(t.as_str()), "extracted"),
            _ => (None, "none"),
        };
        // The candidate's own words are stored as given; passages of a sensitive category
        // are flagged, masked in previews and kept out of the search index.
        let flagged = text.map(policy::flag_candidate_text);
        let sha = hex::encode(Sha256::digest(bytes));
        let info = self.write(|tx| {
            let (cid, cuuid) = resolve_candidate(tx, candidate)?;
            let uuid = new_uuid();
            tx.execute(
                "INSERT INTO documents (uuid, candidate_id, kind, file_name, media_type, size, sha256, content, text,
                                        text_status, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    uuid,
                    cid,
                    kind,
                    file_name,
                    format.media_type(),
                    bytes.len() as i64,
                    sha,
                    bytes,
                    text,
                    status,
                    ts(stamp.at)
                ],
            )?;
            if let Some(flagged) = &flagged {
                flags::record(tx, Some(cid), "document", &uuid, &flagged.findings, stamp)?;
                index_text(tx, cid, "document", &uuid, &flagged.indexable)?;
            }
            append(tx, stamp, "document_add", Some(&cuuid), Some(&format!("{kind} {uuid}")))?;
            document_info(tx, &uuid)
        })?;
        Ok((info, extraction))
    }

    /// A document's bytes, for export or viewing; audited as an export.
    pub fn document_content(&mut self, stamp: &Stamp, id: &str) -> Result<(DocumentInfo, Vec<u8>)> {
        self.write(|tx| {
            let (doc_id, uuid) = resolve(tx, "documents", "document", id)?;
            let info = document_info(tx, &uuid)?;
            let bytes: Vec<u8> = tx.query_row("SELECT content FROM documents WHERE id = ?1", [doc_id], |r| r.get(0))?;
            append(tx, stamp, "export", Some(&info.candidate_uuid), Some(&format!("document {uuid}")))?;
            Ok((info, bytes))
        })
    }

    /// A document's extracted text (None when it has none), its sensitive passages masked
    /// unless `reveal` is asked for; audited as a view, or as a reveal.
    pub fn document_text(&mut self, stamp: &Stamp, id: &str, reveal: bool) -> Result<(DocumentInfo, Option<String>)> {
        self.write(|tx| {
            let (doc_id, uuid) = resolve(tx, "documents", "document", id)?;
            let info = document_info(tx, &uuid)?;
            let text: Option<String> =
                tx.query_row("SELECT text FROM documents WHERE id = ?1", [doc_id], |r| r.get(0))?;
            let masked = refused_spans(tx, &uuid)?;
            let action = if reveal && !masked.is_empty() { "reveal" } else { "view" };
            append(tx, stamp, action, Some(&info.candidate_uuid), Some(&format!("document {uuid}")))?;
            let text = match (text, reveal) {
                (Some(t), false) => Some(policy::mask(&t, &masked, MASK)),
                (t, _) => t,
            };
            Ok((info, text))
        })
    }

    /// The flagged passages of a document: category and byte span in its extracted text.
    pub fn document_flags(&self, id: &str) -> Result<Vec<(String, Span)>> {
        let (_, uuid) = resolve(&self.conn, "documents", "document", id)?;
        flags::spans(&self.conn, "document", &uuid, "refused")
    }

    // ----- search, profile, timeline -----

    /// Full-text search over names, emails, phones, notes and document text, best first,
    /// one hit per candidate.
    pub fn search(&mut self, stamp: &Stamp, text: &str, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
        // Nobody searches candidates by religion or union: such a query is refused.
        policy::check_hr_text("search", text)?;
        let query = fts_query(text)?;
        let limit = if filter.limit == 0 { 20 } else { filter.limit.min(500) };
        let job_id =
            filter.job.as_deref().map(|j| resolve(&self.conn, "jobs", "job", j)).transpose()?.map(|(id, _)| id);
        let params_of = (
            filter.source.clone(),
            filter.since.map(ts),
            filter.until.map(ts),
            job_id,
            filter.stage.map(Stage::as_str),
        );
        // Rank passages in the index alone (cheap), then look up only the best ones'
        // candidates through the filters; widen the window when filters or duplicates
        // leave too few.
        let mut window = (limit * 4) as i64;
        let mut found: Vec<(i64, SearchHit)> = Vec::new();
        // An email address is looked up, not ranked: its words ("example", "org") are in
        // every profile and would make the ranking read them all.
        let exact: Option<Vec<(i64, f64)>> = match contact::normalize_email(text) {
            Ok(email) if !text.trim().contains(' ') => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT e.id FROM candidate_emails ce JOIN search_entries e
                       ON e.candidate_id = ce.candidate_id AND e.field = 'profile'
                     WHERE ce.email_normalized = ?1",
                )?;
                let ids: Vec<(i64, f64)> =
                    stmt.query_map([&email], |r| Ok((r.get(0)?, 0.0)))?.collect::<std::result::Result<_, _>>()?;
                (!ids.is_empty()).then_some(ids)
            }
            _ => None,
        };
        loop {
            found.clear();
            if let Some(passages) = &exact {
                window = passages.len() as i64 + 1;
            }
            let mut ranked = self.conn.prepare_cached(
                "SELECT rowid, bm25(search_index) FROM search_index WHERE search_index MATCH ?1
                 ORDER BY bm25(search_index) LIMIT ?2",
            )?;
            let passages: Vec<(i64, f64)> = match &exact {
                Some(passages) => passages.clone(),
                None => ranked
                    .query_map(params![query, window], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<std::result::Result<_, _>>()?,
            };
            let mut owner = self.conn.prepare_cached(
                "SELECT c.uuid, c.full_name, e.field
                 FROM search_entries e JOIN candidates c ON c.id = e.candidate_id
                 WHERE e.id = ?1 AND c.restricted_at IS NULL
                   AND (?2 IS NULL OR c.source = ?2)
                   AND (?3 IS NULL OR c.created_at >= ?3)
                   AND (?4 IS NULL OR c.created_at < ?4)
                   AND (?5 IS NULL AND ?6 IS NULL OR EXISTS (
                         SELECT 1 FROM applications a WHERE a.candidate_id = c.id
                           AND (?5 IS NULL OR a.job_id = ?5) AND (?6 IS NULL OR a.stage = ?6)))",
            )?;
            for (rowid, rank) in &passages {
                let (source, since, until, job, stage) = &params_of;
                let hit = owner
                    .query_row(params![rowid, source, since, until, job, stage], |r| {
                        Ok(SearchHit {
                            candidate_uuid: r.get(0)?,
                            full_name: r.get(1)?,
                            field: r.get(2)?,
                            snippet: String::new(),
                            rank: *rank,
                        })
                    })
                    .optional()?;
                if let Some(hit) = hit
                    && !found.iter().any(|(_, h)| h.candidate_uuid == hit.candidate_uuid)
                {
                    found.push((*rowid, hit));
                    if found.len() == limit {
                        break;
                    }
                }
            }
            if found.len() == limit || (passages.len() as i64) < window {
                break;
            }
            window *= 8;
        }
        // Snippets only for what is shown, cut from the passage's source row (the index is
        // contentless). FTS5's own snippet() would need the content, and with a rowid
        // constraint it walked the whole doclist: ~4 ms each.
        let mut hits = Vec::with_capacity(found.len());
        for (rowid, mut hit) in found {
            hit.snippet = passage(&self.conn, rowid)?.map(|b| snippet(&b, text, 14)).unwrap_or_default();
            hits.push(hit);
        }
        // Audited as a search, without the query (it may name someone).
        self.write(|tx| append(tx, stamp, "search", None, Some(&format!("{} results", hits.len()))))?;
        Ok(hits)
    }

    /// Everything about one candidate; audited as a view.
    pub fn profile(&mut self, stamp: &Stamp, id: &str) -> Result<Profile> {
        self.write(|tx| {
            let (cid, uuid) = resolve_candidate(tx, id)?;
            append(tx, stamp, "view", Some(&uuid), Some("profile"))?;
            let candidate = candidate_by_id(tx, cid)?;
            let applications = applications_where(tx, "a.candidate_id = ?1", cid)?;
            let mut stmt = tx.prepare_cached("SELECT uuid FROM documents WHERE candidate_id = ?1 ORDER BY added_at")?;
            let doc_uuids: Vec<String> = stmt.query_map([cid], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
            let documents = doc_uuids.iter().map(|u| document_info(tx, u)).collect::<Result<Vec<_>>>()?;
            let mut stmt = tx.prepare_cached("SELECT id FROM notes WHERE candidate_id = ?1 ORDER BY created_at")?;
            let note_ids: Vec<i64> = stmt.query_map([cid], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
            let notes = note_ids.into_iter().map(|n| note_by_id(tx, n)).collect::<Result<Vec<_>>>()?;
            let timeline = timeline(tx, cid, &candidate)?;
            Ok(Profile { candidate, applications, documents, notes, timeline })
        })
    }
}

const JOB_SELECT: &str = "SELECT j.uuid, j.title, j.department, j.location, j.country, j.status, j.description,
        j.opened_at, j.closed_at,
        (SELECT count(*) FROM applications a WHERE a.job_id = j.id AND a.stage IN ('new','screening','interview','offer'))
 FROM jobs j";

fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    let status: String = r.get(5)?;
    Ok(Job {
        uuid: r.get(0)?,
        title: r.get(1)?,
        department: r.get(2)?,
        location: r.get(3)?,
        country: r.get(4)?,
        status: JobStatus::parse(&status).unwrap_or(JobStatus::Open),
        description: r.get(6)?,
        opened_at: parse_ts(&r.get::<_, String>(7)?),
        closed_at: r.get::<_, Option<String>>(8)?.as_deref().map(parse_ts),
        open_applications: r.get(9)?,
    })
}

fn job_by_uuid(conn: &rusqlite::Connection, uuid: &str) -> Result<Job> {
    Ok(conn.query_row(&format!("{JOB_SELECT} WHERE j.uuid = ?1"), [uuid], job_row)?)
}

fn candidate_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Candidate> {
    let mut stmt = conn.prepare_cached(
        "SELECT uuid, full_name, phone, source, source_detail, language, created_at, last_contact_at
         FROM candidates WHERE id = ?1",
    )?;
    let (uuid, full_name, phone, kind, detail, lang, created, contact): (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        String,
        String,
    ) = stmt.query_row([id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
    })?;
    let mut stmt = conn.prepare_cached("SELECT email FROM candidate_emails WHERE candidate_id = ?1 ORDER BY rowid")?;
    let emails = stmt.query_map([id], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
    Ok(Candidate {
        uuid,
        full_name,
        emails,
        phone,
        source: Source::from_parts(&kind, detail).unwrap_or(Source::Direct),
        language: Language::parse(&lang).unwrap_or(Language::Fr),
        created_at: parse_ts(&created),
        last_contact_at: parse_ts(&contact),
    })
}

/// The first existing candidate (other than `except`) sharing one of these normalised
/// emails or this normalised phone, as a duplicate error.
fn find_duplicate(
    tx: &rusqlite::Connection,
    emails: &[String],
    phone: Option<&str>,
    except: Option<i64>,
) -> Result<Option<PipelineError>> {
    let except = except.unwrap_or(-1);
    for email in emails {
        if let Some((uuid, name)) = tx
            .query_row(
                "SELECT c.uuid, c.full_name FROM candidate_emails e JOIN candidates c ON c.id = e.candidate_id
                 WHERE e.email_normalized = ?1 AND c.id <> ?2",
                params![email, except],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
        {
            return Ok(Some(PipelineError::Duplicate {
                existing: uuid,
                existing_name: name,
                matched_on: "email".into(),
            }));
        }
    }
    if let Some(phone) = phone
        && let Some((uuid, name)) = tx
            .query_row(
                "SELECT uuid, full_name FROM candidates WHERE phone_normalized = ?1 AND id <> ?2",
                params![phone, except],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
    {
        return Ok(Some(PipelineError::Duplicate { existing: uuid, existing_name: name, matched_on: "phone".into() }));
    }
    Ok(None)
}

/// The text of an indexed passage, from its source row, as a preview may show it: a
/// document's refused passages masked. None when the source is gone.
fn passage(conn: &rusqlite::Connection, entry: i64) -> Result<Option<String>> {
    let Some((cid, field, reference)): Option<(i64, String, String)> = conn
        .prepare_cached("SELECT candidate_id, field, ref FROM search_entries WHERE id = ?1")?
        .query_row([entry], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
    else {
        return Ok(None);
    };
    let text = |sql: &str| -> Result<Option<String>> {
        Ok(conn.prepare_cached(sql)?.query_row([&reference], |r| r.get::<_, Option<String>>(0)).optional()?.flatten())
    };
    Ok(match field.as_str() {
        "profile" => Some(profile_passage(&candidate_by_id(conn, cid)?)),
        "note" => text("SELECT body FROM notes WHERE uuid = ?1")?,
        "message" => text("SELECT body_text FROM messages WHERE uuid = ?1")?,
        _ => match text("SELECT text FROM documents WHERE uuid = ?1")? {
            Some(t) => Some(policy::mask(&t, &refused_spans(conn, &reference)?, MASK)),
            None => None,
        },
    })
}

/// The passages of a document's text that previews and snippets mask.
fn refused_spans(conn: &rusqlite::Connection, document: &str) -> Result<Vec<Span>> {
    Ok(flags::spans(conn, "document", document, "refused")?.into_iter().map(|(_, s)| s).collect())
}

/// What a candidate's profile passage holds: name, emails and phone.
fn profile_passage(c: &Candidate) -> String {
    let mut body = c.full_name.clone();
    for e in &c.emails {
        body.push(' ');
        body.push_str(e);
    }
    if let Some(p) = &c.phone {
        body.push(' ');
        body.push_str(p);
    }
    body
}

/// (Re)indexes a candidate's profile passage: name, emails and phone.
fn index_profile(tx: &rusqlite::Connection, cid: i64) -> Result<()> {
    let c = candidate_by_id(tx, cid)?;
    index_text(tx, cid, "profile", &c.uuid, &profile_passage(&c))
}

/// Puts one passage in the search index, replacing any earlier one for the same source.
fn index_text(tx: &rusqlite::Connection, cid: i64, field: &str, reference: &str, body: &str) -> Result<()> {
    tx.execute("DELETE FROM search_entries WHERE field = ?1 AND ref = ?2", params![field, reference])?;
    tx.execute(
        "INSERT INTO search_entries (candidate_id, field, ref) VALUES (?1, ?2, ?3)",
        params![cid, field, reference],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute("INSERT INTO search_index (rowid, body) VALUES (?1, ?2)", params![id, body])?;
    Ok(())
}

fn applications_where(conn: &rusqlite::Connection, clause: &str, arg: i64) -> Result<Vec<Application>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.uuid, c.uuid, c.full_name, j.uuid, j.title, a.stage, a.closed_reason, a.created_at, a.updated_at,
                a.contract_end
         FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN jobs j ON j.id = a.job_id
         WHERE {clause} ORDER BY a.created_at"
    ))?;
    let rows = stmt.query_map([arg], application_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row?);
    }
    Ok(out)
}

fn application_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Application> {
    let stage: String = r.get(5)?;
    Ok(Application {
        uuid: r.get(0)?,
        candidate_uuid: r.get(1)?,
        candidate_name: r.get(2)?,
        job_uuid: r.get(3)?,
        job_title: r.get(4)?,
        stage: Stage::parse(&stage).unwrap_or(Stage::New),
        closed_reason: r.get(6)?,
        created_at: parse_ts(&r.get::<_, String>(7)?),
        updated_at: parse_ts(&r.get::<_, String>(8)?),
        contract_end: r.get::<_, Option<String>>(9)?.as_deref().and_then(parse_day),
    })
}

fn application_by_uuid(conn: &rusqlite::Connection, uuid: &str) -> Result<Application> {
    let (id, _) = resolve(conn, "applications", "application", uuid)?;
    applications_where(conn, "a.id = ?1", id)?
        .pop()
        .ok_or(PipelineError::NotFound { what: "application", id: uuid.to_owned() })
}

fn note_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Note> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.uuid, c.uuid, a.uuid, n.kind, n.author, n.body, n.created_at
         FROM notes n JOIN candidates c ON c.id = n.candidate_id LEFT JOIN applications a ON a.id = n.application_id
         WHERE n.id = ?1",
    )?;
    let mut note = stmt.query_row([id], |r| {
        Ok(Note {
            uuid: r.get(0)?,
            candidate_uuid: r.get(1)?,
            application_uuid: r.get(2)?,
            kind: r.get(3)?,
            author: r.get(4)?,
            body: r.get(5)?,
            ratings: Vec::new(),
            created_at: parse_ts(&r.get::<_, String>(6)?),
            warnings: Vec::new(),
        })
    })?;
    note.warnings = flags::warnings(conn, "note", &note.uuid, &note.body)?;
    let mut stmt =
        conn.prepare_cached("SELECT criterion, score FROM note_ratings WHERE note_id = ?1 ORDER BY criterion")?;
    note.ratings = stmt
        .query_map([id], |r| Ok(Rating { criterion: r.get(0)?, score: r.get::<_, i64>(1)? as u8 }))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(note)
}

fn document_info(conn: &rusqlite::Connection, uuid: &str) -> Result<DocumentInfo> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.uuid, c.uuid, d.kind, d.file_name, d.media_type, d.size, d.sha256, d.text_status, d.added_at
         FROM documents d JOIN candidates c ON c.id = d.candidate_id WHERE d.uuid = ?1",
    )?;
    Ok(stmt.query_row([uuid], |r| {
        Ok(DocumentInfo {
            uuid: r.get(0)?,
            candidate_uuid: r.get(1)?,
            kind: r.get(2)?,
            file_name: r.get(3)?,
            media_type: r.get(4)?,
            size: r.get(5)?,
            sha256: r.get(6)?,
            text_status: r.get(7)?,
            added_at: parse_ts(&r.get::<_, String>(8)?),
        })
    })?)
}

/// Runs a timeline query for one candidate and appends its entries.
fn entries(
    conn: &rusqlite::Connection,
    sql: &str,
    cid: i64,
    out: &mut Vec<TimelineEntry>,
    entry: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<TimelineEntry>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    for row in stmt.query_map([cid], entry)? {
        out.push(row?);
    }
    Ok(())
}

/// Stage changes, notes, documents and messages of a candidate, in time order.
fn timeline(conn: &rusqlite::Connection, cid: i64, candidate: &Candidate) -> Result<Vec<TimelineEntry>> {
    let mut out = vec![TimelineEntry {
        at: candidate.created_at,
        kind: "created".into(),
        summary: format!("added ({})", candidate.source.kind()),
        actor: None,
        reference: Some(candidate.uuid.clone()),
    }];
    entries(
        conn,
        "SELECT e.at, e.from_stage, e.to_stage, e.reason, e.actor, j.title, a.uuid
         FROM stage_events e JOIN applications a ON a.id = e.application_id JOIN jobs j ON j.id = a.job_id
         WHERE a.candidate_id = ?1",
        cid,
        &mut out,
        |r| {
            let from: Option<String> = r.get(1)?;
            let to: String = r.get(2)?;
            let reason: Option<String> = r.get(3)?;
            let title: String = r.get(5)?;
            let summary = match from {
                None => format!("applied to {title}"),
                Some(f) => format!("{title}: {f} → {to}{}", reason.map(|r| format!(" ({r})")).unwrap_or_default()),
            };
            Ok(TimelineEntry {
                at: parse_ts(&r.get::<_, String>(0)?),
                kind: "stage_change".into(),
                summary,
                actor: Some(r.get(4)?),
                reference: Some(r.get(6)?),
            })
        },
    )?;
    entries(
        conn,
        "SELECT created_at, kind, author, body, uuid FROM notes WHERE candidate_id = ?1",
        cid,
        &mut out,
        |r| {
            let body: String = r.get(3)?;
            let summary: String = body.chars().take(120).collect();
            Ok(TimelineEntry {
                at: parse_ts(&r.get::<_, String>(0)?),
                kind: r.get(1)?,
                summary,
                actor: Some(r.get(2)?),
                reference: Some(r.get(4)?),
            })
        },
    )?;
    entries(
        conn,
        "SELECT added_at, kind, file_name, uuid FROM documents WHERE candidate_id = ?1",
        cid,
        &mut out,
        |r| {
            Ok(TimelineEntry {
                at: parse_ts(&r.get::<_, String>(0)?),
                kind: "document".into(),
                summary: format!("{}: {}", r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                actor: None,
                reference: Some(r.get(3)?),
            })
        },
    )?;
    entries(
        conn,
        "SELECT received_at, direction, coalesce(subject, ''), uuid FROM messages WHERE candidate_id = ?1",
        cid,
        &mut out,
        |r| {
            Ok(TimelineEntry {
                at: parse_ts(&r.get::<_, String>(0)?),
                kind: "message".into(),
                summary: format!("{}: {}", r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                actor: None,
                reference: Some(r.get(3)?),
            })
        },
    )?;
    out.sort_by_key(|e| e.at);
    Ok(out)
}
