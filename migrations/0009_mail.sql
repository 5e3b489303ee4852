-- Why: mail intake (issue 12). Messages brought by a file import or an IMAP fetch are
-- imported once (Message-ID, else a hash of the raw message), remember where they came
-- from, how they were tied to a candidate (or why they wait in triage) and which right the
-- reply asks for. A right detected in a reply opens a request with its legal due date;
-- HR confirms or dismisses it. The request record is minimal on purpose: the requests
-- register issue extends it.

ALTER TABLE messages ADD COLUMN content_hash TEXT;
ALTER TABLE messages ADD COLUMN refs TEXT;
ALTER TABLE messages ADD COLUMN source TEXT;
ALTER TABLE messages ADD COLUMN matched_by TEXT;
ALTER TABLE messages ADD COLUMN intent TEXT;
ALTER TABLE messages ADD COLUMN triage_reason TEXT;
ALTER TABLE messages ADD COLUMN dismissed_at TEXT;
CREATE UNIQUE INDEX messages_content_hash ON messages (content_hash) WHERE content_hash IS NOT NULL;
CREATE INDEX messages_status ON messages (status);

CREATE TABLE requests (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('access', 'correction', 'erasure', 'objection', 'renewal', 'withdrawal')),
    detail       TEXT,
    received_at  TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
    message_id   INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    decided_at   TEXT,
    decided_by   TEXT
) STRICT;
CREATE INDEX requests_candidate ON requests (candidate_id);
CREATE INDEX requests_status ON requests (status, due_on);
