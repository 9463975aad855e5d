-- Catalog text search that stays fast however common the words are.
--
-- 0003's index handed back every match before the newest-first page could be cut: a word in
-- a quarter of 100,000 products meant sorting 25,000 rows. Two changes let FTS5 itself walk
-- the matches newest first and stop after one page:
--
-- * The rowid of a product's search row is its order: `created_at` in ms (clamped to
--   0 .. 2^43-1, the year 2248) shifted left 20 bits, plus the rank of its insertion among
--   products of the same millisecond. FTS5 iterates its doclists in rowid order, so
--   `ORDER BY rowid DESC LIMIT n` reads n matches, not all of them. `products.search_rowid`
--   keeps the key (and its unique index finds the next free one in a millisecond).
-- * The workspace is an indexed token (its id without dashes), and every search requires it
--   next to the words, so a search walks its own workspace's matches only.
--
-- Every word of a search is a prefix. FTS5 answers a prefix query from a prefix index of
-- that exact length by streaming it; without one it first gathers the postings of every word
-- with the prefix, which for a word in a quarter of the catalog costs more than the rest of
-- the search. `prefix = '1 2 3 4 5 6 7 8'` covers what people type (longer words are rarer
-- and cheap to gather) at the price of a larger index.
--
-- The table is contentless: the words are derived from `products.doc`, never read back.
CREATE VIRTUAL TABLE products_fts_v2 USING fts5 (
    workspace,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6 7 8'
);

CREATE TEMP TABLE product_search_keys AS
SELECT
    id,
    search_rowid AS old_rowid,
    (min(max(created_at, 0), (1 << 43) - 1) << 20)
        + row_number() OVER (PARTITION BY min(max(created_at, 0), (1 << 43) - 1) ORDER BY id)
        - 1 AS new_rowid
FROM products;

INSERT INTO products_fts_v2 (rowid, workspace, body)
SELECT k.new_rowid, replace(p.workspace_id, '-', ''), f.body
FROM product_search_keys k
JOIN products p ON p.id = k.id
JOIN products_fts f ON f.rowid = k.old_rowid;

-- Cleared first: a new key may equal another product's old one.
UPDATE products SET search_rowid = NULL;
UPDATE products
SET search_rowid = (SELECT k.new_rowid FROM product_search_keys k WHERE k.id = products.id);

DROP TABLE product_search_keys;
DROP TABLE products_fts;
ALTER TABLE products_fts_v2 RENAME TO products_fts;
