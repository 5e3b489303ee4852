-- Why: offer letters (issue 13, DESIGN.md §9). An application at the offer stage gets its
-- offer details (position, contract, start date, salary, …), kept as one checked JSON
-- record per application, stage-gated like the hiring details (promise P3) and erased with
-- them when the application moves back. Letter templates HR adds or edits are stored
-- (the shipped French and English ones live in the binary; a stored template of the same
-- name replaces it). A generated letter is a document of kind 'offer_letter' (allowed
-- since 0001); it now names the application it was made for, and when a later letter for
-- the same application replaced it (superseded, kept, never deleted by a regeneration).

CREATE TABLE offers (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    details        TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE letter_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    language   TEXT NOT NULL CHECK (language IN ('fr', 'en')),
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

ALTER TABLE documents ADD COLUMN application_id INTEGER REFERENCES applications (id) ON DELETE SET NULL;
ALTER TABLE documents ADD COLUMN superseded_at TEXT;
CREATE INDEX documents_application ON documents (application_id) WHERE application_id IS NOT NULL;
