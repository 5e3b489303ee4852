//! The audit log's rules: every view, edit, export and deletion of a candidate's data is an
//! entry (actor, action, candidate UUID, time), and each entry carries the SHA-256 of its
//! content and of the previous entry's hash, so that any change to the past breaks the
//! chain at a findable place. Entries hold UUIDs and action words, never names or content.
//! Pure: hashing and verification take values; the store appends and reads.

mod log;

pub use log::PendingAudit;
pub(crate) use log::append;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored entry, as read back for listing and verification.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub candidate_uuid: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: fields length-prefixed so that no two different entries can be
/// written as the same byte string.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    candidate_uuid: Option<&str>,
    detail: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for field in [Some(prev_hash), Some(seq.as_str()), Some(at), Some(actor), Some(action), candidate_uuid, detail] {
        match field {
            Some(f) => {
                h.update((f.len() as u64).to_be_bytes());
                h.update(f.as_bytes());
            }
            None => h.update(u64::MAX.to_be_bytes()),
        }
    }
    hex::encode(h.finalize())
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub entries: u64,
    /// The first entry whose hash or link does not hold, with why.
    pub first_broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Walks the entries in order and reports the first broken link.
pub fn verify(entries: impl IntoIterator<Item = AuditEntry>) -> Verdict {
    let mut prev = GENESIS.to_owned();
    let mut expected_seq: Option<i64> = None;
    let mut count = 0;
    for e in entries {
        count += 1;
        let broken = |reason: String| Verdict { entries: count, first_broken: Some(BrokenLink { seq: e.seq, reason }) };
        if let Some(s) = expected_seq
            && e.seq != s
        {
            return broken(format!("entry {s} is missing"));
        }
        if e.prev_hash != prev {
            return broken("it does not link to the previous entry".into());
        }
        let h = entry_hash(
            &e.prev_hash,
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            e.candidate_uuid.as_deref(),
            e.detail.as_deref(),
        );
        if h != e.hash {
            return broken("its content does not match its hash (it was changed)".into());
        }
        prev = e.hash.clone();
        expected_seq = Some(e.seq + 1);
    }
    Verdict { entries: count, first_broken: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let at = format!("2026-11-29T10:00:{seq:02}Z");
                let cand = Some(format!("uuid-{seq}"));
                let hash = entry_hash(&prev, seq, &at, "hr", "view", cand.as_deref(), None);
                let e = AuditEntry {
                    seq,
                    at,
                    actor: "hr".into(),
                    action: "view".into(),
                    candidate_uuid: cand,
                    detail: None,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(chain(5)), Verdict { entries: 5, first_broken: None });
        assert_eq!(verify(Vec::new()).entries, 0);
    }

    #[test]
    fn an_edited_entry_is_found() {
        let mut c = chain(5);
        c[2].actor = "someone else".into();
        let v = verify(c);
        assert_eq!(v.first_broken.unwrap().seq, 3);
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(c).first_broken.unwrap().seq, 3);
    }

    #[test]
    fn a_rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        c[1].action = "export".into();
        c[1].hash = entry_hash(&c[1].prev_hash, 2, &c[1].at, "hr", "export", c[1].candidate_uuid.as_deref(), None);
        assert_eq!(verify(c).first_broken.unwrap().seq, 3);
    }

    #[test]
    fn field_boundaries_matter() {
        assert_ne!(
            entry_hash(GENESIS, 1, "t", "ab", "c", None, None),
            entry_hash(GENESIS, 1, "t", "a", "bc", None, None)
        );
        assert_ne!(
            entry_hash(GENESIS, 1, "t", "a", "b", None, None),
            entry_hash(GENESIS, 1, "t", "a", "b", Some(""), None)
        );
    }
}
