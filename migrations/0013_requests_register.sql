-- Why: the requests register (issue 14, promise P5). The minimal record of 0009 becomes a
-- register with deadlines: every right a candidate may exercise (restriction added), the
-- channel it came by, an extension of the legal delay (Art. 12(3): up to two more months,
-- with its reason), the identity check a request from an unknown address needs, and the
-- statuses of the register (open, identity check needed, awaiting confirmation, done,
-- refused with a reason). SQLite cannot alter a CHECK constraint, so the table is rebuilt:
-- created anew, filled from the old one, the old one dropped and the new one renamed. No
-- table references `requests`, so the drop cascades nothing; its indexes are recreated.
--
-- Existing rows were all opened from replies by the mail intake: channel 'email'; 'open'
-- becomes 'awaiting_confirmation' (a right read in a reply waits for HR to confirm it),
-- 'confirmed' becomes 'done', and 'dismissed' becomes 'refused' with the reason "not a
-- request (dismissed before the register)". Their due date stays: none was extended.

CREATE TABLE requests_register (
    id                  INTEGER PRIMARY KEY,
    uuid                TEXT NOT NULL UNIQUE,
    candidate_id        INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL
                        CHECK (kind IN ('access', 'correction', 'erasure', 'objection', 'restriction',
                                        'withdrawal', 'renewal')),
    channel             TEXT NOT NULL CHECK (channel IN ('email', 'letter', 'phone', 'in-person', 'form')),
    -- The new values a correction gave (read in the reply).
    detail              TEXT,
    -- What HR noted when registering it by hand.
    note                TEXT,
    received_at         TEXT NOT NULL,
    -- The due date in force: one calendar month after receipt, or later once extended.
    due_on              TEXT NOT NULL,
    extended_months     INTEGER NOT NULL DEFAULT 0 CHECK (extended_months BETWEEN 0 AND 2),
    extension_reason    TEXT,
    extended_at         TEXT,
    extended_by         TEXT,
    -- 'needed' for a request from an address the candidate is not known by, until HR
    -- notes how the identity was checked ('checked', with the note).
    identity            TEXT NOT NULL DEFAULT 'not_needed' CHECK (identity IN ('not_needed', 'needed', 'checked')),
    identity_note       TEXT,
    identity_checked_at TEXT,
    identity_checked_by TEXT,
    status              TEXT NOT NULL
                        CHECK (status IN ('open', 'identity_check', 'awaiting_confirmation', 'done', 'refused')),
    refusal_reason      TEXT,
    message_id          INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    decided_at          TEXT,
    decided_by          TEXT,
    CHECK (status <> 'refused' OR refusal_reason IS NOT NULL),
    CHECK (extended_months = 0 OR extension_reason IS NOT NULL),
    CHECK ((identity = 'checked') = (identity_note IS NOT NULL))
) STRICT;

INSERT INTO requests_register (id, uuid, candidate_id, kind, channel, detail, received_at, due_on, status,
                               refusal_reason, message_id, decided_at, decided_by)
SELECT id, uuid, candidate_id, kind, 'email', detail, received_at, due_on,
       CASE status WHEN 'open' THEN 'awaiting_confirmation' WHEN 'confirmed' THEN 'done' ELSE 'refused' END,
       CASE status WHEN 'dismissed' THEN 'not a request (dismissed before the register)' END,
       message_id, decided_at, decided_by
FROM requests;

DROP TABLE requests;
ALTER TABLE requests_register RENAME TO requests;
CREATE INDEX requests_candidate ON requests (candidate_id);
CREATE INDEX requests_status ON requests (status, due_on);
CREATE INDEX requests_message ON requests (message_id) WHERE message_id IS NOT NULL;
