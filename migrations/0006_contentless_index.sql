-- Why: the search index kept its own copy of every indexed passage (FTS5's content table),
-- a third copy of each CV beside the document and its extracted text. A purge had to
-- re-read and re-tokenise each copy to take it out of the index, and the copy was a third
-- place where a person's words lived. The index becomes contentless with
-- `contentless_delete`: it holds only the terms, a row is deleted by its rowid, and a
-- merge (`optimize`) after a purge drops the deleted rows' terms. Snippets are cut from
-- the source rows instead (profile, note, document text with its refused passages masked).
-- The passages are carried over from the old index's content as they were indexed.

DROP TRIGGER search_entries_delete;

CREATE VIRTUAL TABLE search_index_contentless USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index_contentless (rowid, body) SELECT rowid, body FROM search_index;
DROP TABLE search_index;
ALTER TABLE search_index_contentless RENAME TO search_index;
INSERT INTO search_index (search_index) VALUES ('optimize');

-- The index row goes with its entry, whoever deletes it (a cascade included).
CREATE TRIGGER search_entries_delete AFTER DELETE ON search_entries
BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;
