//! A candidate's profile and timeline: everything the profile screen shows, in one read,
//! audited as a view: in the same transaction (`profile`), or, read on a reader connection
//! that never waits for the writer, with the view's entry owed to the log (`read_profile`).

use crate::audit::PendingAudit;
use crate::db::Store;
use crate::db::time::parse_ts;
use crate::pipeline::{Candidate, PipelineError, Profile, Stamp, TimelineEntry};

use crate::documents::document_info;
use crate::pipeline::applications::applications_where;
use crate::pipeline::candidates::{candidate_by_id, resolve_candidate};
use crate::pipeline::notes::note_by_id;
type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    /// Everything about one candidate; audited as a view in the same transaction.
    pub fn profile(&mut self, stamp: &Stamp, id: &str) -> Result<Profile> {
        self.audited(|tx| profile_of(tx, stamp, id))
    }

    /// Everything about one candidate, read without writing (on a `Reader`, while the
    /// writer may be busy), and the view's audit entry, owed to the log.
    pub fn read_profile(&self, stamp: &Stamp, id: &str) -> Result<(Profile, PendingAudit)> {
        self.read(|tx| profile_of(tx, stamp, id))
    }
}

/// Reads one candidate's profile, and the audit entry its view owes.
fn profile_of(conn: &rusqlite::Connection, stamp: &Stamp, id: &str) -> Result<(Profile, PendingAudit)> {
    let (cid, uuid) = resolve_candidate(conn, id)?;
    let candidate = candidate_by_id(conn, cid)?;
    let applications = applications_where(conn, "a.candidate_id = ?1", cid)?;
    let mut stmt = conn.prepare_cached("SELECT uuid FROM documents WHERE candidate_id = ?1 ORDER BY added_at")?;
    let doc_uuids: Vec<String> = stmt.query_map([cid], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
    let documents = doc_uuids.iter().map(|u| document_info(conn, u)).collect::<Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached("SELECT id FROM notes WHERE candidate_id = ?1 ORDER BY created_at")?;
    let note_ids: Vec<i64> = stmt.query_map([cid], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
    let notes = note_ids.into_iter().map(|n| note_by_id(conn, n)).collect::<Result<Vec<_>>>()?;
    let timeline = timeline(conn, cid, &candidate)?;
    let owed = PendingAudit::new(stamp, "view", Some(&uuid), "profile".into());
    Ok((Profile { candidate, applications, documents, notes, timeline }, owed))
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

/// Stage changes, notes, documents, messages and requests of a candidate, in time order.
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
                at: parse_ts(&r.get::<_, String>(0)?)?,
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
                at: parse_ts(&r.get::<_, String>(0)?)?,
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
                at: parse_ts(&r.get::<_, String>(0)?)?,
                kind: "document".into(),
                summary: format!("{}: {}", r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                actor: None,
                reference: Some(r.get(3)?),
            })
        },
    )?;
    entries(
        conn,
        "SELECT received_at, direction, coalesce(subject, ''), uuid, coalesce(body_text, '') FROM messages
         WHERE candidate_id = ?1",
        cid,
        &mut out,
        |r| {
            let uuid: String = r.get(3)?;
            Ok(TimelineEntry {
                at: parse_ts(&r.get::<_, String>(0)?)?,
                kind: "message".into(),
                summary: message_summary(
                    conn,
                    &r.get::<_, String>(1)?,
                    &r.get::<_, String>(2)?,
                    &r.get::<_, String>(4)?,
                    &uuid,
                )
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
                actor: None,
                reference: Some(uuid),
            })
        },
    )?;
    // Requests (promise P5): when each came in, and when it was answered.
    for r in crate::requests::register::requests_of(conn, cid)? {
        out.push(TimelineEntry {
            at: r.received_at,
            kind: "request".into(),
            summary: format!(
                "{} request ({}), due {}: {}",
                r.kind.as_str(),
                r.channel.as_str(),
                r.due_on,
                r.status.as_str().replace('_', " ")
            ),
            actor: None,
            reference: Some(r.uuid),
        });
    }
    out.sort_by_key(|e| e.at);
    Ok(out)
}

/// A message in the timeline, as plain text: its direction, subject and the sender's own
/// words (quoted history cut), flagged passages masked, at most 500 characters.
fn message_summary(
    conn: &rusqlite::Connection,
    direction: &str,
    subject: &str,
    body: &str,
    uuid: &str,
) -> Result<String> {
    let spans: Vec<crate::guard::policy::Span> =
        crate::guard::flags::spans(conn, "message", uuid, "refused")?.into_iter().map(|(_, s)| s).collect();
    let masked = crate::guard::policy::mask(body, &spans, crate::documents::MASK);
    let words = crate::mail::reply_text(&masked, &[]);
    let mut words: String = words.chars().take(500).collect();
    if words.len() < crate::mail::reply_text(&masked, &[]).len() {
        words.push('…');
    }
    Ok(if words.is_empty() { format!("{direction}: {subject}") } else { format!("{direction}: {subject} — {words}") })
}
