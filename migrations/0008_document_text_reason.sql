-- Why: a document stored without text must say why, so that the profile can tell "encrypted:
-- no text" (a PDF that needs a password to be opened) from "no text: could not be checked"
-- (a scan, or a file that could not be read), rather than let it pass as clean: the guard
-- and search see nothing of such a document (issue 17). The reason is a stable code that
-- the UI branches on, never the message: 'no_text', 'encrypted' or 'unreadable'. It is NULL
-- for documents with text, and for those stored before this migration (their reason was not
-- kept: the profile shows them as "no text: could not be checked" from their text_status).
ALTER TABLE documents ADD COLUMN text_reason TEXT
    CHECK (text_reason IS NULL OR text_reason IN ('no_text', 'encrypted', 'unreadable'));
