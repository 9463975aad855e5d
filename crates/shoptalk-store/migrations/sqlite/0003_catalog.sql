-- The product catalog.

-- A product is read and written whole, so it is kept as one JSON document (`doc`, a
-- `Product`) beside the columns queries need: uniqueness, order and filters. Variants live in
-- the document; `product_variants` is only an index of what the list filters on (price, stock),
-- rewritten with the product, so "some variant between these prices / in stock" is an indexed
-- EXISTS instead of a scan of every document's JSON.
CREATE TABLE products (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    external_id  TEXT,
    category     TEXT,
    doc          TEXT NOT NULL,
    -- The product's row in `products_fts` (FTS5 rowids are stable; its UNINDEXED columns
    -- cannot be looked up without a scan).
    search_rowid INTEGER UNIQUE,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, external_id)
) STRICT;

-- Newest-first keyset pages.
CREATE INDEX products_by_created ON products (workspace_id, created_at DESC, id DESC);
CREATE INDEX products_by_category ON products (workspace_id, category, created_at DESC);

CREATE TABLE product_variants (
    product_id   TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    variant_id   TEXT NOT NULL,
    price_minor  INTEGER NOT NULL,
    -- 1 when stock is untracked or above zero.
    in_stock     INTEGER NOT NULL,
    PRIMARY KEY (product_id, variant_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX product_variants_by_price ON product_variants (product_id, price_minor);

-- Text search over title, description, SKUs and tags. `workspace_id` is stored with each row
-- and every search is scoped by it as well as by the join to `products`.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    workspace_id UNINDEXED,
    product_id UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
