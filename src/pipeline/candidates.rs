//! Candidates: adding (refusing a second copy of a person by email or phone), listing,
//! viewing, editing and finding duplicates. Merging two people is the person registry's
//! (`person::merge`), since it must move every table that holds something about them.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::audit::append;
use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{parse_ts, ts};
use crate::pipeline::{Candidate, CandidateEdit, Language, NewCandidate, PipelineError, Source, Stamp, contact};

use crate::pipeline::index::index_profile;
type Result<T> = std::result::Result<T, PipelineError>;

/// A candidate by UUID (or prefix) or by one of their email addresses.
pub(crate) fn resolve_candidate(tx: &rusqlite::Connection, id: &str) -> Result<(i64, String)> {
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
    // ----- candidates -----

    /// Adds a candidate, unless their email or phone already belongs to someone: then the
    /// error names that person, so HR can merge instead of creating a second one.
    pub fn add_candidate(&mut self, stamp: &Stamp, candidate: NewCandidate) -> Result<Candidate> {
        self.write(|tx| insert_candidate(tx, stamp, candidate))
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
            let before = candidate_by_id(tx, cid)?;
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
            // A correction reaches everything derived from the old values (search index,
            // letters): the access feature's rule, here so that every door goes through it.
            let after = candidate_by_id(tx, cid)?;
            let done = crate::access::correction::propagate(tx, cid, &before, &after)?;
            index_profile(tx, cid)?;
            let mut detail = changed.join(",");
            if done.passages > 0 || done.letters_outdated > 0 {
                detail.push_str(&format!("; {} passages reindexed, {} letters outdated", done.passages, done.letters_outdated));
            }
            append(tx, stamp, "edit", Some(&uuid), Some(&detail))?;
            Ok(after)
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
}

/// The candidate did something (applied, wrote, confirmed a consent renewal): their last
/// contact moves to `at`, never back. The only place last contact moves, because the pool
/// period runs from it and nothing HR does alone may extend it (promise P6).
pub(crate) fn record_contact(tx: &rusqlite::Connection, cid: i64, at: DateTime<Utc>) -> Result<()> {
    tx.execute("UPDATE candidates SET last_contact_at = max(last_contact_at, ?1) WHERE id = ?2", params![ts(at), cid])?;
    Ok(())
}

pub(crate) fn candidate_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Candidate> {
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
        created_at: parse_ts(&created)?,
        last_contact_at: parse_ts(&contact)?,
    })
}

/// The first existing candidate (other than `except`) sharing one of these normalised
/// emails or this normalised phone, as a duplicate error.
pub(crate) fn find_duplicate(
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

/// [`Store::add_candidate`] inside the caller's transaction (the mail intake's batch).
pub(crate) fn insert_candidate(tx: &rusqlite::Connection, stamp: &Stamp, candidate: NewCandidate) -> Result<Candidate> {
    let (c, emails, phone) = candidate.validated()?;
    if let Some(dup) = find_duplicate(tx, &emails, phone.as_deref(), None)? {
        return Err(dup);
    }
    let uuid = new_uuid();
    let now = ts(stamp.at);
    tx.execute(
        "INSERT INTO candidates (uuid, full_name, phone, phone_normalized, source, source_detail, language,
                                 created_at, last_contact_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![uuid, c.full_name, c.phone, phone, c.source.kind(), c.source.detail(), c.language.as_str(), now],
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
}
