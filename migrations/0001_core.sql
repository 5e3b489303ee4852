-- Why: the first schema of Vivier. It holds the recruitment core that every later
-- feature hangs on (DESIGN.md §3-4): jobs, candidates identified by a random UUID,
-- their email addresses, applications and their dated stage changes, documents stored
-- inside the encrypted database, notes and feedback, messages, settings, and the
-- append-only hash-chained audit log. Later needs get later migrations; this file is
-- never edited once shipped.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    department  TEXT,
    location    TEXT,
    country     TEXT NOT NULL DEFAULT 'FR',
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'on_hold', 'closed')),
    description TEXT NOT NULL DEFAULT '',
    opened_at   TEXT NOT NULL,
    closed_at   TEXT
) STRICT;

CREATE TABLE candidates (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    full_name        TEXT NOT NULL,
    phone            TEXT,
    phone_normalized TEXT,
    source           TEXT NOT NULL CHECK (source IN ('direct', 'agency', 'referral', 'email', 'job_board')),
    source_detail    TEXT,
    language         TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    created_at       TEXT NOT NULL,
    last_contact_at  TEXT NOT NULL
) STRICT;
CREATE INDEX candidates_phone ON candidates (phone_normalized);

CREATE TABLE candidate_emails (
    candidate_id     INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    PRIMARY KEY (candidate_id, email_normalized)
) STRICT;
CREATE INDEX candidate_emails_normalized ON candidate_emails (email_normalized);

CREATE TABLE applications (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    candidate_id  INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    job_id        INTEGER NOT NULL REFERENCES jobs (id),
    stage         TEXT NOT NULL DEFAULT 'new'
                  CHECK (stage IN ('new', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn')),
    closed_reason TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (candidate_id, job_id)
) STRICT;
CREATE INDEX applications_job_stage ON applications (job_id, stage);

CREATE TABLE stage_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_stage     TEXT,
    to_stage       TEXT NOT NULL,
    reason         TEXT,
    actor          TEXT NOT NULL,
    at             TEXT NOT NULL
) STRICT;
CREATE INDEX stage_events_application ON stage_events (application_id, at);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('cv', 'letter', 'other', 'offer_letter')),
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    text         TEXT,
    text_status  TEXT NOT NULL CHECK (text_status IN ('pending', 'extracted', 'none', 'failed')),
    added_at     TEXT NOT NULL
) STRICT;
CREATE INDEX documents_candidate ON documents (candidate_id);

CREATE TABLE notes (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    candidate_id   INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    application_id INTEGER REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'feedback')),
    author         TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX notes_candidate ON notes (candidate_id);

CREATE TABLE note_ratings (
    note_id   INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    criterion TEXT NOT NULL,
    score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (note_id, criterion)
) STRICT;

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    candidate_id INTEGER REFERENCES candidates (id) ON DELETE CASCADE,
    direction    TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    message_id   TEXT,
    in_reply_to  TEXT,
    subject      TEXT,
    from_addr    TEXT,
    to_addrs     TEXT,
    body_text    TEXT,
    raw          BLOB,
    status       TEXT NOT NULL DEFAULT 'matched' CHECK (status IN ('matched', 'triage', 'malformed')),
    received_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX messages_candidate ON messages (candidate_id);

-- Append-only: each entry carries the hash of the previous one; the triggers below make
-- an UPDATE or DELETE fail, so the chain can only grow.
CREATE TABLE audit (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    candidate_uuid TEXT,
    detail         TEXT,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;
CREATE INDEX audit_candidate ON audit (candidate_uuid);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
