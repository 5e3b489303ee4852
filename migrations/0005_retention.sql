-- Why: the retention engine (issue 5, promises P6, P7 and the erasure side of P8). The
-- policy needs facts the schema did not hold: when a candidate objected to being kept,
-- when HR confirmed an erasure they asked for, when the use of a hire's data was
-- restricted instead, when a hire's contract ends, how long each country of hire keeps a
-- former employee's file, and legal holds. A purge keeps only two things that outlive the
-- person, neither of which identifies them beyond the random UUID: the purge log (date,
-- rule, counts) and the erasure ledger that a restore replays. The search index switches
-- to FTS5's secure-delete so that a deleted passage leaves the index itself, not only a
-- tombstone beside it; and a missing index on notes(application_id) would make the purge
-- of an application scan every note.

ALTER TABLE candidates ADD COLUMN objected_at TEXT;
ALTER TABLE candidates ADD COLUMN erasure_confirmed_at TEXT;
ALTER TABLE candidates ADD COLUMN restricted_at TEXT;
-- The purge reads only who may be due: by last contact, by a request on record, or hired.
CREATE INDEX candidates_last_contact ON candidates (last_contact_at);
CREATE INDEX candidates_requests ON candidates (id)
    WHERE objected_at IS NOT NULL OR erasure_confirmed_at IS NOT NULL;

-- A hired application's contract end (YYYY-MM-DD); NULL while the contract runs.
ALTER TABLE applications ADD COLUMN contract_end TEXT;
CREATE INDEX applications_hired ON applications (candidate_id) WHERE stage = 'hired';

CREATE INDEX notes_application ON notes (application_id);

-- A purge (and its dry run) counts each person's documents by kind: with the kind in the
-- index the count never reads the documents themselves.
DROP INDEX documents_candidate;
CREATE INDEX documents_candidate ON documents (candidate_id, kind);

-- Years a former employee's file is kept after the contract ends, per country of hire
-- (ISO alpha-2). A country without a row gets the engine's default (5 years).
CREATE TABLE retention_periods (
    country TEXT PRIMARY KEY COLLATE NOCASE CHECK (length(country) = 2),
    years   INTEGER NOT NULL CHECK (years BETWEEN 1 AND 50)
) STRICT;
INSERT INTO retention_periods (country, years) VALUES ('FR', 5);

-- A legal hold suspends any purge of its candidate while in force. Released holds stay
-- listed until their candidate goes.
CREATE TABLE legal_holds (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    placed_by    TEXT NOT NULL,
    placed_at    TEXT NOT NULL,
    until        TEXT,
    released_by  TEXT,
    released_at  TEXT
) STRICT;
CREATE INDEX legal_holds_candidate ON legal_holds (candidate_id);

-- What stays of a purge: the UUID, the date, the rule and how many rows of each kind went.
CREATE TABLE purge_log (
    id             INTEGER PRIMARY KEY,
    candidate_uuid TEXT NOT NULL,
    purged_at      TEXT NOT NULL,
    rule           TEXT NOT NULL CHECK (rule IN ('pool', 'objection', 'erasure', 'hired_retention')),
    counts         TEXT NOT NULL
) STRICT;
CREATE INDEX purge_log_at ON purge_log (purged_at);

-- Every purged UUID, so that a restored backup can drop the people purged since.
CREATE TABLE erasure_ledger (
    candidate_uuid TEXT PRIMARY KEY,
    erased_at      TEXT NOT NULL
) STRICT;

CREATE TRIGGER purge_log_no_update BEFORE UPDATE ON purge_log
BEGIN
    SELECT RAISE(ABORT, 'the purge log is append-only');
END;
CREATE TRIGGER purge_log_no_delete BEFORE DELETE ON purge_log
BEGIN
    SELECT RAISE(ABORT, 'the purge log is append-only');
END;
CREATE TRIGGER erasure_ledger_no_update BEFORE UPDATE ON erasure_ledger
BEGIN
    SELECT RAISE(ABORT, 'the erasure ledger is append-only');
END;
CREATE TRIGGER erasure_ledger_no_delete BEFORE DELETE ON erasure_ledger
BEGIN
    SELECT RAISE(ABORT, 'the erasure ledger is append-only');
END;

INSERT INTO search_index (search_index, rank) VALUES ('secure-delete', 1);
