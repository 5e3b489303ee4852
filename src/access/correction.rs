//! Correction (right to rectification, promise P5): when a candidate's name, email or phone
//! is corrected, everything derived from it follows, in the same transaction as the edit
//! (`Store::edit_candidate` calls [`propagate`], so every door goes through it):
//! - the search index: the profile passage is rebuilt from the new values, and the old
//!   values are taken out of the person's other indexed passages (notes, documents,
//!   messages), so that searching the old name, address or number finds nothing; the
//!   documents themselves stay as the candidate sent them;
//! - duplicate detection: its keys are the stored normalised email and phone, replaced by
//!   the edit itself;
//! - generated letters: an offer letter prints the name on a line of its own; a current
//!   letter whose stored text no longer holds the candidate's name as it now is, is
//!   outdated ([`OUTDATED`], computed where documents are read, so no column can fall out
//!   of step with the name), shown as "outdated: regenerate"; a regenerated letter
//!   supersedes it.

use std::collections::BTreeSet;

use crate::guard::fold;
use crate::pipeline::contact::normalize_phone;
use crate::pipeline::index::{index_text, passage};
use crate::pipeline::search::token_spans;
use crate::pipeline::{Candidate, PipelineError};

/// The SQL condition on a document `d` that makes it an outdated letter: a current offer
/// letter whose text does not hold its candidate's name on a line of its own (the letter's
/// recipient block).
pub(crate) const OUTDATED: &str = "d.kind = 'offer_letter' AND d.superseded_at IS NULL AND d.text IS NOT NULL
     AND instr(char(10) || d.text || char(10),
               char(10) || (SELECT full_name FROM candidates WHERE id = d.candidate_id) || char(10)) = 0";

/// What a correction changed beyond the candidate's own row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Propagated {
    /// Indexed passages (notes, documents, messages) rebuilt without the old values.
    pub passages: usize,
    /// Current offer letters that no longer print the candidate's name: outdated.
    pub letters_outdated: usize,
}

/// The old values a correction removed: words of the old name not in the new one, the
/// addresses no longer held, the phone replaced (normalised).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gone {
    pub name_words: BTreeSet<String>,
    pub emails: Vec<String>,
    pub phone: Option<String>,
}

impl Gone {
    /// What went from `before` to `after`. Pure.
    pub fn between(before: &Candidate, after: &Candidate) -> Gone {
        let words = |s: &str| -> BTreeSet<String> { token_spans(s).into_iter().map(|(a, b)| fold(&s[a..b])).collect() };
        let kept = words(&after.full_name);
        let name_words = words(&before.full_name).into_iter().filter(|w| !kept.contains(w)).collect();
        let now: Vec<String> = after.emails.iter().map(|e| e.trim().to_ascii_lowercase()).collect();
        let emails = before.emails.iter().map(|e| e.trim().to_ascii_lowercase()).filter(|e| !now.contains(e)).collect();
        let norm = |p: &Option<String>| p.as_deref().and_then(|p| normalize_phone(p).ok());
        let phone = norm(&before.phone).filter(|old| Some(old) != norm(&after.phone).as_ref());
        Gone { name_words, emails, phone }
    }

    pub fn is_empty(&self) -> bool {
        self.name_words.is_empty() && self.emails.is_empty() && self.phone.is_none()
    }
}

