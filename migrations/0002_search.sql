-- Why: full-text search over candidates (issue 3). One FTS5 index over names, emails,
-- phones, notes and document text, with accents and case folded by the tokenizer; a
-- plain table maps each indexed passage to its candidate and source row, so that a
-- passage is replaced or removed by its id (and goes with its candidate on delete).

CREATE TABLE search_entries (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    field        TEXT NOT NULL CHECK (field IN ('profile', 'note', 'document', 'message')),
    ref          TEXT NOT NULL,
    UNIQUE (field, ref)
) STRICT;
CREATE INDEX search_entries_candidate ON search_entries (candidate_id);

CREATE VIRTUAL TABLE search_index USING fts5 (
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The index row goes with its entry, whoever deletes it (a cascade included).
CREATE TRIGGER search_entries_delete AFTER DELETE ON search_entries
BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;

CREATE INDEX candidates_created ON candidates (created_at);
CREATE INDEX candidates_source ON candidates (source);
CREATE INDEX applications_candidate ON applications (candidate_id);
