//! The registry of a person's data: every table that holds something about a candidate,
//! how its rows reach the candidate, and what a merge, a purge (count and delete) and the
//! access export do with them. Merge, purge and export read this list and nothing else,
//! so a table added by a later migration is handled everywhere once it is named here; the
//! test below walks the schema and fails when a table that refers to a candidate is not.

use super::removal::PurgeCounts;

/// How a table's rows reach their candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The `candidates` table itself.
    Itself,
    /// A `candidate_id` column.
    Candidate,
    /// An `application_id` column (the application's candidate).
    Application,
    /// A `note_id` column (the note's candidate).
    Note,
    /// A `candidate_uuid` column only: a record that outlives the person by design and
    /// holds nothing but the random UUID (audit log, purge log, erasure ledger).
    UuidOnly,
}

/// What merging two records of one person does with a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// The kept row takes the absorbed one's facts: the phone it lacks, the earliest
    /// creation, the latest contact, and the stricter state of each request (objection,
    /// erasure, restriction: set on either, set on the survivor).
    Columns,
    /// Rows are copied to the kept person unless they are there already (emails).
    Union,
    /// Applications to the same job fold into the kept one (its history, notes, hiring
    /// details and custom values join it; a hire stays a hire); the others move.
    Fold,
    /// Rows move to the kept person (`candidate_id` updated).
    Move,
    /// Rows follow their parent row (an application's events, a note's ratings).
    FollowParent,
    /// Records keyed by UUID only stay as they are: the history of both UUIDs.
    Keep,
}

/// What a purge does with a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Every row of the person is deleted.
    Delete,
    /// Kept: it holds the UUID only (and the audit entries are append-only by design).
    Keep,
}

/// What the access export gives of a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Every column, as data.
    Rows,
    /// Every column, with the file bytes (`content`) as separate files of the archive.
    RowsWithFiles,
    /// Internal bookkeeping the candidate gains nothing from (index entries, flags' byte
    /// offsets); named so that leaving it out is a decision, not an omission.
    Internal,
}

/// A purge count: which field of [`PurgeCounts`] a table's rows add to, and an optional
/// SQL condition on the table's rows (documents count apart from generated letters).
#[derive(Clone, Copy)]
pub struct Count {
    pub slot: fn(&mut PurgeCounts) -> &mut i64,
    pub filter: Option<&'static str>,
}

/// One table of the registry.
#[derive(Clone, Copy)]
pub struct PersonTable {
    pub name: &'static str,
    pub link: Link,
    pub merge: Merge,
    pub purge: Purge,
    pub export: Export,
    pub counts: &'static [Count],
}

impl std::fmt::Debug for PersonTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonTable").field("name", &self.name).field("link", &self.link).finish_non_exhaustive()
    }
}

const fn table(name: &'static str, link: Link, merge: Merge, export: Export, counts: &'static [Count]) -> PersonTable {
    PersonTable { name, link, merge, purge: Purge::Delete, export, counts }
}

const fn kept(name: &'static str) -> PersonTable {
    PersonTable {
        name,
        link: Link::UuidOnly,
        merge: Merge::Keep,
        purge: Purge::Keep,
        export: Export::Rows,
        counts: &[],
    }
}