/// `text` with the old values blanked (spaces, so that nothing else moves): the addresses
/// (any case), the phone in any writing that normalises to it, the words of the old name.
/// Pure.
pub fn scrub(text: &str, gone: &Gone) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut blank = |a: usize, b: usize| {
        for byte in out.iter_mut().take(b).skip(a) {
            *byte = b' ';
        }
    };
    let lower = text.to_ascii_lowercase();
    for email in &gone.emails {
        let mut from = 0;
        while let Some(pos) = lower.get(from..).and_then(|rest| rest.find(email.as_str())) {
            blank(from + pos, from + pos + email.len());
            from += pos + email.len().max(1);
        }
    }
    if let Some(phone) = &gone.phone {
        let phoneish = |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '(' | ')' | '/');
        let mut start: Option<usize> = None;
        let check = |a: usize, b: usize, blank: &mut dyn FnMut(usize, usize)| {
            let run = &text[a..b];
            let lead = run.len() - run.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '+').len();
            let trimmed = run[lead..].trim_end_matches(|c: char| !c.is_ascii_digit());
            if trimmed.chars().filter(char::is_ascii_digit).count() >= 8
                && normalize_phone(trimmed).ok().as_ref() == Some(phone)
            {
                blank(a + lead, a + lead + trimmed.len());
            }
        };
        for (i, c) in text.char_indices() {
            match (phoneish(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    check(s, i, &mut blank);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            check(s, text.len(), &mut blank);
        }
    }
    for (a, b) in token_spans(text) {
        if gone.name_words.contains(&fold(&text[a..b])) {
            blank(a, b);
        }
    }
    // Only ASCII bytes and whole words were replaced by spaces: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Makes everything derived from a candidate's identity follow a correction from `before`
/// to `after`, in the edit's transaction. The profile passage is the edit's own (rebuilt
/// after this).
pub(crate) fn propagate(
    tx: &rusqlite::Connection,
    cid: i64,
    before: &Candidate,
    after: &Candidate,
) -> Result<Propagated, PipelineError> {
    let gone = Gone::between(before, after);
    let mut done = Propagated::default();
    if !gone.is_empty() {
        let mut stmt = tx.prepare(
            "SELECT id, field, ref FROM search_entries WHERE candidate_id = ?1 AND field <> 'profile' ORDER BY id",
        )?;
        let entries: Vec<(i64, String, String)> =
            stmt.query_map([cid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        drop(stmt);
        for (entry, field, reference) in entries {
            let Some(text) = passage(tx, entry)? else { continue };
            let cleaned = scrub(&text, &gone);
            if cleaned != text {
                index_text(tx, cid, &field, &reference, &cleaned)?;
                done.passages += 1;
            }
        }
    }
    if before.full_name != after.full_name {
        done.letters_outdated = tx.query_row(
            &format!("SELECT count(*) FROM documents d WHERE d.candidate_id = ?1 AND {OUTDATED}"),
            [cid],
            |r| r.get::<_, i64>(0),
        )? as usize;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Language, Source};
    use chrono::Utc;

    fn who(name: &str, emails: &[&str], phone: Option<&str>) -> Candidate {
        Candidate {
            uuid: "u".into(),
            full_name: name.into(),
            emails: emails.iter().map(|e| (*e).to_owned()).collect(),
            phone: phone.map(str::to_owned),
            source: Source::Direct,
            language: Language::Fr,
            created_at: Utc::now(),
            last_contact_at: Utc::now(),
        }
    }

    #[test]
    fn what_went_is_the_old_words_addresses_and_number() {
        let before = who("Jeanne Dupond", &["J.Dupond@Old-Mail.fr", "jd@work.org"], Some("06 12 34 56 78"));
        let after = who("Jeanne Dupont", &["jd@work.org"], Some("+33 7 00 00 00 01"));
        let gone = Gone::between(&before, &after);
        assert_eq!(gone.name_words, BTreeSet::from(["dupond".to_owned()]));
        assert_eq!(gone.emails, vec!["j.dupond@old-mail.fr".to_owned()]);
        assert_eq!(gone.phone.as_deref(), Some("+33612345678"));
        assert!(Gone::between(&after, &after).is_empty());
    }

    #[test]
    fn scrubbing_blanks_every_writing_of_the_old_values_and_nothing_else() {
        let gone = Gone {
            name_words: BTreeSet::from(["dupond".to_owned()]),
            emails: vec!["j.dupond@old-mail.fr".into()],
            phone: Some("+33612345678".into()),
        };
        let cv = "Jeanne DUPOND — J.Dupond@Old-Mail.FR — tél. 06.12.34.56.78 (ou +33 6 12 34 56 78). Rust, 2015-2020.";
        let out = scrub(cv, &gone);
        assert_eq!(out.len(), cv.len());
        for old in ["DUPOND", "Dupond", "Old-Mail", "06.12", "+33 6"] {
            assert!(!out.contains(old), "{old} left in {out}");
        }
        for kept in ["Jeanne", "tél.", "Rust", "2015-2020"] {
            assert!(out.contains(kept), "{kept} lost in {out}");
        }
    }
}
