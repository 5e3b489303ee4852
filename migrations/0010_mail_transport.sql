-- Why: the mail transport (issue 12) needs two kinds of bookkeeping that must survive a
-- crash. mail_sync remembers, per account and mailbox, the IMAP UIDVALIDITY and the last
-- UID whose message was committed by the intake (and the last one flagged on the server),
-- so that a fetch resumes where the last committed message left off and a changed
-- UIDVALIDITY is noticed. outbox holds each message HR sends, built once with its
-- Message-ID before the first attempt, so that a retry sends the same bytes and replies
-- thread back, with its state (queued, sending, sent, failed), attempts and last error.
-- A sent message is also recorded in messages, where the candidate's timeline reads it.

CREATE TABLE mail_sync (
    account     TEXT NOT NULL,
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL CHECK (last_uid >= 0),
    flagged_uid INTEGER NOT NULL CHECK (flagged_uid >= 0 AND flagged_uid <= last_uid),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, mailbox)
) STRICT;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    candidate_id    INTEGER REFERENCES candidates (id) ON DELETE CASCADE,
    message_id      TEXT NOT NULL UNIQUE,
    in_reply_to     TEXT,
    from_addr       TEXT NOT NULL,
    to_addrs        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    raw             BLOB NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_error_code TEXT,
    next_attempt_at TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_candidate ON outbox (candidate_id);
