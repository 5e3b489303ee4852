//! A person's data, whole: the registry of every table that holds something about a
//! candidate and what merge, purge and the access export do with each ([`registry`]), the
//! merge of two records of one person (`merge`), the removal of people (`removal`) and the
//! walk over everything held on one person that the access export reads (`walk`).
//! A test holds the registry to the schema, so that a table added later cannot be left out.

mod merge;
pub mod registry;
pub(crate) mod removal;
pub(crate) mod walk;

pub use removal::PurgeCounts;
pub use walk::HeldRows;
