-- Why: the sensitive-category guard (issue 4). Text HR writes is refused when it holds a
-- refused category; a warned criterion (age, family situation, ...) is stored and its
-- warning recorded here. Text a candidate provides (CV, letter, email) is stored as
-- given, and its passages that belong to a category are recorded here as flagged spans
-- (byte offsets, never the words), so that previews mask them and the search index
-- leaves them out. Flags go with their candidate.

CREATE TABLE guard_flags (
    id           INTEGER PRIMARY KEY,
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE CASCADE,
    source       TEXT NOT NULL CHECK (source IN ('note', 'document', 'message', 'stage_reason', 'job', 'custom_field')),
    ref          TEXT NOT NULL,
    category     TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('refused', 'warned')),
    span_start   INTEGER NOT NULL,
    span_end     INTEGER NOT NULL CHECK (span_end > span_start),
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX guard_flags_ref ON guard_flags (source, ref);
CREATE INDEX guard_flags_candidate ON guard_flags (candidate_id);
