-- Why: FTS5 writes its index in leaves of 4,050 bytes by default ('pgsz'), sized for
-- SQLite's 4,096-byte page. SQLCipher reserves the end of every page for its IV and HMAC
-- (80 bytes with HMAC-SHA512, 48 with HMAC-SHA256), so a page holds at most 3,981 (4,013)
-- bytes of a row: every leaf of the search index spilled its last 3.5 KB into an overflow
-- page, and reading one leaf meant reading and decrypting two pages. Measured on 100,000
-- candidates: 25,578 of the index's 28,817 pages were such overflow pages. Leaves of
-- 3,900 bytes fit in one page either way (FTS5 overshoots 'pgsz' by a few bytes; a test
-- asserts that no index page overflows).
INSERT INTO search_index (search_index, rank) VALUES ('pgsz', 3900);

-- Rewrite every leaf at the new size: 'optimize' alone does nothing on an index that is
-- already one segment, so a throwaway row (rowid -1, never an entry's id) is added and
-- deleted first to give it something to merge.
INSERT INTO search_index (rowid, body) VALUES (-1, 'vivier');
DELETE FROM search_index WHERE rowid = -1;
INSERT INTO search_index (search_index) VALUES ('optimize');
