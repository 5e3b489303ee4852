//! Forward-only schema migrations. The SQL files of `migrations/` are embedded at build
//! time (see `build.rs`); the schema version is `PRAGMA user_version`; each migration and
//! its version bump commit in one transaction, so a failure leaves the previous version.

use rusqlite::Connection;

use super::StoreError;

/// One embedded migration file.
pub(crate) struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this binary writes and understands.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// The embedded migrations, by version then file name: for tests and `vivier doctor`.
pub fn migration_names() -> Vec<(u32, &'static str)> {
    MIGRATIONS.iter().map(|m| (m.version, m.name)).collect()
}

pub(crate) fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(StoreError::sqlite)?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Brings the database up to [`LATEST_VERSION`]; refuses a newer one before writing anything.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, LATEST_VERSION)
}

/// Brings the database up to `target` (at most [`LATEST_VERSION`]). Exposed to tests
/// through [`testing`], which build databases at every earlier version.
pub(crate) fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found > LATEST_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: LATEST_VERSION });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > found && m.version <= target) {
        let failed = |e: rusqlite::Error, at: u32| StoreError::Migration {
            version: migration.version,
            name: migration.name,
            detail: e.to_string(),
            at,
        };
        let tx = conn.transaction().map_err(StoreError::sqlite)?;
        let at = user_version(&tx)?;
        tx.execute_batch(migration.sql).map_err(|e| failed(e, at))?;
        tx.pragma_update(None, "user_version", migration.version).map_err(|e| failed(e, at))?;
        tx.commit().map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => failed(e, at),
        })?;
    }
    Ok(())
}

/// Test door: build a database at an earlier schema version.
#[doc(hidden)]
pub mod testing {
    use super::*;

    pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
        super::migrate_to(conn, target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as u32 + 1, "{} is out of sequence", m.name);
        }
        const { assert!(LATEST_VERSION >= 1) };
    }

    #[test]
    fn every_migration_says_why_it_exists() {
        for m in MIGRATIONS {
            assert!(m.sql.trim_start().starts_with("-- Why:"), "{} must start with a `-- Why:` comment", m.name);
        }
    }

    #[test]
    fn every_migration_applies_on_a_plain_in_memory_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), LATEST_VERSION);
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), LATEST_VERSION);
    }

    #[test]
    fn a_newer_schema_is_refused_before_anything_is_written() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err}");
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }
}
