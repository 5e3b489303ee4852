//! Full-text search over profiles, notes and document text: ranked in the index alone,
//! then filtered, one hit per candidate, snippets cut from the masked source rows. Audited
//! as a search (`search`), or read on a reader connection with the search's audit entry
//! owed to the log (`read_search`).

use rusqlite::{OptionalExtension, params};

use crate::audit::PendingAudit;
use crate::db::Store;
use crate::db::ids::resolve;
use crate::db::time::ts;
use crate::guard::policy::HrText;
use crate::pipeline::{PipelineError, Stage, Stamp, contact};

use crate::pipeline::index::passage;
use crate::pipeline::search::{SearchFilter, SearchHit, fts_query, snippet};
type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    /// Full-text search over names, emails, phones, notes and document text, best first,
    /// one hit per candidate; audited as a search.
    pub fn search(&mut self, stamp: &Stamp, text: &str, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
        let (hits, owed) = self.read_search(stamp, text, filter)?;
        self.append_audit(std::slice::from_ref(&owed))?;
        Ok(hits)
    }

    /// The same search, read without writing (on a `Reader`, while the writer may be busy),
    /// and the search's audit entry, owed to the log.
    pub fn read_search(
        &self,
        stamp: &Stamp,
        text: &str,
        filter: &SearchFilter,
    ) -> Result<(Vec<SearchHit>, PendingAudit)> {
        let hits = self.read(|tx| find(tx, text, filter))?;
        // Audited as a search, without the query (it may name someone).
        let owed = PendingAudit::new(stamp, "search", None, format!("{} results", hits.len()));
        Ok((hits, owed))
    }
}

/// Runs a search in the caller's (read) transaction.
fn find(conn: &rusqlite::Connection, text: &str, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
    // Nobody searches candidates by religion or union: such a query is refused.
    HrText::new("search", text).check()?;
    let query = fts_query(text)?;
    let limit = if filter.limit == 0 { 20 } else { filter.limit.min(500) };
    let job_id = filter.job.as_deref().map(|j| resolve(conn, "jobs", "job", j)).transpose()?.map(|(id, _)| id);
    let params_of =
        (filter.source.clone(), filter.since.map(ts), filter.until.map(ts), job_id, filter.stage.map(Stage::as_str));
    // Rank passages in the index alone (cheap), then look up only the best ones'
    // candidates through the filters; widen the window when filters or duplicates
    // leave too few.
    let mut window = (limit * 4) as i64;
    let mut found: Vec<(i64, SearchHit)> = Vec::new();
    // An email address is looked up, not ranked: its words ("example", "org") are in
    // every profile and would make the ranking read them all.
    let exact: Option<Vec<(i64, f64)>> = match contact::normalize_email(text) {
        Ok(email) if !text.trim().contains(' ') => {
            let mut stmt = conn.prepare_cached(
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
        let mut ranked = conn.prepare_cached(
            "SELECT rowid, bm25(search_index) FROM search_index WHERE search_index MATCH ?1
                 ORDER BY bm25(search_index) LIMIT ?2",
        )?;
        let passages: Vec<(i64, f64)> = match &exact {
            Some(passages) => passages.clone(),
            None => ranked
                .query_map(params![query, window], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?,
        };
        let mut owner = conn.prepare_cached(
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
        hit.snippet = passage(conn, rowid)?.map(|b| snippet(&b, text, 14)).unwrap_or_default();
        hits.push(hit);
    }
    Ok(hits)
}
