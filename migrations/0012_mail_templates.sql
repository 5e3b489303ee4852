-- Why: composing HR's email from templates (issue 12, "Sending"). The six kinds of message
-- (acknowledgement, interview, rejection, offer, request acknowledgement, consent renewal)
-- ship in French and English inside the binary; a template HR edits is stored here, one
-- per kind and language, in the encrypted store (a template may name people or places),
-- and deleting the row restores the shipped text. The outbox now remembers which template
-- a queued message came from, so that a consent-renewal request is not sent twice to the
-- same candidate within the same window.

CREATE TABLE mail_templates (
    kind       TEXT NOT NULL
               CHECK (kind IN ('acknowledgement', 'interview', 'rejection', 'offer', 'request_ack', 'renewal')),
    language   TEXT NOT NULL CHECK (language IN ('fr', 'en')),
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, language)
) STRICT;

ALTER TABLE outbox ADD COLUMN template TEXT;
CREATE INDEX outbox_template ON outbox (candidate_id, template) WHERE template IS NOT NULL;