/// Every table that holds something about a candidate, in the order a purge deletes them:
/// index entries first (their trigger takes the passages out of the full-text index),
/// children before their parents, the candidate last.
pub const TABLES: &[PersonTable] = &[
    table(
        "search_entries",
        Link::Candidate,
        Merge::Move,
        Export::Internal,
        &[Count { slot: |c| &mut c.index_entries, filter: None }],
    ),
    table(
        "guard_flags",
        Link::Candidate,
        Merge::Move,
        Export::Internal,
        &[Count { slot: |c| &mut c.flags, filter: None }],
    ),
    table(
        "note_ratings",
        Link::Note,
        Merge::FollowParent,
        Export::Rows,
        &[Count { slot: |c| &mut c.ratings, filter: None }],
    ),
    table("notes", Link::Candidate, Merge::Move, Export::Rows, &[Count { slot: |c| &mut c.notes, filter: None }]),
    table(
        "stage_events",
        Link::Application,
        Merge::FollowParent,
        Export::Rows,
        &[Count { slot: |c| &mut c.stage_events, filter: None }],
    ),
    table(
        "hiring_details",
        Link::Application,
        Merge::FollowParent,
        Export::Rows,
        &[Count { slot: |c| &mut c.hiring_details, filter: None }],
    ),
    table(
        "offers",
        Link::Application,
        Merge::FollowParent,
        Export::Rows,
        &[Count { slot: |c| &mut c.offers, filter: None }],
    ),
    table(
        "custom_values",
        Link::Application,
        Merge::FollowParent,
        Export::Rows,
        &[Count { slot: |c| &mut c.custom_values, filter: None }],
    ),
    table(
        "applications",
        Link::Candidate,
        Merge::Fold,
        Export::Rows,
        &[Count { slot: |c| &mut c.applications, filter: None }],
    ),
    table(
        "documents",
        Link::Candidate,
        Merge::Move,
        Export::RowsWithFiles,
        &[
            Count { slot: |c| &mut c.documents, filter: Some("kind <> 'offer_letter'") },
            Count { slot: |c| &mut c.letters, filter: Some("kind = 'offer_letter'") },
        ],
    ),
    table(
        "messages",
        Link::Candidate,
        Merge::Move,
        Export::RowsWithFiles,
        &[Count { slot: |c| &mut c.messages, filter: None }],
    ),
    table("outbox", Link::Candidate, Merge::Move, Export::Rows, &[Count { slot: |c| &mut c.messages, filter: None }]),
    table("requests", Link::Candidate, Merge::Move, Export::Rows, &[Count { slot: |c| &mut c.requests, filter: None }]),
    table(
        "candidate_emails",
        Link::Candidate,
        Merge::Union,
        Export::Rows,
        &[Count { slot: |c| &mut c.emails, filter: None }],
    ),
    table("legal_holds", Link::Candidate, Merge::Move, Export::Rows, &[Count { slot: |c| &mut c.holds, filter: None }]),
    table("candidates", Link::Itself, Merge::Columns, Export::Rows, &[]),
    kept("audit"),
    kept("purge_log"),
    kept("erasure_ledger"),
];

impl PersonTable {
    /// The condition selecting this table's rows of the candidates whose row ids `ids`
    /// (an SQL list or subquery, e.g. `(SELECT id FROM temp.purge_ids)`) yields, and the
    /// expression giving each row's candidate id. None for UUID-only records.
    pub fn rows_of(&self, ids: &str) -> Option<(String, String)> {
        Some(match self.link {
            Link::Itself => (format!("id IN {ids}"), "id".into()),
            Link::Candidate => (format!("candidate_id IN {ids}"), "candidate_id".into()),
            Link::Application => (
                format!("application_id IN (SELECT id FROM applications WHERE candidate_id IN {ids})"),
                "(SELECT candidate_id FROM applications WHERE id = application_id)".into(),
            ),
            Link::Note => (
                format!("note_id IN (SELECT id FROM notes WHERE candidate_id IN {ids})"),
                "(SELECT candidate_id FROM notes WHERE id = note_id)".into(),
            ),
            Link::UuidOnly => return None,
        })
    }
}

/// The registry entry of a table.
pub fn table_named(name: &str) -> Option<&'static PersonTable> {
    TABLES.iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_is_named_once() {
        for (i, t) in TABLES.iter().enumerate() {
            assert!(TABLES[i + 1..].iter().all(|u| u.name != t.name), "{} twice", t.name);
        }
    }

    #[test]
    fn every_deleted_table_is_counted_but_the_candidate_itself() {
        for t in TABLES.iter().filter(|t| t.purge == Purge::Delete && t.link != Link::Itself) {
            assert!(!t.counts.is_empty(), "{} is deleted by a purge but never counted", t.name);
        }
    }

    #[test]
    fn the_candidate_goes_last_and_children_before_parents() {
        let pos = |n: &str| TABLES.iter().position(|t| t.name == n).unwrap();
        let last_deleted = TABLES.iter().rposition(|t| t.purge == Purge::Delete).unwrap();
        assert_eq!(TABLES[last_deleted].name, "candidates");
        for child in TABLES.iter().filter(|t| t.link == Link::Application) {
            assert!(pos(child.name) < pos("applications"), "{}", child.name);
        }
        assert!(pos("note_ratings") < pos("notes"));
    }
}
